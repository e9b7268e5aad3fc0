"""The build pipeline: queued → decomposing → executing → merging → verifying → succeeded | failed | cancelled.

Every step is a Celery job that takes ids, commits after each change of state with its event, and
is safe to run twice: a step checks that the run is still where it expects it (and still exists),
and events carry keys that make a repeated one a no-op. Tasks run on their own branch and worktree and may run
concurrently on several workers once their dependencies are done; `run_advance` decides what comes
next after each of them. Cancellation is cooperative: the flag is checked between files, merges and
while verification runs.

The run's provider writes the code: the decomposition and each task's files are AI requests
(`runs.generator.requests`), answered by the built-in generator or a language model. With a
language model, failed verification is fed back for up to RUN_REPAIR_ROUNDS repair rounds; every
call's tokens count against the run's budget.
"""

import logging
import queue
import shutil
import threading
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from core.api.exceptions import ValidationFailed
from integrations.ai.base import GenerationFailed, StructuredRequest, StructuredResult
from integrations.ai.builtin import BUILTIN
from integrations.ai.providers import provider_resolve
from integrations.services import ai_structured
from runs import events
from runs.decomposition import in_scope, validate_decomposition
from runs.events import run_event_emit
from runs.generator.requests import decompose_request, repair_request, task_request
from runs.models import Run, RunKind, RunStatus, Task, TaskStatus
from runs.repositories import (
    Author,
    RepositoryError,
    branch_head,
    changed_paths,
    commit_worktree,
    merge_branch,
    move_branch,
    worktree_add,
    worktree_remove,
)
from runs.verification import VerificationCancelled, verify
from workspaces.models import ProjectStatus

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 10
CANCEL_POLL_SECONDS = 0.5
# Repair requests carry the project's files up to this many characters in all.
REPAIR_CONTEXT_CHARS = 400_000


class RunCancelled(Exception):
    pass


class ScopeViolation(Exception):
    def __init__(self, paths: list[str]):
        super().__init__(f"wrote outside its path scope: {', '.join(paths)}")
        self.paths = paths


class BudgetExceeded(Exception):
    pass


def _enqueue(task, *args) -> None:
    transaction.on_commit(lambda: task.delay(*args))


def run_worktrees(run: Run) -> Path:
    return Path(settings.WORKTREES_DIR) / run.pk


def run_branch(run: Run) -> str:
    return f"run/{run.run_number:03d}"


def _repo(run: Run) -> Path:
    return Path(run.project.repo_path)


def _author(run: Run) -> Author:
    return Author(name=run.owner.name or run.owner.email, email=run.owner.email)


def _cancel_requested(run_id: str) -> bool:
    return Run.objects.filter(pk=run_id, cancel_requested=True).exists()


def _beat(run_id: str, task_id: str | None = None) -> None:
    now = timezone.now()
    Run.objects.filter(pk=run_id).update(heartbeat_at=now)
    if task_id is not None:
        Task.objects.filter(pk=task_id).update(heartbeat_at=now)


def _set_status(run: Run, status: RunStatus, **fields: Any) -> None:
    # Only these fields: event_count moves underneath (run_event_emit) and must not be written back.
    run.status = status
    for name, value in fields.items():
        setattr(run, name, value)
    run.heartbeat_at = timezone.now()
    run.save(update_fields=["status", "heartbeat_at", *fields])
    # One event per status reached: a run resumed after a crash does not announce it again.
    run_event_emit(run_id=run.pk, type=events.RUN_STATUS, payload={"status": status}, key=f"status:{status}")


