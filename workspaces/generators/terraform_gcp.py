"""Terraform for Google Cloud (hashicorp/google ~> 6.0): one builder per resource type, and the wiring of
connections — VPC firewall rules from the tags or ranges that connect in, subnet placement (direct VPC egress
for Cloud Run, private services access for Cloud SQL and Memorystore), environment variables pointing compute
at what it uses, IAM bindings for that access on one service account per compute block, and event delivery
(Pub/Sub push subscriptions, Eventarc triggers, Cloud Scheduler jobs) with an invoker identity."""

from typing import Any

from workspaces.generators.hcl import Block, Raw, block, interpolate
from workspaces.generators.plan import Item, Plan, UnsupportedBlock
from workspaces.generators.terraform import (
    TerraformGenerator,
    cloud,
    cloud_text,
    hcl_object,
    ref,
    ref_name,
    region_variable,
    terraform_files,
)

PROVIDER_VERSION = "~> 6.0"
INSTANCES = ("virtual_machine", "web_compute", "app_compute", "bastion_host")
RUN_SERVICES = ("container_instances", "app_service")
FUNCTIONS = ("function_compute",)
COMPUTE = (*INSTANCES, *RUN_SERVICES, *FUNCTIONS, "kubernetes_cluster")
PORTS = {"relational_database": 5432, "sql_database": 5432, "cache_store": 6379, "bastion_host": 22}
IAP_RANGE = "35.235.240.0/20"  # where Identity-Aware Proxy TCP forwarding connects from
HEALTH_CHECK_RANGES = ["35.191.0.0/16", "130.211.0.0/22"]
# Roles a compute service account gets on what it connects to: (IAM resource, its key attribute, role).
ACCESS = {
    "blob_storage": ("google_storage_bucket_iam_member", "bucket", "google_storage_bucket", "name",
                     "roles/storage.objectUser"),
    "message_queue": ("google_pubsub_topic_iam_member", "topic", "google_pubsub_topic", "id", "roles/pubsub.publisher"),
    "event_hub": ("google_pubsub_topic_iam_member", "topic", "google_pubsub_topic", "id", "roles/pubsub.publisher"),
    "event_bus": ("google_pubsub_topic_iam_member", "topic", "google_pubsub_topic", "id", "roles/pubsub.publisher"),
    "key_vault": ("google_kms_crypto_key_iam_member", "crypto_key_id", "google_kms_crypto_key", "id",
                  "roles/cloudkms.cryptoKeyEncrypterDecrypter"),
    "secret_store": ("google_secret_manager_secret_iam_member", "secret_id", "google_secret_manager_secret", "id",
                     "roles/secretmanager.secretAccessor"),
}  # fmt: skip
PROJECT_ROLES = {"cosmos_db": "roles/datastore.user", "monitoring": "roles/logging.logWriter",
                 "relational_database": "roles/cloudsql.client", "sql_database": "roles/cloudsql.client"}  # fmt: skip
PROJECT = Raw("var.project_id")
REGION = Raw("var.region")


def account_id(item: Item, suffix: str = "") -> Raw:
    """Service account ids: 6 to 30 characters, lowercase letters, digits and dashes."""
    return Raw(f'substr("{cloud_text(item, suffix)}", 0, 30)')


