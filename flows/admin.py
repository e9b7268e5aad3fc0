"""The operators' view of flows: definitions, versions, triggers, executions with steps, logs, memory.

Executions, steps, logs and versions are evidence and read-only. Flows can be started, stopped and
their executions replayed from here, through the same services as the API (so validation, schedules
and quotas behave the same).
"""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from core.api.exceptions import ApplicationError
from flows.models import Execution, ExecutionStep, Flow, FlowLog, FlowMemory, FlowVersion, MemoryEntry, Trigger
from flows.services.executions import execution_replay
from flows.services.flows import flow_start, flow_stop
from runs.admin import ReadOnlyAdmin


def _apply(modeladmin, request, queryset, action, noun: str, verb: str) -> None:
    done = 0
    for obj in queryset:
        try:
            action(obj)
            done += 1
        except ApplicationError as exc:
            modeladmin.message_user(request, f"{obj}: {exc.message}", messages.WARNING)
    if done:
        modeladmin.message_user(request, f"{verb} {done} {noun}{'s' if done != 1 else ''}.", messages.SUCCESS)


class TriggerInline(admin.TabularInline):
    model = Trigger
    fields = ["name", "type", "enabled", "target_node", "last_triggered_at"]
    readonly_fields = ["last_triggered_at"]
    extra = 0
    show_change_link = True


@admin.register(Flow)
class FlowAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "status", "version", "updated_at"]
    list_filter = ["status"]
    list_select_related = ["owner"]
    search_fields = ["id", "name", "owner__email"]
    readonly_fields = ["id", "owner", "status", "version", "organism_yaml", "canvas_state", "created_at", "updated_at",
                       "executions"]  # fmt: skip
    inlines = [TriggerInline]
    actions = ["start_flows", "stop_flows"]

    @admin.display(description="Executions")
    def executions(self, flow: Flow) -> str:
        url = reverse("admin:flows_execution_changelist") + f"?flow__id__exact={flow.pk}"
        return format_html('<a href="{}">{} executions</a>', url, flow.executions.count())

    @admin.action(description="Start the selected flows (validated first)")
    def start_flows(self, request, queryset) -> None:
        _apply(self, request, queryset, lambda flow: flow_start(flow=flow), "flow", "Started")

    @admin.action(description="Stop the selected flows")
    def stop_flows(self, request, queryset) -> None:
        _apply(self, request, queryset, lambda flow: flow_stop(flow=flow), "flow", "Stopped")


@admin.register(FlowVersion)
class FlowVersionAdmin(ReadOnlyAdmin):
    list_display = ["flow", "number", "created_by", "created_at"]
    list_select_related = ["flow", "created_by"]
    search_fields = ["flow__id", "flow__name"]
    readonly_fields = [field.name for field in FlowVersion._meta.fields]


@admin.register(Trigger)
class TriggerAdmin(admin.ModelAdmin):
    list_display = ["name", "flow", "type", "enabled", "last_triggered_at"]
    list_filter = ["type", "enabled"]
    list_select_related = ["flow"]
    search_fields = ["id", "name", "flow__id", "flow__name"]
    # Config changes go through the API, which validates them and keeps the schedule in step.
    readonly_fields = ["id", "flow", "type", "config", "periodic_task", "last_triggered_at", "created_at", "updated_at"]
    fields = [*readonly_fields[:4], "name", "enabled", "target_node", *readonly_fields[4:]]


class StepInline(admin.TabularInline):
    model = ExecutionStep
    fields = ["index", "node_name", "node_type", "status", "attempts", "duration_ms", "error", "input", "output"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Execution)
class ExecutionAdmin(ReadOnlyAdmin):
    list_display = ["id", "flow", "owner", "trigger_type", "status", "started_at", "duration_ms"]
    list_filter = ["status", "trigger_type"]
    list_select_related = ["flow", "owner"]
    search_fields = ["id", "flow__id", "flow__name", "owner__email"]
    readonly_fields = [field.name for field in Execution._meta.fields]
    inlines = [StepInline]
    actions = ["replay_executions"]

    @admin.action(description="Replay the selected executions (same input, current version)")
    def replay_executions(self, request, queryset) -> None:
        _apply(
            self, request, queryset, lambda execution: execution_replay(execution=execution), "execution", "Replayed"
        )


@admin.register(FlowLog)
class FlowLogAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "flow", "execution", "seq", "level", "event_type", "message"]
    list_filter = ["level", "event_type"]
    list_select_related = ["flow", "execution"]
    search_fields = ["flow__id", "execution__id", "message"]
    list_per_page = 100


class MemoryEntryInline(admin.TabularInline):
    model = MemoryEntry
    fields = ["key", "value", "size_bytes", "version", "updated_at"]
    readonly_fields = fields
    extra = 0
    # Entries change through the API, which keeps `used_bytes` exact.
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FlowMemory)
class FlowMemoryAdmin(ReadOnlyAdmin):
    list_display = ["flow", "enabled", "used_bytes", "updated_at"]
    list_filter = ["enabled"]
    list_select_related = ["flow"]
    search_fields = ["flow__id", "flow__name"]
    readonly_fields = ["flow", "enabled", "used_bytes", "updated_at"]
    inlines = [MemoryEntryInline]
