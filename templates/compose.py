"""The built-in architecture generator: a prompt becomes an architecture, deterministically.

A prompt naming one of the built-in templates ("a three-tier web app", "a static site") starts from that
template. Otherwise the blocks come from the prompt's keywords ("serverless API with a queue and a NoSQL
table" → API gateway, function, queue, NoSQL table) and are laid out the way the templates are: entry
points at the root or in a public subnet, servers in an app subnet, containers in a subnet of their own,
relational databases and caches in a private data subnet, everything wired from the entry through the
compute to what it uses. `complexity`: simple draws single instances; standard runs servers and containers
twice; complex also adds monitoring, a secret store and standby databases.
"""

import re
from typing import Any

from templates.architectures import BUILTIN_TEMPLATES, Drawing, for_provider

COMPLEXITIES = ("simple", "standard", "complex")
# (resource type, the phrases that ask for it), in the order blocks are considered.
KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("api_gateway", ("api", "apis", "rest", "graphql", "http endpoint", "api gateway")),
    ("function_compute", ("serverless", "function", "functions", "lambda", "lambdas")),
    ("container_instances", ("container", "containers", "docker", "microservice", "microservices")),
    ("kubernetes_cluster", ("kubernetes", "k8s", "aks", "eks", "gke")),
    ("virtual_machine", ("vm", "vms", "virtual machine", "virtual machines", "server", "servers")),
    ("app_service", ("web app service", "paas", "app service", "managed web app")),
    ("application_gateway", ("load balancer", "load balanced", "load-balanced", "web app", "web servers")),
    ("cdn_profile", ("cdn", "static site", "static website", "content delivery")),
    ("relational_database", ("postgres", "postgresql", "sql", "relational", "mysql", "rdbms")),
    ("cosmos_db", ("nosql", "no-sql", "dynamodb", "cosmos", "firestore", "document store", "key-value")),
    ("cache_store", ("cache", "caching", "redis", "memcached")),
    ("blob_storage", ("storage", "bucket", "buckets", "files", "blob", "s3", "uploads", "images", "object store")),
    ("message_queue", ("queue", "queues", "sqs", "service bus", "job queue")),
    ("event_hub", ("stream", "streams", "streaming", "kafka", "kinesis", "event hub", "event hubs")),
    ("event_bus", ("event bus", "event-driven", "event driven", "eventbridge", "event grid", "events")),
    ("scheduler", ("schedule", "scheduled", "cron", "nightly", "hourly", "daily", "periodic")),
    ("dns_zone", ("dns", "domain", "custom domain")),
    ("monitoring", ("monitoring", "logs", "logging", "metrics", "observability")),
    ("secret_store", ("secret", "secrets", "credentials", "passwords")),
    ("key_vault", ("kms", "encryption key", "encryption keys", "key vault")),
    ("firewall_security", ("firewall", "waf")),
)
TEMPLATE_PHRASES = {
    "three-tier-web-app": ("three-tier", "three tier", "3-tier", "3 tier"),
    "static-site-cdn": ("static site", "static website"),
    "data-lake-analytics": ("data lake", "analytics"),
    "container-microservices": ("microservices",),
    "ml-inference-endpoint": ("inference", "machine learning", "ml model"),
    "event-driven-pipeline": ("event-driven pipeline", "event driven pipeline"),
    "secure-network": ("hub-and-spoke", "hub and spoke", "secure network", "bastion"),
}
SERVERS = ("virtual_machine", "kubernetes_cluster")
DATA_IN_SUBNET = ("relational_database", "cache_store")
LABELS = {
    "api_gateway": "API", "function_compute": "Function", "container_instances": "Service",
    "kubernetes_cluster": "Kubernetes cluster", "virtual_machine": "Servers", "app_service": "Web app",
    "application_gateway": "Load balancer", "cdn_profile": "CDN", "relational_database": "Database",
    "cosmos_db": "NoSQL table", "cache_store": "Cache", "blob_storage": "Storage", "message_queue": "Queue",
    "event_hub": "Event stream", "event_bus": "Event bus", "scheduler": "Schedule", "dns_zone": "Domain",
    "monitoring": "Monitoring", "secret_store": "Secrets", "key_vault": "Keys", "firewall_security": "Firewall",
}  # fmt: skip


