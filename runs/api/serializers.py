from django.urls import reverse
from rest_framework import serializers

from integrations.ai.providers import provider_names
from runs.events import event_data
from runs.models import Deployment, Export, ExportFormat, Run, RunStatus, Task


class TasksSummarySerializer(serializers.Serializer):
    total = serializers.IntegerField(source="tasks_total")
    succeeded = serializers.IntegerField(source="tasks_succeeded")
    failed = serializers.IntegerField(source="tasks_failed")


class RunSummarySerializer(serializers.ModelSerializer):
    """A run in lists (annotated by `runs_with_summary`)."""

    project_id = serializers.CharField()
    tasks_summary = TasksSummarySerializer(source="*")

    class Meta:
        model = Run
        fields = [
            "id",
            "project_id",
            "run_number",
            "kind",
            "status",
            "trigger",
            "provider",
            "cancel_requested",
            "tasks_summary",
            "error",
            "created_at",
            "started_at",
            "completed_at",
        ]
        read_only_fields = fields


class TaskSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Task
        fields = ["id", "slug", "status", "sequence", "branch_name"]
        read_only_fields = fields


class TaskSerializer(serializers.ModelSerializer):
    definition = serializers.JSONField(
        help_text="id, slug, description, instructions, dependencies, pathScope, expectedOutputs."
    )
    result = serializers.JSONField(help_text="filesCreated, filesModified, filesDeleted, commitSha.")

    class Meta:
        model = Task
        fields = [
            "id",
            "slug",
            "status",
            "sequence",
            "definition",
            "branch_name",
            "worktree_path",
            "result",
            "error",
            "attempts",
            "started_at",
            "completed_at",
        ]
        read_only_fields = fields


class SpecSnapshotSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    commit_sha = serializers.CharField()
    documents = serializers.DictField(child=serializers.CharField())


class RunDetailSerializer(serializers.ModelSerializer):
    project_id = serializers.CharField()
    spec_snapshot = SpecSnapshotSerializer(source="spec_version", help_text="The approved spec the run builds.")
    tasks_json = serializers.JSONField(help_text="{tasks, mergeOrder}: the decomposition.")
    tasks = TaskSummarySerializer(many=True)
    verification_result = serializers.JSONField(
        help_text="passed, exitCode, timedOut, durationMs, summary, criteria [{id, title, status, output}], output."
    )
    retry_of = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Run
        fields = [
            "id",
            "project_id",
            "run_number",
            "kind",
            "status",
            "trigger",
            "provider",
            "retry_of",
            "cancel_requested",
            "spec_snapshot",
            "tasks_json",
            "tasks",
            "base_commit",
            "merged_commit",
            "verification_result",
            "error",
            "token_budget",
            "tokens_used",
            "repair_rounds",
            "event_count",
            "created_at",
            "started_at",
            "completed_at",
        ]
        read_only_fields = fields


class RunCreateSerializer(serializers.Serializer):
    trigger = serializers.ChoiceField(
        choices=["manual", "api", "schedule", "webhook"],
        default="manual",
        help_text="What started the build, for the record; retries come from POST …/retry.",
    )
    provider = serializers.ChoiceField(
        choices=provider_names(), required=False, help_text="Overrides the project's provider for this build."
    )


class RunStateSerializer(serializers.Serializer):
    id = serializers.CharField()
    status = serializers.ChoiceField(choices=RunStatus.choices)
    cancel_requested = serializers.BooleanField()


class RunEventSerializer(serializers.Serializer):
    """A RunEvent as every channel sends it (REST, SSE, WebSocket)."""

    id = serializers.CharField()
    run_id = serializers.CharField()
    seq = serializers.IntegerField()
    event_type = serializers.CharField()
    task_id = serializers.CharField(allow_null=True)
    payload = serializers.JSONField()
    timestamp = serializers.DateTimeField()

    def to_representation(self, instance):
        return event_data(instance)


class ExportCreateSerializer(serializers.Serializer):
    run_id = serializers.CharField(max_length=40)
    format = serializers.ChoiceField(choices=ExportFormat.choices, default=ExportFormat.ZIP)


class ExportSerializer(serializers.ModelSerializer):
    run_id = serializers.CharField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Export
        fields = [
            "id",
            "run_id",
            "status",
            "format",
            "commit_sha",
            "size_bytes",
            "download_url",
            "error",
            "expires_at",
            "created_at",
            "completed_at",
        ]
        read_only_fields = fields

    def get_download_url(self, export) -> str | None:
        if export.status != "completed":
            return None
        return reverse("project-export-download", kwargs={"project_pk": export.project_id, "pk": export.pk})


class DeployCreateSerializer(serializers.Serializer):
    run_id = serializers.CharField(max_length=40)
    provider = serializers.CharField(required=False, default="local", max_length=20)


class DeploymentSerializer(serializers.ModelSerializer):
    run_id = serializers.CharField()

    class Meta:
        model = Deployment
        fields = [
            "id",
            "run_id",
            "provider",
            "status",
            "url",
            "error",
            "expires_at",
            "created_at",
            "live_at",
            "stopped_at",
        ]
        read_only_fields = fields


class FileEntrySerializer(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.ChoiceField(choices=["file", "directory", "symlink", "submodule"])
    size = serializers.IntegerField(required=False, help_text="Files only.")


class FileListSerializer(serializers.Serializer):
    ref = serializers.CharField()
    commit = serializers.CharField()
    path = serializers.CharField()
    entries = FileEntrySerializer(many=True)


class FileContentSerializer(serializers.Serializer):
    path = serializers.CharField()
    ref = serializers.CharField()
    commit = serializers.CharField()
    content = serializers.CharField()
    encoding = serializers.ChoiceField(choices=["utf-8", "base64"])
    size = serializers.IntegerField()


class CountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    active = serializers.IntegerField()


class RunCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    succeeded = serializers.IntegerField()
    failed = serializers.IntegerField()
    in_progress = serializers.IntegerField()


class QueueSerializer(serializers.Serializer):
    pending = serializers.IntegerField(allow_null=True)
    processing = serializers.IntegerField(allow_null=True)


class WorkersSerializer(serializers.Serializer):
    total = serializers.IntegerField(allow_null=True)
    active = serializers.IntegerField(allow_null=True)


class SystemStatsSerializer(serializers.Serializer):
    projects = CountsSerializer()
    runs = RunCountsSerializer()
    queue = QueueSerializer()
    workers = WorkersSerializer()
