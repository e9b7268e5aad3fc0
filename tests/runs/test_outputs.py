"""What a build leaves: files by ref, exports, preview deployments; and what operators see."""

import io
import tarfile
import urllib.error
import urllib.request
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from config.celery import app as celery_app
from runs.models import Deployment, Export, Run
from runs.previews import expired_previews_stop
from runs.services import expired_exports_remove
from runs.tasks import stop_previews_with_the_worker
from tests.factories import UserFactory
from tests.projects import approved_project, git

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def built(auth_client) -> dict:
    project = approved_project(auth_client)
    run = auth_client.post(f"/api/v1/projects/{project['id']}/runs", {}, format="json").json()["data"]
    assert Run.objects.get(pk=run["id"]).status == "succeeded"
    return {"project": project, "run": run, "base": f"/api/v1/projects/{project['id']}"}


def commit_entries(repo: str, entries: dict[str, tuple[str, bytes]], tmp_path) -> str:
    """Commit blobs with explicit modes (100644 files, 120000 symlinks) on top of main."""
    index = {"GIT_INDEX_FILE": str(tmp_path / "index")}
    git(repo, "read-tree", "main", env=index)
    for path, (mode, content) in entries.items():
        blob = git(repo, "hash-object", "-w", "--stdin", input=content).strip()
        git(repo, "update-index", "--add", "--cacheinfo", f"{mode},{blob},{path}", env=index)
    tree = git(repo, "write-tree", env=index).strip()
    identity = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
    }
    commit = git(repo, "commit-tree", tree, "-p", "main", "-m", "extra", env=identity).strip()
    git(repo, "update-ref", "refs/heads/main", commit)
    return commit


# -- files ----------------------------------------------------------------------------------------


def test_the_repository_is_listed_at_any_ref(auth_client, built):
    files = f"{built['base']}/files"
    repo = built["project"]["repoPath"]

    root = auth_client.get(files).json()["data"]
    assert root["ref"] == "main"
    assert root["path"] == "/"
    assert root["commit"] == git(repo, "rev-parse", "main").strip()
    names = [(entry["name"], entry["type"]) for entry in root["entries"]]
    assert names[:4] == [("app", "directory"), ("spec", "directory"), ("tests", "directory"), ("README.md", "file")]
    readme = next(entry for entry in root["entries"] if entry["name"] == "README.md")
    assert readme["size"] == len(git(repo, "show", "main:README.md").encode())
    assert "size" not in root["entries"][0]

    app = auth_client.get(files, {"path": "app/core"}).json()["data"]
    assert {entry["name"] for entry in app["entries"]} >= {"http.py", "db.py", "resource.py"}
    by_branch = auth_client.get(files, {"ref": "feat/task-002-data", "path": "app"}).json()["data"]
    assert [entry["name"] for entry in by_branch["entries"]] == ["schema.py"]
    by_run = auth_client.get(files, {"ref": built["run"]["id"]}).json()["data"]
    assert by_run["commit"] == Run.objects.get(pk=built["run"]["id"]).merged_commit
    sha = git(repo, "rev-parse", "feat/task-002-data").strip()
    assert auth_client.get(files, {"ref": sha[:10], "path": "app"}).json()["data"]["commit"] == sha
    git(repo, "tag", "v1", "main")
    assert auth_client.get(files, {"ref": "v1"}).json()["data"]["commit"] == root["commit"]

    for query, status in (
        ({"ref": "nope"}, 404),
        ({"ref": "run_unknown"}, 404),
        ({"ref": "--output=x"}, 400),
        ({"path": "missing"}, 404),
        ({"path": "README.md"}, 404),
    ):
        response = auth_client.get(files, query)
        assert response.status_code == status, query
        assert response.json()["success"] is False


def test_files_are_read_as_text_or_base64(auth_client, built, tmp_path):
    repo = built["project"]["repoPath"]
    commit_entries(repo, {"assets/logo.bin": ("100644", b"\x89PNG\x00\xff")}, tmp_path)

    readme = auth_client.get(f"{built['base']}/files/README.md").json()["data"]
    assert readme["encoding"] == "utf-8"
    assert readme["content"] == git(repo, "show", "main:README.md")
    assert readme["size"] == len(readme["content"].encode())
    binary = auth_client.get(f"{built['base']}/files/assets/logo.bin").json()["data"]
    assert binary == {
        "path": "assets/logo.bin",
        "ref": "main",
        "commit": git(repo, "rev-parse", "main").strip(),
        "content": "iVBORwD/",
        "encoding": "base64",
        "size": 6,
    }
    old = auth_client.get(f"{built['base']}/files/assets/logo.bin", {"ref": built["run"]["id"]})
    assert old.status_code == 404
    assert auth_client.get(f"{built['base']}/files/app").status_code == 404


