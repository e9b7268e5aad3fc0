from rest_framework import serializers

from workspaces.architecture.catalog import GENERATORS, PROVIDERS
from workspaces.models import Workspace

ARCHITECTURE_HELP = "A CloudBlocks v4 architecture (older v3 shapes are migrated); keys are kept as sent."


class WorkspaceSerializer(serializers.ModelSerializer):
    owner_id = serializers.CharField(read_only=True)
    github_repo = serializers.SerializerMethodField(help_text="owner/repo, or null when not linked.")

    class Meta:
        model = Workspace
        fields = [
            "id",
            "owner_id",
            "name",
            "generator",
            "provider",
            "region",
            "github_repo",
            "github_branch",
            "last_synced_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_github_repo(self, workspace) -> str | None:
        return workspace.github_repo or None


class WorkspaceWriteSerializer(serializers.Serializer):
    name = serializers.CharField(min_length=1, max_length=200)
    generator = serializers.ChoiceField(choices=GENERATORS, default="terraform")
    provider = serializers.ChoiceField(choices=PROVIDERS, default="azure")
    region = serializers.CharField(max_length=40, allow_blank=True, default="", help_text="Empty: the default.")
    github_repo = serializers.CharField(max_length=200, allow_null=True, default=None, help_text="owner/repo")
    github_branch = serializers.CharField(max_length=100, allow_null=True, default="main")


class WorkspaceCreateSerializer(WorkspaceWriteSerializer):
    architecture = serializers.JSONField(required=False, help_text=f"The first architecture. {ARCHITECTURE_HELP}")


class WorkspaceUpdateSerializer(WorkspaceWriteSerializer):
    """Every field optional: omitted fields stay; `githubRepo: null` unlinks, `githubBranch: null` means main."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class ArchitectureAtRefSerializer(serializers.Serializer):
    architecture = serializers.JSONField(help_text=ARCHITECTURE_HELP)
    ref = serializers.CharField()
    commit_sha = serializers.CharField()


class ArchitectureSaveSerializer(serializers.Serializer):
    architecture = serializers.JSONField(help_text=ARCHITECTURE_HELP)
    commit_message = serializers.CharField(max_length=500, required=False, allow_blank=False)
    expected_sha = serializers.RegexField(
        r"^[0-9a-f]{40}$", required=False, help_text="Commit only if the branch is still at this commit (else 409)."
    )


class ValidationIssueSerializer(serializers.Serializer):
    rule_id = serializers.CharField()
    severity = serializers.ChoiceField(choices=["error", "warning"])
    message = serializers.CharField()
    suggestion = serializers.CharField()
    target_id = serializers.CharField()


class ValidationResultSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    errors = ValidationIssueSerializer(many=True)
    warnings = ValidationIssueSerializer(many=True)


class ArchitectureSavedSerializer(serializers.Serializer):
    architecture = serializers.JSONField(help_text="What was committed: migrated, endpoints derived.")
    commit_sha = serializers.CharField()
    changed = serializers.BooleanField(help_text="False when the architecture was already the current one.")
    validation = ValidationResultSerializer()
    migrations = serializers.ListField(
        child=serializers.CharField(), help_text="How an older shape (v3, external actors …) was brought to v4."
    )


class WorkspaceValidateSerializer(serializers.Serializer):
    architecture = serializers.JSONField(required=False, help_text="Omitted: the committed architecture.")


class ArchitectureValidateSerializer(serializers.Serializer):
    architecture = serializers.JSONField(help_text=ARCHITECTURE_HELP)
    provider = serializers.ChoiceField(
        choices=PROVIDERS, required=False, help_text="Adds the rules of the provider the architecture targets."
    )


class CommitSerializer(serializers.Serializer):
    sha = serializers.CharField()
    message = serializers.CharField()
    author = serializers.CharField()
    author_email = serializers.CharField()
    date = serializers.CharField()


class SessionWorkspaceSerializer(serializers.Serializer):
    workspace_id = serializers.CharField(max_length=40)
    repo_full_name = serializers.CharField(max_length=200, required=False, allow_null=True)


class SessionWorkspaceResultSerializer(serializers.Serializer):
    current_workspace_id = serializers.CharField(allow_null=True)
    current_repo_full_name = serializers.CharField(allow_null=True)
