from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from core.api.exceptions import ApplicationError
from runs.models import Deployment, Export, Run, RunEvent, Task
from runs.services import run_cancel, run_retry


class ReadOnlyAdmin(admin.ModelAdmin):
    """What the pipeline writes is evidence: operators read it, they do not edit it."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class TaskInline(admin.TabularInline):
    model = Task
    fields = ["sequence", "slug", "status", "branch_name", "attempts", "error", "started_at", "completed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Run)
class RunAdmin(ReadOnlyAdmin):
    list_display = [
        "__str__",
        "kind",
        "project",
        "workspace",
        "owner",
        "status",
        "trigger",
        "created_at",
        "completed_at",
    ]
    list_filter = ["status", "kind", "provider", "trigger"]
    list_select_related = ["project", "workspace", "owner"]
    search_fields = ["id", "project__name", "project__id", "workspace__name", "workspace__id", "owner__email"]
    readonly_fields = [*(field.name for field in Run._meta.fields), "events"]
    inlines = [TaskInline]
    actions = ["cancel_runs", "retry_runs"]

    @admin.display(description="Events")
    def events(self, run: Run) -> str:
        url = reverse("admin:runs_runevent_changelist") + f"?run__id__exact={run.pk}"
        return format_html('<a href="{}">{} events</a>', url, run.event_count)

    def _apply(self, request, queryset, action, verb: str) -> None:
        done = 0
        for run in queryset:
            try:
                action(run=run)
                done += 1
            except ApplicationError as exc:
                self.message_user(request, f"{run}: {exc.message}", messages.WARNING)
        if done:
            self.message_user(request, f"{verb} {done} run{'s' if done != 1 else ''}.", messages.SUCCESS)

    @admin.action(description="Cancel the selected runs")
    def cancel_runs(self, request, queryset) -> None:
        self._apply(request, queryset, run_cancel, "Cancelled")

    @admin.action(description="Retry the selected runs (a new run of the same spec)")
    def retry_runs(self, request, queryset) -> None:
        self._apply(request, queryset, run_retry, "Retried")


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "slug", "status", "attempts", "started_at", "completed_at"]
    list_filter = ["status"]
    search_fields = ["id", "run__id", "slug"]
    readonly_fields = [field.name for field in Task._meta.fields]


@admin.register(RunEvent)
class RunEventAdmin(ReadOnlyAdmin):
    list_display = ["run", "seq", "type", "task", "created_at"]
    list_filter = ["type"]
    list_select_related = ["run", "task"]
    list_per_page = 100
    search_fields = ["run__id"]
    readonly_fields = [field.name for field in RunEvent._meta.fields]
    ordering = ["run", "seq"]


@admin.register(Export)
class ExportAdmin(ReadOnlyAdmin):
    list_display = ["id", "run", "format", "status", "size_bytes", "expires_at", "created_at"]
    list_filter = ["status", "format"]
    search_fields = ["id", "run__id", "project__name"]
    readonly_fields = [field.name for field in Export._meta.fields]


@admin.register(Deployment)
class DeploymentAdmin(ReadOnlyAdmin):
    list_display = ["id", "run", "provider", "status", "url", "expires_at", "created_at"]
    list_filter = ["status", "provider"]
    search_fields = ["id", "run__id", "project__name"]
    readonly_fields = [field.name for field in Deployment._meta.fields]
