"""Reads for runs: events, files of a project by ref, and the operators' statistics."""

import base64
import posixpath
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import redis
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from rest_framework.exceptions import NotFound

from accounts.models import User
from core.api.exceptions import ValidationFailed
from core.heartbeat import WORKERS_KEY, alive_cutoff
from core.redis import get_redis
from runs.events import event_data
from runs.models import TERMINAL_RUN_STATUSES, Run, RunEvent, RunStatus, TaskStatus
from runs.repositories import blob_content, resolve_commit, tree_entry, tree_list
from workspaces.models import Project, ProjectStatus

MAX_SYMLINK_HOPS = 8
# Celery (kombu's Redis transport) keeps each queue as a list, plus one per priority step.
QUEUE_NAMES = ("default", "builds", "flows")
PRIORITY_SUFFIXES = ("", "\x06\x163", "\x06\x166", "\x06\x169")


def runs_with_summary(queryset: QuerySet[Run]) -> QuerySet[Run]:
    """Runs annotated with their tasks' counts (tasksSummary)."""
    return queryset.annotate(
        tasks_total=Count("tasks"),
        tasks_succeeded=Count("tasks", filter=Q(tasks__status=TaskStatus.SUCCEEDED)),
        tasks_failed=Count("tasks", filter=Q(tasks__status=TaskStatus.FAILED)),
    )


def with_latest_run(projects: QuerySet[Project]) -> QuerySet[Project]:
    """Projects annotated with their newest run's id, number and status (latestRun), in the same query."""
    newest = Run.objects.filter(project=OuterRef("pk")).order_by("-run_number")
    return projects.annotate(
        latest_run_id=Subquery(newest.values("id")[:1]),
        latest_run_number=Subquery(newest.values("run_number")[:1]),
        latest_run_status=Subquery(newest.values("status")[:1]),
    )


def user_can_watch_run(user: User, run_id: str) -> bool:
    return Run.objects.filter(pk=run_id, owner=user).exists()


def run_events_after(run_id: str, after: int, before: int | None = None) -> list[dict[str, Any]]:
    """The events with after < seq < before (before None: all), oldest first, as clients receive them."""
    events = RunEvent.objects.filter(run_id=run_id, seq__gt=after)
    if before is not None:
        events = events.filter(seq__lt=before)
    return [event_data(event) for event in events.order_by("seq")]


def run_event_list(
    *, run: Run, after: int = 0, type: str | None = None, task_id: str | None = None, limit: int = 100
) -> list[RunEvent]:
    events = run.events.filter(seq__gt=after)
    if type:
        events = events.filter(type=type)
    if task_id:
        events = events.filter(task_id=task_id)
    return list(events.order_by("seq")[:limit])


# -- files by ref ---------------------------------------------------------------------------------


