"""Terraform for Azure (hashicorp/azurerm ~> 4.0): everything in one resource group, one builder per resource
type, and the wiring of connections — NSG rules per subnet from the subnets (or the internet) that connect in,
subnet placement (delegated subnets for VNet-integrated apps, private endpoints for PaaS data services), app
settings pointing compute at what it uses, role assignments for that access with system-assigned identities,
and event delivery (Event Grid subscriptions, identity-based Service Bus / Event Hubs triggers, Logic App
schedules)."""

from typing import Any

from workspaces.generators.hcl import Block, Raw, block, interpolate
from workspaces.generators.plan import Item, Plan, UnsupportedBlock
from workspaces.generators.terraform import (
    TerraformGenerator,
    cloud,
    cloud_text,
    ref,
    ref_name,
    region_variable,
    terraform_files,
)

PROVIDER_VERSION = "~> 4.0"
VIRTUAL_MACHINES = ("virtual_machine", "web_compute", "app_compute")
WEB_APPS = ("function_compute", "app_service")
LOAD_BALANCERS = ("internal_load_balancer", "load_balancer")
PORTS = {"relational_database": 5432, "sql_database": 1433, "cache_store": 6380, "blob_storage": 443,
         "cosmos_db": 443, "key_vault": 443, "secret_store": 443}  # fmt: skip
# Blocks that are not in the VNet's data path even when drawn in a subnet: Consumption API Management is not
# injected, and VNet integration of web apps is outbound only.
OUTSIDE_VNET = ("api_gateway", "function_compute", "app_service")
HTTPS_BACKENDS = ("api_gateway", "function_compute", "app_service")
# Subnets an Azure service must have to itself (delegations); only subnet-level blocks may share them.
DELEGATIONS = {
    "function_compute": "Microsoft.Web/serverFarms",
    "app_service": "Microsoft.Web/serverFarms",
    "container_instances": "Microsoft.ContainerInstance/containerGroups",
}
SUBNET_LEVEL = ("network_security_group", "route_table", "nat_gateway", "outbound_access")
# Services reached through a private endpoint when they sit in a subnet: resource kind and sub-resource.
PRIVATE_LINK = {
    "blob_storage": ("azurerm_storage_account", "blob"),
    "relational_database": ("azurerm_postgresql_flexible_server", "postgresqlServer"),
    "sql_database": ("azurerm_mssql_server", "sqlServer"),
    "cache_store": ("azurerm_redis_cache", "redisCache"),
    "cosmos_db": ("azurerm_cosmosdb_account", "Sql"),
    "key_vault": ("azurerm_key_vault", "vault"),
    "secret_store": ("azurerm_key_vault", "vault"),
}
# Built-in roles granted to a compute identity for each connection (target, or source feeding it).
ROLES_FOR_TARGET = {
    "blob_storage": ("azurerm_storage_account", "Storage Blob Data Contributor"),
    "message_queue": ("azurerm_servicebus_namespace", "Azure Service Bus Data Sender"),
    "event_hub": ("azurerm_eventhub_namespace", "Azure Event Hubs Data Sender"),
    "event_bus": ("azurerm_eventgrid_topic", "EventGrid Data Sender"),
    "key_vault": ("azurerm_key_vault", "Key Vault Crypto User"),
    "secret_store": ("azurerm_key_vault", "Key Vault Secrets User"),
    "monitoring": ("azurerm_log_analytics_workspace", "Monitoring Metrics Publisher"),
}
ROLES_FOR_SOURCE = {
    "message_queue": ("azurerm_servicebus_namespace", "Azure Service Bus Data Receiver"),
    "event_hub": ("azurerm_eventhub_namespace", "Azure Event Hubs Data Receiver"),
}
PRIVATE_DNS_ZONES = {
    "blob": "privatelink.blob.core.windows.net",
    "postgresqlServer": "privatelink.postgres.database.azure.com",
    "sqlServer": "privatelink.database.windows.net",
    "redisCache": "privatelink.redis.cache.windows.net",
    "Sql": "privatelink.documents.azure.com",
    "vault": "privatelink.vaultcore.azure.net",
}
COSMOS_DATA_CONTRIBUTOR = "00000000-0000-0000-0000-000000000002"
GROUP = Raw("azurerm_resource_group.main.name")
LOCATION = Raw("azurerm_resource_group.main.location")


def address_prefix(plan: Plan, subnet: Item) -> str:
    return f"10.{plan.index_of(plan.network(subnet)) - 1}.{plan.index_of(subnet)}.0/24"


def subnet_ingress(plan: Plan, subnet: Item) -> dict[tuple[str, int], str]:
    """The traffic a subnet's NSG lets in — (source prefix, port) → a name for the source — exactly the
    connections into the subnet's blocks, plus Application Gateway's infrastructure ports."""
    allowed: dict[tuple[str, int], str] = {}
    for child in (item for item in plan.resources if plan.parent(item) is subnet):
        if child.type in OUTSIDE_VNET:
            continue
        port = PORTS.get(child.type, 80)
        if plan.has_external_source(child):
            allowed.setdefault(("Internet", port), "internet")
        for source in plan.sources(child):
            source_subnet = plan.subnet(source)
            if source.type == "api_gateway" or source_subnet is None:
                allowed.setdefault(("Internet", port), "internet")
            elif source_subnet is not subnet:
                allowed.setdefault((address_prefix(plan, source_subnet), port), source_subnet.name)
        if child.type == "application_gateway":
            # Application Gateway v2 refuses to deploy unless its infrastructure ports are open.
            allowed.setdefault(("GatewayManager", 65200), "gateway_manager")
    return allowed


def subnet_delegation(plan: Plan, subnet: Item) -> str | None:
    """The service a subnet must be delegated to, if any; UNSUPPORTED_BLOCK when it also holds other blocks."""
    children = [item for item in plan.resources if plan.parent(item) is subnet]
    delegations = {DELEGATIONS[child.type] for child in children if child.type in DELEGATIONS}
    if not delegations:
        return None
    service = min(delegations)
    others = [child for child in children if (child.type not in DELEGATIONS and child.type not in SUBNET_LEVEL)
              or (child.type in DELEGATIONS and DELEGATIONS[child.type] != service)]  # fmt: skip
    if others:
        raise UnsupportedBlock(
            f"{others[0].node.get('name') or others[0].name}: on Azure, {subnet.node.get('name') or subnet.name} is "
            f"delegated to {service} and cannot hold a {others[0].type}; move it to its own subnet.",
            target_id=others[0].id,
        )
    return service


