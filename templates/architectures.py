"""The built-in architecture templates, drawn with a small builder.

Each is valid and generates on AWS, Azure and GCP (tests/templates check both). Blocks are provider-neutral
here: applying a template sets every block's provider and its default subtype for the chosen provider.
"""

from dataclasses import dataclass, field
from typing import Any

from workspaces.architecture.catalog import DEFAULT_SUBTYPES, RESOURCE_KINDS
from workspaces.architecture.model import endpoint_id, endpoints_for

# Templates are stored drawn for one provider; `for_provider` redraws them for the one applied.
STORED_PROVIDER = "aws"
SUBNET_SIZE = 8
ROOT_ROW_Z = 24


@dataclass
class Drawing:
    """Nodes and connections of one template, laid out on the CloudBlocks grid without overlaps."""

    id: str
    name: str
    nodes: list[dict[str, Any]] = field(default_factory=list)
    connections: list[dict[str, Any]] = field(default_factory=list)
    root_x: int = -36

    def _node(self, node_id: str, resource_type: str, name: str, parent: str | None, x: int, z: int) -> dict:
        kind = RESOURCE_KINDS[resource_type]
        node = {
            "id": node_id,
            "name": name,
            "kind": "container" if kind.container else "resource",
            "layer": {"virtual_network": "region", "subnet": "subnet"}.get(resource_type, "resource"),
            "resourceType": resource_type,
            "category": kind.category,
            "provider": STORED_PROVIDER,
            "parentId": parent,
            "position": {"x": x, "y": 0 if kind.container else 0.5, "z": z},
            "metadata": {},
        }
        self.nodes.append(node)
        return node

    def network(self, node_id: str, name: str, subnets: int) -> None:
        width = subnets * (SUBNET_SIZE + 4)
        node = self._node(node_id, "virtual_network", name, None, 0, 0)
        node["frame"] = {"width": width, "height": 1, "depth": SUBNET_SIZE + 4}

    def subnet(self, node_id: str, name: str, network: str, public: bool = False) -> None:
        """Subnets sit side by side in their network, in the order drawn."""
        index = sum(1 for node in self.nodes if node["parentId"] == network)
        node = self._node(node_id, "subnet", name, network, index * (SUBNET_SIZE + 4), 0)
        node["frame"] = {"width": SUBNET_SIZE, "height": 0.6, "depth": SUBNET_SIZE}
        if public:
            node["roles"] = ["public"]

    def block(
        self, node_id: str, resource_type: str, name: str, parent: str | None = None, *, count: int = 1, **config
    ) -> None:
        if parent is None:
            x, z = self.root_x, ROOT_ROW_Z
            self.root_x += 4
        else:
            x, z = 3 * sum(1 for node in self.nodes if node["parentId"] == parent) - 3, 0
        node = self._node(node_id, resource_type, name, parent, x, z)
        if RESOURCE_KINDS[resource_type].external:
            node["roles"] = ["external"]
        if count > 1:
            node["aggregation"] = {"mode": "count", "count": count}
        if config:
            node["config"] = config

    def connect(self, source: str, target: str, semantic: str = "data") -> None:
        self.connections.append(
            {
                "id": f"conn-{source}-{target}",
                "from": endpoint_id(source, "output", semantic),
                "to": endpoint_id(target, "input", semantic),
                "metadata": {},
            }
        )

    def architecture(self) -> dict[str, Any]:
        return {
            "id": f"arch-{self.id}",
            "name": self.name,
            "version": "1",
            "nodes": self.nodes,
            "endpoints": [endpoint for node in self.nodes for endpoint in endpoints_for(node["id"])],
            "connections": self.connections,
            "createdAt": "2026-01-01T00:00:00Z",
            "updatedAt": "2026-01-01T00:00:00Z",
        }


def for_provider(architecture: dict[str, Any], provider: str) -> dict[str, Any]:
    """A copy drawn for `provider`: every block's provider and default subtype set."""
    nodes = []
    for node in architecture["nodes"]:
        node = {**node, "provider": provider}
        subtype = DEFAULT_SUBTYPES.get(node["resourceType"], {}).get(provider)
        if subtype and node["kind"] == "resource":
            node["subtype"] = subtype
        nodes.append(node)
    return {**architecture, "nodes": nodes}


