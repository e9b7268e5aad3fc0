"""The built-in architecture reviewer: findings a reviewer would raise, each naming its block.

Every rule reads the loaded architecture (placement, connections, aggregation, config) — nothing is
guessed from names. Scores start at 100 per dimension and lose 30 / 15 / 5 per critical / warning / info
finding of that dimension (cost findings count toward best practice), floored at 0.
"""

import re
from dataclasses import dataclass
from typing import Any

from workspaces.architecture.catalog import EXTERNAL_TYPES
from workspaces.architecture.model import LoadedArchitecture

SEVERITY_PENALTY = {"critical": 30, "warning": 15, "info": 5}
DATABASES = ("relational_database", "sql_database", "cosmos_db", "cache_store")
SERVERS = ("virtual_machine", "web_compute", "app_compute", "container_instances", "kubernetes_cluster")
COMPUTE = (*SERVERS, "function_compute", "app_service")
ENTRY_POINTS = ("application_gateway", "api_gateway", "cdn_profile", "front_door", "load_balancer")
VAULTS = ("key_vault", "secret_store")
SECRET_KEY = re.compile(r"(password|passwd|secret|token|api[_-]?key|access[_-]?key|connection[_-]?string)", re.I)


@dataclass(frozen=True)
class Suggestion:
    category: str  # security | reliability | best_practice | cost
    severity: str  # critical | warning | info
    message: str
    action_description: str
    target_id: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "severity": self.severity,
            "message": self.message,
            "actionDescription": self.action_description,
            "targetId": self.target_id,
        }


