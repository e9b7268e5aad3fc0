"""Settings for the test suite: base settings with fast, isolated defaults.

`DATABASE_URL` and `REDIS_URL` are honoured, so `.ci/run` runs the same suite against
PostgreSQL and a real Redis. Without `REDIS_URL`, tests/conftest.py starts a private Redis
server on `TEST_REDIS_SOCKET` (one per pytest process).
"""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-secret-key-" + "x" * 48)
# A fixed test-only Fernet key (32 zero bytes, url-safe base64).
os.environ.setdefault("ENCRYPTION_KEYS", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

_worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
_var = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "var")
os.environ.setdefault("VAR_DIR", os.path.join(_var, "test", _worker))
TEST_REDIS_SOCKET = os.path.join(os.environ["VAR_DIR"], "redis.sock")
os.environ.setdefault("REDIS_URL", f"unix://{TEST_REDIS_SOCKET}?db=0")

from config.settings.base import *  # noqa: E402, F403
from config.settings.base import DATABASES, VAR_DIR  # noqa: E402

# The integration tests start daphne and a Celery worker that must see the test database,
# so the SQLite test database is a file rather than in memory.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
# Threads that serve async tests must not keep connections open, or the test database cannot be dropped.
DATABASES["default"]["CONN_MAX_AGE"] = 0

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests never serve collected static files.
STATIC_ROOT = None
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