def check_one_per_network(plan: Plan, item: Item, azure_name: str) -> None:
    """Firewalls and bastions live in a subnet Azure names itself, so a virtual network holds one of each."""
    network = plan.network(item)
    taken = [other for other in plan.resources if other.type == item.type and plan.network(other) is network]
    if taken[0] is not item:
        raise UnsupportedBlock(
            f"{item.node.get('name') or item.name}: Azure allows one {azure_name} per virtual network.",
            target_id=item.id,
        )


def private_link_target(plan: Plan, endpoint: Item) -> Item:
    """What a drawn private endpoint connects: the first private-link service of its subnet, else of the
    architecture (connections to network blocks cannot be drawn)."""
    subnet = plan.subnet(endpoint)
    candidates = [other for other in plan.resources if other.type in PRIVATE_LINK]
    candidates.sort(key=lambda other: plan.subnet(other) is not subnet)
    if not candidates:
        raise UnsupportedBlock(
            f"{endpoint.node.get('name') or endpoint.name}: an Azure private endpoint needs a storage account, "
            "database, cache or key vault in the architecture to connect to.",
            target_id=endpoint.id,
        )
    return candidates[0]


def compact_name(item: Item, limit: int) -> Raw:
    """Names of storage accounts and the like: lowercase letters and digits only."""
    return Raw(f'substr(replace("{cloud_text(item)}", "-", ""), 0, {limit})')


