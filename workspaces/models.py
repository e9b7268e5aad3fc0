from django.conf import settings
from django.db import models
from django.utils import timezone

from core.ids import PrefixedIdField


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    CLARIFYING = "clarifying", "Clarifying"
    SPEC_REVIEW = "spec_review", "Spec review"
    APPROVED = "approved", "Approved"
    BUILDING = "building", "Building"
    BUILT = "built", "Built"
    FAILED = "failed", "Failed"
    ARCHIVED = "archived", "Archived"


class GenerationState(models.TextChoices):
    IDLE = "idle", "Idle"
    RUNNING = "running", "Generating"
    FAILED = "failed", "Failed"


class GenerationKind(models.TextChoices):
    CLARIFY = "clarify", "Clarifying questions"
    ANSWERS = "answers", "Spec from answers"
    REGENERATE = "regenerate", "Spec regenerated"


class Project(models.Model):
    """An app to build: its description, the clarifying questions and answers, its spec versions."""

    id = PrefixedIdField(prefix="proj")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="projects")
    name = models.CharField(max_length=200)
    description = models.TextField()
    status = models.CharField(max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT)
    ai_provider = models.CharField(
        max_length=40, blank=True, help_text="Provider for this project's AI work; empty: the default."
    )
    questions = models.JSONField(default=list, blank=True)
    answers = models.JSONField(default=dict, blank=True, help_text="Question id → answer.")
    # The AI job in flight (or the last one): a sub-state beside `status`.
    generation_state = models.CharField(max_length=10, choices=GenerationState.choices, default=GenerationState.IDLE)
    generation_kind = models.CharField(max_length=12, choices=GenerationKind.choices, blank=True)
    generation_token = models.CharField(
        max_length=32, blank=True, help_text="Identifies the current job; a stale job finds it changed."
    )
    generation_started_at = models.DateTimeField(null=True, blank=True)
    generation_params = models.JSONField(default=dict, blank=True, help_text="The job's provider and feedback.")
    generation_error = models.TextField(blank=True)
    repo_path = models.CharField(max_length=500)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "status"])]

    def __str__(self) -> str:
        return self.name


class SpecVersion(models.Model):
    """One generated spec, immutable once written: four documents and the model they came from."""

    id = PrefixedIdField(prefix="spec")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="spec_versions")
    version = models.PositiveIntegerField()
    documents = models.JSONField(help_text="SPEC.md, DATA.md, ROUTES.md and ACCEPTANCE.md.")
    domain_model = models.JSONField(help_text="What the provider answered; the documents are derived from it.")
    app_spec = models.JSONField(help_text="The domain model with its routes and acceptance criteria.")
    answers = models.JSONField(default=dict, blank=True, help_text="The answers it was generated from.")
    feedback = models.TextField(blank=True, help_text="The feedback that asked for this version.")
    provider = models.CharField(max_length=40)
    model_name = models.CharField(max_length=100, blank=True)
    tokens_in = models.PositiveIntegerField(default=0)
    tokens_out = models.PositiveIntegerField(default=0)
    ai_calls = models.PositiveIntegerField(default=0)
    approved_at = models.DateTimeField(null=True, blank=True)
    commit_sha = models.CharField(
        max_length=40, blank=True, help_text="The repository commit holding the approved documents."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["project", "version"], name="spec_version_unique_per_project")]

    def __str__(self) -> str:
        return f"{self.project_id} v{self.version}"


class Workspace(models.Model):
    """A cloud architecture: its own git repository holds `architecture.json` and the generated code."""

    GENERATORS = (("terraform", "Terraform"), ("bicep", "Bicep"))
    PROVIDERS = (("aws", "AWS"), ("azure", "Azure"), ("gcp", "Google Cloud"))

    id = PrefixedIdField(prefix="ws")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workspaces")
    name = models.CharField(max_length=200)
    generator = models.CharField(max_length=20, choices=GENERATORS, default="terraform")
    provider = models.CharField(max_length=10, choices=PROVIDERS, default="azure")
    region = models.CharField(max_length=40, blank=True, help_text="Empty: the provider's default region.")
    github_repo = models.CharField(max_length=200, blank=True, help_text="owner/repo; empty when not linked.")
    github_branch = models.CharField(max_length=100, default="main")
    last_synced_at = models.DateTimeField(null=True, blank=True)
    repo_path = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "created_at"])]

    def __str__(self) -> str:
        return self.name
