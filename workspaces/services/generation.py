"""Generation runs: infrastructure code from a workspace's architecture, on the runs engine.

A run is created `queued` (the seed's `pending`), a worker job generates the files from the
architecture at the head of `main`, and commits them under `infra/<generator>/<provider>/` on the
chosen branch (`main` unless asked otherwise), replacing what an earlier run left there. Every step is
an event on `run:<id>`; steps are keyed, so a run resumed by the sweeper after a worker died does not
repeat them, and generation is deterministic, so doing it again commits nothing new.
"""

import logging
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from core.api.exceptions import ValidationFailed
from runs import events
from runs.events import run_event_emit
from runs.models import Run, RunKind, RunStatus
from runs.pipeline import run_fail, run_settle
from runs.repositories import (
    DEFAULT_BRANCH,
    Author,
    StaleBranch,
    branch_create,
    branch_head,
    branch_name_valid,
    commit_files,
    read_file,
    tree_entry,
)
from runs.tasks import generation_execute_task
from workspaces.generators.generate import GeneratedFile, code_generate
from workspaces.generators.plan import GenerationError
from workspaces.models import Workspace
from workspaces.selectors import architecture_at
from workspaces.services.workspaces import check_generation_settings

logger = logging.getLogger(__name__)

COMMIT_ATTEMPTS = 3


def output_directory(generator: str, provider: str) -> str:
    return f"infra/{generator}/{provider}"


def _options(
    workspace: Workspace, generator: str | None, provider: str | None, region: str | None
) -> tuple[str, str, str]:
    """The run's generator, provider and region: the request's, else the workspace's; checked together."""
    generator = generator or workspace.generator
    provider = provider or workspace.provider
    # The workspace's region belongs to its provider; another provider starts from its own default.
    region = region if region is not None else (workspace.region if provider == workspace.provider else "")
    check_generation_settings(generator, provider, region)
    return generator, provider, region


def generation_preview(
    *, workspace: Workspace, generator: str | None = None, provider: str | None = None, region: str | None = None
) -> dict[str, Any]:
    """The files a generation would commit now, without committing (400 with the code when it cannot)."""
    generator, provider, region = _options(workspace, generator, provider, region)
    architecture, sha = architecture_at(workspace)
    files = _generate(workspace, architecture, generator, provider, region)
    return {
        "generator": generator,
        "provider": provider,
        "region": region,
        "architecture_sha": sha,
        "directory": output_directory(generator, provider),
        "files": [{"path": file.path, "content": file.content} for file in files],
    }


def _generate(workspace: Workspace, architecture: Any, generator: str, provider: str, region: str):
    try:
        return code_generate(
            architecture, generator=generator, provider=provider, project_name=workspace.name, region=region
        )
    except GenerationError as error:
        raise ValidationFailed(error.message, code=error.code, details={"targetId": error.target_id or None}) from error


@transaction.atomic
def generation_run_create(
    *,
    workspace: Workspace,
    user: User,
    generator: str | None = None,
    provider: str | None = None,
    region: str | None = None,
    commit_message: str | None = None,
    branch: str | None = None,
    create_pr: bool = False,
) -> Run:
    generator, provider, region = _options(workspace, generator, provider, region)
    branch = branch or DEFAULT_BRANCH
    if not branch_name_valid(branch):
        raise ValidationFailed(f"'{branch}' is not a valid git branch name.", details={"branch": branch})
    if create_pr:
        raise ValidationFailed(
            "Pull requests need the workspace's GitHub repository, and GitHub sync is not available yet; "
            "generate without createPr to commit to the workspace repository.",
            details={"createPr": True},
        )
    # The workspace row serialises run numbering.
    workspace = Workspace.objects.select_for_update().get(pk=workspace.pk)
    number = (workspace.runs.aggregate(highest=Max("run_number"))["highest"] or 0) + 1
    run = Run.objects.create(
        kind=RunKind.GENERATION,
        owner=user,
        workspace=workspace,
        run_number=number,
        provider="builtin",
        options={
            "generator": generator,
            "provider": provider,
            "region": region,
            "branch": branch,
            "commitMessage": commit_message or f"Generate {generator} for {provider} (run {number})",
        },
        heartbeat_at=timezone.now(),
    )
    transaction.on_commit(lambda: generation_execute_task.delay(run.pk))
    return run


