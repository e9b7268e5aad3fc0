"""Writes for architecture workspaces: the workspace row, its git repository and its architecture.json.

Every workspace owns a bare repository (created with the row, first commit: an empty architecture).
Saving an architecture validates it against the workspace's provider first — any error and nothing
is committed — then commits it with a compare-and-swap on the branch, so `expectedSha` gives
optimistic concurrency and two writers can never lose each other's commit.
"""

import json
import re
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.api.exceptions import Conflict, ValidationFailed
from runs.repositories import Author, StaleBranch, branch_head, commit_files, repository_create
from workspaces.architecture.catalog import GENERATOR_PROVIDERS, REGIONS
from workspaces.architecture.validation import architecture_check
from workspaces.models import Workspace

ARCHITECTURE_PATH = "architecture.json"
GITHUB_REPO = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")
EDITABLE_FIELDS = ("name", "generator", "provider", "region", "github_repo", "github_branch")
SAVE_ATTEMPTS = 3


@dataclass(frozen=True)
class SavedArchitecture:
    architecture: dict[str, Any]
    commit_sha: str
    changed: bool
    validation: dict[str, Any]
    migrations: list[str]


def architecture_serialize(architecture: dict[str, Any]) -> str:
    """The bytes of architecture.json: sorted keys and a fixed indent, so equal models make equal commits."""
    return json.dumps(architecture, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def empty_architecture(name: str) -> dict[str, Any]:
    now = timezone.now().isoformat().replace("+00:00", "Z")
    return {
        "id": f"arch-{secrets.token_hex(4)}",
        "name": name,
        "version": "1",
        "nodes": [],
        "endpoints": [],
        "connections": [],
        "createdAt": now,
        "updatedAt": now,
    }


def _author(user: User) -> Author:
    return Author(name=user.name or user.email, email=user.email)


def _settings_problems(generator: str, provider: str, region: str) -> dict[str, str]:
    problems = {}
    if generator not in GENERATOR_PROVIDERS:
        problems["generator"] = f"Unknown generator '{generator}'; use one of: {', '.join(GENERATOR_PROVIDERS)}."
    elif provider in REGIONS and provider not in GENERATOR_PROVIDERS[generator]:
        problems["generator"] = f"{generator} generates {', '.join(GENERATOR_PROVIDERS[generator])} only."
    if provider not in REGIONS:
        problems["provider"] = f"Unknown provider '{provider}'; use one of: {', '.join(REGIONS)}."
    elif region and region not in REGIONS[provider]:
        problems["region"] = f"'{region}' is not a {provider} region."
    return problems


def check_generation_settings(generator: str, provider: str, region: str) -> None:
    """400 naming the first bad one when generator, provider and region do not go together."""
    problems = _settings_problems(generator, provider, region)
    if problems:
        raise ValidationFailed(next(iter(problems.values())), details=problems)


def _check_settings(generator: str, provider: str, region: str, github_repo: str | None) -> None:
    problems = _settings_problems(generator, provider, region)
    if github_repo and not GITHUB_REPO.match(github_repo):
        problems["githubRepo"] = "Use the form owner/repo."
    if problems:
        raise ValidationFailed(next(iter(problems.values())), details=problems)


@transaction.atomic
def workspace_create(
    *,
    owner: User,
    name: str,
    generator: str = "terraform",
    provider: str = "azure",
    region: str = "",
    github_repo: str | None = None,
    github_branch: str | None = "main",
    architecture: dict[str, Any] | None = None,
) -> Workspace:
    _check_settings(generator, provider, region, github_repo)
    workspace = Workspace(
        owner=owner,
        name=name,
        generator=generator,
        provider=provider,
        region=region,
        github_repo=github_repo or "",
        github_branch=github_branch or "main",
    )
    if architecture is not None:
        loaded, result = architecture_check(architecture, provider=provider)
        if not result["valid"]:
            raise ValidationFailed("The architecture has validation errors.", details=result)
        architecture = loaded.architecture
    workspace.repo_path = str(repository_create(workspace.pk))
    commit_files(
        Path(workspace.repo_path),
        {ARCHITECTURE_PATH: architecture_serialize(architecture or empty_architecture(name))},
        message=f"Create workspace {name}",
        author=_author(owner),
    )
    workspace.save()
    return workspace


@transaction.atomic
def workspace_update(*, workspace: Workspace, **fields: Any) -> Workspace:
    """Change the given fields; `github_repo=None` unlinks, `github_branch=None` means main."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")
    workspace = Workspace.objects.select_for_update().get(pk=workspace.pk)
    if "github_branch" in fields and not fields["github_branch"]:
        fields["github_branch"] = "main"
    if "github_repo" in fields:
        fields["github_repo"] = fields["github_repo"] or ""
    for name, value in fields.items():
        setattr(workspace, name, value)
    if "provider" in fields and "region" not in fields and workspace.region not in REGIONS.get(workspace.provider, ()):
        workspace.region = ""
    _check_settings(workspace.generator, workspace.provider, workspace.region, workspace.github_repo)
    workspace.save()
    return workspace


def workspace_delete(*, workspace: Workspace) -> None:
    repo = Path(workspace.repo_path)
    with transaction.atomic():
        workspace.delete()
        transaction.on_commit(lambda: shutil.rmtree(repo, ignore_errors=True))


def architecture_save(
    *,
    workspace: Workspace,
    architecture: Any,
    author: User,
    commit_message: str | None = None,
    expected_sha: str | None = None,
) -> SavedArchitecture:
    """Validate, then commit architecture.json; 400 with the validation result, 409 when `expected_sha` is stale."""
    loaded, result = architecture_check(architecture, provider=workspace.provider)
    if not result["valid"]:
        raise ValidationFailed("The architecture has validation errors; nothing was committed.", details=result)
    repo = Path(workspace.repo_path)
    content = architecture_serialize(loaded.architecture)
    message = commit_message or f"Update architecture of {workspace.name}"
    for _attempt in range(SAVE_ATTEMPTS):
        head = branch_head(repo)
        try:
            sha = commit_files(
                repo,
                {ARCHITECTURE_PATH: content},
                message=message,
                author=_author(author),
                expected_head=expected_sha if expected_sha is not None else head,
            )
        except StaleBranch:
            if expected_sha is not None:
                break
            continue
        Workspace.objects.filter(pk=workspace.pk).update(updated_at=timezone.now())
        return SavedArchitecture(loaded.architecture, sha, sha != head, result, loaded.migrations)
    raise Conflict(
        "The architecture changed since the commit you edited; reload it and apply your change again.",
        details={"expectedSha": expected_sha, "currentSha": branch_head(repo)},
    )
