from rest_framework import serializers

from integrations.models import AiProviderKey


class AiKeySerializer(serializers.ModelSerializer):
    class Meta:
        model = AiProviderKey
        fields = [
            "provider",
            "key_hint",
            "base_url",
            "model",
            "is_valid",
            "last_error",
            "checked_at",
            "last_used_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class AiKeySaveSerializer(serializers.Serializer):
    provider = serializers.CharField(max_length=40)
    api_key = serializers.CharField(min_length=1, max_length=500, trim_whitespace=True)
    base_url = serializers.URLField(max_length=500, required=False, allow_blank=True, default="")
    model = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class AiProviderSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    model = serializers.CharField(help_text="The default model.")
    operator_key = serializers.BooleanField(help_text="The operator provides a key every user may use.")
    has_key = serializers.BooleanField(help_text="You have saved a key for this provider.")
    default = serializers.BooleanField(help_text="Used when a request names no provider.")
