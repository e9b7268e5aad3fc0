"""Writes for runs: starting, cancelling and retrying builds, the sweeper, and exports.

A build can start when the project is approved, built or failed; the project is `building` until
the run ends. The user's plan caps how many builds run at once (429 QUOTA_EXCEEDED). The pipeline
itself lives in `runs.pipeline`; this module is what the API, the admin and beat call.
"""

import logging
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from core.api.exceptions import Conflict, QuotaExceeded, ValidationFailed
from core.api.throttling import plan_for
from integrations.ai.providers import provider_resolve
from runs import events
from runs.events import run_event_emit
from runs.models import (
    TERMINAL_RUN_STATUSES,
    Export,
    ExportFormat,
    ExportStatus,
    Run,
    RunKind,
    RunStatus,
    Task,
    TaskStatus,
)
from runs.pipeline import remove_worktrees, run_fail, run_settle
from runs.repositories import RepositoryError, archive
from runs.tasks import (
    export_build_task,
    generation_execute_task,
    run_advance_task,
    run_finish_task,
    run_start_task,
    task_execute_task,
)
from workspaces.models import Project, ProjectStatus

logger = logging.getLogger(__name__)

BUILDABLE = (ProjectStatus.APPROVED, ProjectStatus.BUILT, ProjectStatus.FAILED)


def _check_concurrent_builds(owner: User) -> None:
    limit = plan_for(owner.tier)["limits"]["concurrent_builds"]
    if limit is None:
        return
    running = Run.objects.filter(owner=owner, kind=RunKind.BUILD).exclude(status__in=TERMINAL_RUN_STATUSES).count()
    if running >= limit:
        raise QuotaExceeded(
            f"Your {owner.tier} plan runs {limit} build{'s' if limit != 1 else ''} at a time; "
            "wait for one to finish or cancel it.",
            details={"limit": limit, "inProgress": running, "tier": owner.tier},
        )


@transaction.atomic
def run_create(
    *, project: Project, trigger: str = "manual", provider: str | None = None, retry_of: Run | None = None
) -> Run:
    """Start a build of the project's approved spec; the pipeline job is enqueued after commit."""
    # The owner's row serialises their concurrent requests, so the build limit cannot be raced past.
    owner = User.objects.select_for_update().get(pk=project.owner_id)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status not in BUILDABLE:
        raise Conflict(
            f"A build needs an approved spec; the project is {project.status}.",
            details={"status": project.status},
        )
    _check_concurrent_builds(owner)
    spec = (
        retry_of.spec_version
        if retry_of is not None
        else project.spec_versions.filter(approved_at__isnull=False).order_by("-version").first()
    )
    chosen = provider_resolve(user=owner, requested=provider, preferred=project.ai_provider or None)
    number = (project.runs.aggregate(highest=Max("run_number"))["highest"] or 0) + 1
    run = Run.objects.create(
        owner=owner,
        project=project,
        run_number=number,
        trigger=trigger,
        retry_of=retry_of,
        spec_version=spec,
        provider=chosen.name,
        previous_project_status=project.status,
        token_budget=settings.RUN_TOKEN_BUDGET,
        heartbeat_at=timezone.now(),
    )
    project.status = ProjectStatus.BUILDING
    project.save(update_fields=["status", "updated_at"])
    transaction.on_commit(lambda: run_start_task.delay(run.pk))
    return run


def _build_only(run: Run, verb: str) -> None:
    if run.kind != RunKind.BUILD:
        raise Conflict(
            f"Generation runs cannot be {verb}; they finish in seconds — generate again instead.",
            details={"kind": run.kind},
            code="RUN_NOT_CANCELLABLE" if verb == "cancelled" else "CONFLICT",
        )


def run_retry(*, run: Run) -> Run:
    """A new run of the same spec (and provider), `trigger: "retry"`."""
    _build_only(run, "retried")
    return run_create(project=run.project, trigger="retry", provider=run.provider, retry_of=run)


@transaction.atomic
def run_cancel(*, run: Run) -> Run:
    """Ask the run to stop. A queued run stops at once; a running one at its next check (seconds)."""
    run = Run.objects.select_for_update(of=("self",)).select_related("project").get(pk=run.pk)
    _build_only(run, "cancelled")
    if run.is_terminal:
        raise Conflict(
            f"Run {run.run_number} has already ended ({run.status}).",
            details={"status": run.status},
            code="RUN_NOT_CANCELLABLE",
        )
    if run.cancel_requested:
        return run
    run.cancel_requested = True
    run.save(update_fields=["cancel_requested"])
    run_event_emit(run_id=run.pk, type=events.LOG, key="cancel-requested", payload={"message": "Cancel requested."})
    if run.status == RunStatus.QUEUED:
        run_settle(run, RunStatus.CANCELLED)
    elif run.status == RunStatus.EXECUTING:
        # With no task running, nothing else would notice the flag.
        transaction.on_commit(lambda: run_advance_task.delay(run.pk))
    return run


# -- the sweeper ----------------------------------------------------------------------------------


def _resume(run: Run) -> None:
    """Re-enqueue whatever step the run is in; its jobs skip what is already done."""
    if run.kind == RunKind.GENERATION:
        transaction.on_commit(lambda: generation_execute_task.delay(run.pk))
    elif run.status in (RunStatus.QUEUED, RunStatus.DECOMPOSING):
        transaction.on_commit(lambda: run_start_task.delay(run.pk))
    elif run.status == RunStatus.EXECUTING:
        for task_id in run.tasks.filter(status=TaskStatus.QUEUED).values_list("pk", flat=True):
            transaction.on_commit(lambda task_id=task_id: task_execute_task.delay(task_id))
        transaction.on_commit(lambda: run_advance_task.delay(run.pk))
    else:
        transaction.on_commit(lambda: run_finish_task.delay(run.pk))


