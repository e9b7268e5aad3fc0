"""Every failure becomes the error envelope of DESIGN.md §4, in this one place.

Domain code raises `ApplicationError` subclasses; DRF and Django exceptions are mapped to the
documented codes; anything unexpected is logged and answered with `INTERNAL_ERROR` and no
internals.
"""

import logging
import math
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from djangorestframework_camel_case.util import camelize_re, underscore_to_camel
from kombu.exceptions import OperationalError as BrokerUnavailable
from rest_framework import exceptions, status
from rest_framework.response import Response

from core.api.envelope import error_envelope

logger = logging.getLogger(__name__)


class ApplicationError(Exception):
    """A domain error with a stable code; subclasses fix the code and HTTP status."""

    status_code = status.HTTP_400_BAD_REQUEST
    code = "VALIDATION_ERROR"
    # Seconds a client should wait before retrying (sent as Retry-After) when the cause is passing.
    retry_after: int | None = None

    def __init__(self, message: str, *, details: dict[str, Any] | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or {}
        if code:
            self.code = code


class ValidationFailed(ApplicationError):
    pass


class Conflict(ApplicationError):
    status_code = status.HTTP_409_CONFLICT
    code = "CONFLICT"


class Forbidden(ApplicationError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "FORBIDDEN"


class QuotaExceeded(ApplicationError):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    code = "QUOTA_EXCEEDED"


class GitHubError(ApplicationError):
    status_code = status.HTTP_502_BAD_GATEWAY
    code = "GITHUB_ERROR"


class ServiceUnavailable(ApplicationError):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    code = "SERVICE_UNAVAILABLE"


# DRF exception class → envelope code. Subclasses are matched through the MRO.
_DRF_CODES: dict[type[exceptions.APIException], str] = {
    exceptions.ValidationError: "VALIDATION_ERROR",
    exceptions.ParseError: "VALIDATION_ERROR",
    exceptions.AuthenticationFailed: "UNAUTHORIZED",
    exceptions.NotAuthenticated: "UNAUTHORIZED",
    exceptions.PermissionDenied: "FORBIDDEN",
    exceptions.NotFound: "NOT_FOUND",
    exceptions.MethodNotAllowed: "METHOD_NOT_ALLOWED",
    exceptions.NotAcceptable: "NOT_ACCEPTABLE",
    exceptions.UnsupportedMediaType: "UNSUPPORTED_MEDIA_TYPE",
    exceptions.Throttled: "RATE_LIMITED",
}

INTERNAL_ERROR_MESSAGE = "An internal error occurred. It has been logged."


def payload_too_large_envelope():
    limit = settings.MAX_REQUEST_BODY_BYTES
    return error_envelope("PAYLOAD_TOO_LARGE", f"The request body is larger than {limit} bytes.", {"limit": limit})


def camel(name: str) -> str:
    return camelize_re.sub(underscore_to_camel, name)


def _plain(detail: Any) -> Any:
    """ErrorDetail trees → plain dicts/lists/strings with camelCase field names."""
    if isinstance(detail, dict):
        return {camel(str(key)): _plain(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_plain(item) for item in detail]
    return str(detail)


def _first_message(details: Any, path: str = "") -> str:
    if isinstance(details, dict):
        for key, value in details.items():
            child = path if key in ("nonFieldErrors", "non_field_errors") else f"{path}.{key}" if path else key
            return _first_message(value, child)
    if isinstance(details, list) and details:
        return _first_message(details[0], path)
    return f"{path}: {details}" if path else str(details)


def _retry_after(exc: exceptions.Throttled) -> int:
    """Whole seconds to wait, rounded up."""
    return math.ceil(exc.wait)


def _code_for(exc: exceptions.APIException) -> str:
    for klass in type(exc).__mro__:
        if klass in _DRF_CODES:
            return _DRF_CODES[klass]
    return str(exc.default_code).upper()


def _drf_error(exc: exceptions.APIException) -> tuple[str, str, dict[str, Any]]:
    code = _code_for(exc)
    if isinstance(exc, exceptions.ValidationError):
        details = _plain(exc.detail)
        if not isinstance(details, dict):
            details = {"nonFieldErrors": details if isinstance(details, list) else [details]}
        return code, _first_message(details), details
    if isinstance(exc, exceptions.ParseError):
        return code, f"Malformed request body: {exc.detail}", {}
    if isinstance(exc, exceptions.Throttled):
        return code, "Too many requests; slow down.", {"retryAfter": _retry_after(exc)}
    return code, str(exc.detail), {}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    headers: dict[str, str] = {}
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    if isinstance(exc, ApplicationError):
        status_code, body = exc.status_code, error_envelope(exc.code, exc.message, exc.details)
        if exc.retry_after is not None:
            headers["Retry-After"] = str(exc.retry_after)
    elif isinstance(exc, RequestDataTooBig):
        status_code, body = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, payload_too_large_envelope()
    elif isinstance(exc, BrokerUnavailable):
        logger.warning("The job queue is unreachable: %s", exc)
        status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        body = error_envelope("SERVICE_UNAVAILABLE", "The job queue is unavailable; try again shortly.")
        headers["Retry-After"] = "5"
    elif isinstance(exc, exceptions.APIException):
        status_code = exc.status_code
        body = error_envelope(*_drf_error(exc))
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if isinstance(exc, exceptions.Throttled):
            headers["Retry-After"] = str(_retry_after(exc))
    else:
        logger.exception("Unhandled exception in %s", context.get("view").__class__.__name__)
        status_code, body = (
            status.HTTP_500_INTERNAL_SERVER_ERROR,
            error_envelope("INTERNAL_ERROR", INTERNAL_ERROR_MESSAGE),
        )

    response = Response(body, status=status_code, headers=headers)
    if status_code == status.HTTP_401_UNAUTHORIZED:
        _forget_stale_session(context.get("request"), response)
    return response


def _forget_stale_session(request, response: Response) -> None:
    """A session cookie that no longer resolves to an active user is cleared (seed 000)."""
    if request is None or settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return
    if not get_user(request._request).is_authenticated:
        response.delete_cookie(
            settings.SESSION_COOKIE_NAME,
            path=settings.SESSION_COOKIE_PATH,
            domain=settings.SESSION_COOKIE_DOMAIN,
            samesite=settings.SESSION_COOKIE_SAMESITE,
        )
