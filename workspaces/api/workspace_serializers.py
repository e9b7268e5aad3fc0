from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from templates.compose import COMPLEXITIES
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


class GenerateSerializer(serializers.Serializer):
    generator = serializers.ChoiceField(choices=GENERATORS, required=False, help_text="The workspace's by default.")
    provider = serializers.ChoiceField(choices=PROVIDERS, required=False, help_text="The workspace's by default.")
    region = serializers.CharField(
        max_length=40, required=False, allow_blank=True, help_text="The workspace's (or the provider's) by default."
    )
    commit_message = serializers.CharField(max_length=500, required=False, allow_blank=False)
    branch = serializers.CharField(max_length=200, required=False, help_text="Commit here; `main` by default.")
    create_pr = serializers.BooleanField(default=False)


class PreviewQuerySerializer(serializers.Serializer):
    generator = serializers.ChoiceField(choices=GENERATORS, required=False)
    provider = serializers.ChoiceField(choices=PROVIDERS, required=False)
    region = serializers.CharField(max_length=40, required=False, allow_blank=True)


class GeneratedFileSerializer(serializers.Serializer):
    path = serializers.CharField(help_text="Relative to the output directory.")
    content = serializers.CharField()


class PreviewSerializer(serializers.Serializer):
    generator = serializers.CharField()
    provider = serializers.CharField()
    region = serializers.CharField(help_text="Empty: the provider's default region.")
    architecture_sha = serializers.CharField(help_text="The commit of architecture.json the files come from.")
    directory = serializers.CharField(help_text="Where a generation run would commit them.")
    files = GeneratedFileSerializer(many=True)


# The engine's statuses, as the seed's generation statuses.
SEED_STATUS = {"queued": "pending", "succeeded": "completed", "failed": "failed", "cancelled": "failed"}


class WrittenFileSerializer(serializers.Serializer):
    path = serializers.CharField()
    bytes = serializers.IntegerField()
    change = serializers.ChoiceField(choices=["created", "modified", "unchanged"])


class GenerationErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="UNSUPPORTED_BLOCK, UNSUPPORTED_CONNECTION, VALIDATION_ERROR …")
    message = serializers.CharField()
    target_id = serializers.CharField(allow_null=True, help_text="The block or connection at fault.")


class GenerationRunSerializer(serializers.Serializer):
    id = serializers.CharField()
    workspace_id = serializers.CharField()
    run_number = serializers.IntegerField()
    status = serializers.SerializerMethodField(help_text="pending, running, completed or failed (seed 000).")
    generator = serializers.CharField(source="options.generator")
    provider = serializers.CharField(source="options.provider")
    region = serializers.CharField(source="options.region")
    branch = serializers.CharField(source="options.branch")
    commit_message = serializers.CharField(source="options.commitMessage")
    commit_sha = serializers.SerializerMethodField()
    files = WrittenFileSerializer(many=True, source="result.files", default=list)
    error = serializers.SerializerMethodField()
    channel = serializers.SerializerMethodField(help_text="Subscribe to it on /api/v1/ws for the run's events.")
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)

    def get_status(self, run) -> str:
        return SEED_STATUS.get(run.status, "running")

    @extend_schema_field(GenerationErrorSerializer(allow_null=True))
    def get_error(self, run) -> dict | None:
        error = run.result.get("error") or (
            {"code": "GENERATION_FAILED", "message": run.error, "targetId": None} if run.error else None
        )
        return None if error is None else {"code": error["code"], "message": error["message"],
                                           "target_id": error["targetId"]}  # fmt: skip

    def get_commit_sha(self, run) -> str | None:
        return run.commit_sha or None

    def get_channel(self, run) -> str:
        return f"run:{run.pk}"


class AiGenerateSerializer(serializers.Serializer):
    prompt = serializers.CharField(max_length=4000, allow_blank=False)
    provider = serializers.ChoiceField(choices=PROVIDERS, help_text="The cloud to draw for.")
    complexity = serializers.ChoiceField(choices=COMPLEXITIES, default="standard")
    ai_provider = serializers.CharField(
        required=False, help_text="builtin or a configured AI provider; by default your key's, else builtin."
    )


class AiGeneratedSerializer(serializers.Serializer):
    architecture = serializers.JSONField(help_text="Valid for the provider (checked by our validator).")
    warnings = serializers.ListField(child=serializers.CharField())
    explanation = serializers.CharField()
    ai_provider = serializers.CharField()


class AiSuggestSerializer(serializers.Serializer):
    architecture = serializers.JSONField(help_text=ARCHITECTURE_HELP)
    provider = serializers.ChoiceField(choices=PROVIDERS, required=False)
    ai_provider = serializers.CharField(required=False)


class SuggestionSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=["security", "reliability", "best_practice", "cost"])
    severity = serializers.ChoiceField(choices=["critical", "warning", "info"])
    message = serializers.CharField()
    action_description = serializers.CharField()
    target_id = serializers.CharField(allow_null=True)


class ScoreSerializer(serializers.Serializer):
    security = serializers.IntegerField(min_value=0, max_value=100)
    reliability = serializers.IntegerField(min_value=0, max_value=100)
    best_practice = serializers.IntegerField(min_value=0, max_value=100)


class AiSuggestionsSerializer(serializers.Serializer):
    suggestions = SuggestionSerializer(many=True)
    score = ScoreSerializer()
    ai_provider = serializers.CharField()


class AiCostSerializer(serializers.Serializer):
    architecture = serializers.JSONField(help_text=ARCHITECTURE_HELP)
    provider = serializers.ChoiceField(choices=PROVIDERS)
    region = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)
    usage = serializers.DictField(
        required=False,
        default=dict,
        help_text="Overrides of hoursPerMonth, requestsPerMonth, storageGb, egressGb, messagesPerMonth, logGb.",
    )


class CostLineSerializer(serializers.Serializer):
    resource_id = serializers.CharField()
    name = serializers.CharField()
    resource_type = serializers.CharField()
    service = serializers.CharField()
    quantity = serializers.IntegerField()
    monthly_cost = serializers.FloatField()
    assumptions = serializers.ListField(child=serializers.CharField())


class CostEstimateSerializer(serializers.Serializer):
    currency = serializers.CharField()
    catalog_version = serializers.CharField()
    source = serializers.ChoiceField(choices=["builtin", "infracost"])
    provider = serializers.CharField()
    region = serializers.CharField()
    usage = serializers.DictField()
    lines = CostLineSerializer(many=True)
    total_monthly_cost = serializers.FloatField()
    notes = serializers.ListField(child=serializers.CharField())
