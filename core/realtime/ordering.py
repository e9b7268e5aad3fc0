"""Exactly-once, in-order delivery of a sequenced channel to one subscriber (WebSocket or SSE).

Events are published after their transaction commits, by whichever worker wrote them, so two
events may reach a subscriber out of `seq` order, and an event can be both replayed from the
database and received live. The subscriber joins the live group first, then replays from the
store; afterwards every live event at or below the last delivered `seq` is dropped, and a live
event beyond the next expected `seq` first pulls the missing ones from the store. Filling a gap
from the store is safe because events of one object are written one transaction after another
(`run_event_emit` locks the run): when an event is published, every lower `seq` is committed.
"""

from collections.abc import Awaitable, Callable
from typing import Any

Fetch = Callable[[int, int | None], Awaitable[list[dict[str, Any]]]]


class SequencedDelivery:
    def __init__(self, fetch: Fetch, after: int | None):
        self.fetch = fetch
        self.last = after

    async def replay(self) -> list[dict[str, Any]]:
        """The stored events after the subscriber's `after` (nothing when it gave none)."""
        if self.last is None:
            return []
        return self._advance(await self.fetch(self.last, None))

    async def live(self, event: dict[str, Any]) -> list[dict[str, Any]]:
        """What to deliver for one live event: nothing, or the missing ones and then it."""
        seq = event["seq"]
        if self.last is None:
            self.last = seq
            return [event]
        if seq <= self.last:
            return []
        missing = await self.fetch(self.last, seq) if seq > self.last + 1 else []
        return self._advance([*missing, event])

    def _advance(self, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if events:
            self.last = events[-1]["seq"]
        return events
