"""A canvas read as a graph: nodes by id, edges with their conditions, entries, cycles."""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Node:
    id: str
    type: str
    name: str
    data: dict[str, Any]
    config: Any


@dataclass(frozen=True)
class Edge:
    id: str
    source: str
    target: str
    condition: str = "always"
    expression: str | None = None
    handle: str | None = None


@dataclass
class FlowGraph:
    canvas: dict[str, Any]
    nodes: dict[str, Node] = field(init=False)
    edges: list[Edge] = field(init=False)
    outgoing: dict[str, list[Edge]] = field(init=False)
    incoming: dict[str, list[Edge]] = field(init=False)

    def __post_init__(self) -> None:
        self.nodes = {}
        for raw in self.canvas.get("nodes", []):
            data = raw.get("data") or {}
            config = data.get("config", {})
            self.nodes.setdefault(
                raw["id"],
                Node(id=raw["id"], type=raw["type"], name=str(data.get("name") or raw["id"]), data=data, config=config),
            )
        self.edges = []
        self.outgoing, self.incoming = {}, {}
        for raw in self.canvas.get("edges", []):
            data = raw.get("data") or {}
            edge = Edge(
                id=raw["id"],
                source=raw["source"],
                target=raw["target"],
                condition=data.get("condition") or "always",
                expression=data.get("conditionExpression") or None,
                handle=raw.get("sourceHandle") or None,
            )
            self.edges.append(edge)
            self.outgoing.setdefault(edge.source, []).append(edge)
            self.incoming.setdefault(edge.target, []).append(edge)

    @property
    def has_trigger_nodes(self) -> bool:
        return any(node.type == "trigger" for node in self.nodes.values())

    def find(self, reference: str) -> str | None:
        """The id of the node with this id, else of the first node with this name."""
        if reference in self.nodes:
            return reference
        return next((node.id for node in self.nodes.values() if node.name == reference), None)

    def entry_nodes(self, trigger_type: str | None, target_node: str = "") -> list[str]:
        """Where a trigger's payload enters.

        A trigger naming a node enters there. Otherwise the canvas's trigger nodes accepting this type
        (their `triggerType`, or `any`); `trigger_type` None accepts every trigger node. A canvas
        without trigger nodes is entered at every node without incoming edges.
        """
        if target_node:
            found = self.find(target_node)
            return [found] if found else []
        if self.has_trigger_nodes:
            return [
                node.id
                for node in self.nodes.values()
                if node.type == "trigger" and (trigger_type is None or _trigger_type(node) in (trigger_type, "any"))
            ]
        return [node_id for node_id in self.nodes if not self.incoming.get(node_id)]

    def cycles(self) -> list[list[str]]:
        """Each cycle once (self-loops are deliberate retries and not reported), as a closed path of ids."""
        found: list[list[str]] = []
        seen_sets: set[frozenset[str]] = set()
        state: dict[str, int] = {}
        stack: list[str] = []

        def visit(node_id: str) -> None:
            state[node_id] = 1
            stack.append(node_id)
            for edge in self.outgoing.get(node_id, []):
                target = edge.target
                if target == node_id or target not in self.nodes:
                    continue
                if state.get(target) == 1:
                    cycle = stack[stack.index(target) :]
                    if frozenset(cycle) not in seen_sets:
                        seen_sets.add(frozenset(cycle))
                        found.append([*cycle, target])
                elif target not in state:
                    visit(target)
            stack.pop()
            state[node_id] = 2

        for node_id in self.nodes:
            if node_id not in state:
                visit(node_id)
        return found


def _trigger_type(node: Node) -> str:
    config = node.config if isinstance(node.config, dict) else {}
    return config.get("triggerType") or "any"
