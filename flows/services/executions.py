"""Writes for executions: start (webhook, schedule, manual, replay), cancel, sweep, prune.

An execution is started by writing its row — with its usage counted — and queueing its id on commit;
the row is what a 202 promises. A delivery key (webhooks) or scheduled time (schedules) makes the
row unique per trigger: a repeat returns the first execution and creates nothing.
"""

import json
import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from jsonschema import Draft202012Validator

from core.api.exceptions import Conflict, ValidationFailed
from flows import events
from flows.engine import terminal_log
from flows.models import (
    Execution,
    ExecutionStatus,
    Flow,
    FlowStatus,
    FlowVersion,
    LogLevel,
    Trigger,
    TriggerType,
)
from flows.usage import execution_admit, execution_persist, execution_refund

logger = logging.getLogger(__name__)


def _existing(trigger: Trigger | None, delivery_key: str, scheduled_for: datetime | None) -> Execution | None:
    if trigger is None or not (delivery_key or scheduled_for):
        return None
    lookup = {"delivery_key": delivery_key} if delivery_key else {"scheduled_for": scheduled_for}
    return Execution.objects.filter(trigger=trigger, **lookup).first()


def require_running(flow: Flow) -> None:
    if flow.status != FlowStatus.RUNNING:
        raise ValidationFailed(
            f"Flow must be running to execute (current: {flow.status})", details={"status": flow.status}
        )


def execution_start(
    *,
    flow: Flow,
    trigger: Trigger | None,
    trigger_type: str,
    payload: Any,
    delivery_key: str = "",
    scheduled_for: datetime | None = None,
    replay_of: Execution | None = None,
) -> tuple[Execution, bool]:
    """(execution, created). Raises QuotaExceeded (429) or QuotaUnavailable (503) before writing anything."""
    existing = _existing(trigger, delivery_key, scheduled_for)
    if existing is not None:
        return existing, False
    admission = execution_admit(user=flow.owner)
    try:
        with transaction.atomic():
            version = FlowVersion.objects.get(flow=flow, number=flow.version)
            execution = Execution.objects.create(
                flow=flow,
                owner_id=flow.owner_id,
                trigger=trigger,
                trigger_type=trigger_type,
                version=version,
                input_payload=payload,
                delivery_key=delivery_key,
                scheduled_for=scheduled_for,
                replay_of=replay_of,
            )
            execution_persist(admission)
            if trigger is not None:
                Trigger.objects.filter(pk=trigger.pk).update(last_triggered_at=execution.started_at)
            source = f"replay of {replay_of.pk}" if replay_of else f"{trigger_type} trigger"
            events.execution_log(
                execution_id=execution.pk,
                flow_id=flow.pk,
                event_type=events.EXECUTION_STARTED,
                message=f"Execution started by {source} (version {version.number})",
                triggerType=trigger_type,
                triggerId=trigger.pk if trigger else None,
                version=version.number,
            )
            transaction.on_commit(lambda: execution_enqueue(execution.pk), robust=True)
    except IntegrityError:
        execution_refund(admission)
        existing = _existing(trigger, delivery_key, scheduled_for)
        if existing is None:
            raise
        return existing, False
    return execution, True


def execution_enqueue(execution_id: str) -> None:
    from flows.tasks import execute_task

    execute_task.delay(execution_id)


def manual_input_check(flow: Flow, payload: Any) -> None:
    if flow.input_schema is None:
        return
    errors = sorted(Draft202012Validator(flow.input_schema).iter_errors(payload), key=lambda error: list(error.path))
    if errors:
        problems = {"/".join(map(str, error.absolute_path)) or "(root)": [error.message] for error in errors[:10]}
        first = next(iter(problems.items()))
        raise ValidationFailed(
            f"input does not match the flow's input schema: {first[0]}: {first[1][0]}", details={"input": problems}
        )


def manual_trigger(flow: Flow) -> Trigger | None:
    return flow.triggers.filter(type=TriggerType.MANUAL, enabled=True).first()


def execution_run_manually(*, flow: Flow, payload: Any) -> Execution:
    require_running(flow)
    manual_input_check(flow, payload)
    trigger = manual_trigger(flow)
    if payload is None and trigger is not None:
        payload = trigger.config.get("defaultPayload")
    execution, _ = execution_start(flow=flow, trigger=trigger, trigger_type=TriggerType.MANUAL, payload=payload)
    return execution


