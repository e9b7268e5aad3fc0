"""What each node type does with its input. A node returns its output or raises NodeFailed.

Template context (prompts, URLs, bodies, memory keys, output values): `input` (what the node
received), `trigger` (the payload the trigger injected) and `execution` ({id, flowId, triggerType}).
Conditions and calculations see the same names.
"""

import contextlib
import json
from dataclasses import dataclass, replace
from typing import Any

import httpx2
from django.conf import settings

from core.api.exceptions import ApplicationError
from flows.expressions import ExpressionError, evaluate, render, search
from flows.graph import Node
from flows.models import Execution
from flows.services.memory import memory_delete, memory_read, memory_write
from integrations.ai.base import GenerationFailed, StructuredRequest
from integrations.ai.builtin import BUILTIN
from integrations.ai.providers import provider_resolve
from integrations.outbound import guarded_http_client
from integrations.services import ai_structured

LLM_PURPOSE = "flows.llm_call"
LLM_SCHEMA = {
    "type": "object",
    "properties": {"text": {"type": "string"}},
    "required": ["text"],
    "additionalProperties": False,
}
DEFAULT_LLM_INSTRUCTIONS = "You are one step of an automated flow. Answer the user's prompt; put your answer in `text`."
DEFAULT_HTTP_TIMEOUT_SECONDS = 30.0
# Nodes whose work can be repeated without effects outside the execution (a resumed execution reruns them).
SIDE_EFFECT_FREE = {"trigger", "conditional", "output", "custom"}
SIDE_EFFECT_FREE_TOOLS = {"calculate", "transform", "memoryGet"}
IDEMPOTENT_HTTP_METHODS = {"GET", "HEAD"}


class NodeFailed(Exception):
    def __init__(self, message: str, *, retryable: bool = False):
        super().__init__(message)
        self.message = message
        self.retryable = retryable


@dataclass
class NodeResult:
    output: Any
    branch: str | None = None
    tokens: int = 0


@dataclass(frozen=True)
class NodeContext:
    execution: Execution
    input: Any
    timeout: float

    @property
    def names(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "trigger": self.execution.input_payload,
            "execution": {
                "id": self.execution.pk,
                "flowId": self.execution.flow_id,
                "triggerType": self.execution.trigger_type,
            },
        }


def has_side_effects(node: Node) -> bool:
    config = node.config if isinstance(node.config, dict) else {}
    if node.type in SIDE_EFFECT_FREE:
        return False
    if node.type == "codeBlock":
        return config.get("tool") not in SIDE_EFFECT_FREE_TOOLS
    if node.type == "httpRequest":
        return str(config.get("method", "GET")).upper() not in IDEMPOTENT_HTTP_METHODS
    return True


def node_timeout(node: Node) -> float:
    config = node.config if isinstance(node.config, dict) else {}
    if "timeoutSeconds" in config:
        return float(config["timeoutSeconds"])
    if node.type == "llmCall":
        return settings.AI_REQUEST_TIMEOUT_SECONDS
    return DEFAULT_HTTP_TIMEOUT_SECONDS


def run_node(node: Node, context: NodeContext) -> NodeResult:
    runner = _RUNNERS.get(node.type)
    if runner is None:
        raise NodeFailed(f"Node '{node.name}' has unknown type '{node.type}'.")
    try:
        return runner(node, node.config if isinstance(node.config, dict) else {}, context)
    except ExpressionError as exc:
        raise NodeFailed(str(exc)) from exc


def _trigger(node: Node, config: dict, context: NodeContext) -> NodeResult:
    return NodeResult(output=context.input)


def _llm_call(node: Node, config: dict, context: NodeContext) -> NodeResult:
    prompt = render(config.get("prompt", ""), context.names)
    system = render(config.get("system", DEFAULT_LLM_INSTRUCTIONS), context.names)
    owner = context.execution.owner
    try:
        provider = provider_resolve(user=owner, requested=config.get("provider"))
    except ApplicationError as exc:
        raise NodeFailed(exc.message) from exc
    if config.get("model") and provider.name != BUILTIN:
        provider = replace(provider, model=str(config["model"]))
    request = StructuredRequest(
        purpose=LLM_PURPOSE,
        instructions=str(system),
        input={"prompt": prompt if isinstance(prompt, str) else json.dumps(prompt)},
        schema=LLM_SCHEMA,
        temperature=config.get("temperature"),
        max_tokens=config.get("maxTokens"),
    )
    try:
        result = ai_structured(
            user=owner, provider=provider, request=request, subject=("execution", context.execution.pk),
            timeout=round(context.timeout),
        )  # fmt: skip
    except GenerationFailed as exc:
        raise NodeFailed(exc.message, retryable=True) from exc
    tokens = result.tokens_in + result.tokens_out
    return NodeResult(
        output={
            "text": result.data["text"],
            "provider": result.provider,
            "model": result.model,
            "usage": {"tokensIn": result.tokens_in, "tokensOut": result.tokens_out},
        },
        tokens=tokens,
    )


