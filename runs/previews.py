"""Preview deployments of a run's application.

Provider `local` runs the exported application (`python run.py`) as a managed process on a free
loopback port of the worker's machine, reports its URL once it answers HTTP, and stops it after
PREVIEW_TTL_MINUTES (a beat job) or when the user deletes the deployment. Starting and stopping are
Celery jobs, so the process lives and dies on the machine of the worker that started it; local
previews therefore suit single-machine installations (`make run`, one worker container). Hosted
providers named by the seed need an integration this server does not configure: they are refused.
"""

import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.api.exceptions import ValidationFailed
from runs.models import Deployment, DeploymentStatus
from runs.repositories import RepositoryError, checkout_to
from runs.services import merged_commit_of, project_run
from runs.tasks import deployment_start_task, deployment_stop_task
from workspaces.models import Project

logger = logging.getLogger(__name__)

LOCAL = "local"
HOSTED_PROVIDERS = ("railway", "render", "fly")
LOG_EXCERPT = 2000
POLL_SECONDS = 0.2


@transaction.atomic
def deployment_create(*, project: Project, run_id: str, provider: str = LOCAL) -> Deployment:
    if provider in HOSTED_PROVIDERS:
        raise ValidationFailed(
            f"provider: {provider} is not configured on this server; use {LOCAL} for a preview on this machine.",
            details={"provider": ["Provider not configured."]},
        )
    if provider != LOCAL:
        raise ValidationFailed(
            f"provider: choose {LOCAL} (or a hosted provider: {', '.join(HOSTED_PROVIDERS)}).",
            details={"provider": ["Unknown provider."]},
        )
    run = project_run(project, run_id)
    merged_commit_of(run)
    running = run.deployments.filter(
        provider=provider, status__in=(DeploymentStatus.DEPLOYING, DeploymentStatus.LIVE)
    ).first()
    if running is not None:
        return running
    deployment = Deployment.objects.create(
        owner=project.owner,
        project=project,
        run=run,
        provider=provider,
        expires_at=timezone.now() + timedelta(minutes=settings.PREVIEW_TTL_MINUTES),
    )
    transaction.on_commit(lambda: deployment_start_task.delay(deployment.pk))
    return deployment


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1):  # noqa: S310 - our own loopback URL
            return True
    except urllib.error.HTTPError:
        return True  # any HTTP answer, 404 included, means it is serving
    except OSError:
        return False


def _log_tail(directory: Path) -> str:
    log = directory / "preview.log"
    return log.read_text(errors="replace")[-LOG_EXCERPT:] if log.exists() else ""


def _failed(deployment: Deployment, error: str) -> None:
    Deployment.objects.filter(pk=deployment.pk).update(status=DeploymentStatus.FAILED, error=error)


def deployment_run(*, deployment_id: str) -> None:
    """Check out the run's merged commit, start it on a free loopback port and wait until it answers."""
    deployment = Deployment.objects.select_related("project", "run").filter(pk=deployment_id).first()
    if deployment is None or deployment.status != DeploymentStatus.DEPLOYING:
        return
    directory = Path(settings.PREVIEWS_DIR) / deployment.pk
    try:
        checkout_to(Path(deployment.project.repo_path), deployment.run.merged_commit, directory)
    except (RepositoryError, OSError) as exc:
        _failed(deployment, f"Could not check out the run: {exc}")
        return
    port = _free_port()
    with open(directory / "preview.log", "ab") as log:
        # -E -s: no PYTHON* variables or user site-packages, like verification; the app needs only the stdlib.
        process = subprocess.Popen(
            [sys.executable, "-E", "-s", "run.py", "--host", "127.0.0.1", "--port", str(port), "--db", "preview.db"],
            cwd=directory,
            env={"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(directory)},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    Deployment.objects.filter(pk=deployment.pk).update(
        host=socket.gethostname(), pid=process.pid, port=port, directory=str(directory)
    )
    deadline = time.monotonic() + settings.PREVIEW_START_TIMEOUT_SECONDS
    while not _answers(f"{url}/"):
        if process.poll() is not None or time.monotonic() > deadline:
            _stop_process(process.pid, directory)
            _failed(deployment, f"The application did not start serving. Its output:\n{_log_tail(directory)}")
            shutil.rmtree(directory, ignore_errors=True)
            return
        time.sleep(POLL_SECONDS)
    updated = Deployment.objects.filter(pk=deployment.pk, status=DeploymentStatus.DEPLOYING).update(
        status=DeploymentStatus.LIVE, url=url, live_at=timezone.now()
    )
    if not updated:
        # Deleted while it was starting.
        _stop_process(process.pid, directory)


def _is_preview_process(pid: int, directory: Path) -> bool:
    """The pid still belongs to the preview (pids are reused): its working directory is the preview's."""
    try:
        return Path(f"/proc/{pid}/cwd").resolve() == directory.resolve()
    except OSError:
        return False


def _stop_process(pid: int | None, directory: Path) -> None:
    if pid and _is_preview_process(pid, directory):
        try:
            os.killpg(pid, signal.SIGTERM)
            for _ in range(25):
                if not _is_preview_process(pid, directory):
                    break
                time.sleep(POLL_SECONDS)
            else:
                os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def deployment_stop_request(*, deployment: Deployment) -> Deployment:
    """Stop a preview (a job on the machine that runs it); stopping a stopped one changes nothing."""
    if deployment.status in (DeploymentStatus.DEPLOYING, DeploymentStatus.LIVE):
        transaction.on_commit(lambda: deployment_stop_task.delay(deployment.pk))
    return deployment


def deployment_stop(*, deployment_id: str, reason: str = "") -> None:
    deployment = Deployment.objects.filter(pk=deployment_id).first()
    if deployment is None or deployment.status in (DeploymentStatus.STOPPED, DeploymentStatus.FAILED):
        return
    directory = Path(deployment.directory) if deployment.directory else None
    if directory is not None:
        _stop_process(deployment.pid, directory)
    Deployment.objects.filter(pk=deployment.pk).update(
        status=DeploymentStatus.STOPPED, stopped_at=timezone.now(), error=reason
    )
    if directory is not None:
        shutil.rmtree(directory, ignore_errors=True)


def expired_previews_stop() -> int:
    """Stop previews past their TTL; mark live ones whose process exited as failed. Returns how many changed."""
    changed = 0
    for deployment_id in Deployment.objects.filter(
        status__in=(DeploymentStatus.DEPLOYING, DeploymentStatus.LIVE), expires_at__lt=timezone.now()
    ).values_list("pk", flat=True):
        deployment_stop(deployment_id=deployment_id, reason="Stopped after its time to live.")
        changed += 1
    here = socket.gethostname()
    for deployment in Deployment.objects.filter(status=DeploymentStatus.LIVE, host=here):
        if not _is_preview_process(deployment.pid, Path(deployment.directory)):
            _failed(deployment, f"The application exited. Its output:\n{_log_tail(Path(deployment.directory))}")
            changed += 1
    return changed


def local_previews_stop(*, reason: str) -> int:
    """Stop every preview running on this machine (the worker is shutting down)."""
    here = Deployment.objects.filter(
        status__in=(DeploymentStatus.DEPLOYING, DeploymentStatus.LIVE), host=socket.gethostname()
    )
    stopped = 0
    for deployment_id in here.values_list("pk", flat=True):
        deployment_stop(deployment_id=deployment_id, reason=reason)
        stopped += 1
    return stopped
