"""The real stack: daphne + a Celery worker + Redis, a real WebSocket client and HTTP client."""

import asyncio
import json
import urllib.request

import pytest
import websockets

from accounts.services import api_token_create
from tests.factories import UserFactory
from tests.integration.stack import http, running_stack

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


async def receive(ws, timeout: float = 15) -> dict:
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


@pytest.fixture(scope="module")
def stack(django_db_setup, tmp_path_factory):
    with running_stack(tmp_path_factory.mktemp("stack")) as running:
        yield running.base_url


@pytest.fixture
def member(transactional_db):
    user = UserFactory()
    return user, api_token_create(user=user, name="it")[1]


async def test_an_event_published_by_a_celery_task_reaches_a_websocket_client(stack, member):
    user, token = member
    ws_url = stack.replace("http://", "ws://") + "/api/v1/ws"

    async with websockets.connect(ws_url) as ws:
        await ws.send(json.dumps({"type": "auth", "token": token}))
        assert (await receive(ws))["type"] == "auth"
        await ws.send(json.dumps({"type": "subscribe", "channel": f"user:{user.pk}"}))
        assert await receive(ws) == {"type": "subscribed", "channel": f"user:{user.pk}"}

        status, body = await asyncio.to_thread(http, "POST", f"{stack}/api/v1/realtime/ping", token)
        assert status == 202

        event = await receive(ws)
        assert event["type"] == "event"
        assert event["channel"] == f"user:{user.pk}"
        assert event["data"]["eventType"] == "PING"
        assert event["data"]["payload"]["nonce"] == body["data"]["nonce"]
        assert event["data"]["payload"]["worker"].startswith("it-"), "published by the Celery worker process"


async def test_health_sees_the_worker_heartbeat(stack):
    def health() -> dict:
        with urllib.request.urlopen(f"{stack}/health", timeout=10) as response:
            return json.loads(response.read())

    report = await asyncio.to_thread(health)
    assert report["components"]["workers"] == "healthy"
    assert report["workers"] >= 1


async def test_a_generation_job_runs_on_the_worker_while_the_web_process_waits(stack, member):
    _, token = member
    desk = {"name": "Desk", "description": "A help desk where agents resolve tickets."}
    status, created = await asyncio.to_thread(http, "POST", f"{stack}/api/v1/projects", token, desk)
    assert status == 201
    clarify_url = f"{stack}/api/v1/projects/{created['data']['id']}/clarify"
    status, body = await asyncio.to_thread(http, "POST", clarify_url, token, {})
    assert status == 200, "the worker finished within the wait budget"
    assert body["data"]["status"] == "clarifying"
    assert body["data"]["questions"]
