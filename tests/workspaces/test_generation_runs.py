"""Generation over HTTP: runs on the runs engine (202, then pending → running → completed | failed), files
committed under infra/<generator>/<provider>/, events in order, preview without a commit, bad input refused."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from rest_framework.test import APIClient

from config.celery import app as celery_app
from core.api.exceptions import Conflict
from runs.events import run_event_emit
from runs.models import Run, RunEvent
from runs.services import old_worktrees_remove, run_cancel, run_retry, runs_sweep
from tests.factories import UserFactory
from tests.workspaces.architectures import connect, node, three_tier
from tests.workspaces.generation import generate
from tests.workspaces.test_workspaces import create, git
from workspaces.models import Workspace

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def workspace(auth_client) -> dict:
    return create(auth_client, provider="aws", architecture=three_tier())


def generate_run(client, workspace, **body):
    return client.post(f"/api/v1/workspaces/{workspace['id']}/generate", body, format="json")


def test_a_generation_run_commits_the_files_and_tells_the_story(auth_client, workspace):
    response = generate_run(auth_client, workspace, commitMessage="Infra for the shop")

    assert response.status_code == 202, response.json()
    accepted = response.json()["data"]
    assert (accepted["status"], accepted["runNumber"], accepted["channel"]) == (
        "pending",
        1,
        f"run:{accepted['id']}",
    )
    run = auth_client.get(f"/api/v1/workspaces/{workspace['id']}/generate/{accepted['id']}").json()["data"]
    assert run["status"] == "completed", run["error"]
    assert (run["generator"], run["provider"], run["branch"]) == ("terraform", "aws", "main")
    repo = Workspace.objects.get(pk=workspace["id"]).repo_path
    assert run["commitSha"] == git(repo, "rev-parse", "main").strip()
    assert git(repo, "log", "-1", "--format=%s").strip() == "Infra for the shop"
    committed = sorted(git(repo, "ls-tree", "-r", "--name-only", "main", "infra").split())
    expected = generate(three_tier(), "aws", project_name="Shop")
    assert committed == [f"infra/terraform/aws/{path}" for path in sorted(expected)]
    assert git(repo, "show", "main:infra/terraform/aws/main.tf") == expected["main.tf"]
    assert {file["change"] for file in run["files"]} == {"created"}

    events = auth_client.get(f"/api/v1/workspaces/{workspace['id']}/generate/{run['id']}/events").json()["data"]
    types = [event["eventType"] for event in events]
    assert types == ["RUN_STARTED", "LOG", *["FILE_CREATED"] * 4, "RUN_COMPLETED"]
    assert [event["seq"] for event in events] == list(range(1, 8))
    assert events[-1]["payload"]["commitSha"] == run["commitSha"]


def test_generating_again_changes_only_what_changed(auth_client, workspace):
    first = generate_run(auth_client, workspace).json()["data"]
    unchanged = generate_run(auth_client, workspace).json()["data"]
    unchanged = auth_client.get(f"/api/v1/workspaces/{workspace['id']}/generate/{unchanged['id']}").json()["data"]

    assert unchanged["runNumber"] == 2
    first = auth_client.get(f"/api/v1/workspaces/{workspace['id']}/generate/{first['id']}").json()["data"]
    assert unchanged["commitSha"] == first["commitSha"]
    assert {file["change"] for file in unchanged["files"]} == {"unchanged"}

    architecture = three_tier()
    architecture["nodes"].append(node("cache", "cache_store", "data", "container-tmpl-private", x=4))
    auth_client.put(f"/api/v1/workspaces/{workspace['id']}/architecture", {"architecture": architecture}, format="json")
    changed = generate_run(auth_client, workspace).json()["data"]
    changed = auth_client.get(f"/api/v1/workspaces/{workspace['id']}/generate/{changed['id']}").json()["data"]
    changes = {file["path"].rsplit("/", 1)[1]: file["change"] for file in changed["files"]}
    assert changes["main.tf"] == "modified"
    assert changes["versions.tf"] == "unchanged"


def test_another_provider_and_branch_go_to_their_own_directory_and_branch(auth_client, workspace):
    run = generate_run(auth_client, workspace, provider="gcp", region="europe-west1", branch="infra/gcp").json()["data"]

    run = auth_client.get(f"/api/v1/workspaces/{workspace['id']}/generate/{run['id']}").json()["data"]
    assert (run["status"], run["region"], run["branch"]) == ("completed", "europe-west1", "infra/gcp")
    repo = Workspace.objects.get(pk=workspace["id"]).repo_path
    assert "infra/gcp/" not in git(repo, "ls-tree", "-r", "--name-only", "main")
    files = git(repo, "ls-tree", "-r", "--name-only", "infra/gcp").split()
    assert "infra/terraform/gcp/main.tf" in files
    assert "architecture.json" in files
    assert 'default     = "europe-west1"' in git(repo, "show", "infra/gcp:infra/terraform/gcp/variables.tf")


def test_an_unsupported_block_fails_the_run_naming_it(auth_client):
    architecture = three_tier()
    architecture["nodes"].append(node("fn", "function_compute", "compute", "container-tmpl-app", x=4))
    workspace = create(auth_client, provider="azure", architecture=architecture)

    run = generate_run(auth_client, workspace).json()["data"]

    run = auth_client.get(f"/api/v1/workspaces/{workspace['id']}/generate/{run['id']}").json()["data"]
    assert run["status"] == "failed"
    assert run["error"]["code"] == "UNSUPPORTED_BLOCK"
    assert run["error"]["targetId"] == "block-tmpl-compute"
    assert run["commitSha"] is None
    last = RunEvent.objects.filter(run_id=run["id"]).order_by("-seq").first()
    assert (last.type, last.payload["code"]) == ("RUN_FAILED", "UNSUPPORTED_BLOCK")
    repo = Workspace.objects.get(pk=workspace["id"]).repo_path
    assert "infra/" not in git(repo, "ls-tree", "-r", "--name-only", "main")


def test_preview_returns_the_files_without_committing(auth_client, workspace):
    repo = Workspace.objects.get(pk=workspace["id"]).repo_path
    head = git(repo, "rev-parse", "main").strip()

    response = auth_client.get(f"/api/v1/workspaces/{workspace['id']}/preview?provider=azure&region=westeurope")

    assert response.status_code == 200, response.json()
    preview = response.json()["data"]
    assert (preview["provider"], preview["directory"], preview["architectureSha"]) == (
        "azure",
        "infra/terraform/azure",
        head,
    )
    expected = generate(three_tier(), "azure", project_name="Shop", region="westeurope")
    assert {file["path"]: file["content"] for file in preview["files"]} == expected
    assert git(repo, "rev-parse", "main").strip() == head
    assert not Run.objects.exists()


def test_preview_names_the_connection_a_provider_cannot_wire(auth_client):
    architecture = three_tier()
    architecture["nodes"].append(node("api", "api_gateway", "delivery", None, x=40))
    architecture["connections"].append(connect("api", "block-tmpl-storage"))
    workspace = create(auth_client, provider="aws", architecture=architecture)

    response = auth_client.get(f"/api/v1/workspaces/{workspace['id']}/preview")

    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["details"]["targetId"]) == ("UNSUPPORTED_CONNECTION", "api")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"generator": "pulumi"}, "generator"),
        ({"provider": "oracle"}, "provider"),
        ({"generator": "bicep", "provider": "aws"}, "generator"),
        ({"region": "westeurope"}, "region"),
        ({"branch": "bad..branch"}, "branch"),
        ({"createPr": True}, "createPr"),
        ({"commitMessage": ""}, "commitMessage"),
    ],
)
def test_bad_generation_requests_are_refused_and_start_nothing(auth_client, workspace, body, field):
    response = generate_run(auth_client, workspace, **body)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert field in error["details"]
    assert not Run.objects.exists()


def test_bad_preview_options_are_refused(auth_client, workspace):
    response = auth_client.get(f"/api/v1/workspaces/{workspace['id']}/preview?provider=gcp&region=eastus")

    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"region": "'eastus' is not a gcp region."}


def test_runs_are_listed_newest_first_and_are_private(auth_client, workspace, token_for):
    first = generate_run(auth_client, workspace).json()["data"]
    second = generate_run(auth_client, workspace, provider="azure").json()["data"]

    listed = auth_client.get(f"/api/v1/workspaces/{workspace['id']}/runs").json()
    assert [run["id"] for run in listed["data"]] == [second["id"], first["id"]]
    assert listed["pagination"]["total"] == 2

    stranger = APIClient()
    stranger.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(UserFactory())}")
    base = f"/api/v1/workspaces/{workspace['id']}"
    for response in (
        stranger.get(f"{base}/runs"),
        stranger.get(f"{base}/generate/{first['id']}"),
        stranger.get(f"{base}/generate/{first['id']}/events"),
        stranger.get(f"{base}/preview"),
        stranger.post(f"{base}/generate", {}, format="json"),
    ):
        assert response.status_code == 404
    assert Run.objects.count() == 2


def test_the_generation_rate_limit_applies(auth_client, workspace):
    statuses = [generate_run(auth_client, workspace).status_code for _ in range(11)]

    assert statuses == [202] * 10 + [429]
    assert Run.objects.count() == 10


def test_the_sweeper_finishes_a_generation_whose_worker_was_lost(auth_client, workspace):
    celery_app.conf.task_always_eager = False
    try:
        accepted = generate_run(auth_client, workspace).json()["data"]
    finally:
        celery_app.conf.task_always_eager = True
    # The worker took the job, emitted its first events and died before committing.
    run = Run.objects.get(pk=accepted["id"])
    run_event_emit(run_id=run.pk, type="RUN_STARTED", key="started", payload=dict(run.options))
    Run.objects.filter(pk=run.pk).update(
        status="executing", heartbeat_at=timezone.now() - timedelta(seconds=settings.RUN_STALL_SECONDS + 60)
    )

    assert runs_sweep() == 1

    run = auth_client.get(f"/api/v1/workspaces/{workspace['id']}/generate/{run.pk}").json()["data"]
    assert run["status"] == "completed"
    types = list(RunEvent.objects.filter(run_id=run["id"]).order_by("seq").values_list("type", flat=True))
    assert types == ["RUN_STARTED", "LOG", "LOG", *["FILE_CREATED"] * 4, "RUN_COMPLETED"]


def test_a_bicep_workspace_commits_main_bicep_and_its_parameters(auth_client):
    workspace = create(auth_client, provider="azure", generator="bicep", architecture=three_tier())

    run = generate_run(auth_client, workspace).json()["data"]

    run = auth_client.get(f"/api/v1/workspaces/{workspace['id']}/generate/{run['id']}").json()["data"]
    assert (run["status"], run["generator"]) == ("completed", "bicep")
    repo = Workspace.objects.get(pk=workspace["id"]).repo_path
    files = sorted(git(repo, "ls-tree", "-r", "--name-only", "main", "infra").split())
    assert files == ["infra/bicep/azure/main.bicep", "infra/bicep/azure/main.bicepparam"]
    expected = generate(three_tier(), "azure", generator="bicep", project_name="Shop")
    assert git(repo, "show", "main:infra/bicep/azure/main.bicep") == expected["main.bicep"]


def test_generation_runs_are_not_cancelled_retried_or_swept_for_worktrees(auth_client, workspace):
    run = Run.objects.get(pk=generate_run(auth_client, workspace).json()["data"]["id"])

    with pytest.raises(Conflict):
        run_cancel(run=run)
    with pytest.raises(Conflict):
        run_retry(run=run)
    assert old_worktrees_remove() == 0
    assert str(run) == f"{workspace['id']} run 1"
