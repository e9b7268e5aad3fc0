from django.apps import AppConfig


class RunsConfig(AppConfig):
    """Build and generation runs, their tasks, events, exports and deployments (DESIGN.md §2)."""

    name = "runs"

    def ready(self) -> None:
        from core.realtime.registry import ChannelKind, register_channel_kind
        from integrations.ai.builtin import register_builtin
        from runs.generator.requests import (
            DECOMPOSE_PURPOSE,
            TASK_PURPOSE,
            builtin_decomposition,
            builtin_operations,
        )
        from runs.selectors import run_events_after, user_can_watch_run

        register_builtin(DECOMPOSE_PURPOSE, builtin_decomposition)
        register_builtin(TASK_PURPOSE, builtin_operations)
        register_channel_kind(ChannelKind("run", can_join=user_can_watch_run, replay=run_events_after))
