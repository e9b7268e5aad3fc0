"""Writes for templates: apply one (a new workspace), save a workspace as one, delete one's own."""

from django.db import transaction

from accounts.models import User
from core.api.exceptions import Forbidden, ValidationFailed
from templates.architectures import for_provider
from templates.models import Template, TemplateKind
from workspaces.architecture.catalog import PROVIDERS
from workspaces.generators.generate import code_generate
from workspaces.generators.plan import GenerationError
from workspaces.models import Workspace
from workspaces.selectors import architecture_at
from workspaces.services.workspaces import workspace_create


def template_apply(
    *, user: User, template: Template, name: str, provider: str, generator: str | None = None, region: str = ""
) -> Workspace:
    """A new workspace holding the template's architecture, drawn for `provider`."""
    if provider not in template.providers:
        raise ValidationFailed(
            f"'{template.name}' generates for {', '.join(template.providers)}, not {provider}.",
            details={"provider": f"Use one of: {', '.join(template.providers)}."},
        )
    return workspace_create(
        owner=user,
        name=name,
        generator=generator or "terraform",
        provider=provider,
        region=region,
        architecture=for_provider(template.content, provider),
    )


def generating_providers(architecture: dict) -> list[str]:
    """The providers whose Terraform generator accepts the architecture."""
    providers = []
    for provider in PROVIDERS:
        try:
            code_generate(architecture, generator="terraform", provider=provider, project_name="template")
        except GenerationError:
            continue
        providers.append(provider)
    return providers


@transaction.atomic
def template_create(
    *, user: User, workspace: Workspace, name: str, description: str = "", category: str = ""
) -> Template:
    """Save the architecture at the head of the workspace as the user's template."""
    architecture, _sha = architecture_at(workspace)
    if not architecture["nodes"]:
        raise ValidationFailed("The workspace's architecture is empty; draw something first.", details={})
    return Template.objects.create(
        owner=user,
        kind=TemplateKind.ARCHITECTURE,
        name=name,
        description=description,
        category=category,
        providers=generating_providers(architecture),
        content=architecture,
    )


def template_delete(*, user: User, template: Template) -> None:
    if template.owner_id is None:
        raise Forbidden("Built-in templates cannot be deleted.")
    template.delete()
