"""The execution engine: runs one execution's node visits in order, one committed step at a time.

The trigger's payload enters at the entry nodes; each visit runs its node and queues the targets of
the outgoing edges whose condition holds (`always`; `on_success`; `on_error`, which receives
`{error, node, input}`; `conditional`, whose expression is evaluated on the node's output; a
conditional node's `true`/`false` handles follow its result). A failure no edge handles fails the
execution. The first output node sets the execution's output (else the last step's output does).

Each visit is committed together with the engine's queue (`Execution.state`), the step row and its
log entry, so a worker that dies leaves an execution that another worker continues (the sweeper
re-queues it): finished steps are never redone. A worker owns an execution through the claim it
wrote into the state; every write is fenced by that claim, so a worker that was given up on (its
heartbeat went silent and the sweeper handed the execution on) writes nothing more. A step that
was running when its worker died is redone only when its node has no side effects outside the
execution (see `flows.nodes`); otherwise the execution fails rather than repeat, say, a POST.
Cancellation and the execution timeout are checked between visits; a node's own timeout bounds
its I/O.
"""

import logging
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from flows import events
from flows.expressions import ExpressionError, evaluate
from flows.graph import FlowGraph, Node
from flows.models import Execution, ExecutionStatus, ExecutionStep, LogLevel, StepStatus
from flows.nodes import NodeContext, NodeFailed, NodeResult, has_side_effects, node_timeout, run_node

logger = logging.getLogger(__name__)


class _Stop(Exception):
    """Ends the visit loop with a final status."""

    def __init__(self, status: str, message: str = ""):
        super().__init__(message)
        self.status = status
        self.message = message


class _ClaimLost(Exception):
    """Another worker owns the execution now; this one stops without writing anything."""


def heartbeat_seconds() -> float:
    """Several beats per stall period, so one late beat does not make a live worker look dead."""
    return max(0.5, settings.FLOW_STALL_SECONDS / 6)


def execution_settings(execution: Execution) -> tuple[int, int, bool]:
    flow_settings = execution.version.settings or {}
    return (
        flow_settings.get("timeoutSeconds", settings.FLOW_DEFAULT_TIMEOUT_SECONDS),
        flow_settings.get("maxNodeVisits", settings.FLOW_DEFAULT_MAX_NODE_VISITS),
        bool(flow_settings.get("logPayloads", False)),
    )


def initial_queue(graph: FlowGraph, *, trigger_type: str, target_node: str, payload: Any) -> list[dict[str, Any]]:
    entries = graph.entry_nodes(trigger_type, target_node)
    if not entries and trigger_type == "manual" and not target_node:
        entries = graph.entry_nodes(None)
    return [{"node": node_id, "input": payload} for node_id in entries]


def execution_run(execution_id: str) -> None:
    """Take the execution up (unless another live worker has it) and run it to its end."""
    claim = uuid.uuid4().hex
    if not _claim(execution_id, claim):
        return
    execution = Execution.objects.select_related("flow", "owner", "version", "trigger").get(pk=execution_id)
    with _heartbeat(execution_id, claim):
        _Runner(execution, claim).run()


def owned(execution_id: str, claim: str):
    """The execution, if it is still running under this claim."""
    return Execution.objects.filter(pk=execution_id, status=ExecutionStatus.RUNNING, state__claim=claim)


def _claim(execution_id: str, claim: str) -> bool:
    stale = timezone.now() - timedelta(seconds=settings.FLOW_STALL_SECONDS)
    with transaction.atomic():
        execution = Execution.objects.select_for_update().filter(pk=execution_id).first()
        if execution is None or execution.status != ExecutionStatus.RUNNING:
            return False
        if execution.state.get("claim") and execution.heartbeat_at and execution.heartbeat_at > stale:
            return False
        state = {**execution.state, "claim": claim}
        Execution.objects.filter(pk=execution_id).update(
            state=state, attempts=F("attempts") + 1, heartbeat_at=timezone.now()
        )
    return True


