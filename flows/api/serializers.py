from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from flows.definition import MAX_NODES
from flows.models import Execution, ExecutionStep, Flow, FlowLog, FlowVersion, MemoryEntry, Trigger, TriggerType
from flows.services.schedules import next_fire_times

MAX_ID_LENGTH = 100


class PositionSerializer(serializers.Serializer):
    x = serializers.FloatField()
    y = serializers.FloatField()


class ViewportSerializer(serializers.Serializer):
    x = serializers.FloatField()
    y = serializers.FloatField()
    zoom = serializers.FloatField()


class CanvasNodeSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=MAX_ID_LENGTH)
    type = serializers.CharField(max_length=40, help_text="trigger, llmCall, httpRequest, codeBlock, conditional, "
                                 "output or custom.")  # fmt: skip
    position = PositionSerializer()
    data = serializers.DictField(help_text="{name, label, description?, handler?, payloadClass?, isAgent?, config}")


class CanvasEdgeSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=MAX_ID_LENGTH)
    source = serializers.CharField(max_length=MAX_ID_LENGTH)
    target = serializers.CharField(max_length=MAX_ID_LENGTH)
    sourceHandle = serializers.CharField(max_length=MAX_ID_LENGTH, required=False, allow_null=True)
    targetHandle = serializers.CharField(max_length=MAX_ID_LENGTH, required=False, allow_null=True)
    data = serializers.DictField(required=False, help_text="{condition: always|on_success|on_error|conditional, "
                                 "conditionExpression?}")  # fmt: skip


class CanvasStateSerializer(serializers.Serializer):
    """React Flow's canvas. Only its shape is checked here; POST …/validate reports what is wrong with its content."""

    nodes = CanvasNodeSerializer(many=True, max_length=MAX_NODES)
    edges = CanvasEdgeSerializer(many=True, max_length=MAX_NODES * 4)
    viewport = ViewportSerializer(required=False)

    def validate(self, attrs):
        node_ids = [node["id"] for node in attrs["nodes"]]
        if len(set(node_ids)) != len(node_ids):
            raise serializers.ValidationError({"nodes": ["Node ids must be unique."]})
        edge_ids = [edge["id"] for edge in attrs["edges"]]
        if len(set(edge_ids)) != len(edge_ids):
            raise serializers.ValidationError({"edges": ["Edge ids must be unique."]})
        attrs.setdefault("viewport", {"x": 0, "y": 0, "zoom": 1})
        for edge in attrs["edges"]:
            for key in ("sourceHandle", "targetHandle"):
                if edge.get(key) is None:
                    edge.pop(key, None)
        return attrs


class FlowSettingsSerializer(serializers.Serializer):
    timeoutSeconds = serializers.IntegerField(
        min_value=1, max_value=settings.FLOW_MAX_TIMEOUT_SECONDS, required=False,
        help_text="Per-execution timeout (300 by default); past it the execution ends as `timeout`.",
    )  # fmt: skip
    maxNodeVisits = serializers.IntegerField(
        min_value=1, max_value=settings.FLOW_MAX_NODE_VISITS, required=False,
        help_text="Cap on node visits per execution (100 by default), which bounds loops.",
    )  # fmt: skip
    logPayloads = serializers.BooleanField(required=False, help_text="Log each step's input and output.")


class FlowSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Flow
        fields = ["id", "name", "description", "status", "version", "updated_at"]


class FlowSerializer(serializers.ModelSerializer):
    user_id = serializers.CharField(source="owner_id", read_only=True)
    canvas_state = serializers.JSONField()
    settings = serializers.JSONField()
    input_schema = serializers.JSONField(allow_null=True)

    class Meta:
        model = Flow
        fields = [
            "id",
            "user_id",
            "name",
            "description",
            "organism_yaml",
            "canvas_state",
            "settings",
            "input_schema",
            "status",
            "error_message",
            "version",
            "created_at",
            "updated_at",
        ]