def test_paths_cannot_leave_the_repository(auth_client, built, tmp_path):
    repo = built["project"]["repoPath"]
    commit_entries(
        repo,
        {"escape": ("120000", b"../../../etc/passwd"), "docs/link.md": ("120000", b"../README.md")},
        tmp_path,
    )
    base = f"{built['base']}/files"

    for path in (
        "../etc/passwd",
        "%2e%2e/etc/passwd",
        "%252e%252e/etc/passwd",
        "app/..%2f..%2fx",
        "/etc/passwd",
        ".git/config",
        "escape",
    ):
        response = auth_client.get(f"{base}/{path}")
        assert response.status_code == 400, path
        assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    for path in ("../", "/etc", "%2e%2e"):
        assert auth_client.get(base, {"path": path}).status_code == 400, path
    followed = auth_client.get(f"{base}/docs/link.md").json()["data"]
    assert followed["content"] == git(repo, "show", "main:README.md")


# -- export ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("format", ["zip", "tar.gz"])
def test_a_run_is_exported_and_downloaded(auth_client, built, format):
    response = auth_client.post(
        f"{built['base']}/export", {"runId": built["run"]["id"], "format": format}, format="json"
    )

    assert response.status_code == 202
    export = response.json()["data"]
    detail = auth_client.get(f"{built['base']}/exports/{export['id']}").json()["data"]
    assert detail["status"] == "completed"
    assert detail["format"] == format
    assert detail["downloadUrl"] == f"{built['base']}/exports/{export['id']}/download"
    assert detail["expiresAt"] > timezone.now().isoformat()
    download = auth_client.get(detail["downloadUrl"])
    assert download.status_code == 200
    filename = f"lending-library-run-1.{format}"
    assert download["Content-Disposition"] == f'attachment; filename="{filename}"'
    body = b"".join(download.streaming_content)
    assert len(body) == detail["sizeBytes"]
    if format == "zip":
        names = zipfile.ZipFile(io.BytesIO(body)).namelist()
    else:
        with tarfile.open(fileobj=io.BytesIO(body)) as bundle:
            names = bundle.getnames()
    assert "lending-library-run-1/run.py" in names
    assert "lending-library-run-1/tests/test_acceptance.py" in names


def test_bad_exports_are_refused(auth_client, built):
    path = f"{built['base']}/export"
    queued = Run.objects.create(owner=auth_client.user, project_id=built["project"]["id"], run_number=9)

    for body, status in (
        ({"runId": built["run"]["id"], "format": "rar"}, 400),
        ({"runId": "run_unknown"}, 400),
        ({}, 400),
        ({"runId": queued.pk}, 409),
    ):
        response = auth_client.post(path, body, format="json")
        assert response.status_code == status, body
    assert not Export.objects.exists()


def test_expired_exports_are_deleted(auth_client, built):
    export_id = auth_client.post(f"{built['base']}/export", {"runId": built["run"]["id"]}, format="json").json()[
        "data"
    ]["id"]
    file_path = Path(Export.objects.get(pk=export_id).file_path)
    assert file_path.exists()

    assert expired_exports_remove() == 0
    Export.objects.filter(pk=export_id).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert expired_exports_remove() == 1

    assert not file_path.exists()
    assert auth_client.get(f"{built['base']}/exports/{export_id}").status_code == 404


# -- preview deployments --------------------------------------------------------------------------


