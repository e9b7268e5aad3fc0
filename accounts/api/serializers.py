from rest_framework import serializers

from accounts.models import ApiToken, Tier, User


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "name", "avatar_url", "github_username", "tier", "created_at"]
        read_only_fields = fields


class SessionSerializer(serializers.Serializer):
    user = UserSerializer()
    csrf_token = serializers.CharField(help_text="Send as `X-CSRFToken` on unsafe requests authenticated by cookie.")


class AuthorizeUrlSerializer(serializers.Serializer):
    authorize_url = serializers.URLField(help_text="Send the browser here to sign in with GitHub.")


class LogoutSerializer(serializers.Serializer):
    logged_out = serializers.BooleanField()


class DevLoginSerializer(serializers.Serializer):
    email = serializers.EmailField()
    name = serializers.CharField(max_length=255, required=False, default="")
    tier = serializers.ChoiceField(choices=Tier.choices, required=False)


class ApiTokenSerializer(serializers.ModelSerializer):
    is_expired = serializers.BooleanField(read_only=True)

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "last_used_at", "expires_at", "is_expired", "created_at"]
        read_only_fields = fields


class ApiTokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(min_length=1, max_length=100)
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    token = serializers.CharField(help_text="The token itself. It is shown only in this response.")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]
        read_only_fields = fields


class RateLimitUsageSerializer(serializers.Serializer):
    limit = serializers.IntegerField()
    period_seconds = serializers.IntegerField()
    used = serializers.IntegerField(allow_null=True, help_text="Requests counted in the current window.")


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class PlanLimitsSerializer(serializers.Serializer):
    concurrent_builds = serializers.IntegerField(allow_null=True, help_text="null: unlimited.")
    flows = serializers.IntegerField(allow_null=True)
    executions_per_month = serializers.IntegerField(allow_null=True)
    execution_overage = serializers.BooleanField(
        help_text="Whether executions beyond the monthly limit continue (recorded as overage) or are refused."
    )
    execution_retention_days = serializers.IntegerField(help_text="Executions older than this are deleted.")
    wasm_modules = serializers.IntegerField(allow_null=True)
    memory_bytes = serializers.IntegerField(allow_null=True)


class UsageSerializer(serializers.Serializer):
    """The plan and its usage, with the seed's UsageDashboard fields for flow executions ("runs")."""

    tier = serializers.ChoiceField(choices=Tier.choices)
    period_start = serializers.DateTimeField()
    period_end = serializers.DateTimeField()
    runs_used = serializers.IntegerField(help_text="Flow executions this month.")
    runs_limit = serializers.IntegerField(allow_null=True, help_text="null: unlimited.")
    runs_percentage = serializers.FloatField()
    runs_overage = serializers.IntegerField(help_text="Executions beyond the limit this month (paid plans).")
    estimated_overage = serializers.FloatField(help_text="USD, at $0.50 per 1,000 executions beyond the limit.")
    tokens_used = serializers.IntegerField(help_text="AI tokens in and out this month.")
    days_remaining = serializers.IntegerField()
    period = PeriodSerializer(help_text="The calendar month (UTC) the counters cover.")
    limits = PlanLimitsSerializer()
    rate_limits = serializers.DictField(child=RateLimitUsageSerializer())
    counters = serializers.DictField(child=serializers.IntegerField(), help_text="Metered usage this period.")
