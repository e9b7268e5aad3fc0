"""Terraform for Azure: connections become NSG rules, private endpoints, app settings, role assignments and
event delivery; what Azure cannot host that way is refused by name."""

import pytest

from tests.workspaces.architectures import connect, corpus, node, three_tier
from tests.workspaces.generation import generate, resources_of
from workspaces.generators.plan import GenerationError


def azure(architecture) -> dict[str, dict]:
    return resources_of(generate(architecture, "azure"))


def test_three_tier_connections_become_nsg_rules_private_endpoints_settings_and_roles():
    resources = azure(three_tier())

    # Internet → gateway subnet on 80 (plus the gateway's own infrastructure ports); app subnet → data subnet on 5432.
    assert resources["azurerm_network_security_rule.ingress_subnet_from_internet_80"]["source_address_prefix"] == (
        "Internet"
    )
    manager = resources["azurerm_network_security_rule.ingress_subnet_from_gateway_manager_65200"]
    assert manager["destination_port_range"] == "65200-65535"
    database_rule = resources["azurerm_network_security_rule.data_subnet_from_app_subnet_5432"]
    assert (database_rule["source_address_prefix"], database_rule["destination_port_range"]) == ("10.0.2.0/24", "5432")
    assert database_rule["network_security_group_name"] == "${azurerm_network_security_group.data_subnet_nsg.name}"
    # The database and the storage account are reached through private endpoints in the data subnet.
    server = resources["azurerm_postgresql_flexible_server.azure_database_for_postgresql"]
    assert server["public_network_access_enabled"] is False
    endpoint = resources["azurerm_private_endpoint.azure_database_for_postgresql_endpoint"]
    assert endpoint["subnet_id"] == "${azurerm_subnet.data_subnet.id}"
    assert endpoint["private_service_connection"][0]["subresource_names"] == ["postgresqlServer"]
    assert endpoint["private_dns_zone_group"][0]["private_dns_zone_ids"] == [
        "${azurerm_private_dns_zone.privatelink_postgresqlserver.id}"
    ]
    assert resources["azurerm_private_dns_zone.privatelink_blob"]["name"] == "privatelink.blob.core.windows.net"
    # The VM is told where its database is and may write to the storage account with its own identity.
    vm = resources["azurerm_linux_virtual_machine.azure_vm"]
    assert "azurerm_postgresql_flexible_server.azure_database_for_postgresql.fqdn" in vm["custom_data"]
    assert vm["identity"][0]["type"] == "SystemAssigned"
    role = resources["azurerm_role_assignment.azure_vm_azure_blob_storage"]
    assert role["role_definition_name"] == "Storage Blob Data Contributor"
    assert role["principal_id"] == "${azurerm_linux_virtual_machine.azure_vm.identity[0].principal_id}"
    # The gateway sends traffic to the VM's network interface.
    association = resources[
        "azurerm_network_interface_application_gateway_backend_address_pool_association.azure_application_gateway_azure_vm"
    ]
    assert association["network_interface_id"] == "${azurerm_network_interface.azure_vm.id}"


def test_event_pipeline_is_wired_with_identities_subscriptions_and_schedules():
    resources = azure(corpus("template-event-driven-pipeline"))

    functions = resources["azurerm_linux_function_app.azure_functions"]
    namespace = functions["app_settings"]["AZURE_SERVICE_BUS__fullyQualifiedNamespace"]
    assert namespace == "${azurerm_servicebus_namespace.azure_service_bus.name}.servicebus.windows.net"
    # It both sends to and is triggered by the queue: two roles, two assignments.
    assert resources["azurerm_role_assignment.azure_functions_azure_service_bus"]["role_definition_name"] == (
        "Azure Service Bus Data Sender"
    )
    assert (
        resources["azurerm_role_assignment.azure_functions_azure_service_bus_receiver"]["role_definition_name"]
        == "Azure Service Bus Data Receiver"
    )
    subscription = resources["azurerm_eventgrid_event_subscription.azure_event_grid_azure_functions"]
    assert subscription["azure_function_endpoint"][0]["function_id"] == (
        "${azurerm_linux_function_app.azure_functions.id}/functions/EventGridTrigger"
    )
    recurrence = resources["azurerm_logic_app_trigger_recurrence.azure_functions_timer_trigger"]
    assert (recurrence["frequency"], recurrence["interval"]) == ("Minute", 5)
    call = resources["azurerm_logic_app_action_http.azure_functions_timer_trigger_azure_functions_batch"]
    assert call["uri"] == "https://${azurerm_linux_function_app.azure_functions_batch.default_hostname}/api/scheduled"
    batch = resources["azurerm_linux_function_app.azure_functions_batch"]
    assert batch["app_settings"]["AZURE_FUNCTIONS_TIMER_TRIGGER_SCHEDULE"] == "0 */5 * * * *"
    # Functions in a subnet are VNet-integrated: Elastic Premium plan and a subnet delegated to them.
    assert resources["azurerm_service_plan.azure_functions_plan"]["sku_name"] == "EP1"
    assert functions["virtual_network_subnet_id"] == "${azurerm_subnet.functions_subnet.id}"
    delegation = resources["azurerm_subnet.functions_subnet"]["delegation"][0]["service_delegation"][0]
    assert delegation["name"] == "Microsoft.Web/serverFarms"


def test_aggregated_virtual_machines_each_get_an_interface_and_a_backend_membership():
    architecture = three_tier()
    architecture["nodes"][5]["aggregation"] = {"mode": "count", "count": 3}

    resources = azure(architecture)

    assert resources["azurerm_network_interface.azure_vm"]["count"] == 3
    assert resources["azurerm_linux_virtual_machine.azure_vm"]["count"] == 3
    association = resources[
        "azurerm_network_interface_application_gateway_backend_address_pool_association.azure_application_gateway_azure_vm"
    ]
    assert (association["count"], association["network_interface_id"]) == (
        3,
        "${azurerm_network_interface.azure_vm[count.index].id}",
    )
    assert resources["azurerm_role_assignment.azure_vm_azure_blob_storage"]["count"] == 3


def test_a_function_sharing_its_subnet_with_a_vm_is_refused_by_name():
    architecture = three_tier()
    architecture["nodes"].append(node("fn", "function_compute", "compute", "container-tmpl-app", x=4))

    with pytest.raises(GenerationError) as failure:
        generate(architecture, "azure")

    assert failure.value.code == "UNSUPPORTED_BLOCK"
    assert failure.value.target_id == "block-tmpl-compute"
    assert "delegated to Microsoft.Web/serverFarms" in failure.value.message


def test_a_second_firewall_in_one_virtual_network_is_refused_by_name():
    architecture = three_tier()
    architecture["nodes"] += [
        node("fw-1", "firewall_security", "security", "container-tmpl-app", x=4),
        node("fw-2", "firewall_security", "security", "container-tmpl-private", x=4),
    ]

    with pytest.raises(GenerationError) as failure:
        generate(architecture, "azure")

    assert (failure.value.code, failure.value.target_id) == ("UNSUPPORTED_BLOCK", "fw-2")


def test_a_load_balancer_in_front_of_storage_is_refused_by_name():
    architecture = three_tier()
    architecture["nodes"].append(node("ilb", "internal_load_balancer", "delivery", "container-tmpl-app", x=4))
    architecture["connections"].append(connect("ilb", "block-tmpl-storage"))

    with pytest.raises(GenerationError) as failure:
        generate(architecture, "azure")

    assert (failure.value.code, failure.value.target_id) == ("UNSUPPORTED_CONNECTION", "ilb")