def _public_entry(drawing: Drawing, target: str) -> None:
    drawing.block("browser", "browser", "Users")
    drawing.block("internet", "internet", "Internet")
    drawing.connect("browser", "internet", "http")
    drawing.connect("internet", target, "http")


def three_tier_web_app() -> Drawing:
    drawing = Drawing("three-tier-web-app", "Three-tier web app")
    drawing.network("vnet", "Network", 3)
    drawing.subnet("public", "Public subnet", "vnet", public=True)
    drawing.subnet("app", "App subnet", "vnet")
    drawing.subnet("data", "Data subnet", "vnet")
    drawing.block("lb", "application_gateway", "Load balancer", "public")
    drawing.block("web", "virtual_machine", "Web servers", "app", count=2)
    drawing.block("db", "relational_database", "Database", "data")
    drawing.block("logs", "monitoring", "Logs")
    _public_entry(drawing, "lb")
    drawing.connect("lb", "web", "http")
    drawing.connect("web", "db")
    drawing.connect("web", "logs", "event")
    return drawing


def serverless_http_api() -> Drawing:
    drawing = Drawing("serverless-http-api", "Serverless HTTP API")
    drawing.block("api", "api_gateway", "API")
    drawing.block("handler", "function_compute", "API handler")
    drawing.block("table", "cosmos_db", "Items table")
    drawing.block("uploads", "blob_storage", "Uploads")
    _public_entry(drawing, "api")
    drawing.connect("api", "handler", "http")
    drawing.connect("handler", "table")
    drawing.connect("handler", "uploads")
    return drawing


def event_driven_pipeline() -> Drawing:
    drawing = Drawing("event-driven-pipeline", "Event-driven pipeline")
    drawing.block("events", "event_bus", "Event bus")
    drawing.block("ingest", "function_compute", "Ingest")
    drawing.block("jobs", "message_queue", "Jobs queue")
    drawing.block("worker", "function_compute", "Worker")
    drawing.block("nightly", "scheduler", "Nightly schedule", schedule="rate(1 day)")
    drawing.block("results", "blob_storage", "Results")
    drawing.connect("events", "ingest", "event")
    drawing.connect("ingest", "jobs", "event")
    drawing.connect("jobs", "worker", "event")
    drawing.connect("nightly", "worker", "event")
    drawing.connect("worker", "results")
    return drawing


def static_site_cdn() -> Drawing:
    drawing = Drawing("static-site-cdn", "Static site with CDN")
    drawing.block("cdn", "cdn_profile", "CDN")
    drawing.block("site", "blob_storage", "Site files")
    drawing.block("dns", "dns_zone", "Domain", domain="example.com")
    _public_entry(drawing, "cdn")
    drawing.connect("cdn", "site", "http")
    return drawing


def container_microservices() -> Drawing:
    drawing = Drawing("container-microservices", "Container microservices")
    drawing.network("vnet", "Network", 3)
    drawing.subnet("public", "Public subnet", "vnet", public=True)
    drawing.subnet("services", "Services subnet", "vnet")
    drawing.subnet("data", "Data subnet", "vnet")
    drawing.block("lb", "application_gateway", "Load balancer", "public")
    drawing.block("orders", "container_instances", "Orders service", "services", count=2)
    drawing.block("catalog", "container_instances", "Catalog service", "services", count=2)
    drawing.block("db", "relational_database", "Orders database", "data")
    drawing.block("cache", "cache_store", "Catalog cache", "data")
    drawing.block("events", "message_queue", "Order events")
    _public_entry(drawing, "lb")
    drawing.connect("lb", "orders", "http")
    drawing.connect("lb", "catalog", "http")
    drawing.connect("orders", "db")
    drawing.connect("orders", "events", "event")
    drawing.connect("events", "catalog", "event")
    drawing.connect("catalog", "cache")
    return drawing


