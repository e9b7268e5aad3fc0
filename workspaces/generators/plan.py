"""What every generator starts from: the valid architecture as named items with their placement and wiring.

Names follow CloudBlocks (reference §3): lowercase, anything but `[a-z0-9_]` becomes `_`, runs collapsed,
trimmed; duplicates get `_2`, `_3` … (containers first, then resources). External actors (internet,
browser) are not infrastructure and are left out.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from workspaces.architecture.catalog import EXTERNAL_TYPES


class GenerationError(Exception):
    """Generation cannot proceed; `code` is the envelope code, `target_id` the block or connection at fault."""

    code = "GENERATION_FAILED"

    def __init__(self, message: str, *, target_id: str = "", code: str | None = None):
        super().__init__(message)
        self.message = message
        self.target_id = target_id
        if code:
            self.code = code


class UnsupportedBlock(GenerationError):
    code = "UNSUPPORTED_BLOCK"


@dataclass
class Item:
    node: dict[str, Any]
    name: str  # the Terraform/Bicep identifier

    @property
    def id(self) -> str:
        return self.node["id"]

    @property
    def type(self) -> str:
        return self.node["resourceType"]

    @property
    def config(self) -> dict[str, Any]:
        return self.node.get("config") or {}

    @property
    def slug(self) -> str:
        """The identifier with dashes, for names in the cloud."""
        return self.name.replace("_", "-")

    @property
    def count(self) -> int:
        aggregation = self.node.get("aggregation") or {}
        return int(aggregation.get("count", 1)) if aggregation.get("mode") == "count" else 1


@dataclass
class Plan:
    architecture: dict[str, Any]
    provider: str
    containers: list[Item] = field(default_factory=list)
    resources: list[Item] = field(default_factory=list)
    by_id: dict[str, Item] = field(default_factory=dict)
    outgoing: dict[str, list[Item]] = field(default_factory=dict)
    incoming: dict[str, list[Item]] = field(default_factory=dict)

    def parent(self, item: Item) -> Item | None:
        return self.by_id.get(item.node["parentId"]) if item.node["parentId"] else None

    def enclosing(self, item: Item, resource_type: str) -> Item | None:
        current = self.parent(item)
        while current is not None and current.type != resource_type:
            current = self.parent(current)
        return current

    def subnet(self, item: Item) -> Item | None:
        return self.enclosing(item, "subnet")

    def network(self, item: Item) -> Item | None:
        return item if item.type == "virtual_network" else self.enclosing(item, "virtual_network")

    def subnets_of(self, network: Item) -> list[Item]:
        return [item for item in self.containers if item.type == "subnet" and self.network(item) is network]

    def index_of(self, item: Item) -> int:
        """1-based position among the siblings of the same type (for address ranges)."""
        group = self.subnets_of(self.network(item)) if item.type == "subnet" else self.networks()
        return group.index(item) + 1

    def networks(self) -> list[Item]:
        return [item for item in self.containers if item.type == "virtual_network"]

    def targets(self, item: Item, *types: str) -> list[Item]:
        return [target for target in self.outgoing.get(item.id, []) if not types or target.type in types]

    def sources(self, item: Item, *types: str) -> list[Item]:
        return [source for source in self.incoming.get(item.id, []) if not types or source.type in types]

    def has_external_source(self, item: Item) -> bool:
        return any(source.type in EXTERNAL_TYPES for source in self.incoming.get(item.id, []))


def sanitize(name: str) -> str:
    cleaned = re.sub(r"_+", "_", re.sub(r"[^a-z0-9_]", "_", name.lower())).strip("_")
    if not cleaned or cleaned[0].isdigit():
        cleaned = f"r_{cleaned}".rstrip("_")
    return cleaned


def plan_build(architecture: dict[str, Any], provider: str) -> Plan:
    """`architecture` must be loaded and valid (no validation errors)."""
    plan = Plan(architecture, provider)
    used: set[str] = set()
    nodes = architecture["nodes"]
    ordered = [n for n in nodes if n["kind"] == "container"] + [n for n in nodes if n["kind"] != "container"]
    externals: dict[str, Item] = {}
    for node in ordered:
        base = sanitize(node.get("name") or node["id"])
        name, suffix = base, 2
        while name in used:
            name, suffix = f"{base}_{suffix}", suffix + 1
        item = Item(node, name)
        if node["resourceType"] in EXTERNAL_TYPES:
            externals[node["id"]] = item
            continue
        used.add(name)
        plan.by_id[node["id"]] = item
        (plan.containers if node["kind"] == "container" else plan.resources).append(item)
    endpoints = {endpoint["id"]: endpoint for endpoint in architecture["endpoints"]}
    everything = {**plan.by_id, **externals}
    for connection in architecture["connections"]:
        source = everything[endpoints[connection["from"]]["blockId"]]
        target = everything[endpoints[connection["to"]]["blockId"]]
        plan.outgoing.setdefault(source.id, []).append(target)
        plan.incoming.setdefault(target.id, []).append(source)
    return plan
