"""Reads for flows: stats, usage, and what WebSocket subscribers may see."""

from datetime import UTC, datetime
from typing import Any

from django.db.models import Avg, Count, Max, Q
from django.utils import timezone

from accounts.models import UsageCounter, UsageMetric, User
from accounts.services import month_start, next_month_start
from core.api.throttling import plan_for
from flows.events import log_data
from flows.models import Execution, ExecutionStatus, Flow, FlowLog
from flows.services.memory import memory_max_bytes
from flows.usage import executions_this_month

# BloxServer's billing design: executions beyond the plan cost $0.50 per 1,000.
OVERAGE_USD_PER_1000_EXECUTIONS = 0.50


def flow_stats(flow: Flow) -> dict[str, Any]:
    totals = Execution.objects.filter(flow=flow).aggregate(
        total=Count("id"),
        success=Count("id", filter=Q(status=ExecutionStatus.SUCCESS)),
        error=Count("id", filter=Q(status__in=(ExecutionStatus.ERROR, ExecutionStatus.TIMEOUT))),
        avg=Avg("duration_ms", filter=Q(duration_ms__isnull=False)),
        last=Max("started_at"),
    )
    return {
        "flow_id": flow.pk,
        "executions_total": totals["total"],
        "executions_success": totals["success"],
        "executions_error": totals["error"],
        "avg_duration_ms": round(totals["avg"] or 0.0, 1),
        "last_executed_at": totals["last"],
    }


def usage_dashboard(*, user: User) -> dict[str, Any]:
    """The seed's UsageDashboard: this month's executions against the plan, tokens, overage, days left."""
    now = timezone.now()
    start = month_start(now)
    end = next_month_start(start)
    limit = plan_for(user.tier)["limits"]["executions_per_month"]
    used = executions_this_month(user.pk)
    counters = dict(UsageCounter.objects.filter(user=user, period_start=start.date()).values_list("metric", "value"))
    overage = counters.get(UsageMetric.EXECUTIONS_OVERAGE, 0)
    return {
        "period_start": start,
        "period_end": end,
        "runs_used": used,
        "runs_limit": limit,
        "runs_percentage": 0.0 if not limit else round(min(100.0, used * 100 / limit), 2),
        "tokens_used": counters.get(UsageMetric.AI_TOKENS_IN, 0) + counters.get(UsageMetric.AI_TOKENS_OUT, 0),
        "runs_overage": overage,
        "estimated_overage": round(overage * OVERAGE_USD_PER_1000_EXECUTIONS / 1000, 2),
        "days_remaining": max(0, (end - now).days),
    }


def usage_stats(*, user: User, period: str) -> dict[str, Any]:
    """The seed's UsageStats for today (UTC) or this month."""
    limit = plan_for(user.tier)["limits"]["executions_per_month"]
    if period == "day":
        start = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        count = Execution.objects.filter(owner=user, started_at__gte=start).count()
    else:
        start = month_start(timezone.now())
        count = executions_this_month(user.pk)
    return {
        "user_id": user.pk,
        "period": period,
        "period_start": start,
        "flow_count": Flow.objects.filter(owner=user).count(),
        "execution_count": count,
        "execution_limit": limit,
    }


def memory_summary(flow: Flow) -> dict[str, Any]:
    memory = getattr(flow, "memory", None)
    return {
        "flow_id": flow.pk,
        "enabled": bool(memory and memory.enabled),
        "used_bytes": memory.used_bytes if memory else 0,
        "max_bytes": memory_max_bytes(flow),
        "keys": list(memory.entries.values_list("key", flat=True)) if memory else [],
    }


def user_can_watch_flow(user: User, flow_id: str) -> bool:
    return Flow.objects.filter(pk=flow_id, owner=user).exists()


def user_can_watch_execution(user: User, execution_id: str) -> bool:
    return Execution.objects.filter(pk=execution_id, owner=user).exists()


def execution_logs_after(execution_id: str, after: int, before: int | None) -> list[dict[str, Any]]:
    entries = FlowLog.objects.filter(execution_id=execution_id, seq__gt=after).order_by("seq")
    if before is not None:
        entries = entries.filter(seq__lt=before)
    return [log_data(entry) for entry in entries]
