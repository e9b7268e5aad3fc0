import time

import pytest
from rest_framework.test import APIClient

from core.heartbeat import WORKERS_KEY, worker_beat
from core.redis import get_redis

pytestmark = pytest.mark.django_db


def test_health_reports_each_component(settings):
    worker_beat("celery@test-host")
    body = APIClient().get("/health").json()
    assert body == {
        "status": "healthy",
        "version": settings.BLOCKSMITH_VERSION,
        "components": {"database": "healthy", "redis": "healthy", "workers": "healthy", "beat": "unhealthy"},
        "workers": 1,
    }


def test_ready_needs_a_live_worker():
    response = APIClient().get("/health/ready")
    assert response.status_code == 503
    assert response.json() == {"status": "not_ready", "failing": ["workers"]}

    worker_beat("celery@test-host")
    response = APIClient().get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


def test_a_worker_that_stopped_beating_is_not_counted(settings):
    get_redis().zadd(WORKERS_KEY, {"celery@dead": time.time() - 3 * settings.WORKER_HEARTBEAT_INTERVAL - 1})
    body = APIClient().get("/health").json()
    assert body["components"]["workers"] == "unhealthy"
    assert body["workers"] == 0
    assert APIClient().get("/health/ready").status_code == 503


def test_redis_down_is_named(settings, tmp_path):
    settings.REDIS_URL = f"unix://{tmp_path}/none.sock?db=0"
    body = APIClient().get("/health").json()
    assert body["status"] == "unhealthy"
    assert body["components"]["redis"] == "unhealthy"
    response = APIClient().get("/health/ready")
    assert response.status_code == 503
    assert response.json()["failing"] == ["redis", "workers"]


def test_live_always_answers():
    assert APIClient().get("/health/live").json() == {"status": "alive"}
    assert APIClient().get("/health/live/").status_code == 200
