from django.contrib import admin

from templates.models import Template


@admin.register(Template)
class TemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "category", "owner", "created_at"]
    list_filter = ["kind", "category"]
    list_select_related = ["owner"]
    search_fields = ["name", "description", "owner__email", "id"]
    readonly_fields = ["id", "owner", "kind", "providers", "content", "created_at", "updated_at"]
