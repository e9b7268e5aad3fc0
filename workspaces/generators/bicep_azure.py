"""Bicep for Azure (`main.bicep` deployed into a resource group, `main.bicepparam`): the same services and
wiring as the Azure Terraform generator, in ARM's shape — subnets carry their NSG, NAT gateway, route table
and delegation; network interfaces carry their load balancer pool memberships; role assignments are scoped
to the resource they grant on, with built-in role definition ids."""

from typing import Any

from workspaces.generators.bicep import Expr, Output, Param, Resource, interpolate, quote, render, symbol, value
from workspaces.generators.plan import GenerationError, Item, Plan
from workspaces.generators.terraform_azure import (
    COSMOS_DATA_CONTRIBUTOR,
    HTTPS_BACKENDS,
    LOAD_BALANCERS,
    PRIVATE_DNS_ZONES,
    VIRTUAL_MACHINES,
    address_prefix,
    check_one_per_network,
    private_link_target,
    recurrence_of,
    subnet_delegation,
    subnet_ingress,
    timer_schedule,
)

TYPES = {
    "vnet": "Microsoft.Network/virtualNetworks@2023-11-01",
    "subnet": "Microsoft.Network/virtualNetworks/subnets@2023-11-01",
    "nsg": "Microsoft.Network/networkSecurityGroups@2023-11-01",
    "pip": "Microsoft.Network/publicIPAddresses@2023-11-01",
    "nat": "Microsoft.Network/natGateways@2023-11-01",
    "routes": "Microsoft.Network/routeTables@2023-11-01",
    "pe": "Microsoft.Network/privateEndpoints@2023-11-01",
    "pe_zones": "Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2023-11-01",
    "dns_private": "Microsoft.Network/privateDnsZones@2020-06-01",
    "dns_link": "Microsoft.Network/privateDnsZones/virtualNetworkLinks@2020-06-01",
    "firewall": "Microsoft.Network/azureFirewalls@2023-11-01",
    "firewall_policy": "Microsoft.Network/firewallPolicies@2023-11-01",
    "bastion": "Microsoft.Network/bastionHosts@2023-11-01",
    "nic": "Microsoft.Network/networkInterfaces@2023-11-01",
    "appgw": "Microsoft.Network/applicationGateways@2023-11-01",
    "lb": "Microsoft.Network/loadBalancers@2023-11-01",
    "dns": "Microsoft.Network/dnsZones@2018-05-01",
    "vm": "Microsoft.Compute/virtualMachines@2024-03-01",
    "plan": "Microsoft.Web/serverfarms@2023-12-01",
    "site": "Microsoft.Web/sites@2023-12-01",
    "storage": "Microsoft.Storage/storageAccounts@2023-05-01",
    "aci": "Microsoft.ContainerInstance/containerGroups@2023-05-01",
    "aks": "Microsoft.ContainerService/managedClusters@2024-02-01",
    "apim": "Microsoft.ApiManagement/service@2022-08-01",
    "apim_api": "Microsoft.ApiManagement/service/apis@2022-08-01",
    "apim_operation": "Microsoft.ApiManagement/service/apis/operations@2022-08-01",
    "afd": "Microsoft.Cdn/profiles@2024-02-01",
    "afd_endpoint": "Microsoft.Cdn/profiles/afdEndpoints@2024-02-01",
    "afd_group": "Microsoft.Cdn/profiles/originGroups@2024-02-01",
    "afd_origin": "Microsoft.Cdn/profiles/originGroups/origins@2024-02-01",
    "afd_route": "Microsoft.Cdn/profiles/afdEndpoints/routes@2024-02-01",
    "postgres": "Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01",
    "sql": "Microsoft.Sql/servers@2021-11-01",
    "sql_db": "Microsoft.Sql/servers/databases@2021-11-01",
    "redis": "Microsoft.Cache/redis@2023-08-01",
    "cosmos": "Microsoft.DocumentDB/databaseAccounts@2024-05-15",
    "cosmos_db": "Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-05-15",
    "cosmos_container": "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15",
    "cosmos_role": "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-05-15",
    "servicebus": "Microsoft.ServiceBus/namespaces@2021-11-01",
    "queue": "Microsoft.ServiceBus/namespaces/queues@2021-11-01",
    "eventhubs": "Microsoft.EventHub/namespaces@2024-01-01",
    "eventhub": "Microsoft.EventHub/namespaces/eventhubs@2024-01-01",
    "topic": "Microsoft.EventGrid/topics@2022-06-15",
    "subscription": "Microsoft.EventGrid/topics/eventSubscriptions@2022-06-15",
    "logic": "Microsoft.Logic/workflows@2019-05-01",
    "vault": "Microsoft.KeyVault/vaults@2023-07-01",
    "identity": "Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31",
    "workspace": "Microsoft.OperationalInsights/workspaces@2023-09-01",
    "role": "Microsoft.Authorization/roleAssignments@2022-04-01",
}
# Built-in role definition ids (the same roles the Terraform generator assigns by name).
ROLE_IDS = {
    "Storage Blob Data Contributor": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    "Azure Service Bus Data Sender": "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39",
    "Azure Service Bus Data Receiver": "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0",
    "Azure Event Hubs Data Sender": "2b629674-e913-4c01-ae53-ef4638d8f975",
    "Azure Event Hubs Data Receiver": "a638d3c7-ab3a-418d-83e6-5f17a39d4fde",
    "EventGrid Data Sender": "d5a91429-5739-47e2-a06b-3470a27159e7",
    "Key Vault Crypto User": "12338af0-0e69-4776-bea7-57ae8d297424",
    "Key Vault Secrets User": "4633458b-17de-408a-b874-0445c86b69e6",
    "Monitoring Metrics Publisher": "3913510d-42f4-4e42-8a64-420c390055eb",
}
ROLES_FOR_TARGET = {
    "blob_storage": "Storage Blob Data Contributor",
    "message_queue": "Azure Service Bus Data Sender",
    "event_hub": "Azure Event Hubs Data Sender",
    "event_bus": "EventGrid Data Sender",
    "key_vault": "Key Vault Crypto User",
    "secret_store": "Key Vault Secrets User",
    "monitoring": "Monitoring Metrics Publisher",
}
ROLES_FOR_SOURCE = {"message_queue": "Azure Service Bus Data Receiver", "event_hub": "Azure Event Hubs Data Receiver"}
PRIVATE_LINK = {
    "blob_storage": "blob",
    "relational_database": "postgresqlServer",
    "sql_database": "sqlServer",
    "cache_store": "redisCache",
    "cosmos_db": "Sql",
    "key_vault": "vault",
    "secret_store": "vault",
}
LOCATION = Expr("location")
PROJECT = Expr("projectName")