def _ask(run: Run, request: StructuredRequest, task: Task | None = None) -> StructuredResult:
    """One AI request of the run, charged to its token budget (BudgetExceeded past it).

    The call runs in a helper thread while this one keeps the heartbeat fresh and watches for a
    cancel, so a cancelled run stops within a second even while a model is still answering.
    """
    if run.token_budget:
        used = Run.objects.values_list("tokens_used", flat=True).get(pk=run.pk)
        if used >= run.token_budget:
            raise BudgetExceeded(f"The run's token budget of {run.token_budget} is spent ({used} tokens used).")
    provider = provider_resolve(user=run.owner, requested=run.provider)

    answers: queue.Queue = queue.Queue(maxsize=1)

    def call() -> None:
        try:
            answers.put(
                (ai_structured(user=run.owner, provider=provider, request=request, subject=("run", run.pk)), None)
            )
        except Exception as exc:  # handed to the waiting thread, which raises it
            answers.put((None, exc))
        finally:
            connection.close()

    # A daemon thread: a call abandoned on cancel must not hold up the worker's shutdown.
    threading.Thread(target=call, name=f"ai-{run.pk}", daemon=True).start()
    last_beat = time.monotonic()
    while True:
        try:
            result, error = answers.get(timeout=CANCEL_POLL_SECONDS)
            break
        except queue.Empty:
            if _cancel_requested(run.pk):
                raise RunCancelled from None
            if time.monotonic() - last_beat > HEARTBEAT_SECONDS:
                _beat(run.pk, task.pk if task else None)
                last_beat = time.monotonic()
    if error is not None:
        raise error
    spent = result.tokens_in + result.tokens_out
    if spent:
        Run.objects.filter(pk=run.pk).update(tokens_used=F("tokens_used") + spent)
        used = Run.objects.values_list("tokens_used", flat=True).get(pk=run.pk)
        if run.token_budget and used > run.token_budget:
            run_event_emit(
                run_id=run.pk,
                type=events.BUDGET_EXCEEDED,
                task=task,
                key="budget-exceeded",
                payload={"tokenBudget": run.token_budget, "tokensUsed": used},
            )
            raise BudgetExceeded(f"The run's token budget of {run.token_budget} is spent ({used} tokens used).")
    return result


def _spec_documents(run: Run) -> dict[str, str]:
    return run.spec_version.documents


# -- steps ----------------------------------------------------------------------------------------


def run_start(run_id: str) -> None:
    """Decompose the spec into tasks, then start the tasks that are ready."""
    from runs.tasks import run_advance_task

    with transaction.atomic():
        run = (
            Run.objects.select_for_update(of=("self",))
            .select_related("spec_version", "owner")
            .filter(pk=run_id)
            .first()
        )
        if run is None or run.status not in (RunStatus.QUEUED, RunStatus.DECOMPOSING):
            return
        if run.cancel_requested:
            run_settle(run, RunStatus.CANCELLED)
            return
        run_event_emit(
            run_id=run.pk,
            type=events.RUN_STARTED,
            payload={"runNumber": run.run_number, "trigger": run.trigger, "provider": run.provider},
            key="started",
        )
        _set_status(run, RunStatus.DECOMPOSING, started_at=run.started_at or timezone.now())
    try:
        answer = _ask(run, decompose_request(spec=run.spec_version.app_spec, documents=_spec_documents(run)))
        plan = {"tasks": answer.data["tasks"], "mergeOrder": validate_decomposition(answer.data)}
    except RunCancelled:
        with transaction.atomic():
            run_settle(Run.objects.select_for_update().get(pk=run_id), RunStatus.CANCELLED)
        return
    except (GenerationFailed, ValidationFailed, BudgetExceeded) as exc:
        with transaction.atomic():
            run_fail(Run.objects.select_for_update().get(pk=run_id), f"Decomposition failed: {exc}")
        return
    with transaction.atomic():
        run = Run.objects.select_for_update().get(pk=run_id)
        if run.status != RunStatus.DECOMPOSING:
            return
        if run.cancel_requested:
            run_settle(run, RunStatus.CANCELLED)
            return
        if not run.tasks.exists():
            for sequence, definition in enumerate(plan["tasks"], 1):
                Task.objects.create(
                    run=run,
                    sequence=sequence,
                    slug=definition["slug"],
                    definition=definition,
                    branch_name=f"feat/task-{sequence:03d}-{definition['slug']}",
                )
            run.tasks_json = plan
            run.save(update_fields=["tasks_json"])
        run_event_emit(
            run_id=run.pk,
            type=events.LOG,
            key="decomposed",
            payload={
                "message": f"Decomposed into {len(run.tasks_json['tasks'])} tasks.",
                "mergeOrder": run.tasks_json["mergeOrder"],
            },
        )
        _set_status(run, RunStatus.EXECUTING, base_commit=run.base_commit or branch_head(_repo(run)))
        _enqueue(run_advance_task, run.pk)


