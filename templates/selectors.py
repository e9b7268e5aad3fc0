"""Reads for templates: the built-in ones (defined in code) next to the user's own."""

from datetime import UTC, datetime

from django.db.models import Q
from rest_framework.exceptions import NotFound

from accounts.models import User
from templates.architectures import BUILTIN_TEMPLATES
from templates.models import Template, TemplateKind
from workspaces.architecture.catalog import PROVIDERS

BUILTIN_CREATED_AT = datetime(2026, 1, 1, tzinfo=UTC)


def _builtin_rows() -> list[Template]:
    """The built-ins as (unsaved) Template rows, so both kinds serialize alike; `owner_id` is None."""
    return [
        Template(
            id=f"tpl_{builtin.slug.replace('-', '_')}",
            kind=TemplateKind.ARCHITECTURE,
            name=builtin.name,
            description=builtin.description,
            category=builtin.category,
            providers=list(PROVIDERS),
            content=builtin.architecture,
            created_at=BUILTIN_CREATED_AT,
        )
        for builtin in BUILTIN_TEMPLATES
    ]


BUILTINS = _builtin_rows()


def _matches(template: Template, kind: str | None, category: str | None, provider: str | None, search: str) -> bool:
    text = f"{template.name} {template.description}".lower()
    return (
        (not kind or template.kind == kind)
        and (not category or template.category == category)
        and (not provider or provider in template.providers)
        and all(word in text for word in search.lower().split())
    )


def templates_visible(
    *, user: User, kind: str | None = None, category: str | None = None, provider: str | None = None, search: str = ""
) -> list[Template]:
    """Built-in templates first (in their fixed order), then the user's own, newest first."""
    builtins = [template for template in BUILTINS if _matches(template, kind, category, provider, search)]
    own = Template.objects.filter(owner=user)
    if kind:
        own = own.filter(kind=kind)
    if category:
        own = own.filter(category=category)
    for word in search.split():
        own = own.filter(Q(name__icontains=word) | Q(description__icontains=word))
    # JSON containment has no SQLite lookup; a user's templates are few, so the provider is checked here.
    return builtins + [template for template in own if not provider or provider in template.providers]


def template_get(*, user: User, template_id: str) -> Template:
    for template in BUILTINS:
        if template.pk == template_id:
            return template
    template = Template.objects.filter(pk=template_id, owner=user).first()
    if template is None:
        raise NotFound(f"Template with id '{template_id}' not found.")
    return template
