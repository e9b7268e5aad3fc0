"""Loading an architecture: older shapes migrated to the CloudBlocks v4 model, endpoints derived, shape checked.

`architecture_load` never raises for content problems: it returns the normalized model with the shape
problems found (JSON Schema of CloudBlocks v4.1, `architecture-model.schema.json`), so that callers can
report every problem at once.
"""

import copy
import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator

from workspaces.architecture.catalog import (
    CATEGORY_DEFAULT_RESOURCE_TYPE,
    DIRECTIONS,
    EXTERNAL_TYPES,
    LEGACY_CATEGORIES,
    RESOURCE_KINDS,
    RESOURCE_TYPE_ALIASES,
    SEMANTICS,
)

SCHEMA_PATH = Path(__file__).with_name("architecture-model.schema.json")
SCHEMA_VERSION = "4.1.0"
EPOCH = "1970-01-01T00:00:00Z"
# CloudBlocks' v3 connection types → v4 endpoint semantics (connectionTypeToSemantic).
LEGACY_CONNECTION_SEMANTICS = {"http": "http", "async": "event", "event": "event"}
DEFAULT_FRAMES = {
    "virtual_network": {"width": 16, "height": 1, "depth": 12},
    "subnet": {"width": 8, "height": 0.6, "depth": 8},
}


@dataclass(frozen=True)
class Issue:
    rule_id: str
    severity: str
    message: str
    target_id: str
    suggestion: str = ""

    def as_dict(self) -> dict[str, str]:
        return {
            "ruleId": self.rule_id,
            "severity": self.severity,
            "message": self.message,
            "suggestion": self.suggestion,
            "targetId": self.target_id,
        }


@dataclass
class LoadedArchitecture:
    architecture: dict[str, Any]
    shape_errors: list[Issue] = field(default_factory=list)
    migrations: list[str] = field(default_factory=list)


def endpoint_id(block_id: str, direction: str, semantic: str) -> str:
    return f"endpoint-{block_id}-{direction}-{semantic}"


def endpoints_for(block_id: str) -> list[dict[str, str]]:
    return [
        {
            "id": endpoint_id(block_id, direction, semantic),
            "blockId": block_id,
            "direction": direction,
            "semantic": semantic,
        }
        for direction in DIRECTIONS
        for semantic in SEMANTICS
    ]


@lru_cache(maxsize=1)
def _validators() -> dict[str, Draft7Validator]:
    schema = json.loads(SCHEMA_PATH.read_text())
    definitions = schema["definitions"]

    def validator(name: str, **overrides: Any) -> Draft7Validator:
        definition = copy.deepcopy(definitions[name])
        definition["properties"].update(overrides)
        return Draft7Validator({**definition, "definitions": definitions})

    return {
        # Nodes are checked one by one against their own kind, for messages that name the node.
        "model": validator("ArchitectureModel", nodes={"type": "array", "items": {"type": "object"}}),
        # Roles are checked by rule-role-invalid, which names the role, rather than by the schema's enum.
        "container": validator("ContainerBlock", roles={"type": "array", "items": {"type": "string"}}),
        "resource": validator("ResourceBlock", roles={"type": "array", "items": {"type": "string"}}),
    }


def _schema_issue(message: str, target_id: str) -> Issue:
    return Issue(
        "rule-schema", "error", message, target_id, "Fix the field so that it matches the CloudBlocks v4 model."
    )


def _path(error) -> str:
    return ".".join(str(part) for part in error.absolute_path) or "(root)"


def _shape_errors(architecture: dict[str, Any]) -> list[Issue]:
    validators = _validators()
    errors = [
        _schema_issue(f"{_path(error)}: {error.message}", architecture.get("id") or "architecture")
        for error in sorted(validators["model"].iter_errors(architecture), key=lambda e: list(e.absolute_path))
    ]
    for index, node in enumerate(architecture.get("nodes") or []):
        if not isinstance(node, dict):
            continue
        validator = validators["container" if node.get("kind") == "container" else "resource"]
        target = node.get("id") if isinstance(node.get("id"), str) else f"nodes.{index}"
        for error in sorted(validator.iter_errors(node), key=lambda e: list(e.absolute_path)):
            errors.append(_schema_issue(f"nodes.{index}.{_path(error)}: {error.message}", target))
    return errors


def _canonical_resource_type(node: dict[str, Any]) -> None:
    resource_type = node.get("resourceType")
    if resource_type in RESOURCE_KINDS:
        return
    if isinstance(resource_type, str) and resource_type in RESOURCE_TYPE_ALIASES:
        node.setdefault("subtype", resource_type)
        node["resourceType"] = RESOURCE_TYPE_ALIASES[resource_type]
    elif resource_type is None and node.get("kind", "resource") == "resource":
        node["resourceType"] = CATEGORY_DEFAULT_RESOURCE_TYPE.get(node.get("category"), "web_compute")


def _node_defaults(node: dict[str, Any], provider: str) -> dict[str, Any]:
    node = dict(node)
    category = node.get("category")
    if isinstance(category, str) and category in LEGACY_CATEGORIES:
        node["category"] = LEGACY_CATEGORIES[category]
    _canonical_resource_type(node)
    kind = RESOURCE_KINDS.get(node.get("resourceType"))
    if kind and "category" not in node:
        node["category"] = kind.category
    node.setdefault("kind", "container" if kind and kind.container and node.get("frame") else "resource")
    if node["kind"] == "container":
        node.setdefault("layer", "subnet" if node.get("resourceType") == "subnet" else "region")
        node.setdefault("frame", dict(DEFAULT_FRAMES.get(node.get("resourceType"), DEFAULT_FRAMES["subnet"])))
    else:
        node.setdefault("layer", "resource")
    node.setdefault("provider", provider)
    node.setdefault("parentId", None)
    node.setdefault("position", {"x": 0, "y": 0, "z": 0})
    node.setdefault("metadata", {})
    return node


