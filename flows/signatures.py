"""Webhook signature verification and delivery ids, per sender convention.

Every preset is HMAC-SHA256 over the raw request body, compared in constant time:

* `github`: `X-Hub-Signature-256: sha256=<hex>` over the body; delivery id `X-GitHub-Delivery`.
* `stripe`: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=…]` over `"<t>.<body>"`, refused when `t` is more than
  300 s away from now; delivery id is the event's `id` in the JSON body.
* `standard` (Standard Webhooks): `webhook-signature: v1,<base64> …` over `"<webhook-id>.<webhook-timestamp>.<body>"`
  with the base64 key after `whsec_`, the same 300 s window; delivery id `webhook-id`.
* `hmac`: `<header>: <hex>` (optionally `sha256=<hex>`) over the body; the header is configurable.

Without a preset, the delivery id is the `Idempotency-Key` header; with one, `Idempotency-Key` wins when sent.
"""

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Mapping

SIGNATURE_PRESETS = ("github", "stripe", "standard", "hmac")
DEFAULT_HMAC_HEADER = "X-Signature-256"
TIMESTAMP_TOLERANCE_SECONDS = 300


class SignatureRejected(Exception):
    pass


def _hex_hmac(secret: bytes, message: bytes) -> str:
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def verify_signature(
    *, preset: str, secret: str, headers: Mapping[str, str], body: bytes, header: str = "", now: float | None = None
) -> None:
    """Raise SignatureRejected naming what is wrong; return quietly when the signature holds."""
    now = time.time() if now is None else now
    if preset == "github":
        _verify_hex(headers.get("X-Hub-Signature-256", ""), _hex_hmac(secret.encode(), body), "X-Hub-Signature-256")
    elif preset == "hmac":
        name = header or DEFAULT_HMAC_HEADER
        _verify_hex(headers.get(name, ""), _hex_hmac(secret.encode(), body), name)
    elif preset == "stripe":
        _verify_stripe(secret, headers.get("Stripe-Signature", ""), body, now)
    elif preset == "standard":
        _verify_standard(secret, headers, body, now)
    else:
        raise SignatureRejected(f"Unknown signature preset {preset!r}.")


def _verify_hex(sent: str, expected: str, header: str) -> None:
    if not sent:
        raise SignatureRejected(f"The {header} header is missing.")
    value = sent.removeprefix("sha256=")
    if not hmac.compare_digest(value.lower(), expected):
        raise SignatureRejected(f"The {header} signature does not match the body.")


def _check_timestamp(raw: str, now: float) -> int:
    try:
        timestamp = int(raw)
    except ValueError as exc:
        raise SignatureRejected("The signature timestamp is not a number.") from exc
    if abs(now - timestamp) > TIMESTAMP_TOLERANCE_SECONDS:
        raise SignatureRejected(f"The signature timestamp is more than {TIMESTAMP_TOLERANCE_SECONDS} s from now.")
    return timestamp


def _verify_stripe(secret: str, sent: str, body: bytes, now: float) -> None:
    if not sent:
        raise SignatureRejected("The Stripe-Signature header is missing.")
    parts: dict[str, list[str]] = {}
    for item in sent.split(","):
        key, _, value = item.strip().partition("=")
        parts.setdefault(key, []).append(value)
    if "t" not in parts or "v1" not in parts:
        raise SignatureRejected("The Stripe-Signature header needs t= and v1=.")
    timestamp = _check_timestamp(parts["t"][0], now)
    expected = _hex_hmac(secret.encode(), f"{timestamp}.".encode() + body)
    if not any(hmac.compare_digest(candidate, expected) for candidate in parts["v1"]):
        raise SignatureRejected("The Stripe-Signature does not match the body.")


def _verify_standard(secret: str, headers: Mapping[str, str], body: bytes, now: float) -> None:
    message_id = headers.get("webhook-id", "")
    timestamp = headers.get("webhook-timestamp", "")
    signatures = headers.get("webhook-signature", "")
    if not (message_id and timestamp and signatures):
        raise SignatureRejected("Standard Webhooks need webhook-id, webhook-timestamp and webhook-signature headers.")
    _check_timestamp(timestamp, now)
    try:
        key = base64.b64decode(secret.removeprefix("whsec_"))
    except binascii.Error as exc:
        raise SignatureRejected("The signing secret is not a base64 whsec_ secret.") from exc
    digest = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    expected = base64.b64encode(digest).decode()
    for candidate in signatures.split():
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(value, expected):
            return
    raise SignatureRejected("The webhook-signature does not match the body.")


def check_secret(preset: str, secret: str) -> str | None:
    """A problem with a signing secret for this preset, or None."""
    if len(secret) < 8:
        return "The signing secret must be at least 8 characters."
    if preset == "standard":
        try:
            base64.b64decode(secret.removeprefix("whsec_"), validate=True)
        except binascii.Error:
            return "Standard Webhooks secrets are base64, optionally prefixed with whsec_."
    return None


def delivery_key(*, preset: str | None, headers: Mapping[str, str], body: bytes) -> str:
    """The sender's id of this delivery (to deduplicate redeliveries), or ""."""
    explicit = headers.get("Idempotency-Key", "")
    if explicit:
        return f"key:{explicit[:180]}"
    if preset == "github":
        delivery = headers.get("X-GitHub-Delivery", "")
    elif preset == "standard":
        delivery = headers.get("webhook-id", "")
    elif preset == "stripe":
        delivery = _json_id(body)
    else:
        delivery = ""
    return f"{preset}:{delivery[:180]}" if delivery else ""


def _json_id(body: bytes) -> str:
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return ""
    value = document.get("id") if isinstance(document, dict) else None
    return value if isinstance(value, str) else ""