def _mentions(prompt: str, phrase: str) -> bool:
    return re.search(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", prompt) is not None


def requested_types(prompt: str) -> list[str]:
    text = prompt.lower()
    found = [resource_type for resource_type, phrases in KEYWORDS if any(_mentions(text, p) for p in phrases)]
    # "database" alone means a relational one unless a NoSQL store was asked for.
    if _mentions(text, "database") and "cosmos_db" not in found and "relational_database" not in found:
        found.append("relational_database")
    return found


def _template_for(prompt: str):
    text = prompt.lower()
    for template in BUILTIN_TEMPLATES:
        if any(_mentions(text, phrase) for phrase in TEMPLATE_PHRASES.get(template.slug, ())):
            return template
    return None


def compose(prompt: str, *, provider: str, complexity: str = "standard") -> dict[str, Any]:
    """{architecture, notes, explanation} for the prompt, drawn for `provider`."""
    template = _template_for(prompt)
    if template is not None:
        present = {node["resourceType"] for node in template.architecture["nodes"]}
        missing = [t for t in requested_types(prompt) if t not in present]
        notes = [f"The {template.name} template has no {LABELS[t].lower()}; add it on the canvas." for t in missing]
        explanation = f"Started from the built-in template '{template.name}': {template.description}"
        return {"architecture": for_provider(template.architecture, provider), "notes": notes,
                "explanation": explanation}  # fmt: skip
    wanted = requested_types(prompt)
    return _compose_from_keywords(wanted, provider=provider, complexity=complexity, prompt=prompt)


def _compose_from_keywords(wanted: list[str], *, provider: str, complexity: str, prompt: str) -> dict[str, Any]:
    notes: list[str] = []
    wanted = list(dict.fromkeys(wanted))
    compute = [t for t in wanted if t in ("function_compute", "container_instances", "kubernetes_cluster",
                                          "virtual_machine", "app_service")]  # fmt: skip
    if not compute and any(
        t in wanted
        for t in (
            "api_gateway",
            "message_queue",
            "event_bus",
            "event_hub",
            "scheduler",
            "relational_database",
            "cosmos_db",
            "cache_store",
        )
    ):
        compute = ["function_compute"] if "application_gateway" not in wanted else ["virtual_machine"]
        wanted.insert(0, compute[0])
    if not compute and "application_gateway" in wanted:
        compute = ["virtual_machine"]
        wanted.append("virtual_machine")
    if {"event_bus", "event_hub", "scheduler"} & set(wanted) and "function_compute" not in compute:
        # Event sources deliver to functions on every provider.
        compute.append("function_compute")
        wanted.append("function_compute")
    if "api_gateway" in wanted and not {"function_compute", "app_service"} & set(compute):
        wanted.remove("api_gateway")
        if "application_gateway" not in wanted:
            wanted.append("application_gateway")
        notes.append("The load balancer serves the API: an API gateway fronts functions and web apps only.")
    if complexity == "complex" and compute and "monitoring" not in wanted:
        wanted.append("monitoring")
    if complexity == "complex" and compute and not {"secret_store", "key_vault"} & set(wanted):
        wanted.append("secret_store")
    if not wanted:
        wanted = ["function_compute", "api_gateway"]
        compute = ["function_compute"]
        notes.append("The prompt named no services; drew a minimal serverless API to start from.")

    needs_network = any(t in wanted for t in (*SERVERS, *DATA_IN_SUBNET, "container_instances",
                                              "firewall_security", "secret_store", "application_gateway"))  # fmt: skip
    drawing = Drawing("generated", _title(prompt))
    subnets: dict[str, str] = {}

    def subnet_for(role: str, name: str, public: bool = False) -> str:
        if role not in subnets:
            subnets[role] = f"subnet-{role}"
            drawing.subnet(subnets[role], name, "vnet", public=public)
        return subnets[role]

    if needs_network:
        groups = [
            ["application_gateway"] if "application_gateway" in wanted else [],
            ["firewall_security"] if "firewall_security" in wanted else [],
            [t for t in wanted if t in SERVERS],
            ["container_instances"] if "container_instances" in wanted else [],
            [t for t in wanted if t in (*DATA_IN_SUBNET, "secret_store")],
        ]
        drawing.network("vnet", "Network", sum(1 for group in groups if group))
    redundant = {"simple": 1, "standard": 2, "complex": 2}[complexity]
    placed: dict[str, str] = {}
    for resource_type in wanted:
        parent = None
        count = 1
        if resource_type == "application_gateway":
            parent = subnet_for("public", "Public subnet", public=True)
        elif resource_type == "firewall_security":
            parent = subnet_for("edge", "Edge subnet")
        elif resource_type in SERVERS:
            parent = subnet_for("app", "App subnet")
            count = redundant if resource_type == "virtual_machine" else 1
        elif resource_type == "container_instances":
            parent, count = subnet_for("services", "Services subnet"), redundant
        elif resource_type in (*DATA_IN_SUBNET, "secret_store"):
            high_availability = complexity == "complex" and resource_type != "secret_store"
            parent, count = subnet_for("data", "Data subnet"), 2 if high_availability else 1
        placed[resource_type] = resource_type.replace("_", "-")
        drawing.block(placed[resource_type], resource_type, LABELS[resource_type], parent, count=count)

    _wire(drawing, placed, compute)
    architecture = for_provider(drawing.architecture(), provider)
    names = ", ".join(LABELS[t] for t in placed)
    explanation = f"Drew {names} from the prompt's keywords and wired the entry through the compute to what it uses."
    return {"architecture": architecture, "notes": notes, "explanation": explanation}


def _wire(drawing: Drawing, ids: dict[str, str], compute: list[str]) -> None:
    main = ids.get(compute[0]) if compute else None
    if "cdn_profile" in ids:
        if "blob_storage" not in ids:
            ids["blob_storage"] = "blob-storage"
            drawing.block("blob-storage", "blob_storage", LABELS["blob_storage"])
        drawing.connect(ids["cdn_profile"], ids["blob_storage"], "http")
    if "application_gateway" in ids:
        # Load balancers reach servers and containers on every provider (Kubernetes ingress is the cluster's).
        backends = [ids[k] for k in compute if k in ("virtual_machine", "container_instances", "app_service")]
        for backend in backends or [ids[k] for k in compute if k == "function_compute"]:
            drawing.connect(ids["application_gateway"], backend, "http")
    if "api_gateway" in ids:
        for kind in compute:
            if kind in ("function_compute", "app_service"):
                drawing.connect(ids["api_gateway"], ids[kind], "http")
    public_entries = [ids[t] for t in ("cdn_profile", "application_gateway", "api_gateway") if t in ids]
    if public_entries:
        drawing.block("browser", "browser", "Users")
        drawing.block("internet", "internet", "Internet")
        drawing.connect("browser", "internet", "http")
        for target in public_entries:
            drawing.connect("internet", target, "http")
    if main is None:
        return
    for kind in ("relational_database", "cosmos_db", "cache_store", "blob_storage", "secret_store", "key_vault"):
        if kind in ids and not (kind == "blob_storage" and "cdn_profile" in ids):
            drawing.connect(main, ids[kind])
    if "monitoring" in ids:
        drawing.connect(main, ids["monitoring"], "event")
    functions = ids.get("function_compute")
    consumer = functions or main
    if "message_queue" in ids:
        drawing.connect(main, ids["message_queue"], "event")
    for source in ("event_bus", "event_hub", "scheduler"):
        if source in ids:
            drawing.connect(ids[source], consumer, "event")


def _title(prompt: str) -> str:
    words = prompt.strip().split()
    title = " ".join(words[:8])
    return (title[:1].upper() + title[1:]) if title else "Generated architecture"
