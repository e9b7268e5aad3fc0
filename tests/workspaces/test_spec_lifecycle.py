"""clarify → answers → (regenerate) → approve, with the built-in provider; generation runs as a job."""

import json
import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone

from config.celery import app as celery_app
from tests.projects import default_answers
from workspaces.models import Project, SpecVersion
from workspaces.specs.render import consistency_problems, read_documents
from workspaces.tasks import project_generation_task, sweep_generations_task

pytestmark = pytest.mark.django_db(transaction=True)

LIBRARY = (
    "A library lending system. Librarians manage books and members. "
    "Members borrow books and return them; loans have due dates."
)


@pytest.fixture
def project(auth_client):
    response = auth_client.post("/api/v1/projects", {"name": "Lending", "description": LIBRARY}, format="json")
    return response.json()["data"]


def clarify(client, project):
    return client.post(f"/api/v1/projects/{project['id']}/clarify", {}, format="json")


def answered(client, project) -> dict:
    questions = clarify(client, project).json()["data"]["questions"]
    response = client.post(
        f"/api/v1/projects/{project['id']}/answers", {"answers": default_answers(questions)}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["data"]


def test_clarify_asks_what_the_description_leaves_open(auth_client, project):
    response = clarify(auth_client, project)

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["status"] == "clarifying"
    questions = {question["id"]: question for question in data["questions"]}
    assert questions["entities"]["options"] == ["Books", "Members", "Loans"]
    assert questions["roles"]["options"] == ["Admin", "Librarian", "Member"]
    assert "auth" in questions, "the description says nothing about signing in"
    for question in data["questions"]:
        assert question["type"] in ("single_choice", "multi_choice", "boolean", "text")
        assert ("options" in question) == (question["type"] in ("single_choice", "multi_choice"))
    assert Project.objects.get().questions == data["questions"]


def test_questions_skip_what_the_description_says(auth_client):
    description = (
        "A shop where customers sign in with a password, browse products live in real time and pay with Stripe."
    )
    project = auth_client.post("/api/v1/projects", {"name": "Shop", "description": description}, format="json").json()[
        "data"
    ]
    ids = {question["id"] for question in clarify(auth_client, project).json()["data"]["questions"]}
    assert not ids & {"auth", "realtime", "integrations"}


def test_answers_generate_a_consistent_spec(auth_client, project, record_channel):
    events = record_channel(f"user:{auth_client.user.pk}")
    data = answered(auth_client, project)

    assert data["status"] == "spec_review"
    spec = data["spec"]
    assert spec["version"] == 1
    assert spec["provider"] == "builtin"
    assert set(spec["documents"]) == {"SPEC.md", "DATA.md", "ROUTES.md", "ACCEPTANCE.md"}
    assert consistency_problems(spec["documents"]) == []
    machine = read_documents(spec["documents"])
    assert [entity["name"] for entity in machine["entities"]] == ["Book", "Member"], "Loans were not chosen"
    assert machine["spec"]["auth"]["roles"] == ["admin", "librarian"]
    assert [event["eventType"] for event in events.events()] == ["PROJECT_GENERATION_COMPLETED"] * 2


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ({"questionId": "nope", "answer": True}, "No such question."),
        ({"questionId": "realtime", "answer": "yes"}, "Expected true or false."),
        ({"questionId": "auth", "answer": "Magic link"}, "'Magic link' is not one of the options"),
        ({"questionId": "roles", "answer": ["Admin", "Wizard"]}, "'Wizard' not among the options"),
        ({"questionId": "roles", "answer": []}, "Expected a non-empty list"),
        ({"questionId": "notes", "answer": 42}, "Expected a non-empty text."),
    ],
)
def test_each_bad_answer_is_named_and_nothing_changes(auth_client, project, answer, message):
    clarify(auth_client, project)
    good = {"questionId": "scale", "answer": "A small team (up to 50 users)"}
    response = auth_client.post(f"/api/v1/projects/{project['id']}/answers", {"answers": [good, answer]}, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert error["details"]["answers"] == [
        {"index": 1, "questionId": answer["questionId"], "error": error["details"]["answers"][0]["error"]}
    ]
    assert message in error["details"]["answers"][0]["error"]
    assert error["message"].startswith(f"answers[1] ({answer['questionId']}):")
    stored = Project.objects.get()
    assert stored.status == "clarifying"
    assert stored.answers == {}
    assert not SpecVersion.objects.exists()


def test_an_answer_twice_is_refused(auth_client, project):
    clarify(auth_client, project)
    twice = [{"questionId": "realtime", "answer": False}, {"questionId": "realtime", "answer": True}]
    response = auth_client.post(f"/api/v1/projects/{project['id']}/answers", {"answers": twice}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["details"]["answers"][0]["error"] == "Answered twice."


def test_wrong_states_answer_409_with_the_status(auth_client, project):
    def post(path, body=None):
        return auth_client.post(f"/api/v1/projects/{project['id']}/{path}", body or {}, format="json")

    for path, body in (
        ("answers", {"answers": [{"questionId": "x", "answer": 1}]}),
        ("regenerate", {}),
        ("approve", None),
    ):
        response = post(path, body)
        assert response.status_code == 409, path
        assert response.json()["error"]["details"] == {"status": "draft", "generation": "idle"}
    answered(auth_client, project)
    response = post("clarify")
    assert response.status_code == 409
    assert response.json()["error"]["details"]["status"] == "spec_review"
    assert Project.objects.get().status == "spec_review"


def test_regenerate_makes_an_immutable_new_version_with_the_feedback(auth_client, project):
    first = answered(auth_client, project)["spec"]
    feedback = "Add a barcode field to books. Add a notification entity to remind members."
    response = auth_client.post(f"/api/v1/projects/{project['id']}/regenerate", {"feedback": feedback}, format="json")

    assert response.status_code == 200
    second = response.json()["data"]["spec"]
    assert second["version"] == 2
    assert second["feedback"] == feedback
    data = read_documents(second["documents"])
    book = next(entity for entity in data["entities"] if entity["name"] == "Book")
    assert "barcode" in [field["name"] for field in book["fields"]]
    assert "Notification" in [entity["name"] for entity in data["entities"]]
    assert any(note.startswith("v2: ") for note in data["spec"]["revision_notes"])
    assert consistency_problems(second["documents"]) == []

    old = auth_client.get(f"/api/v1/projects/{project['id']}/spec", {"version": 1}).json()["data"]
    assert old["documents"] == first["documents"], "versions never change once written"
    versions = auth_client.get(f"/api/v1/projects/{project['id']}/spec/versions").json()
    assert [item["version"] for item in versions["data"]] == [2, 1]
    assert auth_client.get(f"/api/v1/projects/{project['id']}/spec").json()["data"]["version"] == 2


def test_approve_commits_the_documents_to_the_repository(auth_client, project):
    answered(auth_client, project)
    response = auth_client.post(f"/api/v1/projects/{project['id']}/approve")

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["status"] == "approved"
    spec = data["spec"]
    assert spec["approvedAt"].endswith("Z")
    repo = Project.objects.get().repo_path

    def git(*args):
        return subprocess.run(["git", "--git-dir", repo, *args], capture_output=True, text=True, check=True).stdout

    assert git("rev-parse", "main").strip() == spec["commitSha"]
    assert sorted(git("ls-tree", "--name-only", "main", "spec/").split()) == [
        "spec/ACCEPTANCE.md",
        "spec/DATA.md",
        "spec/ROUTES.md",
        "spec/SPEC.md",
        "spec/spec.json",
    ]
    assert git("show", "main:spec/DATA.md") == spec["documents"]["DATA.md"]
    assert json.loads(git("show", "main:spec/spec.json"))["acceptance"][0]["id"] == "AC-001"
    assert "Approve spec v1" in git("log", "-1", "--format=%s", "main")
    assert git("log", "-1", "--format=%ae", "main").strip() == auth_client.user.email

    again = auth_client.post(f"/api/v1/projects/{project['id']}/approve")
    assert again.status_code == 409
    assert again.json()["error"]["details"]["status"] == "approved"


def test_spec_lookup_errors(auth_client, project):
    base = f"/api/v1/projects/{project['id']}/spec"
    assert auth_client.get(base).status_code == 404
    answered(auth_client, project)
    assert auth_client.get(base, {"version": "two"}).status_code == 400
    assert auth_client.get(base, {"version": 0}).status_code == 400
    response = auth_client.get(base, {"version": 9})
    assert response.status_code == 404
    assert "version 9" in response.json()["error"]["message"]


def test_a_slow_generation_answers_202_and_finishes_in_the_background(auth_client, project, settings, record_channel):
    settings.AI_SYNC_WAIT_SECONDS = 0.3
    celery_app.conf.task_always_eager = False
    try:
        response = clarify(auth_client, project)
    finally:
        celery_app.conf.task_always_eager = True

    assert response.status_code == 202
    data = response.json()["data"]
    assert data["generation"]["state"] == "running"
    assert data["generation"]["kind"] == "clarify"
    assert data["status"] == "draft"
    again = auth_client.post(f"/api/v1/projects/{project['id']}/clarify", {}, format="json")
    assert again.status_code == 409, "one generation at a time"
    assert again.json()["error"]["details"]["generation"] == "running"

    events = record_channel(f"user:{auth_client.user.pk}")
    stored = Project.objects.get()
    project_generation_task.apply(args=[stored.pk, stored.generation_token])
    done = auth_client.get(f"/api/v1/projects/{project['id']}").json()["data"]
    assert done["status"] == "clarifying"
    assert done["generation"]["state"] == "idle"
    assert len(done["questions"]) >= 5
    assert events.events()[0]["payload"] == {
        "projectId": project["id"],
        "kind": "clarify",
        "status": "clarifying",
        "questions": len(done["questions"]),
    }

    project_generation_task.apply(args=[stored.pk, stored.generation_token])
    assert Project.objects.get().questions == done["questions"], "a repeated job changes nothing"


def test_a_generation_left_running_by_a_dead_worker_is_failed_by_the_sweeper(auth_client, project, settings):
    stale = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 120)
    Project.objects.filter(pk=project["id"]).update(
        generation_state="running", generation_token="t" * 32, generation_started_at=stale
    )
    fresh = auth_client.post("/api/v1/projects", {"name": "Fresh", "description": LIBRARY}, format="json").json()[
        "data"
    ]
    Project.objects.filter(pk=fresh["id"]).update(
        generation_state="running", generation_token="f" * 32, generation_started_at=timezone.now()
    )

    assert sweep_generations_task.apply().get() == 1

    stuck = auth_client.get(f"/api/v1/projects/{project['id']}").json()["data"]["generation"]
    assert stuck["state"] == "failed"
    assert stuck["error"] == "The generation did not finish in time; start it again."
    assert Project.objects.get(pk=fresh["id"]).generation_state == "running"
    assert clarify(auth_client, project).status_code == 200, "a failed generation can be started again"
