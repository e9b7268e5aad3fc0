"""What an architecture may contain: layers, categories, resource kinds, connection rules, subtypes, regions.

The facts follow CloudBlocks v4 (`packages/schema/src/rules.ts`, the validation engine and provider registries);
where we differ it is said next to the entry and in docs/workspaces.md.
"""

from dataclasses import dataclass

PROVIDERS = ("aws", "azure", "gcp")
GENERATORS = ("terraform", "bicep")
GENERATOR_PROVIDERS = {"terraform": PROVIDERS, "bicep": ("azure",)}

LAYERS = ("global", "edge", "region", "zone", "subnet", "resource")
CATEGORIES = ("network", "delivery", "compute", "data", "messaging", "security", "identity", "operations")
ROLES = ("primary", "secondary", "reader", "writer", "public", "private", "internal", "external")
SEMANTICS = ("http", "event", "data")
DIRECTIONS = ("input", "output")

# Which layers a node of each layer may sit in; None is the canvas root (cloudblocks-domain hierarchy.ts).
LAYER_PARENTS: dict[str, tuple[str | None, ...]] = {
    "global": (None,),
    "edge": (None,),
    "region": (None, "global"),
    "zone": ("region",),
    "subnet": ("zone", "region"),
    "resource": ("subnet", "zone", "region", "edge", "global", None),
}


@dataclass(frozen=True)
class ResourceKind:
    category: str
    tier: str
    # Parent resource types allowed; None means the canvas root.
    parents: tuple[str | None, ...]
    container: bool = False
    external: bool = False
    label: str = ""


ROOT = None
RESOURCE_KINDS: dict[str, ResourceKind] = {
    "virtual_network": ResourceKind("network", "shared", (ROOT,), container=True, label="Virtual network"),
    "subnet": ResourceKind("network", "shared", ("virtual_network",), container=True, label="Subnet"),
    "dns_zone": ResourceKind("delivery", "web", (ROOT,), label="DNS zone"),
    "cdn_profile": ResourceKind("delivery", "web", (ROOT,), label="CDN"),
    "front_door": ResourceKind("delivery", "web", (ROOT,), label="Global edge load balancer"),
    "application_gateway": ResourceKind("delivery", "web", ("subnet",), label="Application load balancer"),
    "internal_load_balancer": ResourceKind("delivery", "web", ("subnet",), label="Internal load balancer"),
    "load_balancer": ResourceKind("delivery", "web", ("subnet",), label="Network load balancer"),
    "outbound_access": ResourceKind("delivery", "web", ("subnet",), label="Outbound access"),
    # Ours: API gateways (API Management, API Gateway) appear in CloudBlocks' templates as a bare subtype.
    "api_gateway": ResourceKind("delivery", "web", (ROOT, "subnet"), label="API gateway"),
    "internet": ResourceKind("delivery", "web", (ROOT,), external=True, label="Internet"),
    "browser": ResourceKind("delivery", "web", (ROOT,), external=True, label="Browser"),
    "function_compute": ResourceKind("compute", "app", ("subnet", ROOT), label="Functions"),
    "app_service": ResourceKind("compute", "app", ("subnet", ROOT), label="Managed web app"),
    "container_instances": ResourceKind("compute", "app", ("subnet", ROOT), label="Containers"),
    "virtual_machine": ResourceKind("compute", "app", ("subnet",), label="Virtual machine"),
    "kubernetes_cluster": ResourceKind("compute", "app", ("subnet",), label="Kubernetes cluster"),
    "app_compute": ResourceKind("compute", "app", ("subnet",), label="Application server"),
    "web_compute": ResourceKind("compute", "web", ("subnet",), label="Web server"),
    # Storage accounts and buckets also sit in a subnet in CloudBlocks' own templates (reached privately).
    "blob_storage": ResourceKind("data", "data", (ROOT, "subnet"), label="Object storage"),
    "sql_database": ResourceKind("data", "data", ("subnet",), label="SQL database"),
    "relational_database": ResourceKind("data", "data", ("subnet",), label="PostgreSQL database"),
    "cache_store": ResourceKind("data", "data", ("subnet",), label="Redis cache"),
    "cosmos_db": ResourceKind("data", "data", ("subnet", ROOT), label="NoSQL database"),
    "key_vault": ResourceKind("security", "shared", ("subnet", ROOT), label="Key vault"),
    "bastion_host": ResourceKind("security", "shared", ("subnet",), label="Bastion"),
    "firewall_security": ResourceKind("security", "shared", ("subnet",), label="Firewall"),
    "network_security_group": ResourceKind("security", "shared", ("subnet",), label="Security group"),
    "secret_store": ResourceKind("security", "shared", ("subnet",), label="Secret store"),
    "identity_access": ResourceKind("identity", "shared", ("subnet", ROOT), label="Role"),
    "managed_identity": ResourceKind("identity", "shared", (ROOT,), label="Managed identity"),
    "service_account": ResourceKind("identity", "shared", (ROOT,), label="Service account"),
    # Log workspaces are regional services, not subnet members; the root is allowed as well.
    "monitoring": ResourceKind("operations", "shared", ("subnet", ROOT), label="Monitoring"),
    # Queues and buses are regional services; CloudBlocks drew them in the VNet, we also allow the root.
    "message_queue": ResourceKind("messaging", "app", ("virtual_network", ROOT), label="Queue"),
    "event_hub": ResourceKind("messaging", "app", ("virtual_network", ROOT), label="Event stream"),
    "event_bus": ResourceKind("messaging", "app", ("virtual_network", ROOT), label="Event bus"),
    "scheduler": ResourceKind("messaging", "app", ("virtual_network", ROOT), label="Scheduler"),
    "nat_gateway": ResourceKind("network", "shared", ("subnet",), label="NAT gateway"),
    "route_table": ResourceKind("network", "shared", ("subnet",), label="Route table"),
    "private_endpoint": ResourceKind("network", "shared", ("subnet",), label="Private endpoint"),
    "public_ip": ResourceKind("network", "shared", (ROOT,), label="Public IP"),
}
EXTERNAL_TYPES = tuple(name for name, kind in RESOURCE_KINDS.items() if kind.external)

