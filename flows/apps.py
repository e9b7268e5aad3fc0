from django.apps import AppConfig


class FlowsConfig(AppConfig):
    """Agent flows, triggers, executions, logs, memory and WASM tools (DESIGN.md §2)."""

    name = "flows"
