"""Validation of an architecture: every rule of CloudBlocks' engine, the ones it defined but never ran
(layer hierarchy, grid alignment, overlap, port capacity), provider rules, and ours (duplicate ids,
category mismatch, unknown resource types, provider mismatch).

Result: `{valid, errors[], warnings[]}`, each issue `{ruleId, severity, message, suggestion, targetId}`;
valid means no errors. Issues come in a stable order: shape, placement, aggregation, roles, connections,
provider rules — each in the order of the nodes and connections.
"""

from collections import Counter
from collections.abc import Iterator
from typing import Any

from workspaces.architecture.catalog import (
    ALLOWED_CONNECTIONS,
    CATEGORY_PORTS,
    EXTERNAL_TYPES,
    GRID_FOOTPRINT,
    KNOWN_SUBTYPES,
    LAYER_PARENTS,
    RESOURCE_KINDS,
    ROLES,
)
from workspaces.architecture.model import Issue, LoadedArchitecture, architecture_load


def _error(rule_id: str, message: str, target_id: str, suggestion: str = "") -> Issue:
    return Issue(rule_id, "error", message, target_id, suggestion)


def _warning(rule_id: str, message: str, target_id: str, suggestion: str = "") -> Issue:
    return Issue(rule_id, "warning", message, target_id, suggestion)


def _label(node: dict[str, Any]) -> str:
    return f"{node.get('name') or node['id']} ({node['resourceType']})"


def _duplicates(architecture: dict[str, Any]) -> Iterator[Issue]:
    for collection in ("nodes", "connections"):
        counts = Counter(item["id"] for item in architecture[collection])
        for item_id, count in counts.items():
            if count > 1:
                yield _error(
                    "rule-duplicate-id",
                    f"{count} {collection} share the id '{item_id}'.",
                    item_id,
                    "Give every node and connection its own id.",
                )


def _placement(node: dict[str, Any], nodes: dict[str, dict[str, Any]]) -> Iterator[Issue]:
    parent_id = node["parentId"]
    parent = nodes.get(parent_id) if parent_id is not None else None
    if parent_id is not None and parent is None:
        yield _error(
            "rule-container-exists",
            f"{_label(node)} is placed in '{parent_id}', which does not exist.",
            node["id"],
            "Place it in an existing container or at the root.",
        )
        return
    allowed_layers = LAYER_PARENTS[node["layer"]]
    parent_layer = parent["layer"] if parent else None
    expected_layer = "resource" if node["kind"] == "resource" else node["layer"]
    if node["layer"] != expected_layer or (node["kind"] == "container" and node["layer"] == "resource"):
        yield _error(
            "rule-layer-hierarchy",
            f"{_label(node)} is a {node['kind']} but sits on the '{node['layer']}' layer.",
            node["id"],
            "Resources use the 'resource' layer; containers a network layer (region, zone, subnet …).",
        )
    elif parent_layer not in allowed_layers or (parent is not None and parent["kind"] != "container"):
        where = f"a {parent_layer} node" if parent else "the root"
        allowed = ", ".join(layer or "the root" for layer in allowed_layers)
        yield _error(
            "rule-layer-hierarchy",
            f"A {node['layer']} node cannot sit in {where}: {_label(node)}.",
            node["id"],
            f"A {node['layer']} node belongs in: {allowed}.",
        )
    kind = RESOURCE_KINDS.get(node["resourceType"])
    if kind is None:
        return
    if kind.category != node["category"]:
        yield _error(
            "rule-category-mismatch",
            f"{_label(node)} has category '{node['category']}'; a {node['resourceType']} is '{kind.category}'.",
            node["id"],
            f"Set its category to '{kind.category}'.",
        )
    if node["kind"] != "resource":
        return
    allowed_parents = ", ".join(parent or "the root" for parent in kind.parents)
    if parent is None and None not in kind.parents:
        yield _error(
            "rule-container-exists",
            f"{_label(node)} must be placed inside a container.",
            node["id"],
            f"Move it into: {allowed_parents}.",
        )
    elif parent is not None and parent["resourceType"] not in kind.parents:
        yield _error(
            f"rule-{node['category']}-parent",
            f"{_label(node)} cannot be placed in {_label(parent)}.",
            node["id"],
            f"Move it into: {allowed_parents}.",
        )


def _footprint(node: dict[str, Any]) -> tuple[float, float, float, float]:
    frame = node.get("frame") or {}
    width = frame.get("width", GRID_FOOTPRINT)
    depth = frame.get("depth", GRID_FOOTPRINT)
    x, z = node["position"]["x"], node["position"]["z"]
    return x - width / 2, x + width / 2, z - depth / 2, z + depth / 2


