"""What happens when things go wrong: lost jobs, dead workers, merge conflicts, leftover worktrees."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from config.celery import app as celery_app
from runs.events import TASK_STARTED, run_event_emit
from runs.models import Run, RunEvent, Task
from runs.pipeline import run_advance, run_finish, run_start, run_stopped, task_stopped
from runs.repositories import Author, branch_head, commit_files
from runs.services import old_worktrees_remove, runs_sweep
from tests.projects import approved_project, git
from workspaces.models import Project

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def project(auth_client):
    return approved_project(auth_client)


@pytest.fixture
def queued_run(auth_client, project) -> Run:
    """A run whose start job went to the broker and was never taken (no worker)."""
    celery_app.conf.task_always_eager = False
    try:
        response = auth_client.post(f"/api/v1/projects/{project['id']}/runs", {}, format="json")
    finally:
        celery_app.conf.task_always_eager = True
    assert response.status_code == 201
    return Run.objects.get(pk=response.json()["data"]["id"])


def stall(run: Run) -> None:
    long_ago = timezone.now() - timedelta(seconds=settings.RUN_STALL_SECONDS + 60)
    Run.objects.filter(pk=run.pk).update(heartbeat_at=long_ago)
    Task.objects.filter(run=run).update(heartbeat_at=long_ago)


def test_the_sweeper_resumes_a_run_whose_job_was_lost(queued_run):
    assert queued_run.status == "queued"
    assert runs_sweep() == 0, "a fresh run is left alone"

    stall(queued_run)
    assert runs_sweep() == 1

    run = Run.objects.get(pk=queued_run.pk)
    assert run.status == "succeeded"
    assert run.attempts == 1
    resumed = RunEvent.objects.filter(run=run, type="LOG", key="resumed:1").get()
    assert resumed.payload["status"] == "queued"


def test_a_task_whose_worker_died_runs_again_without_duplicates(queued_run, project):
    celery_app.conf.task_always_eager = False
    try:
        run_start(queued_run.pk)
        run_advance(queued_run.pk)
    finally:
        celery_app.conf.task_always_eager = True
    ready = Task.objects.filter(run=queued_run, status="queued")
    assert {task.slug for task in ready} == {"core", "tests", "docs"}, "the tasks without dependencies"
    task = ready.get(slug="core")
    # A worker took the task, announced it, committed on its branch, and died before recording anything else.
    Task.objects.filter(pk=task.pk).update(status="running", attempts=1)
    run_event_emit(run_id=queued_run.pk, type=TASK_STARTED, task=task, key=f"{task.pk}:started")
    repo = project["repoPath"]
    base = Run.objects.get(pk=queued_run.pk).base_commit
    git(repo, "branch", task.branch_name, base)
    commit_files(
        Path(repo), {"app/__init__.py": "half"}, message="lost", author=Author("x", "x@x"), branch=task.branch_name
    )
    stall(queued_run)

    assert runs_sweep() == 1

    run = Run.objects.get(pk=queued_run.pk)
    assert run.status == "succeeded", run.error
    task.refresh_from_db()
    assert task.attempts == 2
    assert RunEvent.objects.filter(run=run, task=task, type="TASK_STARTED").count() == 1
    assert RunEvent.objects.filter(run=run, task=task, type="TASK_COMPLETED").count() == 1
    assert git(repo, "rev-list", "--count", f"{base}..{task.branch_name}").strip() == "1"
    assert git(repo, "log", "--format=%s", "-1", task.branch_name).startswith("task-001 core")
    seqs = list(RunEvent.objects.filter(run=run).values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))


def test_a_run_that_keeps_stalling_is_failed(queued_run, project, settings):
    settings.RUN_MAX_ATTEMPTS = 0
    stall(queued_run)

    assert runs_sweep() == 1

    run = Run.objects.get(pk=queued_run.pk)
    assert run.status == "failed"
    assert "stalled" in run.error
    assert Project.objects.get(pk=project["id"]).status == "failed"
    assert RunEvent.objects.filter(run=run).last().type == "RUN_FAILED"


def _task_definition(number: int, slug: str, scope: str) -> dict:
    return {
        "id": f"task-{number:03d}",
        "slug": slug,
        "description": slug,
        "instructions": slug,
        "dependencies": [],
        "pathScope": [scope],
        "expectedOutputs": [scope],
    }


def test_a_merge_conflict_fails_the_run_and_names_the_files(auth_client, project):
    repo = project["repoPath"]
    base = branch_head(Path(repo))
    definitions = [_task_definition(1, "left", "left.txt"), _task_definition(2, "right", "right.txt")]
    run = Run.objects.create(
        owner=auth_client.user,
        project_id=project["id"],
        run_number=1,
        status="merging",
        spec_version=Project.objects.get(pk=project["id"]).spec_versions.get(),
        base_commit=base,
        tasks_json={"tasks": definitions, "mergeOrder": ["task-001", "task-002"]},
        previous_project_status="approved",
    )
    Project.objects.filter(pk=project["id"]).update(status="building")
    for sequence, definition in enumerate(definitions, 1):
        branch = f"feat/task-{sequence:03d}-{definition['slug']}"
        Task.objects.create(
            run=run,
            sequence=sequence,
            slug=definition["slug"],
            definition=definition,
            branch_name=branch,
            status="succeeded",
        )
        # Both branches touch the same file: someone pushed to a task branch behind the pipeline's back.
        git(repo, "branch", branch, base)
        commit_files(
            Path(repo), {"shared.txt": f"{definition['slug']}\n"}, message="x", author=Author("x", "x@x"), branch=branch
        )

    run_finish(run.pk)

    run.refresh_from_db()
    assert run.status == "failed"
    assert run.error == "Merging task-002 (feat/task-002-right) conflicts in shared.txt."
    failed = RunEvent.objects.filter(run=run).last()
    assert failed.type == "RUN_FAILED"
    assert failed.payload["files"] == ["shared.txt"]
    assert Project.objects.get(pk=project["id"]).status == "failed"
    assert branch_head(Path(repo)) == base, "main is untouched"
    merge_worktree = Path(settings.WORKTREES_DIR) / run.pk / "merge"
    # Kept for inspection, at the last clean merge (the conflicting one was undone).
    assert (merge_worktree / "shared.txt").read_text() == "left\n"

    assert old_worktrees_remove() == 0, "kept for RUN_KEEP_FAILED_WORKTREES_HOURS"
    Run.objects.filter(pk=run.pk).update(completed_at=timezone.now() - timedelta(hours=25))
    assert old_worktrees_remove() == 1
    assert not merge_worktree.exists()
    assert "merge" not in git(repo, "worktree", "list")


def test_a_succeeded_run_removes_its_worktrees(auth_client, project):
    run_id = auth_client.post(f"/api/v1/projects/{project['id']}/runs", {}, format="json").json()["data"]["id"]

    run = Run.objects.get(pk=run_id)
    assert run.worktrees_removed_at is not None
    assert not (Path(settings.WORKTREES_DIR) / run_id).exists()
    assert git(project["repoPath"], "worktree", "list").count("\n") == 1
    assert old_worktrees_remove() == 0


def test_a_task_past_its_time_limit_fails_the_run(auth_client, project):
    definition = _task_definition(1, "slow", "slow.txt")
    run = Run.objects.create(
        owner=auth_client.user,
        project_id=project["id"],
        run_number=1,
        status="executing",
        tasks_json={"tasks": [definition], "mergeOrder": ["task-001"]},
        previous_project_status="approved",
    )
    task = Task.objects.create(
        run=run, sequence=1, slug="slow", definition=definition, branch_name="feat/task-001-slow", status="running"
    )

    task_stopped(task.pk, "The task took too long and was stopped.")

    task.refresh_from_db()
    assert task.status == "failed"
    assert RunEvent.objects.get(run=run, type="TASK_FAILED").payload == {
        "error": "The task took too long and was stopped."
    }
    run.refresh_from_db()
    assert run.status == "failed"
    assert run.error == "Task task-001 (slow) failed: The task took too long and was stopped."


def test_merging_past_its_time_limit_fails_the_run(auth_client, project):
    run = Run.objects.create(owner=auth_client.user, project_id=project["id"], run_number=1, status="verifying")

    run_stopped(run.pk, "Merging and verifying took too long and were stopped.")

    run.refresh_from_db()
    assert run.status == "failed"
    assert RunEvent.objects.get(run=run, type="RUN_FAILED").payload["error"] == run.error
