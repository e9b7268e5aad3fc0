"""`await_pending_job`: a quick job's outcome replaces the 202; a job with a channel is checked on its events."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.http import JsonResponse
from django.test import RequestFactory

from core.api import jobs
from core.realtime.publish import publish


class CountingJob:
    """Finished once `done` is set; counts how often it was asked."""

    def __init__(self, channel: str | None, wait_seconds: float = 5.0):
        self.channel = channel
        self.wait_seconds = wait_seconds
        self.done = False
        self.checks = 0

    def outcome(self):
        self.checks += 1
        return JsonResponse({"finished": True}) if self.done else None


def started(job: CountingJob):
    def view(request):
        response = JsonResponse({"accepted": True}, status=202)
        response.pending_job = job
        return response

    return jobs.await_pending_job(view)


@pytest.mark.django_db(transaction=True)
async def test_a_job_with_a_channel_is_checked_when_its_event_arrives(monkeypatch):
    monkeypatch.setattr(jobs, "CHANNEL_RECHECK_SECONDS", 30.0)
    job = CountingJob("execution:exe_waited")
    answer = asyncio.create_task(started(job)(RequestFactory().post("/")))
    await asyncio.sleep(0.3)
    assert job.checks == 1, "checked once, then waits for an event instead of polling"

    job.done = True
    await sync_to_async(publish)("execution:exe_waited", {"eventType": "EXECUTION_COMPLETED"})
    response = await asyncio.wait_for(answer, 5)

    assert response.status_code == 200
    assert job.checks == 2


@pytest.mark.django_db(transaction=True)
async def test_a_job_that_does_not_finish_in_time_keeps_its_202():
    job = CountingJob(None, wait_seconds=0.3)
    response = await started(job)(RequestFactory().post("/"))
    assert response.status_code == 202
    assert job.checks >= 2, "polled while it waited"


@pytest.mark.django_db(transaction=True)
async def test_a_job_whose_channel_cannot_be_joined_is_polled_instead(settings, tmp_path):
    # The real Redis channel layer, pointed at a socket where no Redis listens.
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [f"unix://{tmp_path}/no-redis.sock"]},
        }
    }
    job = CountingJob("execution:exe_unlistened")
    answer = asyncio.create_task(started(job)(RequestFactory().post("/")))
    await asyncio.sleep(0.35)
    job.done = True
    response = await asyncio.wait_for(answer, 5)

    assert response.status_code == 200
    assert job.checks >= 3, "polled, as no event can wake it"
