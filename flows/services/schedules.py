"""Schedule triggers on django-celery-beat: one periodic task per trigger, enabled while its flow runs.

Each trigger's cron (5 fields) and IANA time zone become a timezone-aware `CrontabSchedule`; beat
sends `flows.fire_schedule(trigger_id)` at each fire time. The task works out which cron time it is
for (the latest one not after now, in the trigger's zone), and the execution row is unique per
(trigger, scheduled time): two beat processes, or a task delivered twice, still make one execution.
"""

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from core.api.exceptions import ApplicationError
from flows import events
from flows.models import Execution, ExecutionStatus, Flow, FlowStatus, LogLevel, Trigger, TriggerType
from flows.services.executions import execution_start

FIRE_TASK = "flows.fire_schedule"
OVERLAP_POLICIES = ("skip", "allow")


class ScheduleError(ValueError):
    pass


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ScheduleError(f"'{name}' is not an IANA time zone (e.g. UTC, Europe/Paris).") from exc


def check_cron(cron: str) -> list[str]:
    fields = cron.split()
    if len(fields) != 5 or not croniter.is_valid(cron):
        raise ScheduleError(f"'{cron}' is not a 5-field cron expression (minute hour day-of-month month day-of-week).")
    return fields


def next_fire_times(cron: str, timezone_name: str, *, count: int = 5, now: datetime | None = None) -> list[datetime]:
    tz = zone(timezone_name)
    iterator = croniter(cron, (now or timezone.now()).astimezone(tz))
    return [iterator.get_next(datetime) for _ in range(count)]


def slot_for(cron: str, timezone_name: str, now: datetime) -> datetime:
    """The cron time a fire at `now` is for: the latest one at or before now."""
    tz = zone(timezone_name)
    local = now.astimezone(tz).replace(second=0, microsecond=0)
    if croniter.match(cron, local):
        return local
    return croniter(cron, local).get_prev(datetime)


def _crontab(cron: str, timezone_name: str) -> CrontabSchedule:
    minute, hour, day_of_month, month_of_year, day_of_week = check_cron(cron)
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute=minute,
        hour=hour,
        day_of_month=day_of_month,
        month_of_year=month_of_year,
        day_of_week=day_of_week,
        timezone=zone(timezone_name),
    )
    return schedule


def schedule_sync(trigger: Trigger) -> None:
    """Make the trigger's periodic task match it: present for schedule triggers, enabled while they can fire."""
    if trigger.type != TriggerType.SCHEDULE:
        return
    config: dict[str, Any] = trigger.config
    enabled = trigger.enabled and trigger.flow.status == FlowStatus.RUNNING
    schedule = _crontab(config["cron"], config["timezone"])
    task = trigger.periodic_task
    if task is None:
        task = PeriodicTask(
            name=f"flow-trigger:{trigger.pk}", task=FIRE_TASK, kwargs=json.dumps({"trigger_id": trigger.pk})
        )
    task.crontab = schedule
    task.enabled = enabled
    task.queue = "flows"
    task.description = f"Schedule trigger '{trigger.name}' of flow {trigger.flow_id}"
    task.save()
    if trigger.periodic_task_id != task.pk:
        trigger.periodic_task = task
        trigger.save(update_fields=["periodic_task", "updated_at"])


def schedule_remove(trigger: Trigger) -> None:
    if trigger.periodic_task_id is not None:
        PeriodicTask.objects.filter(pk=trigger.periodic_task_id).delete()


def schedules_activate(*, flow: Flow) -> None:
    """Enable the flow's schedule triggers; call once the flow is running."""
    for trigger in flow.triggers.filter(type=TriggerType.SCHEDULE).select_related("periodic_task", "flow"):
        trigger.flow = flow
        schedule_sync(trigger)


def schedules_deactivate(*, flow: Flow, delete: bool = False) -> None:
    # Saved one by one (not queryset.update) so django-celery-beat's signals tell beat about the change.
    for task in PeriodicTask.objects.filter(name__startswith="flow-trigger:", pk__in=_task_ids(flow)):
        if delete:
            task.delete()
        else:
            task.enabled = False
            task.save(update_fields=["enabled"])


def _task_ids(flow: Flow) -> list[int]:
    return list(flow.triggers.exclude(periodic_task=None).values_list("periodic_task_id", flat=True))


def schedule_fire(*, trigger_id: str, now: datetime | None = None) -> str:
    """Start the execution for the current cron time of a schedule trigger; what happened, for the task's log."""
    trigger = Trigger.objects.select_related("flow__owner").filter(pk=trigger_id, type=TriggerType.SCHEDULE).first()
    if trigger is None or not trigger.enabled or trigger.flow.status != FlowStatus.RUNNING:
        return "inactive"
    config = trigger.config
    slot = slot_for(config["cron"], config["timezone"], now or timezone.now())
    if config["overlap"] == "skip":
        running = Execution.objects.filter(trigger=trigger, status=ExecutionStatus.RUNNING).exclude(scheduled_for=slot)
        if running.exists():
            _log_skipped(trigger, f"skipped {slot.isoformat()}: the previous execution still runs", LogLevel.WARNING)
            return "skipped"
    payload = {"scheduledFor": slot.isoformat(), "timezone": config["timezone"], "payload": config["payload"]}
    try:
        _, created = execution_start(
            flow=trigger.flow, trigger=trigger, trigger_type=TriggerType.SCHEDULE, payload=payload, scheduled_for=slot
        )
    except ApplicationError as exc:
        _log_skipped(trigger, f"could not start an execution: {exc.message}", LogLevel.ERROR)
        return "refused"
    return "started" if created else "duplicate"


def _log_skipped(trigger: Trigger, reason: str, level: str) -> None:
    events.flow_log(
        flow_id=trigger.flow_id,
        event_type=events.SCHEDULE_SKIPPED,
        message=f"Schedule '{trigger.name}' {reason}",
        level=level,
        triggerId=trigger.pk,
    )
