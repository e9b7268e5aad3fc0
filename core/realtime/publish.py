"""Publishing events to WebSocket channels; the one helper for web processes and Celery workers.

Events are JSON round-tripped before they are sent, so a payload that cannot be serialised fails
where it is published rather than in a consumer. Publish after the state change is committed:
`publish_on_commit` does that, and a failure to publish is logged, never raised into the commit.
"""

import asyncio
import json
import os
import threading
from datetime import UTC, datetime
from typing import Any

from channels.layers import get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from core.realtime.registry import group_name


def _message(channel: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"type": "channel.event", "channel": channel, "data": json.loads(json.dumps(data, cls=DjangoJSONEncoder))}


_thread = threading.local()


def _event_loop() -> asyncio.AbstractEventLoop:
    """A long-lived event loop for this thread (and process).

    The channel layer keeps its Redis connection per event loop; async_to_sync would start a new
    loop, and so open a new connection, for every event (~5 ms each). Forked workers get their own.
    """
    if getattr(_thread, "pid", None) != os.getpid():
        _thread.loop, _thread.pid = asyncio.new_event_loop(), os.getpid()
    return _thread.loop


def publish(channel: str, data: dict[str, Any]) -> None:
    """Publish from synchronous code (views, services, Celery tasks)."""
    _event_loop().run_until_complete(get_channel_layer().group_send(group_name(channel), _message(channel, data)))


def publish_on_commit(channel: str, data: dict[str, Any]) -> None:
    transaction.on_commit(lambda: publish(channel, data), robust=True)


def user_event(event_type: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "eventType": event_type,
        "payload": payload,
        "timestamp": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
    }


def publish_to_user(user_id: str, event_type: str, payload: dict[str, Any]) -> None:
    """A notification on the user's own channel `user:<id>`."""
    publish(f"user:{user_id}", user_event(event_type, payload))
