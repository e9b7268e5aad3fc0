"""Channel kinds a WebSocket client may subscribe to (`<kind>:<id>`, DESIGN.md §5).

Each app registers its kinds in `AppConfig.ready()` with a `can_join(user, object_id)` check;
a channel a user may not join is reported as not found, never as forbidden, so that ids of
other users' objects cannot be probed. A kind whose events carry a per-object `seq` (runs,
executions) also gives `replay(object_id, after, before)`: the stored events with
`after < seq < before` (before None: all), oldest first. Subscribers of such channels get every
event exactly once and in order (`core.realtime.ordering`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class ChannelKind:
    name: str
    can_join: Callable[["User", str], bool]
    replay: Callable[[str, int, int | None], list[dict[str, Any]]] | None = None


_kinds: dict[str, ChannelKind] = {}


def register_channel_kind(kind: ChannelKind) -> None:
    _kinds[kind.name] = kind


def channel_kind(name: str) -> ChannelKind | None:
    return _kinds.get(name)


def parse_channel(channel: str) -> tuple[str, str]:
    """'run:run_01…' → ('run', 'run_01…'); ValueError when malformed."""
    kind, sep, object_id = channel.partition(":")
    if not sep or not kind or not object_id or len(channel) > 90 or not object_id.replace("_", "").isalnum():
        raise ValueError(f"Malformed channel {channel!r}; expected '<kind>:<id>'.")
    return kind, object_id


def group_name(channel: str) -> str:
    """The channel-layer group of a channel ('user:usr_1' → 'user.usr_1')."""
    kind, object_id = parse_channel(channel)
    return f"{kind}.{object_id}"