class FlowWriteSerializer(serializers.Serializer):
    name = serializers.CharField(min_length=1, max_length=100)
    description = serializers.CharField(max_length=500, required=False, allow_blank=True, allow_null=True)
    organism_yaml = serializers.CharField(required=False, allow_blank=False, trim_whitespace=False)
    canvas_state = CanvasStateSerializer(required=False)
    settings = FlowSettingsSerializer(required=False)
    input_schema = serializers.JSONField(required=False, allow_null=True)

    def validate_input_schema(self, value):
        if value is not None and not isinstance(value, dict):
            raise serializers.ValidationError("Must be a JSON Schema object or null.")
        return value

    def validate(self, attrs):
        if attrs.get("description") is None:
            attrs.pop("description", None)
        return attrs


class FlowUpdateSerializer(FlowWriteSerializer):
    name = serializers.CharField(min_length=1, max_length=100, required=False)


class FlowValidateSerializer(serializers.Serializer):
    organism_yaml = serializers.CharField(required=False, trim_whitespace=False)
    canvas_state = CanvasStateSerializer(required=False)


class FlowValidationIssueSerializer(serializers.Serializer):
    code = serializers.CharField()
    severity = serializers.ChoiceField(choices=["error", "warning", "info"])
    message = serializers.CharField()
    nodeId = serializers.CharField(allow_null=True)
    edgeId = serializers.CharField(allow_null=True)
    triggerId = serializers.CharField(allow_null=True)


class FlowValidationSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    errors = serializers.IntegerField()
    warnings = serializers.IntegerField()
    issues = FlowValidationIssueSerializer(many=True)


class FlowVersionSummarySerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by_id", allow_null=True)

    class Meta:
        model = FlowVersion
        fields = ["number", "created_by", "created_at"]


class FlowVersionSerializer(FlowVersionSummarySerializer):
    canvas_state = serializers.JSONField()
    settings = serializers.JSONField()
    input_schema = serializers.JSONField(allow_null=True)

    class Meta:
        model = FlowVersion
        fields = ["number", "organism_yaml", "canvas_state", "settings", "input_schema", "created_by", "created_at"]


class TriggerSerializer(serializers.ModelSerializer):
    flow_id = serializers.CharField(read_only=True)
    config = serializers.JSONField()
    webhook_token = serializers.SerializerMethodField()
    webhook_url = serializers.SerializerMethodField()
    next_fire_times = serializers.SerializerMethodField(help_text="Schedule triggers: the next 5 fire times (UTC).")

    class Meta:
        model = Trigger
        fields = [
            "id",
            "flow_id",
            "type",
            "name",
            "config",
            "enabled",
            "target_node",
            "webhook_token",
            "webhook_url",
            "next_fire_times",
            "last_triggered_at",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_webhook_token(self, trigger: Trigger) -> str | None:
        return trigger.webhook_token or None

    @extend_schema_field(OpenApiTypes.URI)
    def get_webhook_url(self, trigger: Trigger) -> str | None:
        if trigger.type != TriggerType.WEBHOOK:
            return None
        path = f"/webhooks/{trigger.webhook_token}"
        if settings.PUBLIC_BASE_URL:
            return f"{settings.PUBLIC_BASE_URL}{path}"
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    @extend_schema_field(serializers.ListField(child=serializers.DateTimeField()))
    def get_next_fire_times(self, trigger: Trigger) -> list[str] | None:
        if trigger.type != TriggerType.SCHEDULE:
            return None
        times = next_fire_times(trigger.config["cron"], trigger.config["timezone"])
        return [serializers.DateTimeField().to_representation(moment) for moment in times]


class TriggerCreateSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=TriggerType.choices)
    name = serializers.CharField(min_length=1, max_length=100)
    config = serializers.JSONField(required=False, default=dict, help_text=(
        "webhook: {responseMode: async|sync, syncTimeoutSeconds, signature: {preset: github|stripe|standard|hmac, "
        "secret, header?}}; schedule: {cron, timezone, overlap: skip|allow, payload}; manual: {defaultPayload}."
    ))  # fmt: skip
    enabled = serializers.BooleanField(required=False, default=True)
    target_node = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class TriggerUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(min_length=1, max_length=100, required=False)
    config = serializers.JSONField(required=False, help_text="Merged into the current config.")
    enabled = serializers.BooleanField(required=False)
    target_node = serializers.CharField(max_length=100, required=False, allow_blank=True)