def run_advance(run_id: str) -> None:
    """After a task: start the tasks that became ready, or finish the run when nothing is left to do."""
    from runs.tasks import run_finish_task, task_execute_task

    with transaction.atomic():
        run = Run.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status != RunStatus.EXECUTING:
            return
        tasks = list(run.tasks.all())
        busy = [task for task in tasks if task.status in (TaskStatus.QUEUED, TaskStatus.RUNNING)]
        failed = [task for task in tasks if task.status == TaskStatus.FAILED]
        if run.cancel_requested or failed:
            if not busy:
                if run.cancel_requested:
                    run_settle(run, RunStatus.CANCELLED)
                else:
                    run_fail(run, f"Task {failed[0].definition['id']} ({failed[0].slug}) failed: {failed[0].error}")
            return
        if all(task.status == TaskStatus.SUCCEEDED for task in tasks):
            _set_status(run, RunStatus.MERGING)
            _enqueue(run_finish_task, run.pk)
            return
        done = {task.definition["id"] for task in tasks if task.status == TaskStatus.SUCCEEDED}
        for task in tasks:
            if task.status == TaskStatus.PENDING and set(task.definition["dependencies"]) <= done:
                task.status = TaskStatus.QUEUED
                task.save(update_fields=["status"])
                _enqueue(task_execute_task, task.pk)


def _safe_target(worktree: Path, path: str) -> Path | None:
    """Where `path` lands in the worktree, or None when it is not a plain relative path inside it."""
    parts = path.split("/")
    if path.startswith("/") or "\\" in path or "\0" in path or any(part in ("", ".", "..", ".git") for part in parts):
        return None
    target = worktree / path
    return target if target.resolve().is_relative_to(worktree.resolve()) else None


def _apply_operations(
    run: Run, worktree: Path, operations: list[dict[str, Any]], scope: list[str], *, task: Task | None, key: str
) -> tuple[list[str], list[str], list[str]]:
    """Apply file operations inside `scope`, one event each; returns the paths created, modified, deleted."""
    refused = [
        operation["path"]
        for operation in operations
        if _safe_target(worktree, operation["path"]) is None or not in_scope(operation["path"], scope)
    ]
    if refused:
        raise ScopeViolation(refused)
    created, modified, deleted = [], [], []
    for operation in operations:
        if _cancel_requested(run.pk):
            raise RunCancelled
        path = operation["path"]
        target = _safe_target(worktree, path)
        existed = target.is_file()
        if operation["action"] == "delete":
            if not existed:
                continue
            target.unlink()
            deleted.append(path)
            event_type, payload = events.FILE_DELETED, {"path": path}
        else:
            content = operation["content"]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content)
            (modified if existed else created).append(path)
            event_type = events.FILE_MODIFIED if existed else events.FILE_CREATED
            payload = {"path": path, "size": len(content.encode())}
        run_event_emit(run_id=run.pk, type=event_type, task=task, key=f"{key}:file:{path}", payload=payload)
    return created, modified, deleted


