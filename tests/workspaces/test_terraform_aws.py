"""Terraform for AWS: an honest mapping for every resource type and real wiring of connections (what every
provider shares — corpus, parsing, fmt, determinism, goldens — is in test_generation.py)."""

import pytest

from tests.workspaces.architectures import connect, corpus, node, three_tier
from tests.workspaces.generation import generate as generate_for
from tests.workspaces.generation import palette_architecture, resources_of, variables_of
from workspaces.generators.plan import GenerationError


def generate(architecture, **options) -> dict[str, str]:
    return generate_for(architecture, "aws", **options)


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
    variables = variables_of(files)

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


def test_an_api_gateway_in_front_of_a_database_is_refused_by_name():
    architecture = three_tier()
    architecture["nodes"].append(node("api", "api_gateway", "delivery", None, x=40))
    architecture["connections"].append(connect("api", "block-tmpl-storage"))

    with pytest.raises(GenerationError) as failure:
        generate(architecture)

    assert failure.value.code == "UNSUPPORTED_CONNECTION"
    assert failure.value.target_id == "api"
