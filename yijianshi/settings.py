"""Settings, from environment variables (12-factor). The embedded default needs nothing installed:
SQLite in ./data, tasks in-process. Production sets DATABASE_URL (PostgreSQL) and, for scale-out, a broker.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("YIJIANSHI_DATA_DIR", Path.cwd() / "data")).resolve()


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _bool("YIJIANSHI_DEBUG", False)
SECRET_KEY = os.environ.get("YIJIANSHI_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and os.environ.get("YIJIANSHI_ENV", "dev") == "production":
        raise RuntimeError("YIJIANSHI_SECRET_KEY must be set in production")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105 - development default only

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("YIJIANSHI_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "yijianshi.accounts.apps.StaffAdminConfig",  # django.contrib.admin, its site asking staff for the second factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "yijianshi.core",
    "yijianshi.accounts",
    "yijianshi.catalog",
    "yijianshi.integrations",
    "yijianshi.ledger",
    "yijianshi.datahub",
    "yijianshi.licenses",
    "yijianshi.cases",
    "yijianshi.mandates",
    "yijianshi.uploads",
    "yijianshi.web",
    "yijianshi.workbench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy (CONTENT_SECURITY_POLICY below)
    "yijianshi.api.middleware.NulRefusalMiddleware",  # before anything looks up a session, token or object
    "yijianshi.accounts.roles.ActorScopeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "yijianshi.web.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the staff's second factor (accounts/otp.py)
    "yijianshi.web.middleware.PrivateAnswersMiddleware",  # Cache-Control: no-store on personal answers
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "yijianshi.urls"
WSGI_APPLICATION = "yijianshi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "yijianshi.web.context_processors.portal",
            ],
        },
    },
]

DEFAULT_SQLITE = f"sqlite:///{DATA_DIR / 'yijianshi.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(os.environ.get("DATABASE_URL", DEFAULT_SQLITE), conn_max_age=60)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE: a write transaction takes the write lock when it begins, so that read-check-write services
    # (optimistic versions, idempotency) are serialised on SQLite as SELECT … FOR UPDATE does on PostgreSQL
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # tests use a file, not shared-cache memory, so that concurrent tests see real locks and busy timeouts
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-yijianshi-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",  # local passwords: the demo and staff
    "yijianshi.accounts.backends.RealNameBackend",  # real-name sign-in through the identity service (OIDC)
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"  # shown in Asia/Shanghai; stored in UTC
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True  # serve app static files even before collectstatic (tests, first run)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Secure cookies unless debugging or served over plain http (the local demo at http://127.0.0.1)
SESSION_COOKIE_SECURE = _bool(
    "YIJIANSHI_SECURE_COOKIES",
    not DEBUG and os.environ.get("YIJIANSHI_PUBLIC_URL", "").startswith("https://"),
)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# signed out after 30 minutes without a request (each request renews the session)
SESSION_COOKIE_AGE = int(os.environ.get("YIJIANSHI_SESSION_SECONDS", 30 * 60))
YIJIANSHI_TOKEN_SECONDS = int(
    os.environ.get("YIJIANSHI_TOKEN_SECONDS", 12 * 3600)
)  # API tokens (accounts/authentication.py)
# verifications (licences, documents; pages and API) per client address (accounts/limits.py)
YIJIANSHI_VERIFY_RATE = os.environ.get("YIJIANSHI_VERIFY_RATE", "60/min")
SESSION_SAVE_EVERY_REQUEST = True
LOGIN_URL = "/accounts/login/"

# Staff (clerk, officer, administrator, auditor) signing in with a password must also give a TOTP code
# (django-otp; accounts/otp.py, docs/identity.md). Demo staff accounts get a device: `yijianshi otp-code clerk`.
YIJIANSHI_STAFF_OTP = _bool("YIJIANSHI_STAFF_OTP", True)
OTP_TOTP_ISSUER = "yijianshi"

# Real-name sign-in through the province's identity service over OpenID Connect (Authlib; accounts/oidc.py,
# docs/identity.md). Off unless YIJIANSHI_OIDC_ISSUER is set: the sign-in page then offers the password form only.
# The endpoints come from the issuer's discovery document unless the authorization, token and JWKS endpoints are
# all given. YIJIANSHI_OIDC_CLAIMS (JSON: our name -> the service's claim name) and YIJIANSHI_OIDC_ASSURANCE (JSON:
# the service's value -> document|face) map the service's claims onto ours.
YIJIANSHI_OIDC: dict[str, Any] | None = None
if os.environ.get("YIJIANSHI_OIDC_ISSUER"):
    YIJIANSHI_OIDC = {
        "issuer": os.environ["YIJIANSHI_OIDC_ISSUER"],
        "client_id": os.environ.get("YIJIANSHI_OIDC_CLIENT_ID", ""),
        "client_secret": os.environ.get("YIJIANSHI_OIDC_CLIENT_SECRET", ""),
        "discovery_url": os.environ.get("YIJIANSHI_OIDC_DISCOVERY_URL", ""),
        "authorization_endpoint": os.environ.get("YIJIANSHI_OIDC_AUTHORIZATION_ENDPOINT", ""),
        "token_endpoint": os.environ.get("YIJIANSHI_OIDC_TOKEN_ENDPOINT", ""),
        "jwks_uri": os.environ.get("YIJIANSHI_OIDC_JWKS_URI", ""),
        "userinfo_endpoint": os.environ.get("YIJIANSHI_OIDC_USERINFO_ENDPOINT", ""),
        "scopes": os.environ.get("YIJIANSHI_OIDC_SCOPES", "openid profile"),
        "enterprise_scope": os.environ.get("YIJIANSHI_OIDC_ENTERPRISE_SCOPE", "enterprise"),
        "claims": json.loads(os.environ.get("YIJIANSHI_OIDC_CLAIMS", "{}")),
        "assurance": json.loads(os.environ.get("YIJIANSHI_OIDC_ASSURANCE", "{}")),
        "timeout": float(os.environ.get("YIJIANSHI_OIDC_TIMEOUT", "10")),
    }

# The cache holds sign-in failure counters (accounts/services.py): shared through Redis when REDIS_URL is set
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
    if os.environ.get("REDIS_URL")
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp; docs/security.md, finding 3): everything from the site itself, no inline
# script (the portal's few behaviours are in web/static/web/portal.js), no plug-ins, no <base>, no framing, forms
# posted only here. Inline *styles* are allowed: the templates carry <style> blocks and style attributes, and
# CSS cannot run script; moving them into stylesheets would let style-src drop 'unsafe-inline' too.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("YIJIANSHI_LOG_LEVEL", "INFO")},
}

# --- the platform -----------------------------------------------------------------------------------------
# The address people reach the platform at: every QR code and verification link printed on documents and licences,
# and the guide's QR code, start with it (core/verification.py `public_url`). The default suits only the local demo,
# so production refuses to start without it (a paper printed with http://127.0.0.1:8000 verifies nowhere).
PUBLIC_URL = os.environ.get("YIJIANSHI_PUBLIC_URL", "").strip().rstrip("/")
if not PUBLIC_URL:
    if not DEBUG and os.environ.get("YIJIANSHI_ENV", "dev") == "production":
        raise RuntimeError("YIJIANSHI_PUBLIC_URL must be set in production (e.g. https://yjs.example.gov.cn)")
    PUBLIC_URL = "http://127.0.0.1:8000"
if not PUBLIC_URL.startswith(("http://", "https://")):
    raise RuntimeError(f"YIJIANSHI_PUBLIC_URL must start with http:// or https://, not {PUBLIC_URL!r}")

# Background work: "inprocess" (embedded default: a thread in the web process, nothing else to run) or "celery"
# (scale-out: Redis broker, `celery -A yijianshi worker` and `celery -A yijianshi beat`).
TASKS_MODE = os.environ.get("YIJIANSHI_TASKS", "inprocess")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
# A publish tries the broker once (core/broker.py does the work another way when it fails): without this
# kombu keeps reconnecting for ~6 s inside the request. Workers' own reconnection is separate
# (broker_connection_retry, broker_connection_max_retries).
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 0}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Shanghai"

# How long a process keeps what other processes may change (core/remembered.py; 0: not kept)
YIJIANSHI_CATALOGUE_CACHE_SECONDS = float(os.environ.get("YIJIANSHI_CATALOGUE_CACHE_SECONDS", "5"))
YIJIANSHI_CALENDAR_CACHE_SECONDS = float(os.environ.get("YIJIANSHI_CALENDAR_CACHE_SECONDS", "300"))

# The source documents the catalogue packs are taken from (000_….txt …): read only by the checks that compare the
# packs with them (tests/catalog/test_documents.py); by default the shared/seeds folder beside the repository
SEEDS_DIR = Path(os.environ.get("YIJIANSHI_SEEDS_DIR", BASE_DIR.parent.parent / "shared" / "seeds")).resolve()

# Notification channels, in the order tried (core/notify.py): console, file, smtp, sms_http
NOTIFY_CHANNELS = [
    c.strip() for c in os.environ.get("YIJIANSHI_NOTIFY_CHANNELS", "console,file").split(",") if c.strip()
]
NOTIFY_FILE = Path(os.environ.get("YIJIANSHI_NOTIFY_FILE", DATA_DIR / "notifications.jsonl"))
SMS_GATEWAY_URL = os.environ.get("YIJIANSHI_SMS_URL", "")
SMS_GATEWAY_KEY = os.environ.get("YIJIANSHI_SMS_KEY", "")
EMAIL_BACKEND = os.environ.get("YIJIANSHI_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("YIJIANSHI_SMTP_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("YIJIANSHI_SMTP_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("YIJIANSHI_MAIL_FROM", "noreply@yijianshi.invalid")

# PDF documents: a TrueType/OpenType CJK font to embed; without one, the standard CID font STSong-Light is used
PDF_FONT = os.environ.get("YIJIANSHI_PDF_FONT", "")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "yijianshi.accounts.authentication.TokenAuthentication",  # DRF's, with the profile in one query
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [  # DRF's three, the JSON one refusing NUL, lone surrogates and deep nesting
        "yijianshi.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "yijianshi.api.pagination.Pagination",  # limit and offset, bounded
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "yijianshi.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "yijianshi API",
    "DESCRIPTION": "高效办成一件事 — applications, item cases, documents (see docs/).",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
}

# Material uploads (yijianshi/uploads, docs/uploads.md): files live under MEDIA_ROOT with random names and are
# never served by a static route, only by the API after an object-level check.
MEDIA_ROOT = Path(os.environ.get("YIJIANSHI_MEDIA_ROOT", DATA_DIR / "media")).resolve()
UPLOAD_MAX_BYTES = int(os.environ.get("YIJIANSHI_UPLOAD_MAX_BYTES", 10 * 1024 * 1024))
UPLOAD_MAX_PIXELS = int(
    os.environ.get("YIJIANSHI_UPLOAD_MAX_PIXELS", 60_000_000)
)  # an A4 page at 600 dpi is 35 MP
UPLOAD_MAX_PDF_PAGES = int(os.environ.get("YIJIANSHI_UPLOAD_MAX_PDF_PAGES", 500))

# the auditor's unusual-access report (cases/audit.py): a clerk who reads more people's files in a day than they
# file applications for, and staff reads outside these office hours (Beijing time) or on non-working days
AUDIT_OPENED_WITHOUT_APPLICATION = int(os.environ.get("YIJIANSHI_AUDIT_OPENED_WITHOUT_APPLICATION", 5))
AUDIT_OFFICE_HOURS = os.environ.get("YIJIANSHI_AUDIT_OFFICE_HOURS", "08:00-18:00")
UPLOAD_ACCEPT: dict[str, list[str]] = {}  # material code -> accepted content types, beyond uploads/accept.py
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # larger uploads spool to a temporary file while they stream in
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # (the default, 2.5 MiB) non-file form data; files: UPLOAD_MAX_BYTES
FILE_UPLOAD_HANDLERS = [
    "yijianshi.uploads.handlers.SizeLimitUploadHandler",  # stops a file past UPLOAD_MAX_BYTES as it streams
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_PERMISSIONS = 0o640

# Shared data and licences
LICENCE_KEY_DIR = Path(
    os.environ.get("YIJIANSHI_KEY_DIR", DATA_DIR / "keys")
)  # SM2 keys, never in the repository
RENEWAL_REMINDER_DAYS = int(os.environ.get("YIJIANSHI_RENEWAL_DAYS", "30"))
