"""AI for architectures: generate one from a prompt, review one, estimate its monthly cost.

Generation and review are structured AI requests (integrations.services.ai_structured): the user's AI
provider answers under a JSON Schema and our validator, with one repair; the built-in provider composes
from the templates (templates.compose) and runs the built-in reviewer (workspaces.architecture.review), so
every feature works offline. The cost estimate is the built-in price catalog, or Infracost on the
generated Terraform when its CLI and API key are configured.
"""

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings

from accounts.models import User
from core.api.exceptions import ValidationFailed
from integrations.ai.base import StructuredRequest
from integrations.ai.providers import provider_resolve
from integrations.services import ai_structured
from templates.compose import compose
from workspaces.architecture.catalog import DEFAULT_REGIONS, REGIONS, RESOURCE_KINDS
from workspaces.architecture.cost import CATALOG_VERSION, CURRENCY, architecture_cost, usage_check
from workspaces.architecture.review import architecture_review
from workspaces.architecture.validation import architecture_check
from workspaces.generators.generate import code_generate
from workspaces.generators.plan import GenerationError

GENERATE_PURPOSE = "architecture.generate"
SUGGEST_PURPOSE = "architecture.suggest"
INFRACOST_TIMEOUT_SECONDS = 120

GENERATE_SCHEMA = {
    "type": "object",
    "required": ["architecture", "explanation"],
    "properties": {
        "architecture": {"type": "object", "description": "A CloudBlocks v4 architecture."},
        "explanation": {"type": "string", "minLength": 1},
        "notes": {"type": "array", "items": {"type": "string"}},
    },
}
SUGGEST_SCHEMA = {
    "type": "object",
    "required": ["suggestions", "score"],
    "properties": {
        "suggestions": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["category", "severity", "message", "actionDescription", "targetId"],
                "properties": {
                    "category": {"enum": ["security", "reliability", "best_practice", "cost"]},
                    "severity": {"enum": ["critical", "warning", "info"]},
                    "message": {"type": "string", "minLength": 1},
                    "actionDescription": {"type": "string"},
                    "targetId": {"type": ["string", "null"]},
                },
            },
        },
        "score": {
            "type": "object",
            "required": ["security", "reliability", "bestPractice"],
            "properties": {
                key: {"type": "integer", "minimum": 0, "maximum": 100}
                for key in ("security", "reliability", "bestPractice")
            },
        },
    },
}


def _checked(architecture: Any, provider: str | None):
    loaded, result = architecture_check(architecture, provider=provider)
    if not result["valid"]:
        raise ValidationFailed("The architecture has validation errors.", details=result)
    return loaded, result


def builtin_generate(request_input: dict[str, Any]) -> dict[str, Any]:
    return compose(request_input["prompt"], provider=request_input["provider"], complexity=request_input["complexity"])


def builtin_suggest(request_input: dict[str, Any]) -> dict[str, Any]:
    loaded, _result = _checked(request_input["architecture"], request_input.get("provider"))
    return architecture_review(loaded)


def ai_architecture_generate(
    *, user: User, prompt: str, provider: str, complexity: str, ai_provider: str | None = None
) -> dict[str, Any]:
    def problems(answer: dict[str, Any]) -> list[str]:
        _loaded, result = architecture_check(answer["architecture"], provider=provider)
        return [f"{issue['ruleId']} ({issue['targetId']}): {issue['message']}" for issue in result["errors"]]

    request = StructuredRequest(
        purpose=GENERATE_PURPOSE,
        instructions=(
            "Design a cloud architecture for the prompt as a CloudBlocks v4 architecture: nodes (containers: "
            "virtual_network, subnet; resources with resourceType from `resourceTypes`, category, parentId, "
            "position), endpoints may be left out, connections from `endpoint-<id>-output-<semantic>` to "
            "`endpoint-<id>-input-<semantic>` (semantic http, event or data). Answer "
            "{architecture, explanation, notes}."
        ),
        input={
            "prompt": prompt,
            "provider": provider,
            "complexity": complexity,
            "resourceTypes": sorted(RESOURCE_KINDS),
        },
        schema=GENERATE_SCHEMA,
        validate=problems,
    )
    resolved = provider_resolve(user=user, requested=ai_provider)
    result = ai_structured(user=user, provider=resolved, request=request, subject=("architecture", "generate"))
    loaded, validation = architecture_check(result.data["architecture"], provider=provider)
    warnings = [*result.data.get("notes", []), *(issue["message"] for issue in validation["warnings"])]
    return {
        "architecture": loaded.architecture,
        "warnings": warnings,
        "explanation": result.data["explanation"],
        "aiProvider": result.provider,
    }