class GcpTerraform(TerraformGenerator):
    def __init__(self, plan: Plan):
        super().__init__(plan)
        self.has_invoker = False

    # -- helpers ------------------------------------------------------------------------------

    def cidr(self, subnet: Item) -> str:
        network = self.plan.network(subnet)
        return f"10.{self.plan.index_of(network) - 1}.{self.plan.index_of(subnet)}.0/24"

    def tag(self, item: Item) -> str:
        return item.slug

    def account_for(self, item: Item) -> str:
        """The service account compute runs as: the identity it connects to (granted its roles there), or its
        own, granted here exactly the roles its connections need."""
        assigned = self.plan.targets(item, "identity_access", "managed_identity", "service_account")
        if assigned:
            return f"google_service_account.{assigned[0].name}"
        account = self.add_service_account(item)
        self.grant(item, account)
        return account

    def add_service_account(self, item: Item) -> str:
        self.add(
            block(
                "resource",
                "google_service_account",
                item.name,
                account_id=account_id(item),
                display_name=item.node.get("name") or item.name,
            )
        )
        return f"google_service_account.{item.name}"

    def grant(self, item: Item, account: str) -> None:
        member = interpolate("serviceAccount:", Raw(f"{account}.email"))
        for target in self.plan.targets(item):
            name = f"{item.name}_{target.name}"
            if target.type in ACCESS:
                kind, key, target_kind, attribute, role = ACCESS[target.type]
                self.add(
                    block(
                        "resource", kind, name, **{key: ref(target, target_kind, attribute)}, role=role, member=member
                    )
                )
            elif target.type in PROJECT_ROLES:
                self.add(
                    block(
                        "resource",
                        "google_project_iam_member",
                        name,
                        project=PROJECT,
                        role=PROJECT_ROLES[target.type],
                        member=member,
                    )
                )

    def environment(self, item: Item) -> dict[str, Any]:
        env: dict[str, Any] = {}
        for target in self.plan.targets(item):
            key = target.name.upper()
            if target.type in ("relational_database", "sql_database"):
                env[f"{key}_HOST"] = ref(target, "google_sql_database_instance", "private_ip_address")
                env[f"{key}_PORT"] = "5432"
            elif target.type == "cache_store":
                env[f"{key}_HOST"] = ref(target, "google_redis_instance", "host")
                env[f"{key}_PORT"] = ref(target, "google_redis_instance", "port")
            elif target.type == "blob_storage":
                env[f"{key}_BUCKET"] = ref(target, "google_storage_bucket", "name")
            elif target.type == "cosmos_db":
                env[f"{key}_DATABASE"] = ref(target, "google_firestore_database", "name")
            elif target.type in ("message_queue", "event_hub", "event_bus"):
                env[f"{key}_TOPIC"] = ref(target, "google_pubsub_topic")
            elif target.type == "key_vault":
                env[f"{key}_KEY"] = ref(target, "google_kms_crypto_key")
            elif target.type == "secret_store":
                env[f"{key}_SECRET"] = ref(target, "google_secret_manager_secret")
            elif target.type == "monitoring":
                env[f"{key}_LOG_BUCKET"] = ref(target, "google_logging_project_bucket_config")
        return env

    def subnetwork(self, item: Item) -> Raw:
        return ref(self.plan.subnet(item), "google_compute_subnetwork")

    def network_of(self, item: Item) -> Raw:
        return ref(self.plan.network(item), "google_compute_network")

    def private_services_access(self, item: Item) -> str:
        """Cloud SQL and Memorystore reach a VPC through one peering per network (private services access)."""
        network = self.plan.network(item)
        if network is None:
            raise UnsupportedBlock(
                f"{item.node.get('name') or item.name}: on GCP this service needs a VPC for private access.",
                target_id=item.id,
            )
        name = f"{network.name}_private_services"
        if not any(existing.labels == ("google_service_networking_connection", name) for existing in self.blocks):
            self.add(
                block(
                    "resource",
                    "google_compute_global_address",
                    name,
                    name=cloud(network, "-private-services"),
                    purpose="VPC_PEERING",
                    address_type="INTERNAL",
                    prefix_length=20,
                    network=ref(network, "google_compute_network"),
                ),
                block(
                    "resource",
                    "google_service_networking_connection",
                    name,
                    network=ref(network, "google_compute_network"),
                    service="servicenetworking.googleapis.com",
                    reserved_peering_ranges=[ref_name("google_compute_global_address", name, "name")],
                ),
            )
        return f"google_service_networking_connection.{name}"

    def invoker(self) -> str:
        """The identity Pub/Sub, Eventarc and Cloud Scheduler use to call functions and services."""
        if not self.has_invoker:
            self.has_invoker = True
            self.add(
                block(
                    "resource",
                    "google_service_account",
                    "blocksmith_invoker",
                    account_id=Raw('substr("${var.project_name}-invoker", 0, 30)'),
                    display_name="Invokes functions and services for events and schedules",
                )
            )
        return "google_service_account.blocksmith_invoker"

    def invocation(self, item: Item, target: Item) -> tuple[Raw, str]:
        """The URL of a function or Cloud Run service, with `run.invoker` granted to the invoker identity."""
        invoker = self.invoker()
        if target.type in FUNCTIONS:
            service = Raw(f"google_cloudfunctions2_function.{target.name}.service_config[0].service")
            url = Raw(f"google_cloudfunctions2_function.{target.name}.service_config[0].uri")
        elif target.type in RUN_SERVICES:
            service = ref(target, "google_cloud_run_v2_service", "name")
            url = ref(target, "google_cloud_run_v2_service", "uri")
        else:
            raise self.unsupported_connection(
                item, f"on GCP it delivers to Cloud Functions or Cloud Run, not to a {target.type}."
            )
        name = f"{target.name}_invoker"
        if not any(existing.labels == ("google_cloud_run_v2_service_iam_member", name) for existing in self.blocks):
            self.add(
                block(
                    "resource",
                    "google_cloud_run_v2_service_iam_member",
                    name,
                    name=service,
                    location=REGION,
                    role="roles/run.invoker",
                    member=interpolate("serviceAccount:", Raw(f"{invoker}.email")),
                )
            )
        return url, invoker

    # -- containers ---------------------------------------------------------------------------

    def virtual_network(self, item: Item) -> None:
        self.add(
            block(
                "resource",
                "google_compute_network",
                item.name,
                name=cloud(item),
                auto_create_subnetworks=False,
            )
        )
        self.output(item, ref(item, "google_compute_network"))

    def subnet(self, item: Item) -> None:
        self.add(
            block(
                "resource",
                "google_compute_subnetwork",
                item.name,
                name=cloud(item),
                region=REGION,
                network=self.network_of(item),
                ip_cidr_range=self.cidr(item),
                private_ip_google_access=True,
            )
        )
        self.output(item, ref(item, "google_compute_subnetwork"))

    # -- network and security -------------------------------------------------------------------

    def before_resources(self) -> None:
        """Ingress to each VM-like block only from what connects to it (by network tag or subnet range)."""
        for item in self.plan.resources:
            if item.type not in (*INSTANCES, "kubernetes_cluster") or self.plan.network(item) is None:
                continue
            port = PORTS.get(item.type, 80)
            sources: list[tuple[str, dict[str, Any]]] = []
            if item.type == "bastion_host":
                sources.append(("iap", {"source_ranges": [IAP_RANGE]}))
            if self.plan.has_external_source(item):
                sources.append(("internet", {"source_ranges": ["0.0.0.0/0"]}))
            for source in self.plan.sources(item):
                if source.type in INSTANCES:
                    sources.append((source.name, {"source_tags": [self.tag(source)]}))
                elif source.type in ("application_gateway", "load_balancer", "internal_load_balancer"):
                    sources.append((source.name, {"source_ranges": HEALTH_CHECK_RANGES}))
                elif self.plan.subnet(source) is not None:
                    sources.append((source.name, {"source_ranges": [self.cidr(self.plan.subnet(source))]}))
            for source_name, match in sources:
                self.add(
                    block(
                        "resource",
                        "google_compute_firewall",
                        f"{item.name}_from_{source_name}",
                        name=Raw(f'substr("{cloud_text(item)}-from-{source_name.replace("_", "-")}", 0, 63)'),
                        network=self.network_of(item),
                        direction="INGRESS",
                        target_tags=[self.tag(item)],
                        **match,
                    ).block(block("allow", protocol="tcp", ports=[str(port)]))
                )

    def network_security_group(self, item: Item) -> None:
        """GCP has no subnet-level groups: the rule allows traffic between the subnet's own addresses."""
        subnet = self.plan.subnet(item)
        self.add(
            block(
                "resource",
                "google_compute_firewall",
                item.name,
                name=cloud(item),
                network=self.network_of(item),
                direction="INGRESS",
                source_ranges=[self.cidr(subnet)],
                destination_ranges=[self.cidr(subnet)],
            ).block(block("allow", protocol="all"))
        )
        self.output(item, ref(item, "google_compute_firewall"))

    def nat_gateway(self, item: Item) -> None:
        self.add(
            block("resource", "google_compute_router", item.name, name=cloud(item), region=REGION,
                  network=self.network_of(item)),
            block(
                "resource",
                "google_compute_router_nat",
                item.name,
                name=cloud(item),
                router=ref(item, "google_compute_router", "name"),
                region=REGION,
                nat_ip_allocate_option="AUTO_ONLY",
                source_subnetwork_ip_ranges_to_nat="LIST_OF_SUBNETWORKS",
            ).block(
                block(
                    "subnetwork",
                    name=self.subnetwork(item),
                    source_ip_ranges_to_nat=["ALL_IP_RANGES"],
                )
            ),
        )  # fmt: skip
        self.output(item, ref(item, "google_compute_router_nat"))

    outbound_access = nat_gateway

    def public_ip(self, item: Item) -> None:
        self.add(block("resource", "google_compute_address", item.name, name=cloud(item), region=REGION))
        self.output(item, ref(item, "google_compute_address", "address"), "address")

    def route_table(self, item: Item) -> None:
        """A route table drawn in a subnet: the default route to the internet for that subnet's instances."""
        self.add(
            block(
                "resource",
                "google_compute_route",
                item.name,
                name=cloud(item),
                network=self.network_of(item),
                dest_range="0.0.0.0/0",
                next_hop_gateway="default-internet-gateway",
                tags=[self.tag(other) for other in self.plan.resources
                      if other.type in INSTANCES and self.plan.subnet(other) is self.plan.subnet(item)] or None,
                priority=1000,
            )
        )  # fmt: skip
        self.output(item, ref(item, "google_compute_route"))

    def service_connect_address(self, item: Item) -> str:
        """Outside every subnet range (10.<vpc>.<n>.0/24 with small n): 10.<200 + vpc>.0.<endpoint number>."""
        network = self.plan.network(item)
        endpoints = [other for other in self.plan.resources
                     if other.type == "private_endpoint" and self.plan.network(other) is network]  # fmt: skip
        return f"10.{200 + self.plan.index_of(network)}.0.{endpoints.index(item) + 1}"

    def private_endpoint(self, item: Item) -> None:
        """Private Service Connect for Google APIs: one internal address and forwarding rule in the VPC."""
        self.add(
            block(
                "resource",
                "google_compute_global_address",
                item.name,
                name=cloud(item),
                purpose="PRIVATE_SERVICE_CONNECT",
                address_type="INTERNAL",
                address=self.service_connect_address(item),
                network=self.network_of(item),
            ),
            block(
                "resource",
                "google_compute_global_forwarding_rule",
                item.name,
                name=Raw(f'substr(replace("{cloud_text(item)}", "-", ""), 0, 20)'),
                target="all-apis",
                network=self.network_of(item),
                ip_address=ref(item, "google_compute_global_address"),
                load_balancing_scheme="",
            ),
        )
        self.output(item, ref(item, "google_compute_global_address", "address"), "address")

    def firewall_security(self, item: Item) -> None:
        """Cloud Armor: a security policy for the load balancers in front of the block's subnet."""
        policy = block("resource", "google_compute_security_policy", item.name, name=cloud(item))
        policy.block(
            block("rule", action="allow", priority=2147483647, description="Default rule").block(
                block("match", versioned_expr="SRC_IPS_V1").block(block("config", src_ip_ranges=["*"]))
            )
        )
        self.add(policy)
        self.output(item, ref(item, "google_compute_security_policy", "self_link"), "self_link")

    def key_vault(self, item: Item) -> None:
        self.add(
            block("resource", "google_kms_key_ring", item.name, name=cloud(item), location=REGION),
            block(
                "resource",
                "google_kms_crypto_key",
                item.name,
                name=item.slug,
                key_ring=ref(item, "google_kms_key_ring"),
                rotation_period="7776000s",
            ),
        )
        self.output(item, ref(item, "google_kms_crypto_key"))

    def secret_store(self, item: Item) -> None:
        self.add(
            block("resource", "google_secret_manager_secret", item.name, secret_id=cloud(item)).block(
                Block("replication").block(Block("auto"))
            )
        )
        self.output(item, ref(item, "google_secret_manager_secret"))

    def identity_access(self, item: Item) -> None:
        account = self.add_service_account(item)
        for user in self.plan.sources(item):
            if user.type in COMPUTE:
                self.grant(user, account)
        self.output(item, ref(item, "google_service_account", "email"), "email")

    managed_identity = identity_access
    service_account = identity_access

    def monitoring(self, item: Item) -> None:
        self.add(
            block(
                "resource",
                "google_logging_project_bucket_config",
                item.name,
                project=PROJECT,
                location=REGION,
                bucket_id=item.slug,
                retention_days=30,
            )
        )
        self.output(item, ref(item, "google_logging_project_bucket_config"))

    # -- compute --------------------------------------------------------------------------------

    def virtual_machine(self, item: Item) -> None:
        account = self.account_for(item)
        several = item.count > 1
        metadata = self.startup_script(item, self.environment(item))
        numbered: tuple[str | Raw, ...] = ("-", Raw("count.index")) if several else ()
        instance = block(
            "resource",
            "google_compute_instance",
            item.name,
            count=item.count if several else None,
            name=interpolate(Raw("var.project_name"), f"-{item.slug}", *numbered),
            machine_type=item.config.get("machineType", "e2-small"),
            zone=interpolate(REGION, "-a"),
            tags=[self.tag(item)],
            metadata_startup_script=metadata,
        )
        instance.block(Block("boot_disk").block(block("initialize_params", image="debian-cloud/debian-12")))
        instance.block(block("network_interface", subnetwork=self.subnetwork(item)))
        instance.block(block("service_account", email=Raw(f"{account}.email"), scopes=["cloud-platform"]))
        instance.block(block("shielded_instance_config", enable_secure_boot=True))
        self.add(instance)
        if several:
            self.output(item, Raw(f"google_compute_instance.{item.name}[*].id"))
        else:
            self.output(item, ref(item, "google_compute_instance"))

    web_compute = virtual_machine
    app_compute = virtual_machine
    bastion_host = virtual_machine

    def function_compute(self, item: Item) -> None:
        account = self.account_for(item)
        source = f"{item.name}_source"
        self.variable(source, f"Cloud Storage bucket holding the source zip of {item.node.get('name') or item.name}.")
        function = block(
            "resource",
            "google_cloudfunctions2_function",
            item.name,
            name=cloud(item),
            location=REGION,
        )
        function.block(
            block(
                "build_config",
                runtime=item.config.get("runtime", "python312"),
                entry_point=item.config.get("handler", "handler"),
            ).block(
                Block("source").block(block("storage_source", bucket=Raw(f"var.{source}"), object=f"{item.name}.zip"))
            )
        )
        settings = block(
            "service_config",
            max_instance_count=max(item.count, 10),
            available_memory="256M",
            timeout_seconds=60,
            service_account_email=Raw(f"{account}.email"),
            ingress_settings="ALLOW_INTERNAL_AND_GCLB" if not self.plan.has_external_source(item) else "ALLOW_ALL",
        )
        env = self.environment(item)
        if env:
            settings.attr("environment_variables", env)
        function.block(settings)
        self.add(function)
        self.output(item, Raw(f"google_cloudfunctions2_function.{item.name}.service_config[0].uri"), "uri")

    def container_instances(self, item: Item) -> None:
        account = self.account_for(item)
        image = f"{item.name}_image"
        self.variable(
            image,
            f"Container image of {item.node.get('name') or item.name}.",
            item.config.get("image", "us-docker.pkg.dev/cloudrun/container/hello"),
        )
        template = block("template", service_account=Raw(f"{account}.email"))
        template.block(block("scaling", min_instance_count=item.count if item.count > 1 else 0))
        container = block("containers", image=Raw(f"var.{image}"))
        for key, value in self.environment(item).items():
            container.block(block("env", name=key, value=value))
        template.block(container)
        if self.plan.subnet(item) is not None:
            # Direct VPC egress: the service's outbound traffic leaves from the subnet it is drawn in.
            template.block(
                block("vpc_access", egress="PRIVATE_RANGES_ONLY").block(
                    block("network_interfaces", network=self.network_of(item), subnetwork=self.subnetwork(item))
                )
            )
        public = self.plan.has_external_source(item)
        self.add(
            block(
                "resource",
                "google_cloud_run_v2_service",
                item.name,
                name=cloud(item),
                location=REGION,
                ingress="INGRESS_TRAFFIC_ALL" if public else "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
                deletion_protection=False,
            ).block(template)
        )
        self.output(item, ref(item, "google_cloud_run_v2_service", "uri"), "uri")

    app_service = container_instances

    def kubernetes_cluster(self, item: Item) -> None:
        account = self.account_for(item)
        cluster = block(
            "resource",
            "google_container_cluster",
            item.name,
            name=cloud(item),
            location=REGION,
            network=self.network_of(item),
            subnetwork=self.subnetwork(item),
            remove_default_node_pool=True,
            initial_node_count=1,
            deletion_protection=True,
        )
        cluster.block(Block("ip_allocation_policy"))
        node_config = block(
            "node_config",
            machine_type=item.config.get("machineType", "e2-standard-2"),
            service_account=Raw(f"{account}.email"),
            oauth_scopes=["https://www.googleapis.com/auth/cloud-platform"],
            tags=[self.tag(item)],
        )
        self.add(
            cluster,
            block(
                "resource",
                "google_container_node_pool",
                item.name,
                name="default",
                location=REGION,
                cluster=ref(item, "google_container_cluster", "name"),
                node_count=max(item.count, 1),
            ).block(node_config),
        )
        self.output(item, ref(item, "google_container_cluster", "endpoint"), "endpoint")

    # -- delivery -------------------------------------------------------------------------------

    def instance_group(self, item: Item, target: Item) -> Raw:
        """An unmanaged instance group of the target's instances, for one load balancer."""
        name = f"{item.name}_{target.name}"
        self.add(
            block(
                "resource",
                "google_compute_instance_group",
                name,
                name=Raw(f'substr("${{var.project_name}}-{name.replace("_", "-")}", 0, 63)'),
                zone=interpolate(REGION, "-a"),
                instances=[Raw(f"google_compute_instance.{target.name}[*].self_link")]
                if target.count > 1
                else [ref(target, "google_compute_instance", "self_link")],
            ).block(block("named_port", name="http", port=80))
        )
        return ref_name("google_compute_instance_group", name, "id")

    def backend(self, item: Item, target: Item) -> str:
        """A global backend service (with what it needs) for one target of an application load balancer."""
        name = f"{item.name}_{target.name}"
        kind = "google_compute_backend_service"
        backend = block(
            "resource",
            kind,
            name,
            name=Raw(f'substr("${{var.project_name}}-{name.replace("_", "-")}", 0, 63)'),
        )
        if target.type in INSTANCES:
            group = self.instance_group(item, target)
            self.add(
                block(
                    "resource",
                    "google_compute_health_check",
                    name,
                    name=Raw(f'substr("${{var.project_name}}-{name.replace("_", "-")}", 0, 63)'),
                ).block(block("tcp_health_check", port=80)),
            )
            backend.attr("protocol", "HTTP").attr("port_name", "http")
            backend.attr("health_checks", [ref_name("google_compute_health_check", name, "id")])
            backend.block(block("backend", group=group))
        elif target.type in (*FUNCTIONS, *RUN_SERVICES, "api_gateway"):
            endpoint = block(
                "resource",
                "google_compute_region_network_endpoint_group",
                name,
                name=Raw(f'substr("${{var.project_name}}-{name.replace("_", "-")}", 0, 63)'),
                region=REGION,
                network_endpoint_group_type="SERVERLESS",
            )
            if target.type in FUNCTIONS:
                endpoint.block(block("cloud_function", function=ref(target, "google_cloudfunctions2_function", "name")))
            elif target.type == "api_gateway":
                endpoint.attr("provider", Raw("google-beta"))
                endpoint.block(
                    block(
                        "serverless_deployment",
                        platform="apigateway.googleapis.com",
                        resource=ref(target, "google_api_gateway_gateway", "gateway_id"),
                    )
                )
            else:
                endpoint.block(block("cloud_run", service=ref(target, "google_cloud_run_v2_service", "name")))
            self.add(endpoint)
            backend.attr("protocol", "HTTPS")
            backend.block(block("backend", group=ref_name("google_compute_region_network_endpoint_group", name, "id")))
        else:
            raise self.unsupported_connection(item, f"this GCP load balancer cannot send traffic to a {target.type}.")
        backend.attr("load_balancing_scheme", "EXTERNAL_MANAGED")
        if self.plan.sources(item, "cdn_profile", "front_door"):
            backend.attr("enable_cdn", True)
        armor = self.plan.targets(item, "firewall_security") or [
            other for other in self.plan.resources
            if other.type == "firewall_security" and self.plan.network(other) is self.plan.network(item)
        ]  # fmt: skip
        if armor:
            backend.attr("security_policy", ref(armor[0], "google_compute_security_policy", "id"))
        self.add(backend)
        return f"{kind}.{name}"

    def http_front_end(self, item: Item, url_map: Block) -> None:
        """A global external HTTP load balancer's front: address, URL map, proxy, forwarding rule."""
        self.add(
            block("resource", "google_compute_global_address", item.name, name=cloud(item)),
            url_map,
            block(
                "resource",
                "google_compute_target_http_proxy",
                item.name,
                name=cloud(item),
                url_map=ref(item, "google_compute_url_map"),
            ),
            block(
                "resource",
                "google_compute_global_forwarding_rule",
                item.name,
                name=cloud(item),
                target=ref(item, "google_compute_target_http_proxy"),
                port_range="80",
                ip_address=ref(item, "google_compute_global_address", "address"),
                load_balancing_scheme="EXTERNAL_MANAGED",
            ),
        )

    def application_gateway(self, item: Item) -> None:
        """A global external Application Load Balancer: URL map, HTTP proxy, forwarding rule."""
        targets = [target for target in self.plan.targets(item) if target.type != "firewall_security"]
        if not targets:
            raise self.unsupported_connection(item, "a GCP load balancer needs a backend; connect it to compute.")
        backends = [self.backend(item, target) for target in targets]
        url_map = block(
            "resource", "google_compute_url_map", item.name, name=cloud(item), default_service=Raw(f"{backends[0]}.id")
        )
        if len(backends) > 1:
            url_map.block(block("host_rule", hosts=["*"], path_matcher="paths"))
            matcher = block("path_matcher", name="paths", default_service=Raw(f"{backends[0]}.id"))
            for target, backend in zip(targets, backends, strict=True):
                matcher.block(block("path_rule", paths=[f"/{target.slug}/*"], service=Raw(f"{backend}.id")))
            url_map.block(matcher)
        self.http_front_end(item, url_map)
        self.output(item, ref(item, "google_compute_global_address", "address"), "address")

    def internal_load_balancer(self, item: Item) -> None:
        """A regional passthrough load balancer: internal (in the subnet) or external (network)."""
        targets = self.plan.targets(item)
        if not targets or any(target.type not in INSTANCES for target in targets):
            raise self.unsupported_connection(
                item, "a GCP passthrough load balancer balances VM instances; connect it to virtual machines."
            )
        internal = item.type == "internal_load_balancer"
        backend = block(
            "resource",
            "google_compute_region_backend_service",
            item.name,
            name=cloud(item),
            region=REGION,
            protocol="TCP",
            load_balancing_scheme="INTERNAL" if internal else "EXTERNAL",
            health_checks=[ref(item, "google_compute_region_health_check")],
        )
        for target in targets:
            backend.block(block("backend", group=self.instance_group(item, target)))
        self.add(
            block("resource", "google_compute_region_health_check", item.name, name=cloud(item), region=REGION).block(
                block("tcp_health_check", port=80)
            ),
            backend,
        )
        self.add(
            block(
                "resource",
                "google_compute_forwarding_rule",
                item.name,
                name=cloud(item),
                region=REGION,
                load_balancing_scheme="INTERNAL" if internal else "EXTERNAL",
                backend_service=ref(item, "google_compute_region_backend_service"),
                ports=["80"],
                network=self.network_of(item) if internal else None,
                subnetwork=self.subnetwork(item) if internal else None,
            )
        )
        self.output(item, ref(item, "google_compute_forwarding_rule", "ip_address"), "ip_address")

    load_balancer = internal_load_balancer

    def api_gateway(self, item: Item) -> None:
        """API Gateway (google-beta): an OpenAPI 2 document routing /<target>/** to each backend."""
        account = self.invoker()
        paths: dict[str, Any] = {}
        for target in self.plan.targets(item):
            url, _ = self.invocation(item, target)
            paths[f"/{target.slug}/{{path=**}}"] = {
                method: {
                    "operationId": f"{method}-{target.slug}",
                    "x-google-backend": {"address": url, "path_translation": "APPEND_PATH_TO_ADDRESS"},
                    "responses": {"200": {"description": "OK"}},
                }
                for method in ("get", "post", "put", "delete")
            }
        document = {"swagger": "2.0", "info": {"title": cloud_text(item), "version": "1.0.0"},
                    "schemes": ["https"], "paths": paths}  # fmt: skip
        self.add(
            block("resource", "google_api_gateway_api", item.name, provider=Raw("google-beta"), api_id=cloud(item)),
            block(
                "resource",
                "google_api_gateway_api_config",
                item.name,
                provider=Raw("google-beta"),
                api=ref(item, "google_api_gateway_api", "api_id"),
                api_config_id_prefix=cloud(item, "-"),
            )
            .block(
                Block("openapi_documents").block(
                    block(
                        "document",
                        path="openapi.json",
                        contents=Raw(f"base64encode(jsonencode({hcl_object(document)}))"),
                    )
                )
            )
            .block(
                Block("gateway_config").block(block("backend_config", google_service_account=Raw(f"{account}.email")))
            )
            .block(block("lifecycle", create_before_destroy=True)),
            block(
                "resource",
                "google_api_gateway_gateway",
                item.name,
                provider=Raw("google-beta"),
                region=REGION,
                api_config=ref(item, "google_api_gateway_api_config"),
                gateway_id=cloud(item),
            ),
        )
        self.output(item, ref(item, "google_api_gateway_gateway", "default_hostname"), "hostname")

    def cdn_profile(self, item: Item) -> None:
        """Cloud CDN: a backend bucket with CDN behind its own load balancer; for a load balancer origin, CDN
        is switched on in that load balancer's backends."""
        origins = self.plan.targets(item)
        if not origins:
            raise self.unsupported_connection(
                item, "Cloud CDN needs an origin; connect it to a bucket or load balancer."
            )
        origin = origins[0]
        if origin.type == "application_gateway":
            self.output(item, ref(origin, "google_compute_global_address", "address"), "address")
            return
        if origin.type != "blob_storage":
            raise self.unsupported_connection(
                item, f"Cloud CDN serves buckets and load balancers, not a {origin.type}."
            )
        self.add(
            block(
                "resource",
                "google_compute_backend_bucket",
                item.name,
                name=cloud(item),
                bucket_name=ref(origin, "google_storage_bucket", "name"),
                enable_cdn=True,
            ),
        )
        self.http_front_end(
            item,
            block(
                "resource",
                "google_compute_url_map",
                item.name,
                name=cloud(item),
                default_service=ref(item, "google_compute_backend_bucket"),
            ),
        )
        self.add(
            # The load balancer reads objects as the public: legacyObjectReader grants get, not list.
            block(
                "resource",
                "google_storage_bucket_iam_member",
                f"{item.name}_{origin.name}",
                bucket=ref(origin, "google_storage_bucket", "name"),
                role="roles/storage.legacyObjectReader",
                member="allUsers",
            ),
        )
        self.output(item, ref(item, "google_compute_global_address", "address"), "address")

    front_door = cdn_profile

    def dns_zone(self, item: Item) -> None:
        self.add(
            block(
                "resource",
                "google_dns_managed_zone",
                item.name,
                name=cloud(item),
                dns_name=interpolate(self.domain_variable(item), "."),
            )
        )
        self.output(item, Raw(f"google_dns_managed_zone.{item.name}.name_servers"), "name_servers")

    # -- data -----------------------------------------------------------------------------------

    def blob_storage(self, item: Item) -> None:
        served = bool(self.plan.sources(item, "cdn_profile", "front_door"))
        self.add(
            block(
                "resource",
                "google_storage_bucket",
                item.name,
                name=Raw(f'substr("${{var.project_id}}-{cloud_text(item)}", 0, 63)'),
                location=Raw("upper(var.region)") if item.count <= 1 else "US",
                uniform_bucket_level_access=True,
                public_access_prevention="inherited" if served else "enforced",
            ).block(block("versioning", enabled=True))
        )
        self.output(item, ref(item, "google_storage_bucket", "name"), "name")

    def relational_database(self, item: Item) -> None:
        self.need_db_variables()
        peering = self.private_services_access(item)
        settings = block(
            "settings",
            tier=item.config.get("tier", "db-custom-1-3840"),
            availability_type="REGIONAL" if item.count > 1 else "ZONAL",
        )
        settings.block(block("ip_configuration", ipv4_enabled=False, private_network=self.network_of(item)))
        settings.block(block("backup_configuration", enabled=True, point_in_time_recovery_enabled=True))
        self.add(
            block(
                "resource",
                "google_sql_database_instance",
                item.name,
                name=cloud(item),
                region=REGION,
                database_version="POSTGRES_16",
                deletion_protection=True,
                depends_on=[Raw(peering)],
            ).block(settings),
            block(
                "resource",
                "google_sql_user",
                item.name,
                instance=ref(item, "google_sql_database_instance", "name"),
                name=Raw("var.db_admin_username"),
                password=Raw("var.db_admin_password"),
            ),
        )
        self.output(item, ref(item, "google_sql_database_instance", "private_ip_address"), "private_ip")

    sql_database = relational_database

    def cache_store(self, item: Item) -> None:
        peering = self.private_services_access(item)
        self.add(
            block(
                "resource",
                "google_redis_instance",
                item.name,
                name=cloud(item),
                region=REGION,
                tier="STANDARD_HA" if item.count > 1 else "BASIC",
                memory_size_gb=1,
                authorized_network=self.network_of(item),
                connect_mode="PRIVATE_SERVICE_ACCESS",
                transit_encryption_mode="SERVER_AUTHENTICATION",
                depends_on=[Raw(peering)],
            )
        )
        self.output(item, ref(item, "google_redis_instance", "host"), "host")

    def cosmos_db(self, item: Item) -> None:
        self.add(
            block(
                "resource",
                "google_firestore_database",
                item.name,
                project=PROJECT,
                name=cloud(item),
                location_id=REGION,
                type="FIRESTORE_NATIVE",
                point_in_time_recovery_enablement="POINT_IN_TIME_RECOVERY_ENABLED",
            )
        )
        self.output(item, ref(item, "google_firestore_database", "name"), "name")

    # -- messaging ------------------------------------------------------------------------------

    def message_queue(self, item: Item) -> None:
        """A Pub/Sub topic with one push subscription per consumer (authenticated as the invoker)."""
        self.add(
            block(
                "resource",
                "google_pubsub_topic",
                item.name,
                name=cloud(item),
                message_retention_duration="604800s" if item.type == "event_hub" else None,
            )
        )
        for target in self.plan.targets(item):
            url, invoker = self.invocation(item, target)
            self.add(
                block(
                    "resource",
                    "google_pubsub_subscription",
                    f"{item.name}_{target.name}",
                    name=Raw(f'"${{var.project_name}}-{item.slug}-{target.slug}"'),
                    topic=ref(item, "google_pubsub_topic"),
                    ack_deadline_seconds=60,
                ).block(
                    block("push_config", push_endpoint=url).block(
                        block("oidc_token", service_account_email=Raw(f"{invoker}.email"))
                    )
                )
            )
        self.output(item, ref(item, "google_pubsub_topic"))

    event_hub = message_queue

    def event_bus(self, item: Item) -> None:
        """Eventarc: a Pub/Sub topic as the channel and a trigger per consumer."""
        self.add(block("resource", "google_pubsub_topic", item.name, name=cloud(item)))
        if self.plan.targets(item):
            self.add(
                block(
                    "resource",
                    "google_project_iam_member",
                    f"{item.name}_event_receiver",
                    project=PROJECT,
                    role="roles/eventarc.eventReceiver",
                    member=interpolate("serviceAccount:", Raw(f"{self.invoker()}.email")),
                )
            )
        for target in self.plan.targets(item):
            _, invoker = self.invocation(item, target)
            service = (
                ref(target, "google_cloudfunctions2_function", "name")
                if target.type in FUNCTIONS
                else ref(target, "google_cloud_run_v2_service", "name")
            )
            self.add(
                block(
                    "resource",
                    "google_eventarc_trigger",
                    f"{item.name}_{target.name}",
                    name=Raw(f'"${{var.project_name}}-{item.slug}-{target.slug}"'),
                    location=REGION,
                    service_account=Raw(f"{invoker}.email"),
                )
                .block(
                    block("matching_criteria", attribute="type", value="google.cloud.pubsub.topic.v1.messagePublished")
                )
                .block(Block("destination").block(block("cloud_run_service", service=service, region=REGION)))
                .block(Block("transport").block(block("pubsub", topic=ref(item, "google_pubsub_topic"))))
            )
        self.output(item, ref(item, "google_pubsub_topic"))

    def scheduler(self, item: Item) -> None:
        for target in self.plan.targets(item):
            url, invoker = self.invocation(item, target)
            self.add(
                block(
                    "resource",
                    "google_cloud_scheduler_job",
                    f"{item.name}_{target.name}",
                    name=Raw(f'"${{var.project_name}}-{item.slug}-{target.slug}"'),
                    region=REGION,
                    schedule=_cron(item),
                    time_zone="Etc/UTC",
                ).block(
                    block("http_target", http_method="POST", uri=url).block(
                        block("oidc_token", service_account_email=Raw(f"{invoker}.email"))
                    )
                )
            )
        self.output(item, Raw(f'"{item.slug}"'), "name")


