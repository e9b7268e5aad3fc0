"""OIDC/JWT bearer authentication against keys generated here and a JWKS served on loopback."""

import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from rest_framework.test import APIClient

from accounts.models import User
from tests.factories import UserFactory
from tests.stand_ins import LoopbackServer

pytestmark = pytest.mark.django_db

ISSUER = "https://clerk.example.test"


def new_key(kid: str):
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
    public_jwk.update(kid=kid, use="sig", alg="RS256")
    return private, public_jwk


@pytest.fixture(scope="module")
def keys():
    return {"k1": new_key("k1"), "k2": new_key("k2")}


@pytest.fixture
def idp(settings, keys):
    with LoopbackServer() as server:
        server.jwks = [keys["k1"][1]]
        server.routes[("GET", "/.well-known/jwks.json")] = lambda request: (200, {"keys": server.jwks})
        settings.OIDC_ISSUER = ISSUER
        settings.OIDC_AUDIENCE = ""
        settings.OIDC_JWKS_URL = f"{server.url}/.well-known/jwks.json"
        settings.OIDC_JWKS_REFRESH_COOLDOWN_SECONDS = 0
        yield server


def token(keys, kid="k1", **claims) -> str:
    now = int(time.time())
    payload = {
        "iss": ISSUER,
        "sub": "user_2abc",
        "iat": now,
        "exp": now + 300,
        "email": "jit@example.com",
        "name": "Jit User",
        "picture": "https://img.example/jit.png",
    }
    payload.update(claims)
    payload = {key: value for key, value in payload.items() if value is not None}
    return jwt.encode(payload, keys[kid][0], algorithm="RS256", headers={"kid": kid})


def me(raw: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client.get("/api/v1/auth/me")


def test_first_request_creates_the_user_from_the_claims(idp, keys):
    response = me(token(keys))

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["email"] == "jit@example.com"
    assert data["name"] == "Jit User"
    assert data["avatarUrl"] == "https://img.example/jit.png"
    assert data["tier"] == "free"
    assert User.objects.get().oidc_subject == "user_2abc"

    assert me(token(keys)).status_code == 200
    assert User.objects.count() == 1
    assert len([r for r in idp.requests if r["path"] == "/.well-known/jwks.json"]) == 1, "the JWKS is cached"


def test_a_rotated_key_is_fetched_when_a_token_names_it(idp, keys):
    assert me(token(keys)).status_code == 200
    idp.jwks = [keys["k1"][1], keys["k2"][1]]

    assert me(token(keys, kid="k2")).status_code == 200


def test_unknown_key_ids_refetch_the_jwks_at_most_once_per_cooldown(idp, keys, settings):
    settings.OIDC_JWKS_REFRESH_COOLDOWN_SECONDS = 60
    for _ in range(3):
        assert me(token(keys, kid="k2")).status_code == 401
    assert len([r for r in idp.requests if r["path"] == "/.well-known/jwks.json"]) == 1


@pytest.mark.parametrize(
    ("claims", "message"),
    [
        ({"exp": int(time.time()) - 120}, "The token has expired."),
        ({"iss": "https://evil.example"}, "Invalid token: Invalid issuer"),
        ({"sub": None}, 'Invalid token: Token is missing the "sub" claim'),
        ({"email": None}, "The token has no `email` claim; configure the identity provider to include it."),
    ],
)
def test_invalid_tokens_answer_401(idp, keys, claims, message):
    response = me(token(keys, **claims))

    assert response.status_code == 401
    assert response.json()["error"] == {"code": "UNAUTHORIZED", "message": message, "details": {}}
    assert not User.objects.exists()


def test_a_token_signed_by_an_unknown_key_is_refused(idp, keys):
    response = me(token(keys, kid="k2"))
    assert response.status_code == 401
    assert response.json()["error"]["message"].startswith("Invalid token")


def test_a_symmetric_token_is_refused(idp):
    forged = jwt.encode({"iss": ISSUER, "sub": "x", "exp": int(time.time()) + 60}, "s" * 32, algorithm="HS256")
    assert me(forged).status_code == 401


def test_the_audience_is_checked_when_configured(idp, keys, settings):
    settings.OIDC_AUDIENCE = "blocksmith"
    assert me(token(keys, aud="another-app")).status_code == 401
    assert me(token(keys)).status_code == 401
    assert me(token(keys, aud="blocksmith")).status_code == 200


def test_an_existing_account_is_linked_by_verified_email(idp, keys):
    existing = UserFactory(email="jit@example.com")
    assert me(token(keys, email_verified=True)).json()["data"]["id"] == existing.pk
    existing.refresh_from_db()
    assert existing.oidc_subject == "user_2abc"


def test_an_unverified_email_does_not_link_an_existing_account(idp, keys):
    UserFactory(email="jit@example.com")
    response = me(token(keys, email_verified=False))
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "The token's email belongs to another account."


def test_jwts_are_refused_when_oidc_is_not_configured(keys, settings):
    settings.OIDC_ISSUER = ""
    response = me(token(keys))
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Invalid API token."
