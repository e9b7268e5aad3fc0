"""Monthly cost estimates from a built-in, versioned catalog of list prices.

Each resource type maps, per provider, to the service the generators create and its billable components:
a fixed quantity per instance (hours, keys, zones) or a usage quantity (requests, GB, messages) that the
caller may override. Prices are on-demand list prices in USD of the catalog's reference region; every line
says what it assumed. Blocks the generators turn into free resources (networks, subnets, security groups,
identities) are listed at 0 so the estimate covers the whole drawing.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from workspaces.architecture.catalog import EXTERNAL_TYPES
from workspaces.architecture.model import LoadedArchitecture

CATALOG_VERSION = "2026-11"
CURRENCY = "USD"
REFERENCE_REGIONS = {"aws": "us-east-1", "azure": "eastus", "gcp": "us-central1"}
USAGE_DEFAULTS = {
    "hoursPerMonth": 730,
    "requestsPerMonth": 1_000_000,
    "storageGb": 50,
    "egressGb": 100,
    "messagesPerMonth": 1_000_000,
    "logGb": 5,
}
USAGE_UNITS = {
    "hoursPerMonth": "hours",
    "requestsPerMonth": "requests",
    "storageGb": "GB stored",
    "egressGb": "GB transferred",
    "messagesPerMonth": "messages",
    "logGb": "GB of logs",
}
PER_MILLION = ("requestsPerMonth", "messagesPerMonth")


@dataclass(frozen=True)
class Component:
    label: str
    unit_price: float
    quantity: str | float  # a usage key, or a fixed quantity per instance


@dataclass(frozen=True)
class Service:
    name: str
    components: tuple[Component, ...] = ()


def _hourly(label: str, price: float) -> Component:
    return Component(label, price, "hoursPerMonth")


FREE = Service("no charge")
PRICES: dict[str, dict[str, Service]] = {
    "aws": {
        "virtual_machine": Service(
            "Amazon EC2 t3.micro", (_hourly("instance", 0.0104), Component("8 GB gp3 volume", 0.08, 8))
        ),
        "bastion_host": Service(
            "Amazon EC2 t3.micro", (_hourly("instance", 0.0104), Component("8 GB gp3 volume", 0.08, 8))
        ),
        "function_compute": Service(
            "AWS Lambda",
            (
                Component("requests (per million)", 0.20, "requestsPerMonth"),
                Component("compute, 128 MB x 200 ms per request (per million)", 0.4167, "requestsPerMonth"),
            ),
        ),
        "container_instances": Service("Amazon ECS on Fargate, 0.25 vCPU / 0.5 GB", (_hourly("task", 0.012343),)),
        "app_service": Service("AWS App Runner, 1 vCPU / 2 GB provisioned", (_hourly("provisioned instance", 0.014),)),
        "kubernetes_cluster": Service(
            "Amazon EKS + 2 x t3.medium nodes", (_hourly("control plane", 0.10), _hourly("2 nodes", 0.0832))
        ),
        "application_gateway": Service(
            "Application Load Balancer", (_hourly("load balancer", 0.0225), _hourly("1 LCU", 0.008))
        ),
        "internal_load_balancer": Service(
            "Application Load Balancer (internal)", (_hourly("load balancer", 0.0225), _hourly("1 LCU", 0.008))
        ),
        "load_balancer": Service("Network Load Balancer", (_hourly("load balancer", 0.0225), _hourly("1 NLCU", 0.006))),
        "api_gateway": Service(
            "Amazon API Gateway HTTP API", (Component("requests (per million)", 1.00, "requestsPerMonth"),)
        ),
        "cdn_profile": Service(
            "Amazon CloudFront",
            (
                Component("data transfer out (per GB)", 0.085, "egressGb"),
                Component("HTTPS requests (per million)", 1.00, "requestsPerMonth"),
            ),
        ),
        "front_door": Service(
            "Amazon CloudFront",
            (
                Component("data transfer out (per GB)", 0.085, "egressGb"),
                Component("HTTPS requests (per million)", 1.00, "requestsPerMonth"),
            ),
        ),
        "dns_zone": Service(
            "Amazon Route 53 hosted zone",
            (Component("hosted zone", 0.50, 1), Component("queries (per million)", 0.40, "requestsPerMonth")),
        ),
        "blob_storage": Service("Amazon S3 Standard", (Component("storage (per GB)", 0.023, "storageGb"),)),
        "relational_database": Service(
            "Amazon RDS for PostgreSQL db.t4g.micro",
            (_hourly("instance", 0.016), Component("20 GB gp2 storage", 0.115, 20)),
        ),
        "sql_database": Service(
            "Amazon RDS for PostgreSQL db.t4g.micro",
            (_hourly("instance", 0.016), Component("20 GB gp2 storage", 0.115, 20)),
        ),
        "cache_store": Service("Amazon ElastiCache cache.t4g.micro", (_hourly("node", 0.016),)),
        "cosmos_db": Service(
            "Amazon DynamoDB on-demand",
            (
                Component("storage (per GB)", 0.25, "storageGb"),
                Component("read/write requests (per million)", 0.75, "requestsPerMonth"),
            ),
        ),
        "message_queue": Service("Amazon SQS", (Component("requests (per million)", 0.40, "messagesPerMonth"),)),
        "event_hub": Service(
            "Amazon Kinesis Data Streams on-demand",
            (
                _hourly("stream", 0.04),
                Component("data ingested, 1 KB per message (per million)", 0.08, "messagesPerMonth"),
            ),
        ),
        "event_bus": Service(
            "Amazon EventBridge", (Component("custom events (per million)", 1.00, "messagesPerMonth"),)
        ),
        "scheduler": Service(
            "Amazon EventBridge Scheduler",
            (Component("invocations (per million, first 14 M free)", 0.0, "messagesPerMonth"),),
        ),
        "key_vault": Service("AWS KMS", (Component("customer managed key", 1.00, 1),)),
        "secret_store": Service("AWS Secrets Manager", (Component("secret", 0.40, 1),)),
        "firewall_security": Service("AWS Network Firewall", (_hourly("endpoint", 0.395),)),
        "nat_gateway": Service(
            "NAT gateway", (_hourly("gateway", 0.045), Component("data processed (per GB)", 0.045, "egressGb"))
        ),
        "outbound_access": Service(
            "NAT gateway", (_hourly("gateway", 0.045), Component("data processed (per GB)", 0.045, "egressGb"))
        ),
        "public_ip": Service("Elastic IP (public IPv4)", (_hourly("address", 0.005),)),
        "private_endpoint": Service("VPC interface endpoint", (_hourly("endpoint in one AZ", 0.01),)),
        "monitoring": Service("Amazon CloudWatch Logs", (Component("ingestion (per GB)", 0.50, "logGb"),)),
    },
    "azure": {
        "virtual_machine": Service(
            "Linux VM Standard_B2s", (_hourly("instance", 0.0416), Component("30 GB Standard SSD", 0.0768, 30))
        ),
        "bastion_host": Service("Azure Bastion Basic", (_hourly("bastion", 0.19),)),
        "function_compute": Service(
            "Azure Functions (Consumption)",
            (
                Component("executions (per million)", 0.20, "requestsPerMonth"),
                Component("compute, 128 MB x 200 ms per execution (per million)", 0.40, "requestsPerMonth"),
            ),
        ),
        "container_instances": Service(
            "Azure Container Instances, 1 vCPU / 1.5 GB", (_hourly("vCPU", 0.0486), _hourly("1.5 GB memory", 0.00801))
        ),
        "app_service": Service("App Service B1 (Linux)", (_hourly("plan", 0.018),)),
        "kubernetes_cluster": Service("AKS (free tier) + 2 x Standard_D2s_v5 nodes", (_hourly("2 nodes", 0.192),)),
        "application_gateway": Service(
            "Application Gateway Standard_v2", (_hourly("gateway", 0.246), _hourly("2 capacity units", 0.016))
        ),
        "internal_load_balancer": Service("Standard Load Balancer", (_hourly("first 5 rules", 0.025),)),
        "load_balancer": Service("Standard Load Balancer", (_hourly("first 5 rules", 0.025),)),
        "api_gateway": Service(
            "API Management Consumption",
            (Component("calls (per million, first million free)", 3.50, "requestsPerMonth"),),
        ),
        "cdn_profile": Service(
            "Azure Front Door Standard",
            (Component("base fee", 35.0, 1), Component("data transfer out (per GB)", 0.083, "egressGb")),
        ),
        "front_door": Service(
            "Azure Front Door Standard",
            (Component("base fee", 35.0, 1), Component("data transfer out (per GB)", 0.083, "egressGb")),
        ),
        "dns_zone": Service(
            "Azure DNS zone", (Component("zone", 0.50, 1), Component("queries (per million)", 0.40, "requestsPerMonth"))
        ),
        "blob_storage": Service("Blob Storage Hot LRS", (Component("storage (per GB)", 0.0184, "storageGb"),)),
        "relational_database": Service(
            "PostgreSQL Flexible Server B1ms", (_hourly("server", 0.0207), Component("32 GB storage", 0.115, 32))
        ),
        "sql_database": Service("Azure SQL Database S0", (Component("database", 15.03, 1),)),
        "cache_store": Service("Azure Cache for Redis Basic C0", (_hourly("cache", 0.022),)),
        "cosmos_db": Service(
            "Azure Cosmos DB serverless",
            (
                Component("storage (per GB)", 0.25, "storageGb"),
                Component("request units, 5 RU per request (per million)", 1.25, "requestsPerMonth"),
            ),
        ),
        "message_queue": Service("Service Bus Standard", (Component("base fee", 9.81, 1),)),
        "event_hub": Service(
            "Event Hubs Standard, 1 throughput unit",
            (_hourly("throughput unit", 0.03), Component("ingress events (per million)", 0.028, "messagesPerMonth")),
        ),
        "event_bus": Service("Event Grid", (Component("operations (per million)", 0.60, "messagesPerMonth"),)),
        "scheduler": Service(
            "Logic Apps (Consumption)", (Component("actions (per million)", 25.0, "messagesPerMonth"),)
        ),
        "key_vault": Service("Key Vault Standard", (Component("operations (per 10,000), 100 k per month", 0.03, 10),)),
        "secret_store": Service(
            "Key Vault Standard", (Component("operations (per 10,000), 100 k per month", 0.03, 10),)
        ),
        "firewall_security": Service(
            "Azure Firewall Standard",
            (_hourly("deployment", 1.25), Component("data processed (per GB)", 0.016, "egressGb")),
        ),
        "nat_gateway": Service(
            "NAT gateway", (_hourly("gateway", 0.045), Component("data processed (per GB)", 0.045, "egressGb"))
        ),
        "outbound_access": Service(
            "NAT gateway", (_hourly("gateway", 0.045), Component("data processed (per GB)", 0.045, "egressGb"))
        ),
        "public_ip": Service("Public IP Standard (static)", (_hourly("address", 0.005),)),
        "private_endpoint": Service("Private endpoint", (_hourly("endpoint", 0.01),)),
        "monitoring": Service("Log Analytics (pay as you go)", (Component("ingestion (per GB)", 2.30, "logGb"),)),
    },
    "gcp": {
        "virtual_machine": Service(
            "Compute Engine e2-small", (_hourly("instance", 0.01675), Component("10 GB balanced disk", 0.10, 10))
        ),
        "bastion_host": Service(
            "Compute Engine e2-small (IAP access)",
            (_hourly("instance", 0.01675), Component("10 GB balanced disk", 0.10, 10)),
        ),
        "function_compute": Service(
            "Cloud Run functions",
            (
                Component("invocations (per million)", 0.40, "requestsPerMonth"),
                Component("compute, 256 MB x 200 ms per invocation (per million)", 1.20, "requestsPerMonth"),
            ),
        ),
        "container_instances": Service(
            "Cloud Run (request-based)",
            (
                Component("requests (per million)", 0.40, "requestsPerMonth"),
                Component("1 vCPU / 512 MB x 200 ms per request (per million)", 5.76, "requestsPerMonth"),
            ),
        ),
        "app_service": Service(
            "Cloud Run (request-based)",
            (
                Component("requests (per million)", 0.40, "requestsPerMonth"),
                Component("1 vCPU / 512 MB x 200 ms per request (per million)", 5.76, "requestsPerMonth"),
            ),
        ),
        "kubernetes_cluster": Service(
            "GKE regional cluster + e2-standard-2 nodes", (_hourly("cluster fee", 0.10), _hourly("node", 0.067))
        ),
        "application_gateway": Service(
            "External Application Load Balancer",
            (_hourly("forwarding rule", 0.025), Component("data processed (per GB)", 0.008, "egressGb")),
        ),
        "internal_load_balancer": Service(
            "Internal passthrough Network Load Balancer", (_hourly("forwarding rule", 0.025),)
        ),
        "load_balancer": Service("External passthrough Network Load Balancer", (_hourly("forwarding rule", 0.025),)),
        "api_gateway": Service(
            "API Gateway", (Component("calls (per million, first 2 M free)", 3.00, "requestsPerMonth"),)
        ),
        "cdn_profile": Service(
            "Cloud CDN", (Component("cache egress (per GB)", 0.08, "egressGb"), _hourly("forwarding rule", 0.025))
        ),
        "front_door": Service(
            "Cloud CDN", (Component("cache egress (per GB)", 0.08, "egressGb"), _hourly("forwarding rule", 0.025))
        ),
        "dns_zone": Service(
            "Cloud DNS zone", (Component("zone", 0.20, 1), Component("queries (per million)", 0.40, "requestsPerMonth"))
        ),
        "blob_storage": Service("Cloud Storage Standard", (Component("storage (per GB)", 0.020, "storageGb"),)),
        "relational_database": Service(
            "Cloud SQL for PostgreSQL, 1 vCPU / 3.75 GB",
            (_hourly("instance", 0.0676), Component("10 GB SSD", 0.17, 10)),
        ),
        "sql_database": Service(
            "Cloud SQL for PostgreSQL, 1 vCPU / 3.75 GB",
            (_hourly("instance", 0.0676), Component("10 GB SSD", 0.17, 10)),
        ),
        "cache_store": Service("Memorystore for Redis Basic, 1 GB", (_hourly("1 GB", 0.049),)),
        "cosmos_db": Service(
            "Firestore",
            (
                Component("storage (per GB)", 0.18, "storageGb"),
                Component("document reads and writes (per million)", 1.20, "requestsPerMonth"),
            ),
        ),
        "message_queue": Service(
            "Pub/Sub", (Component("throughput, 1 KB per message (per million)", 0.04, "messagesPerMonth"),)
        ),
        "event_hub": Service(
            "Pub/Sub", (Component("throughput, 1 KB per message (per million)", 0.04, "messagesPerMonth"),)
        ),
        "event_bus": Service("Eventarc + Pub/Sub", (Component("events (per million)", 0.40, "messagesPerMonth"),)),
        "scheduler": Service("Cloud Scheduler", (Component("job", 0.10, 1),)),
        "key_vault": Service("Cloud KMS", (Component("key version", 0.06, 1),)),
        "secret_store": Service("Secret Manager", (Component("secret version", 0.06, 1),)),
        "firewall_security": Service("Cloud Armor Standard", (Component("policy", 5.0, 1), Component("rule", 1.0, 1))),
        "nat_gateway": Service(
            "Cloud NAT",
            (_hourly("gateway, up to 32 VMs", 0.0014), Component("data processed (per GB)", 0.045, "egressGb")),
        ),
        "outbound_access": Service(
            "Cloud NAT",
            (_hourly("gateway, up to 32 VMs", 0.0014), Component("data processed (per GB)", 0.045, "egressGb")),
        ),
        "public_ip": Service("Static external IPv4", (_hourly("address", 0.005),)),
        "private_endpoint": Service("Private Service Connect endpoint", (_hourly("endpoint", 0.01),)),
        "monitoring": Service("Cloud Logging", (Component("ingestion (per GB, first 50 GB free)", 0.50, "logGb"),)),
    },
}
for _prices in PRICES.values():
    _prices["web_compute"] = _prices["app_compute"] = _prices["virtual_machine"]


def _money(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _line(node: dict[str, Any], provider: str, usage: dict[str, float]) -> dict[str, Any]:
    service = PRICES[provider].get(node["resourceType"], FREE)
    aggregation = node.get("aggregation") or {}
    count = int(aggregation.get("count", 1)) if aggregation.get("mode") == "count" else 1
    total = 0.0
    assumptions = []
    for component in service.components:
        if isinstance(component.quantity, str):
            amount = usage[component.quantity]
            quantity = amount / 1_000_000 if component.quantity in PER_MILLION else amount
            # Usage-priced services scale with traffic, not with the drawn instance count.
            instances = count if component.quantity == "hoursPerMonth" else 1
            described = f"{amount:,.0f} {USAGE_UNITS[component.quantity]}"
        else:
            quantity, instances, described = component.quantity, count, f"{component.quantity:g}"
        cost = component.unit_price * quantity * instances
        total += cost
        per = " per instance" if instances > 1 else ""
        assumptions.append(f"{component.label}: {described}{per} at ${component.unit_price:g} = ${cost:,.2f}")
    if not service.components:
        assumptions.append("No charge for this resource.")
    if count > 1:
        assumptions.append(f"{count} instances.")
    return {
        "resourceId": node["id"],
        "name": node.get("name") or node["id"],
        "resourceType": node["resourceType"],
        "service": service.name,
        "quantity": count,
        "monthlyCost": float(_money(total)),
        "assumptions": assumptions,
    }


def usage_check(usage: dict[str, Any]) -> dict[str, str]:
    """Problems of the caller's usage overrides, by key (empty when fine)."""
    problems = {}
    for key, value in usage.items():
        if key not in USAGE_DEFAULTS:
            problems[key] = f"Unknown usage parameter; use one of: {', '.join(USAGE_DEFAULTS)}."
        elif isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            problems[key] = "Must be a number of at least 0."
        elif key == "hoursPerMonth" and value > 744:
            problems[key] = "A month has at most 744 hours."
    return problems


def architecture_cost(
    loaded: LoadedArchitecture, *, provider: str, region: str, usage: dict[str, float] | None = None
) -> dict[str, Any]:
    usage = {**USAGE_DEFAULTS, **(usage or {})}
    lines = [
        _line(node, provider, usage)
        for node in loaded.architecture["nodes"]
        if node["kind"] == "resource" and node["resourceType"] not in EXTERNAL_TYPES
    ] + [_line(node, provider, usage) for node in loaded.architecture["nodes"] if node["kind"] == "container"]
    reference = REFERENCE_REGIONS[provider]
    notes = [f"On-demand list prices of {reference}, catalog {CATALOG_VERSION}; taxes, support and free tiers "
             "beyond those named are not included."]  # fmt: skip
    if region and region != reference:
        notes.append(f"Priced at {reference} rates; {region} list prices may differ by a few percent.")
    return {
        "currency": CURRENCY,
        "catalogVersion": CATALOG_VERSION,
        "source": "builtin",
        "provider": provider,
        "region": region or reference,
        "usage": usage,
        "lines": lines,
        "totalMonthlyCost": float(sum((Decimal(str(line["monthlyCost"])) for line in lines), Decimal(0))),
        "notes": notes,
    }
