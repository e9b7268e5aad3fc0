from django.conf import settings
from django.db import models
from django.utils import timezone

from core.crypto import EncryptedTextField
from core.ids import PrefixedIdField

# Models here have a `settings` field, which would shadow django.conf.settings in their class bodies.
USER_MODEL = settings.AUTH_USER_MODEL


class FlowStatus(models.TextChoices):
    STOPPED = "stopped", "Stopped"
    STARTING = "starting", "Starting"
    RUNNING = "running", "Running"
    STOPPING = "stopping", "Stopping"
    ERROR = "error", "Error"


class Flow(models.Model):
    """An agent flow: its canvas and organism YAML (kept in step), settings and run state."""

    id = PrefixedIdField(prefix="flow")
    owner = models.ForeignKey(USER_MODEL, on_delete=models.CASCADE, related_name="flows")
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=500, blank=True)
    organism_yaml = models.TextField()
    canvas_state = models.JSONField(help_text="{nodes, edges, viewport} as the canvas draws it.")
    settings = models.JSONField(default=dict, blank=True, help_text="timeoutSeconds, maxNodeVisits, logPayloads.")
    input_schema = models.JSONField(null=True, blank=True, help_text="JSON Schema manual runs' input must satisfy.")
    version = models.PositiveIntegerField(default=1, help_text="Number of the current definition's version.")
    status = models.CharField(max_length=20, choices=FlowStatus.choices, default=FlowStatus.STOPPED)
    error_message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["owner", "-updated_at"])]

    def __str__(self) -> str:
        return self.name


class FlowVersion(models.Model):
    """An immutable snapshot of a flow's definition; a save that changes the definition adds one."""

    flow = models.ForeignKey(Flow, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    organism_yaml = models.TextField()
    canvas_state = models.JSONField()
    settings = models.JSONField(default=dict, blank=True)
    input_schema = models.JSONField(null=True, blank=True)
    created_by = models.ForeignKey(USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["flow", "number"], name="flow_version_number_unique")]

    def __str__(self) -> str:
        return f"{self.flow_id} v{self.number}"


class TriggerType(models.TextChoices):
    WEBHOOK = "webhook", "Webhook"
    SCHEDULE = "schedule", "Schedule"
    MANUAL = "manual", "Manual"


class Trigger(models.Model):
    """What fires a flow. Webhook tokens are stored encrypted and looked up by their SHA-256."""

    id = PrefixedIdField(prefix="trg")
    flow = models.ForeignKey(Flow, on_delete=models.CASCADE, related_name="triggers")
    type = models.CharField(max_length=20, choices=TriggerType.choices)
    name = models.CharField(max_length=100)
    config = models.JSONField(default=dict, blank=True)
    enabled = models.BooleanField(default=True)
    target_node = models.CharField(
        max_length=100, blank=True, help_text="Node (id or name) the payload enters at; empty: the flow's entry."
    )
    webhook_token = EncryptedTextField(blank=True, editable=False)
    webhook_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    signing_secret = EncryptedTextField(blank=True, editable=False)
    periodic_task = models.OneToOneField(
        "django_celery_beat.PeriodicTask", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_triggered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.type})"