def builtin_llm_answer(request_input: dict[str, Any]) -> dict[str, Any]:
    """The built-in model: deterministic and offline, it answers with the prompt it was given."""
    return {"text": request_input["prompt"]}


def _http_client(timeout: float) -> httpx2.Client:
    if settings.FLOW_HTTP_ALLOW_PRIVATE_URLS:
        return httpx2.Client(timeout=timeout, follow_redirects=False, trust_env=False)
    return guarded_http_client(timeout=timeout)


def _http_request(node: Node, config: dict, context: NodeContext) -> NodeResult:
    names = context.names
    url = render(config.get("url", ""), names)
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise NodeFailed(f"The URL {url!r} is not an http(s) URL.")
    method = str(config.get("method", "GET")).upper()
    headers = {str(key): str(value) for key, value in render(config.get("headers", {}), names).items()}
    options: dict[str, Any] = {"headers": headers}
    if "body" in config and method not in ("GET", "HEAD"):
        body = render(config["body"], names)
        if isinstance(body, str):
            options["content"] = body.encode()
        else:
            options["json"] = body
    limit = settings.FLOW_HTTP_MAX_RESPONSE_BYTES
    try:
        with _http_client(context.timeout) as client, client.stream(method, url, **options) as response:
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise NodeFailed(f"The response from {url} is larger than {limit} bytes.")
                chunks.append(chunk)
    except httpx2.TimeoutException as exc:
        raise NodeFailed(f"{method} {url} did not answer within {context.timeout:g} s.", retryable=True) from exc
    except httpx2.HTTPError as exc:
        raise NodeFailed(f"{method} {url} failed: {exc}", retryable=True) from exc
    content = b"".join(chunks)
    body: Any = content.decode(response.encoding or "utf-8", errors="replace")
    if "json" in response.headers.get("content-type", ""):
        with contextlib.suppress(ValueError):
            body = json.loads(content)
    if response.status_code >= 400:
        retryable = response.status_code >= 500 or response.status_code == 429
        raise NodeFailed(f"{method} {url} answered HTTP {response.status_code}.", retryable=retryable)
    return NodeResult(output={"status": response.status_code, "headers": dict(response.headers), "body": body})


def _code_block(node: Node, config: dict, context: NodeContext) -> NodeResult:
    tool = config.get("tool") or ("wasm" if "wasmModuleId" in config else None)
    names = context.names
    flow = context.execution.flow
    if tool == "calculate":
        return NodeResult(output={"result": evaluate(str(config.get("expression", "")), names)})
    if tool == "transform":
        if "jmespath" in config:
            return NodeResult(output=search(str(config["jmespath"]), context.input))
        return NodeResult(output=render(config.get("template"), names))
    if tool in ("memoryGet", "memorySet", "memoryDelete"):
        key = str(render(config.get("key", ""), names))
        try:
            if tool == "memoryGet":
                entry = memory_read(flow=flow, key=key)
                value = entry.value if entry is not None else config.get("default")
                return NodeResult(output={"key": key, "found": entry is not None, "value": value})
            if tool == "memorySet":
                entry = memory_write(flow=flow, key=key, value=render(config.get("value"), names))
                return NodeResult(output={"key": key, "version": entry.version, "value": entry.value})
            return NodeResult(output={"key": key, "deleted": memory_delete(flow=flow, key=key)})
        except ApplicationError as exc:
            raise NodeFailed(f"Memory {tool} '{key}': {exc.message}") from exc
    if tool == "wasm":
        raise NodeFailed("WASM modules cannot run yet; use a built-in tool (calculate, transform, memory).")
    raise NodeFailed(f"Code node '{node.name}' has no tool; set `tool`.")


def _conditional(node: Node, config: dict, context: NodeContext) -> NodeResult:
    result = bool(evaluate(str(config.get("expression", "")), context.names))
    return NodeResult(output=context.input, branch="true" if result else "false")


def _output(node: Node, config: dict, context: NodeContext) -> NodeResult:
    value = render(config["value"], context.names) if "value" in config else context.input
    return NodeResult(output=value)


def _custom(node: Node, config: dict, context: NodeContext) -> NodeResult:
    handler = node.data.get("handler") or "none"
    raise NodeFailed(
        f"Custom node '{node.name}' (handler {handler}) cannot run: custom handlers are not configured on this server."
    )


_RUNNERS = {
    "trigger": _trigger,
    "llmCall": _llm_call,
    "httpRequest": _http_request,
    "codeBlock": _code_block,
    "conditional": _conditional,
    "output": _output,
    "custom": _custom,
}
