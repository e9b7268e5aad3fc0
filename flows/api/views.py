"""Flow routes: flows, versions, start/stop, triggers, executions, stats, logs, memory, usage."""

from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from core.api.schema import error_response
from core.api.views import BaseAPIView, ScopedViewSet
from flows.api.filters import ExecutionFilter, LogFilter
from flows.api.serializers import (
    ExecutionRunSerializer,
    ExecutionSerializer,
    ExecutionSummarySerializer,
    FlowSerializer,
    FlowStatsSerializer,
    FlowSummarySerializer,
    FlowUpdateSerializer,
    FlowValidateSerializer,
    FlowValidationSerializer,
    FlowVersionSerializer,
    FlowVersionSummarySerializer,
    FlowWriteSerializer,
    LogEntrySerializer,
    MemoryEntrySerializer,
    MemorySettingsSerializer,
    MemoryWriteSerializer,
    ProjectMemorySerializer,
    TriggerCreateSerializer,
    TriggerSerializer,
    TriggerUpdateSerializer,
    UsageStatsSerializer,
)
from flows.models import Execution, ExecutionStep, Flow, FlowLog, FlowVersion, Trigger
from flows.selectors import flow_stats, memory_summary, usage_stats
from flows.services.executions import execution_cancel, execution_replay, execution_run_manually
from flows.services.flows import (
    flow_create,
    flow_delete,
    flow_start,
    flow_stop,
    flow_update,
    flow_validation,
    flow_version_restore,
)
from flows.services.memory import memory_clear, memory_delete, memory_read, memory_set_enabled, memory_write
from flows.services.triggers import trigger_create, trigger_delete, trigger_regenerate_token, trigger_update

FLOW_ID = OpenApiParameter("flow_pk", str, OpenApiParameter.PATH, description="The flow's id.")
VERSION_NUMBER = OpenApiParameter("number", int, OpenApiParameter.PATH, description="The version number.")
MEMORY_KEY = OpenApiParameter("key", str, OpenApiParameter.PATH, description="The memory key.")
NOT_STOPPED = error_response("CONFLICT: the flow is running; stop it first to change its definition.")
INVALID_FLOW = error_response(
    "VALIDATION_ERROR: wrong state ('Cannot start flow in running state'), or the flow has validation errors "
    "(`details` is the validation result)."
)


class FlowChildMixin:
    """Viewsets under /flows/{flow_pk}/: the flow must be the user's (else 404)."""

    def flow(self) -> Flow:
        if not hasattr(self, "_flow"):
            flow = (
                Flow.objects.select_related("owner").filter(pk=self.kwargs["flow_pk"], owner=self.request.user).first()
            )
            if flow is None:
                raise NotFound("Flow not found")
            self._flow = flow
        return self._flow


@extend_schema_view(
    list=extend_schema(summary="List flows", responses=FlowSummarySerializer(many=True)),
    retrieve=extend_schema(summary="Get a flow"),
)
class FlowViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = Flow.objects.all()
    owner_field = "owner"
    serializer_class = FlowSerializer

    def get_serializer_class(self):
        return FlowSummarySerializer if self.action == "list" else FlowSerializer

    @extend_schema(
        summary="Create a flow",
        description="From `organismYaml` or `canvasState` (each generates the other), else a starter flow. "
        "The plan's flow limit applies (403 'Flow limit reached (n). Upgrade to create more flows.').",
        request=FlowWriteSerializer,
        responses={201: FlowSerializer, 403: error_response("FORBIDDEN: the plan's flow limit is reached.")},
    )
    def create(self, request):
        serializer = FlowWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        flow = flow_create(owner=request.user, **serializer.validated_data)
        return Response(FlowSerializer(flow).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a flow",
        description="Send `organismYaml` or `canvasState` (not both): the other is regenerated. A change of the "
        "definition adds a version and needs the flow stopped (409 otherwise); name and description can always change.",
        request=FlowUpdateSerializer,
        responses={200: FlowSerializer, 409: NOT_STOPPED},
    )
    def partial_update(self, request, pk=None):
        serializer = FlowUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        flow = flow_update(flow=self.get_object(), user=request.user, **serializer.validated_data)
        return Response(FlowSerializer(flow).data)

    @extend_schema(summary="Delete a flow with its triggers, executions, logs and memory", responses={204: None})
    def destroy(self, request, pk=None):
        flow_delete(flow=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Validate the flow (or a draft sent in the body, which is not saved)",
        request=FlowValidateSerializer,
        responses=FlowValidationSerializer,
    )
    def validate(self, request, pk=None):
        flow = self.get_object()
        serializer = FlowValidateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = flow_validation(flow, **serializer.validated_data)
        return Response(result)

    @extend_schema(
        summary="Start the flow: validate, activate its triggers, set running",
        request=None,
        responses={200: FlowSerializer, 400: INVALID_FLOW},
    )
    def start(self, request, pk=None):
        return Response(FlowSerializer(flow_start(flow=self.get_object())).data)

    @extend_schema(
        summary="Stop the flow: deactivate its triggers, set stopped",
        request=None,
        responses={200: FlowSerializer, 400: error_response("VALIDATION_ERROR: 'Cannot stop flow in stopped state'")},
    )
    def stop(self, request, pk=None):
        return Response(FlowSerializer(flow_stop(flow=self.get_object())).data)

    @extend_schema(summary="Execution statistics of the flow", responses=FlowStatsSerializer)
    def stats(self, request, pk=None):
        return Response(FlowStatsSerializer(flow_stats(self.get_object())).data)


