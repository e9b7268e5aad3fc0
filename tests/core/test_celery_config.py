import json

import pytest

from config.celery import app
from core.redis import get_redis

pytestmark = pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored")


def queued(queue: str) -> list[str]:
    return [json.loads(raw)["headers"]["task"] for raw in get_redis().lrange(queue, 0, -1)]


@pytest.mark.parametrize(
    ("task", "queue"),
    [("core.realtime_ping", "default"), ("runs.tasks.build_run", "builds"), ("flows.tasks.execute", "flows")],
)
def test_each_task_is_routed_to_its_queue(task, queue):
    app.send_task(task, args=[])
    assert {name: queued(name) for name in ("default", "builds", "flows")} == {
        name: [task] if name == queue else [] for name in ("default", "builds", "flows")
    }


def test_tasks_are_json_late_acked_and_time_limited():
    conf = app.conf
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.task_acks_late
    assert conf.task_reject_on_worker_lost
    assert conf.task_soft_time_limit < conf.task_time_limit < conf.broker_transport_options["visibility_timeout"]
    assert conf.beat_scheduler == "core.beat:LockedDatabaseScheduler"
