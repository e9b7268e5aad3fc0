from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone

from core.crypto import EncryptedTextField
from core.ids import PrefixedIdField


class Tier(models.TextChoices):
    FREE = "free", "Free"
    PAID = "paid", "Paid"
    PRO = "pro", "Pro"
    ENTERPRISE = "enterprise", "Enterprise"
    HIGH_FREQUENCY = "high_frequency", "High frequency"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields):
        user = self.model(email=email.strip().lower(), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person or service account. Signs in with GitHub, an API token or an OIDC JWT."""

    id = PrefixedIdField(prefix="usr")
    email = models.EmailField(unique=True)
    name = models.CharField(max_length=255, blank=True)
    avatar_url = models.URLField(max_length=500, blank=True)
    github_username = models.CharField(max_length=100, blank=True, db_index=True)
    # The OAuth token from GitHub login, for GitHub API calls made on the user's behalf.
    github_access_token = EncryptedTextField(blank=True, editable=False)
    # `sub` claim of the user's OIDC identity when OIDC bearer authentication is configured.
    oidc_subject = models.CharField(max_length=255, unique=True, null=True, blank=True, editable=False)
    tier = models.CharField(max_length=20, choices=Tier.choices, default=Tier.FREE)
    is_active = models.BooleanField(default=True, help_text="Inactive users cannot sign in; their tokens stop working.")
    is_staff = models.BooleanField(default=False, help_text="Staff can use the admin console.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email


class ApiToken(models.Model):
    """A bearer token (`bsk_…`). Only its SHA-256 is stored; the token is shown once."""

    id = PrefixedIdField(prefix="tok")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, help_text="The first characters of the token, to recognise it.")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()


class UsageMetric(models.TextChoices):
    EXECUTIONS = "executions", "Flow executions"
    AI_REQUESTS = "ai_requests", "AI provider calls"
    AI_TOKENS_IN = "ai_tokens_in", "AI input tokens"
    AI_TOKENS_OUT = "ai_tokens_out", "AI output tokens"
    EXECUTIONS_OVERAGE = "executions_overage", "Flow executions beyond the plan"


class UsageCounter(models.Model):
    """A metered quantity for one user and one calendar month (UTC)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="usage_counters")
    metric = models.CharField(max_length=32, choices=UsageMetric.choices)
    period_start = models.DateField(help_text="First day of the month the counter covers.")
    value = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "metric", "period_start"], name="usage_counter_unique_period"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.metric} {self.period_start:%Y-%m}: {self.value}"