@extend_schema_view(
    list=extend_schema(summary="A flow's versions, newest first", parameters=[FLOW_ID]),
)
class FlowVersionViewSet(FlowChildMixin, mixins.ListModelMixin, ScopedViewSet):
    queryset = FlowVersion.objects.all()
    owner_field = "flow__owner"
    serializer_class = FlowVersionSummarySerializer

    def scope_queryset(self, queryset):
        return queryset.filter(flow=self.flow())

    def _version(self, number: str) -> FlowVersion:
        version = self.get_queryset().filter(number=number).first() if number.isdigit() else None
        if version is None:
            raise NotFound(f"The flow has no version {number}.")
        return version

    @extend_schema(
        summary="One version of a flow", parameters=[FLOW_ID, VERSION_NUMBER], responses=FlowVersionSerializer
    )
    def retrieve(self, request, flow_pk=None, number=None):
        return Response(FlowVersionSerializer(self._version(number)).data)

    @extend_schema(
        summary="Restore a version: its definition becomes the current one (as a new version)",
        parameters=[FLOW_ID, VERSION_NUMBER],
        request=None,
        responses={200: FlowSerializer, 409: NOT_STOPPED},
    )
    def restore(self, request, flow_pk=None, number=None):
        version = self._version(number)
        flow = flow_version_restore(flow=self.flow(), number=version.number, user=request.user)
        return Response(FlowSerializer(flow).data)


