"""Celery jobs of the flows app; each takes ids and calls a service (DESIGN.md §6).

Task names start with `flows.` so they are routed to the `flows` queue.
"""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from flows.engine import execution_run
from flows.models import ExecutionStatus
from flows.services.executions import execution_finish, executions_prune, executions_sweep
from flows.services.schedules import schedule_fire


@shared_task(
    name="flows.execute",
    soft_time_limit=settings.FLOW_MAX_TIMEOUT_SECONDS + 30,
    time_limit=settings.FLOW_MAX_TIMEOUT_SECONDS + 60,
)
def execute_task(execution_id: str) -> None:
    try:
        execution_run(execution_id)
    except SoftTimeLimitExceeded:
        execution_finish(
            execution_id=execution_id,
            status=ExecutionStatus.TIMEOUT,
            message="The execution was stopped by its worker.",
        )


@shared_task(name="flows.fire_schedule")
def fire_schedule_task(trigger_id: str) -> str:
    return schedule_fire(trigger_id=trigger_id)


@shared_task(name="flows.sweep")
def sweep_task() -> dict[str, int]:
    return executions_sweep()


@shared_task(name="flows.prune_executions")
def prune_executions_task() -> int:
    return executions_prune()
