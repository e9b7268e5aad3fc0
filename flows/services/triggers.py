"""Writes for triggers: per-type config validation, webhook tokens and signing secrets, schedules."""

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction

from core.api.exceptions import ValidationFailed
from core.crypto import secret_hint
from flows.models import Flow, Trigger, TriggerType
from flows.services.schedules import OVERLAP_POLICIES, ScheduleError, check_cron, schedule_remove, schedule_sync, zone
from flows.signatures import DEFAULT_HMAC_HEADER, SIGNATURE_PRESETS, check_secret

RESPONSE_MODES = ("async", "sync")
DEFAULT_SYNC_TIMEOUT_SECONDS = 10.0
MAX_TRIGGERS_PER_FLOW = 50


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"config.{field}: {message}", details={"config": {field: [message]}})


def _reject_unknown(config: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(config) - set(allowed))
    if unknown:
        raise _invalid(unknown[0], f"Unknown setting; {', '.join(allowed) or 'none'} are accepted.")


def _webhook_config(config: dict[str, Any], previous: Trigger | None) -> tuple[dict[str, Any], str | None]:
    """(stored config, new signing secret or None to keep the current one)."""
    _reject_unknown(config, ("responseMode", "syncTimeoutSeconds", "signature"))
    mode = config.get("responseMode", "async")
    if mode not in RESPONSE_MODES:
        raise _invalid("responseMode", "Must be async or sync.")
    maximum = settings.FLOW_WEBHOOK_MAX_SYNC_WAIT_SECONDS
    wait = config.get("syncTimeoutSeconds", DEFAULT_SYNC_TIMEOUT_SECONDS)
    if not isinstance(wait, int | float) or isinstance(wait, bool) or not 0 < wait <= maximum:
        raise _invalid("syncTimeoutSeconds", f"Must be a number above 0 and at most {maximum:g}.")
    stored: dict[str, Any] = {"responseMode": mode, "syncTimeoutSeconds": wait}
    signature = config.get("signature")
    if signature is None:
        return stored, ""
    if not isinstance(signature, dict):
        raise _invalid("signature", "Must be an object {preset, secret, header?} or null.")
    unknown = sorted(set(signature) - {"preset", "secret", "header", "secretHint"})
    if unknown:
        raise _invalid("signature", f"Unknown key '{unknown[0]}'; preset, secret and header are accepted.")
    preset = signature.get("preset")
    if preset not in SIGNATURE_PRESETS:
        raise _invalid("signature", f"`preset` must be one of {', '.join(SIGNATURE_PRESETS)}.")
    secret = signature.get("secret")
    same_preset = previous is not None and (previous.config.get("signature") or {}).get("preset") == preset
    if secret is None and not (same_preset and previous.signing_secret):
        raise _invalid("signature", "`secret` is required (it is stored encrypted and never shown again).")
    if secret is not None:
        problem = check_secret(preset, str(secret))
        if problem:
            raise _invalid("signature", problem)
    signing_secret = str(secret) if secret is not None else previous.signing_secret
    entry = {"preset": preset, "secretHint": secret_hint(signing_secret)}
    if preset == "hmac":
        header = signature.get("header") or DEFAULT_HMAC_HEADER
        if not isinstance(header, str) or not header.replace("-", "").isalnum():
            raise _invalid("signature", "`header` must be an HTTP header name.")
        entry["header"] = header
    stored["signature"] = entry
    return stored, signing_secret


def _schedule_config(config: dict[str, Any]) -> dict[str, Any]:
    _reject_unknown(config, ("cron", "timezone", "overlap", "payload"))
    cron = config.get("cron")
    if not isinstance(cron, str):
        raise _invalid("cron", "A 5-field cron expression is required, e.g. '0 9 * * 1-5'.")
    timezone_name = config.get("timezone", "UTC")
    try:
        check_cron(cron.strip())
        zone(str(timezone_name))
    except ScheduleError as exc:
        raise _invalid("timezone" if "zone" in str(exc) else "cron", str(exc)) from exc
    overlap = config.get("overlap", "skip")
    if overlap not in OVERLAP_POLICIES:
        raise _invalid("overlap", "Must be skip (no fire while the previous one runs) or allow.")
    return {
        "cron": " ".join(cron.split()),
        "timezone": timezone_name,
        "overlap": overlap,
        "payload": config.get("payload", {}),
    }


def _manual_config(config: dict[str, Any]) -> dict[str, Any]:
    _reject_unknown(config, ("defaultPayload",))
    return {"defaultPayload": config.get("defaultPayload", {})}


def _apply_config(trigger: Trigger, config: dict[str, Any], previous: Trigger | None) -> None:
    if not isinstance(config, dict):
        raise ValidationFailed("config: must be an object.", details={"config": ["Must be an object."]})
    if trigger.type == TriggerType.WEBHOOK:
        trigger.config, trigger.signing_secret = _webhook_config(config, previous)
    elif trigger.type == TriggerType.SCHEDULE:
        trigger.config = _schedule_config(config)
    else:
        trigger.config = _manual_config(config)


def _new_token(trigger: Trigger) -> None:
    token = secrets.token_urlsafe(32)
    trigger.webhook_token = token
    trigger.webhook_token_hash = token_hash(token)


@transaction.atomic
def trigger_create(
    *, flow: Flow, type: str, name: str, config: dict[str, Any], enabled: bool = True, target_node: str = ""
) -> Trigger:
    if flow.triggers.count() >= MAX_TRIGGERS_PER_FLOW:
        raise ValidationFailed(f"A flow has at most {MAX_TRIGGERS_PER_FLOW} triggers.")
    trigger = Trigger(flow=flow, type=type, name=name, enabled=enabled, target_node=target_node)
    _apply_config(trigger, config, None)
    if trigger.type == TriggerType.WEBHOOK:
        _new_token(trigger)
    trigger.save()
    schedule_sync(trigger)
    return trigger


@transaction.atomic
def trigger_update(
    *,
    trigger: Trigger,
    name: str | None = None,
    config: dict[str, Any] | None = None,
    enabled: bool | None = None,
    target_node: str | None = None,
) -> Trigger:
    trigger = Trigger.objects.select_for_update().select_related("flow", "periodic_task").get(pk=trigger.pk)
    if name is not None:
        trigger.name = name
    if enabled is not None:
        trigger.enabled = enabled
    if target_node is not None:
        trigger.target_node = target_node
    if config is not None:
        previous = Trigger(config=dict(trigger.config), signing_secret=trigger.signing_secret)
        _apply_config(trigger, {**trigger.config, **config}, previous)
    trigger.save()
    schedule_sync(trigger)
    return trigger


@transaction.atomic
def trigger_delete(*, trigger: Trigger) -> None:
    schedule_remove(trigger)
    trigger.delete()


@transaction.atomic
def trigger_regenerate_token(*, trigger: Trigger) -> Trigger:
    if trigger.type != TriggerType.WEBHOOK:
        raise ValidationFailed("Can only regenerate token for webhook triggers")
    _new_token(trigger)
    trigger.save(update_fields=["webhook_token", "webhook_token_hash", "updated_at"])
    return trigger
