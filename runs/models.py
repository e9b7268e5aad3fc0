from django.conf import settings
from django.db import models
from django.utils import timezone

from core.ids import PrefixedIdField


class RunKind(models.TextChoices):
    BUILD = "build", "App build"
    GENERATION = "generation", "Infrastructure code generation"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    DECOMPOSING = "decomposing", "Decomposing"
    EXECUTING = "executing", "Executing"
    MERGING = "merging", "Merging"
    VERIFYING = "verifying", "Verifying"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


TERMINAL_RUN_STATUSES = (RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.CANCELLED)


class TaskStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class Run(models.Model):
    """One execution of the pipeline for a target (a project now), with its own numbered history."""

    id = PrefixedIdField(prefix="run")
    kind = models.CharField(max_length=20, choices=RunKind.choices, default=RunKind.BUILD)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="runs")
    project = models.ForeignKey(
        "workspaces.Project", on_delete=models.CASCADE, related_name="runs", null=True, blank=True
    )
    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="runs", null=True, blank=True
    )
    run_number = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED)
    trigger = models.CharField(max_length=20, default="manual")
    retry_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="retries")
    spec_version = models.ForeignKey(
        "workspaces.SpecVersion", on_delete=models.PROTECT, related_name="runs", null=True, blank=True
    )
    provider = models.CharField(max_length=40, default="builtin")
    tasks_json = models.JSONField(default=dict, blank=True, help_text="{tasks, mergeOrder} from decomposition.")
    base_commit = models.CharField(max_length=40, blank=True, help_text="The commit the run started from.")
    merged_commit = models.CharField(max_length=40, blank=True, help_text="All task branches merged.")
    verification_result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    options = models.JSONField(
        default=dict, blank=True, help_text="Generation runs: generator, provider, region, branch, commitMessage."
    )
    commit_sha = models.CharField(max_length=40, blank=True, help_text="Generation runs: the commit of the files.")
    result = models.JSONField(
        default=dict, blank=True, help_text="Generation runs: files written, or the error code and block at fault."
    )
    previous_project_status = models.CharField(max_length=20, blank=True)
    cancel_requested = models.BooleanField(default=False)
    token_budget = models.PositiveIntegerField(default=0)
    tokens_used = models.PositiveIntegerField(default=0)
    repair_rounds = models.PositiveSmallIntegerField(default=0, help_text="Repair rounds after failed verification.")
    event_count = models.PositiveIntegerField(default=0, help_text="The seq of the newest event.")
    attempts = models.PositiveSmallIntegerField(default=0, help_text="How often the sweeper resumed the run.")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    worktrees_removed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["project", "run_number"], name="run_number_unique_per_project"),
            models.UniqueConstraint(fields=["workspace", "run_number"], name="run_number_unique_per_workspace"),
        ]
        indexes = [models.Index(fields=["owner", "status"]), models.Index(fields=["status", "heartbeat_at"])]

    def __str__(self) -> str:
        return f"{self.project_id or self.workspace_id} run {self.run_number}"

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL_RUN_STATUSES


class Task(models.Model):
    """One unit of a run's work, executed on its own git branch and worktree."""

    id = PrefixedIdField(prefix="task")
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="tasks")
    sequence = models.PositiveSmallIntegerField()
    slug = models.CharField(max_length=80)
    definition = models.JSONField(
        help_text="id, slug, description, instructions, dependencies, pathScope, expectedOutputs."
    )
    status = models.CharField(max_length=20, choices=TaskStatus.choices, default=TaskStatus.PENDING)
    branch_name = models.CharField(max_length=120)
    worktree_path = models.CharField(max_length=500, blank=True)
    result = models.JSONField(default=dict, blank=True, help_text="filesCreated, filesModified, commitSha.")
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["sequence"]
        constraints = [models.UniqueConstraint(fields=["run", "sequence"], name="task_sequence_unique_per_run")]

    def __str__(self) -> str:
        return f"{self.run_id} {self.definition.get('id')} {self.slug}"


class RunEvent(models.Model):
    """Every state change of a run or task, in order (`seq` strictly increasing per run)."""

    id = PrefixedIdField(prefix="evt")
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="events")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events", null=True, blank=True)
    seq = models.PositiveIntegerField()
    type = models.CharField(max_length=40)
    payload = models.JSONField(default=dict, blank=True)
    # Identifies the step that emitted it, so a step done again (after a crash) does not repeat it.
    key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["seq"]
        constraints = [
            models.UniqueConstraint(fields=["run", "seq"], name="run_event_seq_unique"),
            models.UniqueConstraint(fields=["run", "key"], condition=~models.Q(key=""), name="run_event_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.run_id} #{self.seq} {self.type}"


class ExportFormat(models.TextChoices):
    ZIP = "zip", "zip"
    TAR_GZ = "tar.gz", "tar.gz"


class ExportStatus(models.TextChoices):
    PROCESSING = "processing", "Processing"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"


class Export(models.Model):
    """An archive of a run's merged commit, downloadable until it expires."""

    id = PrefixedIdField(prefix="exp")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exports")
    project = models.ForeignKey("workspaces.Project", on_delete=models.CASCADE, related_name="exports")
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="exports")
    format = models.CharField(max_length=10, choices=ExportFormat.choices)
    status = models.CharField(max_length=20, choices=ExportStatus.choices, default=ExportStatus.PROCESSING)
    commit_sha = models.CharField(max_length=40)
    file_path = models.CharField(max_length=500, blank=True)
    size_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"{self.run} {self.format}"


class DeploymentStatus(models.TextChoices):
    DEPLOYING = "deploying", "Deploying"
    LIVE = "live", "Live"
    FAILED = "failed", "Failed"
    STOPPED = "stopped", "Stopped"


class Deployment(models.Model):
    """A preview of a run's application; `local` ones are processes on this host's loopback."""

    id = PrefixedIdField(prefix="dep")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deployments")
    project = models.ForeignKey("workspaces.Project", on_delete=models.CASCADE, related_name="deployments")
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="deployments")
    provider = models.CharField(max_length=20)
    status = models.CharField(max_length=20, choices=DeploymentStatus.choices, default=DeploymentStatus.DEPLOYING)
    url = models.CharField(max_length=300, blank=True)
    host = models.CharField(max_length=255, blank=True, help_text="The machine the preview process runs on.")
    pid = models.PositiveIntegerField(null=True, blank=True)
    port = models.PositiveIntegerField(null=True, blank=True)
    directory = models.CharField(max_length=500, blank=True)
    error = models.TextField(blank=True)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    live_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.run} on {self.provider}"
