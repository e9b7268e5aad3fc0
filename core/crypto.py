"""Encryption of stored secrets with MultiFernet (DESIGN.md §7).

Keys come from `ENCRYPTION_KEYS`, newest first: new values are encrypted with the first key and
every key can decrypt. `python manage.py rotate_keys` re-encrypts all values under the first key,
after which old keys can be removed.
"""

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@cache
def _multifernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(f"ENCRYPTION_KEYS holds an invalid Fernet key: {exc}") from exc


def fernet() -> MultiFernet:
    return _multifernet(tuple(settings.ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return fernet().encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str) -> str:
    try:
        return fernet().decrypt(ciphertext.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A stored secret cannot be decrypted with ENCRYPTION_KEYS; was a key removed before rotate_keys ran?"
        ) from exc


def secret_hint(plaintext: str) -> str:
    """The only part of a secret ever shown again: its last four characters."""
    return f"…{plaintext[-4:]}" if len(plaintext) >= 8 else "…"


class EncryptedTextField(models.TextField):
    """A text column whose value is stored encrypted and read back in clear.

    The database holds the Fernet token; Python code only sees plaintext. Empty strings are
    stored as they are (there is nothing to hide). Fernet tokens are randomised, so the column
    cannot be filtered on.
    """

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(value)
