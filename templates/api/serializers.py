from rest_framework import serializers

from templates.models import TemplateKind
from workspaces.architecture.catalog import GENERATORS, PROVIDERS


class TemplateSerializer(serializers.Serializer):
    id = serializers.CharField()
    kind = serializers.ChoiceField(choices=TemplateKind.choices)
    name = serializers.CharField()
    description = serializers.CharField()
    category = serializers.CharField()
    providers = serializers.ListField(child=serializers.CharField(), help_text="What the template generates for.")
    built_in = serializers.SerializerMethodField()
    owner_id = serializers.CharField(allow_null=True)
    node_count = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_built_in(self, template) -> bool:
        return template.owner_id is None

    def get_node_count(self, template) -> int:
        return len(template.content.get("nodes", []))


class TemplateDetailSerializer(TemplateSerializer):
    architecture = serializers.JSONField(source="content", help_text="The CloudBlocks v4 architecture.")


class TemplateListQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=TemplateKind.choices, required=False)
    category = serializers.CharField(max_length=40, required=False)
    provider = serializers.ChoiceField(choices=PROVIDERS, required=False)
    search = serializers.CharField(max_length=200, required=False, default="")


class TemplateApplySerializer(serializers.Serializer):
    name = serializers.CharField(min_length=1, max_length=200)
    provider = serializers.ChoiceField(choices=PROVIDERS)
    generator = serializers.ChoiceField(choices=GENERATORS, required=False)
    region = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)


class TemplateCreateSerializer(serializers.Serializer):
    workspace_id = serializers.CharField(help_text="The workspace whose current architecture is saved.")
    name = serializers.CharField(min_length=1, max_length=200)
    description = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)
    category = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)