def ai_architecture_suggest(
    *, user: User, architecture: Any, provider: str | None = None, ai_provider: str | None = None
) -> dict[str, Any]:
    loaded, _result = _checked(architecture, provider)
    ids = {node["id"] for node in loaded.architecture["nodes"]}

    def problems(answer: dict[str, Any]) -> list[str]:
        return [
            f"suggestions/{index}/targetId: '{item['targetId']}' is not a block of the architecture."
            for index, item in enumerate(answer["suggestions"])
            if item["targetId"] is not None and item["targetId"] not in ids
        ]

    request = StructuredRequest(
        purpose=SUGGEST_PURPOSE,
        instructions=(
            "Review the cloud architecture as a senior cloud architect. Name real problems only (public data "
            "stores, compute exposed without a gateway or firewall, single instances where redundancy is "
            "expected, missing monitoring, secrets outside a vault, waste), each with the id of the block "
            "(or null), and score security, reliability and best practice from 0 to 100."
        ),
        input={"architecture": loaded.architecture, "provider": provider},
        schema=SUGGEST_SCHEMA,
        validate=problems,
    )
    resolved = provider_resolve(user=user, requested=ai_provider)
    result = ai_structured(user=user, provider=resolved, request=request, subject=("architecture", "suggest"))
    return {**result.data, "aiProvider": result.provider}


def architecture_cost_estimate(
    *, architecture: Any, provider: str, region: str = "", usage: dict[str, Any] | None = None
) -> dict[str, Any]:
    if region and region not in REGIONS[provider]:
        raise ValidationFailed(
            f"'{region}' is not a {provider} region.", details={"region": f"Not a {provider} region."}
        )
    problems = usage_check(usage or {})
    if problems:
        raise ValidationFailed(next(iter(problems.values())), details={"usage": problems})
    loaded, _result = _checked(architecture, provider)
    if settings.INFRACOST_API_KEY and shutil.which(settings.INFRACOST_BINARY):
        return _infracost(loaded.architecture, provider, region or DEFAULT_REGIONS[provider])
    return architecture_cost(loaded, provider=provider, region=region, usage=usage)


def _infracost(architecture: dict[str, Any], provider: str, region: str) -> dict[str, Any]:
    """Price the Terraform our generator writes with `infracost breakdown` (its own usage defaults)."""
    try:
        files = code_generate(
            architecture, generator="terraform", provider=provider, project_name="estimate", region=region
        )
    except GenerationError as error:
        raise ValidationFailed(error.message, code=error.code, details={"targetId": error.target_id or None}) from error
    with tempfile.TemporaryDirectory() as directory:
        for file in files:
            (Path(directory) / file.path).write_text(file.content)
        completed = subprocess.run(
            [settings.INFRACOST_BINARY, "breakdown", "--path", directory, "--format", "json", "--no-color"],
            capture_output=True,
            text=True,
            timeout=INFRACOST_TIMEOUT_SECONDS,
            env={
                "INFRACOST_API_KEY": settings.INFRACOST_API_KEY,
                "PATH": "/usr/local/bin:/usr/bin:/bin",
                "HOME": directory,
                "INFRACOST_SKIP_UPDATE_CHECK": "true",
            },
            check=False,
        )
    if completed.returncode != 0:
        raise ValidationFailed(
            "Infracost could not price the generated Terraform.",
            code="COST_ESTIMATE_FAILED",
            details={"stderr": completed.stderr[-2000:]},
        )
    report = json.loads(completed.stdout)
    lines = [
        {
            "resourceId": resource["name"],
            "name": resource["name"],
            "resourceType": resource.get("resourceType", ""),
            "service": resource.get("resourceType", ""),
            "quantity": 1,
            "monthlyCost": float(resource.get("monthlyCost") or 0),
            "assumptions": [
                f"{component['name']}: {component.get('monthlyQuantity') or 'usage-based'} {component.get('unit', '')}"
                f" at {component.get('price')}"
                for component in resource.get("costComponents", [])
            ],
        }
        for project in report.get("projects", [])
        for resource in project.get("breakdown", {}).get("resources", [])
    ]
    return {
        "currency": report.get("currency", CURRENCY),
        "catalogVersion": f"infracost {report.get('version', '')}".strip(),
        "source": "infracost",
        "provider": provider,
        "region": region,
        "usage": {},
        "lines": lines,
        "totalMonthlyCost": float(report.get("totalMonthlyCost") or 0),
        "notes": [
            "Priced by Infracost from the Terraform this architecture generates (its usage defaults apply); "
            f"the built-in catalog {CATALOG_VERSION} was not used."
        ],
    }
