"""Writes for integrations: AI calls (validated, repaired once, recorded) and users' AI keys."""

import json
import time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from jsonschema import Draft202012Validator
from rest_framework.exceptions import NotFound

from accounts.models import UsageMetric, User
from accounts.services import usage_increment
from core.api.exceptions import ValidationFailed
from core.crypto import secret_hint
from integrations.ai.base import GenerationFailed, ProviderError, Repair, StructuredRequest, StructuredResult
from integrations.ai.providers import ResolvedProvider, provider_for_key
from integrations.models import AiCall, AiCallOutcome, AiProviderKey
from integrations.outbound import UnsafeDestination, validate_public_url
from integrations.tasks import ai_key_check_task

MAX_REPORTED_PROBLEMS = 10


def _problems(text: str, request: StructuredRequest) -> tuple[dict[str, Any] | None, list[str]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [f"The answer is not JSON: {exc}."]
    if not isinstance(data, dict):
        return None, ["The answer must be a JSON object."]
    errors = sorted(Draft202012Validator(request.schema).iter_errors(data), key=lambda error: list(error.absolute_path))
    problems = [f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}" for error in errors]
    if not problems and request.validate is not None:
        problems = request.validate(data)
    return data, problems[:MAX_REPORTED_PROBLEMS]


def _record_call(
    *, user: User, provider: ResolvedProvider, request: StructuredRequest, subject: tuple[str, str], **fields
):
    AiCall.objects.create(
        user=user,
        provider=provider.name,
        purpose=request.purpose,
        subject_type=subject[0],
        subject_id=subject[1],
        **fields,
    )
    usage_increment(user_id=user.pk, metric=UsageMetric.AI_REQUESTS)
    for metric, amount in (
        (UsageMetric.AI_TOKENS_IN, fields.get("tokens_in", 0)),
        (UsageMetric.AI_TOKENS_OUT, fields.get("tokens_out", 0)),
    ):
        if amount:
            usage_increment(user_id=user.pk, metric=metric, amount=amount)


def ai_structured(
    *,
    user: User,
    provider: ResolvedProvider,
    request: StructuredRequest,
    subject: tuple[str, str],
    timeout: float | None = None,
) -> StructuredResult:
    """Run `request` on `provider`: the answer must satisfy the schema and `request.validate`.

    An invalid answer gets one repair attempt (the problems are sent back); a second invalid answer,
    a provider error or a timeout raises GenerationFailed naming the provider. Every call is recorded
    (AiCall, the user's usage counters); a key the provider rejects is marked invalid.
    """
    timeout = settings.AI_REQUEST_TIMEOUT_SECONDS if timeout is None else timeout
    client = provider.client(timeout=timeout)
    details = {"provider": provider.name, "model": provider.model}
    repair: Repair | None = None
    tokens_in = tokens_out = 0
    for calls in (1, 2):
        started = time.monotonic()
        try:
            completion = client.complete(request, repair)
        except ProviderError as exc:
            elapsed = int((time.monotonic() - started) * 1000)
            _record_call(
                user=user,
                provider=provider,
                request=request,
                subject=subject,
                model=provider.model,
                duration_ms=elapsed,
                outcome=AiCallOutcome.ERROR,
                error=str(exc),
            )
            if exc.rejected_key and provider.user_key is not None:
                AiProviderKey.objects.filter(pk=provider.user_key.pk).update(
                    is_valid=False, last_error=str(exc)[:500], checked_at=timezone.now()
                )
            raise GenerationFailed(str(exc), details=details) from exc
        tokens_in += completion.tokens_in
        tokens_out += completion.tokens_out
        data, problems = _problems(completion.text, request)
        _record_call(
            user=user,
            provider=provider,
            request=request,
            subject=subject,
            model=completion.model,
            tokens_in=completion.tokens_in,
            tokens_out=completion.tokens_out,
            duration_ms=int((time.monotonic() - started) * 1000),
            outcome=AiCallOutcome.INVALID_OUTPUT if problems else AiCallOutcome.OK,
            error="\n".join(problems),
        )
        if not problems:
            if provider.user_key is not None:
                AiProviderKey.objects.filter(pk=provider.user_key.pk).update(last_used_at=timezone.now())
            return StructuredResult(
                data=data,
                provider=provider.name,
                model=completion.model,
                tokens_in=tokens_in,
                tokens_out=tokens_out,
                calls=calls,
            )
        repair = Repair(previous=completion.text, problems=problems)
    raise GenerationFailed(
        f"{provider.name} returned invalid output twice: {problems[0]}", details={**details, "problems": problems}
    )


def _validate_base_url(provider: str, base_url: str) -> None:
    if provider == "custom" and not base_url:
        raise ValidationFailed(
            "baseUrl: the custom provider needs your endpoint's base URL.",
            details={"baseUrl": ["Required for custom."]},
        )
    if base_url and not settings.AI_ALLOW_PRIVATE_BASE_URLS:
        try:
            validate_public_url(base_url)
        except UnsafeDestination as exc:
            raise ValidationFailed(f"baseUrl: {exc}", details={"baseUrl": [str(exc)]}) from exc


@transaction.atomic
def ai_key_save(
    *, user: User, provider: str, api_key: str, base_url: str = "", model: str = ""
) -> tuple[AiProviderKey, bool]:
    """Store (or replace) the user's key for `provider`; the key is checked by a job after commit."""
    if provider not in settings.AI_PROVIDERS:
        raise ValidationFailed(
            f"provider: choose one of {', '.join(settings.AI_PROVIDERS)}.", details={"provider": ["Unknown provider."]}
        )
    _validate_base_url(provider, base_url)
    key, created = AiProviderKey.objects.update_or_create(
        user=user,
        provider=provider,
        defaults={
            "api_key": api_key,
            "key_hint": secret_hint(api_key),
            "base_url": base_url,
            "model": model,
            "is_valid": None,
            "last_error": "",
            "checked_at": None,
        },
    )
    transaction.on_commit(lambda: ai_key_check_task.delay(key.pk))
    return key, created


def ai_key_check(*, key: AiProviderKey) -> AiProviderKey:
    """Check a key with a cheap authenticated call; never raises for a failing key."""
    client = provider_for_key(key).client(timeout=settings.AI_KEY_CHECK_TIMEOUT_SECONDS)
    try:
        client.check_key()
        key.is_valid, key.last_error = True, ""
    except ProviderError as exc:
        key.is_valid, key.last_error = False, str(exc)[:500]
    key.checked_at = timezone.now()
    key.save(update_fields=["is_valid", "last_error", "checked_at"])
    return key


def ai_key_delete(*, user: User, provider: str) -> None:
    deleted, _ = AiProviderKey.objects.filter(user=user, provider=provider).delete()
    if not deleted:
        raise NotFound(f"You have no key for {provider!r}.")
