"""Publishing events to WebSocket channels; the one helper for web processes and Celery workers.

Events are JSON round-tripped before they are sent, so a payload that cannot be serialised fails
where it is published rather than in a consumer. Publish after the state change is committed:
`publish_on_commit` does that, and a failure to publish is logged, never raised into the commit.
"""

import json
from datetime import UTC, datetime
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from core.realtime.registry import group_name


def _message(channel: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"type": "channel.event", "channel": channel, "data": json.loads(json.dumps(data, cls=DjangoJSONEncoder))}


def publish(channel: str, data: dict[str, Any]) -> None:
    async_to_sync(get_channel_layer().group_send)(group_name(channel), _message(channel, data))


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
