"""Agent flows on the real stack: daphne, a Celery worker, beat and a Redis of their own.

A 202 from a webhook means the execution is committed: a worker SIGKILLed mid-execution leaves it
to the beat-driven sweeper, which resumes a side-effect-free step and fails (never repeats) a POST;
three beat processes sending the same schedule make one execution per slot; with Redis stopped a
webhook answers 503 and stores nothing, and once Redis is back deliveries run again.
"""

import json
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections import Counter

import pytest

from accounts.models import Tier
from accounts.services import api_token_create
from core.embedded_redis import embedded_redis_argv, wait_for_redis
from flows.models import Execution, ExecutionStep, FlowLog
from tests.factories import UserFactory
from tests.flows.conftest import canvas
from tests.integration.stack import http, running_stack
from tests.stand_ins import LoopbackServer
from tests.waiting import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

STALL_SECONDS = 3


class RedisProcess:
    """A Redis server only this module's stack uses, so the tests can stop and start it."""

    def __init__(self, directory):
        self.socket = directory / "redis.sock"
        self.argv = embedded_redis_argv(self.socket, directory, persist=False)
        self.url = f"unix://{self.socket}?db=0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(self.argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_redis(self.socket, self.process)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


class Gate:
    """Holds chosen requests of a loopback stand-in until released; counts every request per path."""

    def __init__(self, server: LoopbackServer):
        self.server = server
        self.release = threading.Event()

    def route(self, method: str, path: str, hold: set[int]) -> None:
        def handle(request):
            number = self.count(method, path)
            if number in hold:
                self.release.wait(120)
            return 200, {"served": number}

        self.server.routes[(method, path)] = handle

    def count(self, method: str, path: str) -> int:
        return sum(1 for request in self.server.requests if (request["method"], request["path"]) == (method, path))


@pytest.fixture(scope="module")
def redis_process(tmp_path_factory):
    redis = RedisProcess(tmp_path_factory.mktemp("flows-redis"))
    redis.start()
    yield redis
    if redis.process.poll() is None:
        redis.stop()


@pytest.fixture(scope="module")
def stack(django_db_setup, tmp_path_factory, redis_process):
    environment = {
        "REDIS_URL": redis_process.url,
        "FLOW_STALL_SECONDS": str(STALL_SECONDS),
        "FLOW_SWEEP_SECONDS": "1",
        "FLOW_HTTP_ALLOW_PRIVATE_URLS": "true",
    }
    with running_stack(tmp_path_factory.mktemp("flows"), environment, worker_concurrency=2) as running:
        running.start_beat()
        yield running


@pytest.fixture
def gate():
    with LoopbackServer() as server:
        gate = Gate(server)
        yield gate
        gate.release.set()


@pytest.fixture
def token(transactional_db):
    return api_token_create(user=UserFactory(tier=Tier.PRO), name="it")[1]


def running_flow(stack, token: str, definition: dict, trigger: dict) -> tuple[dict, dict]:
    status, flow = http(
        "POST", f"{stack.base_url}/api/v1/flows", token, {"name": "Reliable", "canvasState": definition}
    )
    assert status == 201
    flow_url = f"{stack.base_url}/api/v1/flows/{flow['data']['id']}"
    status, created = http("POST", f"{flow_url}/triggers", token, {"name": "in", **trigger})
    assert status == 201
    assert http("POST", f"{flow_url}/start", token)[0] == 200
    return flow["data"], created["data"]


def deliver(url: str, body: dict) -> tuple[int, dict, dict]:
    """POST a webhook delivery: status, body, headers (4xx and 5xx included)."""
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read()), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read()), dict(error.headers)


def http_flow(server: LoopbackServer, method: str) -> dict:
    return canvas(
        [
            ("hook", "trigger", {"triggerType": "webhook"}),
            ("call", "httpRequest", {"method": method, "url": f"{server.url}/work", "timeoutSeconds": 60}),
            ("done", "output", {"value": "{{ input.body }}"}),
        ],
        [("hook", "call"), ("call", "done")],
    )


def finished(execution_id: str) -> Execution | None:
    execution = Execution.objects.get(pk=execution_id)
    return execution if execution.status != "running" else None


def killed_inside_the_request(stack, token: str, gate: Gate, method: str) -> Execution:
    """Deliver to a webhook → `method` request → output flow, SIGKILL the worker while the request is held,
    start a new worker, and return the execution once the sweeper and that worker have ended it."""
    gate.route(method, "/work", hold={1})
    _, trigger = running_flow(stack, token, http_flow(gate.server, method), {"type": "webhook"})
    status, body, _ = deliver(trigger["webhookUrl"], {"order": 1})
    assert status == 202
    wait_for(lambda: gate.count(method, "/work") == 1)
    stack.kill_worker()
    stack.start_worker()
    return wait_for(lambda: finished(body["data"]["executionId"]), timeout=90)


