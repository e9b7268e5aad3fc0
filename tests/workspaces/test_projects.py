"""Projects: create, list (filters, archived), get, update, archive; another user's project is a 404."""

import subprocess
from pathlib import Path

import pytest

from tests.factories import UserFactory
from workspaces.models import Project, ProjectStatus
from workspaces.services.projects import project_create

pytestmark = pytest.mark.django_db

TODO_APP = "A to-do list where people add tasks with due dates and mark them complete."


def create(client, **body):
    return client.post("/api/v1/projects", {"name": "Todo", "description": TODO_APP, **body}, format="json")


def test_create_makes_a_draft_with_its_own_git_repository(auth_client):
    response = create(auth_client)

    assert response.status_code == 201
    data = response.json()["data"]
    assert data["id"].startswith("proj_")
    assert data["status"] == "draft"
    assert data["spec"] is None
    assert data["questions"] == []
    assert data["generation"]["state"] == "idle"
    repo = Path(data["repoPath"])
    assert repo.name == f"{data['id']}.git"
    assert (
        subprocess.run(
            ["git", "--git-dir", str(repo), "rev-parse", "--is-bare-repository"], capture_output=True, text=True
        ).stdout.strip()
        == "true"
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"description": ""}, "description"),
        ({"description": "x" * 10_001}, "description"),
        ({"aiProvider": "skynet"}, "aiProvider"),
    ],
)
def test_bad_input_creates_nothing(auth_client, body, field):
    response = create(auth_client, **body)
    assert response.status_code == 400
    assert field in response.json()["error"]["details"]
    assert not Project.objects.exists()


def test_list_filters_searches_and_hides_archived(auth_client):
    user = auth_client.user
    todo = project_create(owner=user, name="Todo", description=TODO_APP)
    shop = project_create(owner=user, name="Shop", description="An online shop selling books.")
    old = project_create(owner=user, name="Old", description="Retired.")
    auth_client.delete(f"/api/v1/projects/{old.pk}")
    project_create(owner=UserFactory(), name="Not mine", description="Someone else's.")

    def ids(**params):
        body = auth_client.get("/api/v1/projects", params).json()
        return [item["id"] for item in body["data"]], body["pagination"]

    listed, pagination = ids()
    assert listed == [shop.pk, todo.pk]
    assert pagination["total"] == 2
    assert ids(search="books")[0] == [shop.pk]
    assert ids(search="TO-DO")[0] == [todo.pk]
    assert ids(status="archived")[0] == [old.pk]
    assert ids(status="draft", pageSize=1)[1] == {
        "page": 1,
        "pageSize": 1,
        "total": 2,
        "totalPages": 2,
        "hasMore": True,
    }


def test_an_unknown_status_filter_is_400(auth_client):
    response = auth_client.get("/api/v1/projects", {"status": "sleeping"})
    assert response.status_code == 400
    assert "status" in response.json()["error"]["details"]


def test_update_name_and_description(auth_client):
    project = project_create(owner=auth_client.user, name="Todo", description=TODO_APP)
    response = auth_client.patch(
        f"/api/v1/projects/{project.pk}", {"name": "Tasks", "description": "Tasks for teams."}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["data"]["name"] == "Tasks"
    project.refresh_from_db()
    assert (project.name, project.description) == ("Tasks", "Tasks for teams.")


def test_the_description_is_fixed_once_approved(auth_client):
    project = project_create(owner=auth_client.user, name="Todo", description=TODO_APP)
    Project.objects.filter(pk=project.pk).update(status=ProjectStatus.APPROVED)

    response = auth_client.patch(f"/api/v1/projects/{project.pk}", {"description": "Something else."}, format="json")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "CONFLICT"
    assert error["details"]["status"] == "approved"
    project.refresh_from_db()
    assert project.description == TODO_APP

    assert auth_client.patch(f"/api/v1/projects/{project.pk}", {"name": "Renamed"}, format="json").status_code == 200


def test_archive_keeps_everything_and_blocks_changes(auth_client):
    project = project_create(owner=auth_client.user, name="Todo", description=TODO_APP)

    response = auth_client.delete(f"/api/v1/projects/{project.pk}")
    assert response.status_code == 200
    assert response.json()["data"] == {"id": project.pk, "status": "archived"}
    detail = auth_client.get(f"/api/v1/projects/{project.pk}")
    assert detail.status_code == 200
    assert detail.json()["data"]["status"] == "archived"
    assert Path(detail.json()["data"]["repoPath"]).exists()

    for method, path, body in (
        ("patch", "", {"name": "x"}),
        ("post", "/clarify", {}),
        ("post", "/answers", {"answers": [{"questionId": "auth", "answer": "x"}]}),
        ("post", "/regenerate", {}),
        ("post", "/approve", None),
    ):
        response = getattr(auth_client, method)(f"/api/v1/projects/{project.pk}{path}", body, format="json")
        assert response.status_code == 409, path
        assert response.json()["error"]["details"]["status"] == "archived"
    assert auth_client.delete(f"/api/v1/projects/{project.pk}").status_code == 200, "archiving twice is harmless"


def test_another_users_project_is_not_found(auth_client):
    theirs = project_create(owner=UserFactory(), name="Secret", description=TODO_APP)
    for method, path in (
        ("get", ""),
        ("patch", ""),
        ("delete", ""),
        ("post", "/clarify"),
        ("post", "/answers"),
        ("post", "/regenerate"),
        ("post", "/approve"),
        ("get", "/spec"),
        ("get", "/spec/versions"),
    ):
        response = getattr(auth_client, method)(f"/api/v1/projects/{theirs.pk}{path}", {}, format="json")
        assert response.status_code == 404, (method, path)
        assert response.json()["error"]["code"] == "NOT_FOUND"
    theirs.refresh_from_db()
    assert theirs.status == ProjectStatus.DRAFT


def test_projects_need_authentication(api_client):
    assert api_client.get("/api/v1/projects").status_code == 401
    assert api_client.post("/api/v1/projects", {"name": "x", "description": "y"}, format="json").status_code == 401
