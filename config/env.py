"""Environment access shared by the settings modules.

Settings read everything from environment variables (README, "Configuration"). In development
(`DEBUG=true`) the secret key and the encryption key may be absent: they are then generated once
into files under `VAR_DIR`, readable by the owner only, so that sessions and encrypted values
survive restarts.
"""

import os
import secrets
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import environ

env = environ.Env()


def dev_secret_file(path: Path, generate) -> str:
    """Return the secret stored in `path`, generating it on first use (mode 0600)."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = generate()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")
    print(f"blocksmith: generated a development secret in {path}", file=sys.stderr)
    return value


def new_secret_key() -> str:
    return secrets.token_urlsafe(64)


def celery_broker_url(redis_url: str) -> str:
    """Translate a redis-py URL into the form kombu expects.

    redis-py and channels-redis accept `unix:///path?db=N`; kombu only knows
    `redis+socket:///path?virtual_host=N` for unix sockets.
    """
    parts = urlsplit(redis_url)
    if parts.scheme != "unix":
        return redis_url
    db = parse_qs(parts.query).get("db", ["0"])[0]
    return f"redis+socket://{parts.path}?virtual_host={db}"
