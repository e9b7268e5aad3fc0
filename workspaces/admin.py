from django.contrib import admin

from workspaces.models import Project, SpecVersion, Workspace


class SpecVersionInline(admin.TabularInline):
    model = SpecVersion
    fields = ["version", "provider", "model_name", "tokens_in", "tokens_out", "approved_at", "commit_sha", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "status", "generation_state", "ai_provider", "created_at", "updated_at"]
    list_filter = ["status", "generation_state"]
    list_select_related = ["owner"]
    search_fields = ["name", "description", "owner__email", "id"]
    readonly_fields = [
        "id",
        "owner",
        "status",
        "questions",
        "answers",
        "generation_state",
        "generation_kind",
        "generation_started_at",
        "generation_params",
        "generation_error",
        "repo_path",
        "archived_at",
        "created_at",
        "updated_at",
    ]
    fields = ["name", "description", "ai_provider", *readonly_fields]
    inlines = [SpecVersionInline]


@admin.register(SpecVersion)
class SpecVersionAdmin(admin.ModelAdmin):
    """Spec versions are immutable: read-only here."""

    list_display = [
        "project",
        "version",
        "provider",
        "model_name",
        "tokens_in",
        "tokens_out",
        "approved_at",
        "created_at",
    ]
    list_filter = ["provider", "approved_at"]
    list_select_related = ["project"]
    search_fields = ["project__name", "project__id"]
    readonly_fields = [field.name for field in SpecVersion._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "provider", "generator", "github_repo", "last_synced_at", "updated_at"]
    list_filter = ["provider", "generator"]
    list_select_related = ["owner"]
    search_fields = ["name", "github_repo", "owner__email", "id"]
    readonly_fields = ["id", "owner", "repo_path", "last_synced_at", "created_at", "updated_at"]