def task_execute(task_id: str) -> None:
    """Write one task's files on its own branch, inside its path scope, and commit them."""
    from runs.tasks import run_advance_task

    with transaction.atomic():
        task = (
            Task.objects.select_for_update(of=("self",))
            .select_related("run__project", "run__owner", "run__spec_version")
            .filter(pk=task_id)
            .first()
        )
        if task is None:
            return
        run = task.run
        # Only a queued task runs: a running one is owned by a worker (the sweeper requeues it if that worker died).
        if task.status != TaskStatus.QUEUED or run.status != RunStatus.EXECUTING:
            return
        if run.cancel_requested:
            task.status, task.error = TaskStatus.CANCELLED, "The run was cancelled."
            task.save(update_fields=["status", "error"])
            _enqueue(run_advance_task, run.pk)
            return
        task.status = TaskStatus.RUNNING
        task.attempts += 1
        task.started_at = task.started_at or timezone.now()
        task.heartbeat_at = timezone.now()
        task.worktree_path = str(run_worktrees(run) / f"{task.definition['id']}-{task.slug}")
        task.save()
        run_event_emit(
            run_id=run.pk,
            type=events.TASK_STARTED,
            task=task,
            key=f"{task.pk}:started",
            payload={"slug": task.slug, "description": task.definition["description"], "branch": task.branch_name},
        )
    attempt, scope = task.attempts, task.definition["pathScope"]
    repo, worktree = _repo(run), Path(task.worktree_path)
    try:
        request = task_request(
            spec=run.spec_version.app_spec, documents=_spec_documents(run), plan=run.tasks_json, task=task.definition
        )
        operations = _ask(run, request, task).data["operations"]
        worktree_add(repo, worktree, task.branch_name, run.base_commit)
        created, modified, deleted = _apply_operations(run, worktree, operations, scope, task=task, key=task.pk)
        outside = [path for path in changed_paths(worktree) if not in_scope(path, scope)]
        if outside:
            raise ScopeViolation(outside)
        message = f"{task.definition['id']} {task.slug}: {task.definition['description']}"
        sha = commit_worktree(worktree, message=message, author=_author(run))
    except RunCancelled:
        _task_ended(task, attempt, TaskStatus.CANCELLED, error="The run was cancelled.")
    except ScopeViolation as exc:
        _task_ended(task, attempt, TaskStatus.FAILED, error=f"The task {exc}.", paths=exc.paths)
    except (GenerationFailed, ValidationFailed, BudgetExceeded) as exc:
        _task_ended(task, attempt, TaskStatus.FAILED, error=str(exc))
    except (RepositoryError, OSError) as exc:
        logger.exception("Task %s failed", task.pk)
        _task_ended(task, attempt, TaskStatus.FAILED, error=str(exc))
    else:
        result = {"filesCreated": created, "filesModified": modified, "filesDeleted": deleted, "commitSha": sha}
        _task_ended(task, attempt, TaskStatus.SUCCEEDED, result=result)
    # Right here rather than as another job: it saves a queue round trip between dependent tasks.
    run_advance(run.pk)


@transaction.atomic
def _task_ended(
    task: Task,
    attempt: int,
    status: TaskStatus,
    *,
    error: str = "",
    result: dict | None = None,
    paths: list[str] | None = None,
) -> None:
    task = Task.objects.select_for_update().get(pk=task.pk)
    # A worker the sweeper gave up on must not settle the attempt that replaced it.
    if task.status != TaskStatus.RUNNING or task.attempts != attempt:
        return
    task.status, task.error, task.completed_at = status, error, timezone.now()
    if result is not None:
        task.result = result
    task.save()
    if status == TaskStatus.SUCCEEDED:
        run_event_emit(
            run_id=task.run_id, type=events.TASK_COMPLETED, task=task, key=f"{task.pk}:completed", payload=task.result
        )
    elif status == TaskStatus.FAILED:
        payload = {"error": error, **({"paths": paths} if paths else {})}
        run_event_emit(run_id=task.run_id, type=events.TASK_FAILED, task=task, key=f"{task.pk}:failed", payload=payload)


def task_stopped(task_id: str, message: str) -> None:
    """The job of a task hit its time limit: the task fails and the run moves on."""
    from runs.tasks import run_advance_task

    task = Task.objects.get(pk=task_id)
    _task_ended(task, task.attempts, TaskStatus.FAILED, error=message)
    run_advance_task.delay(task.run_id)


def _store_with_event(run_id: str, event_type: str, key: str, payload: dict[str, Any], **fields: Any) -> None:
    """Store fields of the run together with the event that tells of them."""
    with transaction.atomic():
        Run.objects.filter(pk=run_id).update(**fields)
        run_event_emit(run_id=run_id, type=event_type, key=key, payload=payload)


