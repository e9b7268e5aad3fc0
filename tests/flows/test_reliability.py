"""The sweeper and the claim that fences an execution's writes to the worker that owns it.

The same paths run against real processes (a SIGKILLed Celery worker, beat, Redis stopped) in
tests/integration/test_flows_stack.py; here they are driven through the services.
"""

import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from flows.engine import execution_run
from flows.models import Execution, ExecutionStep, Flow, FlowLog
from flows.services.executions import execution_start, executions_sweep
from tests.flows.conftest import canvas, create_flow, start_flow
from tests.stand_ins import LoopbackServer
from tests.waiting import wait_for


def http_flow(client, server, method):
    definition = canvas(
        [
            ("start", "trigger", {}),
            ("call", "httpRequest", {"method": method, "url": server.url + "/work", "timeoutSeconds": 30}),
            ("done", "output", {"value": "{{ input.body }}"}),
        ],
        [("start", "call"), ("call", "done")],
    )
    flow = create_flow(client, definition)
    start_flow(client, flow["id"])
    return Flow.objects.get(pk=flow["id"])


def queued_execution(flow: Flow) -> Execution:
    """An execution row; inside a test transaction its on-commit enqueue never runs, as if it was lost."""
    execution, _ = execution_start(flow=flow, trigger=None, trigger_type="manual", payload={"n": 1})
    return execution


def go_silent(execution: Execution, **state) -> None:
    """What a worker that died mid-execution leaves: its claim, and a heartbeat that stopped long ago."""
    Execution.objects.filter(pk=execution.pk).update(
        state={**Execution.objects.get(pk=execution.pk).state, "claim": "dead-worker", **state},
        attempts=1,
        heartbeat_at=timezone.now() - timedelta(hours=1),
    )


@pytest.fixture
def loopback(settings):
    settings.FLOW_HTTP_ALLOW_PRIVATE_URLS = True
    with LoopbackServer() as server:
        server.routes[("GET", "/work")] = lambda request: (200, {"served": len(server.requests)})
        server.routes[("POST", "/work")] = lambda request: (201, {"served": len(server.requests)})
        yield server


@pytest.mark.django_db
def test_a_silent_execution_is_requeued_and_the_next_worker_finishes_it(
    pro_client, loopback, django_capture_on_commit_callbacks
):
    execution = queued_execution(http_flow(pro_client, loopback, "GET"))
    go_silent(execution)

    with django_capture_on_commit_callbacks(execute=True):
        assert executions_sweep() == {"requeued": 1, "failed": 0}

    execution.refresh_from_db()
    assert execution.status == "success", execution.error_message
    assert execution.attempts == 2
    assert execution.output_payload == {"served": 1}
    logged = list(FlowLog.objects.filter(execution=execution).order_by("seq").values_list("event_type", flat=True))
    assert logged[:2] == ["EXECUTION_STARTED", "EXECUTION_REQUEUED"]
    assert logged[-1] == "EXECUTION_COMPLETED"


@pytest.mark.django_db
def test_an_accepted_execution_whose_enqueue_was_lost_is_run_by_the_sweeper(
    pro_client, loopback, django_capture_on_commit_callbacks
):
    # The row was committed (the webhook said 202) but Redis refused the task: nobody ever claimed it.
    execution = queued_execution(http_flow(pro_client, loopback, "GET"))
    Execution.objects.filter(pk=execution.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=True):
        assert executions_sweep() == {"requeued": 1, "failed": 0}

    execution.refresh_from_db()
    assert execution.status == "success"
    assert execution.attempts == 1


@pytest.mark.django_db
def test_a_live_worker_keeps_its_execution(pro_client, loopback, django_capture_on_commit_callbacks):
    execution = queued_execution(http_flow(pro_client, loopback, "GET"))
    Execution.objects.filter(pk=execution.pk).update(state={"claim": "live-worker"}, heartbeat_at=timezone.now())

    assert executions_sweep() == {"requeued": 0, "failed": 0}
    execution_run(execution.pk)  # a second delivery of the task while the first worker runs it

    execution.refresh_from_db()
    assert execution.status == "running"
    assert execution.attempts == 0
    assert loopback.requests == []


