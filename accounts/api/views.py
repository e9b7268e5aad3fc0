import logging

import requests
from django.conf import settings
from django.contrib.auth import login, logout
from django.http import HttpResponseRedirect
from django.middleware.csrf import get_token
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from social_core.exceptions import (
    AuthCanceled,
    AuthInputError,
    AuthPolicyError,
    AuthSessionError,
    SocialAuthBaseException,
)

from accounts.api.serializers import (
    ApiTokenCreatedSerializer,
    ApiTokenCreateSerializer,
    ApiTokenSerializer,
    AuthorizeUrlSerializer,
    DevLoginSerializer,
    LogoutSerializer,
    SessionSerializer,
    UsageSerializer,
    UserSerializer,
)
from accounts.github import (
    OAuthStateInvalid,
    OAuthStateMissing,
    clear_state_cookie,
    github_backend,
    read_state_cookie,
    write_state_cookie,
)
from accounts.models import ApiToken
from accounts.selectors import usage_summary
from accounts.services import api_token_create, api_token_revoke, user_get_or_create
from core.api.exceptions import Forbidden, GitHubError, ServiceUnavailable, ValidationFailed
from core.api.schema import error_response
from core.api.views import BaseAPIView, ScopedViewSet
from flows.selectors import usage_dashboard

logger = logging.getLogger(__name__)


def _session_data(request, user) -> dict:
    return {"user": UserSerializer(user).data, "csrf_token": get_token(request._request)}


class GitHubLoginView(BaseAPIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        operation_id="auth_github_start",
        request=None,
        responses={200: AuthorizeUrlSerializer, 503: error_response("GITHUB_NOT_CONFIGURED")},
        summary="Start GitHub login",
        description="Returns GitHub's authorize URL and sets the short-lived `bs_oauth` state cookie.",
    )
    def post(self, request):
        if not settings.SOCIAL_AUTH_GITHUB_KEY:
            raise ServiceUnavailable(
                "GitHub login is not configured on this server (GITHUB_CLIENT_ID).", code="GITHUB_NOT_CONFIGURED"
            )
        backend = github_backend(request._request)
        response = Response({"authorize_url": backend.auth_url()})
        write_state_cookie(response, backend)
        return response


class GitHubCallbackView(BaseAPIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        operation_id="auth_github_callback",
        responses={
            302: OpenApiResponse(description="Signed in: the session cookie is set; redirects to FRONTEND_URL."),
            400: error_response("OAUTH_STATE_MISSING, OAUTH_STATE_INVALID or OAUTH_DENIED."),
            403: error_response("FORBIDDEN: the account is disabled."),
            502: error_response("GITHUB_ERROR: GitHub refused the code or could not be reached."),
        },
        summary="GitHub login callback",
    )
    def get(self, request):
        try:
            state = read_state_cookie(request._request)
        except OAuthStateMissing as exc:
            raise ValidationFailed(
                "The OAuth state cookie is missing; start the login again from this browser.",
                code="OAUTH_STATE_MISSING",
            ) from exc
        except OAuthStateInvalid as exc:
            raise ValidationFailed(
                "The OAuth state cookie is invalid or expired; start the login again.", code="OAUTH_STATE_INVALID"
            ) from exc

        backend = github_backend(request._request, state)
        try:
            user = backend.complete(user=None, request=request._request)
        except AuthCanceled as exc:
            raise ValidationFailed("The GitHub login was cancelled.", code="OAUTH_DENIED") from exc
        except (AuthSessionError, AuthInputError) as exc:
            raise ValidationFailed(
                "The OAuth state does not match this login; start the login again.", code="OAUTH_STATE_INVALID"
            ) from exc
        except AuthPolicyError as exc:
            raise Forbidden("This GitHub account is not allowed to sign in.") from exc
        except (SocialAuthBaseException, requests.RequestException, ValueError) as exc:
            logger.warning("GitHub login failed: %s", exc)
            raise GitHubError(f"GitHub login failed: {exc}") from exc

        login(request._request, user, backend="accounts.github.GitHubOAuth2")
        response = HttpResponseRedirect(settings.FRONTEND_URL)
        clear_state_cookie(response)
        return response


class SessionView(BaseAPIView):
    @extend_schema(operation_id="auth_session", responses=SessionSerializer, summary="Current session")
    def get(self, request):
        return Response(_session_data(request, request.user))


class MeView(BaseAPIView):
    @extend_schema(operation_id="auth_me", responses=UserSerializer, summary="Current user")
    def get(self, request):
        return Response(UserSerializer(request.user).data)


class LogoutView(BaseAPIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(operation_id="auth_logout", request=None, responses=LogoutSerializer, summary="Sign out")
    def post(self, request):
        logout(request._request)
        response = Response({"logged_out": True})
        response.delete_cookie(
            settings.SESSION_COOKIE_NAME,
            path=settings.SESSION_COOKIE_PATH,
            domain=settings.SESSION_COOKIE_DOMAIN,
            samesite=settings.SESSION_COOKIE_SAMESITE,
        )
        return response


class DevLoginView(BaseAPIView):
    """Sign in as any email without GitHub. Exists only with DEBUG=true."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        operation_id="auth_dev_login",
        request=DevLoginSerializer,
        responses=SessionSerializer,
        summary="Development login (DEBUG only)",
    )
    def post(self, request):
        if not settings.DEBUG:
            raise NotFound(f"No API route matches {request.method} {request.path}.")
        serializer = DevLoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user, _ = user_get_or_create(**serializer.validated_data)
        login(request._request, user, backend="django.contrib.auth.backends.ModelBackend")
        return Response(_session_data(request, user))


@extend_schema(tags=["auth"])
class ApiTokenViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = ApiToken.objects.filter(revoked_at__isnull=True)
    owner_field = "user"
    serializer_class = ApiTokenSerializer

    @extend_schema(request=ApiTokenCreateSerializer, responses={201: ApiTokenCreatedSerializer})
    def create(self, request):
        serializer = ApiTokenCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, raw_token = api_token_create(user=request.user, **serializer.validated_data)
        token.token = raw_token
        return Response(ApiTokenCreatedSerializer(token).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        api_token_revoke(token=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class UsageView(BaseAPIView):
    @extend_schema(operation_id="usage", responses=UsageSerializer, summary="Plan, limits and usage")
    def get(self, request):
        usage = {**usage_summary(user=request.user), **usage_dashboard(user=request.user)}
        return Response(UsageSerializer(usage).data)
