"""Blocksmith settings, read from environment variables.

Every variable is listed in README.md ("Configuration"). Development (`DEBUG=true`, the default
for `make run`) works with no variables at all: SQLite and Redis under `VAR_DIR`, a generated
secret key and encryption key. With `DEBUG=false` the secrets must be given.
"""

import tomllib
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from kombu import Exchange, Queue

from config.env import celery_broker_url, dev_secret_file, env, new_secret_key

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var"))).resolve()

with (BASE_DIR / "pyproject.toml").open("rb") as _pyproject:
    BLOCKSMITH_VERSION = tomllib.load(_pyproject)["project"]["version"]

# GENERAL
# ------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=True)

SECRET_KEY = env("SECRET_KEY", default="")
ENCRYPTION_KEYS = env.list("ENCRYPTION_KEYS", default=[])
if DEBUG:
    SECRET_KEY = SECRET_KEY or dev_secret_file(VAR_DIR / "secret.key", new_secret_key)
    if not ENCRYPTION_KEYS:
        from cryptography.fernet import Fernet

        # The file holds one key, or several comma-separated (newest first) while rotating.
        ENCRYPTION_KEYS = dev_secret_file(VAR_DIR / "encryption.key", lambda: Fernet.generate_key().decode()).split(",")
elif not SECRET_KEY or not ENCRYPTION_KEYS:
    raise ImproperlyConfigured("With DEBUG=false, SECRET_KEY and ENCRYPTION_KEYS must be set (README, Configuration).")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

# Where users' browsers are sent after GitHub login; also the default CORS origin.
FRONTEND_URL = env("FRONTEND_URL", default="http://localhost:5173")
# Absolute base URL of this server as clients reach it (OAuth callback, links in responses).
# Empty: derived from each request.
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default="").rstrip("/")

TIME_ZONE = "UTC"
USE_TZ = True
LANGUAGE_CODE = "en-us"
USE_I18N = False

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Routers accept both forms of every path; a redirect would drop request bodies.
APPEND_SLASH = False

# DATABASES
# ------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web, worker and beat processes read while one writes; IMMEDIATE
        # transactions take the write lock up front instead of failing on lock upgrade.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
# Reusing connections saves a connect (and SQLite's pragmas) on every request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# REDIS, CELERY, CHANNELS
# ------------------------------------------------------------------------------
# `make run` starts an embedded Redis on this socket when REDIS_URL is not given.
EMBEDDED_REDIS_SOCKET = VAR_DIR / "redis" / "redis.sock"
REDIS_URL = env("REDIS_URL", default=f"unix://{EMBEDDED_REDIS_SOCKET}?db=0")

CELERY_BROKER_URL = celery_broker_url(REDIS_URL)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Longer than the hard time limit, so a running late-acked task is never redelivered.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 60 * 60}
# Results live in the database rows tasks write, so there is no result backend to clean up.
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=25 * 60)
# A worker started without -Q consumes all three; scaled-out deployments split them.
CELERY_TASK_QUEUES = [Queue(name, Exchange(name), routing_key=name) for name in ("default", "builds", "flows")]
CELERY_TASK_DEFAULT_QUEUE = "default"
# By task name: runs.* (builds and their steps) and flows.* get their own queues.
CELERY_TASK_ROUTES = {
    "runs.*": {"queue": "builds"},
    "flows.*": {"queue": "flows"},
}
CELERY_BEAT_SCHEDULER = "core.beat:LockedDatabaseScheduler"
# How often beat looks for flow executions whose worker went silent (see FLOW_STALL_SECONDS).
FLOW_SWEEP_SECONDS = env.float("FLOW_SWEEP_SECONDS", default=30.0)
# Installed into the DatabaseScheduler when beat starts; visible and editable in the admin.
CELERY_BEAT_SCHEDULE = {
    "fail-stuck-generations": {"task": "workspaces.sweep_generations", "schedule": 60.0},
    "resume-stalled-runs": {"task": "runs.sweep", "schedule": 30.0},
    "remove-old-worktrees": {"task": "runs.remove_old_worktrees", "schedule": 3600.0},
    "remove-expired-exports": {"task": "runs.remove_expired_exports", "schedule": 3600.0},
    "stop-expired-previews": {"task": "runs.stop_expired_previews", "schedule": 60.0},
    "resume-stalled-executions": {"task": "flows.sweep", "schedule": FLOW_SWEEP_SECONDS},
    "prune-old-executions": {"task": "flows.prune_executions", "schedule": 3600.0},
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = "UTC"
# Seconds between worker heartbeats; /health counts a worker alive for three intervals.
WORKER_HEARTBEAT_INTERVAL = 10

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL]},
    }
}

