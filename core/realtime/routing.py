"""The WebSocket application: Origin check → session auth → `/api/v1/ws`."""

from urllib.parse import urlsplit

from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import validate_host
from django.urls import re_path

from core.realtime.consumers import RealtimeConsumer


def origin_allowed(origin: str) -> bool:
    if origin in settings.CORS_ALLOWED_ORIGINS:
        return True
    host = urlsplit(origin).hostname
    return bool(host) and validate_host(host, settings.ALLOWED_HOSTS)


class OriginCheckMiddleware:
    """Refuses browser connections from origins that are neither this host nor a configured frontend.

    Unlike Channels' AllowedHostsOriginValidator it admits clients that send no Origin at all:
    only browsers send one, and only browsers carry an ambient session cookie to protect.
    """

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        origin = dict(scope.get("headers", [])).get(b"origin")
        if origin is not None and not origin_allowed(origin.decode("latin-1")):
            return await WebsocketDenier()(scope, receive, send)
        return await self.app(scope, receive, send)


websocket_application = OriginCheckMiddleware(
    AuthMiddlewareStack(URLRouter([re_path(r"^api/v1/ws/?$", RealtimeConsumer.as_asgi())]))
)