def execution_replay(*, execution: Execution, payload: Any = ...) -> Execution:
    flow = execution.flow
    require_running(flow)
    payload = execution.input_payload if payload is ... else payload
    if execution.trigger_type == TriggerType.MANUAL:
        manual_input_check(flow, payload)
    replay, _ = execution_start(
        flow=flow, trigger=execution.trigger, trigger_type=execution.trigger_type, payload=payload, replay_of=execution
    )
    return replay


@transaction.atomic
def execution_finish(*, execution_id: str, status: str, message: str = "") -> bool:
    """End a running execution from outside its worker (cancel, sweeper); False when it had already ended."""
    execution = Execution.objects.select_for_update(of=("self",)).filter(pk=execution_id).first()
    if execution is None or execution.status != ExecutionStatus.RUNNING:
        return False
    now = timezone.now()
    execution.status, execution.completed_at, execution.error_message = status, now, message
    execution.duration_ms = int((now - execution.started_at).total_seconds() * 1000)
    execution.save(update_fields=["status", "completed_at", "error_message", "duration_ms"])
    event_type, level, text = terminal_log(status, message)
    events.execution_log(
        execution_id=execution.pk, flow_id=execution.flow_id, event_type=event_type, message=text, level=level,
        status=status,
    )  # fmt: skip
    return True


def execution_cancel(*, execution: Execution) -> Execution:
    if not execution_finish(
        execution_id=execution.pk, status=ExecutionStatus.CANCELLED, message="Cancelled by the user"
    ):
        execution.refresh_from_db()
        raise Conflict(
            f"The execution is {execution.status}; only running executions can be cancelled.",
            code="EXECUTION_NOT_CANCELLABLE",
            details={"status": execution.status},
        )
    execution.refresh_from_db()
    return execution


def executions_sweep() -> dict[str, int]:
    """Re-queue executions whose worker went silent; fail those that used up their attempts."""
    stale = timezone.now() - timedelta(seconds=settings.FLOW_STALL_SECONDS)
    silent = Execution.objects.filter(status=ExecutionStatus.RUNNING).filter(
        Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True, started_at__lt=stale)
    )
    requeued = failed = 0
    for execution_id, attempts, flow_id in silent.values_list("pk", "attempts", "flow_id")[:500]:
        if attempts >= settings.FLOW_MAX_ATTEMPTS:
            message = f"The worker running it stopped {attempts} times; giving up."
            failed += execution_finish(execution_id=execution_id, status=ExecutionStatus.ERROR, message=message)
            continue
        with transaction.atomic():
            execution = (
                Execution.objects.select_for_update()
                .filter(pk=execution_id, status=ExecutionStatus.RUNNING)
                .filter(Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True))
                .first()
            )
            if execution is None:
                continue
            # Clearing the claim hands the execution to the next worker and fences out the silent one.
            execution.state = {**execution.state, "claim": ""}
            execution.heartbeat_at = timezone.now()
            execution.save(update_fields=["state", "heartbeat_at"])
            events.execution_log(
                execution_id=execution_id,
                flow_id=flow_id,
                event_type=events.EXECUTION_REQUEUED,
                message="No worker was heard from; the execution was queued again",
                level=LogLevel.WARNING,
            )
            transaction.on_commit(lambda execution_id=execution_id: execution_enqueue(execution_id), robust=True)
        requeued += 1
    return {"requeued": requeued, "failed": failed}


def executions_prune(*, now: datetime | None = None) -> int:
    """Delete finished executions older than their owner's plan retention."""
    now = now or timezone.now()
    deleted = 0
    for tier, plan in settings.PLANS.items():
        cutoff = now - timedelta(days=plan["limits"]["execution_retention_days"])
        old = Execution.objects.filter(owner__tier=tier, started_at__lt=cutoff).exclude(status=ExecutionStatus.RUNNING)
        deleted += old.delete()[1].get("flows.Execution", 0)
    return deleted


def webhook_payload(body: bytes, content_type: str) -> Any:
    """JSON bodies as data; anything else as text (as BloxServer kept the raw body)."""
    text = body.decode("utf-8", errors="replace")
    if "json" in content_type or text[:1] in ("{", "["):
        try:
            return json.loads(text)
        except ValueError:
            pass
    return text if text else None