def _merge(run: Run, worktree: Path) -> str | None:
    """Merge the task branches in mergeOrder on the run branch; the merged commit, or None after failing the run."""
    repo, branches = _repo(run), {task.definition["id"]: task for task in run.tasks.all()}
    worktree_add(repo, worktree, run_branch(run), run.base_commit)
    for task_id in run.tasks_json["mergeOrder"]:
        if _cancel_requested(run.pk):
            raise RunCancelled
        task = branches[task_id]
        conflicts = merge_branch(worktree, task.branch_name, message=f"Merge {task_id} {task.slug}")
        if conflicts:
            with transaction.atomic():
                run_fail(
                    Run.objects.select_for_update().get(pk=run.pk),
                    f"Merging {task_id} ({task.branch_name}) conflicts in {', '.join(conflicts)}.",
                    files=conflicts,
                )
            return None
        _beat(run.pk)
    merged = branch_head(repo, run_branch(run))
    payload = {"commitSha": merged, "branch": run_branch(run)}
    _store_with_event(run.pk, events.MERGE_COMPLETED, "merged", payload, merged_commit=merged)
    return merged


def _verify(run: Run, worktree: Path, round: int) -> dict[str, Any]:
    criteria = [{"id": item["id"], "title": item["title"]} for item in run.spec_version.app_spec["acceptance"]]
    with transaction.atomic():
        locked = Run.objects.select_for_update().get(pk=run.pk)
        if locked.status != RunStatus.VERIFYING:
            _set_status(locked, RunStatus.VERIFYING)
        run_event_emit(
            run_id=run.pk,
            type=events.VERIFICATION_STARTED,
            key=f"verification:{round}:started",
            payload={"criteria": len(criteria), "round": round},
        )

    def should_stop() -> bool:
        _beat(run.pk)
        return _cancel_requested(run.pk)

    result = verify(worktree, criteria, should_stop)
    payload = {"passed": result["passed"], "summary": result["summary"], "round": round}
    _store_with_event(
        run.pk, events.VERIFICATION_COMPLETED, f"verification:{round}:completed", payload, verification_result=result
    )
    return result


def _project_files(worktree: Path) -> dict[str, str]:
    files, budget = {}, REPAIR_CONTEXT_CHARS
    for path in sorted(worktree.rglob("*")):
        relative = path.relative_to(worktree).as_posix()
        if not path.is_file() or relative.startswith((".git", "spec/")) or "__pycache__" in relative:
            continue
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue
        if len(text) > budget:
            break
        files[relative], budget = text, budget - len(text)
    return files


def _repair(run: Run, worktree: Path, result: dict[str, Any], round: int) -> None:
    """Ask the model to fix what verification found, apply its operations and commit them on the run branch."""
    failures = [criterion for criterion in result["criteria"] if criterion["status"] == "failed"]
    run_event_emit(
        run_id=run.pk,
        type=events.LOG,
        key=f"repair:{round}:started",
        payload={
            "message": f"Repair round {round}: {len(failures)} criteria failed.",
            "repairRound": round,
            "failed": [criterion["id"] for criterion in failures],
        },
    )
    scopes = sorted({pattern for task in run.tasks_json["tasks"] for pattern in task["pathScope"]})
    request = repair_request(
        spec=run.spec_version.app_spec,
        files=_project_files(worktree),
        failures=failures,
        output=result["output"],
        scopes=scopes,
    )
    operations = _ask(run, request).data["operations"]
    _apply_operations(run, worktree, operations, scopes, task=None, key=f"repair:{round}")
    commit_worktree(worktree, message=f"Repair round {round}", author=_author(run))
    Run.objects.filter(pk=run.pk).update(repair_rounds=round, merged_commit=branch_head(_repo(run), run_branch(run)))


