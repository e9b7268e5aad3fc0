"""OpenAPI generation that documents what the API really sends.

* 2xx JSON bodies are wrapped in the success envelope (paginated lists already are, by
  `EnvelopePagination.get_paginated_response_schema`).
* Every operation lists the error responses that can happen to it, each an `ErrorEnvelope`:
  400 when it takes a body or query parameters, 401 unless it is public, 404 when its path has
  parameters, 413 when it takes a body, and 429/500 always. Views declare domain errors (409, 502,
  …) with `extend_schema(responses={409: error_response("…")})`.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import force_instance, get_override
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable machine-readable code, e.g. VALIDATION_ERROR, NOT_FOUND.")
    message = serializers.CharField(help_text="Human-readable explanation.")
    details = serializers.DictField(help_text="Structured context, e.g. the failing fields.")


class ErrorEnvelopeSerializer(serializers.Serializer):
    success = serializers.BooleanField(help_text="Always false.")
    error = ErrorDetailSerializer()


def error_response(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorEnvelopeSerializer, description=description)


_BODY_METHODS = ("POST", "PUT", "PATCH")


class EnvelopeAutoSchema(AutoSchema):
    def _get_response_for_code(self, serializer, status_code, media_types=None, direction="response"):
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        if not status_code.startswith("2") or "content" not in response or self._is_paginated(serializer):
            return response
        media = response["content"].get("application/json")
        if media is not None:
            media["schema"] = {
                "type": "object",
                "required": ["success", "data"],
                "properties": {"success": {"type": "boolean", "enum": [True]}, "data": media["schema"]},
            }
        return response

    def _is_paginated(self, serializer) -> bool:
        if isinstance(serializer, OpenApiResponse):
            serializer = serializer.response
        serializer = force_instance(serializer)
        return (
            self._is_list_view(serializer)
            and get_override(serializer, "many") is not False
            and self._get_paginator() is not None
        )

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, description in self._error_responses():
            if code not in responses:
                responses[code] = self._get_response_for_code(error_response(description), code, direction=direction)
        return responses

    def _error_responses(self) -> list[tuple[str, str]]:
        takes_body = self.method in _BODY_METHODS
        public = all(isinstance(permission, AllowAny) for permission in self.view.get_permissions())
        errors = []
        if takes_body or self._is_list_view() or self.get_filter_backends():
            errors.append(("400", "VALIDATION_ERROR: malformed or invalid input; `details` names each field."))
        if not public:
            errors.append(("401", "UNAUTHORIZED: missing, invalid, expired or revoked credentials."))
        if "{" in self.path:
            errors.append(("404", "NOT_FOUND: no such resource, or it belongs to someone else."))
        if takes_body:
            errors.append(("413", "PAYLOAD_TOO_LARGE: the body exceeds MAX_REQUEST_BODY_BYTES."))
        errors.append(("429", "RATE_LIMITED: over the plan's rate limit; retry after `Retry-After` seconds."))
        errors.append(("500", "INTERNAL_ERROR: an unexpected failure, logged on the server."))
        return errors


def strip_optional_trailing_slashes(result, generator, request, public):
    """Routes accept both forms; document the seeds' canonical form, without the trailing slash."""
    result["paths"] = {path.rstrip("/") or "/": item for path, item in result["paths"].items()}
    return result
