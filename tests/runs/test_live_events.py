"""Run events over SSE and the WebSocket channel `run:<id>`: replay, order, exactly once, isolation."""

import json

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.utils import timezone

from core.realtime.publish import publish
from runs.api.streams import run_event_stream
from runs.events import LOG, event_data, run_channel, run_event_emit
from runs.models import Run, RunEvent
from tests.factories import UserFactory
from tests.projects import approved_project
from tests.waiting import authenticated_websocket as websocket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def built(auth_client) -> dict:
    project = approved_project(auth_client)
    run = auth_client.post(f"/api/v1/projects/{project['id']}/runs", {}, format="json").json()["data"]
    run["path"] = f"/api/v1/projects/{project['id']}/runs/{run['id']}"
    run["events"] = [event_data(event) for event in RunEvent.objects.filter(run_id=run["id"]).order_by("seq")]
    return run


def sse_frames(response) -> list[dict]:
    async def read() -> bytes:
        return b"".join([chunk async for chunk in response.streaming_content])

    text = async_to_sync(read)().decode()
    frames = []
    for block in text.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if not line.startswith(":") and ": " in line)
        if "data" in fields:
            frames.append({"id": int(fields["id"]), "event": fields["event"], "data": json.loads(fields["data"])})
    return frames


def test_the_stream_replays_every_event_and_ends_after_the_terminal_one(auth_client, built):
    response = auth_client.get(f"{built['path']}/events/stream", HTTP_ACCEPT="text/event-stream")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream"
    assert response["Cache-Control"] == "no-cache"
    frames = sse_frames(response)
    assert [frame["data"] for frame in frames] == built["events"]
    assert [frame["id"] for frame in frames] == list(range(1, len(built["events"]) + 1))
    assert frames[-1]["event"] == "RUN_COMPLETED"


def test_the_stream_resumes_after_last_event_id(auth_client, built):
    response = auth_client.get(f"{built['path']}/events/stream", HTTP_LAST_EVENT_ID="7")

    assert [frame["id"] for frame in sse_frames(response)] == list(range(8, len(built["events"]) + 1))
    after_all = auth_client.get(f"{built['path']}/events/stream?after={len(built['events'])}")
    assert sse_frames(after_all) == []


def test_a_bad_last_event_id_is_a_json_error(auth_client, built):
    response = auth_client.get(
        f"{built['path']}/events/stream", HTTP_LAST_EVENT_ID="x", HTTP_ACCEPT="text/event-stream"
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"


async def test_a_websocket_subscriber_replays_after_a_seq_then_gets_live_events_once_in_order(
    auth_client, built, token_for
):
    token = await sync_to_async(token_for)(auth_client.user)
    channel = run_channel(built["id"])
    events = built["events"]
    ws = await websocket(token)

    await ws.send_json_to({"type": "subscribe", "channel": channel, "after": len(events) - 3})

    assert await ws.receive_json_from() == {"type": "subscribed", "channel": channel}
    replayed = [await ws.receive_json_from() for _ in range(3)]
    assert [message["data"] for message in replayed] == events[-3:]
    assert {message["channel"] for message in replayed} == {channel}
    # Live deliveries that repeat a replayed event, or arrive out of order, are put right.
    extra = await sync_to_async(_emit_two)(built["id"])
    await sync_to_async(publish)(channel, events[-1])
    await sync_to_async(publish)(channel, extra[1])
    await sync_to_async(publish)(channel, extra[0])
    received = [(await ws.receive_json_from())["data"] for _ in range(2)]
    assert received == extra
    assert await ws.receive_nothing(timeout=0.2)
    await ws.disconnect()


def _emit_two(run_id: str) -> list[dict]:
    return [event_data(run_event_emit(run_id=run_id, type=LOG, payload={"message": str(n)})) for n in (1, 2)]


async def test_a_bad_after_and_another_users_run_are_refused(built, token_for):
    stranger = await sync_to_async(UserFactory)()
    ws = await websocket(await sync_to_async(token_for)(stranger))
    channel = run_channel(built["id"])

    await ws.send_json_to({"type": "subscribe", "channel": channel})
    assert await ws.receive_json_from() == {
        "type": "error",
        "code": "NOT_FOUND",
        "message": "No such channel.",
        "channel": channel,
    }
    await ws.send_json_to({"type": "subscribe", "channel": channel, "after": -1})
    assert (await ws.receive_json_from())["code"] == "VALIDATION_ERROR"
    await ws.disconnect()


@pytest.fixture
def running_run(auth_client) -> Run:
    project = approved_project(auth_client)
    return Run.objects.create(owner=auth_client.user, project_id=project["id"], run_number=1, status="executing")


def _store_unpublished(run: Run, seq: int, type: str) -> None:
    # Written like run_event_emit, but its publication is lost (as when a channel-layer message is dropped).
    RunEvent.objects.create(run=run, seq=seq, type=type, payload={})
    if type == "RUN_FAILED":
        Run.objects.filter(pk=run.pk).update(status="failed", completed_at=timezone.now())


async def test_the_stream_beats_and_catches_up_from_the_database_when_a_publication_is_lost(running_run, settings):
    settings.SSE_HEARTBEAT_SECONDS = 0.05
    stream = run_event_stream(running_run.pk, 0)

    assert await anext(stream) == "retry: 3000\n\n"
    assert await anext(stream) == ": heartbeat\n\n"
    await sync_to_async(_store_unpublished)(running_run, 1, "LOG")
    # The heartbeat also looks in the database, and finds the event nobody published.
    assert (await anext(stream)).startswith("id: 1\nevent: LOG\n")
    await sync_to_async(_store_unpublished)(running_run, 2, "RUN_FAILED")
    rest = [frame async for frame in stream]

    assert [frame for frame in rest if not frame.startswith(":")] == [rest[-1]]
    assert rest[-1].startswith("id: 2\nevent: RUN_FAILED\n"), "the stream ends after the terminal event"