def answers(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def test_a_local_preview_serves_the_app_until_it_is_deleted(auth_client, built):
    response = auth_client.post(f"{built['base']}/deploy", {"runId": built["run"]["id"]}, format="json")

    assert response.status_code == 202
    deployment = auth_client.get(f"{built['base']}/deployments/{response.json()['data']['id']}").json()["data"]
    try:
        assert deployment["status"] == "live", deployment["error"]
        assert deployment["provider"] == "local"
        assert deployment["url"].startswith("http://127.0.0.1:")
        register = urllib.request.Request(
            f"{deployment['url']}/auth/register",
            data=b'{"email": "a@example.com", "password": "correct horse battery", "name": "A"}',
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(register, timeout=5) as created:
            assert created.status == 201
        again = auth_client.post(f"{built['base']}/deploy", {"runId": built["run"]["id"]}, format="json")
        assert again.json()["data"]["id"] == deployment["id"], "one preview per run at a time"
    finally:
        stopped = auth_client.delete(f"{built['base']}/deployments/{deployment['id']}")

    assert stopped.status_code == 202
    assert auth_client.get(f"{built['base']}/deployments/{deployment['id']}").json()["data"]["status"] == "stopped"
    assert answers(deployment["url"]) is None
    assert not Path(Deployment.objects.get().directory).exists()


def test_previews_stop_after_their_time_to_live(auth_client, built):
    deployment_id = auth_client.post(f"{built['base']}/deploy", {"runId": built["run"]["id"]}, format="json").json()[
        "data"
    ]["id"]
    url = Deployment.objects.get(pk=deployment_id).url
    assert answers(url) == 404

    assert expired_previews_stop() == 0
    Deployment.objects.filter(pk=deployment_id).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert expired_previews_stop() == 1

    deployment = Deployment.objects.get(pk=deployment_id)
    assert deployment.status == "stopped"
    assert deployment.error == "Stopped after its time to live."
    assert answers(url) is None


def test_previews_stop_with_the_worker(auth_client, built):
    deployment_id = auth_client.post(f"{built['base']}/deploy", {"runId": built["run"]["id"]}, format="json").json()[
        "data"
    ]["id"]
    url = Deployment.objects.get(pk=deployment_id).url
    assert answers(url) == 404

    stop_previews_with_the_worker()

    deployment = Deployment.objects.get(pk=deployment_id)
    assert deployment.status == "stopped"
    assert deployment.error == "Stopped with the worker that ran it."
    assert answers(url) is None


def test_a_preview_that_does_not_start_fails_with_its_output(auth_client, built):
    repo = built["project"]["repoPath"]
    spec_only = (
        git(repo, "rev-parse", "main~1").strip() if False else Run.objects.get(pk=built["run"]["id"]).base_commit
    )
    broken = Run.objects.create(
        owner=auth_client.user,
        project_id=built["project"]["id"],
        run_number=2,
        status="failed",
        merged_commit=spec_only,
    )

    deployment_id = auth_client.post(f"{built['base']}/deploy", {"runId": broken.pk}, format="json").json()["data"][
        "id"
    ]

    deployment = auth_client.get(f"{built['base']}/deployments/{deployment_id}").json()["data"]
    assert deployment["status"] == "failed"
    assert "run.py" in deployment["error"]


def test_hosted_and_unknown_providers_are_refused(auth_client, built):
    for provider, message in (("railway", "railway is not configured"), ("heroku", "choose local")):
        response = auth_client.post(
            f"{built['base']}/deploy", {"runId": built["run"]["id"], "provider": provider}, format="json"
        )
        assert response.status_code == 400
        assert message in response.json()["error"]["message"]
    assert not Deployment.objects.exists()


# -- operators ------------------------------------------------------------------------------------


def test_staff_see_system_stats(auth_client, built, token_for):
    staff = UserFactory(is_staff=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(staff)}")
    celery_app.conf.task_always_eager = False
    try:
        auth_client.post(f"{built['base']}/runs", {}, format="json")
    finally:
        celery_app.conf.task_always_eager = True

    stats = client.get("/api/v1/admin/stats").json()["data"]

    assert stats == {
        "projects": {"total": 1, "active": 1},
        "runs": {"total": 2, "succeeded": 1, "failed": 0, "inProgress": 1},
        "queue": {"pending": 1, "processing": 0},
        "workers": {"total": 0, "active": 0},
    }
    refused = auth_client.get("/api/v1/admin/stats")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "FORBIDDEN"


def test_operators_see_runs_tasks_and_events_and_can_cancel_or_retry(admin_client, built):
    run = Run.objects.get(pk=built["run"]["id"])

    listing = admin_client.get("/admin/runs/run/")
    assert listing.status_code == 200
    assert str(run).encode() in listing.content
    detail = admin_client.get(f"/admin/runs/run/{run.pk}/change/")
    assert detail.status_code == 200
    assert b"feat/task-001-core" in detail.content
    assert f"{run.event_count} events".encode() in detail.content
    events = admin_client.get("/admin/runs/runevent/", {"run__id__exact": run.pk})
    assert events.status_code == 200
    assert b"RUN_COMPLETED" in events.content

    cancelled = admin_client.post(
        "/admin/runs/run/", {"action": "cancel_runs", "_selected_action": [run.pk]}, follow=True
    )
    assert b"has already ended" in cancelled.content
    admin_client.post("/admin/runs/run/", {"action": "retry_runs", "_selected_action": [run.pk]})
    assert Run.objects.filter(retry_of=run, trigger="retry").count() == 1
    for page in ("/admin/runs/task/", "/admin/runs/export/", "/admin/runs/deployment/"):
        assert admin_client.get(page).status_code == 200
