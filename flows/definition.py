"""A flow's definition in its two forms: the canvas the editor draws and the organism YAML.

The canvas is React Flow's `{nodes, edges, viewport}` (BloxServer's API contract): a node is
`{id, type, position, data: {name, label, description?, handler?, payloadClass?, isAgent?, config}}`,
an edge `{id, source, target, sourceHandle?, targetHandle?, data: {condition, conditionExpression}}`.
The YAML is xml-pipeline's organism format: one listener per non-trigger node with its `peers` (the
names its edges lead to), plus the keys BloxServer added for what the pump ignores (`triggers`,
`execution`, per-listener `model`/`temperature`/`max_tokens`) and ours for what would otherwise be
lost: a listener's node `type`, `label` and `config`, and `routes` for edges that are not plain
"always" edges (their condition, expression and source handle).

Saving either form regenerates the other. Canvas → YAML → canvas keeps every node, edge, condition
and config; positions live only on the canvas, so a YAML save keeps the positions of nodes that
persist (matched by name) and lays new ones out in layers from the entry nodes.
"""

import copy
import re
from collections import deque
from typing import Any

import yaml

from core.api.exceptions import ValidationFailed

NODE_TYPES = ("trigger", "llmCall", "httpRequest", "codeBlock", "conditional", "output", "custom")
EDGE_CONDITIONS = ("always", "on_success", "on_error", "conditional")
TRIGGER_NODE_TYPES = ("webhook", "schedule", "manual", "any")
DEFAULT_VIEWPORT = {"x": 0, "y": 0, "zoom": 1}
LAYER_WIDTH = 250
ROW_HEIGHT = 120
MAX_NODES = 500
MAX_YAML_BYTES = 512 * 1024

# Listener keys the YAML gives an llmCall node's config (YAML name → config name).
_LLM_KEYS = {"prompt": "prompt", "model": "model", "temperature": "temperature", "max_tokens": "maxTokens"}
# xml-pipeline's built-in tools, for YAML that does not say which node type a listener is.
_TOOL_TYPES = {
    "xml_pipeline.tools.fetch.": ("httpRequest", {}),
    "xml_pipeline.tools.calculate.": ("codeBlock", {"tool": "calculate"}),
    "xml_pipeline.tools.keyvalue.": ("codeBlock", {"tool": "memoryGet"}),
}

DEFAULT_ORGANISM_YAML = """\
organism:
  name: my-flow
listeners:
- name: greeter
  type: llmCall
  description: A friendly greeter agent
  agent: true
  prompt: 'Greet {{ input.name | default("the user") }} in one friendly sentence.'
  peers:
  - reply
- name: reply
  type: output
  description: Returns the greeting
  agent: false
triggers:
- name: start
  type: any
  target_nodes:
  - greeter
"""


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "flow"


def _node_name(node: dict[str, Any]) -> str:
    data = node.get("data") or {}
    return str(data.get("name") or node.get("id"))


# CANVAS → YAML
# ---------------------------------------------------------------------------------------------------------------------


def canvas_to_yaml(canvas: dict[str, Any], *, flow_name: str, settings: dict[str, Any] | None = None,
                   input_schema: dict[str, Any] | None = None) -> str:  # fmt: skip
    nodes = canvas.get("nodes", [])
    names = {node["id"]: _node_name(node) for node in nodes}
    outgoing: dict[str, list[dict[str, Any]]] = {}
    for edge in canvas.get("edges", []):
        outgoing.setdefault(edge["source"], []).append(edge)

    listeners, triggers = [], []
    for node in nodes:
        data = node.get("data") or {}
        edges = outgoing.get(node["id"], [])
        peers = list(dict.fromkeys(names.get(edge["target"], edge["target"]) for edge in edges))
        if node["type"] == "trigger":
            config = data.get("config") or {}
            trigger = {"name": _node_name(node), "type": config.get("triggerType", "any"), "target_nodes": peers}
            trigger.update(_optional(data, label=_node_name(node)))
            triggers.append(trigger)
            continue
        listeners.append(_listener(node, peers, [_route(edge, names) for edge in edges if _needs_route(edge)]))

    document: dict[str, Any] = {"organism": {"name": _slug(flow_name)}, "listeners": listeners}
    if triggers:
        document["triggers"] = triggers
    execution = _execution_block(settings or {})
    if execution:
        document["execution"] = execution
    if input_schema is not None:
        document["input_schema"] = input_schema
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)


