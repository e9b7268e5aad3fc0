"""AI for architectures over HTTP: generate (built-in composer, and a real openai client against a stand-in
with validation and repair), the built-in reviewer on the corpus and on hand-made problems, and cost
estimates from the price catalog (and Infracost when configured, through a stand-in CLI)."""

import json
import stat

import pytest

from integrations.models import AiCall
from integrations.services import ai_key_save
from tests.stand_ins import OpenAIStandIn
from tests.workspaces.architectures import connect, corpus, node, three_tier
from workspaces.architecture.validation import architecture_validate

pytestmark = pytest.mark.django_db


def post(client, route, body):
    return client.post(f"/api/v1/ai/{route}", body, format="json")


def resource_types(architecture) -> list[str]:
    return sorted(n["resourceType"] for n in architecture["nodes"] if n["resourceType"] not in ("internet", "browser"))


# -- generate -------------------------------------------------------------------------------------


@pytest.mark.parametrize("provider", ["aws", "azure", "gcp"])
def test_a_serverless_api_with_a_queue_and_a_nosql_table_is_exactly_that(auth_client, provider):
    response = post(
        auth_client,
        "generate",
        {"prompt": "serverless API with a queue and a NoSQL table", "provider": provider, "complexity": "simple"},
    )

    assert response.status_code == 200, response.json()
    data = response.json()["data"]
    assert resource_types(data["architecture"]) == ["api_gateway", "cosmos_db", "function_compute", "message_queue"]
    assert architecture_validate(data["architecture"], provider=provider)["valid"]
    assert {n["provider"] for n in data["architecture"]["nodes"]} == {provider}
    assert data["aiProvider"] == "builtin"
    assert "API" in data["explanation"]
    assert AiCall.objects.get().purpose == "architecture.generate"


def test_a_prompt_naming_a_template_starts_from_it_and_complexity_adds_resilience(auth_client):
    template = post(auth_client, "generate", {"prompt": "a three-tier web app", "provider": "aws"}).json()["data"]
    assert "Three-tier web app" in template["explanation"]
    assert "relational_database" in resource_types(template["architecture"])

    complex_ = post(
        auth_client,
        "generate",
        {"prompt": "containers behind a load balancer with postgres", "provider": "azure", "complexity": "complex"},
    ).json()["data"]
    types = resource_types(complex_["architecture"])
    assert {"application_gateway", "container_instances", "relational_database", "monitoring", "secret_store"} <= set(
        types
    )
    database = next(n for n in complex_["architecture"]["nodes"] if n["resourceType"] == "relational_database")
    assert database["aggregation"] == {"mode": "count", "count": 2}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"provider": "aws"}, "prompt"),
        ({"prompt": "x", "provider": "oracle"}, "provider"),
        ({"prompt": "x", "provider": "aws", "complexity": "huge"}, "complexity"),
        ({"prompt": "x", "provider": "aws", "aiProvider": "skynet"}, "provider"),
    ],
)
def test_bad_generate_requests_are_refused(auth_client, body, field):
    response = post(auth_client, "generate", body)

    assert response.status_code == 400
    assert field in response.json()["error"]["details"]
    assert not AiCall.objects.exists()


@pytest.fixture
def stand_in(settings, auth_client):
    with OpenAIStandIn([]) as server:
        settings.AI_PROVIDERS = {
            **settings.AI_PROVIDERS,
            "openai": {**settings.AI_PROVIDERS["openai"], "base_url": server.base_url},
        }
        ai_key_save(user=auth_client.user, provider="openai", api_key=OpenAIStandIn.API_KEY, model="gpt-stand-in")
        server.requests.clear()
        yield server


@pytest.mark.django_db(transaction=True)
def test_a_model_answer_is_validated_and_repaired_once(auth_client, stand_in):
    broken = three_tier()
    broken["nodes"][5]["parentId"] = "container-tmpl-vnet"  # a VM directly in the VNet
    stand_in.replies.extend([{"architecture": broken, "explanation": "first try"},
                             {"architecture": three_tier(), "explanation": "fixed"}])  # fmt: skip

    response = post(auth_client, "generate", {"prompt": "web app", "provider": "azure", "aiProvider": "openai"})

    assert response.status_code == 200, response.json()
    data = response.json()["data"]
    assert (data["aiProvider"], data["explanation"]) == ("openai", "fixed")
    repair = stand_in.chat_requests()[1]["messages"][-1]["content"]
    assert "rule-compute-parent (block-tmpl-compute)" in repair