# APPS AND MIDDLEWARE
# ------------------------------------------------------------------------------
INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "channels",
    "django_celery_beat",
    "social_django",
    "core",
    "accounts",
    "workspaces",
    "flows",
    "runs",
    "integrations",
    "templates",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "core.middleware.ApiResponseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# AUTHENTICATION
# ------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "accounts.github.GitHubOAuth2",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

SESSION_COOKIE_NAME = "bs_session"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=14 * 24 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_COOKIES = env.bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SAMESITE = "Lax"

# GitHub OAuth (social-auth-app-django). The URLs are configurable for GitHub Enterprise and tests.
GITHUB_URL = env("GITHUB_URL", default="https://github.com").rstrip("/")
GITHUB_API_URL = env("GITHUB_API_URL", default="https://api.github.com").rstrip("/")
SOCIAL_AUTH_GITHUB_KEY = env("GITHUB_CLIENT_ID", default="")
SOCIAL_AUTH_GITHUB_SECRET = env("GITHUB_CLIENT_SECRET", default="")
SOCIAL_AUTH_GITHUB_SCOPE = env.list("GITHUB_OAUTH_SCOPES", default=["read:user", "user:email", "repo"])
SOCIAL_AUTH_USER_MODEL = AUTH_USER_MODEL
SOCIAL_AUTH_REQUESTS_TIMEOUT = 10
SOCIAL_AUTH_PIPELINE = (
    "social_core.pipeline.social_auth.social_details",
    "social_core.pipeline.social_auth.social_uid",
    "social_core.pipeline.social_auth.auth_allowed",
    "social_core.pipeline.social_auth.social_user",
    "accounts.github.sync_github_user",
    "social_core.pipeline.social_auth.associate_user",
    "social_core.pipeline.social_auth.load_extra_data",
)
# Lifetime of the signed cookie that carries the OAuth `state` between the two legs of the login.
OAUTH_STATE_MAX_AGE = 10 * 60
SOCIAL_AUTH_GITHUB_STATE_LIFETIME = OAUTH_STATE_MAX_AGE

# Optional OIDC/JWT bearer authentication (Clerk-compatible). Off unless OIDC_ISSUER is set.
OIDC_ISSUER = env("OIDC_ISSUER", default="").rstrip("/")
OIDC_AUDIENCE = env("OIDC_AUDIENCE", default="")
OIDC_JWKS_URL = env("OIDC_JWKS_URL", default=f"{OIDC_ISSUER}/.well-known/jwks.json" if OIDC_ISSUER else "")
OIDC_JWKS_CACHE_SECONDS = env.int("OIDC_JWKS_CACHE_SECONDS", default=300)
# A token naming an unknown key id refetches the JWKS at most this often (key rotation vs. abuse).
OIDC_JWKS_REFRESH_COOLDOWN_SECONDS = env.int("OIDC_JWKS_REFRESH_COOLDOWN_SECONDS", default=30)

# Bearer API tokens: shown once, stored as SHA-256; `last_used_at` is written at most this often.
API_TOKEN_PREFIX = "bsk_"  # noqa: S105 - the public, recognisable part of every token
API_TOKEN_LAST_USED_RESOLUTION_SECONDS = 60
MAX_API_TOKENS_PER_USER = 100

