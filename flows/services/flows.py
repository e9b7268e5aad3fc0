"""Writes for flows: create, change (canvas or YAML, each regenerating the other), versions, start and stop."""

from typing import Any

from django.db import transaction

from accounts.models import User
from core.api.exceptions import Conflict, Forbidden, ValidationFailed
from core.api.throttling import plan_for
from flows import events
from flows.definition import (
    DEFAULT_ORGANISM_YAML,
    canvas_to_yaml,
    definition_of,
    parse_organism_yaml,
    yaml_settings,
    yaml_to_canvas,
)
from flows.models import Flow, FlowStatus, FlowVersion, Trigger
from flows.services.schedules import schedules_activate, schedules_deactivate
from flows.validation import TriggerRef, flow_validate

EDITABLE_STATUSES = (FlowStatus.STOPPED, FlowStatus.ERROR)


def trigger_refs(flow: Flow) -> list[TriggerRef]:
    return [
        TriggerRef(id=trigger.pk, type=trigger.type, target_node=trigger.target_node, enabled=trigger.enabled)
        for trigger in Trigger.objects.filter(flow=flow)
    ]


def flow_validation(
    flow: Flow, *, organism_yaml: str | None = None, canvas_state: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Validate the flow as stored, or a draft of its YAML or canvas (not saved) with the flow's triggers."""
    canvas, settings, input_schema = flow.canvas_state, flow.settings, flow.input_schema
    if organism_yaml is not None:
        document = parse_organism_yaml(organism_yaml)
        canvas = yaml_to_canvas(document, previous=flow.canvas_state)
        settings = {**settings, **yaml_settings(document)}
        input_schema = document.get("input_schema", input_schema)
    elif canvas_state is not None:
        canvas = canvas_state
    return flow_validate(canvas, settings=settings, input_schema=input_schema, triggers=trigger_refs(flow))


def _definition(
    *,
    name: str,
    organism_yaml: str | None,
    canvas_state: dict[str, Any] | None,
    settings: dict[str, Any] | None,
    input_schema: Any,
    previous: Flow | None,
) -> tuple[str, dict[str, Any], dict[str, Any], Any]:
    """(yaml, canvas, settings, input schema) after applying what was sent on top of `previous`."""
    if organism_yaml is not None and canvas_state is not None:
        raise ValidationFailed(
            "Send either organismYaml or canvasState: each is generated from the other.",
            details={"organismYaml": ["Send either organismYaml or canvasState, not both."]},
        )
    current_settings = dict(previous.settings) if previous else {}
    current_schema = previous.input_schema if previous else None
    if organism_yaml is not None:
        document = parse_organism_yaml(organism_yaml)
        canvas = yaml_to_canvas(document, previous=previous.canvas_state if previous else None)
        current_settings = {**current_settings, **yaml_settings(document)}
        if "input_schema" in document:
            current_schema = document["input_schema"]
    elif canvas_state is not None:
        canvas = canvas_state
    elif previous is not None:
        canvas = previous.canvas_state
    else:
        canvas = yaml_to_canvas(parse_organism_yaml(DEFAULT_ORGANISM_YAML))
    if settings is not None:
        current_settings = {**current_settings, **settings}
    if input_schema is not ...:
        current_schema = input_schema
    yaml_text = canvas_to_yaml(canvas, flow_name=name, settings=current_settings, input_schema=current_schema)
    return yaml_text, canvas, current_settings, current_schema


def _snapshot(flow: Flow, user: User | None) -> FlowVersion:
    return FlowVersion.objects.create(
        flow=flow,
        number=flow.version,
        organism_yaml=flow.organism_yaml,
        canvas_state=flow.canvas_state,
        settings=flow.settings,
        input_schema=flow.input_schema,
        created_by=user,
    )


@transaction.atomic
def flow_create(
    *,
    owner: User,
    name: str,
    description: str = "",
    organism_yaml: str | None = None,
    canvas_state: dict[str, Any] | None = None,
    settings: dict[str, Any] | None = None,
    input_schema: Any = None,
) -> Flow:
    limit = plan_for(owner.tier)["limits"]["flows"]
    # Counted under the owner's row lock, so two concurrent creates cannot both take the last slot.
    User.objects.select_for_update().filter(pk=owner.pk).first()
    if limit is not None and Flow.objects.filter(owner=owner).count() >= limit:
        raise Forbidden(f"Flow limit reached ({limit}). Upgrade to create more flows.", details={"limit": limit})
    yaml_text, canvas, flow_settings, schema = _definition(
        name=name,
        organism_yaml=organism_yaml,
        canvas_state=canvas_state,
        settings=settings,
        input_schema=input_schema,
        previous=None,
    )
    flow = Flow.objects.create(
        owner=owner,
        name=name,
        description=description or "",
        organism_yaml=yaml_text,
        canvas_state=canvas,
        settings=flow_settings,
        input_schema=schema,
    )
    _snapshot(flow, owner)
    return flow


@transaction.atomic
def flow_update(
    *,
    flow: Flow,
    user: User,
    name: str | None = None,
    description: str | None = None,
    organism_yaml: str | None = None,
    canvas_state: dict[str, Any] | None = None,
    settings: dict[str, Any] | None = None,
    input_schema: Any = ...,
) -> Flow:
    """Change a flow. A change of its definition needs the flow stopped and adds a version."""
    flow = Flow.objects.select_for_update().get(pk=flow.pk)
    if name is not None:
        flow.name = name
    if description is not None:
        flow.description = description
    changes_definition = (
        organism_yaml is not None or canvas_state is not None or settings is not None or input_schema is not ...
    )
    if changes_definition or name is not None:
        yaml_text, canvas, flow_settings, schema = _definition(
            name=flow.name,
            organism_yaml=organism_yaml,
            canvas_state=canvas_state,
            settings=settings,
            input_schema=input_schema,
            previous=flow,
        )
        before = definition_of(flow.canvas_state, flow.settings, flow.input_schema)
        after = definition_of(canvas, flow_settings, schema)
        if before != after:
            if flow.status not in EDITABLE_STATUSES:
                raise Conflict(
                    f"The flow is {flow.status}; stop it first to change its definition.",
                    details={"status": flow.status},
                )
            flow.version += 1
        flow.organism_yaml, flow.canvas_state, flow.settings, flow.input_schema = (
            yaml_text,
            canvas,
            flow_settings,
            schema,
        )
        flow.save()
        if before != after:
            _snapshot(flow, user)
            events.flow_log(flow_id=flow.pk, event_type=events.FLOW_UPDATED, message=f"Saved as version {flow.version}")
    else:
        flow.save()
    return flow


@transaction.atomic
def flow_version_restore(*, flow: Flow, number: int, user: User) -> Flow:
    version = FlowVersion.objects.filter(flow=flow, number=number).first()
    if version is None:
        raise ValidationFailed(f"The flow has no version {number}.", details={"number": [f"No version {number}."]})
    return flow_update(
        flow=flow,
        user=user,
        canvas_state=version.canvas_state,
        settings=version.settings,
        input_schema=version.input_schema,
    )


@transaction.atomic
def flow_delete(*, flow: Flow) -> None:
    schedules_deactivate(flow=flow, delete=True)
    flow.delete()


@transaction.atomic
def flow_start(*, flow: Flow) -> Flow:
    flow = Flow.objects.select_for_update().get(pk=flow.pk)
    if flow.status not in (FlowStatus.STOPPED, FlowStatus.ERROR):
        raise ValidationFailed(f"Cannot start flow in {flow.status} state", details={"status": flow.status})
    result = flow_validation(flow)
    if not result["valid"]:
        raise ValidationFailed(
            f"The flow has {result['errors']} validation error(s); fix them before starting it.", details=result
        )
    flow.status, flow.error_message = FlowStatus.RUNNING, ""
    flow.save(update_fields=["status", "error_message", "updated_at"])
    schedules_activate(flow=flow)
    events.flow_log(flow_id=flow.pk, event_type=events.FLOW_STARTED, message=f"Flow started (version {flow.version})")
    return flow


@transaction.atomic
def flow_stop(*, flow: Flow) -> Flow:
    flow = Flow.objects.select_for_update().get(pk=flow.pk)
    if flow.status not in (FlowStatus.RUNNING, FlowStatus.STARTING, FlowStatus.ERROR):
        raise ValidationFailed(f"Cannot stop flow in {flow.status} state", details={"status": flow.status})
    schedules_deactivate(flow=flow)
    flow.status = FlowStatus.STOPPED
    flow.save(update_fields=["status", "updated_at"])
    events.flow_log(flow_id=flow.pk, event_type=events.FLOW_STOPPED, message="Flow stopped")
    return flow
