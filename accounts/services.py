"""Writes for accounts: users, API tokens, usage counters."""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from rest_framework import status

from accounts.models import ApiToken, Tier, UsageCounter, UsageMetric, User
from core.api.exceptions import ApplicationError, Forbidden, ValidationFailed


class CredentialsRejected(ApplicationError):
    status_code = status.HTTP_401_UNAUTHORIZED
    code = "UNAUTHORIZED"


def hash_api_token(raw_token: str) -> str:
    # Tokens carry 256 random bits, so a plain SHA-256 is enough: there is nothing to brute-force.
    return hashlib.sha256(raw_token.encode()).hexdigest()


def month_start(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def next_month_start(start: datetime) -> datetime:
    return start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1)


@transaction.atomic
def user_get_or_create(*, email: str, name: str = "", tier: str | None = None) -> tuple[User, bool]:
    email = email.strip().lower()
    user = User.objects.filter(email=email).first()
    created = user is None
    if created:
        user = User.objects.create_user(email, name=name, tier=tier or Tier.FREE)
    elif tier and user.tier != tier:
        user.tier = tier
        user.save(update_fields=["tier"])
    return user, created


def api_token_create(*, user: User, name: str, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """Create a token; returns it with the raw value, which is never available again."""
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationFailed("expiresAt: must be in the future.", details={"expiresAt": ["Must be in the future."]})
    active = ApiToken.objects.filter(user=user, revoked_at__isnull=True).count()
    if active >= settings.MAX_API_TOKENS_PER_USER:
        raise ValidationFailed(
            f"You already have {active} active API tokens; delete one before creating another.",
            details={"limit": settings.MAX_API_TOKENS_PER_USER},
        )
    raw_token = settings.API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=raw_token[: len(settings.API_TOKEN_PREFIX) + 8],
        token_hash=hash_api_token(raw_token),
        expires_at=expires_at,
    )
    return token, raw_token


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_authenticate(*, raw_token: str) -> User:
    """The active user a raw API token belongs to; `CredentialsRejected` otherwise."""
    try:
        if not raw_token.startswith(settings.API_TOKEN_PREFIX):
            raise ApiToken.DoesNotExist
        token = ApiToken.objects.select_related("user").get(token_hash=hash_api_token(raw_token))
    except ApiToken.DoesNotExist:
        raise CredentialsRejected("Invalid API token.") from None
    if token.revoked_at is not None:
        raise CredentialsRejected("This API token has been revoked.")
    if token.is_expired:
        raise CredentialsRejected("This API token has expired.")
    if not token.user.is_active:
        raise CredentialsRejected("This account is disabled.")
    now = timezone.now()
    # Record use at a coarse resolution so that authenticating is not a write on every request.
    resolution = timedelta(seconds=settings.API_TOKEN_LAST_USED_RESOLUTION_SECONDS)
    if token.last_used_at is None or now - token.last_used_at >= resolution:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def user_sync_github(
    *,
    user: User | None,
    github_id: str,
    login: str,
    email: str | None,
    email_verified: bool,
    name: str,
    avatar_url: str,
    access_token: str,
) -> tuple[User, bool]:
    """Create or update the user behind a GitHub login; returns (user, created).

    An existing account is matched by email only when GitHub has verified that email; otherwise a
    new account gets GitHub's noreply address, so nobody can claim an account by naming its email.
    """
    email = (email or "").strip().lower()
    if user is None and email and email_verified:
        user = User.objects.filter(email=email).first()
    created = user is None
    if created:
        if not email or User.objects.filter(email=email).exists():
            email = f"{github_id}+{login}@users.noreply.github.com".lower()
        user = User.objects.create_user(email, name=name or login)
    if not user.is_active:
        raise Forbidden("This account is disabled.")
    user.github_username = login
    user.avatar_url = avatar_url or user.avatar_url
    user.name = user.name or name or login
    user.github_access_token = access_token
    user.save(update_fields=["github_username", "avatar_url", "name", "github_access_token"])
    return user, created


def user_get_or_create_from_oidc(
    *, subject: str, email: str | None, email_verified: bool | None, name: str, avatar_url: str
) -> User:
    """The user behind an OIDC identity, created on first sight from the token's claims."""
    user = User.objects.filter(oidc_subject=subject).first()
    if user is None:
        if not email:
            raise CredentialsRejected("The token has no `email` claim; configure the identity provider to include it.")
        email = email.strip().lower()
        try:
            with transaction.atomic():
                user = User.objects.filter(email=email).select_for_update().first()
                if user is None:
                    user = User.objects.create_user(email, name=name, avatar_url=avatar_url, oidc_subject=subject)
                elif user.oidc_subject is None and email_verified is not False:
                    user.oidc_subject = subject
                    user.save(update_fields=["oidc_subject"])
                else:
                    raise CredentialsRejected("The token's email belongs to another account.")
        except IntegrityError:
            # A concurrent first request created the same user.
            user = User.objects.get(oidc_subject=subject)
    if not user.is_active:
        raise CredentialsRejected("This account is disabled.")
    return user


def usage_increment(*, user_id: str, metric: UsageMetric | str, amount: int = 1) -> None:
    counter, _ = UsageCounter.objects.get_or_create(
        user_id=user_id, metric=metric, period_start=month_start(timezone.now()).date()
    )
    UsageCounter.objects.filter(pk=counter.pk).update(value=F("value") + amount)


def users_set_active(*, users, active: bool) -> int:
    """Activate or deactivate users; a deactivated user's sessions and tokens stop working at once."""
    return users.update(is_active=active)


def users_set_tier(*, users, tier: str) -> int:
    return users.update(tier=Tier(tier))
