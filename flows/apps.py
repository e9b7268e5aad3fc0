from django.apps import AppConfig


class FlowsConfig(AppConfig):
    """Agent flows, triggers, executions, logs, memory and WASM tools (DESIGN.md §2)."""

    name = "flows"

    def ready(self) -> None:
        from core.realtime.registry import ChannelKind, register_channel_kind
        from flows.nodes import LLM_PURPOSE, builtin_llm_answer
        from flows.selectors import execution_logs_after, user_can_watch_execution, user_can_watch_flow
        from integrations.ai.builtin import register_builtin

        register_builtin(LLM_PURPOSE, builtin_llm_answer)
        register_channel_kind(ChannelKind("flow", can_join=user_can_watch_flow))
        register_channel_kind(ChannelKind("execution", can_join=user_can_watch_execution, replay=execution_logs_after))
