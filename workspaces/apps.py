from django.apps import AppConfig


class WorkspacesConfig(AppConfig):
    """Architecture workspaces and app-build projects with their spec lifecycle (DESIGN.md §2)."""

    name = "workspaces"

    def ready(self) -> None:
        from integrations.ai.builtin import register_builtin
        from workspaces.specs.builtin import builtin_domain_model, builtin_questions
        from workspaces.specs.requests import DOMAIN_MODEL_PURPOSE, QUESTIONS_PURPOSE

        register_builtin(QUESTIONS_PURPOSE, builtin_questions)
        register_builtin(DOMAIN_MODEL_PURPOSE, builtin_domain_model)
