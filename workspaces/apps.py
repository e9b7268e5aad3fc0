from django.apps import AppConfig


class WorkspacesConfig(AppConfig):
    """Architecture workspaces and app-build projects with their spec lifecycle (DESIGN.md §2)."""

    name = "workspaces"
