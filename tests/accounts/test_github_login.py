"""GitHub login end to end: social-auth's real HTTP calls go to a GitHub stand-in on loopback."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from rest_framework.test import APIClient
from social_django.models import UserSocialAuth

from accounts.models import User
from tests.factories import UserFactory
from tests.stand_ins import GitHubStandIn

CLIENT_ID, CLIENT_SECRET = "Iv1.standin", "standin-secret"
FRONTEND = "http://frontend.test/after-login"
PROFILE = {
    "id": 4242,
    "login": "octo-dev",
    "name": "Octo Dev",
    "avatar_url": "https://avatars.example/octo.png",
    "email": None,
}
pytestmark = pytest.mark.django_db

VERIFIED_EMAILS = [{"email": "octo@example.com", "primary": True, "verified": True}]


@pytest.fixture
def github(settings):
    with GitHubStandIn(
        profile=dict(PROFILE), emails=list(VERIFIED_EMAILS), client_id=CLIENT_ID, client_secret=CLIENT_SECRET
    ) as stand_in:
        settings.GITHUB_URL = stand_in.url
        settings.GITHUB_API_URL = f"{stand_in.url}/api/v3"
        settings.SOCIAL_AUTH_GITHUB_KEY = CLIENT_ID
        settings.SOCIAL_AUTH_GITHUB_SECRET = CLIENT_SECRET
        settings.FRONTEND_URL = FRONTEND
        yield stand_in


def start_login(client: APIClient) -> str:
    response = client.post("/api/v1/auth/github")
    assert response.status_code == 200
    return parse_qs(urlsplit(response.json()["data"]["authorizeUrl"]).query)["state"][0]


def test_start_returns_the_authorize_url_and_a_short_lived_state_cookie(github):
    client = APIClient()
    response = client.post("/api/v1/auth/github")

    assert response.status_code == 200
    url = urlsplit(response.json()["data"]["authorizeUrl"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{github.url}/login/oauth/authorize"
    query = parse_qs(url.query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["redirect_uri"] == ["http://testserver/api/v1/auth/github/callback"]
    assert query["scope"] == ["read:user,user:email,repo"]
    cookie = response.cookies["bs_oauth"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/api/v1/auth/github"
    assert int(cookie["max-age"]) == 600
    assert "bs_session" not in response.cookies, "starting a login must not create a session"


def test_callback_signs_in_stores_the_token_encrypted_and_redirects(github):
    client = APIClient()
    state = start_login(client)

    response = client.get("/api/v1/auth/github/callback", {"code": GitHubStandIn.CODE, "state": state})

    assert response.status_code == 302
    assert response["Location"] == FRONTEND
    assert response.cookies["bs_session"].value
    assert response.cookies["bs_oauth"]["max-age"] == 0

    session = client.get("/api/v1/auth/session").json()["data"]
    assert session["user"]["githubUsername"] == "octo-dev"
    assert session["user"]["email"] == "octo@example.com"
    assert session["user"]["avatarUrl"] == "https://avatars.example/octo.png"
    assert session["csrfToken"]

    user = User.objects.get(email="octo@example.com")
    assert user.github_access_token == GitHubStandIn.ACCESS_TOKEN
    with connection.cursor() as cursor:
        cursor.execute("SELECT github_access_token FROM accounts_user WHERE id = %s", [user.pk])
        stored = cursor.fetchone()[0]
    assert GitHubStandIn.ACCESS_TOKEN not in stored
    social = UserSocialAuth.objects.get(user=user)
    assert social.uid == "4242"
    assert "access_token" not in social.extra_data
    assert GitHubStandIn.ACCESS_TOKEN not in str(social.extra_data)
    exchange = next(r for r in github.requests if r["path"] == "/login/oauth/access_token")
    assert exchange["form"]["code"] == GitHubStandIn.CODE


def test_second_login_updates_the_same_user(github):
    for _ in range(2):
        client = APIClient()
        client.get("/api/v1/auth/github/callback", {"code": GitHubStandIn.CODE, "state": start_login(client)})
    assert User.objects.filter(github_username="octo-dev").count() == 1


def test_a_verified_github_email_signs_into_the_existing_account(github):
    existing = UserFactory(email="octo@example.com", tier="pro")
    client = APIClient()
    client.get("/api/v1/auth/github/callback", {"code": GitHubStandIn.CODE, "state": start_login(client)})

    me = client.get("/api/v1/auth/me").json()["data"]
    assert me["id"] == existing.pk
    assert me["tier"] == "pro"


def test_an_unverified_email_never_takes_over_an_existing_account(github):
    existing = UserFactory(email="octo@example.com")
    github.emails = [{"email": "octo@example.com", "primary": True, "verified": False}]
    client = APIClient()
    client.get("/api/v1/auth/github/callback", {"code": GitHubStandIn.CODE, "state": start_login(client)})

    me = client.get("/api/v1/auth/me").json()["data"]
    assert me["id"] != existing.pk
    assert me["email"] == "4242+octo-dev@users.noreply.github.com"


def test_missing_state_cookie_is_refused(github):
    state = start_login(APIClient())
    response = APIClient().get("/api/v1/auth/github/callback", {"code": GitHubStandIn.CODE, "state": state})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "OAUTH_STATE_MISSING"
    assert not User.objects.exists()


def test_state_mismatch_is_refused(github):
    client = APIClient()
    start_login(client)
    response = client.get("/api/v1/auth/github/callback", {"code": GitHubStandIn.CODE, "state": "forged-state"})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "OAUTH_STATE_INVALID"
    assert not any(r["path"] == "/login/oauth/access_token" for r in github.requests)
    assert not User.objects.exists()


def test_a_tampered_state_cookie_is_refused(github):
    client = APIClient()
    state = start_login(client)
    client.cookies["bs_oauth"] = client.cookies["bs_oauth"].value[:-2] + "xx"
    response = client.get("/api/v1/auth/github/callback", {"code": GitHubStandIn.CODE, "state": state})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "OAUTH_STATE_INVALID"


def test_a_state_cannot_be_replayed(github):
    client = APIClient()
    state = start_login(client)
    state_cookie = client.cookies["bs_oauth"].value
    assert client.get("/api/v1/auth/github/callback", {"code": GitHubStandIn.CODE, "state": state}).status_code == 302

    replay = APIClient()
    replay.cookies["bs_oauth"] = state_cookie
    response = replay.get("/api/v1/auth/github/callback", {"code": GitHubStandIn.CODE, "state": state})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "OAUTH_STATE_INVALID"


def test_github_failing_the_token_exchange_answers_502(github):
    github.token_status = 500
    client = APIClient()
    response = client.get("/api/v1/auth/github/callback", {"code": GitHubStandIn.CODE, "state": start_login(client)})

    assert response.status_code == 502
    assert response.json()["error"]["code"] == "GITHUB_ERROR"
    assert not User.objects.exists()


def test_github_rejecting_the_code_answers_502(github):
    client = APIClient()
    response = client.get("/api/v1/auth/github/callback", {"code": "stale-code", "state": start_login(client)})

    assert response.status_code == 502
    assert response.json()["error"]["code"] == "GITHUB_ERROR"
    assert not User.objects.exists()


def test_the_user_declining_access_is_reported(github):
    client = APIClient()
    response = client.get("/api/v1/auth/github/callback", {"error": "access_denied", "state": start_login(client)})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "OAUTH_DENIED"


def test_a_disabled_account_cannot_sign_in(github):
    UserFactory(email="octo@example.com", is_active=False)
    client = APIClient()
    response = client.get("/api/v1/auth/github/callback", {"code": GitHubStandIn.CODE, "state": start_login(client)})

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "FORBIDDEN"
    assert "bs_session" not in response.cookies


def test_login_is_refused_when_github_is_not_configured(settings):
    settings.SOCIAL_AUTH_GITHUB_KEY = ""
    response = APIClient().post("/api/v1/auth/github")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "GITHUB_NOT_CONFIGURED"
