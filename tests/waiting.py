"""Helpers for tests that wait on other threads or processes: polling and an authenticated WebSocket."""

import time

from channels.testing import WebsocketCommunicator

from config.asgi import application


def wait_for(condition, timeout: float = 60, interval: float = 0.1):
    """Poll `condition` until it returns something truthy, and return that; TimeoutError after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError("the condition did not hold in time")


async def authenticated_websocket(token: str) -> WebsocketCommunicator:
    """A connected in-process WebSocket on /api/v1/ws that has sent `auth` with the token."""
    ws = WebsocketCommunicator(application, "/api/v1/ws")
    connected, _ = await ws.connect()
    assert connected
    await ws.send_json_to({"type": "auth", "token": token})
    assert (await ws.receive_json_from())["type"] == "auth"
    return ws
