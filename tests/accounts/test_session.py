import pytest
from django.contrib.sessions.models import Session
from rest_framework.test import APIClient

from accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True


def dev_login(client: APIClient, email="dev@example.com", **extra):
    return client.post("/api/v1/auth/dev-login", {"email": email, **extra}, format="json")


def test_dev_login_signs_in_with_a_session_cookie(debug_on):
    client = APIClient()
    response = dev_login(client, name="Dev", tier="pro")

    assert response.status_code == 200
    assert response.cookies["bs_session"]["httponly"]
    data = response.json()["data"]
    assert data["user"]["email"] == "dev@example.com"
    assert data["user"]["tier"] == "pro"
    assert data["csrfToken"]
    assert client.get("/api/v1/auth/session").json()["data"]["user"]["id"] == data["user"]["id"]
    assert client.get("/api/v1/auth/me").json()["data"]["email"] == "dev@example.com"


def test_dev_login_does_not_exist_without_debug():
    response = dev_login(APIClient())
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"
    assert not User.objects.exists()


def test_dev_login_validates_its_input(debug_on):
    response = APIClient().post("/api/v1/auth/dev-login", {"email": "nope", "tier": "gold"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["details"]) == {"email", "tier"}


def test_session_and_me_answer_401_without_credentials():
    for path in ("/api/v1/auth/session", "/api/v1/auth/me"):
        response = APIClient().get(path)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "UNAUTHORIZED"


def test_logout_revokes_the_session_and_a_replayed_cookie_is_cleared(debug_on):
    client = APIClient()
    dev_login(client)
    session_cookie = client.cookies["bs_session"].value
    assert Session.objects.filter(session_key=session_cookie).exists()

    response = client.post("/api/v1/auth/logout")

    assert response.status_code == 200
    assert response.json() == {"success": True, "data": {"loggedOut": True}}
    assert response.cookies["bs_session"]["max-age"] == 0
    assert not Session.objects.filter(session_key=session_cookie).exists()

    stale = APIClient()
    stale.cookies["bs_session"] = session_cookie
    response = stale.get("/api/v1/auth/session")
    assert response.status_code == 401
    assert response.cookies["bs_session"]["max-age"] == 0, "a stale session cookie is cleared"


def test_logout_always_answers_200():
    response = APIClient().post("/api/v1/auth/logout")
    assert response.status_code == 200
    assert response.json()["data"] == {"loggedOut": True}


def test_a_deactivated_users_session_stops_working(debug_on):
    client = APIClient()
    dev_login(client)
    User.objects.filter(email="dev@example.com").update(is_active=False)

    response = client.get("/api/v1/auth/me")
    assert response.status_code == 401
    assert response.cookies["bs_session"]["max-age"] == 0


def test_cookie_sessions_need_the_csrf_token_for_unsafe_requests(debug_on):
    client = APIClient(enforce_csrf_checks=True)
    csrf = dev_login(client).json()["data"]["csrfToken"]

    refused = client.post("/api/v1/auth/tokens", {"name": "x"}, format="json")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "FORBIDDEN"
    assert "CSRF" in refused.json()["error"]["message"]

    accepted = client.post("/api/v1/auth/tokens", {"name": "x"}, format="json", HTTP_X_CSRFTOKEN=csrf)
    assert accepted.status_code == 201


def test_a_valid_session_is_kept_when_a_bad_bearer_token_is_also_sent(debug_on):
    client = APIClient()
    dev_login(client)
    client.credentials(HTTP_AUTHORIZATION="Bearer bsk_wrong")

    response = client.get("/api/v1/auth/me")
    assert response.status_code == 401
    assert "bs_session" not in response.cookies
