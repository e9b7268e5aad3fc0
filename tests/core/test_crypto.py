import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from accounts.models import User
from core.crypto import decrypt, encrypt, secret_hint
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def stored_column(user: User) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT github_access_token FROM accounts_user WHERE id = %s", [user.pk])
        return cursor.fetchone()[0]


def test_encrypted_fields_store_ciphertext_and_read_plaintext():
    user = UserFactory()
    user.github_access_token = "gho_plaintext_secret"
    user.save()

    assert "gho_plaintext_secret" not in stored_column(user)
    assert User.objects.get(pk=user.pk).github_access_token == "gho_plaintext_secret"


def test_rotate_keys_re_encrypts_under_the_newest_key(settings):
    old_key = settings.ENCRYPTION_KEYS[0]
    user = UserFactory()
    user.github_access_token = "gho_rotate_me"
    user.save()
    before = stored_column(user)

    new_key = Fernet.generate_key().decode()
    settings.ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_keys")

    after = stored_column(user)
    assert after != before
    assert Fernet(new_key.encode()).decrypt(after.encode()) == b"gho_rotate_me"
    settings.ENCRYPTION_KEYS = [new_key]
    assert User.objects.get(pk=user.pk).github_access_token == "gho_rotate_me", "the old key can now be removed"


def test_a_value_no_key_can_decrypt_is_a_configuration_error(settings):
    token = encrypt("x")
    settings.ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ImproperlyConfigured, match="rotate_keys"):
        decrypt(token)


def test_hints_show_only_the_last_four_characters():
    assert secret_hint("sk-abcdefghijklmnop") == "…mnop"
    assert secret_hint("short") == "…"