class ExecutionSummarySerializer(serializers.ModelSerializer):
    flow_id = serializers.CharField(read_only=True)
    trigger_id = serializers.CharField(read_only=True, allow_null=True)
    version = serializers.IntegerField(source="version.number")

    class Meta:
        model = Execution
        fields = [
            "id",
            "flow_id",
            "trigger_id",
            "trigger_type",
            "status",
            "version",
            "started_at",
            "completed_at",
            "duration_ms",
        ]


class ExecutionStepSerializer(serializers.ModelSerializer):
    input = serializers.JSONField()
    output = serializers.JSONField()

    class Meta:
        model = ExecutionStep
        fields = [
            "index",
            "node_id",
            "node_name",
            "node_type",
            "status",
            "input",
            "output",
            "error",
            "attempts",
            "started_at",
            "duration_ms",
        ]


class ExecutionSerializer(ExecutionSummarySerializer):
    input_payload = serializers.JSONField()
    output_payload = serializers.JSONField()
    replay_of = serializers.CharField(source="replay_of_id", allow_null=True)
    steps = ExecutionStepSerializer(many=True, read_only=True)

    class Meta:
        model = Execution
        fields = [
            *ExecutionSummarySerializer.Meta.fields,
            "error_message",
            "input_payload",
            "output_payload",
            "tokens_used",
            "attempts",
            "scheduled_for",
            "replay_of",
            "steps",
        ]


class ExecutionRunSerializer(serializers.Serializer):
    input = serializers.JSONField(required=False, allow_null=True, help_text="The payload; checked against "
                                  "the flow's inputSchema when it has one.")  # fmt: skip


class FlowStatsSerializer(serializers.Serializer):
    flow_id = serializers.CharField()
    executions_total = serializers.IntegerField()
    executions_success = serializers.IntegerField()
    executions_error = serializers.IntegerField(help_text="Executions that ended in error or timeout.")
    avg_duration_ms = serializers.FloatField()
    last_executed_at = serializers.DateTimeField(allow_null=True)


class LogEntrySerializer(serializers.ModelSerializer):
    timestamp = serializers.DateTimeField(source="created_at")
    execution_id = serializers.CharField(allow_null=True)
    metadata = serializers.JSONField()

    class Meta:
        model = FlowLog
        fields = ["id", "timestamp", "level", "event_type", "message", "execution_id", "seq", "metadata"]


class ProjectMemorySerializer(serializers.Serializer):
    flow_id = serializers.CharField()
    enabled = serializers.BooleanField()
    used_bytes = serializers.IntegerField()
    max_bytes = serializers.IntegerField(allow_null=True, help_text="0: the plan has no memory; null: unlimited.")
    keys = serializers.ListField(child=serializers.CharField())


class MemorySettingsSerializer(serializers.Serializer):
    enabled = serializers.BooleanField()


class MemoryEntrySerializer(serializers.ModelSerializer):
    value = serializers.JSONField()

    class Meta:
        model = MemoryEntry
        fields = ["key", "value", "size_bytes", "version", "updated_at"]


class MemoryWriteSerializer(serializers.Serializer):
    value = serializers.JSONField(help_text="Any JSON value.")
    expected_version = serializers.IntegerField(
        min_value=0, required=False, help_text="Write only if the entry is at this version (0: only if it is new)."
    )


class UsageStatsSerializer(serializers.Serializer):
    user_id = serializers.CharField()
    period = serializers.ChoiceField(choices=["day", "month"])
    period_start = serializers.DateTimeField()
    flow_count = serializers.IntegerField()
    execution_count = serializers.IntegerField()
    execution_limit = serializers.IntegerField(allow_null=True, help_text="Per month; null: unlimited.")


class WebhookAcceptedSerializer(serializers.Serializer):
    status = serializers.CharField()
    execution_id = serializers.CharField()
    message = serializers.CharField()


class WebhookTestSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    trigger_name = serializers.CharField()
    flow_name = serializers.CharField()
    flow_status = serializers.CharField()
