from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def bearer(raw_token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_token}")
    return client


def test_create_shows_the_token_once_and_stores_only_its_hash(auth_client):
    response = auth_client.post("/api/v1/auth/tokens", {"name": "ci"}, format="json")

    assert response.status_code == 201
    data = response.json()["data"]
    raw = data["token"]
    assert raw.startswith("bsk_")
    assert len(raw) > 40
    assert data["prefix"] == raw[:12]
    assert data["id"].startswith("tok_")
    assert data["name"] == "ci"
    assert data["expiresAt"] is None
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apitoken WHERE id = %s", [data["id"]])
        row = cursor.fetchone()
    assert all(raw not in str(value) for value in row)

    assert bearer(raw).get("/api/v1/auth/me").json()["data"]["id"] == auth_client.user.pk


def test_list_never_returns_tokens_and_reports_last_use(auth_client):
    raw = auth_client.post("/api/v1/auth/tokens", {"name": "deploy"}, format="json").json()["data"]["token"]
    bearer(raw).get("/api/v1/auth/me")

    response = auth_client.get("/api/v1/auth/tokens")

    assert response.status_code == 200
    body = response.json()
    assert raw not in response.content.decode()
    names = {item["name"]: item for item in body["data"]}
    assert set(names) == {"test", "deploy"}
    assert set(names["deploy"]) == {"id", "name", "prefix", "lastUsedAt", "expiresAt", "isExpired", "createdAt"}
    assert names["deploy"]["lastUsedAt"].endswith("Z")
    assert body["pagination"] == {"page": 1, "pageSize": 20, "total": 2, "totalPages": 1, "hasMore": False}


def test_expiry_accepts_camel_and_snake_case(auth_client):
    soon = (timezone.now() + timedelta(days=1)).isoformat()
    camel = auth_client.post("/api/v1/auth/tokens", {"name": "a", "expiresAt": soon}, format="json")
    snake = auth_client.post("/api/v1/auth/tokens", {"name": "b", "expires_at": soon}, format="json")

    assert camel.status_code == snake.status_code == 201
    assert camel.json()["data"]["expiresAt"] == snake.json()["data"]["expiresAt"]
    assert camel.json()["data"]["expiresAt"].endswith("Z")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "ok", "expiresAt": "not-a-date"}, "expiresAt"),
        ({"name": "ok", "expiresAt": "2001-01-01T00:00:00Z"}, "expiresAt"),
    ],
)
def test_bad_input_is_refused_and_creates_nothing(auth_client, body, field):
    response = auth_client.post("/api/v1/auth/tokens", body, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert field in error["details"]
    assert error["message"].startswith(f"{field}:")
    assert ApiToken.objects.count() == 1


def test_expired_tokens_answer_401(auth_client):
    raw = auth_client.post("/api/v1/auth/tokens", {"name": "short"}, format="json").json()["data"]["token"]
    ApiToken.objects.filter(name="short").update(expires_at=timezone.now() - timedelta(seconds=1))

    response = bearer(raw).get("/api/v1/auth/me")

    assert response.status_code == 401
    assert response.json()["error"] == {"code": "UNAUTHORIZED", "message": "This API token has expired.", "details": {}}
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_delete_revokes(auth_client):
    created = auth_client.post("/api/v1/auth/tokens", {"name": "gone"}, format="json").json()["data"]

    response = auth_client.delete(f"/api/v1/auth/tokens/{created['id']}")

    assert response.status_code == 204
    assert response.content == b""
    assert ApiToken.objects.get(pk=created["id"]).revoked_at is not None
    assert bearer(created["token"]).get("/api/v1/auth/me").status_code == 401
    assert created["id"] not in {item["id"] for item in auth_client.get("/api/v1/auth/tokens").json()["data"]}
    assert auth_client.delete(f"/api/v1/auth/tokens/{created['id']}").status_code == 404


def test_another_users_tokens_are_invisible(auth_client, token_for):
    other = UserFactory()
    token_for(other, name="theirs")
    theirs = ApiToken.objects.get(user=other)

    assert auth_client.get(f"/api/v1/auth/tokens/{theirs.pk}").status_code == 404
    response = auth_client.delete(f"/api/v1/auth/tokens/{theirs.pk}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None
    assert "theirs" not in {item["name"] for item in auth_client.get("/api/v1/auth/tokens").json()["data"]}


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (None, "Authentication credentials were not provided."),
        ("Bearer", "Malformed Authorization header; expected 'Bearer <token>'."),
        ("Bearer a b", "Malformed Authorization header; expected 'Bearer <token>'."),
        ("Bearer bsk_unknown", "Invalid API token."),
        ("Bearer not-a-token", "Invalid API token."),
    ],
)
def test_missing_or_bad_credentials_answer_401(db, header, message):
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/auth/tokens")

    assert response.status_code == 401
    assert response.json() == {"success": False, "error": {"code": "UNAUTHORIZED", "message": message, "details": {}}}


def test_a_disabled_users_tokens_stop_working(auth_client):
    auth_client.user.is_active = False
    auth_client.user.save()
    response = auth_client.get("/api/v1/auth/me")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "This account is disabled."


def test_the_number_of_active_tokens_is_bounded(auth_client, settings):
    settings.MAX_API_TOKENS_PER_USER = 2
    assert auth_client.post("/api/v1/auth/tokens", {"name": "second"}, format="json").status_code == 201
    response = auth_client.post("/api/v1/auth/tokens", {"name": "third"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"limit": 2}
    assert ApiToken.objects.count() == 2


def test_last_use_is_written_at_a_coarse_resolution(auth_client):
    token = ApiToken.objects.get()
    auth_client.get("/api/v1/auth/me")
    first = ApiToken.objects.get().last_used_at
    auth_client.get("/api/v1/auth/me")
    assert ApiToken.objects.get().last_used_at == first

    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=5))
    auth_client.get("/api/v1/auth/me")
    assert ApiToken.objects.get().last_used_at > first