def _from_plates(raw: dict[str, Any], provider: str) -> list[dict[str, Any]]:
    """CloudBlocks v2/v3: plates (network areas) and blocks placed on them."""
    nodes = []
    for plate in raw.get("plates") or []:
        if not isinstance(plate, dict):
            nodes.append(plate)
            continue
        layer = plate.get("type") if plate.get("type") in ("global", "edge", "region", "zone", "subnet") else "region"
        resource_type = "subnet" if layer == "subnet" else "virtual_network"
        size = plate.get("size") if isinstance(plate.get("size"), dict) else DEFAULT_FRAMES[resource_type]
        node = {
            "id": plate.get("id"),
            "name": plate.get("name", resource_type),
            "kind": "container",
            "layer": layer,
            "resourceType": resource_type,
            "category": "network",
            "provider": plate.get("provider", provider),
            "parentId": plate.get("parentId"),
            "position": plate.get("position", {"x": 0, "y": 0, "z": 0}),
            "frame": {key: size.get(key, 1) for key in ("width", "height", "depth")},
            "metadata": {},
        }
        if plate.get("subnetAccess") in ("public", "private"):
            node["roles"] = [plate["subnetAccess"]]
        nodes.append(node)
    for block in raw.get("blocks") or []:
        if not isinstance(block, dict):
            nodes.append(block)
            continue
        node = {key: value for key, value in block.items() if key not in ("placementId", "type")}
        node["kind"] = "resource"
        node["layer"] = "resource"
        node["parentId"] = block.get("placementId", block.get("parentId"))
        if "resourceType" not in node and isinstance(block.get("subtype"), str):
            node["resourceType"] = block["subtype"]
        nodes.append(node)
    return nodes


def _external_actor_nodes(actors: list[Any], known: set[str], provider: str) -> list[dict[str, Any]]:
    nodes = []
    for actor in actors:
        if not isinstance(actor, dict) or actor.get("id") in known:
            continue
        actor_type = actor.get("type") if actor.get("type") in EXTERNAL_TYPES else "internet"
        nodes.append(
            {
                "id": actor.get("id"),
                "name": actor.get("name", actor_type.title()),
                "kind": "resource",
                "layer": "resource",
                "resourceType": actor_type,
                "category": "delivery",
                "provider": provider,
                "parentId": None,
                "position": actor.get("position", {"x": 0, "y": 0, "z": 0}),
                "roles": ["external"],
                "metadata": {},
            }
        )
    return nodes


def _connection(raw: Any) -> Any:
    """A v4 connection, or a v3 one ({sourceId, targetId, type}) moved onto endpoints."""
    if not isinstance(raw, dict) or "from" in raw or "sourceId" not in raw:
        return raw
    old_type = raw.get("type") or "dataflow"
    semantic = LEGACY_CONNECTION_SEMANTICS.get(old_type, "data")
    return {
        "id": raw.get("id"),
        "from": endpoint_id(str(raw.get("sourceId")), "output", semantic),
        "to": endpoint_id(str(raw.get("targetId")), "input", semantic),
        "metadata": {"type": old_type},
    }


def _derived_id(raw: dict[str, Any]) -> str:
    digest = hashlib.sha256(json.dumps(raw, sort_keys=True, default=str).encode()).hexdigest()
    return f"arch-{digest[:8]}"


def architecture_load(raw: Any, *, provider: str = "azure") -> LoadedArchitecture:
    """The v4 model of `raw` (v4, v4.0, v3 plates/blocks, external actors), with shape errors if any."""
    if not isinstance(raw, dict):
        return LoadedArchitecture({}, [_schema_issue("The architecture must be a JSON object.", "architecture")])
    migrations: list[str] = []
    architecture: dict[str, Any] = {
        key: value for key, value in raw.items() if key not in ("plates", "blocks", "schemaVersion")
    }
    if "nodes" not in raw and ("plates" in raw or "blocks" in raw):
        architecture["nodes"] = _from_plates(raw, provider)
        migrations.append("v3 plates and blocks became nodes")
    nodes = architecture.get("nodes", [])
    if isinstance(nodes, list):
        nodes = [_node_defaults(node, provider) if isinstance(node, dict) else node for node in nodes]
        actors = architecture.pop("externalActors", None)
        if isinstance(actors, list) and actors:
            known = {node.get("id") for node in nodes if isinstance(node, dict)}
            folded = _external_actor_nodes(actors, known, provider)
            if folded:
                migrations.append(f"{len(folded)} external actor(s) became nodes")
            nodes += folded
        architecture["nodes"] = nodes
        block_ids = [node["id"] for node in nodes if isinstance(node, dict) and isinstance(node.get("id"), str)]
        architecture["endpoints"] = [endpoint for block_id in block_ids for endpoint in endpoints_for(block_id)]
    else:
        architecture.setdefault("endpoints", [])
    connections = architecture.get("connections", [])
    if isinstance(connections, list):
        migrated = [_connection(connection) for connection in connections]
        if migrated != connections:
            migrations.append("v3 connections moved onto endpoints")
        architecture["connections"] = migrated
    architecture.setdefault("connections", [])
    architecture.setdefault("id", _derived_id(raw))
    architecture.setdefault("name", "Architecture")
    architecture.setdefault("version", "1")
    architecture.setdefault("createdAt", EPOCH)
    architecture.setdefault("updatedAt", architecture["createdAt"])
    return LoadedArchitecture(architecture, _shape_errors(architecture), migrations)
