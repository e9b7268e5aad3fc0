"""User-owned AI keys (CloudBlocks /ai/keys, BloxServer BYOK): encrypted, checked, never shown again."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from integrations.models import AiProviderKey
from tests.factories import UserFactory
from tests.stand_ins import OpenAIStandIn

pytestmark = pytest.mark.django_db(transaction=True)


def save_key(client, **body):
    return client.post(
        "/api/v1/ai/keys", {"provider": "openai", "apiKey": OpenAIStandIn.API_KEY, **body}, format="json"
    )


def stored_ciphertext(key_id: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT api_key FROM integrations_aiproviderkey WHERE id = %s", [key_id])
        return cursor.fetchone()[0]


def test_saving_a_key_encrypts_it_checks_it_and_shows_only_a_hint(auth_client, openai_stand_in):
    response = save_key(auth_client, model="gpt-test")

    assert response.status_code == 201
    data = response.json()["data"]
    assert data["provider"] == "openai"
    assert data["keyHint"] == "…abcd"
    assert data["isValid"] is True
    assert data["lastError"] == ""
    assert data["checkedAt"] is not None
    assert data["model"] == "gpt-test"
    assert OpenAIStandIn.API_KEY not in response.content.decode()
    key = AiProviderKey.objects.get()
    assert OpenAIStandIn.API_KEY not in stored_ciphertext(key.pk)
    assert key.api_key == OpenAIStandIn.API_KEY
    assert any(request["path"] == "/v1/models" for request in openai_stand_in.requests), "checked with a cheap call"


def test_saving_again_replaces_the_key(auth_client, openai_stand_in):
    save_key(auth_client)
    response = save_key(auth_client, apiKey="sk-wrong-key-9999")

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["keyHint"] == "…9999"
    assert data["isValid"] is False, "storing never fails because the check failed"
    assert "rejected the API key (401)" in data["lastError"]
    assert AiProviderKey.objects.count() == 1


def test_an_unreachable_provider_is_recorded_not_fatal(auth_client, settings):
    settings.AI_PROVIDERS = {
        **settings.AI_PROVIDERS,
        "openai": {**settings.AI_PROVIDERS["openai"], "base_url": "http://127.0.0.1:9/v1"},
    }
    settings.AI_MAX_RETRIES = 0
    response = save_key(auth_client)
    assert response.status_code == 201
    assert response.json()["data"]["isValid"] is False
    assert "could not be reached" in response.json()["data"]["lastError"]


def test_list_and_delete(auth_client, openai_stand_in):
    save_key(auth_client)
    other = UserFactory()
    AiProviderKey.objects.create(user=other, provider="xai", api_key="xai-secret-key-1111", key_hint="…1111")

    listed = auth_client.get("/api/v1/ai/keys").json()["data"]
    assert [item["provider"] for item in listed] == ["openai"]
    assert "apiKey" not in listed[0]
    assert OpenAIStandIn.API_KEY not in str(listed)

    assert auth_client.delete("/api/v1/ai/keys/xai").status_code == 404, "another user's key is invisible"
    assert auth_client.delete("/api/v1/ai/keys/openai").status_code == 204
    assert auth_client.get("/api/v1/ai/keys").json()["data"] == []
    response = auth_client.delete("/api/v1/ai/keys/openai")
    assert response.status_code == 404
    assert AiProviderKey.objects.filter(user=other).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"provider": "nope"}, "provider"),
        ({"apiKey": ""}, "apiKey"),
        ({"provider": "custom"}, "baseUrl"),
        ({"provider": "custom", "baseUrl": "http://127.0.0.1:8080/v1"}, "baseUrl"),
        ({"provider": "custom", "baseUrl": "http://169.254.169.254/v1"}, "baseUrl"),
        ({"baseUrl": "ftp://example.com"}, "baseUrl"),
    ],
)
def test_bad_keys_are_refused_and_nothing_is_stored(auth_client, body, field):
    response = save_key(auth_client, **body)
    assert response.status_code == 400
    assert field in response.json()["error"]["details"]
    assert not AiProviderKey.objects.exists()


def test_the_operator_may_allow_private_base_urls(auth_client, settings):
    with OpenAIStandIn([{"ok": True}]) as stand_in:
        settings.AI_ALLOW_PRIVATE_BASE_URLS = True
        response = save_key(auth_client, provider="custom", baseUrl=stand_in.base_url, model="local-model")
    assert response.status_code == 201
    assert response.json()["data"]["isValid"] is True


def test_rotation_keeps_every_key_readable(auth_client, openai_stand_in, settings):
    save_key(auth_client)
    key = AiProviderKey.objects.get()
    before = stored_ciphertext(key.pk)

    new = Fernet.generate_key().decode()
    settings.ENCRYPTION_KEYS = [new, *settings.ENCRYPTION_KEYS]
    call_command("rotate_keys", stdout=StringIO())

    assert stored_ciphertext(key.pk) != before
    assert Fernet(new.encode()).decrypt(stored_ciphertext(key.pk).encode()).decode() == OpenAIStandIn.API_KEY
    settings.ENCRYPTION_KEYS = [new]
    assert AiProviderKey.objects.get().api_key == OpenAIStandIn.API_KEY


def test_the_admin_shows_hints_only(admin_client, auth_client, openai_stand_in):
    save_key(auth_client)
    key = AiProviderKey.objects.get()
    for page in ("/admin/integrations/aiproviderkey/", f"/admin/integrations/aiproviderkey/{key.pk}/change/"):
        content = admin_client.get(page).content.decode()
        assert "…abcd" in content
        assert OpenAIStandIn.API_KEY not in content
        assert stored_ciphertext(key.pk) not in content


def test_providers_list_says_which_one_is_used_by_default(auth_client, openai_stand_in):
    providers = {item["name"]: item for item in auth_client.get("/api/v1/ai/providers").json()["data"]}
    assert providers["builtin"]["default"] is True
    assert providers["openai"]["hasKey"] is False

    save_key(auth_client)
    providers = {item["name"]: item for item in auth_client.get("/api/v1/ai/providers").json()["data"]}
    assert providers["openai"] == {**providers["openai"], "hasKey": True, "default": True}
    assert providers["builtin"]["default"] is False
