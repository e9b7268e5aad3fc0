"""Triggers, public webhooks (signatures, dedup, size), the engine's node types and edges, executions, logs."""

import hashlib
import hmac
import json
import time
from datetime import UTC, datetime

import pytest
from django.db import connection
from django_celery_beat.models import PeriodicTask

from flows.models import Execution, ExecutionStep, Flow, FlowLog, FlowVersion, Trigger
from flows.services.executions import execution_start
from flows.services.schedules import schedule_fire
from tests.flows.conftest import TRANSFORM_FLOW, add_trigger, canvas, create_flow, start_flow
from tests.stand_ins import LoopbackServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def running_flow(pro_client, django_capture_on_commit_callbacks):
    def make(definition=TRANSFORM_FLOW, trigger_type="webhook", config=None, **trigger_extra):
        flow = create_flow(pro_client, definition)
        trigger = add_trigger(pro_client, flow["id"], trigger_type, config, **trigger_extra)
        start_flow(pro_client, flow["id"])
        return flow, trigger

    return make


def fire(api_client, trigger, body, django_capture_on_commit_callbacks, **headers):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    with django_capture_on_commit_callbacks(execute=True):
        return api_client.generic(
            "POST", f"/webhooks/{trigger['webhookToken']}", raw, content_type="application/json", **headers
        )


