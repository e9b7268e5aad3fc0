from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded


@shared_task(name="workspaces.project_generation")
def project_generation_task(project_id: str, token: str) -> None:
    from workspaces.services.projects import project_generation_fail, project_generation_run

    try:
        project_generation_run(project_id=project_id, token=token)
    except SoftTimeLimitExceeded:
        project_generation_fail(
            project_id=project_id, token=token, message="The generation took too long and was stopped."
        )


@shared_task(name="workspaces.sweep_generations")
def sweep_generations_task() -> int:
    from workspaces.services.projects import project_generations_sweep

    return project_generations_sweep()
