"""Flows through the API: CRUD, canvas ⇄ YAML, validation, versions, start/stop, tier limit."""

import json

import pytest
import yaml

from flows.models import Flow, FlowVersion
from tests.factories import UserFactory
from tests.flows.conftest import CORPUS, TRANSFORM_FLOW, add_trigger, canvas, create_flow, start_flow

pytestmark = pytest.mark.django_db


def test_create_without_definition_gives_the_starter_flow_as_canvas_and_yaml(auth_client):
    flow = create_flow(auth_client, name="Greeter")
    assert flow["status"] == "stopped"
    assert flow["version"] == 1
    assert flow["userId"] == auth_client.user.pk
    assert {node["type"] for node in flow["canvasState"]["nodes"]} == {"trigger", "llmCall", "output"}
    document = yaml.safe_load(flow["organismYaml"])
    assert document["organism"]["name"] == "greeter"
    assert [listener["name"] for listener in document["listeners"]] == ["greeter", "reply"]
    assert FlowVersion.objects.filter(flow_id=flow["id"], number=1).exists()


def test_free_tier_flow_limit_is_403_with_the_seed_message(auth_client):
    create_flow(auth_client)
    response = auth_client.post("/api/v1/flows", {"name": "second"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["message"] == "Flow limit reached (1). Upgrade to create more flows."
    assert Flow.objects.filter(owner=auth_client.user).count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [({"name": ""}, "name"), ({"name": "x" * 101}, "name"), ({"name": "ok", "description": "d" * 501}, "description")],
)
def test_bad_flow_fields_are_400_and_create_nothing(auth_client, body, field):
    response = auth_client.post("/api/v1/flows", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["details"]
    assert not Flow.objects.exists()


def test_unparseable_yaml_names_the_line(auth_client):
    response = auth_client.post(
        "/api/v1/flows", {"name": "f", "organismYaml": "listeners:\n  - name: [a\n"}, format="json"
    )
    assert response.status_code == 400
    assert "line" in response.json()["error"]["message"]


def test_saving_a_canvas_regenerates_the_yaml_with_conditions_and_config(pro_client):
    definition = canvas(
        [
            ("hook", "trigger", {"triggerType": "webhook"}),
            ("check", "conditional", {"expression": "input.amount > 100"}),
            ("big", "output", {"value": "{{ input.amount }}"}),
            ("small", "output", {}),
        ],
        [("hook", "check"), ("check", "big", "always", None, "true"), ("check", "small", "on_success", None, "false")],
    )
    flow = create_flow(pro_client, definition)
    document = yaml.safe_load(flow["organismYaml"])
    check = next(listener for listener in document["listeners"] if listener["name"] == "check")
    assert check["type"] == "conditional"
    assert check["config"] == {"expression": "input.amount > 100"}
    assert check["peers"] == ["big", "small"]
    assert check["routes"] == [
        {"to": "big", "condition": "always", "handle": "true"},
        {"to": "small", "condition": "on_success", "handle": "false"},
    ]
    assert document["triggers"] == [{"name": "hook", "type": "webhook", "target_nodes": ["check"]}]


def test_saving_yaml_keeps_positions_of_nodes_that_persist_and_lays_out_new_ones(pro_client):
    flow = create_flow(pro_client, TRANSFORM_FLOW)
    document = yaml.safe_load(flow["organismYaml"])
    document["listeners"].append({"name": "audit", "type": "output", "agent": False})
    document["listeners"][0]["peers"].append("audit")
    response = pro_client.patch(
        f"/api/v1/flows/{flow['id']}", {"organismYaml": yaml.safe_dump(document)}, format="json"
    )
    assert response.status_code == 200, response.json()
    nodes = {node["id"]: node for node in response.json()["data"]["canvasState"]["nodes"]}
    assert nodes["shape"]["position"] == {"x": 200, "y": 0}
    assert nodes["done"]["position"] == {"x": 400, "y": 0}
    assert "audit" in nodes
    assert nodes["audit"]["position"] not in ({"x": 200, "y": 0}, {"x": 400, "y": 0})
    assert response.json()["data"]["version"] == 2


def test_canvas_to_yaml_to_canvas_is_lossless_except_layout(pro_client):
    flow = create_flow(pro_client, TRANSFORM_FLOW)
    response = pro_client.patch(f"/api/v1/flows/{flow['id']}", {"organismYaml": flow["organismYaml"]}, format="json")
    again = response.json()["data"]
    assert again["canvasState"] == flow["canvasState"]
    assert again["version"] == 1, "re-saving the same definition makes no version"


@pytest.mark.parametrize("name", sorted(path.name for path in CORPUS.glob("*.organism.yaml")))
def test_corpus_yaml_files_import(pro_client, name):
    text = (CORPUS / name).read_text()
    flow = create_flow(pro_client, name=name[:100], organismYaml=text)
    listeners = yaml.safe_load(text).get("listeners") or []
    names = {node["data"]["name"] for node in flow["canvasState"]["nodes"]}
    assert {listener["name"] for listener in listeners} <= names
    result = pro_client.post(f"/api/v1/flows/{flow['id']}/validate").json()["data"]
    assert {"valid", "errors", "warnings", "issues"} <= set(result)


def test_corpus_react_flow_canvas_saves_and_validates_with_node_ids(pro_client):
    state = json.loads((CORPUS / "reactflow-canvas-state.json").read_text())
    state.pop("_comment")
    flow = create_flow(pro_client, state)
    issues = pro_client.post(f"/api/v1/flows/{flow['id']}/validate").json()["data"]["issues"]
    # The HTTP node has no URL and the code block names a WASM module: both are reported on their node.
    assert {issue["nodeId"] for issue in issues if issue["code"] == "invalid_node_config"} == {"n-http", "n-code"}
    assert "missing_agent_prompt" not in {issue["code"] for issue in issues}, "the researcher has its prompt"


def test_validate_reports_bloxserver_and_our_rules(pro_client):
    definition = canvas(
        [
            ("hook", "trigger", {}),
            ("agent", "llmCall", {}),
            ("bad name", "output", {}),
            ("mystery", "teleport", {}),
            ("loop-a", "codeBlock", {"tool": "calculate", "expression": "1 +"}),
            ("loop-b", "output", {}),
            ("orphan", "output", {}),
        ],
        [
            ("hook", "agent", "sometimes"),
            ("agent", "ghost"),
            ("loop-a", "loop-b"),
            ("loop-b", "loop-a", "conditional"),
            ("hook", "loop-a"),
        ],
    )
    flow = create_flow(pro_client, definition)
    add_trigger(pro_client, flow["id"], "webhook", targetNode="nowhere")
    result = pro_client.post(f"/api/v1/flows/{flow['id']}/validate").json()["data"]
    found = {(issue["code"], issue["severity"]) for issue in result["issues"]}
    assert {
        ("missing_agent_prompt", "error"),
        ("invalid_node_name", "error"),
        ("unknown_node_type", "error"),
        ("invalid_node_config", "error"),
        ("invalid_edge_target", "error"),
        ("invalid_edge_condition", "error"),
        ("invalid_trigger_target", "error"),
        ("unreachable_entry_node", "warning"),
        ("cycle_detected", "info"),
    } <= found
    assert not result["valid"]
    cycle = next(issue for issue in result["issues"] if issue["code"] == "cycle_detected")
    assert cycle["message"] == "Cycle detected: loop-a -> loop-b -> loop-a"


def test_start_refuses_an_invalid_flow_and_keeps_its_status(pro_client):
    flow = create_flow(pro_client, canvas([("agent", "llmCall", {})], []))
    response = pro_client.post(f"/api/v1/flows/{flow['id']}/start")
    assert response.status_code == 400
    assert response.json()["error"]["details"]["issues"][0]["code"] == "missing_agent_prompt"
    assert Flow.objects.get(pk=flow["id"]).status == "stopped"


def test_start_stop_and_wrong_state_messages(pro_client):
    flow = create_flow(pro_client, TRANSFORM_FLOW)
    assert start_flow(pro_client, flow["id"])["status"] == "running"
    again = pro_client.post(f"/api/v1/flows/{flow['id']}/start")
    assert again.status_code == 400
    assert again.json()["error"]["message"] == "Cannot start flow in running state"
    assert pro_client.post(f"/api/v1/flows/{flow['id']}/stop").json()["data"]["status"] == "stopped"
    stopped = pro_client.post(f"/api/v1/flows/{flow['id']}/stop")
    assert stopped.status_code == 400
    assert stopped.json()["error"]["message"] == "Cannot stop flow in stopped state"


def test_editing_a_running_flow_definition_is_409_but_renaming_is_fine(pro_client):
    flow = create_flow(pro_client, TRANSFORM_FLOW)
    start_flow(pro_client, flow["id"])
    changed = canvas([("hook", "trigger", {}), ("done", "output", {})], [("hook", "done")])
    response = pro_client.patch(f"/api/v1/flows/{flow['id']}", {"canvasState": changed}, format="json")
    assert response.status_code == 409
    assert "stop it first" in response.json()["error"]["message"]
    assert Flow.objects.get(pk=flow["id"]).version == 1
    renamed = pro_client.patch(f"/api/v1/flows/{flow['id']}", {"name": "Renamed"}, format="json")
    assert renamed.status_code == 200
    assert renamed.json()["data"]["name"] == "Renamed"


def test_versions_list_get_and_restore(pro_client):
    flow = create_flow(pro_client, TRANSFORM_FLOW)
    smaller = canvas([("hook", "trigger", {}), ("done", "output", {})], [("hook", "done")])
    pro_client.patch(f"/api/v1/flows/{flow['id']}", {"canvasState": smaller}, format="json")
    versions = pro_client.get(f"/api/v1/flows/{flow['id']}/versions").json()["data"]
    assert [version["number"] for version in versions] == [2, 1]
    first = pro_client.get(f"/api/v1/flows/{flow['id']}/versions/1").json()["data"]
    assert len(first["canvasState"]["nodes"]) == 3
    restored = pro_client.post(f"/api/v1/flows/{flow['id']}/versions/1/restore").json()["data"]
    assert restored["version"] == 3
    assert len(restored["canvasState"]["nodes"]) == 3
    assert pro_client.get(f"/api/v1/flows/{flow['id']}/versions/9").status_code == 404


def test_other_users_flows_are_404(auth_client, api_client, token_for):
    flow = create_flow(auth_client)
    other = UserFactory()
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(other)}")
    for path in ("", "/versions", "/triggers", "/executions", "/logs", "/memory", "/stats"):
        assert api_client.get(f"/api/v1/flows/{flow['id']}{path}").status_code == 404, path


def test_delete_removes_the_flow(auth_client):
    flow = create_flow(auth_client)
    assert auth_client.delete(f"/api/v1/flows/{flow['id']}").status_code == 204
    assert not Flow.objects.exists()


def test_validate_a_draft_without_saving_it(pro_client):
    flow = create_flow(pro_client, TRANSFORM_FLOW)
    draft = "listeners:\n- name: thinker\n  type: llmCall\n"
    result = pro_client.post(f"/api/v1/flows/{flow['id']}/validate", {"organismYaml": draft}, format="json")
    assert [issue["code"] for issue in result.json()["data"]["issues"]] == ["missing_agent_prompt"]
    drawn = canvas([("hook", "trigger", {}), ("x", "teleport", {})], [("hook", "x")])
    result = pro_client.post(f"/api/v1/flows/{flow['id']}/validate", {"canvasState": drawn}, format="json")
    assert [issue["code"] for issue in result.json()["data"]["issues"]] == ["unknown_node_type"]
    stored = pro_client.post(f"/api/v1/flows/{flow['id']}/validate").json()["data"]
    assert stored["valid"] is True
    assert Flow.objects.get(pk=flow["id"]).version == 1
