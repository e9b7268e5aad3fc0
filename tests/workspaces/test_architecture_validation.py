"""The architecture model and its validation: corpus files load and validate; each rule fires where it should."""

import pytest

from tests.workspaces.architectures import CORPUS, connect, corpus, node, three_tier
from workspaces.architecture.model import architecture_load
from workspaces.architecture.validation import architecture_validate

APP_SUBNET = "container-tmpl-app"
DATA_SUBNET = "container-tmpl-private"
VNET = "container-tmpl-vnet"


def rule_ids(result: dict, severity: str = "errors") -> list[str]:
    return [issue["ruleId"] for issue in result[severity]]


@pytest.mark.parametrize("name", CORPUS)
@pytest.mark.parametrize("provider", ["azure", "aws", "gcp"])
def test_every_corpus_file_loads_and_is_valid_for_every_provider(name, provider):
    raw = corpus(name)

    loaded = architecture_load(raw, provider=provider)
    result = architecture_validate(raw, provider=provider)

    assert loaded.shape_errors == []
    # Endpoints are derived exactly as CloudBlocks does (same ids, same order).
    assert loaded.architecture["endpoints"] == raw["endpoints"]
    assert result["valid"] is True, result["errors"]
    expected_warnings = [] if provider == "azure" else ["rule-provider-mismatch"]
    assert rule_ids(result, "warnings") == expected_warnings


def test_subtype_strings_used_as_resource_types_become_resource_types():
    loaded = architecture_load(corpus("template-full-stack-serverless"))

    kinds = {n["id"]: (n["resourceType"], n.get("subtype")) for n in loaded.architecture["nodes"]}
    assert kinds["block-fs-web"] == ("virtual_machine", "vm")
    assert kinds["block-fs-db"] == ("relational_database", "azure-postgresql")
    assert kinds["block-fs-event"] == ("event_bus", "event-grid")
    assert kinds["block-fs-timer"] == ("scheduler", "timer-trigger")
    assert kinds["block-fs-apim"] == ("api_gateway", "api-management")


def test_endpoints_are_derived_when_absent_and_external_actors_become_nodes():
    raw = three_tier()
    raw["endpoints"] = []
    raw["nodes"] = [n for n in raw["nodes"] if not n["id"].startswith("ext-")]

    loaded = architecture_load(raw)

    assert len(loaded.architecture["endpoints"]) == 6 * len(loaded.architecture["nodes"])
    externals = [n for n in loaded.architecture["nodes"] if n["id"].startswith("ext-")]
    assert [(n["resourceType"], n["roles"], n["parentId"]) for n in externals] == [
        ("browser", ["external"], None),
        ("internet", ["external"], None),
    ]
    assert "externalActors" not in loaded.architecture
    assert loaded.migrations == ["2 external actor(s) became nodes"]
    assert architecture_validate(raw)["valid"] is True


def test_v3_plates_blocks_and_connections_are_migrated():
    v3 = {
        "id": "arch-v3",
        "name": "Legacy",
        "version": "1",
        "plates": [
            {"id": "net", "name": "VPC", "type": "region", "parentId": None, "position": {"x": 0, "y": 0, "z": 0},
             "size": {"width": 20, "height": 1, "depth": 20}},
            {"id": "sub", "name": "App", "type": "subnet", "subnetAccess": "private", "parentId": "net",
             "position": {"x": 0, "y": 0.3, "z": 0}, "size": {"width": 10, "height": 0.6, "depth": 10}},
        ],
        "blocks": [
            {"id": "api", "name": "API", "category": "function", "placementId": "sub", "provider": "aws",
             "subtype": "lambda", "position": {"x": -2, "y": 0.5, "z": 0}},
            {"id": "db", "name": "Table", "category": "database", "placementId": "sub", "provider": "aws",
             "subtype": "dynamodb", "position": {"x": 2, "y": 0.5, "z": 0}},
        ],
        "connections": [{"id": "c1", "sourceId": "api", "targetId": "db", "type": "dataflow"}],
        "createdAt": "2025-01-01T00:00:00Z",
        "updatedAt": "2025-01-01T00:00:00Z",
    }  # fmt: skip

    loaded = architecture_load(v3, provider="aws")
    result = architecture_validate(v3, provider="aws")

    nodes = {n["id"]: n for n in loaded.architecture["nodes"]}
    assert nodes["net"]["kind"] == "container"
    assert nodes["net"]["resourceType"] == "virtual_network"
    assert nodes["sub"]["roles"] == ["private"]
    assert (nodes["api"]["category"], nodes["api"]["resourceType"], nodes["api"]["parentId"]) == (
        "compute",
        "function_compute",
        "sub",
    )
    assert (nodes["db"]["category"], nodes["db"]["resourceType"]) == ("data", "cosmos_db")
    assert loaded.architecture["connections"] == [
        {
            "id": "c1",
            "from": "endpoint-api-output-data",
            "to": "endpoint-db-input-data",
            "metadata": {"type": "dataflow"},
        }
    ]
    assert result["valid"] is True, result["errors"]
    assert rule_ids(result, "warnings") == ["rule-provider-aws-lambda-subnet"]


def _with(*nodes, connections=()) -> dict:
    architecture = three_tier()
    architecture["nodes"] += list(nodes)
    architecture["connections"] += list(connections)
    return architecture


def _changed(node_id: str, **fields) -> dict:
    architecture = three_tier()
    for item in architecture["nodes"]:
        if item["id"] == node_id:
            item.update(fields)
    return architecture