def _layout(architecture: dict[str, Any]) -> Iterator[Issue]:
    siblings: dict[Any, list[dict[str, Any]]] = {}
    for node in architecture["nodes"]:
        position = node["position"]
        if position["x"] != int(position["x"]) or position["z"] != int(position["z"]):
            yield _warning(
                "rule-grid-alignment",
                f"{_label(node)} is off the grid at x={position['x']}, z={position['z']}.",
                node["id"],
                "Snap x and z to whole cloud units.",
            )
        siblings.setdefault(node["parentId"], []).append(node)
    for group in siblings.values():
        boxes = [(node, _footprint(node)) for node in group]
        for index, (node, (left, right, top, bottom)) in enumerate(boxes):
            for other, (o_left, o_right, o_top, o_bottom) in boxes[:index]:
                if left < o_right and o_left < right and top < o_bottom and o_top < bottom:
                    yield _warning(
                        "rule-no-overlap",
                        f"{_label(node)} overlaps {_label(other)}.",
                        node["id"],
                        "Move one of them so that their footprints do not intersect.",
                    )


def _aggregation(node: dict[str, Any]) -> Iterator[Issue]:
    aggregation = node.get("aggregation")
    if aggregation is None:
        return
    count = aggregation["count"]
    if count < 1 or count != int(count):
        yield _error(
            "rule-aggregation-count",
            f"{_label(node)} has aggregation count {count}.",
            node["id"],
            "Use a whole number of at least 1.",
        )


def _roles(node: dict[str, Any]) -> Iterator[Issue]:
    roles = node.get("roles") or []
    for role in roles:
        if role not in ROLES:
            yield _error(
                "rule-role-invalid",
                f"{_label(node)} has an unknown role '{role}'.",
                node["id"],
                f"Roles: {', '.join(ROLES)}.",
            )
    for role, count in Counter(roles).items():
        if count > 1 and role in ROLES:
            yield _warning(
                "rule-role-duplicate", f"{_label(node)} lists the role '{role}' twice.", node["id"], "List it once."
            )


def _connection_type(node: dict[str, Any]) -> str:
    kind = RESOURCE_KINDS.get(node["resourceType"])
    return node["resourceType"] if kind and kind.external else node["category"]


def _connections(architecture: dict[str, Any], nodes: dict[str, dict[str, Any]]) -> Iterator[Issue]:
    endpoints = {endpoint["id"]: endpoint for endpoint in architecture["endpoints"]}
    outgoing: Counter[str] = Counter()
    incoming: Counter[str] = Counter()
    for connection in architecture["connections"]:
        cid = connection["id"]
        source, target = endpoints.get(connection["from"]), endpoints.get(connection["to"])
        if source is None:
            yield _error(
                "rule-conn-source", f"Connection {cid} starts at an unknown endpoint '{connection['from']}'.", cid
            )
        if target is None:
            yield _error("rule-conn-target", f"Connection {cid} ends at an unknown endpoint '{connection['to']}'.", cid)
        if source is None or target is None:
            continue
        source_node, target_node = nodes[source["blockId"]], nodes[target["blockId"]]
        if source_node["id"] == target_node["id"]:
            yield _error("rule-conn-self", f"Connection {cid} connects {_label(source_node)} to itself.", cid)
            continue
        problem = _connection_problem(source, target, source_node, target_node)
        if problem:
            message, suggestion = problem
            yield _error("rule-conn-invalid", f"Connection {cid}: {message}", cid, suggestion)
            continue
        outgoing[source_node["id"]] += 1
        incoming[target_node["id"]] += 1
    for counts, rule_id, direction, port in (
        (outgoing, "rule-conn-endpoint-source", "outgoing", 1),
        (incoming, "rule-conn-endpoint-target", "incoming", 0),
    ):
        for node_id, count in counts.items():
            category = nodes[node_id]["category"]
            capacity = CATEGORY_PORTS[category][port]
            if count > capacity:
                yield _warning(
                    rule_id,
                    f"{_label(nodes[node_id])} has {count} {direction} connections; a {category} block has {capacity}.",
                    node_id,
                    "Put a gateway, queue or load balancer in between, or split the block.",
                )


