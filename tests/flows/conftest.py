from pathlib import Path

import pytest

from accounts.models import Tier

CORPUS = Path(__file__).with_name("corpus")  # copied from shared/corpus/bloxserver


@pytest.fixture
def pro_client(auth_client):
    auth_client.user.tier = Tier.PRO
    auth_client.user.save(update_fields=["tier"])
    return auth_client


def canvas(nodes, edges, viewport=None):
    """A canvas from (id, type, config) nodes and (source, target[, condition, expression, handle]) edges."""
    built_nodes = [
        {"id": node_id, "type": node_type, "position": {"x": index * 200, "y": 0},
         "data": {"name": node_id, "label": node_id, "config": config}}
        for index, (node_id, node_type, config) in enumerate(nodes)
    ]  # fmt: skip
    built_edges = []
    for edge in edges:
        source, target, *rest = edge
        data = {"condition": rest[0] if rest else "always"}
        if len(rest) > 1 and rest[1]:
            data["conditionExpression"] = rest[1]
        built = {"id": f"{source}-{target}", "source": source, "target": target, "data": data}
        if len(rest) > 2:
            built["sourceHandle"] = rest[2]
        built_edges.append(built)
    return {"nodes": built_nodes, "edges": built_edges, "viewport": viewport or {"x": 0, "y": 0, "zoom": 1}}


TRANSFORM_FLOW = canvas(
    [
        ("hook", "trigger", {"triggerType": "webhook"}),
        ("shape", "codeBlock", {"tool": "transform", "jmespath": "{greeting: join(' ', ['hello', name])}"}),
        ("done", "output", {}),
    ],
    [("hook", "shape"), ("shape", "done")],
)


def create_flow(client, definition=None, name="Flow", **extra):
    body = {"name": name, **extra}
    if definition is not None:
        body["canvasState"] = definition
    response = client.post("/api/v1/flows", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["data"]


def start_flow(client, flow_id):
    response = client.post(f"/api/v1/flows/{flow_id}/start")
    assert response.status_code == 200, response.json()
    return response.json()["data"]


def add_trigger(client, flow_id, trigger_type="webhook", config=None, **extra):
    response = client.post(
        f"/api/v1/flows/{flow_id}/triggers",
        {"type": trigger_type, "name": f"{trigger_type} in", "config": config or {}, **extra},
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()["data"]
