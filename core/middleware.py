"""Request-level API conventions that sit outside DRF.

* Bodies larger than `MAX_REQUEST_BODY_BYTES` are refused with 413 before anything reads them.
* The tightest rate limit counted for the request becomes the `X-RateLimit-*` headers.
* Exceptions escaping non-DRF views (health, SSE, webhooks) become the error envelope instead
  of Django's HTML pages, in DEBUG too. The admin keeps its HTML.
"""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, JsonResponse

from core.api.envelope import error_envelope
from core.api.exceptions import INTERNAL_ERROR_MESSAGE, payload_too_large_envelope

logger = logging.getLogger(__name__)


def payload_too_large() -> JsonResponse:
    return JsonResponse(payload_too_large_envelope(), status=413)


class ApiResponseMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            content_length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            content_length = 0
        if content_length > settings.MAX_REQUEST_BODY_BYTES:
            return payload_too_large()

        response = self.get_response(request)

        states = request.__dict__.get("rate_limit_states")
        if states:
            binding = min(states, key=lambda state: (state.allowed, state.remaining))
            response["X-RateLimit-Limit"] = str(binding.limit)
            response["X-RateLimit-Remaining"] = str(binding.remaining)
            response["X-RateLimit-Reset"] = str(binding.reset)
        return response

    def process_exception(self, request, exception):
        if request.path.startswith("/admin/"):
            return None
        if isinstance(exception, RequestDataTooBig):
            return payload_too_large()
        if isinstance(exception, Http404):
            return JsonResponse(error_envelope("NOT_FOUND", str(exception) or "Not found."), status=404)
        logger.exception("Unhandled exception on %s %s", request.method, request.path)
        return JsonResponse(error_envelope("INTERNAL_ERROR", INTERNAL_ERROR_MESSAGE), status=500)
