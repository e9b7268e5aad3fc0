from django.apps import AppConfig


class TemplatesConfig(AppConfig):
    """Architecture and flow templates and the marketplace (DESIGN.md §2)."""

    name = "templates"
    verbose_name = "Templates and marketplace"
