from django.apps import AppConfig


class WorkspacesConfig(AppConfig):
    """Architecture workspaces and app-build projects with their spec lifecycle (DESIGN.md §2)."""

    name = "workspaces"

    def ready(self) -> None:
        from integrations.ai.builtin import register_builtin
        from workspaces.services.architecture_ai import (
            GENERATE_PURPOSE,
            SUGGEST_PURPOSE,
            builtin_generate,
            builtin_suggest,
        )
        from workspaces.specs.builtin import builtin_domain_model, builtin_questions
        from workspaces.specs.requests import DOMAIN_MODEL_PURPOSE, QUESTIONS_PURPOSE

        register_builtin(QUESTIONS_PURPOSE, builtin_questions)
        register_builtin(DOMAIN_MODEL_PURPOSE, builtin_domain_model)
        register_builtin(GENERATE_PURPOSE, builtin_generate)
        register_builtin(SUGGEST_PURPOSE, builtin_suggest)
