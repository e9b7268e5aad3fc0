from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import ApiToken, Tier, UsageCounter, User
from accounts.services import api_token_revoke, users_set_active, users_set_tier


class UserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "tier")


def _https_url_fields(db_field, **kwargs):
    if isinstance(db_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return db_field.formfield(**kwargs)


class UserChangeForm(BaseUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        formfield_callback = _https_url_fields


class ApiTokenInline(admin.TabularInline):
    model = ApiToken
    fields = ("name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


def _tier_action(tier: Tier):
    def action(modeladmin, request, queryset):
        count = users_set_tier(users=queryset, tier=tier)
        modeladmin.message_user(request, f"{count} user(s) moved to {tier.label}.", messages.SUCCESS)

    action.__name__ = f"set_tier_{tier.value}"
    action.short_description = f"Move selected users to the {tier.label} tier"
    return action


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ["-created_at"]
    list_display = ["email", "name", "github_username", "tier", "is_active", "is_staff", "created_at", "last_login"]
    list_editable = ["tier"]
    list_filter = ["tier", "is_active", "is_staff"]
    search_fields = ["email", "name", "github_username", "id"]
    readonly_fields = ["id", "github_username", "oidc_subject", "created_at", "last_login"]
    fieldsets = (
        (None, {"fields": ("id", "email", "password")}),
        ("Profile", {"fields": ("name", "avatar_url", "github_username", "oidc_subject")}),
        ("Plan", {"fields": ("tier",)}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("created_at", "last_login")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "tier", "password1", "password2")}),)
    inlines = [ApiTokenInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["deactivate", "activate", *(_tier_action(tier) for tier in Tier)]

    def get_inlines(self, request, obj):
        # A user being added has no tokens yet.
        return self.inlines if obj else []

    @admin.action(description="Deactivate selected users (sign-in and tokens stop working)")
    def deactivate(self, request, queryset):
        count = users_set_active(users=queryset.exclude(pk=request.user.pk), active=False)
        self.message_user(request, f"{count} user(s) deactivated.", messages.SUCCESS)

    @admin.action(description="Reactivate selected users")
    def activate(self, request, queryset):
        count = users_set_active(users=queryset, active=True)
        self.message_user(request, f"{count} user(s) reactivated.", messages.SUCCESS)


class TokenStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("active", "Active"), ("expired", "Expired"), ("revoked", "Revoked")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "active":
            return queryset.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        if self.value() == "expired":
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at"]
    list_filter = [TokenStatusFilter]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__email", "id"]
    readonly_fields = ["id", "user", "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at"]
    fields = readonly_fields
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Revoke selected tokens")
    def revoke(self, request, queryset):
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            api_token_revoke(token=token)
        self.message_user(request, f"{len(tokens)} token(s) revoked.", messages.SUCCESS)


@admin.register(UsageCounter)
class UsageCounterAdmin(admin.ModelAdmin):
    list_display = ["user", "metric", "period_start", "value", "updated_at"]
    list_filter = ["metric", "period_start"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    readonly_fields = ["user", "metric", "period_start", "value", "updated_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