CATEGORY_DEFAULT_RESOURCE_TYPE = {
    "compute": "web_compute",
    "data": "sql_database",
    "delivery": "application_gateway",
    "messaging": "message_queue",
    "security": "bastion_host",
    "identity": "identity_access",
    "operations": "monitoring",
    "network": "nat_gateway",
}

# CloudBlocks' v3 category names → the eight of v4.
LEGACY_CATEGORIES = {
    "edge": "delivery",
    "gateway": "delivery",
    "database": "data",
    "storage": "data",
    "function": "compute",
    "queue": "messaging",
    "event": "messaging",
    "analytics": "operations",
    "observability": "operations",
}

# Older files (and CloudBlocks' own templates) put a provider service key where the resource type belongs.
RESOURCE_TYPE_ALIASES = {
    "vnet": "virtual_network",
    "vpc": "virtual_network",
    "vm": "virtual_machine",
    "ec2": "virtual_machine",
    "compute-engine": "virtual_machine",
    "application-gateway": "application_gateway",
    "app-gateway": "application_gateway",
    "alb": "application_gateway",
    "cloud-load-balancing": "application_gateway",
    "load-balancer": "internal_load_balancer",
    "elb": "internal_load_balancer",
    "api-management": "api_gateway",
    "api-gateway": "api_gateway",
    "azure-postgresql": "relational_database",
    "rds-postgres": "relational_database",
    "cloud-sql-postgres": "relational_database",
    "sql-database": "sql_database",
    "blob-storage": "blob_storage",
    "s3": "blob_storage",
    "cloud-storage": "blob_storage",
    "functions": "function_compute",
    "lambda": "function_compute",
    "cloud-functions": "function_compute",
    "cosmos-db": "cosmos_db",
    "dynamodb": "cosmos_db",
    "firestore": "cosmos_db",
    "service-bus": "message_queue",
    "sqs": "message_queue",
    "pubsub": "message_queue",
    "pub-sub": "message_queue",
    "event-grid": "event_bus",
    "eventbridge": "event_bus",
    "eventarc": "event_bus",
    "sns": "event_bus",
    "event-hubs": "event_hub",
    "kinesis": "event_hub",
    "timer-trigger": "scheduler",
    "eventbridge-scheduler": "scheduler",
    "cloud-scheduler": "scheduler",
    "app-service": "app_service",
    "elastic-beanstalk": "app_service",
    "app-engine": "app_service",
    "container-instances": "container_instances",
    "ecs": "container_instances",
    "cloud-run": "container_instances",
    "aks": "kubernetes_cluster",
    "eks": "kubernetes_cluster",
    "gke": "kubernetes_cluster",
    "redis-cache": "cache_store",
    "elasticache": "cache_store",
    "memorystore": "cache_store",
    "key-vault": "key_vault",
    "kms": "key_vault",
    "azure-firewall": "firewall_security",
    "network-firewall": "firewall_security",
    "cloud-armor": "firewall_security",
    "nsg": "network_security_group",
    "security-group": "network_security_group",
    "bastion": "bastion_host",
    "session-manager": "bastion_host",
    "nat-gateway": "nat_gateway",
    "cloud-nat": "nat_gateway",
    "public-ip": "public_ip",
    "elastic-ip": "public_ip",
    "route-table": "route_table",
    "private-endpoint": "private_endpoint",
    "privatelink": "private_endpoint",
    "managed-identity": "managed_identity",
    "service-account": "service_account",
    "azure-monitor": "monitoring",
    "cloudwatch": "monitoring",
    "cloud-monitoring": "monitoring",
    "azure-dns": "dns_zone",
    "route-53": "dns_zone",
    "cloud-dns": "dns_zone",
    "cdn-profile": "cdn_profile",
    "cloudfront": "cdn_profile",
    "cloud-cdn": "cdn_profile",
    "front-door": "front_door",
}