# AI PROVIDERS
# ------------------------------------------------------------------------------
# OpenAI-compatible providers users can choose. Base URLs set here are trusted (an operator may point
# one at a private host, e.g. Ollama); an `api_key` set here is an operator key every user may use.
AI_PROVIDERS = {
    "openai": {
        "label": "OpenAI",
        "base_url": env("OPENAI_BASE_URL", default="https://api.openai.com/v1"),
        "model": env("OPENAI_MODEL", default="gpt-4o-mini"),
        "api_key": env("OPENAI_API_KEY", default=""),
    },
    "xai": {
        "label": "xAI",
        "base_url": env("XAI_BASE_URL", default="https://api.x.ai/v1"),
        "model": env("XAI_MODEL", default="grok-3-mini"),
        "api_key": env("XAI_API_KEY", default=""),
    },
    "ollama": {
        "label": "Ollama",
        "base_url": env("OLLAMA_BASE_URL", default="http://localhost:11434/v1"),
        "model": env("OLLAMA_MODEL", default="llama3.1"),
        "api_key": env("OLLAMA_API_KEY", default=""),
    },
    "custom": {"label": "Any OpenAI-compatible endpoint (your base URL)", "base_url": "", "model": "", "api_key": ""},
}
# Used when neither the request nor the project names a provider and the user has no key.
AI_DEFAULT_PROVIDER = env("AI_DEFAULT_PROVIDER", default="builtin")
AI_REQUEST_TIMEOUT_SECONDS = env.float("AI_REQUEST_TIMEOUT_SECONDS", default=120.0)
AI_KEY_CHECK_TIMEOUT_SECONDS = env.float("AI_KEY_CHECK_TIMEOUT_SECONDS", default=10.0)
AI_MAX_RETRIES = env.int("AI_MAX_RETRIES", default=1)
# Cost estimates use Infracost on the generated Terraform when both are set; else the built-in catalog.
INFRACOST_API_KEY = env("INFRACOST_API_KEY", default="")
INFRACOST_BINARY = env("INFRACOST_BINARY", default="infracost")
# How long an endpoint waits for an AI job before answering 202 (the job goes on in a worker).
AI_SYNC_WAIT_SECONDS = env.float("AI_SYNC_WAIT_SECONDS", default=10.0)
# User-supplied base URLs may reach private addresses only when the operator allows it.
AI_ALLOW_PRIVATE_BASE_URLS = env.bool("AI_ALLOW_PRIVATE_BASE_URLS", default=False)

# PROJECTS AND RUNS
# ------------------------------------------------------------------------------
REPOS_DIR = VAR_DIR / "repos"
WORKTREES_DIR = VAR_DIR / "worktrees"
# A run whose worker has not been heard from for this long is resumed (at most RUN_MAX_ATTEMPTS times).
RUN_STALL_SECONDS = env.int("RUN_STALL_SECONDS", default=120)
RUN_MAX_ATTEMPTS = env.int("RUN_MAX_ATTEMPTS", default=3)
# Worktrees of failed runs are kept this long for inspection.
RUN_KEEP_FAILED_WORKTREES_HOURS = env.int("RUN_KEEP_FAILED_WORKTREES_HOURS", default=24)
VERIFY_TIMEOUT_SECONDS = env.int("VERIFY_TIMEOUT_SECONDS", default=300)
VERIFY_CPU_SECONDS = env.int("VERIFY_CPU_SECONDS", default=240)
VERIFY_MEMORY_MB = env.int("VERIFY_MEMORY_MB", default=2048)
# With a language model: repair rounds after failed verification, and the tokens one run may spend.
RUN_REPAIR_ROUNDS = env.int("RUN_REPAIR_ROUNDS", default=2)
RUN_TOKEN_BUDGET = env.int("RUN_TOKEN_BUDGET", default=400_000)
# POST …/cancel waits this long for the run to stop before answering 202.
RUN_CANCEL_WAIT_SECONDS = env.float("RUN_CANCEL_WAIT_SECONDS", default=5.0)
SSE_HEARTBEAT_SECONDS = env.float("SSE_HEARTBEAT_SECONDS", default=15.0)
EXPORTS_DIR = VAR_DIR / "exports"
EXPORT_TTL_HOURS = env.int("EXPORT_TTL_HOURS", default=7 * 24)
PREVIEWS_DIR = VAR_DIR / "previews"
PREVIEW_TTL_MINUTES = env.int("PREVIEW_TTL_MINUTES", default=30)
PREVIEW_START_TIMEOUT_SECONDS = env.float("PREVIEW_START_TIMEOUT_SECONDS", default=20.0)

