"""Executions per month per plan, counted atomically in Redis and persisted per period.

Admission is one Lua call: it seeds the month's counter from the database when Redis has none
(after a restart or a flush), increments it, and — for a plan without overage — takes the
increment back and refuses when the limit is passed. The persisted `UsageCounter` rows are
incremented in the transaction that creates the execution, so the database stays the record and
Redis only the fast gate. A Redis outage raises `QuotaUnavailable`: webhooks answer 503 rather
than run unmetered or lose an accepted request.
"""

import contextlib
from dataclasses import dataclass
from datetime import datetime

import redis
from django.utils import timezone

from accounts.models import UsageCounter, UsageMetric, User
from accounts.services import month_start, usage_increment
from core.api.exceptions import QuotaExceeded, ServiceUnavailable
from core.api.throttling import plan_for
from core.redis import get_redis

COUNTER_TTL_SECONDS = 40 * 24 * 3600

# KEYS[1] counter; ARGV[1] value persisted in the database, ARGV[2] limit (-1: none), ARGV[3] 1 if overage allowed.
_ADMIT = """
if redis.call("exists", KEYS[1]) == 0 then
  redis.call("set", KEYS[1], ARGV[1], "EX", ARGV[4])
end
local count = redis.call("incr", KEYS[1])
local limit = tonumber(ARGV[2])
if limit >= 0 and count > limit and ARGV[3] == "0" then
  redis.call("decr", KEYS[1])
  return -1
end
return count
"""


class QuotaUnavailable(ServiceUnavailable):
    retry_after = 5

    def __init__(self) -> None:
        super().__init__("Execution quotas cannot be checked right now (Redis is unreachable); retry shortly.")


@dataclass(frozen=True)
class Admission:
    user_id: str
    period: str
    count: int
    overage: bool


def _period(now: datetime) -> str:
    return f"{now:%Y-%m}"


def _key(user_id: str, period: str) -> str:
    return f"usage:{user_id}:executions:{period}"


def persisted_executions(user_id: str, now: datetime) -> int:
    return (
        UsageCounter.objects.filter(
            user_id=user_id, metric=UsageMetric.EXECUTIONS, period_start=month_start(now).date()
        )
        .values_list("value", flat=True)
        .first()
        or 0
    )


def execution_admit(*, user: User) -> Admission:
    """Count one execution against the user's month, or refuse (QuotaExceeded) on a plan without overage."""
    limits = plan_for(user.tier)["limits"]
    limit = limits["executions_per_month"]
    now = timezone.now()
    period = _period(now)
    try:
        count = get_redis().eval(
            _ADMIT,
            1,
            _key(user.pk, period),
            persisted_executions(user.pk, now),
            -1 if limit is None else limit,
            1 if limits["execution_overage"] else 0,
            COUNTER_TTL_SECONDS,
        )
    except redis.RedisError as exc:
        raise QuotaUnavailable() from exc
    if count == -1:
        raise QuotaExceeded(
            f"Monthly execution limit reached ({limit}). Upgrade to run more executions.",
            details={"limit": limit, "period": period},
        )
    return Admission(user_id=user.pk, period=period, count=count, overage=limit is not None and count > limit)


def execution_refund(admission: Admission) -> None:
    """Take back an admission whose execution was not created (a duplicate delivery)."""
    # Failing that, Redis counts one execution too many until the month's counter expires.
    with contextlib.suppress(redis.RedisError):
        get_redis().decr(_key(admission.user_id, admission.period))


def execution_persist(admission: Admission) -> None:
    """Record the admitted execution in the database; call inside the transaction that creates it."""
    usage_increment(user_id=admission.user_id, metric=UsageMetric.EXECUTIONS)
    if admission.overage:
        usage_increment(user_id=admission.user_id, metric=UsageMetric.EXECUTIONS_OVERAGE)


def executions_this_month(user_id: str) -> int:
    """The live count (Redis), or the persisted one when Redis cannot be reached."""
    now = timezone.now()
    try:
        value = get_redis().get(_key(user_id, _period(now)))
    except redis.RedisError:
        value = None
    return int(value) if value is not None else persisted_executions(user_id, now)