def test_webhook_trigger_has_token_absolute_url_and_test_route(pro_client, api_client, running_flow):
    _, trigger = running_flow()
    assert trigger["webhookUrl"] == f"http://testserver/webhooks/{trigger['webhookToken']}"
    stored = Trigger.objects.get(pk=trigger["id"])
    assert stored.webhook_token_hash == hashlib.sha256(trigger["webhookToken"].encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT webhook_token FROM flows_trigger WHERE id = %s", [trigger["id"]])
        [(stored_column,)] = cursor.fetchall()
    assert stored_column
    assert trigger["webhookToken"] not in stored_column, "a database leak must not reveal the token"
    test = api_client.get(f"/webhooks/{trigger['webhookToken']}/test").json()["data"]
    assert test == {"valid": True, "triggerName": "webhook in", "flowName": "Flow", "flowStatus": "running"}
    assert api_client.get("/webhooks/nope/test").status_code == 404


def test_webhook_runs_the_flow_and_the_execution_records_steps(
    pro_client, api_client, running_flow, django_capture_on_commit_callbacks
):
    flow, trigger = running_flow()
    response = fire(api_client, trigger, {"name": "Ada"}, django_capture_on_commit_callbacks)
    assert response.status_code == 202
    data = response.json()["data"]
    assert data["status"] == "accepted"
    execution = pro_client.get(f"/api/v1/flows/{flow['id']}/executions/{data['executionId']}").json()["data"]
    assert execution["status"] == "success"
    assert execution["version"] == 1
    assert execution["inputPayload"] == {"name": "Ada"}
    assert execution["outputPayload"] == {"greeting": "hello Ada"}
    assert [(step["nodeName"], step["status"]) for step in execution["steps"]] == [
        ("hook", "success"),
        ("shape", "success"),
        ("done", "success"),
    ]
    assert execution["durationMs"] is not None
    assert execution["completedAt"]
    events = list(FlowLog.objects.filter(execution_id=data["executionId"]).order_by("seq"))
    assert [entry.event_type for entry in events] == [
        "EXECUTION_STARTED",
        "STEP_COMPLETED",
        "STEP_COMPLETED",
        "STEP_COMPLETED",
        "EXECUTION_COMPLETED",
    ]
    assert [entry.seq for entry in events] == [1, 2, 3, 4, 5]


def test_webhook_to_a_stopped_flow_is_400_with_its_status(pro_client, api_client, running_flow):
    flow, trigger = running_flow()
    pro_client.post(f"/api/v1/flows/{flow['id']}/stop")
    response = api_client.post(f"/webhooks/{trigger['webhookToken']}", {}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "Flow is not running (status: stopped)"
    assert not Execution.objects.exists()


def test_webhook_deliveries_count_against_the_owners_webhook_rate(
    api_client, running_flow, settings, django_capture_on_commit_callbacks
):
    pro = settings.PLANS["pro"]
    settings.PLANS = {**settings.PLANS, "pro": {**pro, "rate_limits": {**pro["rate_limits"], "webhooks": "2/minute"}}}
    _, trigger = running_flow()
    responses = [fire(api_client, trigger, {"name": "r"}, django_capture_on_commit_callbacks) for _ in range(3)]
    assert [response.status_code for response in responses] == [202, 202, 429]
    assert responses[2].json()["error"]["code"] == "RATE_LIMITED"
    assert int(responses[2]["Retry-After"]) >= 1
    assert responses[1]["X-RateLimit-Limit"] == "2"
    assert Execution.objects.count() == 2


def test_webhook_body_over_the_limit_is_413(api_client, running_flow, settings, django_capture_on_commit_callbacks):
    settings.FLOW_WEBHOOK_MAX_BODY_BYTES = 100
    _, trigger = running_flow()
    response = fire(api_client, trigger, {"blob": "x" * 200}, django_capture_on_commit_callbacks)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"
    assert not Execution.objects.exists()


def test_webhook_answers_503_and_stores_nothing_while_redis_is_unreachable(
    api_client, running_flow, settings, tmp_path, django_capture_on_commit_callbacks
):
    _, trigger = running_flow()
    settings.REDIS_URL = f"unix://{tmp_path}/no-redis.sock?db=0"
    response = fire(api_client, trigger, {"name": "down"}, django_capture_on_commit_callbacks)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "SERVICE_UNAVAILABLE"
    assert response["Retry-After"] == "5"
    assert not Execution.objects.exists()


def test_idempotency_key_repeats_return_the_first_execution(
    api_client, running_flow, django_capture_on_commit_callbacks
):
    _, trigger = running_flow()
    first = fire(api_client, trigger, {"name": "a"}, django_capture_on_commit_callbacks, HTTP_IDEMPOTENCY_KEY="k1")
    again = fire(api_client, trigger, {"name": "a"}, django_capture_on_commit_callbacks, HTTP_IDEMPOTENCY_KEY="k1")
    assert first.json()["data"]["executionId"] == again.json()["data"]["executionId"]
    assert Execution.objects.count() == 1


def _github_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_github_signature_is_verified_and_delivery_id_deduplicates(
    api_client, running_flow, django_capture_on_commit_callbacks
):
    secret = "s3cret-value"
    _, trigger = running_flow(config={"signature": {"preset": "github", "secret": secret}})
    assert trigger["config"]["signature"] == {"preset": "github", "secretHint": "…alue"}
    body = json.dumps({"name": "gh"}).encode()
    bad = fire(api_client, trigger, body, django_capture_on_commit_callbacks, HTTP_X_HUB_SIGNATURE_256="sha256=00")
    assert bad.status_code == 401
    assert not Execution.objects.exists()
    headers = {"HTTP_X_HUB_SIGNATURE_256": _github_signature(secret, body), "HTTP_X_GITHUB_DELIVERY": "d-1"}
    ok = fire(api_client, trigger, body, django_capture_on_commit_callbacks, **headers)
    repeat = fire(api_client, trigger, body, django_capture_on_commit_callbacks, **headers)
    assert ok.status_code == repeat.status_code == 202
    assert ok.json()["data"]["executionId"] == repeat.json()["data"]["executionId"]
    assert Execution.objects.count() == 1


def test_stripe_signature_needs_a_fresh_timestamp(api_client, running_flow, django_capture_on_commit_callbacks):
    secret = "whsec_stripe_test"
    _, trigger = running_flow(config={"signature": {"preset": "stripe", "secret": secret}})
    body = json.dumps({"id": "evt_1", "name": "s"}).encode()

    def header(timestamp):
        signed = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
        return f"t={timestamp},v1={signed}"

    stale = fire(api_client, trigger, body, django_capture_on_commit_callbacks, HTTP_STRIPE_SIGNATURE=header(1))
    assert stale.status_code == 401
    assert "300" in stale.json()["error"]["message"]
    fresh = fire(
        api_client, trigger, body, django_capture_on_commit_callbacks, HTTP_STRIPE_SIGNATURE=header(int(time.time()))
    )
    assert fresh.status_code == 202
    assert Execution.objects.get().delivery_key == "stripe:evt_1"


def test_standard_webhooks_signature(api_client, running_flow, django_capture_on_commit_callbacks):
    import base64

    key = b"0123456789abcdef0123456789abcdef"
    secret = "whsec_" + base64.b64encode(key).decode()
    _, trigger = running_flow(config={"signature": {"preset": "standard", "secret": secret}})
    body = b'{"name": "std"}'
    timestamp = str(int(time.time()))
    digest = hmac.new(key, f"msg_1.{timestamp}.".encode() + body, hashlib.sha256).digest()
    headers = {
        "HTTP_WEBHOOK_ID": "msg_1",
        "HTTP_WEBHOOK_TIMESTAMP": timestamp,
        "HTTP_WEBHOOK_SIGNATURE": "v1," + base64.b64encode(digest).decode(),
    }
    assert fire(api_client, trigger, body, django_capture_on_commit_callbacks, **headers).status_code == 202
    headers["HTTP_WEBHOOK_SIGNATURE"] = "v1,AAAA"
    assert fire(api_client, trigger, body, django_capture_on_commit_callbacks, **headers).status_code == 401


def test_signature_preset_needs_a_secret(pro_client):
    flow = create_flow(pro_client, TRANSFORM_FLOW)
    response = pro_client.post(
        f"/api/v1/flows/{flow['id']}/triggers",
        {"type": "webhook", "name": "w", "config": {"signature": {"preset": "github"}}},
        format="json",
    )
    assert response.status_code == 400
    assert "secret" in response.json()["error"]["message"]
    assert not Trigger.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_sync_webhook_answers_with_the_output(api_client, running_flow):
    # With real commits, the eager worker runs the execution while the request waits for it.
    _, trigger = running_flow(config={"responseMode": "sync", "syncTimeoutSeconds": 5})
    response = api_client.post(f"/webhooks/{trigger['webhookToken']}", {"name": "Sync"}, format="json")
    assert response.status_code == 200
    assert response.json()["data"]["output"] == {"greeting": "hello Sync"}


def test_regenerate_token_only_for_webhooks_and_old_token_stops(pro_client, api_client, running_flow):
    flow, trigger = running_flow()
    response = pro_client.post(f"/api/v1/flows/{flow['id']}/triggers/{trigger['id']}/regenerate-token")
    assert response.json()["data"]["webhookToken"] != trigger["webhookToken"]
    assert api_client.get(f"/webhooks/{trigger['webhookToken']}/test").status_code == 404
    manual = add_trigger(pro_client, flow["id"], "manual")
    refused = pro_client.post(f"/api/v1/flows/{flow['id']}/triggers/{manual['id']}/regenerate-token")
    assert refused.status_code == 400
    assert refused.json()["error"]["message"] == "Can only regenerate token for webhook triggers"


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"cron": "61 * * * *"}, "cron"),
        ({"cron": "* * * * * *"}, "cron"),
        ({"cron": "0 9 * * *", "timezone": "Mars/Olympus"}, "timezone"),
        ({"cron": "0 9 * * *", "overlap": "queue"}, "overlap"),
        ({"cron": "0 9 * * *", "colour": "red"}, "colour"),
    ],
)
def test_bad_schedule_config_is_400(pro_client, config, field):
    flow = create_flow(pro_client, TRANSFORM_FLOW)
    response = pro_client.post(
        f"/api/v1/flows/{flow['id']}/triggers", {"type": "schedule", "name": "s", "config": config}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["error"]["details"]["config"]
    assert not Trigger.objects.exists()


def test_schedule_trigger_registers_a_periodic_task_while_running_and_fires_once_per_slot(
    pro_client, django_capture_on_commit_callbacks
):
    definition = canvas([("tick", "trigger", {"triggerType": "schedule"}), ("done", "output", {})], [("tick", "done")])
    flow = create_flow(pro_client, definition)
    trigger = add_trigger(pro_client, flow["id"], "schedule", {"cron": "0 9 * * 1-5", "timezone": "Europe/Paris"})
    assert len(trigger["nextFireTimes"]) == 5
    task = PeriodicTask.objects.get(name=f"flow-trigger:{trigger['id']}")
    assert task.enabled is False
    assert str(task.crontab.timezone) == "Europe/Paris"
    start_flow(pro_client, flow["id"])
    task.refresh_from_db()
    assert task.enabled is True
    assert task.queue == "flows"
    moment = datetime(2026, 11, 24, 8, 0, 20, tzinfo=UTC)  # 09:00:20 in Paris, a Tuesday
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule_fire(trigger_id=trigger["id"], now=moment) == "started"
        assert schedule_fire(trigger_id=trigger["id"], now=moment) == "duplicate"
    execution = Execution.objects.get()
    assert execution.scheduled_for == datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    assert execution.status == "success"
    assert execution.output_payload["scheduledFor"] == "2026-11-24T09:00:00+01:00"
    pro_client.post(f"/api/v1/flows/{flow['id']}/stop")
    task.refresh_from_db()
    assert task.enabled is False


def test_schedule_overlap_skip_leaves_out_a_slot_while_the_previous_execution_runs(pro_client):
    definition = canvas([("tick", "trigger", {"triggerType": "schedule"}), ("done", "output", {})], [("tick", "done")])
    flow = create_flow(pro_client, definition)
    every_minute = {"cron": "* * * * *", "timezone": "UTC"}
    skip = add_trigger(pro_client, flow["id"], "schedule", every_minute, name="skipping")
    allow = add_trigger(pro_client, flow["id"], "schedule", {**every_minute, "overlap": "allow"}, name="allowing")
    start_flow(pro_client, flow["id"])
    first = datetime(2026, 11, 24, 8, 0, 5, tzinfo=UTC)
    second = datetime(2026, 11, 24, 8, 1, 5, tzinfo=UTC)
    # Inside the test transaction the executions are never run, so the first ones are still running.
    assert schedule_fire(trigger_id=skip["id"], now=first) == "started"
    assert schedule_fire(trigger_id=allow["id"], now=first) == "started"

    assert schedule_fire(trigger_id=skip["id"], now=second) == "skipped"
    assert schedule_fire(trigger_id=allow["id"], now=second) == "started"

    assert Execution.objects.filter(trigger_id=skip["id"]).count() == 1
    assert Execution.objects.filter(trigger_id=allow["id"]).count() == 2
    skipped = FlowLog.objects.get(event_type="SCHEDULE_SKIPPED")
    assert skipped.level == "warning"
    assert skipped.message == (
        "Schedule 'skipping' skipped 2026-11-24T08:01:00+00:00: the previous execution still runs"
    )


def test_manual_run_checks_the_input_schema(pro_client, django_capture_on_commit_callbacks):
    flow = create_flow(
        pro_client,
        TRANSFORM_FLOW,
        inputSchema={"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
    )
    start_flow(pro_client, flow["id"])
    bad = pro_client.post(f"/api/v1/flows/{flow['id']}/executions/run", {"input": {"name": 3}}, format="json")
    assert bad.status_code == 400
    assert "name" in bad.json()["error"]["details"]["input"]
    with django_capture_on_commit_callbacks(execute=True):
        ok = pro_client.post(f"/api/v1/flows/{flow['id']}/executions/run", {"input": {"name": "M"}}, format="json")
    assert ok.status_code == 201
    assert ok.json()["data"]["triggerType"] == "manual"
    assert Execution.objects.get().output_payload == {"greeting": "hello M"}


def test_manual_run_needs_a_running_flow(pro_client):
    flow = create_flow(pro_client, TRANSFORM_FLOW)
    response = pro_client.post(f"/api/v1/flows/{flow['id']}/executions/run", {"input": {}}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "Flow must be running to execute (current: stopped)"


def run_manually(client, flow, payload, capture):
    with capture(execute=True):
        response = client.post(f"/api/v1/flows/{flow['id']}/executions/run", {"input": payload}, format="json")
    assert response.status_code == 201, response.json()
    return Execution.objects.get(pk=response.json()["data"]["id"])


def test_conditional_node_picks_the_branch_and_on_error_edges_catch_failures(
    pro_client, django_capture_on_commit_callbacks
):
    definition = canvas(
        [
            ("start", "trigger", {}),
            ("check", "conditional", {"expression": "input.amount > 100 and len(input.tags) >= 1"}),
            ("big", "codeBlock", {"tool": "calculate", "expression": "input.amount / 0"}),
            ("small", "output", {"value": {"size": "small", "amount": "{{ input.amount }}"}}),
            ("recover", "output", {"value": {"recovered": "{{ input.error }}"}}),
        ],
        [
            ("start", "check"),
            ("check", "big", "always", None, "true"),
            ("check", "small", "always", None, "false"),
            ("big", "recover", "on_error"),
        ],
    )
    flow = create_flow(pro_client, definition)
    start_flow(pro_client, flow["id"])
    small = run_manually(pro_client, flow, {"amount": 5, "tags": ["a"]}, django_capture_on_commit_callbacks)
    assert small.status == "success"
    assert small.output_payload == {"size": "small", "amount": 5}
    big = run_manually(pro_client, flow, {"amount": 500, "tags": ["a"]}, django_capture_on_commit_callbacks)
    assert big.status == "success"
    assert "division by zero" in big.output_payload["recovered"]
    steps = list(ExecutionStep.objects.filter(execution=big).values_list("node_name", "status"))
    assert steps == [("start", "success"), ("check", "success"), ("big", "error"), ("recover", "success")]


def test_an_unhandled_node_failure_fails_the_execution(pro_client, django_capture_on_commit_callbacks):
    definition = canvas(
        [("start", "trigger", {}), ("boom", "custom", {"x": 1}), ("after", "output", {})],
        [("start", "boom", "on_success"), ("boom", "after", "on_success")],
    )
    flow = create_flow(pro_client, definition)
    start_flow(pro_client, flow["id"])
    execution = run_manually(pro_client, flow, {}, django_capture_on_commit_callbacks)
    assert execution.status == "error"
    assert execution.error_message.startswith("Node 'boom' failed: Custom node 'boom'")
    assert not ExecutionStep.objects.filter(execution=execution, node_name="after").exists()


def test_loops_are_capped_by_max_node_visits(pro_client, django_capture_on_commit_callbacks):
    definition = canvas(
        [("start", "trigger", {}), ("a", "codeBlock", {"tool": "transform", "jmespath": "@"}),
         ("b", "codeBlock", {"tool": "transform", "jmespath": "@"})],
        [("start", "a"), ("a", "b"), ("b", "a")],
    )  # fmt: skip
    flow = create_flow(pro_client, definition, settings={"maxNodeVisits": 7})
    start_flow(pro_client, flow["id"])
    execution = run_manually(pro_client, flow, {}, django_capture_on_commit_callbacks)
    assert execution.status == "error"
    assert "7 node visits" in execution.error_message
    assert execution.steps.count() == 7


def test_http_node_calls_the_url_with_the_templated_body(pro_client, settings, django_capture_on_commit_callbacks):
    settings.FLOW_HTTP_ALLOW_PRIVATE_URLS = True
    with LoopbackServer() as server:
        server.routes[("POST", "/orders")] = lambda request: (201, {"id": 7, "got": json.loads(request["body"])})
        definition = canvas(
            [
                ("start", "trigger", {}),
                ("call", "httpRequest", {"method": "POST", "url": server.url + "/orders",
                                          "headers": {"X-Customer": "{{ input.customer }}"},
                                          "body": {"customer": "{{ input.customer }}", "qty": "{{ input.qty }}"}}),
                ("done", "output", {"value": "{{ input.body }}"}),
            ],
            [("start", "call"), ("call", "done")],
        )  # fmt: skip
        flow = create_flow(pro_client, definition)
        start_flow(pro_client, flow["id"])
        execution = run_manually(pro_client, flow, {"customer": "c-1", "qty": 2}, django_capture_on_commit_callbacks)
    assert execution.status == "success"
    assert execution.output_payload == {"id": 7, "got": {"customer": "c-1", "qty": 2}}
    assert server.requests[0]["headers"]["x-customer"] == "c-1"


def test_http_node_refuses_private_addresses(pro_client, settings, django_capture_on_commit_callbacks):
    settings.FLOW_HTTP_ALLOW_PRIVATE_URLS = False
    definition = canvas(
        [("start", "trigger", {}), ("call", "httpRequest", {"url": "http://127.0.0.1:9/admin"})], [("start", "call")]
    )
    flow = create_flow(pro_client, definition)
    start_flow(pro_client, flow["id"])
    execution = run_manually(pro_client, flow, {}, django_capture_on_commit_callbacks)
    assert execution.status == "error"
    assert "not a public address" in execution.error_message


def test_llm_node_uses_the_builtin_model_and_meters_tokens(pro_client, django_capture_on_commit_callbacks):
    flow = create_flow(pro_client)
    start_flow(pro_client, flow["id"])
    execution = run_manually(pro_client, flow, {"name": "Grace"}, django_capture_on_commit_callbacks)
    assert execution.status == "success"
    assert execution.output_payload["text"] == "Greet Grace in one friendly sentence."
    assert execution.output_payload["provider"] == "builtin"


def test_cancel_replay_stats_and_logs(pro_client, api_client, running_flow, django_capture_on_commit_callbacks):
    flow, trigger = running_flow()
    fire(api_client, trigger, {"name": "one"}, django_capture_on_commit_callbacks)
    execution = Execution.objects.get()
    refused = pro_client.post(f"/api/v1/flows/{flow['id']}/executions/{execution.pk}/cancel")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "EXECUTION_NOT_CANCELLABLE"
    with django_capture_on_commit_callbacks(execute=True):
        replay = pro_client.post(
            f"/api/v1/flows/{flow['id']}/executions/{execution.pk}/replay", {"input": {"name": "two"}}, format="json"
        )
    assert replay.status_code == 201
    replayed = Execution.objects.get(pk=replay.json()["data"]["id"])
    assert replayed.replay_of_id == execution.pk
    assert replayed.output_payload == {"greeting": "hello two"}
    for path in ("stats", "executions/stats"):
        stats = pro_client.get(f"/api/v1/flows/{flow['id']}/{path}").json()["data"]
        assert stats["executionsTotal"] == 2
        assert stats["executionsSuccess"] == 2
        assert stats["executionsError"] == 0
    listed = pro_client.get(f"/api/v1/flows/{flow['id']}/executions", {"status": "success"}).json()
    assert listed["pagination"]["total"] == 2
    assert pro_client.get(f"/api/v1/flows/{flow['id']}/executions", {"status": "nope"}).status_code == 400
    logs = pro_client.get(f"/api/v1/flows/{flow['id']}/logs", {"executionId": execution.pk}).json()["data"]
    assert {entry["eventType"] for entry in logs} >= {"EXECUTION_STARTED", "EXECUTION_COMPLETED"}
    errors = pro_client.get(f"/api/v1/flows/{flow['id']}/logs", {"level": "error"}).json()["data"]
    assert errors == []


def test_cancel_a_running_execution(pro_client, running_flow):
    flow, _ = running_flow()
    execution = Execution.objects.create(
        flow_id=flow["id"], owner=pro_client.user, trigger_type="manual", version=FlowVersion.objects.get()
    )
    response = pro_client.post(f"/api/v1/flows/{flow['id']}/executions/{execution.pk}/cancel")
    assert response.status_code == 200
    assert response.json()["data"]["status"] == "cancelled"
    assert FlowLog.objects.filter(execution=execution, event_type="EXECUTION_CANCELLED").exists()


def test_an_execution_with_no_entry_for_its_trigger_type_fails_with_a_reason(
    pro_client, django_capture_on_commit_callbacks
):
    # The flow is started with a manual trigger node; the version it runs has none for schedule triggers.
    flow = create_flow(pro_client, canvas([("go", "trigger", {"triggerType": "manual"}), ("done", "output", {})],
                                          [("go", "done")]))  # fmt: skip
    start_flow(pro_client, flow["id"])
    with django_capture_on_commit_callbacks(execute=True):
        execution, _ = execution_start(
            flow=Flow.objects.get(pk=flow["id"]), trigger=None, trigger_type="schedule", payload={}
        )
    execution.refresh_from_db()
    assert execution.status == "error"
    assert execution.error_message == "The flow has no entry node for schedule triggers."
