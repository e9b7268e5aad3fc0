"""DRF authentication: `Authorization: Bearer <token>` and the session cookie from GitHub login.

A bearer token is an API token when it starts with `bsk_`, otherwise an OIDC JWT when OIDC is
configured. `user_for_bearer_token` is also what the WebSocket `auth` message uses.
"""

from django.conf import settings
from rest_framework import authentication, exceptions

from accounts.models import User
from accounts.oidc import oidc_authenticate, oidc_enabled
from accounts.services import CredentialsRejected, api_token_authenticate


def user_for_bearer_token(raw_token: str) -> User:
    """The user a bearer token stands for; `CredentialsRejected` otherwise."""
    if raw_token.startswith(settings.API_TOKEN_PREFIX) or not oidc_enabled():
        return api_token_authenticate(raw_token=raw_token)
    return oidc_authenticate(raw_token=raw_token)


class BearerAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != b"bearer":
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Malformed Authorization header; expected 'Bearer <token>'.")
        try:
            raw_token = parts[1].decode()
            return user_for_bearer_token(raw_token), raw_token
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed("Invalid API token.") from exc
        except CredentialsRejected as exc:
            raise exceptions.AuthenticationFailed(exc.message) from exc

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'
