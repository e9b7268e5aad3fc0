"""Flow logs, which are also the live event stream of flows and executions (DESIGN.md §5).

An execution's entries carry a `seq` strictly increasing per execution, handed out under the
execution's row lock and written in the same transaction as the state change they report; after
commit each is published on `execution:<id>` and on `flow:<flowId>`. Entries of the flow itself
(started, stopped, a schedule fire skipped) have no execution and go to `flow:<id>` only.
"""

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.realtime.publish import publish_on_commit
from flows.models import Execution, FlowLog, LogLevel

EXECUTION_STARTED = "EXECUTION_STARTED"
STEP_STARTED = "STEP_STARTED"
STEP_COMPLETED = "STEP_COMPLETED"
STEP_FAILED = "STEP_FAILED"
STEP_RETRY = "STEP_RETRY"
LOG = "LOG"
EXECUTION_COMPLETED = "EXECUTION_COMPLETED"
EXECUTION_FAILED = "EXECUTION_FAILED"
EXECUTION_TIMEOUT = "EXECUTION_TIMEOUT"
EXECUTION_CANCELLED = "EXECUTION_CANCELLED"
EXECUTION_REQUEUED = "EXECUTION_REQUEUED"
FLOW_STARTED = "FLOW_STARTED"
FLOW_STOPPED = "FLOW_STOPPED"
FLOW_UPDATED = "FLOW_UPDATED"
SCHEDULE_SKIPPED = "SCHEDULE_SKIPPED"
TERMINAL_EVENTS = (EXECUTION_COMPLETED, EXECUTION_FAILED, EXECUTION_TIMEOUT, EXECUTION_CANCELLED)


def execution_channel(execution_id: str) -> str:
    return f"execution:{execution_id}"


def flow_channel(flow_id: str) -> str:
    return f"flow:{flow_id}"


def log_data(entry: FlowLog) -> dict[str, Any]:
    """A LogEntry of the seed ({timestamp, level, message, metadata}) plus what streams need."""
    return {
        "id": entry.pk,
        "seq": entry.seq,
        "eventType": entry.event_type,
        "flowId": entry.flow_id,
        "executionId": entry.execution_id,
        "timestamp": entry.created_at.isoformat().replace("+00:00", "Z"),
        "level": entry.level,
        "message": entry.message,
        "metadata": entry.metadata,
    }


@transaction.atomic
def execution_log(
    *, execution_id: str, flow_id: str, event_type: str, message: str, level: str = LogLevel.INFO, **metadata: Any
) -> FlowLog:
    seq = _next_seq(execution_id)
    entry = FlowLog.objects.create(
        flow_id=flow_id,
        execution_id=execution_id,
        seq=seq,
        event_type=event_type,
        level=level,
        message=message,
        metadata={"executionId": execution_id, **metadata},
    )
    data = log_data(entry)
    publish_on_commit(execution_channel(execution_id), data)
    publish_on_commit(flow_channel(flow_id), data)
    return entry


def _next_seq(execution_id: str) -> int:
    Execution.objects.filter(pk=execution_id).update(event_count=F("event_count") + 1, heartbeat_at=timezone.now())
    return Execution.objects.filter(pk=execution_id).values_list("event_count", flat=True).get()


def flow_log(*, flow_id: str, event_type: str, message: str, level: str = LogLevel.INFO, **metadata: Any) -> FlowLog:
    entry = FlowLog.objects.create(
        flow_id=flow_id, event_type=event_type, level=level, message=message, metadata=metadata
    )
    publish_on_commit(flow_channel(flow_id), log_data(entry))
    return entry
