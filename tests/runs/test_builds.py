"""Build runs over the API with the built-in generator: the pipeline end to end, eagerly."""

import pytest
from rest_framework.test import APIClient

from runs.models import Run, RunEvent, Task
from tests.factories import UserFactory
from tests.projects import DESCRIPTIONS, approved_project, git
from workspaces.models import Project

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def project(auth_client):
    return approved_project(auth_client)


def test_a_build_decomposes_executes_merges_and_verifies(auth_client, project):
    response = auth_client.post(f"/api/v1/projects/{project['id']}/runs", {}, format="json")

    assert response.status_code == 201, response.content
    created = response.json()["data"]
    assert created["runNumber"] == 1
    assert created["trigger"] == "manual"
    run = auth_client.get(f"/api/v1/projects/{project['id']}/runs/{created['id']}").json()["data"]
    assert run["status"] == "succeeded", run["error"]
    assert run["specSnapshot"]["version"] == 1
    assert set(run["specSnapshot"]["documents"]) == {"SPEC.md", "DATA.md", "ROUTES.md", "ACCEPTANCE.md"}
    order = run["tasksJson"]["mergeOrder"]
    assert [task["id"] for task in run["tasksJson"]["tasks"]] == order
    assert [task["status"] for task in run["tasks"]] == ["succeeded"] * len(order)
    verification = run["verificationResult"]
    assert verification["passed"] is True
    assert verification["summary"]["failed"] == 0
    assert {criterion["status"] for criterion in verification["criteria"]} == {"passed"}
    assert run["startedAt"] <= run["completedAt"]

    repo = project["repoPath"]
    branches = git(repo, "branch", "--format=%(refname:short)").split()
    assert sorted(branches) == sorted(["main", "run/001", *(task["branchName"] for task in run["tasks"])])
    assert git(repo, "rev-parse", "main").strip() == run["mergedCommit"]
    for task in Task.objects.filter(run_id=run["id"]):
        # Exactly one commit per task branch, on top of the approved spec.
        assert git(repo, "rev-list", "--count", f"{run['baseCommit']}..{task.branch_name}").strip() == "1"
        assert task.result["commitSha"] == git(repo, "rev-parse", task.branch_name).strip()
        assert task.branch_name.startswith(f"feat/task-{task.sequence:03d}-")
    files = git(repo, "ls-tree", "-r", "--name-only", "main").split()
    assert {"run.py", "README.md", "app/main.py", "tests/test_acceptance.py", "spec/SPEC.md"} <= set(files)
    assert auth_client.get(f"/api/v1/projects/{project['id']}").json()["data"]["status"] == "built"


def test_events_tell_the_whole_story_in_seq_order(auth_client, project):
    run_id = auth_client.post(f"/api/v1/projects/{project['id']}/runs", {}, format="json").json()["data"]["id"]

    events = auth_client.get(f"/api/v1/projects/{project['id']}/runs/{run_id}/events?limit=1000").json()["data"]

    assert [event["seq"] for event in events] == list(range(1, len(events) + 1))
    assert RunEvent.objects.filter(run_id=run_id).count() == len(events)
    types = [event["eventType"] for event in events]
    assert types[0] == "RUN_STARTED"
    assert types[-1] == "RUN_COMPLETED"
    statuses = [event["payload"]["status"] for event in events if event["eventType"] == "RUN_STATUS"]
    assert statuses == ["decomposing", "executing", "merging", "verifying"]
    tasks = Task.objects.filter(run_id=run_id)
    for task in tasks:
        mine = [event for event in events if event["taskId"] == task.pk]
        assert mine[0]["eventType"] == "TASK_STARTED"
        assert mine[-1]["eventType"] == "TASK_COMPLETED"
        created = [event["payload"]["path"] for event in mine if event["eventType"] == "FILE_CREATED"]
        assert created == task.result["filesCreated"]
    assert types.index("MERGE_COMPLETED") > max(i for i, t in enumerate(types) if t == "TASK_COMPLETED")
    assert types.index("MERGE_COMPLETED") < types.index("VERIFICATION_STARTED") < types.index("VERIFICATION_COMPLETED")
    assert Run.objects.get(pk=run_id).event_count == len(events)


