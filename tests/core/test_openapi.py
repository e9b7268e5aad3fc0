import pytest
import yaml
from django.core.management import call_command
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker, tmp_path_factory):
    """Generated with --validate --fail-on-warn: any schema warning fails the suite."""
    path = tmp_path_factory.mktemp("openapi") / "schema.yaml"
    with django_db_blocker.unblock():
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


def test_every_operation_documents_its_envelope_and_errors(schema):
    operations = [
        (path, method, operation) for path, item in schema["paths"].items() for method, operation in item.items()
    ]
    assert len(operations) >= 12
    for path, method, operation in operations:
        responses = operation["responses"]
        assert "429" in responses, (path, method)
        assert "500" in responses, (path, method)
        for code, response in responses.items():
            body = response.get("content", {}).get("application/json", {}).get("schema")
            if body is None:
                continue
            if code.startswith("2"):
                if "$ref" in body:
                    ref = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
                    assert {"success", "data", "pagination"} <= set(ref["properties"]), (path, method)
                else:
                    assert set(body["properties"]) == {"success", "data"}, (path, method, code)
            else:
                assert body == {"$ref": "#/components/schemas/ErrorEnvelope"}, (path, method, code)


def test_operations_list_the_errors_that_apply_to_them(schema):
    create_token = schema["paths"]["/api/v1/auth/tokens"]["post"]["responses"]
    assert {"201", "400", "401", "413", "429", "500"} <= set(create_token)
    delete_token = schema["paths"]["/api/v1/auth/tokens/{id}"]["delete"]["responses"]
    assert {"204", "401", "404"} <= set(delete_token)
    callback = schema["paths"]["/api/v1/auth/github/callback"]["get"]["responses"]
    assert {"302", "400", "403", "502"} <= set(callback)
    assert "401" not in callback


def test_fields_are_camel_case(schema):
    token = schema["components"]["schemas"]["ApiTokenCreated"]["properties"]
    assert {"lastUsedAt", "expiresAt", "createdAt", "token"} <= set(token)
    assert "ErrorEnvelope" in schema["components"]["schemas"]


def test_security_schemes_describe_bearer_and_cookie(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["bearerAuth"]["scheme"] == "bearer"
    assert schemes["cookieAuth"]["name"] == "bs_session"


def test_schema_and_docs_are_served():
    schema = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "Blocksmith API"
    docs = APIClient().get("/api/v1/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content
