"""The WebSocket endpoint `/api/v1/ws` and its protocol (DESIGN.md §5).

Client → server: `{"type": "auth", "token"}` (unless the session cookie already authenticated
the connection), `{"type": "subscribe", "channel": "<kind>:<id>", "after": <seq>?}`,
`{"type": "unsubscribe", "channel"}`, `{"type": "ping"}`. On sequenced channels (`run:<id>`)
`after` replays the stored events with a higher `seq` first; from then on each event arrives
exactly once, in `seq` order.
Server → client: `auth`, `subscribed`, `unsubscribed`, `pong` acknowledgements,
`{"type": "event", "channel", "data"}` for published events, and
`{"type": "error", "code", "message", "channel"?}` for anything refused. An error never closes
the connection.
"""

import json
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from accounts.authentication import user_for_bearer_token
from accounts.services import CredentialsRejected
from core.realtime.ordering import SequencedDelivery
from core.realtime.registry import channel_kind, group_name, parse_channel

MAX_SUBSCRIPTIONS = 100


class RealtimeConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        self.user = user if user is not None and user.is_authenticated else None
        self.subscriptions: set[str] = set()
        self.deliveries: dict[str, SequencedDelivery] = {}
        await self.accept()

    async def disconnect(self, code) -> None:
        for channel in list(self.subscriptions):
            await self._leave(channel)

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        if text_data is None:
            await self._error("VALIDATION_ERROR", "Messages must be JSON text frames.")
            return
        try:
            content = json.loads(text_data)
        except json.JSONDecodeError:
            await self._error("VALIDATION_ERROR", "Malformed JSON.")
            return
        await self.receive_json(content)

    async def receive_json(self, content: Any, **kwargs) -> None:
        message_type = content.get("type") if isinstance(content, dict) else None
        handler = {
            "auth": self._auth,
            "subscribe": self._subscribe,
            "unsubscribe": self._unsubscribe,
            "ping": self._ping,
        }.get(message_type)
        if handler is None:
            await self._error("VALIDATION_ERROR", "`type` must be one of auth, subscribe, unsubscribe, ping.")
            return
        await handler(content)

    async def _auth(self, content: dict) -> None:
        token = content.get("token")
        if not isinstance(token, str) or not token:
            await self._error("VALIDATION_ERROR", "`token` is required.")
            return
        try:
            user = await database_sync_to_async(user_for_bearer_token)(token)
        except CredentialsRejected as exc:
            await self._error("UNAUTHORIZED", exc.message)
            return
        if self.user is not None and self.user.pk != user.pk:
            for channel in list(self.subscriptions):
                await self._leave(channel)
        self.user = user
        await self.send_json({"type": "auth", "success": True, "user": {"id": user.pk, "email": user.email}})

    async def _subscribe(self, content: dict) -> None:
        channel = content.get("channel")
        if self.user is None:
            await self._error("UNAUTHORIZED", "Authenticate before subscribing.", channel)
            return
        if not isinstance(channel, str):
            await self._error("VALIDATION_ERROR", "`channel` is required.")
            return
        try:
            kind_name, object_id = parse_channel(channel)
        except ValueError as exc:
            await self._error("VALIDATION_ERROR", str(exc), channel)
            return
        kind = channel_kind(kind_name)
        if kind is None:
            await self._error("VALIDATION_ERROR", f"Unknown channel kind {kind_name!r}.", channel)
            return
        after = content.get("after")
        if after is not None and (type(after) is not int or after < 0):
            await self._error("VALIDATION_ERROR", "`after` must be a non-negative integer (an event seq).", channel)
            return
        if channel not in self.subscriptions:
            if len(self.subscriptions) >= MAX_SUBSCRIPTIONS:
                await self._error("VALIDATION_ERROR", f"At most {MAX_SUBSCRIPTIONS} subscriptions per connection.")
                return
            if not await database_sync_to_async(kind.can_join)(self.user, object_id):
                await self._error("NOT_FOUND", "No such channel.", channel)
                return
            await self.channel_layer.group_add(group_name(channel), self.channel_name)
            self.subscriptions.add(channel)
        await self.send_json({"type": "subscribed", "channel": channel})
        if kind.replay is not None:
            replay = database_sync_to_async(kind.replay)
            delivery = SequencedDelivery(lambda low, high: replay(object_id, low, high), after)
            self.deliveries[channel] = delivery
            for event in await delivery.replay():
                await self._send_event(channel, event)

    async def _unsubscribe(self, content: dict) -> None:
        channel = content.get("channel")
        if channel not in self.subscriptions:
            await self._error(
                "NOT_FOUND", "Not subscribed to this channel.", channel if isinstance(channel, str) else None
            )
            return
        await self._leave(channel)
        await self.send_json({"type": "unsubscribed", "channel": channel})

    async def _ping(self, content: dict) -> None:
        await self.send_json({"type": "pong"})

    async def _leave(self, channel: str) -> None:
        self.subscriptions.discard(channel)
        self.deliveries.pop(channel, None)
        await self.channel_layer.group_discard(group_name(channel), self.channel_name)

    async def _error(self, code: str, message: str, channel: str | None = None) -> None:
        error = {"type": "error", "code": code, "message": message}
        if channel is not None:
            error["channel"] = channel
        await self.send_json(error)

    async def _send_event(self, channel: str, data: dict) -> None:
        await self.send_json({"type": "event", "channel": channel, "data": data})

    async def channel_event(self, message: dict) -> None:
        channel = message["channel"]
        if channel not in self.subscriptions:
            return
        delivery = self.deliveries.get(channel)
        for data in await delivery.live(message["data"]) if delivery else [message["data"]]:
            await self._send_event(channel, data)
