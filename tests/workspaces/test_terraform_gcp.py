"""Terraform for Google Cloud: connections become firewall rules, private services access, environment,
IAM bindings and authenticated event delivery; what GCP cannot express that way is refused by name."""

import pytest

from tests.workspaces.architectures import connect, corpus, node, three_tier
from tests.workspaces.generation import generate, parsed, resources_of
from workspaces.generators.plan import GenerationError


def gcp(architecture) -> dict[str, dict]:
    return resources_of(generate(architecture, "gcp"))


def test_three_tier_connections_become_firewall_rules_private_access_environment_and_iam():
    resources = gcp(three_tier())

    # Only the load balancer's front ends reach the VM, only on its port, only by its tag.
    rule = resources["google_compute_firewall.azure_vm_from_azure_application_gateway"]
    assert rule["target_tags"] == ["azure-vm"]
    assert rule["source_ranges"] == ["35.191.0.0/16", "130.211.0.0/22"]
    assert rule["allow"][0]["ports"] == ["80"]
    # Cloud SQL has no public address and waits for the private services peering of the VPC.
    database = resources["google_sql_database_instance.azure_database_for_postgresql"]
    assert database["settings"][0]["ip_configuration"][0]["ipv4_enabled"] is False
    assert database["depends_on"] == ["${google_service_networking_connection.vnet_private_services}"]
    # The VM runs as its own service account, is told where the database is, and may use both.
    vm = resources["google_compute_instance.azure_vm"]
    assert vm["service_account"][0]["email"] == "${google_service_account.azure_vm.email}"
    assert (
        "google_sql_database_instance.azure_database_for_postgresql.private_ip_address"
        in (vm["metadata_startup_script"])
    )
    assert resources["google_storage_bucket_iam_member.azure_vm_azure_blob_storage"]["role"] == (
        "roles/storage.objectUser"
    )
    assert resources["google_project_iam_member.azure_vm_azure_database_for_postgresql"]["role"] == (
        "roles/cloudsql.client"
    )
    assert resources["google_storage_bucket.azure_blob_storage"]["public_access_prevention"] == "enforced"
    backend = resources["google_compute_backend_service.azure_application_gateway_azure_vm"]
    assert backend["backend"][0]["group"] == "${google_compute_instance_group.azure_application_gateway_azure_vm.id}"


def test_event_pipeline_delivers_with_an_invoker_identity():
    resources = gcp(corpus("template-event-driven-pipeline"))

    push = resources["google_pubsub_subscription.azure_service_bus_azure_functions"]["push_config"][0]
    assert push["push_endpoint"] == "${google_cloudfunctions2_function.azure_functions.service_config[0].uri}"
    assert push["oidc_token"][0]["service_account_email"] == "${google_service_account.blocksmith_invoker.email}"
    invoker = resources["google_cloud_run_v2_service_iam_member.azure_functions_invoker"]
    assert (invoker["role"], invoker["member"]) == (
        "roles/run.invoker",
        "serviceAccount:${google_service_account.blocksmith_invoker.email}",
    )
    trigger = resources["google_eventarc_trigger.azure_event_grid_azure_functions"]
    assert trigger["transport"][0]["pubsub"][0]["topic"] == "${google_pubsub_topic.azure_event_grid.id}"
    job = resources["google_cloud_scheduler_job.azure_functions_timer_trigger_azure_functions_batch"]
    assert job["schedule"] == "*/5 * * * *"
    assert resources["google_pubsub_topic_iam_member.azure_functions_azure_service_bus"]["role"] == (
        "roles/pubsub.publisher"
    )


def test_an_api_gateway_routes_to_its_functions_with_the_beta_provider():
    files = generate(corpus("template-serverless-http-api"), "gcp")
    resources = resources_of(files)

    config = resources["google_api_gateway_api_config.azure_api_management"]
    assert config["provider"] == "google-beta"
    contents = config["openapi_documents"][0]["document"][0]["contents"]
    assert "google_cloudfunctions2_function.azure_functions.service_config[0].uri" in contents
    required = parsed(files)["versions.tf"]["terraform"][0]["required_providers"][0]
    assert required["google-beta"]["source"] == "hashicorp/google-beta"
    assert required["google"]["version"] == "~> 6.0"


def test_a_cdn_in_front_of_a_load_balancer_turns_on_cdn_in_its_backends():
    architecture = three_tier()
    architecture["nodes"].append(node("cdn", "cdn_profile", "delivery", None, x=40))
    architecture["connections"].append(connect("cdn", "block-tmpl-gw"))

    resources = gcp(architecture)

    assert resources["google_compute_backend_service.azure_application_gateway_azure_vm"]["enable_cdn"] is True


def test_a_passthrough_load_balancer_balances_every_instance_group_and_refuses_functions():
    architecture = three_tier()
    architecture["nodes"] += [
        node("ilb", "internal_load_balancer", "delivery", "container-tmpl-app", x=4),
        node("vm-2", "virtual_machine", "compute", "container-tmpl-app", x=6),
    ]
    architecture["connections"] += [connect("ilb", "block-tmpl-compute", "http"), connect("ilb", "vm-2", "http")]

    resources = gcp(architecture)

    groups = [backend["group"] for backend in resources["google_compute_region_backend_service.ilb"]["backend"]]
    assert groups == [
        "${google_compute_instance_group.ilb_azure_vm.id}",
        "${google_compute_instance_group.ilb_vm_2.id}",
    ]
    rule = resources["google_compute_forwarding_rule.ilb"]
    assert (rule["load_balancing_scheme"], rule["backend_service"]) == (
        "INTERNAL",
        "${google_compute_region_backend_service.ilb.id}",
    )

    architecture["nodes"].append(node("fn", "function_compute", "compute", None, x=44))
    architecture["connections"].append(connect("ilb", "fn", "http"))
    with pytest.raises(GenerationError) as failure:
        generate(architecture, "gcp")
    assert (failure.value.code, failure.value.target_id) == ("UNSUPPORTED_CONNECTION", "ilb")