@pytest.mark.django_db(transaction=True)
def test_a_model_that_stays_invalid_fails_clearly(auth_client, stand_in):
    broken = three_tier()
    broken["connections"].append(connect("block-tmpl-db", "block-tmpl-gw"))
    stand_in.replies.extend([{"architecture": broken, "explanation": "x"}] * 2)

    response = post(auth_client, "generate", {"prompt": "web app", "provider": "azure", "aiProvider": "openai"})

    assert response.status_code == 500
    assert response.json()["error"]["code"] == "GENERATION_FAILED"


# -- suggest ---------------------------------------------------------------------------------------


def suggestions_of(client, architecture, **extra) -> dict:
    response = post(client, "suggest", {"architecture": architecture, **extra})
    assert response.status_code == 200, response.json()
    return response.json()["data"]


def test_the_reviewer_finds_the_three_tier_templates_real_problems(auth_client):
    review = suggestions_of(auth_client, corpus("template-three-tier"))

    found = {(s["category"], s["severity"], s["targetId"]) for s in review["suggestions"]}
    assert ("reliability", "warning", "block-tmpl-compute") in found  # one VM behind the load balancer
    assert ("security", "warning", "block-tmpl-gw") in found  # internet-facing without a firewall
    assert ("security", "warning", "block-tmpl-compute") in found  # database credentials without a vault
    assert ("best_practice", "warning", None) in found  # no monitoring
    assert ("reliability", "info", "block-tmpl-db") in found  # no standby
    assert review["score"] == {"security": 70, "reliability": 80, "bestPractice": 85}
    assert [s["severity"] for s in review["suggestions"]] == sorted(
        (s["severity"] for s in review["suggestions"]), key=["critical", "warning", "info"].index
    )
    assert review == suggestions_of(auth_client, corpus("template-three-tier")), "stable"


def test_the_reviewer_flags_public_data_plain_secrets_and_unread_queues(auth_client):
    architecture = three_tier()
    # The database moves into the subnet that takes internet traffic; a secret sits in a block's config.
    db = next(n for n in architecture["nodes"] if n["id"] == "block-tmpl-db")
    db["parentId"] = "container-tmpl-public"
    db["position"] = {"x": 3, "y": 0.5, "z": 3}
    vm = next(n for n in architecture["nodes"] if n["id"] == "block-tmpl-compute")
    vm["config"] = {"db_password": "hunter2"}
    architecture["nodes"].append(node("jobs", "message_queue", "messaging", None, x=40))
    architecture["connections"].append(connect("block-tmpl-compute", "jobs", "event"))

    review = suggestions_of(auth_client, architecture)

    found = {(s["category"], s["severity"], s["targetId"]) for s in review["suggestions"]}
    assert ("security", "critical", "block-tmpl-db") in found
    assert ("security", "critical", "block-tmpl-compute") in found
    assert ("reliability", "warning", "jobs") in found
    secret = next(s for s in review["suggestions"] if "db_password" in s["message"])
    assert "hunter2" not in secret["message"]
    # Two criticals (public database, plain secret) and two warnings (no firewall, no vault): 100 - 90.
    assert review["score"]["security"] == 10


def test_an_invalid_architecture_is_not_reviewed(auth_client):
    response = post(auth_client, "suggest", {"architecture": {"nodes": "many"}})

    assert response.status_code == 400
    assert response.json()["error"]["details"]["valid"] is False


# -- cost ------------------------------------------------------------------------------------------


def cost_of(client, architecture, **extra) -> dict:
    response = post(client, "cost", {"architecture": architecture, **extra})
    assert response.status_code == 200, response.json()
    return response.json()["data"]


@pytest.mark.parametrize("provider", ["aws", "azure", "gcp"])
def test_every_corpus_file_gets_an_explained_estimate(auth_client, provider):
    estimate = cost_of(auth_client, corpus("template-full-stack-serverless"), provider=provider)

    assert (estimate["currency"], estimate["catalogVersion"], estimate["source"]) == ("USD", "2026-11", "builtin")
    assert estimate["totalMonthlyCost"] == pytest.approx(sum(line["monthlyCost"] for line in estimate["lines"]))
    assert estimate["totalMonthlyCost"] > 0
    assert all(line["assumptions"] for line in estimate["lines"])
    ids = {line["resourceId"] for line in estimate["lines"]}
    assert "ext-internet" not in ids
    assert "block-tmpl-compute7" in ids or len(ids) >= 10


