"""Bicep for Azure: every corpus file, template and palette block generates a main.bicep that parses
(tree-sitter-bicep) and a main.bicepparam for it; the wiring is ARM's (subnet NSGs, NIC pool memberships,
role assignments by built-in role id); output is deterministic and pinned by a golden copy."""

import re
from pathlib import Path

import pytest
import tree_sitter_bicep
from tree_sitter import Language, Parser

from templates.architectures import BUILTIN_TEMPLATES, for_provider
from tests.workspaces.architectures import CORPUS, corpus, node, three_tier
from tests.workspaces.generation import generate, palette_architecture
from workspaces.generators.plan import GenerationError

GOLDEN = Path(__file__).with_name("golden") / "three-tier-bicep-azure"
PARSER = Parser(Language(tree_sitter_bicep.language()))
RESOURCE = re.compile(r"^resource (\w+) '([^']+)' = ", re.MULTILINE)


def bicep(architecture, **options) -> dict[str, str]:
    return generate(architecture, "azure", generator="bicep", **options)


def parses(source: str) -> bool:
    # tree-sitter-bicep starts a block comment at `/*` even inside a string ('/*' is a URL pattern here);
    # Bicep itself does not, and we write no comments, so the pattern is spaced out before parsing.
    return not PARSER.parse(source.replace("/*", "/ *").encode()).root_node.has_error


def resources(files: dict[str, str]) -> dict[str, str]:
    """symbol → 'Type@version' of every resource in main.bicep."""
    return dict(RESOURCE.findall(files["main.bicep"]))


def declaration(files: dict[str, str], symbol: str) -> str:
    """The text of one resource declaration."""
    match = re.search(rf"^resource {symbol} .*?^\S", files["main.bicep"] + "\n#", re.MULTILINE | re.DOTALL)
    return match.group(0)


ARCHITECTURES = {
    **{name: corpus(name) for name in CORPUS},
    **{template.slug: for_provider(template.architecture, "azure") for template in BUILTIN_TEMPLATES},
    "palette": palette_architecture(),
}


@pytest.mark.parametrize("name", ARCHITECTURES)
def test_every_architecture_generates_bicep_that_parses(name):
    files = bicep(ARCHITECTURES[name])

    assert sorted(files) == ["main.bicep", "main.bicepparam"]
    assert files["main.bicep"].startswith("targetScope = 'resourceGroup'\n")
    assert parses(files["main.bicep"])
    symbols = list(resources(files))
    assert len(symbols) == len(set(symbols)), "a symbolic name is declared twice"
    # Every parameter without a default is set in main.bicepparam, from the environment.
    params = files["main.bicepparam"].splitlines()
    assert params[0] == "using './main.bicep'"
    required = re.findall(r"^param (\w+) \w+$", files["main.bicep"], re.MULTILINE)
    for name_ in required:
        assert any(line.startswith(f"param {name_} = readEnvironmentVariable(") for line in params)


def test_the_palette_maps_every_block_to_its_azure_service():
    types = {kind.split("@")[0] for kind in resources(bicep(palette_architecture())).values()}

    assert {
        "Microsoft.Compute/virtualMachines",
        "Microsoft.Web/sites",
        "Microsoft.ContainerInstance/containerGroups",
        "Microsoft.ContainerService/managedClusters",
        "Microsoft.Network/applicationGateways",
        "Microsoft.Network/loadBalancers",
        "Microsoft.ApiManagement/service",
        "Microsoft.Cdn/profiles",
        "Microsoft.Network/dnsZones",
        "Microsoft.Storage/storageAccounts",
        "Microsoft.DBforPostgreSQL/flexibleServers",
        "Microsoft.Sql/servers",
        "Microsoft.Cache/redis",
        "Microsoft.DocumentDB/databaseAccounts",
        "Microsoft.ServiceBus/namespaces",
        "Microsoft.EventHub/namespaces",
        "Microsoft.EventGrid/topics",
        "Microsoft.Logic/workflows",
        "Microsoft.KeyVault/vaults",
        "Microsoft.Network/azureFirewalls",
        "Microsoft.Network/bastionHosts",
        "Microsoft.Network/natGateways",
        "Microsoft.Network/routeTables",
        "Microsoft.Network/privateEndpoints",
        "Microsoft.Network/publicIPAddresses",
        "Microsoft.ManagedIdentity/userAssignedIdentities",
        "Microsoft.OperationalInsights/workspaces",
        "Microsoft.Authorization/roleAssignments",
    } <= types


def test_three_tier_wiring_is_expressed_the_arm_way():
    files = bicep(three_tier())

    # The data subnet carries its NSG, whose rules allow only the app subnet on 5432 (and 443 for storage).
    assert "networkSecurityGroup: {\n      id: data_subnet_nsg.id" in declaration(files, "data_subnet")
    rules = files["main.bicep"].split("var data_subnet_nsg_rules = ")[1].split("\n]\n")[0]
    assert rules.count("sourceAddressPrefix: '10.0.2.0/24'") == 2
    assert "destinationPortRange: '5432'" in rules
    # The VM's network interface is a member of the gateway's pool for it.
    nic = declaration(files, "azure_vm_nic")
    assert (
        "resourceId('Microsoft.Network/applicationGateways/backendAddressPools', "
        "'${projectName}-azure-application-gateway', 'azure_vm')"
    ) in nic
    # Storage Blob Data Contributor for the VM's identity, scoped to the storage account.
    role = declaration(files, "azure_vm_azure_blob_storage_role")
    assert "scope: azure_blob_storage" in role
    assert "'ba92f5b4-2d11-453d-a403-e96b0029c9fe'" in role
    assert "principalId: azure_vm.identity.principalId" in role
    # The database is private and resolvable through its privatelink zone.
    assert "publicNetworkAccess: 'Disabled'" in declaration(files, "azure_database_for_postgresql")
    assert "privatelink.postgres.database.azure.com" in files["main.bicep"]
    assert "param dbAdminPassword = readEnvironmentVariable('DB_ADMIN_PASSWORD')" in files["main.bicepparam"]
    assert "@secure()\nparam dbAdminPassword string\n" in files["main.bicep"]


def test_aggregated_vms_are_loops_with_their_own_interfaces_and_roles():
    architecture = three_tier()
    architecture["nodes"][5]["aggregation"] = {"mode": "count", "count": 3}

    files = bicep(architecture)

    assert (
        "resource azure_vm 'Microsoft.Compute/virtualMachines@2024-03-01' = [for i in range(0, 3): {"
        in (files["main.bicep"])
    )
    assert "id: azure_vm_nic[i].id" in declaration(files, "azure_vm")
    assert "principalId: azure_vm[i].identity.principalId" in declaration(files, "azure_vm_azure_blob_storage_role")
    assert parses(files["main.bicep"])


def test_output_is_deterministic_and_matches_the_golden_copy():
    first = bicep(three_tier())

    assert first == bicep(three_tier())
    assert first == {path.name: path.read_text() for path in sorted(GOLDEN.iterdir())}


def test_what_azure_cannot_host_is_refused_by_name():
    architecture = three_tier()
    architecture["nodes"].append(node("fn", "function_compute", "compute", "container-tmpl-app", x=4))

    with pytest.raises(GenerationError) as failure:
        bicep(architecture)

    assert (failure.value.code, failure.value.target_id) == ("UNSUPPORTED_BLOCK", "block-tmpl-compute")