# The subtype (provider service key) a block of each type gets on each provider.
DEFAULT_SUBTYPES: dict[str, dict[str, str]] = {
    "virtual_network": {"azure": "vnet", "aws": "vpc", "gcp": "vpc"},
    "subnet": {"azure": "subnet", "aws": "subnet", "gcp": "subnet"},
    "dns_zone": {"azure": "azure-dns", "aws": "route-53", "gcp": "cloud-dns"},
    "cdn_profile": {"azure": "cdn-profile", "aws": "cloudfront", "gcp": "cloud-cdn"},
    "front_door": {"azure": "front-door", "aws": "cloudfront", "gcp": "cloud-cdn"},
    "application_gateway": {"azure": "application-gateway", "aws": "alb", "gcp": "cloud-load-balancing"},
    "internal_load_balancer": {"azure": "load-balancer", "aws": "elb", "gcp": "cloud-load-balancing"},
    "load_balancer": {"azure": "load-balancer", "aws": "nlb", "gcp": "cloud-load-balancing"},
    "outbound_access": {"azure": "nat-gateway", "aws": "nat-gateway", "gcp": "nat-gateway"},
    "api_gateway": {"azure": "api-management", "aws": "api-gateway", "gcp": "api-gateway"},
    "function_compute": {"azure": "functions", "aws": "lambda", "gcp": "cloud-functions"},
    "app_service": {"azure": "app-service", "aws": "app-runner", "gcp": "cloud-run"},
    "container_instances": {"azure": "container-instances", "aws": "ecs", "gcp": "cloud-run"},
    "virtual_machine": {"azure": "vm", "aws": "ec2", "gcp": "compute-engine"},
    "kubernetes_cluster": {"azure": "aks", "aws": "eks", "gcp": "gke"},
    "app_compute": {"azure": "vm", "aws": "ec2", "gcp": "compute-engine"},
    "web_compute": {"azure": "vm", "aws": "ec2", "gcp": "compute-engine"},
    "blob_storage": {"azure": "blob-storage", "aws": "s3", "gcp": "cloud-storage"},
    "sql_database": {"azure": "sql-database", "aws": "rds-postgres", "gcp": "cloud-sql-postgres"},
    "relational_database": {"azure": "azure-postgresql", "aws": "rds-postgres", "gcp": "cloud-sql-postgres"},
    "cache_store": {"azure": "redis-cache", "aws": "elasticache", "gcp": "memorystore"},
    "cosmos_db": {"azure": "cosmos-db", "aws": "dynamodb", "gcp": "firestore"},
    "key_vault": {"azure": "key-vault", "aws": "kms", "gcp": "cloud-kms"},
    "bastion_host": {"azure": "bastion", "aws": "session-manager", "gcp": "iap"},
    "firewall_security": {"azure": "azure-firewall", "aws": "network-firewall", "gcp": "cloud-armor"},
    "network_security_group": {"azure": "nsg", "aws": "security-group", "gcp": "firewall-rule"},
    "secret_store": {"azure": "key-vault", "aws": "secrets-manager", "gcp": "secret-manager"},
    "identity_access": {"azure": "role-assignment", "aws": "iam", "gcp": "cloud-iam"},
    "managed_identity": {"azure": "managed-identity", "aws": "iam", "gcp": "service-account"},
    "service_account": {"azure": "managed-identity", "aws": "iam", "gcp": "service-account"},
    "monitoring": {"azure": "azure-monitor", "aws": "cloudwatch", "gcp": "cloud-monitoring"},
    "message_queue": {"azure": "service-bus", "aws": "sqs", "gcp": "pubsub"},
    "event_hub": {"azure": "event-hubs", "aws": "kinesis", "gcp": "pubsub"},
    "event_bus": {"azure": "event-grid", "aws": "eventbridge", "gcp": "eventarc"},
    "scheduler": {"azure": "timer-trigger", "aws": "eventbridge-scheduler", "gcp": "cloud-scheduler"},
    "nat_gateway": {"azure": "nat-gateway", "aws": "nat-gateway", "gcp": "cloud-nat"},
    "route_table": {"azure": "route-table", "aws": "route-table", "gcp": "route"},
    "private_endpoint": {"azure": "private-endpoint", "aws": "privatelink", "gcp": "private-service-connect"},
    "public_ip": {"azure": "public-ip", "aws": "elastic-ip", "gcp": "static-ip"},
}

