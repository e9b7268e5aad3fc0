"""Production settings: secrets are required and `check --deploy` is clean."""

import os
import subprocess
import sys

from cryptography.fernet import Fernet
from django.conf import settings

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 20 + "production-secret-key-with-plenty-of-entropy-0123456789",
    "ALLOWED_HOSTS": "api.example.com",
    "REDIS_URL": "redis://127.0.0.1:1/0",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """Run manage.py in a clean environment: only what the test passes, as on a fresh server."""
    environment = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "config.settings.base", **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION_ENV,
        ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_real_secrets(tmp_path):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "SECRET_KEY"}
    result = manage("check", **env, VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY and ENCRYPTION_KEYS must be set" in result.stderr
    assert not (tmp_path / "secret.key").exists(), "no development secret is generated in production"


def test_development_generates_its_secrets_once(tmp_path):
    first = manage("check", DEBUG="true", VAR_DIR=str(tmp_path))
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "secret.key").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "encryption.key").stat().st_mode & 0o777 == 0o600
    key = (tmp_path / "encryption.key").read_text()
    manage("check", DEBUG="true", VAR_DIR=str(tmp_path))
    assert (tmp_path / "encryption.key").read_text() == key


def test_the_development_key_file_may_list_several_keys_while_rotating(tmp_path):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    (tmp_path / "encryption.key").write_text(f"{new},{old}\n")
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.ENCRYPTION_KEYS)",
        DEBUG="true",
        VAR_DIR=str(tmp_path),
    )
    assert result.stdout.strip() == str([new, old]), result.stderr