@pytest.mark.parametrize("name", DESCRIPTIONS)
def test_every_demo_description_builds_an_app_that_passes_its_acceptance_tests(auth_client, name):
    project = approved_project(auth_client, DESCRIPTIONS[name], name=name.title())

    run_id = auth_client.post(f"/api/v1/projects/{project['id']}/runs", {}, format="json").json()["data"]["id"]

    run = Run.objects.get(pk=run_id)
    assert run.status == "succeeded", run.error
    result = run.verification_result
    assert result["passed"] is True
    assert result["summary"]["total"] == len(run.spec_version.app_spec["acceptance"]) > 0
    assert [criterion["id"] for criterion in result["criteria"]] == [
        criterion["id"] for criterion in run.spec_version.app_spec["acceptance"]
    ]


def test_a_project_without_an_approved_spec_cannot_build(auth_client):
    project = auth_client.post("/api/v1/projects", {"name": "Draft", "description": "A to-do list."}, format="json")
    project_id = project.json()["data"]["id"]

    response = auth_client.post(f"/api/v1/projects/{project_id}/runs", {}, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "CONFLICT"
    assert response.json()["error"]["details"] == {"status": "draft"}
    assert not Run.objects.exists()


def test_the_plan_caps_concurrent_builds(auth_client, project):
    other = approved_project(auth_client, DESCRIPTIONS["events"], name="Events")
    busy = Run.objects.create(
        owner=auth_client.user, project_id=other["id"], run_number=1, status="executing", spec_version_id=None
    )

    response = auth_client.post(f"/api/v1/projects/{project['id']}/runs", {}, format="json")

    assert response.status_code == 429
    error = response.json()["error"]
    assert error["code"] == "QUOTA_EXCEEDED"
    assert error["details"] == {"limit": 1, "inProgress": 1, "tier": "free"}
    assert list(Run.objects.all()) == [busy]
    assert auth_client.get(f"/api/v1/projects/{project['id']}").json()["data"]["status"] == "approved"


def test_runs_are_listed_newest_first_with_their_tasks_summary(auth_client, project):
    path = f"/api/v1/projects/{project['id']}/runs"
    first = auth_client.post(path, {}, format="json").json()["data"]
    second = auth_client.post(path, {"trigger": "api"}, format="json").json()["data"]

    listed = auth_client.get(path).json()
    assert [run["runNumber"] for run in listed["data"]] == [2, 1]
    assert listed["pagination"]["total"] == 2
    summary = listed["data"][0]["tasksSummary"]
    assert summary == {
        "total": Task.objects.filter(run_id=second["id"]).count(),
        "succeeded": summary["total"],
        "failed": 0,
    }
    assert listed["data"][0]["trigger"] == "api"
    assert auth_client.get(f"{path}?status=succeeded&pageSize=1").json()["pagination"]["totalPages"] == 2
    assert auth_client.get(f"{path}?status=failed").json()["data"] == []
    bad = auth_client.get(f"{path}?status=done")
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "VALIDATION_ERROR"
    projects = auth_client.get("/api/v1/projects").json()["data"]
    assert projects[0]["latestRun"] == {"id": second["id"], "runNumber": 2, "status": "succeeded"}
    assert first["id"] != second["id"]


def test_other_users_runs_are_not_found(auth_client, project, token_for):
    run_id = auth_client.post(f"/api/v1/projects/{project['id']}/runs", {}, format="json").json()["data"]["id"]
    stranger = APIClient()
    stranger.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(UserFactory())}")
    base = f"/api/v1/projects/{project['id']}"

    for path in (
        f"{base}/runs",
        f"{base}/runs/{run_id}",
        f"{base}/runs/{run_id}/events",
        f"{base}/runs/{run_id}/events/stream",
        f"{base}/runs/{run_id}/tasks",
        f"{base}/files",
    ):
        response = stranger.get(path)
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "NOT_FOUND"
    assert stranger.post(f"{base}/runs", {}, format="json").status_code == 404
    assert stranger.post(f"{base}/runs/{run_id}/cancel").status_code == 404
    assert stranger.post(f"{base}/runs/{run_id}/retry").status_code == 404
    assert Run.objects.count() == 1


def test_retry_builds_the_same_spec_again(auth_client, project):
    first = auth_client.post(f"/api/v1/projects/{project['id']}/runs", {}, format="json").json()["data"]

    response = auth_client.post(f"/api/v1/projects/{project['id']}/runs/{first['id']}/retry")

    assert response.status_code == 201
    retry = response.json()["data"]
    assert retry["runNumber"] == 2
    assert retry["trigger"] == "retry"
    assert retry["retryOf"] == first["id"]
    run = Run.objects.get(pk=retry["id"])
    assert run.spec_version_id == Run.objects.get(pk=first["id"]).spec_version_id
    assert run.status == "succeeded"