# CloudBlocks' KNOWN_SUBTYPES (providerValidation.ts) plus the subtypes its own palette stores (their absence
# made CloudBlocks warn about its own blocks: key-vault, nsg, bastion, cdn-profile …).
KNOWN_SUBTYPES: dict[str, set[str]] = {
    "aws": {
        "ec2", "ecs", "lambda", "elastic-beanstalk", "app-runner", "rds-postgres", "dynamodb", "s3", "alb",
        "api-gateway", "nat-gateway", "sqs", "sns", "eventbridge", "eventbridge-scheduler", "cloudwatch",
        "athena", "iam", "kms", "nsg", "managed-identity", "service-account", "service-principal", "vpc",
        "route-53", "aurora-postgres", "rds-mysql",
    },
    "gcp": {
        "compute-engine", "cloud-run", "cloud-functions", "app-engine", "cloud-sql-postgres", "firestore",
        "cloud-storage", "cloud-load-balancing", "api-gateway", "nat-gateway", "pubsub", "eventarc",
        "cloud-scheduler", "bigquery", "monitoring", "cloud-monitoring", "iam", "nsg", "cloud-armor",
        "managed-identity", "service-account", "cloud-iam", "vpc", "cloud-dns", "cloud-sql-mysql",
    },
    "azure": {
        "vm", "container-instances", "functions", "app-service", "sql-database", "cosmos-db", "blob-storage",
        "azure-postgresql", "application-gateway", "api-management", "service-bus", "event-grid", "event-hubs",
        "timer-trigger", "azure-monitor", "azure-firewall", "entra-id", "managed_identity", "service_account",
        "service_principal", "vnet", "azure-dns", "azure-mysql",
    },
}  # fmt: skip
for _subtypes in DEFAULT_SUBTYPES.values():
    for _provider, _subtype in _subtypes.items():
        KNOWN_SUBTYPES[_provider].add(_subtype)

# In/out connection capacity of a block, by category (CATEGORY_PORTS).
CATEGORY_PORTS = {
    "network": (1, 1),
    "delivery": (1, 2),
    "compute": (2, 2),
    "data": (2, 1),
    "messaging": (2, 2),
    "security": (1, 1),
    "identity": (1, 1),
    "operations": (1, 1),
}

# Source type → target type → semantics allowed; a type is the category, or internet/browser for external blocks.
ALLOWED_CONNECTIONS: dict[tuple[str, str], tuple[str, ...]] = {
    ("browser", "internet"): ("http", "data"),
    ("browser", "delivery"): ("http", "data"),
    ("internet", "delivery"): ("http", "data"),
    ("delivery", "delivery"): ("http", "data"),
    ("delivery", "compute"): ("http", "data"),
    # Ours: a CDN serves a bucket directly (static sites); CloudBlocks had no way to draw that origin.
    ("delivery", "data"): ("http", "data"),
    ("compute", "data"): ("data",),
    ("compute", "operations"): ("event", "data"),
    ("compute", "security"): ("data",),
    ("compute", "identity"): ("data",),
    ("compute", "messaging"): ("event", "data"),
    ("messaging", "compute"): ("event", "data"),
}

REGIONS = {
    "azure": (
        "eastus", "eastus2", "centralus", "northcentralus", "southcentralus", "westcentralus", "westus", "westus2",
        "westus3", "canadacentral", "canadaeast", "brazilsouth", "northeurope", "westeurope", "uksouth", "ukwest",
        "francecentral", "germanywestcentral", "norwayeast", "switzerlandnorth", "swedencentral", "polandcentral",
        "italynorth", "spaincentral", "uaenorth", "qatarcentral", "israelcentral", "southafricanorth", "australiaeast",
        "australiasoutheast", "centralindia", "southindia", "eastasia", "southeastasia", "japaneast", "japanwest",
        "koreacentral",
    ),
    "aws": (
        "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1", "eu-west-1", "eu-west-2",
        "eu-west-3", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "me-south-1", "af-south-1",
        "ap-south-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
        "ap-east-1",
    ),
    "gcp": (
        "us-central1", "us-east1", "us-east4", "us-east5", "us-west1", "us-west2", "us-west3", "us-west4",
        "us-south1", "northamerica-northeast1", "northamerica-northeast2", "southamerica-east1", "europe-west1",
        "europe-west2", "europe-west3", "europe-west4", "europe-west6", "europe-north1", "europe-central2",
        "asia-east1", "asia-east2", "asia-northeast1", "asia-south1", "asia-southeast1", "australia-southeast1",
        "me-west1",
    ),
}  # fmt: skip
DEFAULT_REGIONS = {"azure": "eastus", "aws": "us-east-1", "gcp": "us-central1"}

GRID_FOOTPRINT = 2.0  # CU: the square a resource block covers on its parent, for the overlap check
