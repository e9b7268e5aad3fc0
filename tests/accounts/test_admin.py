"""The admin is the operators' console: users (tier, deactivate) and tokens (revoke)."""

import pytest
from rest_framework.test import APIClient

from accounts.models import ApiToken, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_staff_can_find_users_by_email_and_filter_by_tier(admin_client):
    UserFactory(email="findme@example.com", tier="pro")
    UserFactory(email="other@example.com")

    page = admin_client.get("/admin/accounts/user/", {"q": "findme"})
    assert page.status_code == 200
    assert b"findme@example.com" in page.content
    assert b"other@example.com" not in page.content

    filtered = admin_client.get("/admin/accounts/user/", {"tier__exact": "pro"})
    assert b"findme@example.com" in filtered.content
    assert b"other@example.com" not in filtered.content


def test_staff_can_change_a_users_tier_and_deactivate_them(admin_client, token_for):
    user = UserFactory()
    raw = token_for(user)

    admin_client.post("/admin/accounts/user/", {"action": "set_tier_enterprise", "_selected_action": [user.pk]})
    user.refresh_from_db()
    assert user.tier == "enterprise"

    admin_client.post("/admin/accounts/user/", {"action": "deactivate", "_selected_action": [user.pk]})
    user.refresh_from_db()
    assert not user.is_active
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/auth/me").status_code == 401


def test_staff_cannot_deactivate_themselves(admin_client, admin_user):
    admin_client.post("/admin/accounts/user/", {"action": "deactivate", "_selected_action": [admin_user.pk]})
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_the_change_page_edits_a_user(admin_client):
    user = UserFactory(tier="free")
    page = admin_client.get(f"/admin/accounts/user/{user.pk}/change/")
    assert page.status_code == 200
    assert user.email.encode() in page.content


def test_staff_can_create_a_user_with_a_password(admin_client):
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "email": "ops-made@example.com",
            "tier": "pro",
            "password1": "A-long-pass-123",
            "password2": "A-long-pass-123",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    user = User.objects.get(email="ops-made@example.com")
    assert user.tier == "pro"
    assert user.check_password("A-long-pass-123")


def test_staff_can_revoke_tokens(admin_client, token_for):
    user = UserFactory()
    raw = token_for(user, name="leaked")
    token = ApiToken.objects.get(name="leaked")

    listing = admin_client.get("/admin/accounts/apitoken/", {"status": "active", "q": "leaked"})
    assert b"leaked" in listing.content
    assert raw.encode() not in listing.content

    admin_client.post("/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/auth/me").status_code == 401


def test_the_console_is_for_staff_only(client):
    user = UserFactory()
    client.force_login(user)
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
