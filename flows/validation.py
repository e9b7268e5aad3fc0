"""Flow validation: BloxServer's `Flow.validate()` rules plus what running a flow here needs.

Every problem is `{code, severity, message, nodeId, edgeId, triggerId}` with severity `error` (the
flow cannot start), `warning` or `info`. BloxServer's codes keep their meaning: duplicate_node_name,
invalid_node_name, missing_agent_prompt, missing_custom_tool_paths, invalid_edge_source,
invalid_edge_target, invalid_trigger_target, unreachable_entry_node (warning), cycle_detected
(info). Ours: unknown_node_type, invalid_node_config, invalid_edge_condition, edge_into_trigger,
no_entry_node, trigger_without_entry, custom_node_not_runnable (warning), invalid_settings,
invalid_input_schema.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings as django_settings
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from flows.definition import EDGE_CONDITIONS, NODE_TYPES, TRIGGER_NODE_TYPES
from flows.expressions import ExpressionError, check_expression, check_jmespath, check_template
from flows.graph import FlowGraph

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")
CODE_TOOLS = ("calculate", "transform", "memoryGet", "memorySet", "memoryDelete", "wasm")
CONDITIONAL_HANDLES = ("true", "false")


@dataclass(frozen=True)
class TriggerRef:
    """What validation needs of a trigger row."""

    id: str
    type: str
    target_node: str
    enabled: bool = True


class _Report:
    def __init__(self) -> None:
        self.issues: list[dict[str, Any]] = []

    def add(self, code: str, message: str, severity: str = "error", *, node=None, edge=None, trigger=None) -> None:
        self.issues.append(
            {
                "code": code,
                "severity": severity,
                "message": message,
                "nodeId": node,
                "edgeId": edge,
                "triggerId": trigger,
            }
        )


def _is_valid_name(name: str) -> bool:
    return bool(name) and name.replace("_", "").replace("-", "").isalnum()


def flow_validate(
    canvas: dict[str, Any], *, settings: dict[str, Any], input_schema: Any, triggers: list[TriggerRef]
) -> dict[str, Any]:
    report = _Report()
    graph = FlowGraph(canvas)
    seen_names: dict[str, str] = {}
    for node in graph.nodes.values():
        name = node.name
        if name in seen_names:
            report.add("duplicate_node_name", f"Node name '{name}' is used by more than one node.", node=node.id)
        seen_names.setdefault(name, node.id)
        if not _is_valid_name(name):
            report.add(
                "invalid_node_name",
                f"Node name '{name}' may only contain letters, digits, '_' and '-'.",
                node=node.id,
            )
        if node.type not in NODE_TYPES:
            report.add(
                "unknown_node_type",
                f"Node '{name}' has unknown type '{node.type}'; expected one of {', '.join(NODE_TYPES)}.",
                node=node.id,
            )
            continue
        _check_node(report, node)

    for edge in graph.edges:
        _check_edge(report, graph, edge)
    _check_entries(report, graph, triggers)
    _check_settings(report, settings)
    if input_schema is not None:
        try:
            Draft202012Validator.check_schema(input_schema)
        except SchemaError as exc:
            report.add("invalid_input_schema", f"The input schema is not a valid JSON Schema: {exc.message}")
    for cycle in graph.cycles():
        path = " -> ".join(graph.nodes[node_id].name for node_id in cycle)
        report.add("cycle_detected", f"Cycle detected: {path}", "info", node=cycle[0])

    errors = sum(issue["severity"] == "error" for issue in report.issues)
    return {
        "valid": errors == 0,
        "errors": errors,
        "warnings": sum(issue["severity"] == "warning" for issue in report.issues),
        "issues": report.issues,
    }


def _config_error(report: _Report, node, message: str) -> None:
    report.add("invalid_node_config", f"Node '{node.name}': {message}", node=node.id)


def _check_template_field(report: _Report, node, key: str, value: Any) -> None:
    for text in _strings(value):
        try:
            check_template(text)
        except ExpressionError as exc:
            _config_error(report, node, f"`{key}`: {exc}")
            return


def _strings(value: Any):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


def _check_node(report: _Report, node) -> None:
    config = node.config
    checks = {
        "trigger": _check_trigger_node,
        "llmCall": _check_llm_node,
        "httpRequest": _check_http_node,
        "codeBlock": _check_code_node,
        "conditional": _check_conditional_node,
        "output": _check_output_node,
        "custom": _check_custom_node,
    }
    if not isinstance(config, dict):
        _config_error(report, node, "`config` must be an object.")
        return
    checks[node.type](report, node, config)
    _check_retry_settings(report, node, config)


def _check_trigger_node(report: _Report, node, config: dict) -> None:
    trigger_type = config.get("triggerType", "any")
    if trigger_type not in TRIGGER_NODE_TYPES:
        _config_error(report, node, f"`triggerType` must be one of {', '.join(TRIGGER_NODE_TYPES)}.")


def _check_llm_node(report: _Report, node, config: dict) -> None:
    prompt = config.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        report.add("missing_agent_prompt", f"LLM node '{node.name}' needs a prompt.", node=node.id)
    else:
        _check_template_field(report, node, "prompt", prompt)
    if "system" in config:
        _check_template_field(report, node, "system", config["system"])
    temperature = config.get("temperature")
    if temperature is not None and (not _is_number(temperature) or not 0 <= temperature <= 2):
        _config_error(report, node, "`temperature` must be a number from 0 to 2.")
    max_tokens = config.get("maxTokens")
    if max_tokens is not None and (type(max_tokens) is not int or max_tokens < 1):
        _config_error(report, node, "`maxTokens` must be a positive integer.")
    provider = config.get("provider")
    if provider is not None and provider not in ("builtin", *django_settings.AI_PROVIDERS):
        _config_error(report, node, f"`provider` '{provider}' is not a known AI provider.")


def _check_http_node(report: _Report, node, config: dict) -> None:
    url = config.get("url")
    if not isinstance(url, str) or not url.strip():
        _config_error(report, node, "`url` is required (a URL or a template such as '{{ input.url }}').")
    else:
        _check_template_field(report, node, "url", url)
        if "{{" not in url and not url.startswith(("http://", "https://")):
            _config_error(report, node, "`url` must be an http(s) URL.")
    method = config.get("method", "GET")
    if not isinstance(method, str) or method.upper() not in HTTP_METHODS:
        _config_error(report, node, f"`method` must be one of {', '.join(HTTP_METHODS)}.")
    headers = config.get("headers", {})
    if not isinstance(headers, dict) or not all(isinstance(value, str) for value in headers.values()):
        _config_error(report, node, "`headers` must be an object of strings.")
    else:
        _check_template_field(report, node, "headers", headers)
    if "body" in config:
        _check_template_field(report, node, "body", config["body"])
    timeout = config.get("timeoutSeconds")
    maximum = django_settings.FLOW_HTTP_MAX_TIMEOUT_SECONDS
    if timeout is not None and (not _is_number(timeout) or not 0 < timeout <= maximum):
        _config_error(report, node, f"`timeoutSeconds` must be a number above 0 and at most {maximum:g}.")


def _check_code_node(report: _Report, node, config: dict) -> None:
    tool = config.get("tool")
    if tool not in CODE_TOOLS:
        if "wasmModuleId" in config:
            tool = "wasm"
        else:
            _config_error(report, node, f"`tool` must be one of {', '.join(CODE_TOOLS)}.")
            return
    if tool == "wasm":
        _config_error(report, node, "WASM modules cannot run yet; use a built-in tool (calculate, transform, memory).")
    elif tool == "calculate":
        _check_expression_field(report, node, "expression", config.get("expression"))
    elif tool == "transform":
        query, template = config.get("jmespath"), config.get("template")
        if (query is None) == (template is None):
            _config_error(report, node, "transform needs exactly one of `jmespath` or `template`.")
        elif query is not None:
            try:
                check_jmespath(str(query))
            except ExpressionError as exc:
                _config_error(report, node, f"`jmespath`: {exc}")
        else:
            _check_template_field(report, node, "template", template)
    else:
        key = config.get("key")
        if not isinstance(key, str) or not key:
            _config_error(report, node, f"{tool} needs a `key` (text or a template).")
        else:
            _check_template_field(report, node, "key", key)
        if tool == "memorySet":
            if "value" not in config:
                _config_error(report, node, "memorySet needs a `value` (JSON or a template).")
            else:
                _check_template_field(report, node, "value", config["value"])


def _check_expression_field(report: _Report, node, key: str, expression: Any) -> None:
    if not isinstance(expression, str) or not expression.strip():
        _config_error(report, node, f"`{key}` is required.")
        return
    try:
        check_expression(expression)
    except ExpressionError as exc:
        _config_error(report, node, f"`{key}`: {exc}")


def _check_conditional_node(report: _Report, node, config: dict) -> None:
    _check_expression_field(report, node, "expression", config.get("expression"))


def _check_output_node(report: _Report, node, config: dict) -> None:
    if "value" in config:
        _check_template_field(report, node, "value", config["value"])


def _check_custom_node(report: _Report, node, config: dict) -> None:
    if not node.data.get("handler") and not node.data.get("payloadClass") and not config:
        report.add(
            "missing_custom_tool_paths",
            f"Custom node '{node.name}' needs a handler and payload class.",
            node=node.id,
        )
        return
    report.add(
        "custom_node_not_runnable",
        f"Custom node '{node.name}' cannot run here; an execution that reaches it fails.",
        "warning",
        node=node.id,
    )


def _check_retry_settings(report: _Report, node, config: dict) -> None:
    retries = config.get("retries")
    if retries is not None and (type(retries) is not int or not 0 <= retries <= 10):
        _config_error(report, node, "`retries` must be an integer from 0 to 10.")
    backoff = config.get("retryBackoffSeconds")
    if backoff is not None and (not _is_number(backoff) or not 0 <= backoff <= 60):
        _config_error(report, node, "`retryBackoffSeconds` must be a number from 0 to 60.")
    timeout = config.get("timeoutSeconds")
    if node.type != "httpRequest" and timeout is not None and (not _is_number(timeout) or timeout <= 0):
        _config_error(report, node, "`timeoutSeconds` must be a positive number.")


def _check_edge(report: _Report, graph: FlowGraph, edge) -> None:
    if edge.source not in graph.nodes:
        report.add("invalid_edge_source", f"Edge '{edge.id}' starts at unknown node '{edge.source}'.", edge=edge.id)
    if edge.target not in graph.nodes:
        report.add("invalid_edge_target", f"Edge '{edge.id}' ends at unknown node '{edge.target}'.", edge=edge.id)
    elif graph.nodes[edge.target].type == "trigger":
        report.add("edge_into_trigger", f"Edge '{edge.id}' leads into trigger node '{edge.target}'.", edge=edge.id)
    if edge.condition not in EDGE_CONDITIONS:
        report.add(
            "invalid_edge_condition",
            f"Edge '{edge.id}' has condition '{edge.condition}'; expected one of {', '.join(EDGE_CONDITIONS)}.",
            edge=edge.id,
        )
    elif edge.condition == "conditional":
        if not edge.expression:
            report.add("invalid_edge_condition", f"Conditional edge '{edge.id}' needs an expression.", edge=edge.id)
        else:
            try:
                check_expression(edge.expression)
            except ExpressionError as exc:
                report.add("invalid_edge_condition", f"Edge '{edge.id}': {exc}", edge=edge.id)
    source = graph.nodes.get(edge.source)
    if source is not None and source.type == "conditional" and edge.handle not in (None, *CONDITIONAL_HANDLES):
        report.add(
            "invalid_edge_condition",
            f"Edge '{edge.id}' leaves conditional node '{source.name}' by handle '{edge.handle}'; "
            "use 'true' or 'false'.",
            edge=edge.id,
        )


def _check_entries(report: _Report, graph: FlowGraph, triggers: list[TriggerRef]) -> None:
    if not graph.nodes:
        report.add("no_entry_node", "The flow has no nodes.")
        return
    if not graph.entry_nodes(None):
        report.add("no_entry_node", "The flow has no entry: add a trigger node or a node without incoming edges.")
    for trigger in triggers:
        if trigger.target_node and graph.find(trigger.target_node) is None:
            report.add(
                "invalid_trigger_target",
                f"Trigger targets node '{trigger.target_node}', which the flow does not have.",
                trigger=trigger.id,
            )
        elif trigger.enabled and not graph.entry_nodes(trigger.type, trigger.target_node):
            report.add(
                "trigger_without_entry",
                f"No trigger node accepts {trigger.type} triggers; set the trigger's targetNode or add one.",
                trigger=trigger.id,
            )
    targeted = {graph.find(trigger.target_node) for trigger in triggers if trigger.target_node}
    for node in graph.nodes.values():
        entry_like = node.type != "trigger" and not graph.incoming.get(node.id) and node.id not in targeted
        if entry_like and graph.has_trigger_nodes:
            report.add(
                "unreachable_entry_node",
                f"Node '{node.name}' has no incoming edge and no trigger targets it; it never runs.",
                "warning",
                node=node.id,
            )


def _check_settings(report: _Report, settings: dict[str, Any]) -> None:
    bounds = {
        "timeoutSeconds": (1, django_settings.FLOW_MAX_TIMEOUT_SECONDS),
        "maxNodeVisits": (1, django_settings.FLOW_MAX_NODE_VISITS),
    }
    for key, (low, high) in bounds.items():
        value = settings.get(key)
        if value is not None and (type(value) is not int or not low <= value <= high):
            report.add("invalid_settings", f"`{key}` must be an integer from {low} to {high}.")
    if "logPayloads" in settings and not isinstance(settings["logPayloads"], bool):
        report.add("invalid_settings", "`logPayloads` must be true or false.")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
