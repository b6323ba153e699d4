"""Settings for pilot06, read from the environment.

One file, small typed helpers (the healthchecks habit): every value a
deployment may change comes from an environment variable with a default
that is safe for ``make run``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


TESTING = "pytest" in sys.modules or env_bool("PILOT06_TESTING")
# Off unless asked for (review item I4): `make run` sets DJANGO_DEBUG=true.
# Tools that read the settings without serving anything (the test run, the
# type checker's Django plugin) read the development branch; pytest-django
# turns DEBUG off while tests run, and the production branch is tested in
# subprocesses.
DEBUG = env_bool("DJANGO_DEBUG", default=TESTING or "mypy" in sys.modules)

_INSECURE_DEV_KEY = "django-insecure-pilot06-development-key-change-me"
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off.")
    SECRET_KEY = _INSECURE_DEV_KEY
elif not DEBUG and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 50 varied characters.")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "viewflow",
    "viewflow.workflow",
    "approvals",
    "province",
    "workflows",
    "reports",
    "documents",
    "administration",
]

MIDDLEWARE = [
    # Behind an HTTPS proxy with PILOT06_TRUSTED_PROXY_COUNT=0: a clear error, not a redirect loop.
    "project.proxy_guard.UndeclaredProxyGuard",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # A body larger than any request may need is refused from its Content-Length.
    "workflows.uploads.RequestSizeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "workflows.language.PageLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Decides, from the URL and the credentials, whether a multipart body may
    # be read at all: before the CSRF check reads it.
    "workflows.upload_gate.UploadGateMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "approvals.current.CurrentActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "project.urls"
WSGI_APPLICATION = "project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "project.context_processors.site",
            ],
        },
    },
]


def _database() -> dict[str, Any]:
    url = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=0))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers run beside the single writer; IMMEDIATE takes the
        # write lock at BEGIN so two writers queue instead of failing later.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20),
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
            ),
        }
    elif config["ENGINE"].startswith("django.db.backends.postgresql"):
        # A lock wait longer than this is answered as a conflict, never a hang.
        lock_timeout_ms = env_int("PG_LOCK_TIMEOUT_MS", 10000)
        # JIT compiles the report aggregates for longer than they run; pilot06's
        # queries are short, so it is off.
        config.setdefault("OPTIONS", {})["options"] = (
            f"-c lock_timeout={lock_timeout_ms} -c jit=off"
        )
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "approvals.backends.RolePermissionBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["project.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("PILOT06_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Evidence files live outside any public URL; only a view that applies the
# model's visibility serves them.
PRIVATE_STORAGE_ROOT = Path(env_str("PILOT06_PRIVATE_STORAGE", str(BASE_DIR / "private")))
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
EVIDENCE_MAX_FILES = 20
# The whole multipart request, all files together: refused from its
# Content-Length before it is read, and again while it streams.
PILOT06_UPLOAD_MAX_TOTAL_BYTES = env_int("PILOT06_UPLOAD_MAX_TOTAL_MB", 100) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Uploads are counted and sized while they stream in, and refused at the
# first file or byte over the limits above (workflows/uploads.py).
FILE_UPLOAD_HANDLERS = [
    "workflows.uploads.BoundedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "pilot06 <no-reply@pilot06.local>")

# django-axes: 5 failures lock that user from that IP for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = __import__("datetime").timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# How many reverse proxies of ours stand in front of Django.  0: only
# REMOTE_ADDR is believed; N: the N-th X-Forwarded-For entry from the right.
# (django-axes' AXES_IPWARE_* settings act only with django-ipware installed,
# which pilot06 does not use; the lockout asks approvals.client_ip instead.)
PILOT06_TRUSTED_PROXY_COUNT = env_int("PILOT06_TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "approvals.client_ip.client_ip"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # JSON only: no browsable HTML page, for an answer or an error, under /api/.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # {detail, code} for every error but 400; known failures never become a 500.
    "EXCEPTION_HANDLER": "workflows.api.errors.exception_handler",
    # POST /api/v1/auth/token/, per client address; django-axes also locks out
    # a username after AXES_FAILURE_LIMIT failures.
    "DEFAULT_THROTTLE_RATES": {"auth_token": env_str("PILOT06_TOKEN_RATE", "20/minute")},
    # The throttle believes X-Forwarded-For only as far as our own proxies wrote
    # it (DRF's default, None, takes the whole header a client may type).
    "NUM_PROXIES": PILOT06_TRUSTED_PROXY_COUNT,
}
REST_KNOX = {"TOKEN_TTL": __import__("datetime").timedelta(hours=10), "AUTH_HEADER_PREFIX": "Token"}
SPECTACULAR_SETTINGS = {
    "TITLE": "pilot06 API",
    "DESCRIPTION": "Đề án 06 pilot models: lifecycle, approvals, audit trail.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Operation ids are named after the path below /api/ (as when the API was
    # all the schema held); the reports (/reports/…, documented for token
    # clients) name their own.
    "SCHEMA_PATH_PREFIX": r"/api/",
    # ``<id:pk>`` (workflows.api.converters.IdConverter) takes 1 to 2**63 - 1, and says so.
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "workflows.api.schema.link_registered_model",
    ],
    # Two enums share the field name "kind"; their published names stay put.
    "ENUM_NAME_OVERRIDES": {
        "KindEnum": "workflows.routing.step_kinds",
        "DocumentKindEnum": "province.models.DocumentKind",
    },
}

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.backend.DatabaseBackend"
        ),
    }
}

# pilot06's own knobs.
PILOT06_SOURCE_URL = env_str("PILOT06_SOURCE_URL", "https://github.com/pilot06/pilot06")
# Absolute links in emails (reminders, task notices) point here.
PILOT06_BASE_URL = env_str("PILOT06_BASE_URL", "http://127.0.0.1:8000")
PILOT06_STUCK_DAYS = env_int("PILOT06_STUCK_DAYS", 30)
# The flows every model runs (dotted paths); a province that adds an approval
# step names its subclass here (docs/extending.md).
PILOT06_MAIN_FLOW = "workflows.flows.PilotFlow"
PILOT06_ROUND_FLOW = "workflows.flows.FundingRoundFlow"
PILOT06_DUE_SOON_DAYS = 30
# A periodic report is due this many days after its period ends (documents.schedule).
PILOT06_PERIODIC_DUE_DAYS = env_str("PILOT06_PERIODIC_DUE_DAYS", "week:2,month:5,quarter:10")
# Reports: above this many rows a report renders in the background (django-tasks)
# and the URL answers 202 with a progress page; a PDF table lists at most
# PDF_MAX_ROWS models (the .xlsx twin has them all).  A PDF lays out in a
# forked child with a time limit and an address-space cap.
PILOT06_REPORT_SYNC_MAX_ROWS = env_int("PILOT06_REPORT_SYNC_MAX_ROWS", 300)
PILOT06_REPORT_PDF_MAX_ROWS = env_int("PILOT06_REPORT_PDF_MAX_ROWS", 2000)
PILOT06_REPORT_CACHE_HOURS = env_int("PILOT06_REPORT_CACHE_HOURS", 24)
PILOT06_PDF_TIMEOUT_SECONDS = env_int("PILOT06_PDF_TIMEOUT_SECONDS", 300)
PILOT06_PDF_MEMORY_MB = env_int("PILOT06_PDF_MEMORY_MB", 1536)
PILOT06_PDF_ISOLATE = env_bool("PILOT06_PDF_ISOLATE", True)
# Report periods lie within the programme (Đề án 06 began in 2022), and each
# person has at most this many background renders waiting (review item L2).
PILOT06_PROGRAMME_START_YEAR = env_int("PILOT06_PROGRAMME_START_YEAR", 2022)
PILOT06_REPORT_MAX_PENDING_PER_USER = env_int("PILOT06_REPORT_MAX_PENDING_PER_USER", 3)
# A model's page and PDF show its latest trail entries and link the full,
# paged feed; action POSTs are limited per person, API and pages together
# ("N/second|minute|hour|day", or "off"), review finding M1.
PILOT06_TRAIL_LATEST = env_int("PILOT06_TRAIL_LATEST", 50)
PILOT06_TRAIL_PAGE_SIZE = env_int("PILOT06_TRAIL_PAGE_SIZE", 100)
PILOT06_ACTION_RATE = env_str("PILOT06_ACTION_RATE", "30/minute")
# /api/schema/ and /api/docs/ are public only where asked for (by default
# with DEBUG on); otherwise they need a login.
PILOT06_API_DOCS_PUBLIC = env_bool("PILOT06_API_DOCS_PUBLIC", DEBUG)

# Content-Security-Policy (django-csp 4.x): everything from this origin, no
# inline script or style, no plugins, no framing, forms post only here.  The
# pages load site.js and site.css; the API docs use drf-spectacular-sidecar's
# local assets with the script served apart (SpectacularSwaggerSplitView).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# A working day, then a new login (review item I4).
SESSION_COOKIE_AGE = env_int("PILOT06_SESSION_HOURS", 8) * 3600
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = not DEBUG
# A refused CSRF check answers JSON under /api/ (the API's views check it themselves).
CSRF_FAILURE_VIEW = "workflows.api.fallback.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if PILOT06_TRUSTED_PROXY_COUNT:
        # Only a proxy of ours may say the request came in over HTTPS.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Whitenoise's compressed manifest storage, minus viewflow's broken stray
    # node_modules stylesheet (see project/static_storage.py).
    STORAGES["staticfiles"] = {"BACKEND": "project.static_storage.StaticStorage"}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "WARNING")},
}

# Dangerous combinations (DEBUG with public hosts, an HTTPS redirect no proxy
# may satisfy, SQLite under several gunicorn workers) stop every process here.
from project.safety import refuse_dangerous_configuration  # noqa: E402

refuse_dangerous_configuration(globals(), os.environ)
