from django.contrib import admin

from integrations.models import AiCall, AiProviderKey


@admin.register(AiProviderKey)
class AiProviderKeyAdmin(admin.ModelAdmin):
    """Keys are shown by hint only; the encrypted value never leaves the database here."""

    list_display = ["user", "provider", "key_hint", "is_valid", "last_used_at", "created_at"]
    list_filter = ["provider", "is_valid"]
    list_select_related = ["user"]
    search_fields = ["user__email", "provider"]
    fields = [
        "user",
        "provider",
        "key_hint",
        "base_url",
        "model",
        "is_valid",
        "last_error",
        "checked_at",
        "last_used_at",
        "created_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AiCall)
class AiCallAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "user",
        "provider",
        "model",
        "purpose",
        "outcome",
        "tokens_in",
        "tokens_out",
        "duration_ms",
    ]
    list_filter = ["provider", "outcome", "purpose"]
    list_select_related = ["user"]
    search_fields = ["user__email", "subject_id"]
    readonly_fields = [field.name for field in AiCall._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
