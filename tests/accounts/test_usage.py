from datetime import UTC, datetime

import pytest

from accounts.models import UsageMetric
from accounts.services import usage_increment
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_usage_reports_the_plan_limits_and_counters(auth_client):
    usage_increment(user_id=auth_client.user.pk, metric=UsageMetric.AI_TOKENS_IN, amount=120)
    usage_increment(user_id=auth_client.user.pk, metric=UsageMetric.AI_TOKENS_IN, amount=30)
    usage_increment(user_id=UserFactory().pk, metric=UsageMetric.EXECUTIONS, amount=7)

    response = auth_client.get("/api/v1/usage")

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["tier"] == "free"
    assert data["limits"] == {
        "concurrentBuilds": 1,
        "flows": 1,
        "executionsPerMonth": 1000,
        "executionOverage": False,
        "executionRetentionDays": 7,
        "wasmModules": 0,
        "memoryBytes": 0,
    }
    assert data["counters"] == {
        "executions": 0,
        "aiRequests": 0,
        "aiTokensIn": 150,
        "aiTokensOut": 0,
        "executionsOverage": 0,
    }
    assert data["tokensUsed"] == 150
    assert data["runsUsed"] == 0
    assert data["runsLimit"] == 1000
    assert data["rateLimits"]["requests"] == {"limit": 60, "periodSeconds": 60, "used": 1}
    assert data["rateLimits"]["generation"] == {"limit": 10, "periodSeconds": 3600, "used": 0}
    assert data["rateLimits"]["githubSync"] == {"limit": 30, "periodSeconds": 3600, "used": 0}
    now = datetime.now(UTC)
    assert data["period"]["start"] == f"{now:%Y-%m}-01T00:00:00Z"
    assert data["period"]["end"] > data["period"]["start"]


def test_unlimited_plan_values_are_null(token_for, api_client):
    user = UserFactory(tier="enterprise")
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")
    limits = api_client.get("/api/v1/usage").json()["data"]["limits"]
    assert limits["concurrentBuilds"] is None
    assert limits["flows"] == 1000


def test_usage_needs_authentication(api_client):
    assert api_client.get("/api/v1/usage").status_code == 401
