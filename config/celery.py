"""The Celery app: configuration comes from Django settings (`CELERY_*`)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("blocksmith")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

from core.heartbeat import WorkerHeartbeat  # noqa: E402 - a worker bootstep, registered on the app

app.steps["worker"].add(WorkerHeartbeat)
