"""Workspaces over HTTP: CRUD as in CloudBlocks, the architecture in git (validated, optimistic concurrency),
commits, validation routes and the session binding. Another user's workspace is a 404."""

import json
import subprocess
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from tests.factories import UserFactory
from tests.workspaces.architectures import three_tier
from workspaces.models import Workspace

pytestmark = pytest.mark.django_db


def git(repo: str, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", repo, *args], capture_output=True, text=True, check=True).stdout


def create(client, **body) -> dict:
    response = client.post("/api/v1/workspaces", {"name": "Shop", **body}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["data"]


@pytest.fixture
def other_client(token_for) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(UserFactory())}")
    return client


def test_create_with_defaults_makes_a_repository_with_an_empty_architecture(auth_client):
    data = create(auth_client)

    assert data["id"].startswith("ws_")
    assert {k: data[k] for k in ("generator", "provider", "githubRepo", "githubBranch", "lastSyncedAt", "region")} == {
        "generator": "terraform",
        "provider": "azure",
        "githubRepo": None,
        "githubBranch": "main",
        "lastSyncedAt": None,
        "region": "",
    }
    assert data["ownerId"] == auth_client.user.pk
    repo = Workspace.objects.get(pk=data["id"]).repo_path
    stored = json.loads(git(repo, "show", "main:architecture.json"))
    assert (stored["name"], stored["nodes"], stored["connections"]) == ("Shop", [], [])
    assert git(repo, "log", "--format=%s").strip() == "Create workspace Shop"


def test_create_with_everything_and_an_architecture(auth_client):
    data = create(
        auth_client,
        generator="terraform",
        provider="aws",
        region="eu-west-1",
        githubRepo="acme/infra",
        githubBranch="live",
        architecture=three_tier(),
    )

    assert (data["provider"], data["region"], data["githubRepo"], data["githubBranch"]) == (
        "aws",
        "eu-west-1",
        "acme/infra",
        "live",
    )
    architecture = auth_client.get(f"/api/v1/workspaces/{data['id']}/architecture").json()["data"]["architecture"]
    assert len(architecture["nodes"]) == 10


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"generator": "pulumi"}, "generator"),
        ({"provider": "oracle"}, "provider"),
        ({"generator": "bicep", "provider": "aws"}, "generator"),
        ({"provider": "gcp", "region": "eastus"}, "region"),
        ({"githubRepo": "not a repo"}, "githubRepo"),
        ({"name": ""}, "name"),
        ({"architecture": {"nodes": "many"}}, None),
    ],
)
def test_bad_workspaces_are_refused_and_nothing_is_created(auth_client, body, field):
    response = auth_client.post("/api/v1/workspaces", {"name": "Shop", **body}, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    if field:
        assert field in error["details"]
    else:
        assert error["details"]["valid"] is False
    assert not Workspace.objects.exists()


def test_list_shows_only_my_workspaces_newest_first(auth_client, other_client):
    first = create(auth_client, name="One")
    second = create(auth_client, name="Two")
    create(other_client, name="Theirs")

    response = auth_client.get("/api/v1/workspaces")

    assert [w["id"] for w in response.json()["data"]] == [second["id"], first["id"]]
    assert response.json()["pagination"]["total"] == 2


def test_put_keeps_omitted_fields_clears_nulls_and_validates(auth_client):
    workspace = create(auth_client, githubRepo="acme/infra", githubBranch="dev")
    url = f"/api/v1/workspaces/{workspace['id']}"

    renamed = auth_client.put(url, {"name": "Renamed"}, format="json").json()["data"]
    assert (renamed["name"], renamed["githubRepo"], renamed["githubBranch"]) == ("Renamed", "acme/infra", "dev")

    cleared = auth_client.put(url, {"githubRepo": None, "githubBranch": None}, format="json").json()["data"]
    assert (cleared["githubRepo"], cleared["githubBranch"]) == (None, "main")

    moved = auth_client.patch(url, {"provider": "gcp"}, format="json").json()["data"]
    assert moved["provider"] == "gcp"

    refused = auth_client.put(url, {"generator": "bicep"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["details"] == {"generator": "bicep generates azure only."}
    assert Workspace.objects.get(pk=workspace["id"]).generator == "terraform"


def test_delete_removes_the_workspace_and_its_repository(auth_client, django_capture_on_commit_callbacks):
    workspace = create(auth_client)
    repo = Path(Workspace.objects.get(pk=workspace["id"]).repo_path)

    with django_capture_on_commit_callbacks(execute=True):
        response = auth_client.delete(f"/api/v1/workspaces/{workspace['id']}")

    assert response.status_code == 204
    assert response.content == b""
    assert not Workspace.objects.exists()
    assert not repo.exists()
    assert auth_client.get(f"/api/v1/workspaces/{workspace['id']}").status_code == 404


def test_another_users_workspace_is_not_found_anywhere(auth_client, other_client):
    workspace = create(auth_client)
    base = f"/api/v1/workspaces/{workspace['id']}"

    calls = [
        other_client.get(base),
        other_client.put(base, {"name": "Mine"}, format="json"),
        other_client.delete(base),
        other_client.get(f"{base}/architecture"),
        other_client.put(f"{base}/architecture", {"architecture": three_tier()}, format="json"),
        other_client.get(f"{base}/commits"),
        other_client.post(f"{base}/validate", {}, format="json"),
        other_client.post("/api/v1/session/workspace", {"workspaceId": workspace["id"]}, format="json"),
    ]

    assert [response.status_code for response in calls] == [404] * len(calls)
    assert {response.json()["error"]["code"] for response in calls} == {"NOT_FOUND"}
    assert Workspace.objects.get(pk=workspace["id"]).name == "Shop"


def test_unauthenticated_requests_are_refused(api_client):
    assert api_client.get("/api/v1/workspaces").status_code == 401
    assert api_client.post("/api/v1/architecture/validate", {"architecture": {}}, format="json").status_code == 401


def test_saving_an_architecture_commits_it_and_history_shows_it(auth_client):
    workspace = create(auth_client)
    url = f"/api/v1/workspaces/{workspace['id']}/architecture"
    architecture = three_tier()
    # Keys inside the architecture are data: they must come back exactly as sent, not camelCased.
    architecture["nodes"][5]["config"] = {"instance_type": "t3.micro", "diskSizeGb": 30}

    response = auth_client.put(url, {"architecture": architecture, "commitMessage": "Three tiers"}, format="json")

    assert response.status_code == 200, response.json()
    saved = response.json()["data"]
    assert saved["changed"] is True
    assert saved["validation"] == {"valid": True, "errors": [], "warnings": []}
    assert saved["migrations"] == []
    current = auth_client.get(url).json()["data"]
    assert current["commitSha"] == saved["commitSha"]
    assert current["ref"] == "main"
    assert current["architecture"]["nodes"][5]["config"] == {"instance_type": "t3.micro", "diskSizeGb": 30}
    commits = auth_client.get(f"/api/v1/workspaces/{workspace['id']}/commits").json()["data"]
    assert [c["message"] for c in commits] == ["Three tiers", "Create workspace Shop"]
    assert commits[0]["sha"] == saved["commitSha"]
    assert commits[0]["authorEmail"] == auth_client.user.email
    assert commits[0]["date"]
    first = commits[1]["sha"]
    assert auth_client.get(url, {"ref": first}).json()["data"]["architecture"]["nodes"] == []


def test_saving_an_older_shape_commits_it_migrated_and_says_so(auth_client):
    workspace = create(auth_client)
    architecture = three_tier()
    architecture["nodes"] = [n for n in architecture["nodes"] if not n["id"].startswith("ext-")]

    saved = auth_client.put(
        f"/api/v1/workspaces/{workspace['id']}/architecture", {"architecture": architecture}, format="json"
    ).json()["data"]

    assert saved["migrations"] == ["2 external actor(s) became nodes"]
    assert "externalActors" not in saved["architecture"]
    assert [n["id"] for n in saved["architecture"]["nodes"]][-2:] == ["ext-browser", "ext-internet"]


def test_saving_the_same_architecture_again_makes_no_commit(auth_client):
    workspace = create(auth_client)
    url = f"/api/v1/workspaces/{workspace['id']}/architecture"
    first = auth_client.put(url, {"architecture": three_tier()}, format="json").json()["data"]

    again = auth_client.put(url, {"architecture": three_tier()}, format="json").json()["data"]

    assert (again["changed"], again["commitSha"]) == (False, first["commitSha"])
    assert len(auth_client.get(f"/api/v1/workspaces/{workspace['id']}/commits").json()["data"]) == 2


def test_an_invalid_architecture_is_refused_with_its_validation_result_and_nothing_is_committed(auth_client):
    workspace = create(auth_client)
    url = f"/api/v1/workspaces/{workspace['id']}/architecture"
    before = auth_client.get(url).json()["data"]["commitSha"]
    architecture = three_tier()
    architecture["nodes"][5]["parentId"] = "container-tmpl-vnet"

    response = auth_client.put(url, {"architecture": architecture}, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert error["details"]["valid"] is False
    assert [e["ruleId"] for e in error["details"]["errors"]] == ["rule-compute-parent"]
    assert error["details"]["errors"][0]["targetId"] == "block-tmpl-compute"
    assert auth_client.get(url).json()["data"]["commitSha"] == before


def test_expected_sha_gives_optimistic_concurrency(auth_client):
    workspace = create(auth_client)
    url = f"/api/v1/workspaces/{workspace['id']}/architecture"
    base = auth_client.get(url).json()["data"]["commitSha"]
    mine = auth_client.put(url, {"architecture": three_tier(), "expectedSha": base}, format="json")
    assert mine.status_code == 200
    theirs = three_tier()
    theirs["name"] = "Their edit"

    stale = auth_client.put(url, {"architecture": theirs, "expectedSha": base}, format="json")

    assert stale.status_code == 409
    error = stale.json()["error"]
    assert error["code"] == "CONFLICT"
    assert error["details"] == {"expectedSha": base, "currentSha": mine.json()["data"]["commitSha"]}
    assert auth_client.get(url).json()["data"]["architecture"]["name"] == "Three-Tier Web App"


@pytest.mark.parametrize(
    "body",
    [{}, {"architecture": three_tier(), "expectedSha": "abc"}, {"architecture": three_tier(), "commitMessage": ""}],
)
def test_bad_save_requests_are_refused(auth_client, body):
    workspace = create(auth_client)

    response = auth_client.put(f"/api/v1/workspaces/{workspace['id']}/architecture", body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"


def test_unknown_refs_and_bad_limits_are_refused(auth_client):
    workspace = create(auth_client)
    base = f"/api/v1/workspaces/{workspace['id']}"

    missing = auth_client.get(f"{base}/architecture", {"ref": "no-such-branch"})
    assert missing.status_code == 404
    assert "no-such-branch" in missing.json()["error"]["message"]
    assert auth_client.get(f"{base}/commits", {"limit": "0"}).status_code == 400
    assert auth_client.get(f"{base}/commits", {"limit": "x"}).status_code == 400


def test_validate_the_stored_or_a_sent_architecture_against_the_workspace_provider(auth_client):
    workspace = create(auth_client, provider="aws", architecture=three_tier())
    url = f"/api/v1/workspaces/{workspace['id']}/validate"

    stored = auth_client.post(url, {}, format="json").json()["data"]
    broken = three_tier()
    broken["connections"].append(
        {"id": "loop", "from": "endpoint-block-tmpl-db-output-data", "to": "endpoint-block-tmpl-db-input-data"}
    )
    sent = auth_client.post(url, {"architecture": broken}, format="json").json()["data"]

    assert stored["valid"] is True
    assert [w["ruleId"] for w in stored["warnings"]] == ["rule-provider-mismatch"]
    assert sent["valid"] is False
    assert [e["ruleId"] for e in sent["errors"]] == ["rule-schema"]
    assert "metadata" in sent["errors"][0]["message"]


def test_stateless_validation(auth_client):
    architecture = three_tier()
    architecture["nodes"][4]["roles"] = ["admin"]

    result = auth_client.post("/api/v1/architecture/validate", {"architecture": architecture}, format="json")
    refused = auth_client.post("/api/v1/architecture/validate", {"provider": "aws"}, format="json")
    unknown_provider = auth_client.post(
        "/api/v1/architecture/validate", {"architecture": architecture, "provider": "ibm"}, format="json"
    )

    assert result.status_code == 200
    assert result.json()["data"]["errors"] == [
        {
            "ruleId": "rule-role-invalid",
            "severity": "error",
            "message": "Azure Application Gateway (application_gateway) has an unknown role 'admin'.",
            "suggestion": "Roles: primary, secondary, reader, writer, public, private, internal, external.",
            "targetId": "block-tmpl-gw",
        }
    ]
    assert refused.status_code == 400
    assert refused.json()["error"]["details"] == {"architecture": ["This field is required."]}
    assert unknown_provider.status_code == 400


def test_binding_a_workspace_to_the_session(auth_client):
    workspace = create(auth_client, githubRepo="acme/infra")

    bound = auth_client.post("/api/v1/session/workspace", {"workspaceId": workspace["id"]}, format="json")
    explicit = auth_client.post(
        "/api/v1/session/workspace", {"workspace_id": workspace["id"], "repoFullName": "acme/other"}, format="json"
    )
    missing = auth_client.post("/api/v1/session/workspace", {}, format="json")

    assert bound.json()["data"] == {"currentWorkspaceId": workspace["id"], "currentRepoFullName": "acme/infra"}
    assert explicit.json()["data"]["currentRepoFullName"] == "acme/other"
    assert missing.status_code == 400
