"""Reads for accounts."""

from typing import Any

import redis
from django.utils import timezone

from accounts.models import UsageCounter, UsageMetric, User
from accounts.services import month_start, next_month_start
from core.api.throttling import parse_rate, plan_for, rate_limit_used, user_rate_key


def usage_summary(*, user: User) -> dict[str, Any]:
    """The user's plan, its limits and what has been used of them.

    Counters cover the current calendar month (UTC); rate limits report the current window. A rate
    limit's `used` is null when Redis cannot be reached.
    """
    plan = plan_for(user.tier)
    period_start = month_start(timezone.now())
    counters = {metric.value: 0 for metric in UsageMetric}
    counters.update(
        UsageCounter.objects.filter(user=user, period_start=period_start.date()).values_list("metric", "value")
    )
    rate_limits = {}
    for scope, rate in plan["rate_limits"].items():
        limit, period = parse_rate(rate)
        try:
            used = rate_limit_used(user_rate_key(scope, user.pk), rate)
        except redis.RedisError:
            used = None
        rate_limits[scope] = {"limit": limit, "period_seconds": period, "used": used}
    return {
        "tier": user.tier,
        "period": {"start": period_start, "end": next_month_start(period_start)},
        "limits": plan["limits"],
        "rate_limits": rate_limits,
        "counters": counters,
    }