def data_lake_analytics() -> Drawing:
    drawing = Drawing("data-lake-analytics", "Data lake and analytics")
    drawing.block("stream", "event_hub", "Event stream")
    drawing.block("ingest", "function_compute", "Ingest")
    drawing.block("raw", "blob_storage", "Raw zone")
    drawing.block("curated", "blob_storage", "Curated zone")
    drawing.block("hourly", "scheduler", "Hourly compaction", schedule="rate(1 hour)")
    drawing.block("compact", "function_compute", "Compaction")
    drawing.block("catalog", "cosmos_db", "Dataset catalog")
    drawing.connect("stream", "ingest", "event")
    drawing.connect("ingest", "raw")
    drawing.connect("hourly", "compact", "event")
    drawing.connect("compact", "curated")
    drawing.connect("compact", "catalog")
    return drawing


def secure_network() -> Drawing:
    drawing = Drawing("secure-network", "Secure network with bastion, NAT and firewall")
    drawing.network("vnet", "Network", 4)
    drawing.subnet("edge", "Edge subnet", "vnet")
    drawing.subnet("workload", "Workload subnet", "vnet")
    drawing.subnet("admin", "Admin subnet", "vnet")
    drawing.subnet("private", "Private services subnet", "vnet")
    drawing.block("firewall", "firewall_security", "Firewall", "edge")
    drawing.block("nat", "nat_gateway", "NAT gateway", "workload")
    drawing.block("routes", "route_table", "Workload routes", "workload")
    drawing.block("nsg", "network_security_group", "Workload rules", "workload")
    drawing.block("app", "app_compute", "Application servers", "workload", count=2)
    drawing.block("bastion", "bastion_host", "Bastion", "admin")
    drawing.block("vault", "key_vault", "Keys", "private")
    drawing.block("endpoint", "private_endpoint", "Private endpoint", "private")
    drawing.block("logs", "monitoring", "Audit logs")
    drawing.connect("app", "vault")
    drawing.connect("app", "logs", "event")
    return drawing


def ml_inference_endpoint() -> Drawing:
    drawing = Drawing("ml-inference-endpoint", "ML inference endpoint")
    drawing.block("api", "api_gateway", "Inference API")
    drawing.block("model", "app_service", "Model server", image="ghcr.io/example/model-server:latest")
    drawing.block("artifacts", "blob_storage", "Model artifacts")
    drawing.block("predictions", "cosmos_db", "Prediction log")
    _public_entry(drawing, "api")
    drawing.connect("api", "model", "http")
    drawing.connect("model", "artifacts")
    drawing.connect("model", "predictions")
    return drawing


@dataclass(frozen=True)
class BuiltinTemplate:
    slug: str
    name: str
    description: str
    category: str
    architecture: dict[str, Any]


def _builtin(drawing: Drawing, category: str, description: str) -> BuiltinTemplate:
    return BuiltinTemplate(drawing.id, drawing.name, description, category, drawing.architecture())


BUILTIN_TEMPLATES = (
    _builtin(
        three_tier_web_app(),
        "web",
        "A load balancer in a public subnet in front of two web servers that use a PostgreSQL database in a "
        "private data subnet and send their logs to a log workspace.",
    ),
    _builtin(
        serverless_http_api(),
        "serverless",
        "An API gateway in front of a function that stores items in a NoSQL table and uploads in object storage.",
    ),
    _builtin(
        event_driven_pipeline(),
        "serverless",
        "An event bus feeding an ingest function that queues jobs for a worker function, also run nightly by a "
        "scheduler, writing results to object storage.",
    ),
    _builtin(
        static_site_cdn(),
        "web",
        "A static website in object storage served through a CDN, with a DNS zone for its domain.",
    ),
    _builtin(
        container_microservices(),
        "containers",
        "Two containerised services behind a load balancer, talking through a queue, with their own database "
        "and cache in a private subnet.",
    ),
    _builtin(
        data_lake_analytics(),
        "data",
        "An event stream ingested into a raw storage zone, compacted hourly into a curated zone with a dataset "
        "catalog.",
    ),
    _builtin(
        secure_network(),
        "networking",
        "A segmented network: firewall at the edge, application servers behind NAT with their own route table and "
        "security rules, an admin bastion, and keys reached through a private endpoint.",
    ),
    _builtin(
        ml_inference_endpoint(),
        "ml",
        "An inference API in front of a containerised model server that loads artifacts from object storage and "
        "logs predictions to a NoSQL table.",
    ),
)