def _optional(data: dict[str, Any], *, label: str) -> dict[str, Any]:
    extra = {}
    if data.get("label") and data["label"] != label:
        extra["label"] = data["label"]
    if data.get("description"):
        extra["description"] = data["description"]
    return extra


def _listener(node: dict[str, Any], peers: list[str], routes: list[dict[str, Any]]) -> dict[str, Any]:
    data = node.get("data") or {}
    name = _node_name(node)
    config = dict(data.get("config") or {})
    listener: dict[str, Any] = {"name": name, "type": node["type"]}
    listener.update(_optional(data, label=name))
    if "isAgent" in data:
        listener["agent"] = bool(data["isAgent"])
    if data.get("handler"):
        listener["handler"] = data["handler"]
    if data.get("payloadClass"):
        listener["payload_class"] = data["payloadClass"]
    if node["type"] == "llmCall":
        for yaml_key, config_key in _LLM_KEYS.items():
            if config_key in config:
                listener[yaml_key] = config.pop(config_key)
    if peers:
        listener["peers"] = peers
    if routes:
        listener["routes"] = routes
    if config:
        listener["config"] = config
    return listener


def _needs_route(edge: dict[str, Any]) -> bool:
    data = edge.get("data") or {}
    return data.get("condition", "always") != "always" or bool(edge.get("sourceHandle"))


