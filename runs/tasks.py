"""Celery jobs of the runs app: each takes ids and calls the pipeline or a service (DESIGN.md §6).

Task names start with `runs.` so they are routed to the `builds` queue.
"""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_shutdown

logger = logging.getLogger(__name__)


@shared_task(name="runs.start")
def run_start_task(run_id: str) -> None:
    from runs.pipeline import run_start

    run_start(run_id)


@shared_task(name="runs.advance")
def run_advance_task(run_id: str) -> None:
    from runs.pipeline import run_advance

    run_advance(run_id)


@shared_task(name="runs.task_execute")
def task_execute_task(task_id: str) -> None:
    from runs.pipeline import task_execute, task_stopped

    try:
        task_execute(task_id)
    except SoftTimeLimitExceeded:
        task_stopped(task_id, "The task took too long and was stopped.")


@shared_task(name="runs.finish")
def run_finish_task(run_id: str) -> None:
    from runs.pipeline import run_finish, run_stopped

    try:
        run_finish(run_id)
    except SoftTimeLimitExceeded:
        run_stopped(run_id, "Merging and verifying took too long and were stopped.")


@shared_task(name="runs.generate")
def generation_execute_task(run_id: str) -> None:
    from workspaces.services.generation import generation_execute, generation_stopped

    try:
        generation_execute(run_id)
    except SoftTimeLimitExceeded:
        generation_stopped(run_id, "Generation took too long and was stopped.")
    except Exception:
        logger.exception("Generation run %s failed unexpectedly", run_id)
        generation_stopped(run_id, "Generation failed unexpectedly; the error was logged for the operators.")
        raise


@shared_task(name="runs.sweep")
def runs_sweep_task() -> int:
    from runs.services import runs_sweep

    return runs_sweep()


@shared_task(name="runs.remove_old_worktrees")
def remove_old_worktrees_task() -> int:
    from runs.services import old_worktrees_remove

    return old_worktrees_remove()


@shared_task(name="runs.export")
def export_build_task(export_id: str) -> None:
    from runs.services import export_build

    export_build(export_id=export_id)


@shared_task(name="runs.remove_expired_exports")
def remove_expired_exports_task() -> int:
    from runs.services import expired_exports_remove

    return expired_exports_remove()


@shared_task(name="runs.deploy")
def deployment_start_task(deployment_id: str) -> None:
    from runs.previews import deployment_run

    deployment_run(deployment_id=deployment_id)


@shared_task(name="runs.stop_preview")
def deployment_stop_task(deployment_id: str) -> None:
    from runs.previews import deployment_stop

    deployment_stop(deployment_id=deployment_id)


@shared_task(name="runs.stop_expired_previews")
def stop_expired_previews_task() -> int:
    from runs.previews import expired_previews_stop

    return expired_previews_stop()


@worker_shutdown.connect
def stop_previews_with_the_worker(**kwargs) -> None:
    """Local previews are processes this machine's worker manages: they stop with it."""
    from runs.previews import local_previews_stop

    local_previews_stop(reason="Stopped with the worker that ran it.")
