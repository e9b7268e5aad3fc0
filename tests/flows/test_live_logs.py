"""Flow logs over the WebSocket channels `execution:<id>` (sequenced, replayable) and `flow:<id>`."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from core.realtime.publish import publish
from flows.events import execution_channel, flow_channel, log_data
from flows.models import FlowLog
from tests.factories import UserFactory
from tests.flows.conftest import TRANSFORM_FLOW, add_trigger, create_flow, start_flow
from tests.waiting import authenticated_websocket as websocket

pytestmark = pytest.mark.django_db(transaction=True)

ONE_EXECUTION = ["EXECUTION_STARTED", "STEP_COMPLETED", "STEP_COMPLETED", "STEP_COMPLETED", "EXECUTION_COMPLETED"]


@pytest.fixture
def flow(pro_client):
    flow = create_flow(pro_client, TRANSFORM_FLOW)
    flow["trigger"] = add_trigger(pro_client, flow["id"])
    start_flow(pro_client, flow["id"])
    return flow


def run_once(api_client, flow, name: str) -> str:
    """Fire the flow's webhook; with real commits the eager worker runs the execution before this returns."""
    response = api_client.post(f"/webhooks/{flow['trigger']['webhookToken']}", {"name": name}, format="json")
    assert response.status_code == 202
    return response.json()["data"]["executionId"]


def stored(execution_id: str) -> list[dict]:
    return [log_data(entry) for entry in FlowLog.objects.filter(execution_id=execution_id).order_by("seq")]


async def subscribe(ws: WebsocketCommunicator, channel: str, **extra) -> None:
    await ws.send_json_to({"type": "subscribe", "channel": channel, **extra})
    assert await ws.receive_json_from() == {"type": "subscribed", "channel": channel}


async def test_an_execution_channel_replays_after_a_seq_then_delivers_live_entries_once_in_order(
    pro_client, api_client, flow, token_for
):
    execution_id = await sync_to_async(run_once)(api_client, flow, "Ada")
    entries = await sync_to_async(stored)(execution_id)
    assert [entry["eventType"] for entry in entries] == ONE_EXECUTION
    ws = await websocket(await sync_to_async(token_for)(pro_client.user))
    channel = execution_channel(execution_id)

    await subscribe(ws, channel, after=2)

    replayed = [await ws.receive_json_from() for _ in range(len(entries) - 2)]
    assert [message["data"] for message in replayed] == entries[2:]
    assert {message["channel"] for message in replayed} == {channel}
    # A late duplicate of an entry already delivered is dropped rather than shown twice.
    await sync_to_async(publish)(channel, entries[-1])
    assert await ws.receive_nothing(timeout=0.2)
    await ws.disconnect()


async def test_a_flow_channel_streams_each_execution_live_in_order(pro_client, api_client, flow, token_for):
    ws = await websocket(await sync_to_async(token_for)(pro_client.user))
    await subscribe(ws, flow_channel(flow["id"]))

    first = await sync_to_async(run_once)(api_client, flow, "one")
    second = await sync_to_async(run_once)(api_client, flow, "two")

    received = [(await ws.receive_json_from())["data"] for _ in range(2 * len(ONE_EXECUTION))]
    assert received == await sync_to_async(stored)(first) + await sync_to_async(stored)(second)
    assert received[-1]["eventType"] == "EXECUTION_COMPLETED"
    assert received[-1]["flowId"] == flow["id"]
    assert await ws.receive_nothing(timeout=0.2)
    await ws.disconnect()


async def test_another_users_flow_and_execution_channels_are_not_found(api_client, flow, token_for):
    execution_id = await sync_to_async(run_once)(api_client, flow, "Ada")
    stranger = await sync_to_async(UserFactory)()
    ws = await websocket(await sync_to_async(token_for)(stranger))

    for channel in (flow_channel(flow["id"]), execution_channel(execution_id)):
        await ws.send_json_to({"type": "subscribe", "channel": channel, "after": 0})
        refused = await ws.receive_json_from()
        assert refused["type"] == "error"
        assert refused["code"] == "NOT_FOUND"
    await ws.disconnect()
