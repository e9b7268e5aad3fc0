from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    """Stored provider keys, AI and GitHub clients, cost catalog, outbound HTTP (DESIGN.md §2)."""

    name = "integrations"
