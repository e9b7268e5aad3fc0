import asyncio
import subprocess
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from rest_framework.test import APIClient

from accounts.services import api_token_create
from core.embedded_redis import embedded_redis_argv, wait_for_redis
from core.redis import get_redis
from tests.factories import UserFactory


@pytest.fixture(scope="session", autouse=True)
def redis_server():
    """A private Redis for this pytest process, unless REDIS_URL points at one (as in CI)."""
    socket_path = Path(settings.TEST_REDIS_SOCKET)
    if f"unix://{socket_path}?db=0" != settings.REDIS_URL:
        yield settings.REDIS_URL
        return
    socket_path.parent.mkdir(parents=True, exist_ok=True)
    socket_path.unlink(missing_ok=True)
    process = subprocess.Popen(
        embedded_redis_argv(socket_path, socket_path.parent, persist=False),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_redis(socket_path, process)
        yield settings.REDIS_URL
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(autouse=True, scope="session")
def repositories_dir(tmp_path_factory):
    """Project repositories, worktrees, exports and previews of the suite live in temporary directories."""
    path = tmp_path_factory.mktemp("repos")
    settings.REPOS_DIR = path
    settings.WORKTREES_DIR = tmp_path_factory.mktemp("worktrees")
    settings.EXPORTS_DIR = tmp_path_factory.mktemp("exports")
    settings.PREVIEWS_DIR = tmp_path_factory.mktemp("previews")
    return path


@pytest.fixture(autouse=True)
def clean_redis(redis_server):
    """Rate-limit counters and heartbeats must not leak from one test into the next."""
    get_redis().flushdb()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def token_for(db):
    def make(user, name="test") -> str:
        return api_token_create(user=user, name=name)[1]

    return make


@pytest.fixture
def auth_client(user, token_for) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")
    client.user = user
    return client


class ChannelRecorder:
    """Collects what is published to a realtime channel (e.g. `user:<id>`) on the test channel layer."""

    def __init__(self, channel: str):
        self.layer = get_channel_layer()
        self.channel_name = async_to_sync(self.layer.new_channel)()
        async_to_sync(self.layer.group_add)(channel.replace(":", "."), self.channel_name)

    def events(self) -> list[dict]:
        async def drain():
            received = []
            while True:
                try:
                    received.append(await asyncio.wait_for(self.layer.receive(self.channel_name), 0.05))
                except TimeoutError:
                    return received

        return [message["data"] for message in async_to_sync(drain)()]


@pytest.fixture
def record_channel():
    return ChannelRecorder