@pytest.mark.django_db
def test_an_execution_whose_workers_keep_dying_is_failed(pro_client, loopback, settings):
    execution = queued_execution(http_flow(pro_client, loopback, "GET"))
    go_silent(execution)
    Execution.objects.filter(pk=execution.pk).update(attempts=settings.FLOW_MAX_ATTEMPTS)

    assert executions_sweep() == {"requeued": 0, "failed": 1}

    execution.refresh_from_db()
    assert execution.status == "error"
    assert execution.error_message == f"The worker running it stopped {settings.FLOW_MAX_ATTEMPTS} times; giving up."
    assert FlowLog.objects.filter(execution=execution).order_by("seq").last().event_type == "EXECUTION_FAILED"


@pytest.mark.django_db
def test_a_step_with_side_effects_that_was_interrupted_is_not_repeated(
    pro_client, loopback, django_capture_on_commit_callbacks
):
    execution = queued_execution(http_flow(pro_client, loopback, "POST"))
    # The dead worker had recorded the trigger step and started the POST (its step row says so).
    version = execution.version
    post = {"node": "call", "input": {"n": 1}}
    ExecutionStep.objects.create(
        execution=execution, index=2, node_id="call", node_name="call", node_type="httpRequest",
        status="running", input={"n": 1},
    )  # fmt: skip
    go_silent(execution, queue=[post], visits=1, hasOutput=False, output=None, lastOutput=None)
    assert version.canvas_state["nodes"][1]["data"]["config"]["method"] == "POST"

    with django_capture_on_commit_callbacks(execute=True):
        executions_sweep()

    execution.refresh_from_db()
    assert execution.status == "error"
    assert "which has side effects; it is not repeated" in execution.error_message
    step = ExecutionStep.objects.get(execution=execution, index=2)
    assert step.status == "error"
    assert step.error == "Its worker stopped during the step; it was not repeated."
    assert loopback.requests == [], "the POST was not sent again"


@pytest.mark.django_db(transaction=True)
def test_a_worker_the_sweeper_gave_up_on_writes_nothing_more(pro_client, settings):
    """Worker A stalls inside a GET; the sweeper hands the execution to worker B, which is inside the
    same GET when A's returns: A's writes are refused by the claim, and B alone finishes the execution."""
    settings.FLOW_HTTP_ALLOW_PRIVATE_URLS = True
    settings.FLOW_STALL_SECONDS = 600  # A's heartbeat stays quiet; the test makes it stale by hand
    release = {1: threading.Event(), 2: threading.Event()}
    with LoopbackServer() as server:

        def work(request):
            number = len(server.requests)
            release[number].wait(30)
            return 200, {"served": number}

        server.routes[("GET", "/work")] = work
        flow = http_flow(pro_client, server, "GET")
        # The row alone (with real commits, the service would also run it at once, eagerly, in this thread).
        execution = Execution.objects.create(
            flow=flow, owner=flow.owner, trigger_type="manual", version=flow.versions.get(), input_payload={}
        )
        # Worker A runs it in its own thread; only worker B goes through (eager) Celery, whose "inside a task"
        # flag is process-wide and would be left set by two eager tasks that overlap.
        worker_a = threading.Thread(target=execution_run, args=(execution.pk,))
        worker_a.start()
        wait_for(lambda: len(server.requests) == 1, timeout=20, interval=0.02)
        Execution.objects.filter(pk=execution.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
        sweeps = []
        worker_b = threading.Thread(target=lambda: sweeps.append(executions_sweep()))
        worker_b.start()
        wait_for(lambda: len(server.requests) == 2, timeout=20, interval=0.02)

        release[1].set()
        worker_a.join(timeout=30)
        assert not worker_a.is_alive()
        assert list(ExecutionStep.objects.filter(execution=execution).values_list("node_id", flat=True)) == ["start"]
        release[2].set()
        worker_b.join(timeout=30)
    assert not worker_b.is_alive()

    assert sweeps == [{"requeued": 1, "failed": 0}]
    execution.refresh_from_db()
    assert execution.status == "success"
    assert execution.output_payload == {"served": 2}, "B's response, not A's"
    assert execution.attempts == 2
    steps = list(ExecutionStep.objects.filter(execution=execution).order_by("index").values_list("index", "node_id"))
    assert steps == [(1, "start"), (2, "call"), (3, "done")]
    logged = list(FlowLog.objects.filter(execution=execution).values_list("event_type", flat=True))
    assert logged.count("EXECUTION_COMPLETED") == 1
    assert logged.count("STEP_COMPLETED") == 3
