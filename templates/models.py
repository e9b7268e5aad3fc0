from django.conf import settings
from django.db import models
from django.utils import timezone

from core.ids import PrefixedIdField


class TemplateKind(models.TextChoices):
    ARCHITECTURE = "architecture", "Architecture"


class Template(models.Model):
    """A template a user saved. Built-in templates are defined in code (templates/architectures.py) and
    served next to these; they have the same shape, with `owner` None."""

    id = PrefixedIdField(prefix="tpl")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="templates")
    kind = models.CharField(max_length=20, choices=TemplateKind.choices, default=TemplateKind.ARCHITECTURE)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=40, blank=True)
    providers = models.JSONField(default=list, help_text="The providers the content generates for.")
    content = models.JSONField(help_text="For architecture templates: the CloudBlocks v4 architecture.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "kind", "created_at"])]

    def __str__(self) -> str:
        return self.name
