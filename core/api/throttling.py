"""Per-plan rate limits counted in Redis (DESIGN.md §4).

Each limit is a fixed window: one `SET NX EX` + `INCR` round trip per request and limit. The
state of every limit checked is kept on the request; `ApiResponseMiddleware` turns the tightest
one into the `X-RateLimit-*` headers. If Redis is unreachable the request is allowed (and logged):
rate limiting must not take the API down with it.
"""

import logging
import time
from dataclasses import dataclass

import redis
from django.conf import settings
from rest_framework.throttling import BaseThrottle

from core.redis import get_redis

logger = logging.getLogger(__name__)

_PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


@dataclass(frozen=True)
class RateLimitState:
    limit: int
    remaining: int
    reset: int  # epoch seconds at which the window ends
    allowed: bool


def parse_rate(rate: str) -> tuple[int, int]:
    """'60/minute' → (60, 60)."""
    count, period = rate.split("/")
    return int(count), _PERIODS[period]


def _window(period: int) -> tuple[int, int]:
    window = int(time.time() // period)
    return window, (window + 1) * period


def rate_limit_hit(key: str, rate: str) -> RateLimitState:
    limit, period = parse_rate(rate)
    window, reset = _window(period)
    redis_key = f"ratelimit:{key}:{window}"
    pipe = get_redis().pipeline(transaction=False)
    pipe.set(redis_key, 0, ex=period + 1, nx=True)
    pipe.incr(redis_key)
    _, count = pipe.execute()
    return RateLimitState(limit=limit, remaining=max(0, limit - count), reset=reset, allowed=count <= limit)


def rate_limit_used(key: str, rate: str) -> int:
    """How many requests the current window of `key` has counted."""
    _, period = parse_rate(rate)
    window, _ = _window(period)
    return int(get_redis().get(f"ratelimit:{key}:{window}") or 0)


def plan_for(tier: str) -> dict:
    return settings.PLANS[tier]


def user_rate_key(scope: str, user_id: str) -> str:
    """Counter key of a user's limit; `scope` is "requests" or a named scope such as "generation"."""
    return f"{scope}:user:{user_id}"


class _RedisThrottle(BaseThrottle):
    state: RateLimitState | None = None

    def _check(self, request, key: str, rate: str) -> bool:
        if not settings.RATE_LIMITS_ENABLED:
            return True
        try:
            self.state = rate_limit_hit(key, rate)
        except redis.RedisError:
            logger.warning("Rate limiting skipped: Redis is unreachable", exc_info=True)
            return True
        states = request._request.__dict__.setdefault("rate_limit_states", [])
        states.append(self.state)
        return self.state.allowed

    def wait(self) -> float | None:
        return max(1.0, self.state.reset - time.time()) if self.state else None


class PlanRateThrottle(_RedisThrottle):
    """Requests per minute: by plan for users, `ANONYMOUS_RATE_LIMIT` per client IP otherwise."""

    def allow_request(self, request, view) -> bool:
        user = request.user
        if user and user.is_authenticated:
            return self._check(
                request, user_rate_key("requests", user.pk), plan_for(user.tier)["rate_limits"]["requests"]
            )
        return self._check(request, f"requests:ip:{self.get_ident(request)}", settings.ANONYMOUS_RATE_LIMIT)


class OwnerPlanRateThrottle(_RedisThrottle):
    """A named limit of another user's plan, for anonymous requests made to that user's resources (webhooks)."""

    def allow_for(self, request, *, owner, scope: str) -> bool:
        return self._check(request, user_rate_key(scope, owner.pk), plan_for(owner.tier)["rate_limits"][scope])


class ScopedPlanRateThrottle(_RedisThrottle):
    """Named limits for costly endpoints: a view sets `throttle_scope = "generation"` (or "github_sync")."""

    def allow_request(self, request, view) -> bool:
        scope = getattr(view, "throttle_scope", None)
        if not scope:
            return True
        user = request.user
        if user and user.is_authenticated:
            return self._check(request, user_rate_key(scope, user.pk), plan_for(user.tier)["rate_limits"][scope])
        return self._check(request, f"{scope}:ip:{self.get_ident(request)}", plan_for("free")["rate_limits"][scope])
