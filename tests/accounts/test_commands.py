from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_create_api_token_creates_the_user_and_prints_only_the_token():
    out, err = StringIO(), StringIO()
    call_command(
        "create_api_token", "--email", "Service@Example.com", "--tier", "pro", "--name", "ci", stdout=out, stderr=err
    )

    token = out.getvalue().strip()
    assert out.getvalue() == token + "\n"
    assert token.startswith("bsk_")
    user = User.objects.get(email="service@example.com")
    assert user.tier == "pro"
    assert "Created user" in err.getvalue()

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/api/v1/auth/me").json()["data"]["email"] == "service@example.com"


def test_create_api_token_reuses_an_existing_user():
    call_command("create_api_token", "--email", "svc@example.com", stdout=StringIO(), stderr=StringIO())
    call_command(
        "create_api_token", "--email", "svc@example.com", "--tier", "enterprise", stdout=StringIO(), stderr=StringIO()
    )
    assert User.objects.get(email="svc@example.com").tier == "enterprise"
    assert User.objects.get(email="svc@example.com").api_tokens.count() == 2


def test_create_api_token_refuses_an_unknown_tier():
    with pytest.raises(Exception, match="invalid choice"):
        call_command("create_api_token", "--email", "svc@example.com", "--tier", "platinum", stdout=StringIO())
    assert not User.objects.exists()