class Reviewer:
    def __init__(self, loaded: LoadedArchitecture):
        architecture = loaded.architecture
        self.nodes = {node["id"]: node for node in architecture["nodes"]}
        endpoints = {endpoint["id"]: endpoint["blockId"] for endpoint in architecture["endpoints"]}
        self.edges = [
            (endpoints[c["from"]], endpoints[c["to"]])
            for c in architecture["connections"]
            if c["from"] in endpoints and c["to"] in endpoints
        ]
        self.found: list[Suggestion] = []

    # -- reading the drawing --------------------------------------------------------------------

    def of_type(self, *types: str) -> list[dict[str, Any]]:
        return [node for node in self.nodes.values() if node["resourceType"] in types]

    def sources(self, node: dict[str, Any]) -> list[dict[str, Any]]:
        return [self.nodes[source] for source, target in self.edges if target == node["id"]]

    def targets(self, node: dict[str, Any]) -> list[dict[str, Any]]:
        return [self.nodes[target] for source, target in self.edges if source == node["id"]]

    def subnet(self, node: dict[str, Any]) -> dict[str, Any] | None:
        parent = self.nodes.get(node.get("parentId") or "")
        return parent if parent and parent["resourceType"] == "subnet" else None

    def internet_facing(self, node: dict[str, Any]) -> bool:
        return any(source["resourceType"] in EXTERNAL_TYPES for source in self.sources(node))

    def public_subnet(self, subnet: dict[str, Any]) -> bool:
        members = [node for node in self.nodes.values() if node.get("parentId") == subnet["id"]]
        return "public" in (subnet.get("roles") or []) or any(self.internet_facing(node) for node in members)

    def count(self, node: dict[str, Any]) -> int:
        aggregation = node.get("aggregation") or {}
        return int(aggregation.get("count", 1)) if aggregation.get("mode") == "count" else 1

    def label(self, node: dict[str, Any]) -> str:
        return node.get("name") or node["id"]

    def add(self, category: str, severity: str, message: str, action: str, node: dict[str, Any] | None) -> None:
        self.found.append(Suggestion(category, severity, message, action, node["id"] if node else None))

    # -- rules ----------------------------------------------------------------------------------

    def review(self) -> list[Suggestion]:
        self.data_exposure()
        self.unguarded_entry()
        self.compute_in_public_subnets()
        self.secrets()
        self.redundancy()
        self.monitoring()
        self.dangling()
        self.cost()
        order = {"critical": 0, "warning": 1, "info": 2}
        return sorted(self.found, key=lambda item: order[item.severity])

    def data_exposure(self) -> None:
        for node in self.of_type(*DATABASES, "blob_storage"):
            subnet = self.subnet(node)
            if subnet is not None and self.public_subnet(subnet):
                self.add(
                    "security",
                    "critical",
                    f"{self.label(node)} sits in {self.label(subnet)}, which takes internet traffic: the data is "
                    "one misconfigured rule away from the internet.",
                    "Move it to a private subnet reached only by the tiers that use it.",
                    node,
                )
            elif subnet is None and node["resourceType"] != "blob_storage":
                self.add(
                    "security",
                    "warning",
                    f"{self.label(node)} is not in a network: it gets a public endpoint.",
                    "Place it in a private subnet (private endpoint / private access).",
                    node,
                )
            elif subnet is None and not self.sources(node):
                self.add(
                    "security",
                    "info",
                    f"{self.label(node)} is outside any network and nothing reads it.",
                    "Connect the blocks that use it, or place it in a private subnet.",
                    node,
                )

    def unguarded_entry(self) -> None:
        firewalls = self.of_type("firewall_security")
        for node in self.of_type(*ENTRY_POINTS):
            if self.internet_facing(node) and not firewalls and node["resourceType"] != "cdn_profile":
                self.add(
                    "security",
                    "warning",
                    f"{self.label(node)} takes internet traffic with no firewall or WAF in the architecture.",
                    "Add a firewall block (WAF / Cloud Armor / Network Firewall) in front of the public entry.",
                    node,
                )

    def compute_in_public_subnets(self) -> None:
        for node in self.of_type(*COMPUTE):
            subnet = self.subnet(node)
            gated = any(source["resourceType"] in ENTRY_POINTS for source in self.sources(node))
            if subnet is not None and self.public_subnet(subnet) and not gated:
                self.add(
                    "security",
                    "critical",
                    f"{self.label(node)} sits in a public subnet without a gateway or load balancer in front of it.",
                    "Put it in a private subnet behind a load balancer or API gateway.",
                    node,
                )

    def secrets(self) -> None:
        for node in self.nodes.values():
            for key, value in (node.get("config") or {}).items():
                if SECRET_KEY.search(key) and isinstance(value, str) and value:
                    self.add(
                        "security",
                        "critical",
                        f"{self.label(node)} keeps '{key}' in its configuration, in plain text, in git.",
                        "Store it in a secret store or key vault and reference it from there.",
                        node,
                    )
        if self.of_type(*VAULTS):
            return
        for node in self.of_type(*COMPUTE):
            databases = [target for target in self.targets(node) if target["resourceType"] in DATABASES]
            if databases:
                self.add(
                    "security",
                    "warning",
                    f"{self.label(node)} logs in to {self.label(databases[0])}, but the architecture has no secret "
                    "store for the credentials.",
                    "Add a secret store (or key vault) and connect the compute to it.",
                    node,
                )

    def redundancy(self) -> None:
        for node in self.of_type(*SERVERS):
            balanced = any(
                source["resourceType"] in ("application_gateway", "internal_load_balancer", "load_balancer")
                for source in self.sources(node)
            )
            if balanced and self.count(node) < 2:
                self.add(
                    "reliability",
                    "warning",
                    f"{self.label(node)} is a single instance behind a load balancer: one failure takes the "
                    "service down.",
                    "Run at least two instances (aggregation count 2+), across zones.",
                    node,
                )
        for node in self.of_type("relational_database", "sql_database", "cache_store"):
            if self.count(node) < 2:
                self.add(
                    "reliability",
                    "info",
                    f"{self.label(node)} has no standby.",
                    "Set count 2 for a multi-zone / high-availability deployment.",
                    node,
                )

    def monitoring(self) -> None:
        compute = self.of_type(*COMPUTE)
        monitors = self.of_type("monitoring")
        if compute and not monitors:
            self.add(
                "best_practice",
                "warning",
                "Nothing collects logs or metrics.",
                "Add a monitoring block and connect the compute to it.",
                None,
            )
            return
        for node in compute:
            if monitors and not any(target["resourceType"] == "monitoring" for target in self.targets(node)):
                self.add(
                    "best_practice",
                    "info",
                    f"{self.label(node)} does not send its logs to {self.label(monitors[0])}.",
                    f"Connect {self.label(node)} to {self.label(monitors[0])}.",
                    node,
                )

    def dangling(self) -> None:
        for node in self.of_type("message_queue", "event_hub", "event_bus"):
            if not self.targets(node):
                self.add(
                    "reliability",
                    "warning",
                    f"Nothing consumes {self.label(node)}: messages pile up unread.",
                    "Connect it to the function or service that processes its messages.",
                    node,
                )

    def cost(self) -> None:
        for node in self.of_type(*SERVERS):
            if not self.sources(node) and not self.targets(node):
                self.add(
                    "cost",
                    "info",
                    f"{self.label(node)} runs around the clock but nothing connects to it.",
                    "Remove it, or connect what uses it.",
                    node,
                )
        for node in self.of_type("kubernetes_cluster"):
            if len(self.sources(node)) <= 1 and len(self.of_type(*SERVERS)) == 1:
                self.add(
                    "cost",
                    "info",
                    f"{self.label(node)} runs a control plane and two nodes for what looks like one service.",
                    "A container service or managed web app costs less for a single workload.",
                    node,
                )
        for node in self.of_type("firewall_security"):
            if not self.of_type(*ENTRY_POINTS, *SERVERS):
                self.add(
                    "cost",
                    "warning",
                    f"{self.label(node)} is a costly always-on firewall with nothing to protect.",
                    "Remove it until there is traffic to inspect.",
                    node,
                )


def scores(suggestions: list[Suggestion]) -> dict[str, int]:
    totals = {"security": 100, "reliability": 100, "bestPractice": 100}
    dimension = {"security": "security", "reliability": "reliability", "best_practice": "bestPractice",
                 "cost": "bestPractice"}  # fmt: skip
    for suggestion in suggestions:
        key = dimension[suggestion.category]
        totals[key] = max(0, totals[key] - SEVERITY_PENALTY[suggestion.severity])
    return totals


def architecture_review(loaded: LoadedArchitecture) -> dict[str, Any]:
    found = Reviewer(loaded).review()
    return {"suggestions": [item.as_dict() for item in found], "score": scores(found)}
