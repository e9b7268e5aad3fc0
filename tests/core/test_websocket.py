"""The /api/v1/ws protocol of DESIGN.md §5 against the real ASGI application (in-memory channel layer)."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from accounts.services import api_token_create
from config.asgi import application
from core.realtime.publish import publish_to_user
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def alice(transactional_db):
    user = UserFactory(email="alice@example.com")
    user.raw_token = api_token_create(user=user, name="ws")[1]
    return user


@pytest.fixture
def bob(transactional_db):
    return UserFactory(email="bob@example.com")


async def connect(headers=None) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(application, "/api/v1/ws", headers=headers or [])
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def authenticated(user) -> WebsocketCommunicator:
    ws = await connect()
    await ws.send_json_to({"type": "auth", "token": user.raw_token})
    assert await ws.receive_json_from() == {
        "type": "auth",
        "success": True,
        "user": {"id": user.pk, "email": user.email},
    }
    return ws


async def subscribe(ws, channel: str) -> dict:
    await ws.send_json_to({"type": "subscribe", "channel": channel})
    return await ws.receive_json_from()


async def test_subscriber_receives_events_published_to_its_user_channel(alice):
    ws = await authenticated(alice)
    assert await subscribe(ws, f"user:{alice.pk}") == {"type": "subscribed", "channel": f"user:{alice.pk}"}

    await sync_to_async(publish_to_user)(alice.pk, "HELLO", {"n": 1})

    message = await ws.receive_json_from()
    assert message["type"] == "event"
    assert message["channel"] == f"user:{alice.pk}"
    assert message["data"]["eventType"] == "HELLO"
    assert message["data"]["payload"] == {"n": 1}
    assert message["data"]["timestamp"].endswith("Z")
    await ws.disconnect()


async def test_realtime_ping_is_published_by_the_task(alice):
    ws = await authenticated(alice)
    await subscribe(ws, f"user:{alice.pk}")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {alice.raw_token}")

    response = await sync_to_async(client.post)("/api/v1/realtime/ping")

    assert response.status_code == 202
    nonce = response.json()["data"]["nonce"]
    event = await ws.receive_json_from()
    assert event["data"]["eventType"] == "PING"
    assert event["data"]["payload"]["nonce"] == nonce
    await ws.disconnect()


async def test_another_users_channel_is_not_found_and_never_delivered(alice, bob):
    ws = await authenticated(alice)

    assert await subscribe(ws, f"user:{bob.pk}") == {
        "type": "error",
        "code": "NOT_FOUND",
        "message": "No such channel.",
        "channel": f"user:{bob.pk}",
    }
    await sync_to_async(publish_to_user)(bob.pk, "SECRET", {})
    assert await ws.receive_nothing(timeout=0.2)
    await ws.disconnect()


async def test_subscribing_needs_authentication(alice):
    ws = await connect()
    response = await subscribe(ws, f"user:{alice.pk}")
    assert response["type"] == "error"
    assert response["code"] == "UNAUTHORIZED"
    await ws.disconnect()


async def test_a_bad_token_is_an_error_not_a_disconnect(alice):
    ws = await connect()
    await ws.send_json_to({"type": "auth", "token": "bsk_nope"})
    assert await ws.receive_json_from() == {"type": "error", "code": "UNAUTHORIZED", "message": "Invalid API token."}
    await ws.send_json_to({"type": "ping"})
    assert await ws.receive_json_from() == {"type": "pong"}
    await ws.disconnect()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ('{"type": ', "VALIDATION_ERROR"),
        ('["subscribe"]', "VALIDATION_ERROR"),
        ('{"type": "shout"}', "VALIDATION_ERROR"),
        ('{"type": "auth"}', "VALIDATION_ERROR"),
        ('{"type": "subscribe", "channel": "nonsense"}', "VALIDATION_ERROR"),
        ('{"type": "subscribe", "channel": "galaxy:gal_1"}', "VALIDATION_ERROR"),
        ('{"type": "subscribe", "channel": "user:../../etc"}', "VALIDATION_ERROR"),
        ('{"type": "unsubscribe", "channel": "user:usr_never"}', "NOT_FOUND"),
    ],
)
async def test_bad_messages_get_an_error(alice, frame, code):
    ws = await authenticated(alice)
    await ws.send_to(text_data=frame)
    response = await ws.receive_json_from()
    assert response["type"] == "error"
    assert response["code"] == code
    await ws.disconnect()


async def test_unsubscribe_stops_delivery(alice):
    ws = await authenticated(alice)
    await subscribe(ws, f"user:{alice.pk}")
    await ws.send_json_to({"type": "unsubscribe", "channel": f"user:{alice.pk}"})
    assert await ws.receive_json_from() == {"type": "unsubscribed", "channel": f"user:{alice.pk}"}

    await sync_to_async(publish_to_user)(alice.pk, "LATE", {})
    assert await ws.receive_nothing(timeout=0.2)
    await ws.disconnect()


async def test_the_session_cookie_authenticates_the_connection(alice, settings):
    settings.DEBUG = True
    client = Client()
    await sync_to_async(client.post)("/api/v1/auth/dev-login", {"email": alice.email}, content_type="application/json")
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    ws = await connect(headers=[(b"cookie", cookie.encode())])
    assert await subscribe(ws, f"user:{alice.pk}") == {"type": "subscribed", "channel": f"user:{alice.pk}"}
    await ws.disconnect()


async def test_browser_origins_must_be_this_host_or_a_configured_frontend(transactional_db):
    foreign = WebsocketCommunicator(application, "/api/v1/ws", headers=[(b"origin", b"https://evil.example")])
    connected, _ = await foreign.connect()
    assert not connected

    frontend = settings.CORS_ALLOWED_ORIGINS[0].encode()
    for origin in (frontend, b"http://localhost:8000"):
        ws = await connect(headers=[(b"origin", origin)])
        await ws.disconnect()


async def test_subscriptions_per_connection_are_bounded(alice, bob, monkeypatch):
    monkeypatch.setattr("core.realtime.consumers.MAX_SUBSCRIPTIONS", 1)
    ws = await authenticated(alice)
    await subscribe(ws, f"user:{alice.pk}")
    assert (await subscribe(ws, f"user:{alice.pk}"))["type"] == "subscribed", "re-subscribing is idempotent"

    refused = await subscribe(ws, f"user:{bob.pk}")
    assert refused["code"] == "VALIDATION_ERROR"
    assert refused["message"] == "At most 1 subscriptions per connection."
    await ws.disconnect()
