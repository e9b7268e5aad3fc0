"""Per-flow memory (tiers, CAS, exact size accounting, nodes), execution quotas and usage, retention."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Tier, UsageCounter
from flows.models import Execution, FlowMemory, FlowVersion, MemoryEntry
from flows.services.executions import executions_prune
from flows.services.memory import entry_size
from tests.flows.conftest import TRANSFORM_FLOW, add_trigger, canvas, create_flow, start_flow

pytestmark = pytest.mark.django_db


def test_free_plan_has_no_memory(auth_client):
    flow = create_flow(auth_client)
    summary = auth_client.get(f"/api/v1/flows/{flow['id']}/memory").json()["data"]
    assert summary == {"flowId": flow["id"], "enabled": False, "usedBytes": 0, "maxBytes": 0, "keys": []}
    response = auth_client.patch(f"/api/v1/flows/{flow['id']}/memory", {"enabled": True}, format="json")
    assert response.status_code == 403


def test_memory_write_read_cas_delete_and_exact_size(pro_client):
    flow = create_flow(pro_client)
    base = f"/api/v1/flows/{flow['id']}/memory"
    disabled = pro_client.put(f"{base}/k", {"value": 1}, format="json")
    assert disabled.status_code == 409
    assert disabled.json()["error"]["code"] == "MEMORY_DISABLED"
    assert pro_client.patch(base, {"enabled": True}, format="json").json()["data"]["maxBytes"] == 100 * 1024 * 1024
    created = pro_client.put(f"{base}/profile", {"value": {"name": "Ada", "n": 1}, "expectedVersion": 0}, format="json")
    assert created.status_code == 200
    assert created.json()["data"]["version"] == 1
    stale = pro_client.put(f"{base}/profile", {"value": {"name": "X"}, "expectedVersion": 0}, format="json")
    assert stale.status_code == 409
    assert stale.json()["error"]["details"]["currentVersion"] == 1
    updated = pro_client.put(f"{base}/profile", {"value": [1, 2, 3], "expectedVersion": 1}, format="json")
    assert updated.json()["data"]["version"] == 2
    pro_client.put(f"{base}/other", {"value": "text"}, format="json")
    summary = pro_client.get(base).json()["data"]
    assert summary["usedBytes"] == entry_size("profile", [1, 2, 3]) + entry_size("other", "text")
    assert summary["keys"] == ["other", "profile"]
    assert pro_client.get(f"{base}/profile").json()["data"]["value"] == [1, 2, 3]
    assert pro_client.delete(f"{base}/profile?expectedVersion=1").status_code == 409
    assert pro_client.delete(f"{base}/profile?expectedVersion=2").status_code == 204
    assert pro_client.get(f"{base}/profile").status_code == 404
    assert FlowMemory.objects.get().used_bytes == entry_size("other", "text")
    bad_key = pro_client.put(f"{base}/bad key!", {"value": 1}, format="json")
    assert bad_key.status_code == 400
    assert "key" in bad_key.json()["error"]["details"]


def test_memory_writes_beyond_the_plan_are_413(pro_client, settings):
    pro_client.user.tier = Tier.PAID
    pro_client.user.save(update_fields=["tier"])
    settings.PLANS = {**settings.PLANS, "paid": {**settings.PLANS["paid"], "limits": {
        **settings.PLANS["paid"]["limits"], "memory_bytes": 50}}}  # fmt: skip
    flow = create_flow(pro_client)
    base = f"/api/v1/flows/{flow['id']}/memory"
    pro_client.patch(base, {"enabled": True}, format="json")
    assert pro_client.put(f"{base}/a", {"value": "x" * 20}, format="json").status_code == 200
    too_big = pro_client.put(f"{base}/b", {"value": "y" * 40}, format="json")
    assert too_big.status_code == 413
    assert not MemoryEntry.objects.filter(key="b").exists()
    assert FlowMemory.objects.get().used_bytes == entry_size("a", "x" * 20)


def test_nodes_read_and_write_memory(pro_client, django_capture_on_commit_callbacks):
    definition = canvas(
        [
            ("start", "trigger", {}),
            ("count", "codeBlock", {"tool": "memoryGet", "key": "visits", "default": 0}),
            ("next", "codeBlock", {"tool": "calculate", "expression": "input.value + 1"}),
            ("save", "codeBlock", {"tool": "memorySet", "key": "visits", "value": "{{ input.result }}"}),
        ],
        [("start", "count"), ("count", "next"), ("next", "save")],
    )
    flow = create_flow(pro_client, definition)
    pro_client.patch(f"/api/v1/flows/{flow['id']}/memory", {"enabled": True}, format="json")
    start_flow(pro_client, flow["id"])
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            pro_client.post(f"/api/v1/flows/{flow['id']}/executions/run", {"input": {}}, format="json")
    assert MemoryEntry.objects.get(key="visits").value == 2
    assert pro_client.delete(f"/api/v1/flows/{flow['id']}").status_code == 204
    assert not MemoryEntry.objects.exists()
    assert not FlowMemory.objects.exists()


def test_free_plan_over_its_monthly_executions_gets_429_and_nothing_runs(
    auth_client, api_client, settings, django_capture_on_commit_callbacks
):
    settings.PLANS = {**settings.PLANS, "free": {**settings.PLANS["free"], "limits": {
        **settings.PLANS["free"]["limits"], "executions_per_month": 2}}}  # fmt: skip
    flow = create_flow(auth_client, TRANSFORM_FLOW)
    trigger = add_trigger(auth_client, flow["id"])
    start_flow(auth_client, flow["id"])
    statuses = []
    for index in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            response = api_client.post(f"/webhooks/{trigger['webhookToken']}", {"name": str(index)}, format="json")
        statuses.append(response.status_code)
    assert statuses == [202, 202, 429]
    assert Execution.objects.count() == 2
    manual = auth_client.post(f"/api/v1/flows/{flow['id']}/executions/run", {"input": {"name": "m"}}, format="json")
    assert manual.status_code == 429
    assert manual.json()["error"]["code"] == "QUOTA_EXCEEDED"
    usage = auth_client.get("/api/v1/usage").json()["data"]
    assert usage["runsUsed"] == 2
    assert usage["runsLimit"] == 2
    assert usage["runsPercentage"] == 100.0
    assert UsageCounter.objects.get(metric="executions").value == 2


def test_paid_plans_continue_past_the_limit_and_record_overage(
    pro_client, settings, django_capture_on_commit_callbacks
):
    settings.PLANS = {**settings.PLANS, "pro": {**settings.PLANS["pro"], "limits": {
        **settings.PLANS["pro"]["limits"], "executions_per_month": 1}}}  # fmt: skip
    flow = create_flow(pro_client, TRANSFORM_FLOW)
    start_flow(pro_client, flow["id"])
    for name in ("a", "b", "c"):
        with django_capture_on_commit_callbacks(execute=True):
            response = pro_client.post(
                f"/api/v1/flows/{flow['id']}/executions/run", {"input": {"name": name}}, format="json"
            )
        assert response.status_code == 201
    usage = pro_client.get("/api/v1/usage").json()["data"]
    assert usage["runsUsed"] == 3
    assert usage["runsOverage"] == 2
    assert usage["estimatedOverage"] == 0.0
    stats = pro_client.get("/api/v1/usage/stats", {"period": "day"}).json()["data"]
    assert stats["executionCount"] == 3
    assert stats["flowCount"] == 1
    assert stats["executionLimit"] == 1
    assert pro_client.get("/api/v1/usage/stats", {"period": "week"}).status_code == 400


def test_quota_counter_survives_a_redis_flush(auth_client, settings, django_capture_on_commit_callbacks):
    from core.redis import get_redis

    flow = create_flow(auth_client, TRANSFORM_FLOW)
    start_flow(auth_client, flow["id"])
    with django_capture_on_commit_callbacks(execute=True):
        auth_client.post(f"/api/v1/flows/{flow['id']}/executions/run", {"input": {"name": "a"}}, format="json")
    get_redis().flushdb()
    assert auth_client.get("/api/v1/usage/stats").json()["data"]["executionCount"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        auth_client.post(f"/api/v1/flows/{flow['id']}/executions/run", {"input": {"name": "b"}}, format="json")
    assert auth_client.get("/api/v1/usage/stats").json()["data"]["executionCount"] == 2


def test_old_executions_are_pruned_by_plan_retention(auth_client):
    flow = create_flow(auth_client, TRANSFORM_FLOW)
    version = FlowVersion.objects.get()
    now = timezone.now()
    old = Execution.objects.create(
        flow_id=flow["id"], owner=auth_client.user, trigger_type="manual", version=version, status="success",
        started_at=now - timedelta(days=8),
    )  # fmt: skip
    recent = Execution.objects.create(
        flow_id=flow["id"], owner=auth_client.user, trigger_type="manual", version=version, status="success",
        started_at=now - timedelta(days=6),
    )  # fmt: skip
    assert executions_prune(now=now) == 1
    assert list(Execution.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not Execution.objects.filter(pk=old.pk).exists()
