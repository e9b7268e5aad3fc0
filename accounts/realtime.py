"""The `user:<id>` channel: notifications to one user, joinable only by that user."""

from core.realtime.registry import ChannelKind

user_channel = ChannelKind(name="user", can_join=lambda user, object_id: user.pk == object_id)
