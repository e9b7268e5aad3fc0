"""Django-level views outside DRF: error handlers and /health. They answer in the envelope too."""

from functools import wraps

from django.http import JsonResponse

from core.api.envelope import error_envelope
from core.api.exceptions import INTERNAL_ERROR_MESSAGE
from core.health import health_report


def not_found(request, exception=None, **kwargs):
    return JsonResponse(error_envelope("NOT_FOUND", f"Nothing at {request.path}."), status=404)


def server_error(request, *args, **kwargs):
    return JsonResponse(error_envelope("INTERNAL_ERROR", INTERNAL_ERROR_MESSAGE), status=500)


def get_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            response = JsonResponse(
                error_envelope("METHOD_NOT_ALLOWED", f'Method "{request.method}" not allowed.'), status=405
            )
            response["Allow"] = "GET, HEAD"
            return response
        return view(request, *args, **kwargs)

    return wrapper


@get_only
def health(request):
    report = health_report()
    return JsonResponse({key: report[key] for key in ("status", "version", "components", "workers")})


@get_only
def health_ready(request):
    report = health_report()
    if report["failing"]:
        return JsonResponse({"status": "not_ready", "failing": report["failing"]}, status=503)
    return JsonResponse({"status": "ready"})


@get_only
def health_live(request):
    return JsonResponse({"status": "alive"})
