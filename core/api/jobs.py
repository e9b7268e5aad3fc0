"""Endpoints that start a job and answer with its result when it is quick.

A DRF view starts the job (a Celery task enqueued on commit), answers 202 and attaches a
`PendingJob` to the response. `await_pending_job` wraps the view: it then waits for the job —
asynchronously, holding no worker thread — and replaces the 202 with the job's outcome if that comes
within the job's wait budget. Clients that get the 202 follow the job through the resource itself
and the events it publishes.

A job that names the realtime channel its progress is published on (`channel`) is checked each time
an event arrives there, so its answer follows its last event within milliseconds; the others are
polled every POLL_INTERVAL_SECONDS.
"""

import asyncio
import logging
from contextlib import asynccontextmanager, suppress
from functools import wraps
from typing import Protocol

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.http import HttpResponse
from redis import RedisError

from core.realtime.registry import group_name

logger = logging.getLogger(__name__)

POLL_INTERVAL_SECONDS = 0.1
# Even with a channel, look again this often: an event published while nobody listened is not replayed.
CHANNEL_RECHECK_SECONDS = 1.0


class PendingJob(Protocol):
    wait_seconds: float
    channel: str | None

    def outcome(self) -> HttpResponse | None:
        """The final response once the job has finished, else None. Runs in a worker thread."""


@asynccontextmanager
async def _listening(channel: str | None):
    """Yields a coroutine function that waits up to N seconds for the next event on `channel`."""

    async def poll(seconds: float) -> None:
        await asyncio.sleep(min(seconds, POLL_INTERVAL_SECONDS))

    if channel is None:
        yield poll
        return
    layer = get_channel_layer()
    group = group_name(channel)
    try:
        name = await layer.new_channel()
        await layer.group_add(group, name)
    except (RedisError, OSError):
        # The job was started, so its answer must not become a 500: wait for it the slow way.
        logger.warning("Cannot listen on %s; polling the job instead", channel, exc_info=True)
        yield poll
        return

    async def next_event(seconds: float) -> None:
        with suppress(TimeoutError):
            await asyncio.wait_for(layer.receive(name), min(seconds, CHANNEL_RECHECK_SECONDS))

    try:
        yield next_event
    finally:
        with suppress(RedisError, OSError):
            await layer.group_discard(group, name)


def await_pending_job(view):
    @wraps(view)
    async def wrapper(request, *args, **kwargs):
        response = await sync_to_async(view)(request, *args, **kwargs)
        job: PendingJob | None = getattr(response, "pending_job", None)
        if job is None:
            return response
        loop = asyncio.get_running_loop()
        deadline = loop.time() + job.wait_seconds
        check = database_sync_to_async(job.outcome, thread_sensitive=False)
        # Listening starts before the first check, so an event between the two is not missed.
        async with _listening(job.channel) as next_event:
            while True:
                outcome = await check()
                if outcome is not None:
                    return outcome
                remaining = deadline - loop.time()
                if remaining <= 0:
                    return response
                await next_event(remaining)

    return wrapper
