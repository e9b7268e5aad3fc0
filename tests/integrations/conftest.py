import pytest

from tests.stand_ins import OpenAIStandIn


@pytest.fixture
def openai_stand_in(settings):
    """The operator's `openai` provider pointed at a stand-in on loopback (operator URLs are trusted)."""
    with OpenAIStandIn([{"ok": True}]) as stand_in:
        settings.AI_PROVIDERS = {
            **settings.AI_PROVIDERS,
            "openai": {**settings.AI_PROVIDERS["openai"], "base_url": stand_in.base_url},
        }
        yield stand_in