# AGENT FLOWS
# ------------------------------------------------------------------------------
# Webhook bodies above this size are refused with 413 before anything is stored.
FLOW_WEBHOOK_MAX_BODY_BYTES = env.int("FLOW_WEBHOOK_MAX_BODY_BYTES", default=1024 * 1024)
# The longest a `sync` webhook trigger may wait for the execution's output before answering 202.
FLOW_WEBHOOK_MAX_SYNC_WAIT_SECONDS = env.float("FLOW_WEBHOOK_MAX_SYNC_WAIT_SECONDS", default=30.0)
# Flow settings a definition may override (`execution:` in the organism YAML).
FLOW_DEFAULT_TIMEOUT_SECONDS = 300
FLOW_MAX_TIMEOUT_SECONDS = env.int("FLOW_MAX_TIMEOUT_SECONDS", default=3600)
FLOW_DEFAULT_MAX_NODE_VISITS = 100
FLOW_MAX_NODE_VISITS = env.int("FLOW_MAX_NODE_VISITS", default=10_000)
# An execution whose worker has not been heard from for this long is re-queued (at most
# FLOW_MAX_ATTEMPTS times in all), then failed.
FLOW_STALL_SECONDS = env.int("FLOW_STALL_SECONDS", default=60)
FLOW_MAX_ATTEMPTS = env.int("FLOW_MAX_ATTEMPTS", default=3)
# HTTP request nodes: response bodies above this size fail the step.
FLOW_HTTP_MAX_RESPONSE_BYTES = env.int("FLOW_HTTP_MAX_RESPONSE_BYTES", default=1024 * 1024)
FLOW_HTTP_MAX_TIMEOUT_SECONDS = env.float("FLOW_HTTP_MAX_TIMEOUT_SECONDS", default=60.0)
# HTTP request nodes may reach private and loopback addresses only when the operator allows it.
FLOW_HTTP_ALLOW_PRIVATE_URLS = env.bool("FLOW_HTTP_ALLOW_PRIVATE_URLS", default=False)

