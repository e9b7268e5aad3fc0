"""Infrastructure code from an architecture: validation first, then the generator for the provider.

Output is deterministic: the same architecture and options give byte-identical files.
"""

from dataclasses import dataclass
from typing import Any

from workspaces.architecture.catalog import DEFAULT_REGIONS, GENERATOR_PROVIDERS, REGIONS
from workspaces.architecture.validation import architecture_check
from workspaces.generators.bicep_azure import azure_bicep_files
from workspaces.generators.plan import GenerationError, plan_build, sanitize
from workspaces.generators.terraform_aws import aws_terraform_files
from workspaces.generators.terraform_azure import azure_terraform_files
from workspaces.generators.terraform_gcp import gcp_terraform_files


@dataclass(frozen=True)
class GeneratedFile:
    path: str
    content: str


def code_generate(
    architecture: Any, *, generator: str, provider: str, project_name: str, region: str = ""
) -> list[GeneratedFile]:
    if provider not in GENERATOR_PROVIDERS.get(generator, ()):
        raise GenerationError(
            f"The {generator} generator does not support provider {provider}.", code="VALIDATION_ERROR"
        )
    region = region or DEFAULT_REGIONS[provider]
    if region not in REGIONS[provider]:
        raise GenerationError(f"'{region}' is not a {provider} region.", code="VALIDATION_ERROR")
    loaded, result = architecture_check(architecture, provider=provider)
    if not result["valid"]:
        first = result["errors"][0]
        raise GenerationError(
            f"The architecture has {len(result['errors'])} validation error(s), first: {first['message']}",
            target_id=first["targetId"],
            code="VALIDATION_ERROR",
        )
    plan = plan_build(loaded.architecture, provider)
    name = sanitize(project_name).replace("_", "-")[:24].strip("-") or "blocksmith"
    builders = {
        ("terraform", "aws"): aws_terraform_files,
        ("terraform", "azure"): azure_terraform_files,
        ("terraform", "gcp"): gcp_terraform_files,
        ("bicep", "azure"): azure_bicep_files,
    }
    if (generator, provider) in builders:
        files = builders[generator, provider](plan, project_name=name, region=region, regions=REGIONS[provider])
    else:
        raise GenerationError(f"{generator} for {provider} is not available yet.", code="GENERATION_FAILED")
    return [GeneratedFile(path, content) for path, content in sorted(files.items())]