def generation_execute(run_id: str) -> None:
    """The worker's part: generate, commit, settle. Safe to run again for the same run."""
    with transaction.atomic():
        run = Run.objects.select_for_update(of=("self",)).select_related("workspace", "owner").get(pk=run_id)
        if run.is_terminal:
            return
        if run.status == RunStatus.QUEUED:
            run.status, run.started_at, run.heartbeat_at = RunStatus.EXECUTING, timezone.now(), timezone.now()
            run.save(update_fields=["status", "started_at", "heartbeat_at"])
        run_event_emit(run_id=run.pk, type=events.RUN_STARTED, key="started", payload=dict(run.options))
    options, workspace = run.options, run.workspace
    try:
        architecture, architecture_sha = architecture_at(workspace)
        files = code_generate(
            architecture,
            generator=options["generator"],
            provider=options["provider"],
            project_name=workspace.name,
            region=options["region"],
        )
    except GenerationError as error:
        with transaction.atomic():
            run = Run.objects.select_for_update(of=("self",)).get(pk=run_id)
            run.result = {"error": {"code": error.code, "message": error.message, "targetId": error.target_id or None}}
            run.save(update_fields=["result"])
            run_fail(run, error.message, code=error.code, targetId=error.target_id or None)
        return
    run_event_emit(
        run_id=run_id,
        type=events.LOG,
        key="generated",
        payload={"message": f"Generated {len(files)} files from architecture {architecture_sha[:12]}."},
    )
    sha, written = _commit(run, files)
    with transaction.atomic():
        run = Run.objects.select_for_update(of=("self",)).get(pk=run_id)
        run.commit_sha = sha
        run.result = {"files": written, "architectureSha": architecture_sha}
        run.save(update_fields=["commit_sha", "result"])
        run_settle(run, RunStatus.SUCCEEDED, commitSha=sha, files=written)


def _commit(run: Run, files: list[GeneratedFile]) -> tuple[str, list[dict[str, Any]]]:
    """Commit the files on the run's branch; one FILE_CREATED / FILE_MODIFIED event per changed file."""
    options, workspace = run.options, run.workspace
    repo, branch = Path(workspace.repo_path), options["branch"]
    directory = output_directory(options["generator"], options["provider"])
    paths = {f"{directory}/{file.path}": file.content for file in files}
    author = Author(name=run.owner.name or run.owner.email, email=run.owner.email)
    for _attempt in range(COMMIT_ATTEMPTS):
        if branch_head(repo, branch) is None:
            branch_create(repo, branch, branch_head(repo))
        parent = branch_head(repo, branch)
        try:
            sha = commit_files(
                repo, paths, message=options["commitMessage"], author=author, branch=branch, expected_head=parent
            )
        except StaleBranch:
            continue
        break
    else:
        raise StaleBranch(f"{branch} kept moving while run {run.run_number} committed.")
    written = []
    for path, content in paths.items():
        before = _content_at(repo, path, parent)
        change = "unchanged" if before == content else ("created" if before is None else "modified")
        written.append({"path": path, "bytes": len(content.encode()), "change": change})
        if change != "unchanged":
            event_type = events.FILE_CREATED if change == "created" else events.FILE_MODIFIED
            run_event_emit(
                run_id=run.pk,
                type=event_type,
                key=f"file:{path}",
                payload={"path": path, "bytes": written[-1]["bytes"]},
            )
    return sha, written


def _content_at(repo: Path, path: str, commit: str | None) -> str | None:
    if commit is None or tree_entry(repo, commit, path) is None:
        return None
    return read_file(repo, path, commit)


def generation_stopped(run_id: str, message: str) -> None:
    """A generation the worker could not finish (time limit, unexpected error) fails with the reason."""
    with transaction.atomic():
        run = Run.objects.select_for_update(of=("self",)).get(pk=run_id)
        run_fail(run, message)