def _cron(item: Item) -> str:
    """Cloud Scheduler takes unix cron; the block's `schedule` may be `rate(N minutes|hours|days)` or cron."""
    schedule = str(item.config.get("schedule", "rate(5 minutes)"))
    parts = schedule.removeprefix("rate(").removesuffix(")").split()
    if schedule.startswith("rate(") and len(parts) == 2 and parts[0].isdigit():
        number, unit = int(parts[0]), parts[1].rstrip("s")
        return {"minute": f"*/{number} * * * *", "hour": f"0 */{number} * * *", "day": f"0 0 */{number} * *"}.get(
            unit, "*/5 * * * *"
        )
    return schedule if len(schedule.split()) == 5 else "*/5 * * * *"


def _versions(beta: bool) -> list[Block]:
    providers = {"google": {"source": "hashicorp/google", "version": PROVIDER_VERSION}}
    if beta:
        providers["google-beta"] = {"source": "hashicorp/google-beta", "version": PROVIDER_VERSION}
    terraform = Block("terraform").attr("required_version", ">= 1.5.0")
    required = Block("required_providers")
    for name, requirement in providers.items():
        required.attr(name, requirement)
    terraform.block(required)
    blocks = [terraform]
    for name in providers:
        blocks.append(
            block(
                "provider",
                name,
                project=PROJECT,
                region=REGION,
                default_labels={"project": Raw("var.project_name"), "managed-by": "blocksmith"},
            )
        )
    return blocks


def gcp_terraform_files(plan: Plan, *, project_name: str, region: str, regions: tuple[str, ...]) -> dict[str, str]:
    beta = any(item.type == "api_gateway" for item in plan.resources)
    return terraform_files(
        GcpTerraform(plan),
        versions=_versions(beta),
        project_name=project_name,
        leading_variables=[
            block("variable", "project_id", type=Raw("string"), description="Google Cloud project to deploy into."),
            region_variable("GCP", region, regions),
        ],
    )