def runs_sweep() -> int:
    """Resume runs whose worker has gone quiet past RUN_STALL_SECONDS; fail them after RUN_MAX_ATTEMPTS.

    A task whose worker died is put back in the queue (its branch starts over, its events are
    keyed, so nothing is duplicated). Returns how many runs were resumed or failed.
    """
    deadline = timezone.now() - timedelta(seconds=settings.RUN_STALL_SECONDS)
    stalled = Run.objects.exclude(status__in=TERMINAL_RUN_STATUSES).filter(
        Q(heartbeat_at__lt=deadline) | Q(heartbeat_at__isnull=True, created_at__lt=deadline)
    )
    count = 0
    for run_id in stalled.values_list("pk", flat=True):
        with transaction.atomic():
            run = Run.objects.select_for_update(of=("self",)).select_related("project").get(pk=run_id)
            if run.is_terminal or (run.heartbeat_at and run.heartbeat_at >= deadline):
                continue
            count += 1
            dead_tasks = run.tasks.filter(status=TaskStatus.RUNNING).filter(
                Q(heartbeat_at__lt=deadline) | Q(heartbeat_at__isnull=True)
            )
            if run.attempts >= settings.RUN_MAX_ATTEMPTS:
                dead_tasks.update(status=TaskStatus.FAILED, error="The worker running it was lost.")
                run_fail(run, f"The run stalled {run.attempts + 1} times (no worker progress); it was stopped.")
                continue
            run.attempts += 1
            run.heartbeat_at = timezone.now()
            run.save(update_fields=["attempts", "heartbeat_at"])
            requeued = list(dead_tasks.values_list("pk", flat=True))
            Task.objects.filter(pk__in=requeued).update(status=TaskStatus.QUEUED)
            run_event_emit(
                run_id=run.pk,
                type=events.LOG,
                key=f"resumed:{run.attempts}",
                payload={
                    "message": f"No progress for {settings.RUN_STALL_SECONDS}s; resumed (attempt {run.attempts}).",
                    "status": run.status,
                    "requeuedTasks": requeued,
                },
            )
            _resume(run)
    return count


def old_worktrees_remove() -> int:
    """Remove the worktrees of ended runs: failed ones after RUN_KEEP_FAILED_WORKTREES_HOURS."""
    kept_until = timezone.now() - timedelta(hours=settings.RUN_KEEP_FAILED_WORKTREES_HOURS)
    # Generation runs commit straight to their workspace repository: they have no worktrees.
    ended = Run.objects.filter(
        kind=RunKind.BUILD, status__in=TERMINAL_RUN_STATUSES, worktrees_removed_at__isnull=True
    ).filter(~Q(status=RunStatus.FAILED) | Q(completed_at__lt=kept_until))
    removed = 0
    for run_id in ended.values_list("pk", flat=True):
        try:
            remove_worktrees(run_id)
        except RepositoryError:
            logger.warning("Could not remove the worktrees of run %s", run_id, exc_info=True)
            continue
        removed += 1
    return removed


# -- exports --------------------------------------------------------------------------------------


def project_run(project: Project, run_id: str) -> Run:
    run = project.runs.filter(pk=run_id).first() if isinstance(run_id, str) else None
    if run is None:
        raise ValidationFailed(f"runId: this project has no run {run_id!r}.", details={"runId": ["No such run."]})
    return run


def merged_commit_of(run: Run) -> str:
    """The commit to export or deploy: all of the run's branches merged (and repaired)."""
    if not run.merged_commit:
        raise Conflict(
            f"Run {run.run_number} has no merged commit yet (it is {run.status}).", details={"status": run.status}
        )
    return run.merged_commit


def export_filename(export: Export) -> str:
    return f"{slugify(export.project.name) or 'project'}-run-{export.run.run_number}.{export.format}"


@transaction.atomic
def export_create(*, project: Project, run_id: str, format: str) -> Export:
    if format not in ExportFormat.values:
        raise ValidationFailed(
            f"format: choose one of {', '.join(ExportFormat.values)}.", details={"format": ["Unknown format."]}
        )
    run = project_run(project, run_id)
    export = Export.objects.create(
        owner=project.owner,
        project=project,
        run=run,
        format=format,
        commit_sha=merged_commit_of(run),
        expires_at=timezone.now() + timedelta(hours=settings.EXPORT_TTL_HOURS),
    )
    transaction.on_commit(lambda: export_build_task.delay(export.pk))
    return export


def export_build(*, export_id: str) -> None:
    """Archive the run's merged commit into EXPORTS_DIR; idempotent."""
    export = Export.objects.select_related("project", "run").filter(pk=export_id).first()
    if export is None or export.status != ExportStatus.PROCESSING:
        return
    directory = Path(settings.EXPORTS_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{export.pk}.{export.format}"
    prefix = export_filename(export).removesuffix(f".{export.format}")
    try:
        archive(Path(export.project.repo_path), export.commit_sha, format=export.format, prefix=prefix, output=target)
    except RepositoryError as exc:
        logger.warning("Export %s failed", export.pk, exc_info=True)
        Export.objects.filter(pk=export.pk).update(status=ExportStatus.FAILED, error=str(exc))
        return
    Export.objects.filter(pk=export.pk).update(
        status=ExportStatus.COMPLETED,
        file_path=str(target),
        size_bytes=target.stat().st_size,
        completed_at=timezone.now(),
    )


def expired_exports_remove() -> int:
    """Delete exports past their expiry, files and rows."""
    expired = Export.objects.filter(expires_at__lt=timezone.now())
    for file_path in expired.exclude(file_path="").values_list("file_path", flat=True):
        Path(file_path).unlink(missing_ok=True)
    return expired.delete()[0]