# API
# ------------------------------------------------------------------------------
MAX_REQUEST_BODY_BYTES = env.int("MAX_REQUEST_BODY_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BODY_BYTES

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["core.api.renderers.EnvelopeJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["djangorestframework_camel_case.parser.CamelCaseJSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.BearerAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api.throttling.PlanRateThrottle",
        "core.api.throttling.ScopedPlanRateThrottle",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.EnvelopePagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.EnvelopeAutoSchema",
    # Client IPs for anonymous rate limits come from REMOTE_ADDR unless proxies are declared;
    # DRF's default (None) would trust any X-Forwarded-For a client sends.
    "NUM_PROXIES": env.int("TRUSTED_PROXY_COUNT", default=0),
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# camelCase out, camelCase or snake_case in (djangorestframework-camel-case). Documents the user owns
# (architectures, their block configs) pass through unchanged: their keys are data, not field names.
JSON_CAMEL_CASE = {
    "JSON_UNDERSCOREIZE": {
        "no_underscore_before_number": True,
        "ignore_fields": (
            "architecture",
            "usage",
            # Flows: canvases, configs, payloads and memory values are the user's data.
            "canvas_state",
            "settings",
            "input_schema",
            "config",
            "input",
            "output",
            "input_payload",
            "output_payload",
            "metadata",
            "value",
        ),
    }
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Blocksmith API",
    "DESCRIPTION": (
        "One backend for architecture workspaces, agent flows and app-build projects. "
        "Every response is an envelope: `{success: true, data}` or `{success: false, error: {code, message, details}}`."
    ),
    "VERSION": BLOCKSMITH_VERSION,
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The same choice set under several field names (provider, aiProvider) is one schema enum.
    "ENUM_NAME_OVERRIDES": {
        "AiProviderEnum": ["builtin", *AI_PROVIDERS],
        "CloudProviderEnum": "workspaces.architecture.catalog.PROVIDERS",
        "CodeGeneratorEnum": "workspaces.architecture.catalog.GENERATORS",
        "ProjectStatusEnum": "workspaces.models.ProjectStatus",
        "RunStatusEnum": "runs.models.RunStatus",
        "TaskStatusEnum": "runs.models.TaskStatus",
        "ExportStatusEnum": "runs.models.ExportStatus",
        "DeploymentStatusEnum": "runs.models.DeploymentStatus",
        "RunKindEnum": "runs.models.RunKind",
        "TemplateKindEnum": "templates.models.TemplateKind",
        "FlowStatusEnum": "flows.models.FlowStatus",
        "ExecutionStatusEnum": "flows.models.ExecutionStatus",
        "StepStatusEnum": "flows.models.StepStatus",
        "TriggerTypeEnum": "flows.models.TriggerType",
        "LogLevelEnum": "flows.models.LogLevel",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.contrib.djangorestframework_camel_case.camelize_serializer_fields",
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.strip_optional_trailing_slashes",
    ],
}

# Plans: every per-tier limit lives here. Rates are "<count>/<second|minute|hour|day>";
# None means unlimited. GET /api/v1/usage reports the caller's plan.
ANONYMOUS_RATE_LIMIT = "20/minute"
# Webhook deliveries to one user's flows, counted per user (the sender is anonymous).
WEBHOOK_RATE = {"webhooks": env("WEBHOOK_RATE_LIMIT", default="600/minute")}
PLANS = {
    "free": {
        "rate_limits": {"requests": "60/minute", "generation": "10/hour", "github_sync": "30/hour", **WEBHOOK_RATE},
        "limits": {
            "concurrent_builds": 1,
            "flows": 1,
            "executions_per_month": 1_000,
            "execution_overage": False,
            "execution_retention_days": 7,
            "wasm_modules": 0,
            "memory_bytes": 0,
        },
    },
    "paid": {
        "rate_limits": {"requests": "120/minute", "generation": "10/hour", "github_sync": "30/hour", **WEBHOOK_RATE},
        "limits": {
            "concurrent_builds": 2,
            "flows": 10,
            "executions_per_month": 10_000,
            "execution_overage": True,
            "execution_retention_days": 30,
            "wasm_modules": 0,
            "memory_bytes": 10 * 1024 * 1024,
        },
    },
    "pro": {
        "rate_limits": {"requests": "300/minute", "generation": "10/hour", "github_sync": "30/hour", **WEBHOOK_RATE},
        "limits": {
            "concurrent_builds": 5,
            "flows": 100,
            "executions_per_month": 100_000,
            "execution_overage": True,
            "execution_retention_days": 90,
            "wasm_modules": 10,
            "memory_bytes": 100 * 1024 * 1024,
        },
    },
    "enterprise": {
        "rate_limits": {"requests": "1000/minute", "generation": "10/hour", "github_sync": "30/hour", **WEBHOOK_RATE},
        "limits": {
            "concurrent_builds": None,
            "flows": 1_000,
            "executions_per_month": None,
            "execution_overage": True,
            "execution_retention_days": 365,
            "wasm_modules": None,
            "memory_bytes": None,
        },
    },
    "high_frequency": {
        "rate_limits": {
            "requests": "60000/minute",
            "generation": "10/hour",
            "github_sync": "30/hour",
            "webhooks": "60000/minute",
        },
        "limits": {
            "concurrent_builds": None,
            "flows": 1_000,
            "executions_per_month": None,
            "execution_overage": True,
            "execution_retention_days": 365,
            "wasm_modules": None,
            "memory_bytes": None,
        },
    },
}
RATE_LIMITS_ENABLED = env.bool("RATE_LIMITS_ENABLED", default=True)

# CORS (browser frontends on other origins send the session cookie with credentials).
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[FRONTEND_URL])
CORS_ALLOW_CREDENTIALS = True
CORS_URLS_REGEX = r"^/(api|webhooks|health)/.*$"
CORS_EXPOSE_HEADERS = ["X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After"]
CSRF_TRUSTED_ORIGINS = CORS_ALLOWED_ORIGINS

# SECURITY (python manage.py check --deploy is clean with DEBUG=false and these defaults)
# ------------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe health over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health(/|$)"]
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# LOGGING
# ------------------------------------------------------------------------------
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
