"""The process-wide Redis client (rate limits, worker heartbeats, the beat lock, health).

redis-py connection pools notice a fork and reconnect, so Celery's prefork children can use
the client created in the parent. Short timeouts keep a Redis outage from stalling requests.
"""

from functools import cache

import redis
from django.conf import settings


@cache
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2, health_check_interval=30)


def get_redis() -> redis.Redis:
    return _client(settings.REDIS_URL)