class AzureTerraform(TerraformGenerator):
    def __init__(self, plan: Plan):
        super().__init__(plan)
        self.rule_priorities: dict[str, int] = {}
        self.private_zones: set[Any] = set()

    # -- helpers ------------------------------------------------------------------------------

    def placed(
        self, resource_type: str, item: Item, name: Raw | None = None, suffix: str = "", **attributes: Any
    ) -> Block:
        """A resource in the project's resource group and region."""
        return block(
            "resource",
            resource_type,
            item.name + suffix,
            name=name or cloud(item, suffix.replace("_", "-")),
            resource_group_name=GROUP,
            location=LOCATION,
            **attributes,
        )

    def address_prefix(self, subnet: Item) -> str:
        return address_prefix(self.plan, subnet)

    def children(self, container: Item) -> list[Item]:
        return [item for item in self.plan.resources if self.plan.parent(item) is container]

    def identity_block(self, item: Item) -> Block:
        assigned = self.plan.targets(item, "identity_access", "managed_identity", "service_account")
        if not assigned:
            return block("identity", type="SystemAssigned")
        return block(
            "identity",
            type="SystemAssigned, UserAssigned",
            identity_ids=[ref(identity, "azurerm_user_assigned_identity") for identity in assigned],
        )

    def principal(self, item: Item) -> tuple[str, int]:
        """The expression of the block's identity (with `count.index` when aggregated) and how many there are."""
        if item.type in VIRTUAL_MACHINES:
            if item.count > 1:
                return f"azurerm_linux_virtual_machine.{item.name}[count.index].identity[0].principal_id", item.count
            return f"azurerm_linux_virtual_machine.{item.name}.identity[0].principal_id", 1
        kind = {
            "function_compute": "azurerm_linux_function_app",
            "app_service": "azurerm_linux_web_app",
            "container_instances": "azurerm_container_group",
        }.get(item.type)
        if kind:
            return f"{kind}.{item.name}.identity[0].principal_id", 1
        return f"azurerm_kubernetes_cluster.{item.name}.kubelet_identity[0].object_id", 1

    def environment(self, item: Item) -> dict[str, Any]:
        """Settings that point a compute block at what it connects to (and at the queues that feed it)."""
        env: dict[str, Any] = {}
        for target in [*self.plan.targets(item), *self.plan.sources(item, "message_queue", "event_hub")]:
            key = target.name.upper()
            if target.type == "relational_database":
                env[f"{key}_HOST"] = ref(target, "azurerm_postgresql_flexible_server", "fqdn")
                env[f"{key}_PORT"] = "5432"
            elif target.type == "sql_database":
                env[f"{key}_HOST"] = ref(target, "azurerm_mssql_server", "fully_qualified_domain_name")
                env[f"{key}_DATABASE"] = ref(target, "azurerm_mssql_database", "name")
            elif target.type == "cache_store":
                env[f"{key}_HOST"] = ref(target, "azurerm_redis_cache", "hostname")
                env[f"{key}_PORT"] = ref(target, "azurerm_redis_cache", "ssl_port")
            elif target.type == "blob_storage":
                env[f"{key}_ACCOUNT_URL"] = ref(target, "azurerm_storage_account", "primary_blob_endpoint")
            elif target.type == "cosmos_db":
                env[f"{key}_ENDPOINT"] = ref(target, "azurerm_cosmosdb_account", "endpoint")
                env[f"{key}_DATABASE"] = ref(target, "azurerm_cosmosdb_sql_database", "name")
            elif target.type == "message_queue":
                # Identity-based connection: Functions triggers read <NAME>__fullyQualifiedNamespace.
                namespace = ref(target, "azurerm_servicebus_namespace", "name")
                env[f"{key}__fullyQualifiedNamespace"] = interpolate(namespace, ".servicebus.windows.net")
                env[f"{key}_QUEUE"] = ref(target, "azurerm_servicebus_queue", "name")
            elif target.type == "event_hub":
                namespace = ref(target, "azurerm_eventhub_namespace", "name")
                env[f"{key}__fullyQualifiedNamespace"] = interpolate(namespace, ".servicebus.windows.net")
                env[f"{key}_EVENTHUB"] = ref(target, "azurerm_eventhub", "name")
            elif target.type == "event_bus":
                env[f"{key}_TOPIC_ENDPOINT"] = ref(target, "azurerm_eventgrid_topic", "endpoint")
            elif target.type in ("key_vault", "secret_store"):
                env[f"{key}_VAULT_URI"] = ref(target, "azurerm_key_vault", "vault_uri")
            elif target.type == "monitoring":
                env[f"{key}_WORKSPACE_ID"] = ref(target, "azurerm_log_analytics_workspace", "workspace_id")
        return env

    def role_assignments(self, item: Item) -> None:
        """Grant the block's identity exactly the data-plane roles its connections need."""
        principal, count = self.principal(item)
        grants = [(target, "", ROLES_FOR_TARGET[target.type]) for target in self.plan.targets(item)
                  if target.type in ROLES_FOR_TARGET]  # fmt: skip
        grants += [(source, "_receiver", ROLES_FOR_SOURCE[source.type]) for source in self.plan.sources(item)
                   if source.type in ROLES_FOR_SOURCE]  # fmt: skip
        for other, suffix, (kind, role) in grants:
            self.add(
                block(
                    "resource",
                    "azurerm_role_assignment",
                    f"{item.name}_{other.name}{suffix}",
                    count=count if count > 1 else None,
                    scope=ref(other, kind),
                    role_definition_name=role,
                    principal_id=Raw(principal),
                )
            )
        for database in self.plan.targets(item, "cosmos_db"):
            account = ref(database, "azurerm_cosmosdb_account")
            self.add(
                block(
                    "resource",
                    "azurerm_cosmosdb_sql_role_assignment",
                    f"{item.name}_{database.name}",
                    count=count if count > 1 else None,
                    resource_group_name=GROUP,
                    account_name=ref(database, "azurerm_cosmosdb_account", "name"),
                    role_definition_id=interpolate(account, f"/sqlRoleDefinitions/{COSMOS_DATA_CONTRIBUTOR}"),
                    principal_id=Raw(principal),
                    scope=account,
                )
            )

    def private_endpoint_for(self, item: Item) -> None:
        """Reach a PaaS service from its subnet only: a private endpoint there, public access off."""
        self.add_private_endpoint(item, f"{item.name}_endpoint", self.plan.subnet(item), item)

    def add_private_endpoint(self, named: Item, address: str, subnet: Item, service: Item) -> None:
        """A private endpoint for `service` in `subnet`, registered in the privatelink DNS zone (linked to the
        virtual network) so the service's usual host name resolves to the private address."""
        kind, subresource = PRIVATE_LINK[service.type]
        zone = f"privatelink_{subresource.lower()}"
        network = self.plan.network(subnet)
        if zone not in self.private_zones:
            self.private_zones.add(zone)
            self.add(
                block(
                    "resource",
                    "azurerm_private_dns_zone",
                    zone,
                    name=PRIVATE_DNS_ZONES[subresource],
                    resource_group_name=GROUP,
                )
            )
        if (zone, network.name) not in self.private_zones:
            self.private_zones.add((zone, network.name))
            self.add(
                block(
                    "resource",
                    "azurerm_private_dns_zone_virtual_network_link",
                    f"{zone}_{network.name}",
                    name=network.slug,
                    resource_group_name=GROUP,
                    private_dns_zone_name=ref_name("azurerm_private_dns_zone", zone, "name"),
                    virtual_network_id=ref(network, "azurerm_virtual_network"),
                )
            )
        suffix = "" if address == named.name else address.removeprefix(named.name).replace("_", "-")
        self.add(
            block(
                "resource",
                "azurerm_private_endpoint",
                address,
                name=cloud(named, suffix),
                resource_group_name=GROUP,
                location=LOCATION,
                subnet_id=ref(subnet, "azurerm_subnet"),
            )
            .block(
                block(
                    "private_service_connection",
                    name=cloud(named, suffix + "-psc"),
                    private_connection_resource_id=ref(service, kind),
                    subresource_names=[subresource],
                    is_manual_connection=False,
                )
            )
            .block(
                block(
                    "private_dns_zone_group",
                    name="default",
                    private_dns_zone_ids=[ref_name("azurerm_private_dns_zone", zone, "id")],
                )
            )
        )

    def private(self, item: Item) -> bool:
        return self.plan.subnet(item) is not None and item.type in PRIVATE_LINK

    def need_client_config(self) -> None:
        self.need_data("client", block("data", "azurerm_client_config", "current"))

    def public_ip_for(self, item: Item, suffix: str = "_ip") -> Raw:
        self.add(self.placed("azurerm_public_ip", item, suffix=suffix, allocation_method="Static", sku="Standard"))
        return ref_name("azurerm_public_ip", item.name + suffix, "id")

    def dedicated_subnet(self, item: Item, azure_name: str, third_octet: int) -> Raw:
        """Firewalls and bastions live in a subnet Azure names itself; one per virtual network."""
        check_one_per_network(self.plan, item, azure_name)
        network = self.plan.network(item)
        self.add(
            block(
                "resource",
                "azurerm_subnet",
                f"{item.name}_subnet",
                name=azure_name,
                resource_group_name=GROUP,
                virtual_network_name=ref(network, "azurerm_virtual_network", "name"),
                address_prefixes=[f"10.{self.plan.index_of(network) - 1}.{third_octet}.0/26"],
            )
        )
        return ref_name("azurerm_subnet", f"{item.name}_subnet", "id")

    # -- containers ---------------------------------------------------------------------------

    def virtual_network(self, item: Item) -> None:
        self.add(
            self.placed("azurerm_virtual_network", item, address_space=[f"10.{self.plan.index_of(item) - 1}.0.0/16"])
        )
        self.output(item, ref(item, "azurerm_virtual_network"))

    def subnet(self, item: Item) -> None:
        service = subnet_delegation(self.plan, item)
        subnet = block(
            "resource",
            "azurerm_subnet",
            item.name,
            name=cloud(item),
            resource_group_name=GROUP,
            virtual_network_name=ref(self.plan.network(item), "azurerm_virtual_network", "name"),
            address_prefixes=[self.address_prefix(item)],
        )
        if service:
            subnet.block(
                block("delegation", name=service.split("/")[-1]).block(block("service_delegation", name=service))
            )
        self.add(subnet)
        self.output(item, ref(item, "azurerm_subnet"))

    # -- network and security -------------------------------------------------------------------

    def before_resources(self) -> None:
        """One NSG per subnet (a security group drawn in it, or one of its own) allowing exactly the traffic
        of the connections into the subnet's blocks."""
        for subnet in self.plan.containers:
            if subnet.type != "subnet":
                continue
            children = self.children(subnet)
            drawn = [child for child in children if child.type == "network_security_group"]
            if not drawn:
                self.add(self.placed("azurerm_network_security_group", subnet, suffix="_nsg"))
            group = f"{drawn[0].name}" if drawn else f"{subnet.name}_nsg"
            self.add(
                block(
                    "resource",
                    "azurerm_subnet_network_security_group_association",
                    subnet.name,
                    subnet_id=ref(subnet, "azurerm_subnet"),
                    network_security_group_id=ref_name("azurerm_network_security_group", group, "id"),
                )
            )
            allowed = subnet_ingress(self.plan, subnet)
            for (prefix, port), source_name in allowed.items():
                self.nsg_rule(group, f"{subnet.name}_from_{source_name}_{port}", prefix, port)

    def nsg_rule(self, group: str, name: str, prefix: str, port: int) -> None:
        priority = self.rule_priorities.get(group, 100)
        self.rule_priorities[group] = priority + 10
        self.add(
            block(
                "resource",
                "azurerm_network_security_rule",
                name,
                name=name.replace("_", "-"),
                priority=priority,
                direction="Inbound",
                access="Allow",
                protocol="Tcp",
                source_port_range="*",
                destination_port_range="65200-65535" if port == 65200 else str(port),
                source_address_prefix=prefix,
                destination_address_prefix="*",
                resource_group_name=GROUP,
                network_security_group_name=ref_name("azurerm_network_security_group", group, "name"),
            )
        )

    def network_security_group(self, item: Item) -> None:
        self.add(self.placed("azurerm_network_security_group", item))
        self.output(item, ref(item, "azurerm_network_security_group"))

    def nat_gateway(self, item: Item) -> None:
        address = self.public_ip_for(item)
        self.add(
            self.placed("azurerm_nat_gateway", item, sku_name="Standard"),
            block(
                "resource",
                "azurerm_nat_gateway_public_ip_association",
                item.name,
                nat_gateway_id=ref(item, "azurerm_nat_gateway"),
                public_ip_address_id=address,
            ),
            block(
                "resource",
                "azurerm_subnet_nat_gateway_association",
                item.name,
                subnet_id=ref(self.plan.subnet(item), "azurerm_subnet"),
                nat_gateway_id=ref(item, "azurerm_nat_gateway"),
            ),
        )
        self.output(item, ref(item, "azurerm_nat_gateway"))

    outbound_access = nat_gateway

    def public_ip(self, item: Item) -> None:
        self.add(self.placed("azurerm_public_ip", item, allocation_method="Static", sku="Standard"))
        self.output(item, ref(item, "azurerm_public_ip", "ip_address"), "ip_address")

    def route_table(self, item: Item) -> None:
        self.add(
            self.placed("azurerm_route_table", item),
            block(
                "resource",
                "azurerm_subnet_route_table_association",
                item.name,
                subnet_id=ref(self.plan.subnet(item), "azurerm_subnet"),
                route_table_id=ref(item, "azurerm_route_table"),
            ),
        )
        self.output(item, ref(item, "azurerm_route_table"))

    def private_endpoint(self, item: Item) -> None:
        """A drawn private endpoint connects the first private-link service of its subnet (else of the
        architecture) — connections to network blocks cannot be drawn."""
        subnet = self.plan.subnet(item)
        self.add_private_endpoint(item, item.name, subnet, private_link_target(self.plan, item))
        self.output(item, ref(item, "azurerm_private_endpoint"))

    def firewall_security(self, item: Item) -> None:
        subnet_id = self.dedicated_subnet(item, "AzureFirewallSubnet", 250)
        address = self.public_ip_for(item)
        self.add(
            self.placed("azurerm_firewall_policy", item),
            self.placed(
                "azurerm_firewall",
                item,
                sku_name="AZFW_VNet",
                sku_tier="Standard",
                firewall_policy_id=ref(item, "azurerm_firewall_policy"),
            ).block(block("ip_configuration", name="configuration", subnet_id=subnet_id, public_ip_address_id=address)),
        )
        self.output(item, Raw(f"azurerm_firewall.{item.name}.ip_configuration[0].private_ip_address"), "private_ip")

    def bastion_host(self, item: Item) -> None:
        subnet_id = self.dedicated_subnet(item, "AzureBastionSubnet", 251)
        address = self.public_ip_for(item)
        self.add(
            self.placed("azurerm_bastion_host", item, sku="Basic").block(
                block("ip_configuration", name="configuration", subnet_id=subnet_id, public_ip_address_id=address)
            )
        )
        self.output(item, ref(item, "azurerm_bastion_host", "dns_name"), "dns_name")

    def key_vault(self, item: Item) -> None:
        self.need_client_config()
        self.add(
            self.placed(
                "azurerm_key_vault",
                item,
                name=Raw(f'substr("{cloud_text(item)}", 0, 24)'),
                tenant_id=Raw("data.azurerm_client_config.current.tenant_id"),
                sku_name="standard",
                enable_rbac_authorization=True,
                purge_protection_enabled=True,
                soft_delete_retention_days=7,
                public_network_access_enabled=not self.private(item),
            )
        )
        if self.private(item):
            self.private_endpoint_for(item)
        self.output(item, ref(item, "azurerm_key_vault", "vault_uri"), "vault_uri")

    secret_store = key_vault

    def identity_access(self, item: Item) -> None:
        self.add(self.placed("azurerm_user_assigned_identity", item))
        self.output(item, ref(item, "azurerm_user_assigned_identity", "principal_id"), "principal_id")

    managed_identity = identity_access
    service_account = identity_access

    def monitoring(self, item: Item) -> None:
        self.add(self.placed("azurerm_log_analytics_workspace", item, sku="PerGB2018", retention_in_days=30))
        self.output(item, ref(item, "azurerm_log_analytics_workspace", "workspace_id"), "workspace_id")

    # -- compute --------------------------------------------------------------------------------

    def virtual_machine(self, item: Item) -> None:
        self.variable("admin_ssh_public_key", "SSH public key of the virtual machines' admin user.")
        several = item.count > 1
        index = "[count.index]" if several else ""
        numbered: tuple[str | Raw, ...] = ("-", Raw("count.index")) if several else ()
        self.add(
            block(
                "resource",
                "azurerm_network_interface",
                item.name,
                count=item.count if several else None,
                name=interpolate(Raw("var.project_name"), f"-{item.slug}-nic", *numbered),
                resource_group_name=GROUP,
                location=LOCATION,
            ).block(
                block(
                    "ip_configuration",
                    name="internal",
                    subnet_id=ref(self.plan.subnet(item), "azurerm_subnet"),
                    private_ip_address_allocation="Dynamic",
                )
            )
        )
        script = self.startup_script(item, self.environment(item))
        custom_data = Raw(f"base64encode({script.expression})") if script else None
        machine = block(
            "resource",
            "azurerm_linux_virtual_machine",
            item.name,
            count=item.count if several else None,
            name=interpolate(Raw("var.project_name"), f"-{item.slug}", *numbered),
            resource_group_name=GROUP,
            location=LOCATION,
            size=item.config.get("vmSize", "Standard_B2s"),
            admin_username="azureuser",
            network_interface_ids=[Raw(f"azurerm_network_interface.{item.name}{index}.id")],
            custom_data=custom_data,
        )
        machine.block(block("admin_ssh_key", username="azureuser", public_key=Raw("var.admin_ssh_public_key")))
        machine.block(block("os_disk", caching="ReadWrite", storage_account_type="Standard_LRS"))
        machine.block(
            block(
                "source_image_reference",
                publisher="Canonical",
                offer="ubuntu-24_04-lts",
                sku="server",
                version="latest",
            )
        )
        machine.block(self.identity_block(item))
        self.add(machine)
        self.role_assignments(item)
        if several:
            self.output(item, Raw(f"azurerm_linux_virtual_machine.{item.name}[*].id"))
        else:
            self.output(item, ref(item, "azurerm_linux_virtual_machine"))

    web_compute = virtual_machine
    app_compute = virtual_machine

    def service_plan(self, item: Item, sku: str) -> Raw:
        self.add(self.placed("azurerm_service_plan", item, suffix="_plan", os_type="Linux", sku_name=sku))
        return ref_name("azurerm_service_plan", f"{item.name}_plan", "id")

    def function_compute(self, item: Item) -> None:
        subnet = self.plan.subnet(item)
        # VNet integration needs an Elastic Premium plan; outside a subnet the consumption plan is enough.
        plan = self.service_plan(item, "EP1" if subnet else "Y1")
        self.add(
            self.placed(
                "azurerm_storage_account",
                item,
                name=compact_name(item, 22),
                suffix="_files",
                account_tier="Standard",
                account_replication_type="LRS",
                min_tls_version="TLS1_2",
                allow_nested_items_to_be_public=False,
            )
        )
        settings = self.environment(item)
        for scheduler in self.plan.sources(item, "scheduler"):
            settings[f"{scheduler.name.upper()}_SCHEDULE"] = timer_schedule(scheduler)
        app = self.placed(
            "azurerm_linux_function_app",
            item,
            service_plan_id=plan,
            storage_account_name=ref_name("azurerm_storage_account", f"{item.name}_files", "name"),
            storage_account_access_key=ref_name("azurerm_storage_account", f"{item.name}_files", "primary_access_key"),
            virtual_network_subnet_id=ref(subnet, "azurerm_subnet") if subnet else None,
            https_only=True,
            app_settings=settings or None,
        )
        stack = block("application_stack", python_version=item.config.get("pythonVersion", "3.12"))
        app.block(block("site_config", vnet_route_all_enabled=True if subnet else None).block(stack))
        app.block(self.identity_block(item))
        self.add(app)
        self.role_assignments(item)
        self.output(item, ref(item, "azurerm_linux_function_app", "default_hostname"), "hostname")

    def app_service(self, item: Item) -> None:
        subnet = self.plan.subnet(item)
        plan = self.service_plan(item, item.config.get("sku", "B1"))
        image = item.config.get("image", "nginx:stable")
        app = self.placed(
            "azurerm_linux_web_app",
            item,
            service_plan_id=plan,
            virtual_network_subnet_id=ref(subnet, "azurerm_subnet") if subnet else None,
            https_only=True,
            app_settings=self.environment(item) or None,
        )
        stack = block("application_stack", docker_image_name=image, docker_registry_url="https://index.docker.io")
        app.block(block("site_config", vnet_route_all_enabled=True if subnet else None).block(stack))
        app.block(self.identity_block(item))
        self.add(app)
        self.role_assignments(item)
        self.output(item, ref(item, "azurerm_linux_web_app", "default_hostname"), "hostname")

    def container_instances(self, item: Item) -> None:
        subnet = self.plan.subnet(item)
        image = f"{item.name}_image"
        self.variable(
            image,
            f"Container image of {item.node.get('name') or item.name}.",
            item.config.get("image", "mcr.microsoft.com/azuredocs/aci-helloworld:latest"),
        )
        group = self.placed(
            "azurerm_container_group",
            item,
            os_type="Linux",
            ip_address_type="Private" if subnet else "Public",
            subnet_ids=[ref(subnet, "azurerm_subnet")] if subnet else None,
        )
        container = block("container", name=item.name.replace("_", "-"), image=Raw(f"var.{image}"), cpu=1, memory=1.5)
        container.block(block("ports", port=80, protocol="TCP"))
        env = self.environment(item)
        if env:
            container.attr("environment_variables", env)
        group.block(container)
        group.block(self.identity_block(item))
        self.add(group)
        self.role_assignments(item)
        self.output(item, ref(item, "azurerm_container_group", "ip_address"), "ip_address")

    def kubernetes_cluster(self, item: Item) -> None:
        cluster = self.placed("azurerm_kubernetes_cluster", item, dns_prefix=cloud(item))
        cluster.block(
            block(
                "default_node_pool",
                name="system",
                vm_size=item.config.get("vmSize", "Standard_D2s_v5"),
                node_count=max(item.count, 2),
                vnet_subnet_id=ref(self.plan.subnet(item), "azurerm_subnet"),
            )
        )
        cluster.block(block("identity", type="SystemAssigned"))
        cluster.block(block("network_profile", network_plugin="azure"))
        self.add(cluster)
        self.role_assignments(item)
        self.output(item, ref(item, "azurerm_kubernetes_cluster", "fqdn"), "fqdn")

    # -- delivery -------------------------------------------------------------------------------

    def backend_host(self, item: Item, target: Item) -> Raw:
        hosts = {
            "function_compute": ("azurerm_linux_function_app", "default_hostname"),
            "app_service": ("azurerm_linux_web_app", "default_hostname"),
            "container_instances": ("azurerm_container_group", "ip_address"),
        }
        if target.type == "api_gateway":
            return Raw(f'trimprefix(azurerm_api_management.{target.name}.gateway_url, "https://")')
        if target.type == "application_gateway":
            return ref_name("azurerm_public_ip", f"{target.name}_ip", "ip_address")
        if target.type not in hosts:
            raise self.unsupported_connection(item, f"it cannot route to a {target.type} on Azure.")
        return ref(target, *hosts[target.type])

    def application_gateway(self, item: Item) -> None:
        address = self.public_ip_for(item)
        gateway = self.placed("azurerm_application_gateway", item)
        gateway.block(block("sku", name="Standard_v2", tier="Standard_v2", capacity=2))
        gateway.block(
            block("gateway_ip_configuration", name="gateway", subnet_id=ref(self.plan.subnet(item), "azurerm_subnet"))
        )
        gateway.block(block("frontend_port", name="http", port=80))
        gateway.block(block("frontend_ip_configuration", name="public", public_ip_address_id=address))
        gateway.block(
            block(
                "http_listener",
                name="http",
                frontend_ip_configuration_name="public",
                frontend_port_name="http",
                protocol="Http",
            )
        )
        targets = self.plan.targets(item)
        pools = [target.name for target in targets] or ["default"]
        for target in targets or [None]:
            fqdns = None
            if target is not None and target.type not in VIRTUAL_MACHINES:
                fqdns = [self.backend_host(item, target)]
            pool = target.name if target else "default"
            gateway.block(block("backend_address_pool", name=pool, fqdns=fqdns))
            https = target is not None and target.type in HTTPS_BACKENDS
            gateway.block(
                block(
                    "backend_http_settings",
                    name=pool,
                    cookie_based_affinity="Disabled",
                    port=443 if https else 80,
                    protocol="Https" if https else "Http",
                    request_timeout=30,
                    pick_host_name_from_backend_address=bool(fqdns) or None,
                )
            )
        rule = block("request_routing_rule", name="http", priority=10, http_listener_name="http")
        if len(pools) == 1:
            rule.attr("rule_type", "Basic").attr("backend_address_pool_name", pools[0])
            rule.attr("backend_http_settings_name", pools[0])
        else:
            # Several backends: the first takes the default route, each also answers under /<its name>/.
            rule.attr("rule_type", "PathBasedRouting").attr("url_path_map_name", "paths")
            paths = block(
                "url_path_map",
                name="paths",
                default_backend_address_pool_name=pools[0],
                default_backend_http_settings_name=pools[0],
            )
            for pool in pools:
                paths.block(
                    block(
                        "path_rule",
                        name=pool,
                        paths=[f"/{pool.replace('_', '-')}/*"],
                        backend_address_pool_name=pool,
                        backend_http_settings_name=pool,
                    )
                )
            gateway.block(paths)
        gateway.block(rule)
        self.add(gateway)
        for target in self.plan.targets(item, *VIRTUAL_MACHINES):
            pools_of = f"azurerm_application_gateway.{item.name}.backend_address_pool"
            pool = f'[for pool in {pools_of} : pool.id if pool.name == "{target.name}"][0]'
            self.add(
                block(
                    "resource",
                    "azurerm_network_interface_application_gateway_backend_address_pool_association",
                    f"{item.name}_{target.name}",
                    count=target.count if target.count > 1 else None,
                    network_interface_id=Raw(
                        f"azurerm_network_interface.{target.name}{'[count.index]' if target.count > 1 else ''}.id"
                    ),
                    ip_configuration_name="internal",
                    backend_address_pool_id=Raw(pool),
                )
            )
        self.output(item, ref_name("azurerm_public_ip", f"{item.name}_ip", "ip_address"), "ip_address")

    def internal_load_balancer(self, item: Item) -> None:
        frontend = block("frontend_ip_configuration", name="frontend")
        if item.type == "load_balancer":
            frontend.attr("public_ip_address_id", self.public_ip_for(item))
        else:
            frontend.attr("subnet_id", ref(self.plan.subnet(item), "azurerm_subnet"))
        self.add(
            self.placed("azurerm_lb", item, sku="Standard").block(frontend),
            block(
                "resource",
                "azurerm_lb_backend_address_pool",
                item.name,
                loadbalancer_id=ref(item, "azurerm_lb"),
                name="backend",
            ),
            block(
                "resource", "azurerm_lb_probe", item.name, loadbalancer_id=ref(item, "azurerm_lb"), name="http", port=80
            ),
            block(
                "resource",
                "azurerm_lb_rule",
                item.name,
                loadbalancer_id=ref(item, "azurerm_lb"),
                name="http",
                protocol="Tcp",
                frontend_port=80,
                backend_port=80,
                frontend_ip_configuration_name="frontend",
                backend_address_pool_ids=[ref(item, "azurerm_lb_backend_address_pool")],
                probe_id=ref(item, "azurerm_lb_probe"),
            ),
        )
        for target in self.plan.targets(item):
            if target.type in VIRTUAL_MACHINES:
                several = target.count > 1
                self.add(
                    block(
                        "resource",
                        "azurerm_network_interface_backend_address_pool_association",
                        f"{item.name}_{target.name}",
                        count=target.count if several else None,
                        network_interface_id=Raw(
                            f"azurerm_network_interface.{target.name}{'[count.index]' if several else ''}.id"
                        ),
                        ip_configuration_name="internal",
                        backend_address_pool_id=ref(item, "azurerm_lb_backend_address_pool"),
                    )
                )
            elif target.type == "container_instances" and self.plan.network(target) is not None:
                self.add(
                    block(
                        "resource",
                        "azurerm_lb_backend_address_pool_address",
                        f"{item.name}_{target.name}",
                        name=target.slug,
                        backend_address_pool_id=ref(item, "azurerm_lb_backend_address_pool"),
                        virtual_network_id=ref(self.plan.network(target), "azurerm_virtual_network"),
                        ip_address=ref(target, "azurerm_container_group", "ip_address"),
                    )
                )
            else:
                raise self.unsupported_connection(
                    item,
                    f"an Azure load balancer balances virtual machines or containers in the VNet, not a {target.type}.",
                )
        self.output(item, ref(item, "azurerm_lb"))

    load_balancer = internal_load_balancer

    def api_gateway(self, item: Item) -> None:
        self.variable("api_publisher_email", "Contact e-mail of the API Management publisher.", "api@example.com")
        self.add(
            self.placed(
                "azurerm_api_management",
                item,
                publisher_name=Raw("var.project_name"),
                publisher_email=Raw("var.api_publisher_email"),
                sku_name="Consumption_0",
            )
        )
        for target in self.plan.targets(item):
            api = f"{item.name}_{target.name}"
            if target.type in LOAD_BALANCERS:
                raise self.unsupported_connection(
                    item, "Consumption API Management cannot reach a private load balancer."
                )
            host = (
                ref_name("azurerm_public_ip", f"{target.name}_ip", "ip_address")
                if target.type == "application_gateway"
                else self.backend_host(item, target)
            )
            scheme, path = (
                ("http", "") if target.type in ("application_gateway", "container_instances") else ("https", "")
            )
            if target.type == "function_compute":
                path = "/api"
            self.add(
                block(
                    "resource",
                    "azurerm_api_management_api",
                    api,
                    name=target.slug,
                    resource_group_name=GROUP,
                    api_management_name=ref(item, "azurerm_api_management", "name"),
                    revision="1",
                    display_name=target.node.get("name") or target.name,
                    path=target.slug,
                    protocols=["https"],
                    service_url=interpolate(f"{scheme}://", host, path),
                )
            )
            for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
                self.add(
                    block(
                        "resource",
                        "azurerm_api_management_api_operation",
                        f"{api}_{method.lower()}",
                        operation_id=f"{method.lower()}-all",
                        api_name=ref_name("azurerm_api_management_api", api, "name"),
                        api_management_name=ref(item, "azurerm_api_management", "name"),
                        resource_group_name=GROUP,
                        display_name=f"{method} /*",
                        method=method,
                        url_template="/*",
                    )
                )
        self.output(item, ref(item, "azurerm_api_management", "gateway_url"), "gateway_url")

    def cdn_profile(self, item: Item) -> None:
        origins = self.plan.targets(item)
        if not origins:
            raise self.unsupported_connection(
                item, "a Front Door profile needs an origin; connect it to storage or a gateway."
            )
        self.add(
            block(
                "resource",
                "azurerm_cdn_frontdoor_profile",
                item.name,
                name=cloud(item),
                resource_group_name=GROUP,
                sku_name="Standard_AzureFrontDoor",
            ),
            block(
                "resource",
                "azurerm_cdn_frontdoor_endpoint",
                item.name,
                name=cloud(item),
                cdn_frontdoor_profile_id=ref(item, "azurerm_cdn_frontdoor_profile"),
            ),
            block(
                "resource",
                "azurerm_cdn_frontdoor_origin_group",
                item.name,
                name="origins",
                cdn_frontdoor_profile_id=ref(item, "azurerm_cdn_frontdoor_profile"),
            ).block(block("load_balancing")),
        )
        for origin in origins:
            if origin.type == "blob_storage":
                host = ref(origin, "azurerm_storage_account", "primary_web_host")
            elif origin.type == "application_gateway":
                host = ref_name("azurerm_public_ip", f"{origin.name}_ip", "ip_address")
            elif origin.type in ("function_compute", "app_service"):
                host = self.backend_host(item, origin)
            else:
                raise self.unsupported_connection(
                    item, f"Front Door serves storage, gateways and web apps, not a {origin.type}."
                )
            self.add(
                block(
                    "resource",
                    "azurerm_cdn_frontdoor_origin",
                    f"{item.name}_{origin.name}",
                    name=origin.slug,
                    cdn_frontdoor_origin_group_id=ref(item, "azurerm_cdn_frontdoor_origin_group"),
                    enabled=True,
                    host_name=host,
                    origin_host_header=host,
                    certificate_name_check_enabled=origin.type != "application_gateway",
                    http_port=80,
                    https_port=443,
                )
            )
        self.add(
            block(
                "resource",
                "azurerm_cdn_frontdoor_route",
                item.name,
                name="default",
                cdn_frontdoor_endpoint_id=ref(item, "azurerm_cdn_frontdoor_endpoint"),
                cdn_frontdoor_origin_group_id=ref(item, "azurerm_cdn_frontdoor_origin_group"),
                cdn_frontdoor_origin_ids=[
                    ref_name("azurerm_cdn_frontdoor_origin", f"{item.name}_{o.name}", "id") for o in origins
                ],
                patterns_to_match=["/*"],
                supported_protocols=["Http", "Https"],
                https_redirect_enabled=True,
                forwarding_protocol="MatchRequest",
                link_to_default_domain=True,
            )
        )
        self.output(item, ref(item, "azurerm_cdn_frontdoor_endpoint", "host_name"), "host_name")

    front_door = cdn_profile

    def dns_zone(self, item: Item) -> None:
        self.add(
            block("resource", "azurerm_dns_zone", item.name, name=self.domain_variable(item), resource_group_name=GROUP)
        )
        self.output(item, Raw(f"azurerm_dns_zone.{item.name}.name_servers"), "name_servers")

    # -- data -----------------------------------------------------------------------------------

    def blob_storage(self, item: Item) -> None:
        # A CDN origin is served from the static website endpoint, which is public by nature.
        served = bool(self.plan.sources(item, "cdn_profile", "front_door"))
        private = self.private(item) and not served
        account = self.placed(
            "azurerm_storage_account",
            item,
            name=compact_name(item, 24),
            account_tier="Standard",
            account_replication_type="ZRS" if item.count > 1 else "LRS",
            min_tls_version="TLS1_2",
            allow_nested_items_to_be_public=False,
            public_network_access_enabled=not private,
        )
        if served:
            account.block(block("static_website", index_document="index.html"))
        self.add(account)
        if private:
            self.private_endpoint_for(item)
        self.output(item, ref(item, "azurerm_storage_account", "primary_blob_endpoint"), "blob_endpoint")

    def relational_database(self, item: Item) -> None:
        self.need_db_variables()
        server = self.placed(
            "azurerm_postgresql_flexible_server",
            item,
            version="16",
            sku_name=item.config.get("sku", "GP_Standard_D2s_v3" if item.count > 1 else "B_Standard_B1ms"),
            storage_mb=32768,
            administrator_login=Raw("var.db_admin_username"),
            administrator_password=Raw("var.db_admin_password"),
            public_network_access_enabled=False,
            backup_retention_days=7,
        )
        if item.count > 1:
            server.block(block("high_availability", mode="ZoneRedundant"))
        self.add(server)
        if self.private(item):
            self.private_endpoint_for(item)
        self.output(item, ref(item, "azurerm_postgresql_flexible_server", "fqdn"), "fqdn")

    def sql_database(self, item: Item) -> None:
        self.need_db_variables()
        self.add(
            self.placed(
                "azurerm_mssql_server",
                item,
                version="12.0",
                administrator_login=Raw("var.db_admin_username"),
                administrator_login_password=Raw("var.db_admin_password"),
                minimum_tls_version="1.2",
                public_network_access_enabled=False,
            ),
            block(
                "resource",
                "azurerm_mssql_database",
                item.name,
                name=item.slug,
                server_id=ref(item, "azurerm_mssql_server"),
                sku_name=item.config.get("sku", "S0"),
                zone_redundant=item.count > 1,
            ),
        )
        if self.private(item):
            self.private_endpoint_for(item)
        self.output(item, ref(item, "azurerm_mssql_server", "fully_qualified_domain_name"), "fqdn")

    def cache_store(self, item: Item) -> None:
        redundant = item.count > 1
        self.add(
            self.placed(
                "azurerm_redis_cache",
                item,
                capacity=1 if redundant else 0,
                family="C",
                sku_name="Standard" if redundant else "Basic",
                minimum_tls_version="1.2",
                public_network_access_enabled=False,
            )
        )
        if self.private(item):
            self.private_endpoint_for(item)
        self.output(item, ref(item, "azurerm_redis_cache", "hostname"), "hostname")

    def cosmos_db(self, item: Item) -> None:
        account = self.placed(
            "azurerm_cosmosdb_account",
            item,
            offer_type="Standard",
            kind="GlobalDocumentDB",
            public_network_access_enabled=not self.private(item),
        )
        account.block(block("consistency_policy", consistency_level="Session"))
        account.block(block("geo_location", location=LOCATION, failover_priority=0))
        account.block(block("capabilities", name="EnableServerless"))
        self.add(
            account,
            block(
                "resource",
                "azurerm_cosmosdb_sql_database",
                item.name,
                name=item.slug,
                resource_group_name=GROUP,
                account_name=ref(item, "azurerm_cosmosdb_account", "name"),
            ),
            block(
                "resource",
                "azurerm_cosmosdb_sql_container",
                item.name,
                name="items",
                resource_group_name=GROUP,
                account_name=ref(item, "azurerm_cosmosdb_account", "name"),
                database_name=ref(item, "azurerm_cosmosdb_sql_database", "name"),
                partition_key_paths=["/pk"],
            ),
        )
        if self.private(item):
            self.private_endpoint_for(item)
        self.output(item, ref(item, "azurerm_cosmosdb_account", "endpoint"), "endpoint")

    # -- messaging ------------------------------------------------------------------------------

    def message_queue(self, item: Item) -> None:
        self.add(
            self.placed("azurerm_servicebus_namespace", item, sku="Standard"),
            block(
                "resource",
                "azurerm_servicebus_queue",
                item.name,
                name=item.slug,
                namespace_id=ref(item, "azurerm_servicebus_namespace"),
            ),
        )
        self.output(item, ref(item, "azurerm_servicebus_queue"))

    def event_hub(self, item: Item) -> None:
        self.add(
            self.placed("azurerm_eventhub_namespace", item, sku="Standard", capacity=1),
            block(
                "resource",
                "azurerm_eventhub",
                item.name,
                name=item.slug,
                namespace_name=ref(item, "azurerm_eventhub_namespace", "name"),
                resource_group_name=GROUP,
                partition_count=2,
                message_retention=1,
            ),
        )
        self.output(item, ref(item, "azurerm_eventhub"))

    def event_bus(self, item: Item) -> None:
        self.add(self.placed("azurerm_eventgrid_topic", item))
        for target in self.plan.targets(item):
            subscription = block(
                "resource",
                "azurerm_eventgrid_event_subscription",
                f"{item.name}_{target.name}",
                name=Raw(f'"${{var.project_name}}-{item.slug}-{target.slug}"'),
                scope=ref(item, "azurerm_eventgrid_topic"),
            )
            if target.type == "function_compute":
                function = target.config.get("eventGridFunction", "EventGridTrigger")
                subscription.block(
                    block(
                        "azure_function_endpoint",
                        function_id=interpolate(ref(target, "azurerm_linux_function_app"), f"/functions/{function}"),
                    )
                )
            elif target.type in ("app_service", "container_instances"):
                subscription.block(
                    block("webhook_endpoint", url=interpolate("https://", self.backend_host(item, target), "/events"))
                )
            else:
                raise self.unsupported_connection(
                    item, f"Event Grid delivers to functions and web endpoints, not a {target.type}."
                )
            self.add(subscription)
        self.output(item, ref(item, "azurerm_eventgrid_topic", "endpoint"), "endpoint")

    def scheduler(self, item: Item) -> None:
        """A Logic App on a recurrence calling each target over HTTP; functions also get the schedule as an
        app setting their timer trigger can read."""
        self.add(self.placed("azurerm_logic_app_workflow", item))
        frequency, interval = recurrence_of(item)
        self.add(
            block(
                "resource",
                "azurerm_logic_app_trigger_recurrence",
                item.name,
                name="schedule",
                logic_app_id=ref(item, "azurerm_logic_app_workflow"),
                frequency=frequency,
                interval=interval,
            )
        )
        for target in self.plan.targets(item):
            path = "/api/" + target.config.get("handler", "scheduled") if target.type == "function_compute" else "/"
            self.add(
                block(
                    "resource",
                    "azurerm_logic_app_action_http",
                    f"{item.name}_{target.name}",
                    name=f"call-{target.slug}",
                    logic_app_id=ref(item, "azurerm_logic_app_workflow"),
                    method="POST",
                    uri=interpolate("https://", self.backend_host(item, target), path),
                )
            )
        self.output(item, ref(item, "azurerm_logic_app_workflow"))


