"""Health of the system's components for /health and /health/ready."""

import logging

import redis
from django.conf import settings
from django.db import DatabaseError, connection

from core.beat import BEAT_LOCK_KEY
from core.heartbeat import WORKERS_KEY, alive_cutoff
from core.redis import get_redis

logger = logging.getLogger(__name__)

HEALTHY, UNHEALTHY = "healthy", "unhealthy"
# The components /health/ready requires; beat is reported but not required to serve requests.
READINESS_COMPONENTS = ("database", "redis", "workers")


def health_report() -> dict:
    components = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        components["database"] = HEALTHY
    except DatabaseError:
        logger.warning("Health: database unreachable", exc_info=True)
        components["database"] = UNHEALTHY

    workers: list[bytes] = []
    try:
        cutoff = alive_cutoff()
        pipe = get_redis().pipeline(transaction=False)
        pipe.zremrangebyscore(WORKERS_KEY, "-inf", cutoff)
        pipe.zrangebyscore(WORKERS_KEY, cutoff, "+inf")
        pipe.exists(BEAT_LOCK_KEY)
        _, workers, beat_running = pipe.execute()
        components["redis"] = HEALTHY
        components["workers"] = HEALTHY if workers else UNHEALTHY
        components["beat"] = HEALTHY if beat_running else UNHEALTHY
    except redis.RedisError:
        logger.warning("Health: Redis unreachable", exc_info=True)
        components.update(redis=UNHEALTHY, workers=UNHEALTHY, beat=UNHEALTHY)

    failing = [name for name in READINESS_COMPONENTS if components[name] != HEALTHY]
    return {
        "status": UNHEALTHY if failing else HEALTHY,
        "version": settings.BLOCKSMITH_VERSION,
        "components": components,
        "workers": len(workers),
        "failing": failing,
    }
