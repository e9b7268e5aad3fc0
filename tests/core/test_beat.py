"""Two beat processes never both send: only the holder of the Redis lock does."""

import json
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from config.celery import app
from core.beat import BEAT_LOCK_KEY, STANDBY_INTERVAL, LockedDatabaseScheduler, beat_lock_holder
from core.redis import get_redis

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # Beat sends by name; the suite's eager mode does not apply to that, as intended here.
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),
]


def sent_probes() -> int:
    messages = [json.loads(raw) for raw in get_redis().lrange("default", 0, -1)]
    return sum(1 for message in messages if message["headers"]["task"] == "blocksmith.probe")


@pytest.fixture
def due_every_second(transactional_db):
    interval = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.SECONDS)
    return PeriodicTask.objects.create(
        name="probe", task="blocksmith.probe", interval=interval, last_run_at=timezone.now() - timedelta(hours=1)
    )


def test_only_the_lock_holder_sends_and_a_standby_takes_over(due_every_second):
    leader = LockedDatabaseScheduler(app=app)
    standby = LockedDatabaseScheduler(app=app)

    leader.tick()
    assert leader.is_leader
    assert beat_lock_holder() == leader.lock_token
    assert sent_probes() == 1

    time.sleep(1.1)
    assert [standby.tick() for _ in range(3)] == [STANDBY_INTERVAL] * 3
    assert not standby.is_leader
    assert sent_probes() == 1, "the standby sent nothing although the task was due"

    leader.close()
    assert beat_lock_holder() is None
    time.sleep(1.1)
    standby.tick()
    assert standby.is_leader
    assert sent_probes() == 2
    standby.close()


def test_the_lock_expires_when_its_holder_dies(due_every_second):
    leader = LockedDatabaseScheduler(app=app)
    leader.tick()
    ttl = get_redis().ttl(BEAT_LOCK_KEY)
    assert 0 < ttl <= 30, "a crashed leader's lock frees itself"


def test_no_redis_means_no_sending(due_every_second, settings, tmp_path):
    settings.REDIS_URL = f"unix://{tmp_path}/none.sock?db=0"
    scheduler = LockedDatabaseScheduler(app=app)
    assert scheduler.tick() == STANDBY_INTERVAL
    assert not scheduler.is_leader