def recurrence_of(item: Item) -> tuple[str, int]:
    """The Logic App recurrence for the block's `schedule` config (`rate(N minutes|hours|days)`, default 5 min)."""
    schedule = str(item.config.get("schedule", "rate(5 minutes)"))
    units = {"minute": "Minute", "hour": "Hour", "day": "Day"}
    parts = schedule.removeprefix("rate(").removesuffix(")").split()
    if len(parts) == 2 and parts[0].isdigit() and parts[1].rstrip("s") in units:
        return units[parts[1].rstrip("s")], int(parts[0])
    return "Minute", 5


def timer_schedule(item: Item) -> str:
    """The NCRONTAB (six fields) for a timer trigger."""
    frequency, interval = recurrence_of(item)
    return {
        "Minute": f"0 */{interval} * * * *",
        "Hour": f"0 0 */{interval} * * *",
        "Day": f"0 0 0 */{interval} * *",
    }[frequency]


def _versions() -> list[Block]:
    terraform = Block("terraform").attr("required_version", ">= 1.5.0")
    terraform.block(
        Block("required_providers").attr("azurerm", {"source": "hashicorp/azurerm", "version": PROVIDER_VERSION})
    )
    provider = block("provider", "azurerm", subscription_id=Raw("var.subscription_id")).block(Block("features"))
    return [terraform, provider]


def azure_terraform_files(plan: Plan, *, project_name: str, region: str, regions: tuple[str, ...]) -> dict[str, str]:
    generator = AzureTerraform(plan)
    generator.add(
        block(
            "resource",
            "azurerm_resource_group",
            "main",
            name=interpolate(Raw("var.project_name"), "-rg"),
            location=Raw("var.region"),
            tags={"Project": Raw("var.project_name"), "ManagedBy": "blocksmith"},
        )
    )
    return terraform_files(
        generator,
        versions=_versions(),
        project_name=project_name,
        leading_variables=[
            block("variable", "subscription_id", type=Raw("string"), description="Azure subscription to deploy into."),
            region_variable("Azure", region, regions),
        ],
    )
