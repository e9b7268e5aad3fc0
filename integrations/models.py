from django.conf import settings
from django.db import models
from django.utils import timezone

from core.crypto import EncryptedTextField
from core.ids import PrefixedIdField


class AiProviderKey(models.Model):
    """A user's own key for an AI provider (bring your own key), one per provider, stored encrypted."""

    id = PrefixedIdField(prefix="key")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ai_keys")
    provider = models.CharField(max_length=40)
    api_key = EncryptedTextField()
    key_hint = models.CharField(
        max_length=16, help_text="The last characters of the key; the key itself is never shown."
    )
    base_url = models.URLField(
        max_length=500, blank=True, help_text="The user's own endpoint, replacing the provider's."
    )
    model = models.CharField(max_length=100, blank=True, help_text="Model name; the provider's default when blank.")
    is_valid = models.BooleanField(null=True, help_text="Result of the last check; empty until checked.")
    last_error = models.CharField(max_length=500, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["provider"]
        constraints = [models.UniqueConstraint(fields=["user", "provider"], name="ai_key_one_per_provider")]

    def __str__(self) -> str:
        return f"{self.provider} {self.key_hint}"


class AiCallOutcome(models.TextChoices):
    OK = "ok", "Valid output"
    INVALID_OUTPUT = "invalid_output", "Output failed validation"
    ERROR = "error", "Provider error"


class AiCall(models.Model):
    """One call to an AI provider: who, for what, which model, how many tokens, how it ended."""

    id = PrefixedIdField(prefix="aic")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ai_calls")
    provider = models.CharField(max_length=40)
    model = models.CharField(max_length=100, blank=True)
    purpose = models.CharField(max_length=60)
    subject_type = models.CharField(max_length=40, blank=True, help_text="What the call served, e.g. project.")
    subject_id = models.CharField(max_length=40, blank=True, db_index=True)
    tokens_in = models.PositiveIntegerField(default=0)
    tokens_out = models.PositiveIntegerField(default=0)
    duration_ms = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=20, choices=AiCallOutcome.choices)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.provider}/{self.model} {self.purpose} ({self.outcome})"