def _confined_path(raw: str) -> str:
    """A repository-relative path ('' for the root); ValidationFailed for anything that could leave it."""
    decoded = raw
    # Encoded traversal ('%2e%2e', also double-encoded) is refused like the plain one.
    for _ in range(3):
        decoded = unquote(decoded)
    if "\0" in decoded or "\\" in decoded:
        raise ValidationFailed("path: must not contain NUL bytes or backslashes.", details={"path": ["Invalid path."]})
    if decoded.startswith("/") and decoded.strip("/"):
        raise ValidationFailed("path: must be relative to the repository root.", details={"path": ["Absolute path."]})
    parts = [part for part in decoded.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise ValidationFailed("path: '..' is not allowed.", details={"path": ["Path traversal."]})
    if parts[:1] == [".git"]:
        raise ValidationFailed("path: the repository's .git is not readable.", details={"path": ["Invalid path."]})
    return "/".join(parts)


def _commit_for(project: Project, ref: str) -> str:
    ref = ref or "main"
    if ref.startswith("run_"):
        run = project.runs.filter(pk=ref).first()
        if run is None:
            raise NotFound(f"This project has no run {ref}.")
        commit = run.merged_commit or None
        if commit is None:
            raise NotFound(f"Run {run.run_number} has no merged commit (it is {run.status}).")
        return commit
    if ref.startswith("-") or any(char in ref for char in " ~^:?*[\\") or len(ref) > 200:
        raise ValidationFailed(
            f"ref: {ref!r} is not a branch, tag, commit sha or run id.", details={"ref": ["Invalid."]}
        )
    commit = resolve_commit(Path(project.repo_path), ref)
    if commit is None:
        raise NotFound(f"No branch, tag or commit {ref!r} in this project's repository.")
    return commit


def _follow(project: Project, commit: str, path: str):
    repo = Path(project.repo_path)
    for _ in range(MAX_SYMLINK_HOPS):
        entry = tree_entry(repo, commit, path)
        if entry is None:
            raise NotFound(f"No {path or '/'} at this ref.")
        if entry.type != "symlink":
            return entry
        target = blob_content(repo, entry.sha).decode(errors="replace")
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
        if target.startswith("/") or joined == ".." or joined.startswith("../"):
            raise ValidationFailed(
                f"path: {path} is a symbolic link that points outside the repository.",
                details={"path": ["Symlink out of the repository."]},
            )
        path = "" if joined == "." else joined
    raise ValidationFailed(f"path: too many symbolic links at {path}.", details={"path": ["Symlink loop."]})


def project_files_list(*, project: Project, ref: str, path: str) -> dict[str, Any]:
    commit, relative = _commit_for(project, ref), _confined_path(path)
    entry = _follow(project, commit, relative)
    if entry.type != "directory":
        raise NotFound(f"{relative} is a file; read it with GET /projects/{{id}}/files/{relative}.")
    entries = tree_list(Path(project.repo_path), commit, entry.path)
    return {
        "ref": ref or "main",
        "commit": commit,
        "path": f"/{entry.path}",
        "entries": [
            {"name": item.name, "type": item.type, **({"size": item.size} if item.type == "file" else {})}
            for item in entries
        ],
    }


def project_file_read(*, project: Project, ref: str, path: str) -> dict[str, Any]:
    commit, relative = _commit_for(project, ref), _confined_path(path)
    if not relative:
        raise ValidationFailed("path: name a file; list directories with GET /projects/{id}/files.")
    entry = _follow(project, commit, relative)
    if entry.type != "file":
        raise NotFound(f"{relative} is a {entry.type}, not a file.")
    content = blob_content(Path(project.repo_path), entry.sha)
    try:
        text, encoding = content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = base64.b64encode(content).decode(), "base64"
    return {
        "path": relative,
        "ref": ref or "main",
        "commit": commit,
        "content": text,
        "encoding": encoding,
        "size": len(content),
    }


# -- operators ------------------------------------------------------------------------------------


def _queue_and_workers() -> dict[str, Any]:
    from config.celery import app

    try:
        client = get_redis()
        pending = sum(client.llen(f"{name}{suffix}") for name in QUEUE_NAMES for suffix in PRIORITY_SUFFIXES)
        workers = client.zrangebyscore(WORKERS_KEY, alive_cutoff(), "+inf")
    except redis.RedisError:
        return {"queue": {"pending": None, "processing": None}, "workers": {"total": None, "active": None}}
    active = (app.control.inspect(timeout=1.0).active() or {}) if workers else {}
    return {
        "queue": {"pending": pending, "processing": sum(len(tasks) for tasks in active.values())},
        "workers": {"total": len(workers), "active": sum(1 for tasks in active.values() if tasks)},
    }


def system_stats() -> dict[str, Any]:
    """What operators see at GET /admin/stats; queue and workers are null when Redis is unreachable."""
    projects = Project.objects.aggregate(
        total=Count("id"),
        active=Count("id", filter=~Q(status=ProjectStatus.ARCHIVED)),
    )
    runs = Run.objects.aggregate(
        total=Count("id"),
        succeeded=Count("id", filter=Q(status=RunStatus.SUCCEEDED)),
        failed=Count("id", filter=Q(status=RunStatus.FAILED)),
        in_progress=Count("id", filter=~Q(status__in=TERMINAL_RUN_STATUSES)),
    )
    return {"projects": projects, "runs": runs, **_queue_and_workers()}
