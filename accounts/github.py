"""GitHub login through social-auth, shaped to the CloudBlocks contract (seed 000).

* `GitHubOAuth2` reads GitHub's URLs from settings (GitHub Enterprise, the loopback stand-in in
  tests) and never lets social-auth keep the access token in clear: it is stored encrypted on the
  user by `sync_github_user`.
* `CookieStateStrategy` keeps social-auth's per-login state (the OAuth `state` and its timestamp)
  in a signed, short-lived cookie instead of the server session, so starting a login creates no
  session and the state check needs the browser that started it.
"""

from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from social_core.backends.github import GithubOAuth2
from social_django.models import DjangoStorage
from social_django.strategy import DjangoStrategy

from accounts.services import user_sync_github

OAUTH_STATE_COOKIE = "bs_oauth"
_OAUTH_STATE_SALT = "blocksmith.accounts.oauth-state"
OAUTH_COOKIE_PATH = "/api/v1/auth/github"


class GitHubOAuth2(GithubOAuth2):
    def authorization_url(self) -> str:
        return f"{settings.GITHUB_URL}/login/oauth/authorize"

    def access_token_url(self) -> str:
        return f"{settings.GITHUB_URL}/login/oauth/access_token"

    def api_url(self) -> str:
        return f"{settings.GITHUB_API_URL}/"

    def extra_data(self, user, uid, response, details, pipeline_kwargs) -> dict[str, Any]:
        data = super().extra_data(user, uid, response, details, pipeline_kwargs)
        data.pop("access_token", None)
        data.pop("refresh_token", None)
        return data


class CookieStateStrategy(DjangoStrategy):
    def __init__(self, request: HttpRequest, state: dict[str, Any] | None = None):
        super().__init__(DjangoStorage, request)
        self.state = dict(state or {})

    def session_get(self, name, default=None):
        return self.state.get(name, default)

    def session_set(self, name, value) -> None:
        self.state[name] = value

    def session_pop(self, name):
        return self.state.pop(name, None)

    def session_setdefault(self, name, value):
        return self.state.setdefault(name, value)

    def build_absolute_uri(self, path=None) -> str:
        if settings.PUBLIC_BASE_URL and path and path.startswith("/"):
            return settings.PUBLIC_BASE_URL + path
        return super().build_absolute_uri(path)


class OAuthStateMissing(Exception):
    pass


class OAuthStateInvalid(Exception):
    pass


def github_backend(request: HttpRequest, state: dict[str, Any] | None = None) -> GitHubOAuth2:
    strategy = CookieStateStrategy(request, state)
    return strategy.get_backend("github", redirect_uri=f"{OAUTH_COOKIE_PATH}/callback")


def write_state_cookie(response: HttpResponse, backend: GitHubOAuth2) -> None:
    response.set_cookie(
        OAUTH_STATE_COOKIE,
        signing.dumps(backend.strategy.state, salt=_OAUTH_STATE_SALT, compress=True),
        max_age=settings.OAUTH_STATE_MAX_AGE,
        path=OAUTH_COOKIE_PATH,
        secure=settings.SECURE_COOKIES,
        httponly=True,
        samesite="Lax",
    )


def read_state_cookie(request: HttpRequest) -> dict[str, Any]:
    raw = request.COOKIES.get(OAUTH_STATE_COOKIE)
    if not raw:
        raise OAuthStateMissing
    try:
        return signing.loads(raw, salt=_OAUTH_STATE_SALT, max_age=settings.OAUTH_STATE_MAX_AGE)
    except signing.BadSignature as exc:  # includes SignatureExpired
        raise OAuthStateInvalid from exc


def clear_state_cookie(response: HttpResponse) -> None:
    response.delete_cookie(OAUTH_STATE_COOKIE, path=OAUTH_COOKIE_PATH, samesite="Lax")


def sync_github_user(backend, uid, details, response, user=None, *args, **kwargs) -> dict[str, Any]:
    """Pipeline step: create or update our user from the GitHub profile and keep the token encrypted."""
    email = details.get("email") or None
    verified = any(
        isinstance(entry, dict) and entry.get("email") == email and entry.get("verified")
        for entry in response.get("emails") or []
    )
    synced, created = user_sync_github(
        user=user,
        github_id=str(uid),
        login=response.get("login") or "",
        email=email,
        email_verified=verified,
        name=response.get("name") or "",
        avatar_url=response.get("avatar_url") or "",
        access_token=response.get("access_token") or "",
    )
    return {"user": synced, "is_new": created}
