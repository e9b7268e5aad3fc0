"""Terraform for AWS: every corpus file and every resource type generates parseable, fmt-clean, deterministic
HCL with real wiring; a golden copy pins the three-tier output."""

import io
import shutil
import subprocess
from pathlib import Path

import hcl2
import pytest

from tests.workspaces.architectures import CORPUS, connect, corpus, node, three_tier
from workspaces.architecture.catalog import EXTERNAL_TYPES, RESOURCE_KINDS
from workspaces.generators.generate import code_generate
from workspaces.generators.plan import GenerationError

GOLDEN = Path(__file__).with_name("golden") / "three-tier-aws"
TERRAFORM = shutil.which("terraform")


def generate(architecture, **options) -> dict[str, str]:
    files = code_generate(
        architecture, generator="terraform", provider="aws", project_name=options.pop("project_name", "shop"), **options
    )
    return {file.path: file.content for file in files}


def _plain(value):
    """python-hcl2 keeps quotes around labels and strings and marks blocks; drop both for readable asserts."""
    if isinstance(value, dict):
        return {_plain(key): _plain(item) for key, item in value.items() if key != "__is_block__"}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def parsed(files: dict[str, str]) -> dict[str, dict]:
    return {path: _plain(hcl2.load(io.StringIO(content))) for path, content in files.items()}


def resources_of(files: dict[str, str]) -> dict[str, dict]:
    """{"aws_type.name": body} from main.tf."""
    found = {}
    for entry in parsed(files)["main.tf"].get("resource", []):
        for kind, named in entry.items():
            for name, body in named.items():
                found[f"{kind}.{name}"] = body
    return found


def palette_architecture() -> dict:
    """Every resource type of the catalog, each in a parent it allows, with the connections some need."""
    architecture = three_tier()
    architecture["connections"] = [c for c in architecture["connections"] if "ext-" not in c["from"]]
    x = 0
    for resource_type, kind in RESOURCE_KINDS.items():
        if kind.container or resource_type in EXTERNAL_TYPES:
            continue
        parent = {"subnet": "container-tmpl-app", "virtual_network": "container-tmpl-vnet", None: None}[kind.parents[0]]
        x += 3
        z = 12 if parent == "container-tmpl-vnet" else 0
        architecture["nodes"].append(node(f"all-{resource_type}", resource_type, kind.category, parent, x=x + 40, z=z))
    architecture["connections"] += [
        connect("all-cdn_profile", "all-blob_storage"),
        connect("all-front_door", "all-application_gateway"),
        connect("all-application_gateway", "all-virtual_machine"),
        connect("all-api_gateway", "all-function_compute"),
        connect("all-message_queue", "all-function_compute", "event"),
        connect("all-scheduler", "all-function_compute", "event"),
    ]
    return architecture


@pytest.mark.parametrize("name", CORPUS)
def test_every_corpus_file_generates_valid_terraform(name):
    files = generate(corpus(name))

    assert sorted(files) == ["main.tf", "outputs.tf", "variables.tf", "versions.tf"]
    trees = parsed(files)
    versions = trees["versions.tf"]["terraform"][0]["required_providers"][0]["aws"]
    assert versions == {"source": "hashicorp/aws", "version": "~> 5.0"}
    variables = {name for entry in trees["variables.tf"]["variable"] for name in entry}
    assert {"project_name", "region"} <= variables
    assert trees["outputs.tf"]["output"]


def test_every_resource_type_has_an_honest_aws_mapping():
    files = generate(palette_architecture())

    kinds = {address.split(".")[0] for address in resources_of(files)}
    # The mistakes CloudBlocks made (reference §3) are not repeated: each block becomes its own service.
    assert {
        "aws_security_group",
        "aws_elasticache_cluster",
        "aws_eks_cluster",
        "aws_eks_node_group",
        "aws_kms_key",
        "aws_networkfirewall_firewall",
        "aws_nat_gateway",
        "aws_route53_zone",
        "aws_cloudfront_distribution",
        "aws_apigatewayv2_api",
        "aws_kinesis_stream",
        "aws_cloudwatch_event_bus",
        "aws_scheduler_schedule",
        "aws_dynamodb_table",
        "aws_db_instance",
        "aws_s3_bucket",
        "aws_lambda_function",
        "aws_ecs_service",
        "aws_apprunner_service",
        "aws_secretsmanager_secret",
        "aws_vpc_endpoint",
        "aws_route_table",
        "aws_eip",
        "aws_cloudwatch_log_group",
    } <= kinds
    assert "aws_iam_role" in kinds