def _id(symbol_name: str) -> dict[str, Expr]:
    return {"id": Expr(f"{symbol_name}.id")}


class AzureBicep:
    def __init__(self, plan: Plan):
        self.plan = plan
        self.resources: list[Resource] = []
        self.params: list[Param] = []
        self.outputs: list[Output] = []
        self.private_zones: set[Any] = set()
        self.nsg_rules: dict[str, list[dict[str, Any]]] = {}
        self.nic_pools: dict[str, dict[str, list[Expr]]] = {}  # VM name → gateway/balancer pools, dependsOn

    # -- helpers ------------------------------------------------------------------------------

    def add(self, name: str, kind: str, body: dict[str, Any], count: int = 1) -> str:
        self.resources.append(Resource(symbol(name), TYPES[kind], body, count))
        return symbol(name)

    def sym(self, item: Item, suffix: str = "") -> str:
        return symbol(item.name + suffix)

    def name(self, item: Item, suffix: str = "") -> Expr:
        return interpolate(PROJECT, f"-{item.slug}{suffix}")

    def param(self, name: str, type_: str, description: str, default: Any = None, secure: bool = False) -> None:
        if not any(existing.name == name for existing in self.params):
            self.params.append(Param(name, type_, description, default, secure))

    def output(self, item: Item, expression: str, suffix: str = "id", type_: str = "string") -> None:
        self.outputs.append(Output(f"{item.name}_{suffix}", type_, Expr(expression)))

    def placed(self, item: Item, resource_type: str, suffix: str = "", name: Expr | None = None, **body: Any) -> str:
        return self.add(item.name + suffix, resource_type, {"name": name or self.name(item, suffix.replace("_", "-")),
                                                    "location": LOCATION, **body})  # fmt: skip

    def unsupported_connection(self, item: Item, message: str) -> GenerationError:
        return GenerationError(
            f"{item.node.get('name') or item.name}: {message}", target_id=item.id, code="UNSUPPORTED_CONNECTION"
        )

    def address_prefix(self, subnet: Item) -> str:
        return address_prefix(self.plan, subnet)

    def children(self, container: Item) -> list[Item]:
        return [item for item in self.plan.resources if self.plan.parent(item) is container]

    def private(self, item: Item) -> bool:
        return self.plan.subnet(item) is not None and item.type in PRIVATE_LINK

    def identity(self, item: Item) -> dict[str, Any]:
        assigned = self.plan.targets(item, "identity_access", "managed_identity", "service_account")
        if not assigned:
            return {"type": "SystemAssigned"}
        return {
            "type": "SystemAssigned, UserAssigned",
            "userAssignedIdentities": {Expr(f"'${{{self.sym(identity)}.id}}'"): {} for identity in assigned},
        }

    def principal(self, item: Item) -> str:
        if item.type in VIRTUAL_MACHINES and item.count > 1:
            return f"{self.sym(item)}[i].identity.principalId"
        if item.type == "kubernetes_cluster":
            return f"{self.sym(item)}.properties.identityProfile.kubeletidentity.objectId"
        return f"{self.sym(item)}.identity.principalId"

    def host(self, item: Item, target: Item) -> Expr:
        if target.type in ("function_compute", "app_service"):
            return Expr(f"{self.sym(target)}.properties.defaultHostName")
        if target.type == "container_instances":
            return Expr(f"{self.sym(target)}.properties.ipAddress.ip")
        if target.type == "api_gateway":
            return Expr(f"replace({self.sym(target)}.properties.gatewayUrl, 'https://', '')")
        if target.type == "application_gateway":
            return Expr(f"{self.sym(target, '_ip')}.properties.ipAddress")
        raise self.unsupported_connection(item, f"it cannot route to a {target.type} on Azure.")

    def environment(self, item: Item) -> dict[str, Any]:
        env: dict[str, Any] = {}
        for target in [*self.plan.targets(item), *self.plan.sources(item, "message_queue", "event_hub")]:
            key, name = target.name.upper(), self.sym(target)
            if target.type == "relational_database":
                env[f"{key}_HOST"] = Expr(f"{name}.properties.fullyQualifiedDomainName")
                env[f"{key}_PORT"] = "5432"
            elif target.type == "sql_database":
                env[f"{key}_HOST"] = Expr(f"{name}.properties.fullyQualifiedDomainName")
                env[f"{key}_DATABASE"] = Expr(f"{self.sym(target, '_db')}.name")
            elif target.type == "cache_store":
                env[f"{key}_HOST"] = Expr(f"{name}.properties.hostName")
                env[f"{key}_PORT"] = Expr(f"string({name}.properties.sslPort)")
            elif target.type == "blob_storage":
                env[f"{key}_ACCOUNT_URL"] = Expr(f"{name}.properties.primaryEndpoints.blob")
            elif target.type == "cosmos_db":
                env[f"{key}_ENDPOINT"] = Expr(f"{name}.properties.documentEndpoint")
                env[f"{key}_DATABASE"] = Expr(f"{self.sym(target, '_db')}.name")
            elif target.type in ("message_queue", "event_hub"):
                env[f"{key}__fullyQualifiedNamespace"] = interpolate(Expr(f"{name}.name"), ".servicebus.windows.net")
                suffix = "_QUEUE" if target.type == "message_queue" else "_EVENTHUB"
                env[f"{key}{suffix}"] = Expr(f"{self.sym(target, '_entity')}.name")
            elif target.type == "event_bus":
                env[f"{key}_TOPIC_ENDPOINT"] = Expr(f"{name}.properties.endpoint")
            elif target.type in ("key_vault", "secret_store"):
                env[f"{key}_VAULT_URI"] = Expr(f"{name}.properties.vaultUri")
            elif target.type == "monitoring":
                env[f"{key}_WORKSPACE_ID"] = Expr(f"{name}.properties.customerId")
        return env

    def role_assignments(self, item: Item) -> None:
        grants = [(t, "", ROLES_FOR_TARGET[t.type]) for t in self.plan.targets(item) if t.type in ROLES_FOR_TARGET]
        grants += [(s, "_receiver", ROLES_FOR_SOURCE[s.type]) for s in self.plan.sources(item)
                   if s.type in ROLES_FOR_SOURCE]  # fmt: skip
        several = item.type in VIRTUAL_MACHINES and item.count > 1
        who = f"{self.sym(item)}[i].id" if several else f"{self.sym(item)}.id"
        for other, suffix, role in grants:
            role_id = ROLE_IDS[role]
            self.add(
                f"{item.name}_{other.name}{suffix}_role",
                "role",
                {
                    "name": Expr(f"guid({self.sym(other)}.id, {who}, '{role_id}')"),
                    "scope": Expr(self.sym(other)),
                    "properties": {
                        "roleDefinitionId": Expr(
                            f"subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '{role_id}')"
                        ),
                        "principalId": Expr(self.principal(item)),
                        "principalType": "ServicePrincipal",
                    },
                },
                count=item.count if several else 1,
            )
        for database in self.plan.targets(item, "cosmos_db"):
            account = self.sym(database)
            self.add(
                f"{item.name}_{database.name}_data_role",
                "cosmos_role",
                {
                    "parent": Expr(account),
                    "name": Expr(f"guid({account}.id, {who}, '{COSMOS_DATA_CONTRIBUTOR}')"),
                    "properties": {
                        "roleDefinitionId": Expr(f"'${{{account}.id}}/sqlRoleDefinitions/{COSMOS_DATA_CONTRIBUTOR}'"),
                        "principalId": Expr(self.principal(item)),
                        "scope": Expr(f"{account}.id"),
                    },
                },
                count=item.count if several else 1,
            )

    def private_endpoint_for(self, item: Item, named: Item | None = None, subnet: Item | None = None) -> None:
        """A private endpoint for `item` (in its subnet, or `subnet`) registered in its privatelink zone."""
        named = named or item
        subnet = subnet or self.plan.subnet(item)
        group = PRIVATE_LINK[item.type]
        zone = f"privatelink_{group.lower()}"
        network = self.plan.network(subnet)
        if zone not in self.private_zones:
            self.private_zones.add(zone)
            self.add(zone, "dns_private", {"name": PRIVATE_DNS_ZONES[group], "location": "global"})
        if (zone, network.name) not in self.private_zones:
            self.private_zones.add((zone, network.name))
            self.add(
                f"{zone}_{network.name}",
                "dns_link",
                {
                    "parent": Expr(zone),
                    "name": network.slug,
                    "location": "global",
                    "properties": {"virtualNetwork": _id(self.sym(network)), "registrationEnabled": False},
                },
            )
        endpoint = named.name if named is not item else f"{item.name}_endpoint"
        self.add(
            endpoint,
            "pe",
            {
                "name": self.name(named, "" if named is not item else "-endpoint"),
                "location": LOCATION,
                "properties": {
                    "subnet": _id(self.sym(subnet)),
                    "privateLinkServiceConnections": [
                        {
                            "name": "connection",
                            "properties": {"privateLinkServiceId": Expr(f"{self.sym(item)}.id"), "groupIds": [group]},
                        }
                    ],
                },
            },
        )
        self.add(
            f"{endpoint}_zone",
            "pe_zones",
            {
                "parent": Expr(symbol(endpoint)),
                "name": "default",
                "properties": {
                    "privateDnsZoneConfigs": [
                        {"name": "config", "properties": {"privateDnsZoneId": Expr(f"{zone}.id")}}
                    ]
                },
            },
        )

    def add_public_ip(self, item: Item, suffix: str = "_ip") -> str:
        return self.placed(
            item, "pip", suffix, sku={"name": "Standard"}, properties={"publicIPAllocationMethod": "Static"}
        )

    def need_db_params(self) -> None:
        self.param("dbAdminUsername", "string", "Administrator login of the databases.", "dbadmin")
        self.param("dbAdminPassword", "string", "Administrator password of the databases.", secure=True)

    # -- network --------------------------------------------------------------------------------

    def virtual_network(self, item: Item) -> None:
        prefix = f"10.{self.plan.index_of(item) - 1}.0.0/16"
        self.placed(item, "vnet", properties={"addressSpace": {"addressPrefixes": [prefix]}})
        self.output(item, f"{self.sym(item)}.id")

    def subnet(self, item: Item) -> None:
        children = self.children(item)
        service = subnet_delegation(self.plan, item)
        drawn = [child for child in children if child.type == "network_security_group"]
        nsg = self.sym(drawn[0]) if drawn else self.sym(item, "_nsg")
        nat = next((c for c in children if c.type in ("nat_gateway", "outbound_access")), None)
        routes = next((c for c in children if c.type == "route_table"), None)
        properties: dict[str, Any] = {"addressPrefix": self.address_prefix(item), "networkSecurityGroup": _id(nsg)}
        if nat:
            properties["natGateway"] = _id(self.sym(nat))
        if routes:
            properties["routeTable"] = _id(self.sym(routes))
        if service:
            properties["delegations"] = [{"name": service.split("/")[-1], "properties": {"serviceName": service}}]
        network = self.plan.network(item)
        body: dict[str, Any] = {"parent": Expr(self.sym(network)), "name": self.name(item), "properties": properties}
        siblings = self.plan.subnets_of(network)
        if siblings.index(item) > 0:
            # Subnets of one network are written one after another; Azure refuses concurrent subnet updates.
            body["dependsOn"] = [Expr(self.sym(siblings[siblings.index(item) - 1]))]
        self.add(item.name, "subnet", body)
        if not drawn:
            self.nsg_rules[nsg] = []
            self.placed(item, "nsg", "_nsg", properties={"securityRules": Expr(f"{nsg}_rules")})
        self.output(item, f"{self.sym(item)}.id")

    def nsg_rules_collect(self) -> None:
        """The rules of every subnet's NSG: exactly the connections into the subnet's blocks."""
        for subnet in self.plan.containers:
            if subnet.type != "subnet":
                continue
            children = self.children(subnet)
            drawn = [child for child in children if child.type == "network_security_group"]
            nsg = self.sym(drawn[0]) if drawn else self.sym(subnet, "_nsg")
            allowed = subnet_ingress(self.plan, subnet)
            self.nsg_rules[nsg] = [
                {
                    "name": f"from-{source.replace('_', '-')}-{port}",
                    "properties": {
                        "priority": 100 + 10 * index,
                        "direction": "Inbound",
                        "access": "Allow",
                        "protocol": "Tcp",
                        "sourcePortRange": "*",
                        "destinationPortRange": "65200-65535" if port == 65200 else str(port),
                        "sourceAddressPrefix": prefix,
                        "destinationAddressPrefix": "*",
                    },
                }
                for index, ((prefix, port), source) in enumerate(allowed.items())
            ]

    def network_security_group(self, item: Item) -> None:
        self.nsg_rules.setdefault(self.sym(item), [])
        self.placed(item, "nsg", properties={"securityRules": Expr(f"{self.sym(item)}_rules")})
        self.output(item, f"{self.sym(item)}.id")

    def nat_gateway(self, item: Item) -> None:
        address = self.add_public_ip(item)
        self.placed(item, "nat", sku={"name": "Standard"}, properties={"publicIpAddresses": [_id(address)]})
        self.output(item, f"{self.sym(item)}.id")

    outbound_access = nat_gateway

    def public_ip(self, item: Item) -> None:
        self.add_public_ip(item, "")
        self.output(item, f"{self.sym(item)}.properties.ipAddress", "ip_address")

    def route_table(self, item: Item) -> None:
        self.placed(item, "routes", properties={"disableBgpRoutePropagation": False})
        self.output(item, f"{self.sym(item)}.id")

    def private_endpoint(self, item: Item) -> None:
        subnet = self.plan.subnet(item)
        self.private_endpoint_for(private_link_target(self.plan, item), named=item, subnet=subnet)
        self.output(item, f"{self.sym(item)}.id")

    def dedicated_subnet(self, item: Item, azure_name: str, third_octet: int) -> str:
        check_one_per_network(self.plan, item, azure_name)
        network = self.plan.network(item)
        return self.add(
            f"{item.name}_subnet",
            "subnet",
            {
                "parent": Expr(self.sym(network)),
                "name": azure_name,
                "properties": {"addressPrefix": f"10.{self.plan.index_of(network) - 1}.{third_octet}.0/26"},
                "dependsOn": [Expr(self.sym(s)) for s in self.plan.subnets_of(network)[-1:]],
            },
        )

    def firewall_security(self, item: Item) -> None:
        subnet = self.dedicated_subnet(item, "AzureFirewallSubnet", 250)
        address = self.add_public_ip(item)
        policy = self.placed(item, "firewall_policy", "_policy", properties={"sku": {"tier": "Standard"}})
        self.placed(
            item,
            "firewall",
            properties={
                "sku": {"name": "AZFW_VNet", "tier": "Standard"},
                "firewallPolicy": _id(policy),
                "ipConfigurations": [
                    {"name": "configuration", "properties": {"subnet": _id(subnet), "publicIPAddress": _id(address)}}
                ],
            },
        )
        self.output(item, f"{self.sym(item)}.properties.ipConfigurations[0].properties.privateIPAddress", "private_ip")

    def bastion_host(self, item: Item) -> None:
        subnet = self.dedicated_subnet(item, "AzureBastionSubnet", 251)
        address = self.add_public_ip(item)
        self.placed(
            item,
            "bastion",
            sku={"name": "Basic"},
            properties={
                "ipConfigurations": [
                    {"name": "configuration", "properties": {"subnet": _id(subnet), "publicIPAddress": _id(address)}}
                ]
            },
        )
        self.output(item, f"{self.sym(item)}.properties.dnsName", "dns_name")

    def key_vault(self, item: Item) -> None:
        self.placed(
            item,
            "vault",
            name=Expr(f"take('${{projectName}}-{item.slug}', 24)"),
            properties={
                "tenantId": Expr("subscription().tenantId"),
                "sku": {"family": "A", "name": "standard"},
                "enableRbacAuthorization": True,
                "enablePurgeProtection": True,
                "softDeleteRetentionInDays": 7,
                "publicNetworkAccess": "Disabled" if self.private(item) else "Enabled",
            },
        )
        if self.private(item):
            self.private_endpoint_for(item)
        self.output(item, f"{self.sym(item)}.properties.vaultUri", "vault_uri")

    secret_store = key_vault

    def identity_access(self, item: Item) -> None:
        self.placed(item, "identity")
        self.output(item, f"{self.sym(item)}.properties.principalId", "principal_id")

    managed_identity = identity_access
    service_account = identity_access

    def monitoring(self, item: Item) -> None:
        self.placed(item, "workspace", properties={"sku": {"name": "PerGB2018"}, "retentionInDays": 30})
        self.output(item, f"{self.sym(item)}.properties.customerId", "workspace_id")

    # -- compute --------------------------------------------------------------------------------

    def virtual_machine(self, item: Item) -> None:
        self.param("adminSshPublicKey", "string", "SSH public key of the virtual machines' admin user.")
        several = item.count > 1
        index = "[i]" if several else ""
        numbered: tuple[str | Expr, ...] = ("-", Expr("i")) if several else ()
        pools = self.nic_pools.get(item.name, {})
        configuration: dict[str, Any] = {
            "subnet": _id(self.sym(self.plan.subnet(item))),
            "privateIPAllocationMethod": "Dynamic",
        }
        if pools.get("gateway"):
            configuration["applicationGatewayBackendAddressPools"] = [{"id": pool} for pool in pools["gateway"]]
        if pools.get("balancer"):
            configuration["loadBalancerBackendAddressPools"] = [{"id": pool} for pool in pools["balancer"]]
        nic = self.add(
            f"{item.name}_nic",
            "nic",
            {
                "name": interpolate(PROJECT, f"-{item.slug}-nic", *numbered),
                "location": LOCATION,
                "properties": {"ipConfigurations": [{"name": "internal", "properties": configuration}]},
                # Pools are referenced by id, which Bicep does not see as a dependency.
                "dependsOn": pools.get("dependsOn"),
            },
            count=item.count,
        )
        env = self.environment(item)
        os_profile: dict[str, Any] = {
            "computerName": interpolate(f"{item.slug[:12]}", *numbered),
            "adminUsername": "azureuser",
            "linuxConfiguration": {
                "disablePasswordAuthentication": True,
                "ssh": {
                    "publicKeys": [
                        {"path": "/home/azureuser/.ssh/authorized_keys", "keyData": Expr("adminSshPublicKey")}
                    ]
                },
            },
        }
        if env:
            parts: list[str | Expr] = ["#!/bin/bash\n"]
            for key, setting in env.items():
                parts += [f'echo "{key}=', setting, '" >> /etc/environment\n']
            os_profile["customData"] = Expr(f"base64({interpolate(*parts).text})")
        self.add(
            item.name,
            "vm",
            {
                "name": interpolate(PROJECT, f"-{item.slug}", *numbered),
                "location": LOCATION,
                "identity": self.identity(item),
                "properties": {
                    "hardwareProfile": {"vmSize": item.config.get("vmSize", "Standard_B2s")},
                    "osProfile": os_profile,
                    "storageProfile": {
                        "imageReference": {
                            "publisher": "Canonical",
                            "offer": "ubuntu-24_04-lts",
                            "sku": "server",
                            "version": "latest",
                        },
                        "osDisk": {"createOption": "FromImage", "managedDisk": {"storageAccountType": "Standard_LRS"}},
                    },
                    "networkProfile": {"networkInterfaces": [{"id": Expr(f"{nic}{index}.id")}]},
                },
            },
            count=item.count,
        )
        self.role_assignments(item)
        if several:
            self.output(item, f"[for i in range(0, {item.count}): {self.sym(item)}[i].id]", "ids", "array")
        else:
            self.output(item, f"{self.sym(item)}.id")

    web_compute = virtual_machine
    app_compute = virtual_machine

    def web_site(self, item: Item, kind: str, plan_sku: dict[str, str], site_config: dict[str, Any],
                 settings: list[dict[str, Any]]) -> None:  # fmt: skip
        subnet = self.plan.subnet(item)
        plan = self.placed(item, "plan", "_plan", sku=plan_sku, kind="linux", properties={"reserved": True})
        self.placed(
            item,
            "site",
            kind=kind,
            identity=self.identity(item),
            properties={
                "serverFarmId": Expr(f"{plan}.id"),
                "httpsOnly": True,
                "virtualNetworkSubnetId": Expr(f"{self.sym(subnet)}.id") if subnet else None,
                "siteConfig": {**site_config, "vnetRouteAllEnabled": True if subnet else None, "appSettings": settings},
            },
        )
        self.role_assignments(item)
        self.output(item, f"{self.sym(item)}.properties.defaultHostName", "hostname")

    def function_compute(self, item: Item) -> None:
        subnet = self.plan.subnet(item)
        files = self.placed(
            item,
            "storage",
            "_files",
            name=Expr(f"take(replace(toLower('${{projectName}}{item.slug}'), '-', ''), 22)"),
            sku={"name": "Standard_LRS"},
            kind="StorageV2",
            properties={"minimumTlsVersion": "TLS1_2", "allowBlobPublicAccess": False},
        )
        connection = Expr(
            f"'DefaultEndpointsProtocol=https;AccountName=${{{files}.name}};"
            f"AccountKey=${{{files}.listKeys().keys[0].value}};EndpointSuffix=${{environment().suffixes.storage}}'"
        )
        settings = [
            {"name": "AzureWebJobsStorage", "value": connection},
            {"name": "FUNCTIONS_EXTENSION_VERSION", "value": "~4"},
            {"name": "FUNCTIONS_WORKER_RUNTIME", "value": "python"},
            *({"name": key, "value": setting} for key, setting in self.environment(item).items()),
            *(
                {"name": f"{s.name.upper()}_SCHEDULE", "value": timer_schedule(s)}
                for s in self.plan.sources(item, "scheduler")
            ),
        ]
        plan_sku = {"name": "EP1", "tier": "ElasticPremium"} if subnet else {"name": "Y1", "tier": "Dynamic"}
        version = item.config.get("pythonVersion", "3.12")
        self.web_site(item, "functionapp,linux", plan_sku, {"linuxFxVersion": f"Python|{version}"}, settings)

    def app_service(self, item: Item) -> None:
        image = item.config.get("image", "nginx:stable")
        settings = [{"name": key, "value": setting} for key, setting in self.environment(item).items()]
        sku = {"name": item.config.get("sku", "B1"), "tier": "Basic"}
        self.web_site(item, "app,linux,container", sku, {"linuxFxVersion": f"DOCKER|{image}"}, settings)

    def container_instances(self, item: Item) -> None:
        subnet = self.plan.subnet(item)
        image = f"{item.name}Image".replace("_", "")
        self.param(image, "string", f"Container image of {item.node.get('name') or item.name}.",
                   item.config.get("image", "mcr.microsoft.com/azuredocs/aci-helloworld:latest"))  # fmt: skip
        container = {
            "name": item.slug,
            "properties": {
                "image": Expr(image),
                "resources": {"requests": {"cpu": 1, "memoryInGB": Expr("json('1.5')")}},
                "ports": [{"port": 80, "protocol": "TCP"}],
                "environmentVariables": [{"name": k, "value": v} for k, v in self.environment(item).items()] or None,
            },
        }
        self.placed(
            item,
            "aci",
            identity=self.identity(item),
            properties={
                "osType": "Linux",
                "containers": [container],
                "ipAddress": {"type": "Private" if subnet else "Public", "ports": [{"port": 80, "protocol": "TCP"}]},
                "subnetIds": [_id(self.sym(subnet))] if subnet else None,
            },
        )
        self.role_assignments(item)
        self.output(item, f"{self.sym(item)}.properties.ipAddress.ip", "ip_address")

    def kubernetes_cluster(self, item: Item) -> None:
        self.placed(
            item,
            "aks",
            identity={"type": "SystemAssigned"},
            properties={
                "dnsPrefix": self.name(item),
                "agentPoolProfiles": [
                    {
                        "name": "system",
                        "mode": "System",
                        "osType": "Linux",
                        "count": max(item.count, 2),
                        "vmSize": item.config.get("vmSize", "Standard_D2s_v5"),
                        "vnetSubnetID": Expr(f"{self.sym(self.plan.subnet(item))}.id"),
                    }
                ],
                "networkProfile": {"networkPlugin": "azure"},
            },
        )
        self.role_assignments(item)
        self.output(item, f"{self.sym(item)}.properties.fqdn", "fqdn")

    # -- delivery -------------------------------------------------------------------------------

    def application_gateway(self, item: Item) -> None:
        address = self.add_public_ip(item)
        gateway_name = f"'${{projectName}}-{item.slug}'"

        def child(kind: str, name: str) -> dict[str, Expr]:
            return {"id": Expr(f"resourceId('Microsoft.Network/applicationGateways/{kind}', {gateway_name}, '{name}')")}

        targets = self.plan.targets(item)
        pools, settings = [], []
        for target in targets or [None]:
            pool = target.name if target else "default"
            https = target is not None and target.type in HTTPS_BACKENDS
            addresses = None
            if target is not None and target.type not in VIRTUAL_MACHINES:
                addresses = [{"fqdn": self.host(item, target)}]
            pools.append({"name": pool, "properties": {"backendAddresses": addresses or []}})
            settings.append(
                {
                    "name": pool,
                    "properties": {
                        "port": 443 if https else 80,
                        "protocol": "Https" if https else "Http",
                        "cookieBasedAffinity": "Disabled",
                        "requestTimeout": 30,
                        "pickHostNameFromBackendAddress": True if addresses else None,
                    },
                }
            )
        names = [pool["name"] for pool in pools]
        rule: dict[str, Any] = {"priority": 10, "httpListener": child("httpListeners", "http")}
        path_maps = None
        if len(names) == 1:
            rule |= {"ruleType": "Basic", "backendAddressPool": child("backendAddressPools", names[0]),
                     "backendHttpSettings": child("backendHttpSettingsCollection", names[0])}  # fmt: skip
        else:
            rule |= {"ruleType": "PathBasedRouting", "urlPathMap": child("urlPathMaps", "paths")}
            path_maps = [
                {
                    "name": "paths",
                    "properties": {
                        "defaultBackendAddressPool": child("backendAddressPools", names[0]),
                        "defaultBackendHttpSettings": child("backendHttpSettingsCollection", names[0]),
                        "pathRules": [
                            {
                                "name": name,
                                "properties": {
                                    "paths": [f"/{name.replace('_', '-')}/*"],
                                    "backendAddressPool": child("backendAddressPools", name),
                                    "backendHttpSettings": child("backendHttpSettingsCollection", name),
                                },
                            }
                            for name in names
                        ],
                    },
                }
            ]
        self.placed(
            item,
            "appgw",
            properties={
                "sku": {"name": "Standard_v2", "tier": "Standard_v2", "capacity": 2},
                "gatewayIPConfigurations": [
                    {"name": "gateway", "properties": {"subnet": _id(self.sym(self.plan.subnet(item)))}}
                ],
                "frontendIPConfigurations": [{"name": "public", "properties": {"publicIPAddress": _id(address)}}],
                "frontendPorts": [{"name": "http", "properties": {"port": 80}}],
                "backendAddressPools": pools,
                "backendHttpSettingsCollection": settings,
                "httpListeners": [
                    {
                        "name": "http",
                        "properties": {
                            "frontendIPConfiguration": child("frontendIPConfigurations", "public"),
                            "frontendPort": child("frontendPorts", "http"),
                            "protocol": "Http",
                        },
                    }
                ],
                "urlPathMaps": path_maps,
                "requestRoutingRules": [{"name": "http", "properties": rule}],
            },
        )
        self.output(item, f"{address}.properties.ipAddress", "ip_address")

    def internal_load_balancer(self, item: Item) -> None:
        balancer_name = f"'${{projectName}}-{item.slug}'"

        def child(kind: str, name: str) -> dict[str, Expr]:
            return {"id": Expr(f"resourceId('Microsoft.Network/loadBalancers/{kind}', {balancer_name}, '{name}')")}

        frontend: dict[str, Any] = {}
        if item.type == "load_balancer":
            frontend["publicIPAddress"] = _id(self.add_public_ip(item))
        else:
            frontend["subnet"] = _id(self.sym(self.plan.subnet(item)))
        addresses = []
        for target in self.plan.targets(item):
            if target.type in VIRTUAL_MACHINES:
                continue
            if target.type == "container_instances" and self.plan.network(target) is not None:
                addresses.append(
                    {
                        "name": target.slug,
                        "properties": {
                            "ipAddress": self.host(item, target),
                            "virtualNetwork": _id(self.sym(self.plan.network(target))),
                        },
                    }
                )
            else:
                raise self.unsupported_connection(
                    item,
                    f"an Azure load balancer balances virtual machines or containers in the VNet, not a {target.type}.",
                )
        self.placed(
            item,
            "lb",
            sku={"name": "Standard"},
            properties={
                "frontendIPConfigurations": [{"name": "frontend", "properties": frontend}],
                "backendAddressPools": [
                    {"name": "backend", "properties": {"loadBalancerBackendAddresses": addresses or None}}
                ],
                "probes": [{"name": "http", "properties": {"protocol": "Tcp", "port": 80}}],
                "loadBalancingRules": [
                    {
                        "name": "http",
                        "properties": {
                            "protocol": "Tcp",
                            "frontendPort": 80,
                            "backendPort": 80,
                            "frontendIPConfiguration": child("frontendIPConfigurations", "frontend"),
                            "backendAddressPool": child("backendAddressPools", "backend"),
                            "probe": child("probes", "http"),
                        },
                    }
                ],
            },
        )
        self.output(item, f"{self.sym(item)}.id")

    load_balancer = internal_load_balancer

    def api_gateway(self, item: Item) -> None:
        self.param("apiPublisherEmail", "string", "Contact e-mail of the API Management publisher.", "api@example.com")
        service = self.placed(
            item,
            "apim",
            sku={"name": "Consumption", "capacity": 0},
            properties={"publisherEmail": Expr("apiPublisherEmail"), "publisherName": PROJECT},
        )
        for target in self.plan.targets(item):
            if target.type in LOAD_BALANCERS:
                raise self.unsupported_connection(
                    item, "Consumption API Management cannot reach a private load balancer."
                )
            scheme = "http" if target.type in ("application_gateway", "container_instances") else "https"
            path = "/api" if target.type == "function_compute" else ""
            api = self.add(
                f"{item.name}_{target.name}_api",
                "apim_api",
                {
                    "parent": Expr(service),
                    "name": target.slug,
                    "properties": {
                        "displayName": target.node.get("name") or target.name,
                        "path": target.slug,
                        "protocols": ["https"],
                        "serviceUrl": interpolate(f"{scheme}://", self.host(item, target), path),
                        "subscriptionRequired": False,
                    },
                },
            )
            for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
                self.add(
                    f"{item.name}_{target.name}_{method.lower()}",
                    "apim_operation",
                    {
                        "parent": Expr(api),
                        "name": f"{method.lower()}-all",
                        "properties": {"displayName": f"{method} /*", "method": method, "urlTemplate": "/*"},
                    },
                )
        self.output(item, f"{service}.properties.gatewayUrl", "gateway_url")

    def cdn_profile(self, item: Item) -> None:
        origins = self.plan.targets(item)
        if not origins:
            raise self.unsupported_connection(
                item, "a Front Door profile needs an origin; connect it to storage or a gateway."
            )
        profile = self.add(
            item.name,
            "afd",
            {"name": self.name(item), "location": "global", "sku": {"name": "Standard_AzureFrontDoor"}},
        )
        endpoint = self.add(
            f"{item.name}_endpoint",
            "afd_endpoint",
            {"parent": Expr(profile), "name": self.name(item), "location": "global",
             "properties": {"enabledState": "Enabled"}},
        )  # fmt: skip
        group = self.add(
            f"{item.name}_origins",
            "afd_group",
            {"parent": Expr(profile), "name": "origins",
             "properties": {"loadBalancingSettings": {"sampleSize": 4, "successfulSamplesRequired": 3}}},
        )  # fmt: skip
        origin_symbols = []
        for origin in origins:
            if origin.type == "blob_storage":
                host = Expr(
                    f"replace(replace({self.sym(origin)}.properties.primaryEndpoints.blob, 'https://', ''), '/', '')"
                )
            elif origin.type in ("application_gateway", "function_compute", "app_service"):
                host = self.host(item, origin)
            else:
                raise self.unsupported_connection(
                    item, f"Front Door serves storage, gateways and web apps, not a {origin.type}."
                )
            origin_symbols.append(
                self.add(
                    f"{item.name}_{origin.name}_origin",
                    "afd_origin",
                    {
                        "parent": Expr(group),
                        "name": origin.slug,
                        "properties": {
                            "hostName": host,
                            "originHostHeader": host,
                            "httpPort": 80,
                            "httpsPort": 443,
                            "enabledState": "Enabled",
                            "enforceCertificateNameCheck": origin.type != "application_gateway",
                        },
                    },
                )
            )
        self.add(
            f"{item.name}_route",
            "afd_route",
            {
                "parent": Expr(endpoint),
                "name": "default",
                "properties": {
                    "originGroup": _id(group),
                    "supportedProtocols": ["Http", "Https"],
                    "patternsToMatch": ["/*"],
                    "forwardingProtocol": "MatchRequest",
                    "linkToDefaultDomain": "Enabled",
                    "httpsRedirect": "Enabled",
                },
                "dependsOn": [Expr(name) for name in origin_symbols],
            },
        )
        self.output(item, f"{endpoint}.properties.hostName", "host_name")

    front_door = cdn_profile

    def dns_zone(self, item: Item) -> None:
        param = f"{item.name}Domain".replace("_", "")
        self.param(param, "string", f"Domain name of the {item.node.get('name') or item.name} zone.",
                   item.config.get("domain"))  # fmt: skip
        self.add(item.name, "dns", {"name": Expr(param), "location": "global"})
        self.output(item, f"{self.sym(item)}.properties.nameServers", "name_servers", "array")

    # -- data -----------------------------------------------------------------------------------

    def blob_storage(self, item: Item) -> None:
        served = bool(self.plan.sources(item, "cdn_profile", "front_door"))
        private = self.private(item) and not served
        self.placed(
            item,
            "storage",
            name=Expr(f"take(replace(toLower('${{projectName}}{item.slug}'), '-', ''), 24)"),
            sku={"name": "Standard_ZRS" if item.count > 1 else "Standard_LRS"},
            kind="StorageV2",
            properties={
                "minimumTlsVersion": "TLS1_2",
                "supportsHttpsTrafficOnly": True,
                # A CDN origin serves containers its owner makes public-read; every other account stays closed.
                "allowBlobPublicAccess": served,
                "publicNetworkAccess": "Disabled" if private else "Enabled",
            },
        )
        if private:
            self.private_endpoint_for(item)
        self.output(item, f"{self.sym(item)}.properties.primaryEndpoints.blob", "blob_endpoint")

    def relational_database(self, item: Item) -> None:
        self.need_db_params()
        redundant = item.count > 1
        self.placed(
            item,
            "postgres",
            sku={"name": "Standard_D2s_v3", "tier": "GeneralPurpose"}
            if redundant
            else {"name": "Standard_B1ms", "tier": "Burstable"},
            properties={
                "version": "16",
                "administratorLogin": Expr("dbAdminUsername"),
                "administratorLoginPassword": Expr("dbAdminPassword"),
                "storage": {"storageSizeGB": 32},
                "backup": {"backupRetentionDays": 7},
                "network": {"publicNetworkAccess": "Disabled"},
                "highAvailability": {"mode": "ZoneRedundant" if redundant else "Disabled"},
            },
        )
        if self.private(item):
            self.private_endpoint_for(item)
        self.output(item, f"{self.sym(item)}.properties.fullyQualifiedDomainName", "fqdn")

    def sql_database(self, item: Item) -> None:
        self.need_db_params()
        server = self.placed(
            item,
            "sql",
            properties={
                "administratorLogin": Expr("dbAdminUsername"),
                "administratorLoginPassword": Expr("dbAdminPassword"),
                "minimalTlsVersion": "1.2",
                "publicNetworkAccess": "Disabled",
            },
        )
        self.add(
            f"{item.name}_db",
            "sql_db",
            {"parent": Expr(server), "name": item.slug, "location": LOCATION,
             "sku": {"name": item.config.get("sku", "S0"), "tier": "Standard"},
             "properties": {"zoneRedundant": item.count > 1}},
        )  # fmt: skip
        if self.private(item):
            self.private_endpoint_for(item)
        self.output(item, f"{server}.properties.fullyQualifiedDomainName", "fqdn")

    def cache_store(self, item: Item) -> None:
        redundant = item.count > 1
        self.placed(
            item,
            "redis",
            properties={
                "sku": {"name": "Standard" if redundant else "Basic", "family": "C", "capacity": 1 if redundant else 0},
                "minimumTlsVersion": "1.2",
                "enableNonSslPort": False,
                "publicNetworkAccess": "Disabled",
            },
        )
        if self.private(item):
            self.private_endpoint_for(item)
        self.output(item, f"{self.sym(item)}.properties.hostName", "hostname")

    def cosmos_db(self, item: Item) -> None:
        account = self.placed(
            item,
            "cosmos",
            kind="GlobalDocumentDB",
            properties={
                "databaseAccountOfferType": "Standard",
                "consistencyPolicy": {"defaultConsistencyLevel": "Session"},
                "locations": [{"locationName": LOCATION, "failoverPriority": 0}],
                "capabilities": [{"name": "EnableServerless"}],
                "publicNetworkAccess": "Disabled" if self.private(item) else "Enabled",
            },
        )
        database = self.add(
            f"{item.name}_db",
            "cosmos_db",
            {"parent": Expr(account), "name": item.slug, "properties": {"resource": {"id": item.slug}}},
        )
        self.add(
            f"{item.name}_items",
            "cosmos_container",
            {
                "parent": Expr(database),
                "name": "items",
                "properties": {"resource": {"id": "items", "partitionKey": {"paths": ["/pk"], "kind": "Hash"}}},
            },
        )
        if self.private(item):
            self.private_endpoint_for(item)
        self.output(item, f"{account}.properties.documentEndpoint", "endpoint")

    # -- messaging ------------------------------------------------------------------------------

    def message_queue(self, item: Item) -> None:
        namespace = self.placed(item, "servicebus", sku={"name": "Standard", "tier": "Standard"})
        self.add(f"{item.name}_entity", "queue", {"parent": Expr(namespace), "name": item.slug})
        self.output(item, f"{self.sym(item, '_entity')}.id")

    def event_hub(self, item: Item) -> None:
        namespace = self.placed(item, "eventhubs", sku={"name": "Standard", "tier": "Standard", "capacity": 1})
        self.add(
            f"{item.name}_entity",
            "eventhub",
            {"parent": Expr(namespace), "name": item.slug,
             "properties": {"partitionCount": 2, "messageRetentionInDays": 1}},
        )  # fmt: skip
        self.output(item, f"{self.sym(item, '_entity')}.id")

    def event_bus(self, item: Item) -> None:
        topic = self.placed(item, "topic")
        for target in self.plan.targets(item):
            if target.type == "function_compute":
                function = target.config.get("eventGridFunction", "EventGridTrigger")
                endpoint = Expr(f"'${{{self.sym(target)}.id}}/functions/{function}'")
                destination = {"endpointType": "AzureFunction", "properties": {"resourceId": endpoint}}
            elif target.type in ("app_service", "container_instances"):
                url = interpolate("https://", self.host(item, target), "/events")
                destination = {"endpointType": "WebHook", "properties": {"endpointUrl": url}}
            else:
                raise self.unsupported_connection(
                    item, f"Event Grid delivers to functions and web endpoints, not a {target.type}."
                )
            self.add(
                f"{item.name}_{target.name}_subscription",
                "subscription",
                {
                    "parent": Expr(topic),
                    "name": f"{item.slug}-{target.slug}",
                    "properties": {"destination": destination},
                },
            )
        self.output(item, f"{topic}.properties.endpoint", "endpoint")

    def scheduler(self, item: Item) -> None:
        frequency, interval = recurrence_of(item)
        actions = {}
        for target in self.plan.targets(item):
            path = "/api/" + target.config.get("handler", "scheduled") if target.type == "function_compute" else "/"
            actions[f"call-{target.slug}"] = {
                "type": "Http",
                "inputs": {"method": "POST", "uri": interpolate("https://", self.host(item, target), path)},
            }
        self.placed(
            item,
            "logic",
            properties={
                "state": "Enabled",
                "definition": {
                    "$schema": "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/"
                    "workflowdefinition.json#",
                    "contentVersion": "1.0.0.0",
                    "triggers": {
                        "schedule": {"type": "Recurrence", "recurrence": {"frequency": frequency, "interval": interval}}
                    },
                    "actions": actions,
                },
            },
        )
        self.output(item, f"{self.sym(item)}.id")

    # -- assembly -------------------------------------------------------------------------------

    def generate(self) -> None:
        # Pool memberships live on network interfaces: collect them from the balancers first.
        for item in self.plan.resources:
            if item.type in ("application_gateway", "internal_load_balancer", "load_balancer"):
                self._collect_pools(item)
        for item in self.plan.containers:
            getattr(self, item.type)(item)
        self.nsg_rules_collect()
        for item in self.plan.resources:
            getattr(self, item.type)(item)

    def _collect_pools(self, item: Item) -> None:
        if item.type == "application_gateway":
            name = f"'${{projectName}}-{item.slug}'"
            for target in self.plan.targets(item, *VIRTUAL_MACHINES):
                pool = Expr(
                    f"resourceId('Microsoft.Network/applicationGateways/backendAddressPools', {name}, '{target.name}')"
                )
                pools = self.nic_pools.setdefault(target.name, {})
                pools.setdefault("gateway", []).append(pool)
                pools.setdefault("dependsOn", []).append(Expr(self.sym(item)))
        else:
            name = f"'${{projectName}}-{item.slug}'"
            pool = Expr(f"resourceId('Microsoft.Network/loadBalancers/backendAddressPools', {name}, 'backend')")
            for target in self.plan.targets(item, *VIRTUAL_MACHINES):
                pools = self.nic_pools.setdefault(target.name, {})
                pools.setdefault("balancer", []).append(pool)
                pools.setdefault("dependsOn", []).append(Expr(self.sym(item)))


def azure_bicep_files(plan: Plan, *, project_name: str, region: str, regions: tuple[str, ...]) -> dict[str, str]:
    generator = AzureBicep(plan)
    generator.generate()
    params = [
        Param("projectName", "string", "Prefix of every resource name.", project_name),
        Param("location", "string", "Azure region.", region, allowed=regions),
        *generator.params,
    ]
    variables = [f"var {name}_rules = {value(rules)}\n" for name, rules in generator.nsg_rules.items()]
    main = (
        "targetScope = 'resourceGroup'\n\n"
        + render(params)
        + "\n"
        + "\n".join(variables)
        + "\n"
        + render(generator.resources, generator.outputs)
    )
    lines = ["using './main.bicep'", ""]
    for param in params:
        if param.secure or param.default is None:
            variable = "".join(f"_{c}" if c.isupper() else c for c in param.name).upper()
            lines.append(f"param {param.name} = readEnvironmentVariable({quote(variable)})")
        else:
            lines.append(f"param {param.name} = {quote(param.default)}")
    return {"main.bicep": main, "main.bicepparam": "\n".join(lines) + "\n"}