@contextmanager
def _heartbeat(execution_id: str, claim: str):
    """Keeps `heartbeat_at` fresh while a long node runs, so the sweeper does not take the execution."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(heartbeat_seconds()):
                owned(execution_id, claim).update(heartbeat_at=timezone.now())
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"heartbeat-{execution_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


class _Runner:
    def __init__(self, execution: Execution, claim: str):
        self.execution = execution
        self.claim = claim
        self.graph = FlowGraph(execution.version.canvas_state)
        self.timeout, self.max_visits, self.log_payloads = execution_settings(execution)
        self.deadline = execution.started_at + timedelta(seconds=self.timeout)
        self.state = dict(execution.state)

    def log(self, event_type: str, message: str, level: str = LogLevel.INFO, **metadata: Any) -> None:
        events.execution_log(
            execution_id=self.execution.pk,
            flow_id=self.execution.flow_id,
            event_type=event_type,
            message=message,
            level=level,
            **metadata,
        )

    def run(self) -> None:
        try:
            if "queue" not in self.state:
                self._start()
            while self.state["queue"]:
                self._check_still_running()
                self._visit(self.state["queue"][0])
        except _Stop as stop:
            self._finish(stop.status, stop.message)
            return
        except _ClaimLost:
            logger.warning("Execution %s was handed to another worker; this one stops", self.execution.pk)
            return
        except Exception:
            logger.exception("Execution %s failed in the engine", self.execution.pk)
            self._finish(ExecutionStatus.ERROR, "The execution failed on an internal error; it has been logged.")
            return
        self._finish(ExecutionStatus.SUCCESS)

    def _start(self) -> None:
        execution = self.execution
        trigger = execution.trigger
        queue = initial_queue(
            self.graph,
            trigger_type=execution.trigger_type,
            target_node=trigger.target_node if trigger else "",
            payload=execution.input_payload,
        )
        if not queue:
            raise _Stop(ExecutionStatus.ERROR, f"The flow has no entry node for {execution.trigger_type} triggers.")
        self.state.update(queue=queue, visits=0, hasOutput=False, output=None, lastOutput=None)
        self._save_state()

    def _save_state(self, **fields: Any) -> None:
        """Write the engine's state (and `fields`) if this worker still owns the execution."""
        if not owned(self.execution.pk, self.claim).update(state=self.state, **fields):
            raise _ClaimLost

    def _check_still_running(self) -> None:
        status = Execution.objects.filter(pk=self.execution.pk).values_list("status", flat=True).first()
        if status != ExecutionStatus.RUNNING:
            raise _Stop(status or ExecutionStatus.CANCELLED)
        if timezone.now() >= self.deadline:
            raise _Stop(ExecutionStatus.TIMEOUT, f"The execution ran longer than its {self.timeout} s timeout.")

    def _visit(self, visit: dict[str, Any]) -> None:
        index = self.state["visits"] + 1
        if index > self.max_visits:
            raise _Stop(ExecutionStatus.ERROR, f"The execution passed {self.max_visits} node visits; is there a loop?")
        node = self.graph.nodes.get(visit["node"])
        if node is None:
            raise _Stop(ExecutionStatus.ERROR, f"Node '{visit['node']}' is not in this version of the flow.")
        step = ExecutionStep.objects.filter(execution=self.execution, index=index).first()
        if step is not None and has_side_effects(node):
            with transaction.atomic():
                self._save_state()
                ExecutionStep.objects.filter(pk=step.pk).update(
                    status=StepStatus.ERROR, error="Its worker stopped during the step; it was not repeated."
                )
            raise _Stop(
                ExecutionStatus.ERROR,
                f"The worker stopped during step {index} ('{node.name}'), which has side effects; "
                "it is not repeated. Replay the execution to run it again.",
            )
        if step is None and has_side_effects(node):
            with transaction.atomic():
                self._save_state()
                step = ExecutionStep.objects.create(
                    execution=self.execution,
                    index=index,
                    node_id=node.id,
                    node_name=node.name,
                    node_type=node.type,
                    status=StepStatus.RUNNING,
                    input=visit["input"],
                )
                self.log(events.STEP_STARTED, f"{node.name} started", step=index, nodeId=node.id)
        started = time.monotonic()
        started_at = timezone.now()
        result, error, attempts = self._run_with_retries(node, visit["input"], index)
        duration_ms = int((time.monotonic() - started) * 1000)
        self._record(node, visit, index, step, started_at, duration_ms, result, error, attempts)

    def _run_with_retries(self, node: Node, node_input: Any, index: int) -> tuple[NodeResult | None, str, int]:
        config = node.config if isinstance(node.config, dict) else {}
        retries = config.get("retries", 0)
        backoff = config.get("retryBackoffSeconds", 1.0)
        attempt = 0
        while True:
            attempt += 1
            context = NodeContext(execution=self.execution, input=node_input, timeout=self._node_timeout(node))
            try:
                return run_node(node, context), "", attempt
            except NodeFailed as exc:
                delay = backoff * 2 ** (attempt - 1)
                remaining = (self.deadline - timezone.now()).total_seconds()
                if not exc.retryable or attempt > retries or delay >= remaining:
                    return None, exc.message, attempt
                self.log(
                    events.STEP_RETRY,
                    f"{node.name} failed ({exc.message}); retry {attempt} of {retries} in {delay:g} s",
                    LogLevel.WARNING,
                    step=index,
                    nodeId=node.id,
                )
                time.sleep(delay)

    def _node_timeout(self, node: Node) -> float:
        remaining = (self.deadline - timezone.now()).total_seconds()
        return max(0.1, min(node_timeout(node), remaining))

    def _record(self, node, visit, index, step, started_at, duration_ms, result, error, attempts) -> None:
        succeeded = result is not None
        output = result.output if succeeded else None
        queue = self.state["queue"][1:]
        followed = self._follow(node, visit["input"], result, error)
        self.state.update(queue=queue + followed, visits=index)
        if succeeded:
            self.state["lastOutput"] = output
            if node.type == "output" and not self.state["hasOutput"]:
                self.state.update(hasOutput=True, output=output)
        fields = {
            "status": StepStatus.SUCCESS if succeeded else StepStatus.ERROR,
            "output": output,
            "error": error,
            "attempts": attempts,
            "duration_ms": duration_ms,
        }
        with transaction.atomic():
            self._save_state(tokens_used=F("tokens_used") + (result.tokens if succeeded else 0))
            if step is None:
                ExecutionStep.objects.create(
                    execution=self.execution,
                    index=index,
                    node_id=node.id,
                    node_name=node.name,
                    node_type=node.type,
                    input=visit["input"],
                    started_at=started_at,
                    **fields,
                )
            else:
                ExecutionStep.objects.filter(pk=step.pk).update(**fields)
            metadata: dict[str, Any] = {
                "step": index,
                "nodeId": node.id,
                "nodeType": node.type,
                "durationMs": duration_ms,
            }
            if self.log_payloads:
                metadata.update(input=visit["input"], output=output)
            if succeeded:
                self.log(events.STEP_COMPLETED, f"{node.name} completed in {duration_ms} ms", **metadata)
            else:
                self.log(events.STEP_FAILED, f"{node.name} failed: {error}", LogLevel.ERROR, **metadata)
        if not succeeded and not followed:
            raise _Stop(ExecutionStatus.ERROR, f"Node '{node.name}' failed: {error}")

    def _follow(self, node: Node, node_input: Any, result: NodeResult | None, error: str) -> list[dict[str, Any]]:
        succeeded = result is not None
        failure = {"error": error, "node": node.name, "input": node_input}
        followed = []
        for edge in self.graph.outgoing.get(node.id, []):
            on_branch = edge.handle in ("true", "false") and node.type == "conditional"
            if on_branch and (not succeeded or edge.handle != result.branch):
                continue
            if edge.condition == "always":
                taken = True
            elif edge.condition == "on_success":
                taken = succeeded
            elif edge.condition == "on_error":
                taken = not succeeded
            else:
                taken = succeeded and self._edge_condition(edge, result.output)
            if taken:
                followed.append({"node": edge.target, "input": result.output if succeeded else failure})
        return followed

    def _edge_condition(self, edge, output: Any) -> bool:
        names = {"input": output, "payload": output, "trigger": self.execution.input_payload}
        try:
            return bool(evaluate(edge.expression or "", names))
        except ExpressionError as exc:
            raise _Stop(ExecutionStatus.ERROR, f"Edge '{edge.id}': {exc}") from exc

    def _finish(self, status: str, message: str = "") -> None:
        now = timezone.now()
        execution = self.execution
        output = self.state.get("output") if self.state.get("hasOutput") else self.state.get("lastOutput")
        with transaction.atomic():
            updated = owned(execution.pk, self.claim).update(
                status=status,
                output_payload=output if status == ExecutionStatus.SUCCESS else None,
                error_message=message,
                completed_at=now,
                duration_ms=int((now - execution.started_at).total_seconds() * 1000),
                state={**self.state, "claim": ""},
            )
            if updated:
                event_type, level, text = terminal_log(status, message)
                self.log(event_type, text, level, status=status)


def terminal_log(status: str, message: str) -> tuple[str, str, str]:
    """The log entry that ends an execution: event type, level, message."""
    return {
        ExecutionStatus.SUCCESS: (events.EXECUTION_COMPLETED, LogLevel.INFO, "Execution succeeded"),
        ExecutionStatus.ERROR: (events.EXECUTION_FAILED, LogLevel.ERROR, f"Execution failed: {message}"),
        ExecutionStatus.TIMEOUT: (events.EXECUTION_TIMEOUT, LogLevel.ERROR, message),
        ExecutionStatus.CANCELLED: (events.EXECUTION_CANCELLED, LogLevel.WARNING, message or "Execution cancelled"),
    }[status]
