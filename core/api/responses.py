"""Responses built outside a DRF view (e.g. a job's outcome) in the same envelope and casing."""

from typing import Any

from django.http import HttpResponse

from core.api.envelope import Envelope, error_envelope
from core.api.renderers import EnvelopeJSONRenderer


def envelope_response(data: Any, status: int = 200) -> HttpResponse:
    body = data if isinstance(data, Envelope) else Envelope(success=True, data=data)
    return HttpResponse(EnvelopeJSONRenderer().render(body), status=status, content_type="application/json")


def error_envelope_response(code: str, message: str, details: dict[str, Any] | None, status: int) -> HttpResponse:
    return envelope_response(error_envelope(code, message, details), status=status)