@extend_schema_view(
    list=extend_schema(summary="A flow's triggers", parameters=[FLOW_ID]),
    retrieve=extend_schema(summary="A trigger", parameters=[FLOW_ID]),
)
class TriggerViewSet(FlowChildMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = Trigger.objects.select_related("flow")
    owner_field = "flow__owner"
    serializer_class = TriggerSerializer
    pagination_class = None

    def scope_queryset(self, queryset):
        return queryset.filter(flow=self.flow())

    @extend_schema(
        summary="Add a trigger",
        description="Webhook triggers get a token and an absolute `webhookUrl`; schedule triggers are checked "
        "(5-field cron, IANA time zone) and answer their next 5 fire times; they fire while the flow runs.",
        parameters=[FLOW_ID],
        request=TriggerCreateSerializer,
        responses={201: TriggerSerializer},
    )
    def create(self, request, flow_pk=None):
        serializer = TriggerCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        trigger = trigger_create(flow=self.flow(), **serializer.validated_data)
        return Response(self.get_serializer(trigger).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Change a trigger", parameters=[FLOW_ID], request=TriggerUpdateSerializer)
    def partial_update(self, request, flow_pk=None, pk=None):
        serializer = TriggerUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        trigger = trigger_update(trigger=self.get_object(), **serializer.validated_data)
        return Response(self.get_serializer(trigger).data)

    @extend_schema(summary="Delete a trigger", parameters=[FLOW_ID], responses={204: None})
    def destroy(self, request, flow_pk=None, pk=None):
        trigger_delete(trigger=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Give a webhook trigger a new token (the old URL stops working)",
        parameters=[FLOW_ID],
        request=None,
        responses={200: TriggerSerializer, 400: error_response("VALIDATION_ERROR: not a webhook trigger.")},
    )
    def regenerate_token(self, request, flow_pk=None, pk=None):
        return Response(self.get_serializer(trigger_regenerate_token(trigger=self.get_object())).data)


@extend_schema_view(
    list=extend_schema(
        summary="A flow's executions, newest first",
        parameters=[FLOW_ID],
        responses=ExecutionSummarySerializer(many=True),
    ),
    retrieve=extend_schema(summary="An execution with its steps", parameters=[FLOW_ID]),
)
class ExecutionViewSet(FlowChildMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = Execution.objects.select_related("version")
    owner_field = "owner"
    serializer_class = ExecutionSerializer
    filterset_class = ExecutionFilter

    def get_serializer_class(self):
        return ExecutionSummarySerializer if self.action == "list" else ExecutionSerializer

    def scope_queryset(self, queryset):
        queryset = queryset.filter(flow=self.flow())
        if self.action != "list":
            queryset = queryset.prefetch_related(Prefetch("steps", ExecutionStep.objects.order_by("index")))
        return queryset

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    @extend_schema(
        summary="Run the flow now with a JSON input",
        description="The flow must be running. Answers 201 with the execution (`running`); follow it on "
        "`GET …/executions/{id}` or the WebSocket channel `execution:<id>`.",
        parameters=[FLOW_ID],
        request=ExecutionRunSerializer,
        responses={201: ExecutionSerializer, 429: error_response("QUOTA_EXCEEDED: the month's executions are used.")},
    )
    def run(self, request, flow_pk=None):
        serializer = ExecutionRunSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        execution = execution_run_manually(flow=self.flow(), payload=serializer.validated_data.get("input"))
        return Response(ExecutionSerializer(execution).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Cancel a running execution",
        parameters=[FLOW_ID],
        request=None,
        responses={200: ExecutionSerializer, 409: error_response("EXECUTION_NOT_CANCELLABLE: it has ended.")},
    )
    def cancel(self, request, flow_pk=None, pk=None):
        return Response(ExecutionSerializer(execution_cancel(execution=self.get_object())).data)

    @extend_schema(
        summary="Run an execution again on the flow's current version, with the same or an edited input",
        parameters=[FLOW_ID],
        request=ExecutionRunSerializer,
        responses={201: ExecutionSerializer},
    )
    def replay(self, request, flow_pk=None, pk=None):
        serializer = ExecutionRunSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        payload = serializer.validated_data.get("input", ...)
        replay = execution_replay(execution=self.get_object(), payload=payload)
        return Response(ExecutionSerializer(replay).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="A flow's log, newest first", parameters=[FLOW_ID]),
)
class FlowLogViewSet(FlowChildMixin, mixins.ListModelMixin, ScopedViewSet):
    queryset = FlowLog.objects.all()
    owner_field = "flow__owner"
    serializer_class = LogEntrySerializer
    filterset_class = LogFilter

    def scope_queryset(self, queryset):
        return queryset.filter(flow=self.flow())


class FlowMemoryViewSet(FlowChildMixin, ScopedViewSet):
    """The flow's memory. Scoped through `flow()`, which only finds the user's flows."""

    queryset = Flow.objects.all()
    owner_field = "owner"

    @extend_schema(
        operation_id="flows_memory_summary",
        summary="The flow's memory: enabled, bytes used and allowed, keys",
        parameters=[FLOW_ID],
        responses=ProjectMemorySerializer,
    )
    def summary(self, request, flow_pk=None):
        return Response(ProjectMemorySerializer(memory_summary(self.flow())).data)

    @extend_schema(
        summary="Enable or disable the flow's memory (paid plans)",
        parameters=[FLOW_ID],
        request=MemorySettingsSerializer,
        responses={200: ProjectMemorySerializer, 403: error_response("FORBIDDEN: the plan has no memory.")},
    )
    def configure(self, request, flow_pk=None):
        serializer = MemorySettingsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        memory_set_enabled(flow=self.flow(), enabled=serializer.validated_data["enabled"])
        return Response(ProjectMemorySerializer(memory_summary(self.flow())).data)

    @extend_schema(
        operation_id="flows_memory_clear",
        summary="Delete every memory entry of the flow",
        parameters=[FLOW_ID],
        responses={204: None},
    )
    def clear(self, request, flow_pk=None):
        memory_clear(flow=self.flow())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="One memory entry", parameters=[FLOW_ID, MEMORY_KEY], responses=MemoryEntrySerializer)
    def entry(self, request, flow_pk=None, key=None):
        entry = memory_read(flow=self.flow(), key=key)
        if entry is None:
            raise NotFound(f"No memory entry '{key}'.")
        return Response(MemoryEntrySerializer(entry).data)

    @extend_schema(
        summary="Write a memory entry (compare-and-set with expectedVersion)",
        parameters=[FLOW_ID, MEMORY_KEY],
        request=MemoryWriteSerializer,
        responses={
            200: MemoryEntrySerializer,
            409: error_response("CONFLICT: version mismatch (details.currentVersion), or MEMORY_DISABLED."),
            413: error_response("PAYLOAD_TOO_LARGE: the write would pass the plan's memory size."),
        },
    )
    def write(self, request, flow_pk=None, key=None):
        serializer = MemoryWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = memory_write(flow=self.flow(), key=key, **serializer.validated_data)
        return Response(MemoryEntrySerializer(entry).data)

    @extend_schema(
        summary="Delete a memory entry",
        parameters=[
            FLOW_ID,
            MEMORY_KEY,
            OpenApiParameter("expectedVersion", int, description="Delete only if the entry is at this version."),
        ],
        responses={204: None},
    )
    def remove(self, request, flow_pk=None, key=None):
        raw = request.query_params.get("expectedVersion")
        if raw is not None and not raw.isdigit():
            raise ValidationError({"expectedVersion": ["Must be a non-negative integer."]})
        if not memory_delete(flow=self.flow(), key=key, expected_version=int(raw) if raw is not None else None):
            raise Http404
        return Response(status=status.HTTP_204_NO_CONTENT)


class UsageStatsView(BaseAPIView):
    @extend_schema(
        summary="Flows and executions of today (UTC) or this month",
        parameters=[OpenApiParameter("period", str, enum=["day", "month"], description="month by default.")],
        responses=UsageStatsSerializer,
    )
    def get(self, request):
        period = request.query_params.get("period", "month")
        if period not in ("day", "month"):
            raise ValidationError({"period": ["Must be day or month."]})
        return Response(UsageStatsSerializer(usage_stats(user=request.user, period=period)).data)
