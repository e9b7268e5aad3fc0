"""Which provider, endpoint, model and key serve an AI request.

Choice, first match wins: the request's `provider`; the object's own setting (a project's
`aiProvider`); the provider of the user's most recently saved valid key; `AI_DEFAULT_PROVIDER` when
the operator has configured a key for it; the built-in provider. A named provider needs the user's
key or an operator key, otherwise the request is refused with a clear message.
"""

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings

from accounts.models import User
from core.api.exceptions import ValidationFailed
from integrations.ai.builtin import BUILTIN, BuiltinProvider
from integrations.ai.openai_compatible import OpenAICompatibleProvider
from integrations.models import AiProviderKey


@dataclass(frozen=True)
class ResolvedProvider:
    name: str
    base_url: str = ""
    model: str = ""
    api_key: str = ""
    user_key: AiProviderKey | None = None

    @property
    def user_supplied_url(self) -> bool:
        return bool(self.user_key and self.user_key.base_url)

    def client(self, *, timeout: float):
        if self.name == BUILTIN:
            return BuiltinProvider()
        guarded = self.user_supplied_url and not settings.AI_ALLOW_PRIVATE_BASE_URLS
        return _openai_compatible(self.name, self.base_url, self.api_key, self.model, guarded, timeout)


# Building a client costs ~30 ms (its TLS context); a build makes one call per task, so clients are
# reused per process. A changed key or URL is a different cache key, so it never reaches an old client.
@lru_cache(maxsize=64)
def _openai_compatible(
    name: str, base_url: str, api_key: str, model: str, guarded: bool, timeout: float
) -> OpenAICompatibleProvider:
    return OpenAICompatibleProvider(
        name=name, base_url=base_url, api_key=api_key, model=model, guarded=guarded, timeout=timeout
    )


def provider_names() -> list[str]:
    return [BUILTIN, *settings.AI_PROVIDERS]


def provider_for_key(key: AiProviderKey) -> ResolvedProvider:
    config = settings.AI_PROVIDERS[key.provider]
    return ResolvedProvider(
        name=key.provider,
        base_url=key.base_url or config["base_url"],
        model=key.model or config["model"],
        api_key=key.api_key,
        user_key=key,
    )


def _named(user: User, name: str) -> ResolvedProvider:
    if name == BUILTIN:
        return ResolvedProvider(name=BUILTIN, model=BUILTIN)
    if name not in settings.AI_PROVIDERS:
        raise ValidationFailed(
            f"provider: unknown provider {name!r}; choose one of {', '.join(provider_names())}.",
            details={"provider": [f"Unknown provider {name!r}."]},
        )
    key = AiProviderKey.objects.filter(user=user, provider=name).first()
    if key is not None:
        return provider_for_key(key)
    config = settings.AI_PROVIDERS[name]
    if config["api_key"]:
        return ResolvedProvider(
            name=name, base_url=config["base_url"], model=config["model"], api_key=config["api_key"]
        )
    raise ValidationFailed(
        f"provider: there is no API key for {name}; add yours with POST /api/v1/ai/keys.",
        details={"provider": [f"No API key for {name}."]},
    )


def provider_resolve(*, user: User, requested: str | None, preferred: str | None = None) -> ResolvedProvider:
    if requested:
        return _named(user, requested)
    if preferred:
        return _named(user, preferred)
    key = (
        AiProviderKey.objects.filter(user=user)
        .exclude(is_valid=False)
        .filter(provider__in=settings.AI_PROVIDERS)
        .order_by("-updated_at")
        .first()
    )
    if key is not None:
        return provider_for_key(key)
    default = settings.AI_DEFAULT_PROVIDER
    if default != BUILTIN and settings.AI_PROVIDERS.get(default, {}).get("api_key"):
        return _named(user, default)
    return _named(user, BUILTIN)
