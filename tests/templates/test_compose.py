"""The built-in composer: any prompt gives an architecture that validates and generates on every provider."""

import pytest

from templates.compose import COMPLEXITIES, compose, requested_types
from tests.workspaces.generation import generate, resources_of
from workspaces.architecture.validation import architecture_validate

PROMPTS = (
    "serverless API with a queue and a NoSQL table",
    "A three-tier web app with a redis cache",
    "static website with a custom domain",
    "containers with postgres and a cache behind a load balancer",
    "kubernetes cluster with postgres",
    "event-driven ingestion with a nightly schedule writing files to storage",
    "REST API on VMs with a database and secrets",
    "data streaming with kafka into a bucket",
    "web app with firewall and monitoring",
    "hello world",
)


@pytest.mark.parametrize("provider", ["aws", "azure", "gcp"])
@pytest.mark.parametrize("complexity", COMPLEXITIES)
@pytest.mark.parametrize("prompt", PROMPTS)
def test_every_composition_validates_and_generates(prompt, complexity, provider):
    composed = compose(prompt, provider=provider, complexity=complexity)

    result = architecture_validate(composed["architecture"], provider=provider)
    assert result["valid"], result["errors"]
    assert resources_of(generate(composed["architecture"], provider))


def test_keywords_are_whole_words_and_database_defaults_to_relational():
    assert requested_types("an apiary of rapid serverless functions") == ["function_compute"]
    assert requested_types("a database") == ["relational_database"]
    assert requested_types("a nosql database") == ["cosmos_db"]


def test_vms_behind_a_load_balancer_run_twice_unless_simple():
    standard = compose("web app on servers", provider="aws", complexity="standard")["architecture"]
    simple = compose("web app on servers", provider="aws", complexity="simple")["architecture"]

    def servers(architecture):
        return next(n for n in architecture["nodes"] if n["resourceType"] == "virtual_machine")

    assert servers(standard)["aggregation"] == {"mode": "count", "count": 2}
    assert "aggregation" not in servers(simple)
