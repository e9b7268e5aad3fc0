import pytest


@pytest.fixture
def clean_redis():
    """The running stack owns its Redis state (heartbeats, the beat lock); tests here do not flush it."""
