"""Build runs on the real stack: daphne, Redis and Celery workers, with a model stand-in on loopback.

A subscriber that joins mid-run sees every event once and in order (SSE and WebSocket); a worker
killed mid-task is replaced and the run finishes without duplicated commits or events; a cancel
stops a run within seconds and leaves the repository consistent.
"""

import asyncio
import json
import threading
import time
import urllib.request

import pytest
import websockets
from rest_framework.test import APIClient

from accounts.services import api_token_create
from config.celery import app as celery_app
from core.heartbeat import WORKERS_KEY
from core.redis import get_redis
from integrations.models import AiProviderKey
from runs.events import TERMINAL_EVENTS, event_data
from runs.models import Run, RunEvent, Task
from tests.factories import UserFactory
from tests.integration.stack import http, running_stack
from tests.projects import approved_project, git
from tests.stand_ins import BuildModel, OpenAIStandIn
from tests.waiting import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def model_stand_in():
    with OpenAIStandIn([{}]) as server:
        yield server


@pytest.fixture(scope="module")
def stack(django_db_setup, tmp_path_factory, model_stand_in):
    environment = {
        "OPENAI_BASE_URL": model_stand_in.base_url,
        "RUN_STALL_SECONDS": "3",
        "RUN_CANCEL_WAIT_SECONDS": "15",
    }
    with running_stack(tmp_path_factory.mktemp("builds"), environment, worker_concurrency=2) as running:
        yield running


@pytest.fixture
def member(transactional_db, model_stand_in):
    user = UserFactory()
    AiProviderKey.objects.create(user=user, provider="openai", api_key=OpenAIStandIn.API_KEY, is_valid=True)
    return user, api_token_create(user=user, name="it")[1]


def start_build(stack, member, client_project: dict) -> dict:
    _, token = member
    url = f"{stack.base_url}/api/v1/projects/{client_project['id']}/runs"
    status, body = http("POST", url, token, {"provider": "openai"})
    assert status == 201
    return body["data"]


def stored_events(run_id: str) -> list[dict]:
    return [event_data(event) for event in RunEvent.objects.filter(run_id=run_id).order_by("seq")]


@pytest.fixture
def project(member, auth_client_for):
    return approved_project(auth_client_for(member[0]))


@pytest.fixture
def auth_client_for(token_for):
    def make(user):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")
        return client

    return make


def read_sse(url: str, token: str, received: list[dict]) -> None:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}", "Accept": "text/event-stream"})
    with urllib.request.urlopen(request, timeout=120) as response:
        for raw in response:
            line = raw.decode().rstrip("\n")
            if line.startswith("data: "):
                received.append(json.loads(line[len("data: ") :]))


async def watch_websocket(stack, token: str, channel: str, after: int | None) -> list[dict]:
    received = []
    async with websockets.connect(stack.base_url.replace("http://", "ws://") + "/api/v1/ws") as ws:
        await ws.send(json.dumps({"type": "auth", "token": token}))
        assert json.loads(await ws.recv())["type"] == "auth"
        subscribe = {"type": "subscribe", "channel": channel, **({"after": after} if after is not None else {})}
        await ws.send(json.dumps(subscribe))
        assert json.loads(await ws.recv()) == {"type": "subscribed", "channel": channel}
        while not received or received[-1]["eventType"] not in TERMINAL_EVENTS:
            message = json.loads(await asyncio.wait_for(ws.recv(), 60))
            assert message["type"] == "event"
            received.append(message["data"])
    return received


def test_subscribers_joining_mid_run_see_every_event_once_in_order(stack, member, project, model_stand_in):
    model_stand_in.replies = [BuildModel(delay=0.3)]
    _, token = member
    run = start_build(stack, member, project)
    wait_for(lambda: Run.objects.get(pk=run["id"]).event_count >= 5)
    assert not Run.objects.get(pk=run["id"]).is_terminal, "joined in the middle"

    sse: list[dict] = []
    sse_url = f"{stack.base_url}/api/v1/projects/{project['id']}/runs/{run['id']}/events/stream"
    reader = threading.Thread(target=read_sse, args=(sse_url, token, sse))
    reader.start()

    async def both():
        return await asyncio.gather(
            watch_websocket(stack, token, f"run:{run['id']}", after=0),
            watch_websocket(stack, token, f"run:{run['id']}", after=None),
        )

    replayed, live_only = asyncio.run(both())
    reader.join(timeout=120)

    events = stored_events(run["id"])
    assert Run.objects.get(pk=run["id"]).status == "succeeded"
    assert replayed == events
    assert sse == events
    first = live_only[0]["seq"]
    assert first > 1
    assert live_only == events[first - 1 :], "from its first live event on: contiguous, once each, in order"


@pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored")  # send_task goes to the real worker
def test_a_worker_killed_mid_task_is_replaced_and_the_run_finishes_cleanly(stack, member, project, model_stand_in):
    model = BuildModel(slow={"data": 120})
    model_stand_in.replies = [model]
    run = start_build(stack, member, project)
    wait_for(lambda: model.task_calls.get("data") == 1, timeout=60)  # the worker is waiting for the model

    stack.kill_worker()
    stack.start_worker()
    wait_for(lambda: get_redis().zcount(WORKERS_KEY, time.time() - 5, "+inf") >= 1, timeout=60)
    time.sleep(4)  # past RUN_STALL_SECONDS with no heartbeat from the dead worker
    celery_app.send_task("runs.sweep")

    done = wait_for(lambda: (r := Run.objects.get(pk=run["id"])).is_terminal and r, timeout=120)
    assert done.status == "succeeded", done.error
    data = Task.objects.get(run_id=run["id"], slug="data")
    assert data.attempts == 2
    assert model.task_calls["data"] == 2
    events = stored_events(run["id"])
    assert [event["seq"] for event in events] == list(range(1, len(events) + 1))
    per_task = {}
    for event in events:
        key = (event["taskId"], event["eventType"], event["payload"].get("path"))
        per_task[key] = per_task.get(key, 0) + 1
    assert {key: count for key, count in per_task.items() if count > 1 and key[0]} == {}, "no task event twice"
    resumed = [event for event in events if event["eventType"] == "LOG" and "resumed" in event["payload"]["message"]]
    assert len(resumed) == 1
    # Tasks that were mid-flight with it when the worker died (ones without dependencies) go back too.
    assert data.pk in resumed[0]["payload"]["requeuedTasks"]
    repo = project["repoPath"]
    for task in Task.objects.filter(run_id=run["id"]):
        assert git(repo, "rev-list", "--count", f"{done.base_commit}..{task.branch_name}").strip() == "1", task.slug
    assert git(repo, "rev-parse", "main").strip() == done.merged_commit


def test_cancelling_mid_task_stops_within_seconds_and_leaves_the_repository_consistent(
    stack, member, project, model_stand_in
):
    model_stand_in.replies = [BuildModel(slow={"data": 120})]
    _, token = member
    run = start_build(stack, member, project)
    wait_for(lambda: RunEvent.objects.filter(run_id=run["id"], type="TASK_STARTED", task__slug="data").exists())
    base = Run.objects.get(pk=run["id"]).base_commit

    started = time.monotonic()
    status, body = http("POST", f"{stack.base_url}/api/v1/projects/{project['id']}/runs/{run['id']}/cancel", token)
    elapsed = time.monotonic() - started

    assert status == 200
    assert body["data"]["status"] == "cancelled"
    assert elapsed < 10
    stored = Run.objects.get(pk=run["id"])
    assert stored.status == "cancelled"
    assert Task.objects.get(run_id=run["id"], slug="data").status == "cancelled"
    assert RunEvent.objects.filter(run_id=run["id"]).last().type == "RUN_CANCELLED"
    repo = project["repoPath"]
    assert git(repo, "rev-parse", "main").strip() == base, "main is untouched"
    git(repo, "fsck", "--strict")
    wait_for(lambda: Run.objects.get(pk=run["id"]).worktrees_removed_at)
    assert git(repo, "worktree", "list").count("\n") == 1, "no worktree left registered"
    for task in Task.objects.filter(run_id=run["id"], status="succeeded"):
        assert git(repo, "rev-list", "--count", f"{base}..{task.branch_name}").strip() == "1"
    project_status = http("GET", f"{stack.base_url}/api/v1/projects/{project['id']}", token)[1]["data"]["status"]
    assert project_status == "approved"
