"""Celery beat on django-celery-beat's DatabaseScheduler, guarded by a Redis lock.

Two beat processes would send every periodic task twice (celery#2856). Each scheduler here
holds the lock `blocksmith:beat:lock` (renewed on every tick, expiring after `LOCK_TTL` seconds)
before it sends anything; a second beat waits on standby and takes over within `LOCK_TTL`
seconds when the first one dies. On taking over it re-reads the schedule from the database, so
it starts from the last run times the previous leader saved.
"""

import logging
import os
import socket
import uuid

import redis
from django_celery_beat.schedulers import DatabaseScheduler

from core.redis import get_redis

logger = logging.getLogger(__name__)

BEAT_LOCK_KEY = "blocksmith:beat:lock"
LOCK_TTL = 30
STANDBY_INTERVAL = 5

# Take the lock if free, renew it if ours; 1 when we hold it afterwards.
_ACQUIRE_OR_RENEW = """
local holder = redis.call("get", KEYS[1])
if not holder then
  redis.call("set", KEYS[1], ARGV[1], "EX", ARGV[2])
  return 1
end
if holder == ARGV[1] then
  redis.call("expire", KEYS[1], ARGV[2])
  return 1
end
return 0
"""
_RELEASE = """
if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) end
return 0
"""


def beat_lock_holder() -> str | None:
    holder = get_redis().get(BEAT_LOCK_KEY)
    return holder.decode() if holder else None


class LockedDatabaseScheduler(DatabaseScheduler):
    def __init__(self, *args, **kwargs):
        self.lock_token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.is_leader = False
        super().__init__(*args, **kwargs)

    def tick(self, *args, **kwargs):
        if not self.hold_lock():
            return STANDBY_INTERVAL
        return super().tick(*args, **kwargs)

    def hold_lock(self) -> bool:
        try:
            held = bool(get_redis().eval(_ACQUIRE_OR_RENEW, 1, BEAT_LOCK_KEY, self.lock_token, LOCK_TTL))
        except redis.RedisError:
            # Without Redis we cannot know that no other beat runs, so send nothing.
            logger.warning("Beat lock unavailable: Redis is unreachable", exc_info=True)
            held = False
        if held and not self.is_leader:
            logger.info("Beat %s holds the scheduler lock", self.lock_token)
            self._initial_read = True
            self._heap = None
        elif not held and self.is_leader:
            logger.warning("Beat %s lost the scheduler lock; standing by", self.lock_token)
        self.is_leader = held
        return held

    def close(self) -> None:
        super().close()
        if self.is_leader:
            try:
                get_redis().eval(_RELEASE, 1, BEAT_LOCK_KEY, self.lock_token)
            except redis.RedisError:
                logger.warning("Could not release the beat lock; it expires in %ss", LOCK_TTL)