def test_cancelling_an_ended_run_is_a_conflict(auth_client, project):
    run_id = auth_client.post(f"/api/v1/projects/{project['id']}/runs", {}, format="json").json()["data"]["id"]

    response = auth_client.post(f"/api/v1/projects/{project['id']}/runs/{run_id}/cancel")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "RUN_NOT_CANCELLABLE"
    assert response.json()["error"]["details"] == {"status": "succeeded"}
    assert Run.objects.get(pk=run_id).cancel_requested is False


def test_a_queued_run_is_cancelled_at_once_and_the_project_goes_back(auth_client, project):
    run = Run.objects.create(
        owner=auth_client.user, project_id=project["id"], run_number=1, previous_project_status="approved"
    )
    Project.objects.filter(pk=project["id"]).update(status="building")

    response = auth_client.post(f"/api/v1/projects/{project['id']}/runs/{run.pk}/cancel")

    assert response.status_code == 200
    assert response.json()["data"] == {"id": run.pk, "status": "cancelled", "cancelRequested": True}
    assert auth_client.get(f"/api/v1/projects/{project['id']}").json()["data"]["status"] == "approved"
    types = list(RunEvent.objects.filter(run=run).values_list("type", flat=True))
    assert types == ["LOG", "RUN_CANCELLED"]


def test_events_can_be_filtered(auth_client, project):
    run_id = auth_client.post(f"/api/v1/projects/{project['id']}/runs", {}, format="json").json()["data"]["id"]
    path = f"/api/v1/projects/{project['id']}/runs/{run_id}/events"
    task = Task.objects.filter(run_id=run_id).get(slug="data")

    assert [event["seq"] for event in auth_client.get(f"{path}?after=3&limit=2").json()["data"]] == [4, 5]
    files = auth_client.get(f"{path}?type=FILE_CREATED&taskId={task.pk}").json()["data"]
    assert [event["payload"]["path"] for event in files] == ["app/schema.py"]
    assert files[0]["runId"] == run_id
    for query in ("after=-1", "limit=0", "limit=5000", "after=x"):
        response = auth_client.get(f"{path}?{query}")
        assert response.status_code == 400, query
        assert response.json()["error"]["code"] == "VALIDATION_ERROR"


def test_tasks_show_their_definition_branch_and_result(auth_client, project):
    run_id = auth_client.post(f"/api/v1/projects/{project['id']}/runs", {}, format="json").json()["data"]["id"]
    path = f"/api/v1/projects/{project['id']}/runs/{run_id}/tasks"

    tasks = auth_client.get(path).json()["data"]
    assert [task["sequence"] for task in tasks] == list(range(1, len(tasks) + 1))
    detail = auth_client.get(f"{path}/{tasks[1]['id']}").json()["data"]
    assert detail["definition"]["id"] == "task-002"
    assert set(detail["definition"]) == {
        "id",
        "slug",
        "description",
        "instructions",
        "dependencies",
        "pathScope",
        "expectedOutputs",
    }
    assert detail["branchName"] == "feat/task-002-data"
    assert detail["worktreePath"].endswith("task-002-data")
    assert detail["result"]["filesCreated"] == ["app/schema.py"]
    assert len(detail["result"]["commitSha"]) == 40
    assert detail["startedAt"] <= detail["completedAt"]
    assert auth_client.get(f"{path}/task_unknown").status_code == 404


def test_bad_build_requests_are_refused_and_change_nothing(auth_client, project):
    path = f"/api/v1/projects/{project['id']}/runs"

    for body, message in (
        ({"trigger": "retry"}, "trigger"),
        ({"provider": "nope"}, "provider"),
        ({"provider": "openai"}, "no API key for openai"),
    ):
        response = auth_client.post(path, body, format="json")
        assert response.status_code == 400, body
        assert response.json()["error"]["code"] == "VALIDATION_ERROR"
        assert message in response.json()["error"]["message"]
    assert not Run.objects.exists()
    assert auth_client.get(f"/api/v1/projects/{project['id']}").json()["data"]["status"] == "approved"
