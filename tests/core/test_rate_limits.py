import time

import pytest
from rest_framework.test import APIClient

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def client_for(user, token_for) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")
    return client


@pytest.mark.parametrize(("tier", "limit"), [("free", 60), ("pro", 300), ("enterprise", 1000)])
def test_every_response_carries_the_plan_limit(token_for, tier, limit):
    client = client_for(UserFactory(tier=tier), token_for)
    for path, status in (("/api/v1/auth/me", 200), ("/api/v1/nowhere", 404), ("/api/v1/auth/tokens/tok_x", 404)):
        response = client.get(path)
        assert response.status_code == status
        assert response["X-RateLimit-Limit"] == str(limit)
    assert response["X-RateLimit-Remaining"] == str(limit - 3)
    reset = int(response["X-RateLimit-Reset"])
    assert time.time() < reset <= time.time() + 60
    assert reset % 60 == 0


def test_a_user_over_the_plan_limit_gets_429_with_retry_after(token_for, settings):
    settings.PLANS = {**settings.PLANS, "free": {**settings.PLANS["free"], "rate_limits": {"requests": "3/minute"}}}
    user = UserFactory()
    client = client_for(user, token_for)
    remaining = [client.get("/api/v1/auth/me")["X-RateLimit-Remaining"] for _ in range(3)]
    assert remaining == ["2", "1", "0"]

    response = client.get("/api/v1/auth/me")

    assert response.status_code == 429
    body = response.json()
    assert body["error"]["code"] == "RATE_LIMITED"
    retry_after = int(response["Retry-After"])
    assert 1 <= retry_after <= 60
    assert body["error"]["details"] == {"retryAfter": retry_after}
    assert response["X-RateLimit-Remaining"] == "0"

    other = client_for(UserFactory(), token_for)
    assert other.get("/api/v1/auth/me").status_code == 200, "limits are per user"


def test_anonymous_clients_are_limited_per_ip():
    responses = [APIClient().get("/api/v1/auth/me", REMOTE_ADDR="10.0.0.7") for _ in range(21)]
    assert [r.status_code for r in responses] == [401] * 20 + [429]
    assert responses[0]["X-RateLimit-Limit"] == "20"
    assert APIClient().get("/api/v1/auth/me", REMOTE_ADDR="10.0.0.8").status_code == 401


def test_failed_authentication_counts_against_the_client_ip():
    guesser = APIClient(REMOTE_ADDR="10.0.0.9")
    guesser.credentials(HTTP_AUTHORIZATION="Bearer bsk_guess")
    statuses = [guesser.get("/api/v1/auth/tokens").status_code for _ in range(21)]
    assert statuses == [401] * 20 + [429]


def test_a_forwarded_for_header_does_not_bypass_the_anonymous_limit():
    statuses = [
        APIClient().get("/api/v1/auth/me", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}", REMOTE_ADDR="10.0.0.10").status_code
        for n in range(21)
    ]
    assert statuses[-1] == 429


@pytest.mark.urls("tests.core.scoped_urls")
def test_named_scopes_add_their_own_limit(auth_client, settings):
    settings.PLANS = {
        **settings.PLANS,
        "free": {
            **settings.PLANS["free"],
            "rate_limits": {**settings.PLANS["free"]["rate_limits"], "generation": "2/hour"},
        },
    }
    first = auth_client.post("/api/v1/generate-something")
    assert first.status_code == 200
    assert first["X-RateLimit-Limit"] == "2", "the tightest limit is the one reported"
    assert auth_client.post("/api/v1/generate-something").status_code == 200

    refused = auth_client.post("/api/v1/generate-something")
    assert refused.status_code == 429
    reset = int(refused["X-RateLimit-Reset"])
    assert reset % 3600 == 0, "hourly windows end on the hour"
    assert abs(int(refused["Retry-After"]) - (reset - time.time())) <= 2
    assert auth_client.get("/api/v1/auth/me").status_code == 200, "other endpoints are not affected"


def test_the_default_scope_limits_match_the_plan_table(settings):
    for plan in settings.PLANS.values():
        assert plan["rate_limits"]["generation"] == "10/hour"
        assert plan["rate_limits"]["github_sync"] == "30/hour"
    assert settings.ANONYMOUS_RATE_LIMIT == "20/minute"


def test_requests_are_served_when_redis_is_down(auth_client, settings, tmp_path):
    settings.REDIS_URL = f"unix://{tmp_path}/no-redis.sock?db=0"
    response = auth_client.get("/api/v1/auth/me")
    assert response.status_code == 200
    assert "X-RateLimit-Limit" not in response


def test_rate_limits_can_be_switched_off(settings):
    settings.RATE_LIMITS_ENABLED = False
    statuses = {APIClient().get("/api/v1/auth/me", REMOTE_ADDR="10.0.0.11").status_code for _ in range(25)}
    assert statuses == {401}