def test_the_three_tier_estimate_on_aws_is_the_catalog_arithmetic(auth_client):
    estimate = cost_of(auth_client, three_tier(), provider="aws")
    lines = {line["resourceId"]: line for line in estimate["lines"]}

    vm = lines["block-tmpl-compute"]
    assert vm["service"] == "Amazon EC2 t3.micro"
    assert vm["monthlyCost"] == pytest.approx(round(0.0104 * 730 + 0.08 * 8, 2))
    assert vm["assumptions"][0] == "instance: 730 hours at $0.0104 = $7.59"
    assert lines["block-tmpl-db"]["monthlyCost"] == pytest.approx(round(0.016 * 730 + 0.115 * 20, 2))
    assert lines["block-tmpl-storage"]["monthlyCost"] == pytest.approx(round(0.023 * 50, 2))
    assert lines["container-tmpl-vnet"]["monthlyCost"] == 0


def test_usage_and_instance_counts_change_the_estimate(auth_client):
    architecture = three_tier()
    next(n for n in architecture["nodes"] if n["id"] == "block-tmpl-compute")["aggregation"] = {
        "mode": "count",
        "count": 3,
    }

    estimate = cost_of(auth_client, architecture, provider="gcp", usage={"storageGb": 1000, "hoursPerMonth": 100})
    lines = {line["resourceId"]: line for line in estimate["lines"]}

    assert lines["block-tmpl-compute"]["quantity"] == 3
    assert lines["block-tmpl-compute"]["monthlyCost"] == pytest.approx(round(0.01675 * 100 * 3 + 0.10 * 10 * 3, 2))
    assert lines["block-tmpl-storage"]["monthlyCost"] == pytest.approx(20.0)
    assert estimate["usage"]["storageGb"] == 1000


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"provider": "aws", "usage": {"cpus": 4}}, "usage"),
        ({"provider": "aws", "usage": {"storageGb": -1}}, "usage"),
        ({"provider": "aws", "usage": {"hoursPerMonth": 800}}, "usage"),
        ({"provider": "aws", "region": "westeurope"}, "region"),
        ({"provider": "oracle"}, "provider"),
        ({}, "provider"),
    ],
)
def test_bad_cost_requests_are_refused(auth_client, extra, field):
    response = post(auth_client, "cost", {"architecture": three_tier(), **extra})

    assert response.status_code == 400
    assert field in response.json()["error"]["details"]


def test_infracost_prices_the_generated_terraform_when_configured(auth_client, settings, tmp_path):
    binary = tmp_path / "infracost"
    seen = tmp_path / "seen.txt"
    report = {
        "version": "0.10",
        "currency": "USD",
        "totalMonthlyCost": "42.5",
        "projects": [
            {
                "breakdown": {
                    "resources": [
                        {
                            "name": "aws_instance.azure_vm",
                            "resourceType": "aws_instance",
                            "monthlyCost": "42.5",
                            "costComponents": [
                                {"name": "Instance usage", "monthlyQuantity": "730", "unit": "hours", "price": "0.0582"}
                            ],
                        }
                    ]
                }
            }
        ],
    }
    binary.write_text(
        f'#!/bin/sh\nls "$3" > {seen}\necho "$INFRACOST_API_KEY" >> {seen}\ncat <<\'EOF\'\n{json.dumps(report)}\nEOF\n'
    )
    binary.chmod(binary.stat().st_mode | stat.S_IEXEC)
    settings.INFRACOST_API_KEY = "ico-test"
    settings.INFRACOST_BINARY = str(binary)

    estimate = cost_of(auth_client, three_tier(), provider="aws")

    assert (estimate["source"], estimate["totalMonthlyCost"]) == ("infracost", 42.5)
    assert estimate["lines"][0]["assumptions"] == ["Instance usage: 730 hours at 0.0582"]
    assert seen.read_text().split() == ["main.tf", "outputs.tf", "variables.tf", "versions.tf", "ico-test"]
