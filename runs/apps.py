from django.apps import AppConfig


class RunsConfig(AppConfig):
    """Build and generation runs, their tasks, events, exports and deployments (DESIGN.md §2)."""

    name = "runs"
