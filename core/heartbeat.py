"""Liveness of Celery workers and beat, as seen by /health.

Each worker writes its hostname and the time into a Redis sorted set every
`WORKER_HEARTBEAT_INTERVAL` seconds (a bootstep on the worker's timer thread, so a worker that
is busy with long tasks still beats). A worker counts as alive for three intervals after its last
beat, so a killed worker disappears from /health within half a minute.
"""

import logging
import time

import redis
from celery import bootsteps
from django.conf import settings

from core.redis import get_redis

logger = logging.getLogger(__name__)

WORKERS_KEY = "blocksmith:workers"


def worker_beat(hostname: str) -> None:
    get_redis().zadd(WORKERS_KEY, {hostname: time.time()})


def alive_cutoff() -> float:
    """Workers whose last beat is older than this are counted dead."""
    return time.time() - 3 * settings.WORKER_HEARTBEAT_INTERVAL


class WorkerHeartbeat(bootsteps.StartStopStep):
    requires = {"celery.worker.components:Timer"}

    def start(self, worker) -> None:
        self.hostname = worker.hostname
        self._beat()
        self.timer_ref = worker.timer.call_repeatedly(settings.WORKER_HEARTBEAT_INTERVAL, self._beat, priority=10)

    def stop(self, worker) -> None:
        self.timer_ref.cancel()
        try:
            get_redis().zrem(WORKERS_KEY, self.hostname)
        except redis.RedisError:
            logger.warning("Could not remove the worker heartbeat", exc_info=True)

    def _beat(self) -> None:
        try:
            worker_beat(self.hostname)
        except redis.RedisError:
            logger.warning("Worker heartbeat failed: Redis is unreachable", exc_info=True)
