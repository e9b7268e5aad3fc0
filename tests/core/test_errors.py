"""Every failure answers in the error envelope of DESIGN.md §4, never HTML or a stack trace."""

import json

import pytest
from rest_framework.test import APIClient

from accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str)
    assert body["error"]["message"]
    assert isinstance(body["error"]["details"], dict)
    return body["error"]


@pytest.fixture(params=[False, True], ids=["production", "debug"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


def test_unknown_api_route(auth_client, debug):
    response = auth_client.get("/api/v1/does-not-exist")
    error = assert_error(response, 404, "NOT_FOUND")
    assert "/api/v1/does-not-exist" in error["message"]
    assert response["X-RateLimit-Limit"] == "60"


def test_unknown_route_outside_the_api(debug):
    assert_error(APIClient().get("/definitely/not/here"), 404, "NOT_FOUND")
    assert_error(APIClient().get("/api/v2/anything"), 404, "NOT_FOUND")


def test_wrong_method(auth_client):
    error = assert_error(auth_client.put("/api/v1/auth/me", {}, format="json"), 405, "METHOD_NOT_ALLOWED")
    assert "PUT" in error["message"]
    assert_error(APIClient().post("/health"), 405, "METHOD_NOT_ALLOWED")


def test_malformed_json(auth_client):
    response = auth_client.post("/api/v1/auth/tokens", data="{not json", content_type="application/json")
    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert error["message"].startswith("Malformed request body")
    assert ApiToken.objects.count() == 1


def test_unsupported_media_type(auth_client):
    response = auth_client.post("/api/v1/auth/tokens", data="name=x", content_type="text/plain")
    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")


def test_not_acceptable(auth_client):
    assert_error(auth_client.get("/api/v1/auth/me", HTTP_ACCEPT="text/csv"), 406, "NOT_ACCEPTABLE")


def test_payload_too_large(auth_client, settings):
    settings.MAX_REQUEST_BODY_BYTES = 256
    body = json.dumps({"name": "x" * 300})
    response = auth_client.post("/api/v1/auth/tokens", data=body, content_type="application/json")

    error = assert_error(response, 413, "PAYLOAD_TOO_LARGE")
    assert error["details"] == {"limit": 256}
    assert ApiToken.objects.count() == 1


@pytest.mark.urls("tests.core.crashing_urls")
def test_unhandled_exceptions_answer_500_without_internals(debug):
    for path in ("/api/v1/crash", "/webhooks/crash"):
        response = APIClient().get(path)
        error = assert_error(response, 500, "INTERNAL_ERROR")
        assert "hunter2" not in response.content.decode()
        assert "Traceback" not in response.content.decode()
        assert error["details"] == {}


def test_validation_details_name_every_field_in_camel_case(auth_client):
    response = auth_client.post("/api/v1/auth/tokens", {"expires_at": "soon"}, format="json")
    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert set(error["details"]) == {"name", "expiresAt"}


@pytest.mark.urls("tests.core.crashing_urls")
def test_an_unreachable_job_queue_is_503_not_500():
    response = APIClient().post("/api/v1/enqueue")
    error = assert_error(response, 503, "SERVICE_UNAVAILABLE")
    assert "redis" not in error["message"]
    assert response["Retry-After"] == "5"


@pytest.mark.parametrize("path", ["/api/v1/auth/me", "/api/v1/auth/me/", "/api/v1/auth/tokens", "/api/v1/auth/tokens/"])
def test_paths_work_with_and_without_a_trailing_slash(auth_client, path):
    assert auth_client.get(path).status_code == 200
