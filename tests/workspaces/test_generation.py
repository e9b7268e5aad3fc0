"""What every generator promises: each corpus file and every resource type generates, the files parse and are
`terraform fmt` clean, output is deterministic and pinned by golden copies, bad input is refused by name."""

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.workspaces.architectures import CORPUS, corpus, node, three_tier
from tests.workspaces.generation import generate, palette_architecture, parsed, resources_of, variables_of
from workspaces.generators.plan import GenerationError

GOLDEN = Path(__file__).with_name("golden")
TERRAFORM = shutil.which("terraform")
PROVIDERS = ("aws", "azure", "gcp")
PINNED = {"aws": ("hashicorp/aws", "~> 5.0"), "azure": ("hashicorp/azurerm", "~> 4.0"),
          "gcp": ("hashicorp/google", "~> 6.0")}  # fmt: skip
PROVIDER_KEYS = {"aws": "aws", "azure": "azurerm", "gcp": "google"}


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("name", CORPUS)
def test_every_corpus_file_generates_terraform_that_parses(name, provider):
    files = generate(corpus(name), provider)

    assert sorted(files) == ["main.tf", "outputs.tf", "variables.tf", "versions.tf"]
    trees = parsed(files)
    required = trees["versions.tf"]["terraform"][0]["required_providers"][0][PROVIDER_KEYS[provider]]
    assert (required["source"], required["version"]) == PINNED[provider]
    assert {"project_name", "region"} <= set(variables_of(files))
    assert resources_of(files)
    assert trees["outputs.tf"]["output"]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_every_palette_block_generates_on_every_provider(provider):
    resources = resources_of(generate(palette_architecture(), provider))

    # Every drawn block left at least one resource named after it (a CDN in front of a GCP load balancer
    # switches CDN on in that load balancer instead).
    names = {address.split(".")[1] for address in resources}
    drawn = {n["name"].lower().replace(" ", "_") for n in palette_architecture()["nodes"]}
    missing = {name for name in drawn if not any(found.startswith(name) for found in names)}
    assert missing <= {"client", "internet", "all_front_door"}


@pytest.mark.parametrize("provider", PROVIDERS)
def test_output_is_deterministic_and_matches_the_golden_copy(provider):
    first = generate(three_tier(), provider)
    second = generate(three_tier(), provider)

    assert first == second
    golden = GOLDEN / f"three-tier-terraform-{provider}"
    assert first == {path.name: path.read_text() for path in sorted(golden.iterdir())}


@pytest.mark.parametrize("provider", PROVIDERS)
def test_secrets_are_sensitive_and_regions_are_checked_per_provider(provider):
    region = {"aws": "eu-west-1", "azure": "westeurope", "gcp": "europe-west1"}[provider]
    variables = variables_of(generate(three_tier(), provider, region=region))

    assert variables["db_admin_password"]["sensitive"] is True
    assert "default" not in variables["db_admin_password"]
    assert variables["region"]["default"] == region
    with pytest.raises(GenerationError, match=f"'mars-1' is not a {provider} region"):
        generate(three_tier(), provider, region="mars-1")


@pytest.mark.parametrize("provider", PROVIDERS)
def test_an_invalid_architecture_is_not_generated(provider):
    architecture = three_tier()
    architecture["nodes"][5]["parentId"] = "container-tmpl-vnet"

    with pytest.raises(GenerationError) as failure:
        generate(architecture, provider)

    assert failure.value.code == "VALIDATION_ERROR"
    assert failure.value.target_id == "block-tmpl-compute"


@pytest.mark.parametrize("provider", PROVIDERS)
def test_names_are_sanitised_and_unique_on_every_provider(provider):
    architecture = three_tier()
    architecture["nodes"].append(
        node("second-vm", "virtual_machine", "compute", "container-tmpl-app", x=4, name="Azure VM!")
    )

    names = {address.split(".")[1] for address in resources_of(generate(architecture, provider))}

    assert {"azure_vm", "azure_vm_2"} <= names


def test_bicep_is_only_for_azure():
    with pytest.raises(GenerationError, match="does not support provider aws"):
        generate(three_tier(), "aws", generator="bicep")


@pytest.mark.skipif(TERRAFORM is None, reason="terraform is not on PATH")
def test_terraform_fmt_accepts_every_file(tmp_path):
    architectures = [palette_architecture(), *(corpus(name) for name in CORPUS)]
    for provider in PROVIDERS:
        for index, architecture in enumerate(architectures):
            directory = tmp_path / provider / str(index)
            directory.mkdir(parents=True)
            for path, content in generate(architecture, provider).items():
                (directory / path).write_text(content)
    result = subprocess.run([TERRAFORM, "fmt", "-check", "-recursive", str(tmp_path)], capture_output=True, text=True)

    assert result.returncode == 0, result.stdout + result.stderr
