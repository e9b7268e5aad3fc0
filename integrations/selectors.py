from django.conf import settings

from accounts.models import User
from integrations.ai.builtin import BUILTIN
from integrations.ai.providers import provider_resolve
from integrations.models import AiProviderKey


def ai_provider_list(*, user: User) -> list[dict]:
    """Every provider the user may choose, and which one a request without a choice would use."""
    with_keys = set(AiProviderKey.objects.filter(user=user).values_list("provider", flat=True))
    default = provider_resolve(user=user, requested=None).name
    providers = [
        {
            "name": BUILTIN,
            "label": "Built-in (offline, deterministic)",
            "model": BUILTIN,
            "operator_key": False,
            "has_key": False,
        }
    ]
    providers += [
        {
            "name": name,
            "label": config["label"],
            "model": config["model"],
            "operator_key": bool(config["api_key"]),
            "has_key": name in with_keys,
        }
        for name, config in settings.AI_PROVIDERS.items()
    ]
    return [{**provider, "default": provider["name"] == default} for provider in providers]