INVALID = {
    "vm at the root": (_with(node("vm-root", "virtual_machine", "compute", None, x=40)), ["rule-container-exists"]),
    "parent missing": (_with(node("vm-lost", "virtual_machine", "compute", "nowhere")), ["rule-container-exists"]),
    "vm directly in the vnet": (
        _with(node("vm-vnet", "virtual_machine", "compute", VNET, x=16, z=-14)),
        ["rule-compute-parent"],
    ),
    "database in a vnet": (
        _with(node("db-vnet", "relational_database", "data", VNET, x=16, z=-14)),
        ["rule-data-parent"],
    ),
    "subnet at the root": (
        _changed("container-tmpl-public", parentId=None, position={"x": 40, "y": 0, "z": 40}),
        ["rule-layer-hierarchy"],
    ),
    "resource on a container layer": (_changed("block-tmpl-compute", layer="subnet"), ["rule-layer-hierarchy"]),
    # Connections follow the declared category, so compute → "compute" storage is refused as well.
    "category mismatch": (
        _changed("block-tmpl-storage", category="compute"),
        ["rule-category-mismatch", "rule-conn-invalid"],
    ),
    "aggregation zero": (
        _changed("block-tmpl-compute", aggregation={"mode": "count", "count": 0}),
        ["rule-aggregation-count"],
    ),
    "aggregation fraction": (
        _changed("block-tmpl-compute", aggregation={"mode": "count", "count": 1.5}),
        ["rule-aggregation-count"],
    ),
    "unknown role": (_changed("block-tmpl-compute", roles=["admin"]), ["rule-role-invalid"]),
    "unknown source endpoint": (_with(connections=[connect("ghost", "block-tmpl-db")]), ["rule-conn-source"]),
    "unknown target endpoint": (_with(connections=[connect("block-tmpl-compute", "ghost")]), ["rule-conn-target"]),
    "self connection": (_with(connections=[connect("block-tmpl-compute", "block-tmpl-compute")]), ["rule-conn-self"]),
    "data starts a connection": (
        _with(connections=[connect("block-tmpl-db", "block-tmpl-compute")]),
        ["rule-conn-invalid"],
    ),
    "http into a database": (
        _with(connections=[connect("block-tmpl-compute", "block-tmpl-db", "http")]),
        ["rule-conn-invalid"],
    ),
    "mixed semantics": (
        _with(
            connections=[
                {
                    "id": "mixed",
                    "from": "endpoint-block-tmpl-gw-output-http",
                    "to": "endpoint-block-tmpl-compute-input-data",
                    "metadata": {},
                }
            ]
        ),
        ["rule-conn-invalid"],
    ),
    "container as an end": (_with(connections=[connect("block-tmpl-compute", APP_SUBNET)]), ["rule-conn-invalid"]),
    "duplicate node id": (
        _with(dict(three_tier()["nodes"][5], position={"x": 4, "y": 0.5, "z": 0})),
        ["rule-duplicate-id"],
    ),
    "unknown node kind": (_changed("block-tmpl-compute", kind="gadget"), ["rule-schema"]),
    "position missing a coordinate": (_changed("block-tmpl-compute", position={"x": 1, "y": 0}), ["rule-schema"]),
}


@pytest.mark.parametrize(("architecture", "expected"), INVALID.values(), ids=INVALID.keys())
def test_invalid_architectures_give_exactly_the_expected_rules(architecture, expected):
    result = architecture_validate(architecture, provider="azure")

    assert result["valid"] is False
    assert rule_ids(result) == expected
    assert all(issue["message"] and issue["targetId"] for issue in result["errors"])


WARNED = {
    "off the grid": (_changed("block-tmpl-storage", position={"x": 3.5, "y": 0.5, "z": 0}), "rule-grid-alignment"),
    "overlapping siblings": (_changed("block-tmpl-storage", position={"x": -2, "y": 0.5, "z": 0}), "rule-no-overlap"),
    "duplicate role": (_changed("block-tmpl-compute", roles=["primary", "primary"]), "rule-role-duplicate"),
    "unknown subtype": (_changed("block-tmpl-compute", subtype="mainframe"), "rule-provider-unknown-subtype"),
    "unknown resource type": (
        _with(node("quantum", "quantum_computer", "compute", APP_SUBNET, x=3)),
        "rule-unknown-resource-type",
    ),
    "too many outgoing connections": (
        _with(
            node("cache", "cache_store", "data", DATA_SUBNET, x=6),
            connections=[connect("block-tmpl-compute", "cache")],
        ),
        "rule-conn-endpoint-source",
    ),
}


@pytest.mark.parametrize(("architecture", "expected"), WARNED.values(), ids=WARNED.keys())
def test_layout_and_capacity_problems_are_warnings(architecture, expected):
    result = architecture_validate(architecture, provider="azure")

    assert result["valid"] is True, result["errors"]
    assert rule_ids(result, "warnings") == [expected]


def test_provider_rules_of_aws_and_gcp():
    aws = _with(node("fn", "function_compute", "compute", APP_SUBNET, x=3, provider="aws", subtype="lambda"))
    gcp = _with(
        node("sql", "relational_database", "data", DATA_SUBNET, x=6, provider="gcp", subtype="cloud-sql-postgres")
    )

    assert "rule-provider-aws-lambda-subnet" in rule_ids(architecture_validate(aws), "warnings")
    assert "rule-provider-gcp-sql-public" in rule_ids(architecture_validate(gcp), "warnings")


def test_a_non_object_is_a_single_schema_error():
    result = architecture_validate(["not", "an", "object"])

    assert result == {
        "valid": False,
        "errors": [
            {
                "ruleId": "rule-schema",
                "severity": "error",
                "message": "The architecture must be a JSON object.",
                "suggestion": "Fix the field so that it matches the CloudBlocks v4 model.",
                "targetId": "architecture",
            }
        ],
        "warnings": [],
    }