def _route(edge: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    data = edge.get("data") or {}
    route: dict[str, Any] = {
        "to": names.get(edge["target"], edge["target"]),
        "condition": data.get("condition", "always"),
    }
    if data.get("conditionExpression"):
        route["expression"] = data["conditionExpression"]
    if edge.get("sourceHandle"):
        route["handle"] = edge["sourceHandle"]
    return route


def _execution_block(settings: dict[str, Any]) -> dict[str, Any]:
    keys = {"timeoutSeconds": "timeout_seconds", "maxNodeVisits": "max_iterations", "logPayloads": "log_payloads"}
    return {yaml_key: settings[key] for key, yaml_key in keys.items() if key in settings}


# YAML → CANVAS
# ---------------------------------------------------------------------------------------------------------------------


def parse_organism_yaml(text: str) -> dict[str, Any]:
    """The YAML document as a mapping with a `listeners` list; a clear 400 for anything else."""
    if len(text.encode()) > MAX_YAML_BYTES:
        raise _yaml_error(f"The organism YAML is larger than {MAX_YAML_BYTES} bytes.")
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise _yaml_error(f"The organism YAML does not parse{where}: {problem}.") from exc
    if not isinstance(document, dict):
        raise _yaml_error("The organism YAML must be a mapping with `organism` and `listeners`.")
    listeners = document.get("listeners", [])
    if isinstance(listeners, dict):
        raise _yaml_error("Split configuration (`listeners: {directory, include}`) cannot be imported; inline them.")
    if not isinstance(listeners, list) or not all(isinstance(item, dict) for item in listeners):
        raise _yaml_error("`listeners` must be a list of mappings.")
    for index, listener in enumerate(listeners):
        if not isinstance(listener.get("name"), str) or not listener["name"]:
            raise _yaml_error(f"listeners[{index}] has no `name`.")
    for key in ("triggers", "gateways"):
        items = document.get(key) or []
        if not isinstance(items, list) or not all(isinstance(item, dict) and item.get("name") for item in items):
            raise _yaml_error(f"`{key}` must be a list of mappings, each with a `name`.")
    if len(listeners) + len(document.get("triggers") or []) + len(document.get("gateways") or []) > MAX_NODES:
        raise _yaml_error(f"A flow has at most {MAX_NODES} nodes.")
    return document


def _yaml_error(message: str) -> ValidationFailed:
    return ValidationFailed(f"organismYaml: {message}", details={"organismYaml": [message]})


def yaml_settings(document: dict[str, Any]) -> dict[str, Any]:
    execution = document.get("execution") or {}
    if not isinstance(execution, dict):
        raise _yaml_error("`execution` must be a mapping.")
    keys = {"timeout_seconds": "timeoutSeconds", "max_iterations": "maxNodeVisits", "log_payloads": "logPayloads"}
    return {key: execution[yaml_key] for yaml_key, key in keys.items() if yaml_key in execution}


def _infer_type(listener: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    declared = listener.get("type")
    if isinstance(declared, str) and declared:
        return declared, {}
    if listener.get("agent"):
        return "llmCall", {}
    handler = str(listener.get("handler") or "")
    for prefix, (node_type, config) in _TOOL_TYPES.items():
        if handler.startswith(prefix):
            return node_type, dict(config)
    return "custom", {}


def _listener_node(listener: dict[str, Any]) -> dict[str, Any]:
    node_type, config = _infer_type(listener)
    for key in ("tool_config", "gateway_config", "config"):
        if isinstance(listener.get(key), dict):
            config.update(listener[key])
    if node_type == "llmCall":
        for yaml_key, config_key in _LLM_KEYS.items():
            if listener.get(yaml_key) is not None:
                config[config_key] = listener[yaml_key]
    name = listener["name"]
    data: dict[str, Any] = {"name": name, "label": listener.get("label") or name}
    if listener.get("description"):
        data["description"] = listener["description"]
    for yaml_key, data_key in (("handler", "handler"), ("payload_class", "payloadClass")):
        if listener.get(yaml_key):
            data[data_key] = listener[yaml_key]
    if "agent" in listener:
        data["isAgent"] = bool(listener["agent"])
    data["config"] = config
    return {"type": node_type, "data": data}


def yaml_to_canvas(document: dict[str, Any], *, previous: dict[str, Any] | None = None) -> dict[str, Any]:
    previous = previous or {}
    old_nodes = {_node_name(node): node for node in previous.get("nodes", [])}
    old_edges = {(edge["source"], edge["target"]): edge for edge in previous.get("edges", [])}

    drafts: list[dict[str, Any]] = []
    for trigger in document.get("triggers") or []:
        config = {"triggerType": str(trigger.get("type") or "any")}
        data = {"name": str(trigger["name"]), "label": trigger.get("label") or str(trigger["name"]), "config": config}
        if trigger.get("description"):
            data["description"] = trigger["description"]
        drafts.append({"type": "trigger", "data": data, "peers": trigger.get("target_nodes") or [], "routes": []})
    for listener in document.get("listeners") or []:
        drafts.append(
            {**_listener_node(listener), "peers": listener.get("peers") or [], "routes": listener.get("routes")}
        )
    for gateway in document.get("gateways") or []:
        config = {key: value for key, value in gateway.items() if key not in ("name", "description")}
        data = {"name": str(gateway["name"]), "label": str(gateway["name"]), "isAgent": False, "config": config}
        if gateway.get("description"):
            data["description"] = gateway["description"]
        drafts.append({"type": "custom", "data": data, "peers": [], "routes": []})

    ids: dict[str, str] = {}
    used: set[str] = set()
    for draft in drafts:
        name = draft["data"]["name"]
        old = old_nodes.get(name)
        node_id = old["id"] if old is not None and old["id"] not in used else _free_id(name, used)
        used.add(node_id)
        ids.setdefault(name, node_id)
        draft["id"] = node_id

    nodes, edges = [], []
    for draft in drafts:
        node = {"id": draft["id"], "type": draft["type"], "data": draft["data"]}
        old = old_nodes.get(draft["data"]["name"])
        if old is not None and old["id"] == draft["id"] and isinstance(old.get("position"), dict):
            node["position"] = old["position"]
        nodes.append(node)
        routes = _routes_by_target(draft["routes"])
        for peer in dict.fromkeys(str(peer) for peer in draft["peers"]):
            for route in routes.pop(peer, None) or [{}]:
                edges.append(_edge(draft["id"], ids.get(peer, peer), route, old_edges))
        for peer, peer_routes in routes.items():
            for route in peer_routes:
                edges.append(_edge(draft["id"], ids.get(peer, peer), route, old_edges))
    _layout(nodes, edges)
    viewport = previous.get("viewport") if isinstance(previous.get("viewport"), dict) else DEFAULT_VIEWPORT
    return {"nodes": nodes, "edges": _unique_edge_ids(edges), "viewport": dict(viewport)}


def _free_id(name: str, used: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_.-]+", "-", name) or "node"
    candidate, counter = base, 2
    while candidate in used:
        candidate, counter = f"{base}-{counter}", counter + 1
    return candidate


def _routes_by_target(routes: Any) -> dict[str, list[dict[str, Any]]]:
    if routes is None:
        return {}
    if not isinstance(routes, list) or not all(isinstance(route, dict) and route.get("to") for route in routes):
        raise _yaml_error("`routes` must be a list of mappings, each with `to`.")
    grouped: dict[str, list[dict[str, Any]]] = {}
    for route in routes:
        grouped.setdefault(str(route["to"]), []).append(route)
    return grouped


def _edge(source: str, target: str, route: dict[str, Any], old_edges: dict) -> dict[str, Any]:
    old = old_edges.get((source, target))
    edge: dict[str, Any] = {"id": old["id"] if old else f"{source}-{target}", "source": source, "target": target}
    if route.get("handle"):
        edge["sourceHandle"] = str(route["handle"])
    data: dict[str, Any] = {"condition": str(route.get("condition") or "always")}
    if route.get("expression"):
        data["conditionExpression"] = str(route["expression"])
    edge["data"] = data
    return edge


def _unique_edge_ids(edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    for edge in edges:
        base, counter = edge["id"], 2
        while edge["id"] in seen:
            edge["id"], counter = f"{base}-{counter}", counter + 1
        seen.add(edge["id"])
    return edges


def _layout(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> None:
    """Positions for nodes without one: layers by distance from the entry nodes, rows within a layer."""
    incoming = {edge["target"] for edge in edges}
    children: dict[str, list[str]] = {}
    for edge in edges:
        children.setdefault(edge["source"], []).append(edge["target"])
    depth: dict[str, int] = {}
    queue = deque(node["id"] for node in nodes if node["id"] not in incoming or node["type"] == "trigger")
    for node_id in queue:
        depth[node_id] = 0
    while queue:
        current = queue.popleft()
        for child in children.get(current, []):
            if child not in depth:
                depth[child] = depth[current] + 1
                queue.append(child)
    rows: dict[int, int] = {}
    occupied = {(node["position"].get("x"), node["position"].get("y")) for node in nodes if "position" in node}
    for node in nodes:
        if "position" in node:
            continue
        layer = depth.get(node["id"], 0)
        while True:
            row = rows.get(layer, 0)
            rows[layer] = row + 1
            position = (layer * LAYER_WIDTH, row * ROW_HEIGHT)
            if position not in occupied:
                break
        occupied.add(position)
        node["position"] = {"x": position[0], "y": position[1]}
    # React Flow expects position before data; keep the conventional key order.
    for index, node in enumerate(nodes):
        nodes[index] = {"id": node["id"], "type": node["type"], "position": node["position"], "data": node["data"]}


# DEFINITION
# ---------------------------------------------------------------------------------------------------------------------


def definition_of(canvas: dict[str, Any], settings: dict[str, Any], input_schema: Any) -> dict[str, Any]:
    """What a version captures: nodes and edges without layout (positions, viewport), settings, input schema."""
    nodes = sorted(({key: value for key, value in node.items() if key != "position"} for node in canvas["nodes"]),
                   key=lambda node: node["id"])  # fmt: skip
    edges = sorted(copy.deepcopy(canvas["edges"]), key=lambda edge: edge["id"])
    for edge in edges:
        edge.setdefault("data", {}).setdefault("condition", "always")
    return {"nodes": nodes, "edges": edges, "settings": settings, "inputSchema": input_schema}


def default_canvas() -> dict[str, Any]:
    return yaml_to_canvas(parse_organism_yaml(DEFAULT_ORGANISM_YAML))