def _connection_problem(
    source: dict[str, Any], target: dict[str, Any], source_node: dict[str, Any], target_node: dict[str, Any]
) -> tuple[str, str] | None:
    if source_node["kind"] != "resource" or target_node["kind"] != "resource":
        return "containers do not take connections.", "Connect the resources inside the containers."
    if source["direction"] != "output":
        return "it must start at an output endpoint.", "Start it at the source's output endpoint."
    if target["direction"] != "input":
        return "it must end at an input endpoint.", "End it at the target's input endpoint."
    if source["semantic"] != target["semantic"]:
        return (
            f"its ends speak {source['semantic']} and {target['semantic']}.",
            "Use endpoints of the same kind (http, event or data) on both ends.",
        )
    pair = (_connection_type(source_node), _connection_type(target_node))
    allowed = ALLOWED_CONNECTIONS.get(pair)
    if allowed is None:
        return (
            f"a {pair[0]} block cannot connect to a {pair[1]} block ({_label(source_node)} → {_label(target_node)}).",
            "Data, security, identity, operations and network blocks never start a connection; "
            "route it through compute.",
        )
    if source["semantic"] not in allowed:
        return (
            f"{pair[0]} → {pair[1]} connections carry {' or '.join(allowed)}, not {source['semantic']}.",
            f"Use a {allowed[0]} connection.",
        )
    return None


def _provider_rules(node: dict[str, Any], nodes: dict[str, dict[str, Any]]) -> Iterator[Issue]:
    node_provider = node["provider"]
    subtype = node.get("subtype")
    parent = nodes.get(node["parentId"]) if node["parentId"] else None
    in_subnet = parent is not None and parent["layer"] == "subnet"
    if node_provider == "aws" and subtype == "lambda" and in_subnet:
        yield _warning(
            "rule-provider-aws-lambda-subnet",
            f"{_label(node)} runs inside a VPC subnet: it needs a NAT gateway or VPC endpoints to reach AWS services.",
            node["id"],
            "Move the function to the root unless it must reach private resources.",
        )
    if node_provider == "gcp" and subtype == "cloud-sql-postgres" and in_subnet:
        yield _warning(
            "rule-provider-gcp-sql-public",
            f"{_label(node)}: Cloud SQL does not live in your subnet; "
            "it gets a private IP through private services access.",
            node["id"],
            "Keep it private with private services access and no public IP.",
        )
    if subtype and subtype not in KNOWN_SUBTYPES.get(node_provider, set()):
        yield _warning(
            "rule-provider-unknown-subtype",
            f"{_label(node)}: '{subtype}' is not a known {node_provider} service.",
            node["id"],
            "Pick a subtype of the block's provider, or remove it to use the default service.",
        )
    if node["resourceType"] not in RESOURCE_KINDS:
        yield _warning(
            "rule-unknown-resource-type",
            f"{_label(node)}: '{node['resourceType']}' is not a known resource type.",
            node["id"],
            "Use one of the palette's resource types; unknown blocks cannot be generated.",
        )


def _provider_mismatch(architecture: dict[str, Any], provider: str | None) -> Iterator[Issue]:
    drawn = Counter(
        node["provider"]
        for node in architecture["nodes"]
        if node["provider"] != provider and node["resourceType"] not in EXTERNAL_TYPES
    )
    if provider and drawn:
        elsewhere = ", ".join(f"{count} for {name}" for name, count in sorted(drawn.items()))
        yield _warning(
            "rule-provider-mismatch",
            f"Blocks drawn for another provider ({elsewhere}); the workspace targets {provider}.",
            architecture["id"],
            f"They are generated as their {provider} equivalents; switch the blocks' provider to silence this.",
        )


def _issues(loaded: LoadedArchitecture, provider: str | None) -> list[Issue]:
    if loaded.shape_errors:
        return loaded.shape_errors
    architecture = loaded.architecture
    nodes = {node["id"]: node for node in architecture["nodes"]}
    issues = list(_duplicates(architecture))
    for node in architecture["nodes"]:
        issues += _placement(node, nodes)
    issues += _layout(architecture)
    for node in architecture["nodes"]:
        issues += _aggregation(node)
    for node in architecture["nodes"]:
        issues += _roles(node)
    issues += _connections(architecture, nodes)
    for node in architecture["nodes"]:
        issues += _provider_rules(node, nodes)
    issues += _provider_mismatch(architecture, provider)
    return issues


def validation_result(issues: list[Issue]) -> dict[str, Any]:
    errors = [issue.as_dict() for issue in issues if issue.severity == "error"]
    warnings = [issue.as_dict() for issue in issues if issue.severity == "warning"]
    return {"valid": not errors, "errors": errors, "warnings": warnings}


def architecture_check(raw: Any, *, provider: str | None = None) -> tuple[LoadedArchitecture, dict[str, Any]]:
    """The loaded (migrated) architecture and its validation result."""
    loaded = architecture_load(raw, provider=provider or "azure")
    return loaded, validation_result(_issues(loaded, provider))


def architecture_validate(raw: Any, *, provider: str | None = None) -> dict[str, Any]:
    return architecture_check(raw, provider=provider)[1]