class ExecutionStatus(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCESS = "success", "Success"
    ERROR = "error", "Error"
    TIMEOUT = "timeout", "Timeout"
    CANCELLED = "cancelled", "Cancelled"


TERMINAL_EXECUTION_STATUSES = (
    ExecutionStatus.SUCCESS,
    ExecutionStatus.ERROR,
    ExecutionStatus.TIMEOUT,
    ExecutionStatus.CANCELLED,
)


class Execution(models.Model):
    """One run of a flow's version, from the payload a trigger injected to its output.

    `state` holds the engine's queue of node visits still to make, committed with every step, so a
    worker that dies mid-execution leaves enough for the next one to continue where it stopped.
    """

    id = PrefixedIdField(prefix="exe")
    flow = models.ForeignKey(Flow, on_delete=models.CASCADE, related_name="executions")
    owner = models.ForeignKey(USER_MODEL, on_delete=models.CASCADE, related_name="executions")
    trigger = models.ForeignKey(Trigger, on_delete=models.SET_NULL, null=True, blank=True, related_name="executions")
    trigger_type = models.CharField(max_length=20, choices=TriggerType.choices)
    version = models.ForeignKey(FlowVersion, on_delete=models.RESTRICT, related_name="executions")
    status = models.CharField(max_length=20, choices=ExecutionStatus.choices, default=ExecutionStatus.RUNNING)
    input_payload = models.JSONField(null=True, blank=True)
    output_payload = models.JSONField(null=True, blank=True)
    error_message = models.TextField(blank=True)
    delivery_key = models.CharField(
        max_length=200, blank=True, help_text="Idempotency-Key or the sender's delivery id of the webhook request."
    )
    scheduled_for = models.DateTimeField(null=True, blank=True, help_text="Schedule fires: the cron time it is for.")
    replay_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replays")
    state = models.JSONField(default=dict, blank=True)
    tokens_used = models.PositiveIntegerField(default=0)
    event_count = models.PositiveIntegerField(default=0, help_text="The seq of the newest log entry.")
    attempts = models.PositiveSmallIntegerField(default=0, help_text="How often a worker took the execution up.")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["flow", "-started_at"]),
            models.Index(fields=["owner", "-started_at"]),
            models.Index(fields=["status", "heartbeat_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["trigger", "delivery_key"], condition=~models.Q(delivery_key=""), name="execution_delivery_once"
            ),
            models.UniqueConstraint(
                fields=["trigger", "scheduled_for"],
                condition=models.Q(scheduled_for__isnull=False),
                name="execution_schedule_slot_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pk} ({self.status})"


class StepStatus(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCESS = "success", "Success"
    ERROR = "error", "Error"


class ExecutionStep(models.Model):
    """One visit of one node: what it received, what it produced, how long it took."""

    execution = models.ForeignKey(Execution, on_delete=models.CASCADE, related_name="steps")
    index = models.PositiveIntegerField(help_text="Order of the visit within the execution, from 1.")
    node_id = models.CharField(max_length=100)
    node_name = models.CharField(max_length=100)
    node_type = models.CharField(max_length=20)
    status = models.CharField(max_length=20, choices=StepStatus.choices)
    input = models.JSONField(null=True, blank=True)
    output = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=1)
    started_at = models.DateTimeField(default=timezone.now)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["index"]
        constraints = [models.UniqueConstraint(fields=["execution", "index"], name="execution_step_index_unique")]

    def __str__(self) -> str:
        return f"{self.execution_id} #{self.index} {self.node_name}"


class LogLevel(models.TextChoices):
    DEBUG = "debug", "Debug"
    INFO = "info", "Info"
    WARNING = "warning", "Warning"
    ERROR = "error", "Error"


class FlowLog(models.Model):
    """A log entry of a flow; entries of an execution carry its `seq` and are its event stream."""

    flow = models.ForeignKey(Flow, on_delete=models.CASCADE, related_name="logs")
    execution = models.ForeignKey(Execution, on_delete=models.CASCADE, related_name="logs", null=True, blank=True)
    seq = models.PositiveIntegerField(default=0)
    event_type = models.CharField(max_length=40)
    level = models.CharField(max_length=10, choices=LogLevel.choices, default=LogLevel.INFO)
    message = models.TextField()
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["flow", "-created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["execution", "seq"], condition=models.Q(execution__isnull=False), name="flow_log_seq_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.flow_id} {self.level}: {self.message[:60]}"


class FlowMemory(models.Model):
    """A flow's opt-in key-value memory (seed ProjectMemory); `used_bytes` is the sum of its entries."""

    flow = models.OneToOneField(Flow, on_delete=models.CASCADE, related_name="memory")
    enabled = models.BooleanField(default=False)
    used_bytes = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "flow memories"

    def __str__(self) -> str:
        return f"memory of {self.flow_id}"


class MemoryEntry(models.Model):
    memory = models.ForeignKey(FlowMemory, on_delete=models.CASCADE, related_name="entries")
    key = models.CharField(max_length=200)
    value = models.JSONField()
    size_bytes = models.PositiveIntegerField()
    version = models.PositiveIntegerField(default=1, help_text="Increments on every write; for compare-and-set.")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["key"]
        verbose_name_plural = "memory entries"
        constraints = [models.UniqueConstraint(fields=["memory", "key"], name="memory_entry_key_unique")]

    def __str__(self) -> str:
        return self.key
