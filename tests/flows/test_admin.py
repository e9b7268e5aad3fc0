import pytest

from flows.models import Execution, Flow, FlowMemory
from flows.services.executions import execution_run_manually
from flows.services.flows import flow_create, flow_start
from flows.services.memory import memory_set_enabled, memory_write
from tests.flows.conftest import TRANSFORM_FLOW

pytestmark = pytest.mark.django_db


def test_operators_see_flows_and_start_stop_them(admin_client, user):
    user.tier = "pro"
    user.save(update_fields=["tier"])
    flow = flow_create(owner=user, name="Findable flow", canvas_state=TRANSFORM_FLOW)
    listing = admin_client.get("/admin/flows/flow/", {"q": "Findable"})
    assert listing.status_code == 200
    assert b"Findable flow" in listing.content
    assert admin_client.get(f"/admin/flows/flow/{flow.pk}/change/").status_code == 200
    admin_client.post("/admin/flows/flow/", {"action": "start_flows", "_selected_action": [flow.pk]})
    assert Flow.objects.get().status == "running"
    admin_client.post("/admin/flows/flow/", {"action": "stop_flows", "_selected_action": [flow.pk]})
    assert Flow.objects.get().status == "stopped"
    for path in ("flowversion", "trigger", "execution", "flowlog", "flowmemory"):
        assert admin_client.get(f"/admin/flows/{path}/").status_code == 200, path


def test_executions_are_read_only_and_can_be_replayed(admin_client, user, django_capture_on_commit_callbacks):
    user.tier = "pro"
    user.save(update_fields=["tier"])
    flow = flow_start(flow=flow_create(owner=user, name="f", canvas_state=TRANSFORM_FLOW))
    with django_capture_on_commit_callbacks(execute=True):
        execution = execution_run_manually(flow=flow, payload={"name": "admin"})
    detail = admin_client.get(f"/admin/flows/execution/{execution.pk}/change/")
    assert detail.status_code == 200
    assert b"shape" in detail.content, "steps are shown inline"
    assert admin_client.post(f"/admin/flows/execution/{execution.pk}/change/", {"status": "error"}).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/flows/execution/", {"action": "replay_executions", "_selected_action": [execution.pk]}
        )
    replay = Execution.objects.exclude(pk=execution.pk).get()
    assert replay.replay_of_id == execution.pk
    assert replay.output_payload == {"greeting": "hello admin"}


def test_memory_is_visible_to_operators(admin_client, user):
    user.tier = "pro"
    user.save(update_fields=["tier"])
    flow = flow_create(owner=user, name="m")
    memory_set_enabled(flow=flow, enabled=True)
    memory_write(flow=flow, key="remembered", value={"a": 1})
    memory = FlowMemory.objects.get()
    page = admin_client.get(f"/admin/flows/flowmemory/{memory.pk}/change/")
    assert page.status_code == 200
    assert b"remembered" in page.content
