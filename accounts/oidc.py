"""OIDC/JWT bearer tokens (Clerk-compatible), enabled by `OIDC_ISSUER`.

Tokens are RS256 JWTs checked against the issuer's JWKS, which is cached for
`OIDC_JWKS_CACHE_SECONDS` and refetched when a token names an unknown key id (at most once per
`OIDC_JWKS_REFRESH_COOLDOWN_SECONDS`, so forged key ids cannot make us hammer the provider).
"""

from functools import cache

import jwt
from django.conf import settings

from accounts.models import User
from accounts.services import CredentialsRejected, user_get_or_create_from_oidc


@cache
def _jwks_client(url: str, lifespan: int, cooldown: int) -> jwt.PyJWKClient:
    return jwt.PyJWKClient(url, lifespan=lifespan, cooldown_duration=cooldown, timeout=5)


def oidc_enabled() -> bool:
    return bool(settings.OIDC_ISSUER)


def oidc_authenticate(*, raw_token: str) -> User:
    client = _jwks_client(
        settings.OIDC_JWKS_URL, settings.OIDC_JWKS_CACHE_SECONDS, settings.OIDC_JWKS_REFRESH_COOLDOWN_SECONDS
    )
    try:
        signing_key = client.get_signing_key_from_jwt(raw_token)
        claims = jwt.decode(
            raw_token,
            signing_key.key,
            algorithms=["RS256"],
            issuer=settings.OIDC_ISSUER,
            audience=settings.OIDC_AUDIENCE or None,
            options={"require": ["exp", "iss", "sub"], "verify_aud": bool(settings.OIDC_AUDIENCE)},
            leeway=30,
        )
    except jwt.ExpiredSignatureError as exc:
        raise CredentialsRejected("The token has expired.") from exc
    except jwt.PyJWKClientConnectionError as exc:
        raise CredentialsRejected("The identity provider's signing keys could not be fetched.") from exc
    except (jwt.PyJWKClientError, jwt.InvalidTokenError) as exc:
        raise CredentialsRejected(f"Invalid token: {exc}") from exc
    name = claims.get("name") or " ".join(filter(None, (claims.get("given_name"), claims.get("family_name"))))
    return user_get_or_create_from_oidc(
        subject=claims["sub"],
        email=claims.get("email"),
        email_verified=claims.get("email_verified"),
        name=name,
        avatar_url=claims.get("picture") or claims.get("image_url") or "",
    )
