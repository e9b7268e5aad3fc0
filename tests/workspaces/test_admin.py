import pytest

from integrations.models import AiCall
from workspaces.models import SpecVersion
from workspaces.services.projects import project_create

pytestmark = pytest.mark.django_db


def test_operators_see_projects_specs_and_ai_calls(admin_client, user):
    project = project_create(owner=user, name="Findable", description="A shop.")
    SpecVersion.objects.create(
        project=project, version=1, documents={"SPEC.md": "# x"}, domain_model={}, app_spec={}, provider="builtin"
    )
    AiCall.objects.create(user=user, provider="openai", model="m", purpose="app_spec.questions", outcome="ok")

    listing = admin_client.get("/admin/workspaces/project/", {"q": "Findable"})
    assert listing.status_code == 200
    assert b"Findable" in listing.content
    detail = admin_client.get(f"/admin/workspaces/project/{project.pk}/change/")
    assert detail.status_code == 200
    assert b"builtin" in detail.content, "spec versions are listed on the project"
    assert admin_client.get("/admin/workspaces/specversion/").status_code == 200
    calls = admin_client.get("/admin/integrations/aicall/", {"provider": "openai"})
    assert b"app_spec.questions" in calls.content
    spec = SpecVersion.objects.get()
    assert admin_client.post(f"/admin/workspaces/specversion/{spec.pk}/change/", {"version": 2}).status_code == 403