def run_finish(run_id: str) -> None:
    """Merge the task branches in mergeOrder, verify (repairing with a language model), settle the run."""
    run = Run.objects.select_related("project", "owner", "spec_version").filter(pk=run_id).first()
    if run is None or run.status not in (RunStatus.MERGING, RunStatus.VERIFYING):
        return
    repo, worktree = _repo(run), run_worktrees(run) / "merge"
    try:
        if run.merged_commit:
            # Resumed after the merge: go on from the run branch (it holds any repair commits).
            worktree_add(repo, worktree, run_branch(run), branch_head(repo, run_branch(run)))
        elif _merge(run, worktree) is None:
            return
        round = run.repair_rounds
        result = _verify(run, worktree, round)
        while not result["passed"] and run.provider != BUILTIN and round < settings.RUN_REPAIR_ROUNDS:
            round += 1
            _repair(run, worktree, result, round)
            result = _verify(run, worktree, round)
    except (RunCancelled, VerificationCancelled):
        with transaction.atomic():
            run_settle(Run.objects.select_for_update().get(pk=run_id), RunStatus.CANCELLED)
        return
    except ScopeViolation as exc:
        with transaction.atomic():
            run_fail(Run.objects.select_for_update().get(pk=run_id), f"The repair {exc}.", paths=exc.paths)
        return
    except (GenerationFailed, ValidationFailed, BudgetExceeded, RepositoryError, OSError) as exc:
        logger.info("Run %s failed while merging, verifying or repairing: %s", run_id, exc)
        with transaction.atomic():
            run_fail(Run.objects.select_for_update().get(pk=run_id), str(exc))
        return
    with transaction.atomic():
        run = Run.objects.select_for_update(of=("self",)).select_related("project").get(pk=run_id)
        if run.status != RunStatus.VERIFYING:
            return
        if not result["passed"]:
            failed = [criterion["id"] for criterion in result["criteria"] if criterion["status"] == "failed"]
            summary = result["summary"]
            run_fail(
                run, f"Verification failed: {len(failed)} of {summary['total']} criteria ({', '.join(failed[:10])})."
            )
            return
        if not move_branch(repo, "main", run.merged_commit, run.base_commit):
            run_event_emit(
                run_id=run.pk,
                type=events.LOG,
                key="main-moved",
                payload={"message": f"main moved during the run; the result stays on {run_branch(run)}."},
            )
        run_settle(run, RunStatus.SUCCEEDED)


def run_stopped(run_id: str, message: str) -> None:
    with transaction.atomic():
        run_fail(Run.objects.select_for_update().get(pk=run_id), message)


# -- endings --------------------------------------------------------------------------------------


def run_fail(run: Run, error: str, **payload: Any) -> None:
    if run.is_terminal:
        return
    run.error = error
    run_settle(run, RunStatus.FAILED, error=error, **payload)


def run_settle(run: Run, status: RunStatus, **payload: Any) -> None:
    """Settle the run (inside the caller's transaction, run locked); the project's status follows."""
    if run.is_terminal:
        return
    run.status, run.completed_at, run.heartbeat_at = status, timezone.now(), timezone.now()
    run.save(update_fields=["status", "completed_at", "heartbeat_at", "error"])
    run.tasks.filter(status__in=(TaskStatus.PENDING, TaskStatus.QUEUED)).update(status=TaskStatus.CANCELLED)
    event = {
        RunStatus.SUCCEEDED: events.RUN_COMPLETED,
        RunStatus.FAILED: events.RUN_FAILED,
        RunStatus.CANCELLED: events.RUN_CANCELLED,
    }
    if run.kind == RunKind.GENERATION:
        run_event_emit(run_id=run.pk, type=event[status], key="finished", payload={"status": status, **payload})
        return
    summary = {"status": status, "mergedCommit": run.merged_commit or None, **payload}
    run_event_emit(run_id=run.pk, type=event[status], key="finished", payload=summary)
    project = run.project
    project.status = {
        RunStatus.SUCCEEDED: ProjectStatus.BUILT,
        RunStatus.FAILED: ProjectStatus.FAILED,
        RunStatus.CANCELLED: run.previous_project_status or ProjectStatus.APPROVED,
    }[status]
    project.save(update_fields=["status", "updated_at"])
    if status != RunStatus.FAILED:
        run_id = run.pk
        transaction.on_commit(lambda: remove_worktrees(run_id))


def remove_worktrees(run_id: str) -> None:
    run = Run.objects.select_related("project").get(pk=run_id)
    repo, directory = _repo(run), run_worktrees(run)
    if directory.exists():
        for worktree in directory.iterdir():
            worktree_remove(repo, worktree)
        shutil.rmtree(directory, ignore_errors=True)
    Run.objects.filter(pk=run_id).update(worktrees_removed_at=timezone.now())