def test_a_worker_killed_during_a_post_leaves_it_to_the_sweeper_which_does_not_send_it_again(stack, token, gate):
    execution = killed_inside_the_request(stack, token, gate, "POST")
    execution_id = execution.pk

    assert execution.status == "error"
    assert "which has side effects; it is not repeated" in execution.error_message
    assert execution.attempts == 2
    time.sleep(2)  # nothing else may reach the stand-in afterwards
    assert gate.count("POST", "/work") == 1, "the POST was sent once"
    call = ExecutionStep.objects.get(execution_id=execution_id, node_id="call")
    assert call.status == "error"
    logged = [entry.event_type for entry in FlowLog.objects.filter(execution_id=execution_id).order_by("seq")]
    assert logged.count("EXECUTION_REQUEUED") == 1
    assert logged[-1] == "EXECUTION_FAILED"


def test_a_worker_killed_during_a_side_effect_free_step_is_resumed_to_success(stack, token, gate):
    execution = killed_inside_the_request(stack, token, gate, "GET")
    execution_id = execution.pk

    assert execution.status == "success", execution.error_message
    assert execution.output_payload == {"served": 2}, "the GET was made again by the next worker"
    assert execution.attempts == 2
    steps = ExecutionStep.objects.filter(execution_id=execution_id).order_by("index")
    assert [(step.node_id, step.status) for step in steps] == [
        ("hook", "success"), ("call", "success"), ("done", "success"),
    ]  # fmt: skip
    logged = [entry.event_type for entry in FlowLog.objects.filter(execution_id=execution_id).order_by("seq")]
    assert logged.count("EXECUTION_REQUEUED") == 1
    assert logged.count("EXECUTION_COMPLETED") == 1
    seqs = FlowLog.objects.filter(execution_id=execution_id).order_by("seq").values_list("seq", flat=True)
    assert list(seqs) == list(range(1, len(logged) + 1))


def test_three_beat_processes_make_one_execution_per_schedule_slot(stack, token):
    definition = canvas([("tick", "trigger", {"triggerType": "schedule"}), ("done", "output", {})], [("tick", "done")])
    schedule = {"type": "schedule", "config": {"cron": "* * * * *", "timezone": "UTC"}}
    _, trigger = running_flow(stack, token, definition, schedule)
    # Two more beats without the scheduler lock, as if the lock had failed: three senders per slot.
    for name in ("beat-2", "beat-3"):
        stack.start_beat(name, scheduler="django_celery_beat.schedulers:DatabaseScheduler")
    try:
        first = wait_for(lambda: Execution.objects.filter(trigger_id=trigger["id"]).first(), timeout=100)
        wait_for(lambda: stack.worker_log().count("'duplicate'") >= 2, timeout=30)
    finally:
        stack.stop_process("beat-2")
        stack.stop_process("beat-3")

    per_slot = Counter(Execution.objects.filter(trigger_id=trigger["id"]).values_list("scheduled_for", flat=True))
    assert per_slot[first.scheduled_for] == 1
    assert set(per_slot.values()) == {1}
    assert first.scheduled_for.second == 0
    assert wait_for(lambda: finished(first.pk)).status == "success"


def test_with_redis_stopped_a_webhook_answers_503_and_stores_nothing(stack, token, redis_process):
    definition = canvas([("hook", "trigger", {"triggerType": "webhook"}), ("done", "output", {})], [("hook", "done")])
    flow, trigger = running_flow(stack, token, definition, {"type": "webhook"})

    redis_process.stop()
    try:
        status, body, headers = deliver(trigger["webhookUrl"], {"while": "down"})
        assert status == 503
        assert body["error"]["code"] == "SERVICE_UNAVAILABLE"
        assert headers["Retry-After"] == "5"
        assert not Execution.objects.filter(flow_id=flow["id"]).exists()
    finally:
        redis_process.start()

    status, body, _ = wait_for(lambda: (reply := deliver(trigger["webhookUrl"], {"while": "up"}))[0] == 202 and reply)
    execution = wait_for(lambda: finished(body["data"]["executionId"]), timeout=90)
    assert execution.status == "success"
    assert execution.input_payload == {"while": "up"}
    assert Execution.objects.filter(flow_id=flow["id"]).count() == 1
