"""Run events (DESIGN.md §5): rows with a per-run `seq`, written with the state change, published after commit.

`run_event_emit` takes the run's row lock to hand out the next `seq`, so events from tasks running on
several workers still get one strict order. A `key` names the step that emitted an event: emitting
the same key again (a step redone after a worker died) returns the first event instead of a duplicate.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone

from core.realtime.publish import publish_on_commit
from runs.models import Run, RunEvent, Task

RUN_STARTED = "RUN_STARTED"
RUN_STATUS = "RUN_STATUS"
TASK_STARTED = "TASK_STARTED"
FILE_CREATED = "FILE_CREATED"
FILE_MODIFIED = "FILE_MODIFIED"
FILE_DELETED = "FILE_DELETED"
TASK_COMPLETED = "TASK_COMPLETED"
TASK_FAILED = "TASK_FAILED"
MERGE_COMPLETED = "MERGE_COMPLETED"
VERIFICATION_STARTED = "VERIFICATION_STARTED"
VERIFICATION_COMPLETED = "VERIFICATION_COMPLETED"
RUN_COMPLETED = "RUN_COMPLETED"
RUN_FAILED = "RUN_FAILED"
RUN_CANCELLED = "RUN_CANCELLED"
BUDGET_EXCEEDED = "BUDGET_EXCEEDED"
LOG = "LOG"
TERMINAL_EVENTS = (RUN_COMPLETED, RUN_FAILED, RUN_CANCELLED)


def run_channel(run_id: str) -> str:
    return f"run:{run_id}"


def event_data(event: RunEvent) -> dict[str, Any]:
    """What clients receive, over REST, SSE and WebSocket alike."""
    return {
        "id": event.pk,
        "runId": event.run_id,
        "seq": event.seq,
        "eventType": event.type,
        "taskId": event.task_id,
        "payload": event.payload,
        "timestamp": event.created_at.isoformat().replace("+00:00", "Z"),
    }


@transaction.atomic
def run_event_emit(
    *, run_id: str, type: str, payload: dict[str, Any] | None = None, task=None, key: str = ""
) -> RunEvent:
    if key:
        existing = RunEvent.objects.filter(run_id=run_id, key=key).first()
        if existing is not None:
            return existing
    run = Run.objects.select_for_update().only("event_count").get(pk=run_id)
    seq = run.event_count + 1
    # An event is also a heartbeat of its run and task (the sweeper resumes runs that have none).
    now = timezone.now()
    Run.objects.filter(pk=run_id).update(event_count=seq, heartbeat_at=now)
    if task is not None:
        Task.objects.filter(pk=task.pk).update(heartbeat_at=now)
    event = RunEvent.objects.create(run_id=run_id, task=task, seq=seq, type=type, payload=payload or {}, key=key)
    publish_on_commit(run_channel(run_id), event_data(event))
    return event
