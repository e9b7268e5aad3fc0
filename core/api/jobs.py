"""Endpoints that start a job and answer with its result when it is quick.

A DRF view starts the job (a Celery task enqueued on commit), answers 202 and attaches a
`PendingJob` to the response. `await_pending_job` wraps the view: it then waits for the job —
asynchronously, holding no worker thread — and replaces the 202 with the job's outcome if that comes
within the job's wait budget. Clients that get the 202 follow the job through the resource itself
and the events it publishes.
"""

import asyncio
from functools import wraps
from typing import Protocol

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.http import HttpResponse

POLL_INTERVAL_SECONDS = 0.1


class PendingJob(Protocol):
    wait_seconds: float

    def outcome(self) -> HttpResponse | None:
        """The final response once the job has finished, else None. Runs in a worker thread."""


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
        while True:
            outcome = await check()
            if outcome is not None:
                return outcome
            if loop.time() >= deadline:
                return response
            await asyncio.sleep(POLL_INTERVAL_SECONDS)

    return wrapper
