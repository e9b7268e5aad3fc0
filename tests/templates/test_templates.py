"""Architecture templates: the built-in ones are valid and generate on every provider; the catalog filters;
applying one makes a workspace; users save, see and delete only their own."""

import pytest
from rest_framework.test import APIClient

from templates.architectures import BUILTIN_TEMPLATES, for_provider
from templates.models import Template
from tests.factories import UserFactory
from tests.workspaces.generation import generate, resources_of
from tests.workspaces.test_workspaces import create
from workspaces.architecture.validation import architecture_validate
from workspaces.models import Workspace

pytestmark = pytest.mark.django_db
PROVIDERS = ("aws", "azure", "gcp")


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("template", BUILTIN_TEMPLATES, ids=lambda template: template.slug)
def test_every_builtin_template_is_valid_and_generates(template, provider):
    architecture = for_provider(template.architecture, provider)

    result = architecture_validate(architecture, provider=provider)

    assert result["valid"], result["errors"]
    # Only CloudBlocks' informational provider rule may remain (Cloud SQL is not inside a GCP subnet).
    assert {warning["ruleId"] for warning in result["warnings"]} <= {"rule-provider-gcp-sql-public"}
    assert resources_of(generate(architecture, provider, project_name=template.slug))


def test_there_are_at_least_eight_builtins_in_several_categories():
    assert len(BUILTIN_TEMPLATES) >= 8
    assert len({template.slug for template in BUILTIN_TEMPLATES}) == len(BUILTIN_TEMPLATES)
    assert {"web", "serverless", "containers", "data", "networking", "ml"} <= {t.category for t in BUILTIN_TEMPLATES}


def test_the_catalog_lists_builtins_and_filters(auth_client):
    listed = auth_client.get("/api/v1/templates?kind=architecture").json()
    assert listed["pagination"]["total"] == len(BUILTIN_TEMPLATES)
    first = listed["data"][0]
    assert (first["id"], first["builtIn"], first["ownerId"], first["providers"]) == (
        "tpl_three_tier_web_app",
        True,
        None,
        ["aws", "azure", "gcp"],
    )
    assert "architecture" not in first

    serverless = auth_client.get("/api/v1/templates?category=serverless").json()["data"]
    assert [t["id"] for t in serverless] == ["tpl_serverless_http_api", "tpl_event_driven_pipeline"]
    found = auth_client.get("/api/v1/templates?search=queue%20worker").json()["data"]
    assert [t["id"] for t in found] == ["tpl_event_driven_pipeline"]
    assert auth_client.get("/api/v1/templates?provider=gcp").json()["pagination"]["total"] == len(BUILTIN_TEMPLATES)


@pytest.mark.parametrize(
    ("query", "field"), [("kind=flow", "kind"), ("provider=oracle", "provider"), ("pageSize=0", "pageSize")]
)
def test_bad_catalog_queries_are_refused(auth_client, query, field):
    response = auth_client.get(f"/api/v1/templates?{query}")

    assert response.status_code == 400
    assert field in response.json()["error"]["details"]


def test_a_template_is_shown_with_its_architecture(auth_client):
    detail = auth_client.get("/api/v1/templates/tpl_static_site_cdn").json()["data"]

    assert detail["name"] == "Static site with CDN"
    assert {node["resourceType"] for node in detail["architecture"]["nodes"]} >= {"cdn_profile", "blob_storage"}
    assert auth_client.get("/api/v1/templates/tpl_nope").status_code == 404


def test_applying_a_template_creates_a_workspace_drawn_for_the_provider(auth_client):
    response = auth_client.post(
        "/api/v1/templates/tpl_serverless_http_api/apply", {"name": "Orders API", "provider": "gcp"}, format="json"
    )

    assert response.status_code == 201, response.json()
    workspace = response.json()["data"]
    assert (workspace["name"], workspace["provider"], workspace["generator"]) == ("Orders API", "gcp", "terraform")
    architecture = auth_client.get(f"/api/v1/workspaces/{workspace['id']}/architecture").json()["data"]["architecture"]
    function = next(node for node in architecture["nodes"] if node["resourceType"] == "function_compute")
    assert (function["provider"], function["subtype"]) == ("gcp", "cloud-functions")
    validation = auth_client.post(f"/api/v1/workspaces/{workspace['id']}/validate", {}, format="json").json()["data"]
    assert validation == {"valid": True, "errors": [], "warnings": []}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"provider": "gcp"}, "name"),
        ({"name": "X", "provider": "oracle"}, "provider"),
        ({"name": "X", "provider": "aws", "generator": "bicep"}, "generator"),
        ({"name": "X", "provider": "aws", "region": "westeurope"}, "region"),
    ],
)
def test_bad_apply_requests_create_nothing(auth_client, body, field):
    response = auth_client.post("/api/v1/templates/tpl_three_tier_web_app/apply", body, format="json")

    assert response.status_code == 400
    assert field in response.json()["error"]["details"]
    assert not Workspace.objects.exists()


def test_users_save_see_and_delete_only_their_own_templates(auth_client, token_for):
    workspace = create(auth_client, provider="aws")
    auth_client.post("/api/v1/templates/tpl_static_site_cdn/apply", {"name": "Site", "provider": "aws"}, format="json")
    site = Workspace.objects.get(name="Site")

    empty = auth_client.post("/api/v1/templates", {"workspaceId": workspace["id"], "name": "Mine"}, format="json")
    assert empty.status_code == 400
    saved = auth_client.post(
        "/api/v1/templates",
        {"workspaceId": site.pk, "name": "My site", "description": "Docs site", "category": "web"},
        format="json",
    )
    assert saved.status_code == 201, saved.json()
    mine = saved.json()["data"]
    assert (mine["builtIn"], mine["ownerId"], mine["providers"]) == (False, auth_client.user.pk, list(PROVIDERS))
    assert mine["architecture"]["nodes"]
    listed = auth_client.get("/api/v1/templates?search=docs").json()["data"]
    assert [t["id"] for t in listed] == [mine["id"]]

    stranger = APIClient()
    stranger.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(UserFactory())}")
    assert stranger.get(f"/api/v1/templates/{mine['id']}").status_code == 404
    assert stranger.delete(f"/api/v1/templates/{mine['id']}").status_code == 404
    assert stranger.post(f"/api/v1/templates/{mine['id']}/apply", {"name": "X", "provider": "aws"}).status_code == 404
    assert stranger.post("/api/v1/templates", {"workspaceId": site.pk, "name": "Theirs"}).status_code == 404
    assert stranger.get("/api/v1/templates").json()["pagination"]["total"] == len(BUILTIN_TEMPLATES)

    assert auth_client.delete("/api/v1/templates/tpl_three_tier_web_app").status_code == 403
    assert auth_client.delete(f"/api/v1/templates/{mine['id']}").status_code == 204
    assert not Template.objects.exists()