def test_connections_become_security_group_rules_environment_iam_and_event_sources():
    architecture = three_tier()
    files = generate(architecture)
    resources = resources_of(files)

    # Internet → gateway → VM → database: each hop opens exactly its port to the previous tier.
    assert resources["aws_vpc_security_group_ingress_rule.azure_application_gateway_from_internet"]["from_port"] == 443
    vm_rule = resources["aws_vpc_security_group_ingress_rule.azure_vm_from_azure_application_gateway"]
    assert vm_rule["referenced_security_group_id"] == "${aws_security_group.azure_application_gateway.id}"
    db_rule = resources["aws_vpc_security_group_ingress_rule.azure_database_for_postgresql_from_azure_vm"]
    assert (db_rule["from_port"], db_rule["referenced_security_group_id"]) == (
        5432,
        "${aws_security_group.azure_vm.id}",
    )
    # The VM is told where its database and bucket are, and may use the bucket.
    vm = resources["aws_instance.azure_vm"]
    assert (
        "AZURE_DATABASE_FOR_POSTGRESQL_HOST=${aws_db_instance.azure_database_for_postgresql.address}" in vm["user_data"]
    )
    assert "aws_s3_bucket.azure_blob_storage.arn" in resources["aws_iam_role_policy.azure_vm"]["policy"]
    assert vm["subnet_id"] == "${aws_subnet.app_subnet.id}"
    # The load balancer forwards to the VM.
    attachment = resources["aws_lb_target_group_attachment.azure_application_gateway_azure_vm"]
    assert attachment["target_id"] == "${aws_instance.azure_vm.id}"

    pipeline = resources_of(generate(corpus("template-event-driven-pipeline")))
    mapping = pipeline["aws_lambda_event_source_mapping.azure_service_bus_azure_functions"]
    assert mapping["event_source_arn"] == "${aws_sqs_queue.azure_service_bus.arn}"
    schedule = pipeline["aws_scheduler_schedule.azure_functions_timer_trigger_azure_functions_batch"]
    assert schedule["target"][0]["role_arn"] == "${aws_iam_role.azure_functions_timer_trigger.arn}"
    invoke = pipeline["aws_iam_role_policy.azure_functions_timer_trigger"]["policy"]
    assert '"lambda:InvokeFunction"' in invoke
    assert "aws_lambda_function.azure_functions_batch.arn" in invoke
    assert "aws_cloudwatch_event_target.azure_event_grid_azure_functions" in pipeline


def test_aggregated_instances_are_all_behind_the_load_balancer():
    architecture = three_tier()
    architecture["nodes"][5]["aggregation"] = {"mode": "count", "count": 3}

    resources = resources_of(generate(architecture))

    assert resources["aws_instance.azure_vm"]["count"] == 3
    attachment = resources["aws_lb_target_group_attachment.azure_application_gateway_azure_vm"]
    assert (attachment["count"], attachment["target_id"]) == (3, "${aws_instance.azure_vm[count.index].id}")


def test_secrets_are_sensitive_variables_and_regions_are_checked():
    files = generate(three_tier(), region="eu-west-1")
    variables = {name: body for entry in parsed(files)["variables.tf"]["variable"] for name, body in entry.items()}

    assert variables["db_admin_password"]["sensitive"] is True
    assert "default" not in variables["db_admin_password"]
    assert variables["region"]["default"] == "eu-west-1"
    with pytest.raises(GenerationError, match="'westeurope' is not a aws region"):
        generate(three_tier(), region="westeurope")


def test_names_are_sanitised_and_unique():
    architecture = three_tier()
    architecture["nodes"].append(
        node("second-vm", "virtual_machine", "compute", "container-tmpl-app", x=4, name="Azure VM!")
    )

    resources = resources_of(generate(architecture))

    assert {"aws_instance.azure_vm", "aws_instance.azure_vm_2"} <= set(resources)


def test_output_is_deterministic_and_matches_the_golden_copy():
    first = generate(three_tier())
    second = generate(three_tier())

    assert first == second
    assert first == {path.name: path.read_text() for path in sorted(GOLDEN.iterdir())}


def test_an_invalid_architecture_is_not_generated():
    architecture = three_tier()
    architecture["nodes"][5]["parentId"] = "container-tmpl-vnet"

    with pytest.raises(GenerationError) as failure:
        generate(architecture)

    assert failure.value.code == "VALIDATION_ERROR"
    assert failure.value.target_id == "block-tmpl-compute"


def test_an_api_gateway_in_front_of_a_database_is_refused_by_name():
    architecture = three_tier()
    architecture["nodes"].append(node("api", "api_gateway", "delivery", None, x=40))
    architecture["connections"].append(connect("api", "block-tmpl-storage"))

    with pytest.raises(GenerationError) as failure:
        generate(architecture)

    assert failure.value.code == "UNSUPPORTED_CONNECTION"
    assert failure.value.target_id == "api"


@pytest.mark.skipif(TERRAFORM is None, reason="terraform is not on PATH")
def test_terraform_fmt_accepts_every_file(tmp_path):
    for index, architecture in enumerate([palette_architecture(), *(corpus(name) for name in CORPUS)]):
        directory = tmp_path / str(index)
        directory.mkdir()
        for path, content in generate(architecture).items():
            (directory / path).write_text(content)
    result = subprocess.run([TERRAFORM, "fmt", "-check", "-recursive", str(tmp_path)], capture_output=True, text=True)

    assert result.returncode == 0, result.stdout + result.stderr
