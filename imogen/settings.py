"""Imogen settings, grouped by concern: Django core, database, Celery and jobs, storage and uploads, security and
abuse limits, mail, accounts and gallery, style transfer, text-to-image, editor, retention.

Everything that differs between machines comes from the environment (a `.env` file is read first; `.env.example`
documents every variable). A yes/no variable must say 1/0, true/false, yes/no or on/off: anything else stops the
start with an error naming it."""
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from dotenv import load_dotenv

from core.resources import memory_budget_mb

BASE_DIR = Path(__file__).resolve().parent.parent
load_dotenv(BASE_DIR / ".env")

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def env(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    """A yes/no variable; unset or empty gives `default`, a word it does not know is an error naming it."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a yes/no value: use 1 or 0 (true/false, yes/no, on/off).")


def env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def secret_key_from_file(path):
    """`make run` on one machine: a random key made once and kept in `path` (var/secret_key, mode 0600)."""
    import secrets  # only this path needs it

    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process of `make run` made it first
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


# === Django core =====================================================================================================
DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env("SECRET_KEY") or (secret_key_from_file(env("IMOGEN_SECRET_KEY_FILE"))
                                   if env("IMOGEN_SECRET_KEY_FILE") else "")
SECRET_KEY = SECRET_KEY or ("dev-insecure-key-change-me" if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DEBUG=0. Put a long random string in .env.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", SITE_URL)

# Runtime data that is not media (SQLite file, embedded broker, logs).
VAR_DIR = Path(env("IMOGEN_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "accounts",
    "gallery",
    "mailer",
    "styletransfer",
    "fairqueue",
    "text2image",
    "editor",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "core.middleware.RequestSizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "imogen.urls"
WSGI_APPLICATION = "imogen.wsgi.application"

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
                "core.context_processors.site",
                "core.context_processors.mail",
            ],
        },
    },
]

# Internationalisation: English and Korean, chosen from the browser or the switcher.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ko", _("Korean"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["imogen.formats"]  # Korean dates as 2026. 12. 1.
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "imogen_cache"}}

REST_FRAMEWORK = {
    # A personal API token (`Authorization: Bearer …`, made on the account page) needs no CSRF token; without one,
    # the browser session counts and every unsafe request needs the CSRF token.
    "DEFAULT_AUTHENTICATION_CLASSES": ["knox.auth.TokenAuthentication", "core.authentication.CsrfSessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # core's JSON parser refuses bodies nested more than 32 deep (a 400, not a RecursionError's 500).
    "DEFAULT_PARSER_CLASSES": ["core.parsers.JSONParser", "rest_framework.parsers.FormParser",
                               "rest_framework.parsers.MultiPartParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Imogen API",
    "DESCRIPTION": "Style transfer, text-to-image, editing and sharing of wallpapers.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# === Database ========================================================================================================
# SQLite file by default, anything dj-database-url understands (PostgreSQL) otherwise.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'imogen.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Web, workers and heartbeats write concurrently: WAL + immediate transactions avoid
    # "database is locked" under that load.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not :memory:, so that worker processes started by tests see the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-imogen.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# === Celery and background jobs ======================================================================================
# Redis and Celery. `make run` sets CELERY_BROKER_URL to whatever broker it found or started.
REDIS_URL = env("REDIS_URL", "redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_IGNORE_RESULT = True  # the database row is the truth, not a result backend
CELERY_TASK_ACKS_LATE = True  # every job task (core.jobs.job_task) is acked late and
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # handed out again when its worker dies
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"  # a job's queue is its model's `queue` (StyleTransferJob: "style")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# A worker that loses Redis waits for it however long it is away (Celery's default gives up after 100 tries), keeps
# running its jobs meanwhile (the database row is the truth; a job killed at each blip would use up its attempts),
# and survives the kombu 5.7.0 crash on closing the lost connection (core/redis_transport.py).
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT = "core.redis_transport:Transport"
# Submitting a job must not hang when the broker is down: the job stays `queued` and the sweep re-sends it.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A message taken by a worker that then died comes back after this long; running jobs keep a
    # heartbeat, so a redelivery of a job that is still alive is simply skipped.
    "visibility_timeout": env_int("IMOGEN_VISIBILITY_TIMEOUT", 600),
    "socket_connect_timeout": 2,
    "socket_timeout": 10,
}
if CELERY_BROKER_URL.startswith("filesystem://"):
    BROKER_DIR = VAR_DIR / "broker"
    for sub in ("queue", "processed"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
    }
CELERY_BEAT_SCHEDULE = {
    # Re-send jobs nobody picked up, revive jobs whose worker stopped (core.jobs.sweep).
    "sweep-stuck-jobs": {"task": "core.tasks.sweep_jobs",
                         "schedule": timedelta(seconds=env_int("IMOGEN_SWEEP_SECONDS", 30))},
    # Retention (below).
    "purge-expired": {"task": "core.tasks.purge_expired", "schedule": timedelta(hours=1)},
    # Expired sessions are deleted from the database once a day (what `manage.py clearsessions` does).
    "clear-sessions": {"task": "core.tasks.clear_sessions", "schedule": timedelta(days=1)},
    # "Email me when it's ready" mails that a worker stopped before handing over are sent by this catch-up.
    "ready-mails": {"task": "fairqueue.tasks.send_missed_ready_mails", "schedule": timedelta(minutes=1)},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# Jobs: a running job whose worker has not written a heartbeat for this long is given to another worker.
IMOGEN_JOB_STALE_SECONDS = env_int("IMOGEN_JOB_STALE_SECONDS", 60)
IMOGEN_JOB_HEARTBEAT_SECONDS = env_int("IMOGEN_JOB_HEARTBEAT_SECONDS", 5)
# A queued job not picked up for this long is sent to the broker again (e.g. it was down at submit time).
IMOGEN_JOB_RESEND_SECONDS = env_int("IMOGEN_JOB_RESEND_SECONDS", 30)
# A job whose worker was lost this many times (killed for memory, say) is failed with words saying so; 0: no cap.
IMOGEN_JOB_MAX_ATTEMPTS = env_int("IMOGEN_JOB_MAX_ATTEMPTS", 3)
# Set by `make run` (manage.py serve) for the processes it keeps running: /healthz reads which of them are down.
IMOGEN_SERVE_STATUS_FILE = env("IMOGEN_SERVE_STATUS_FILE", "")

# Every job has a time limit from its model (Job.time_limit_seconds: its planned work or its provider's timeouts,
# times IMOGEN_JOB_TIME_ROOM; IMOGEN_JOB_TIME_LIMIT_SECONDS where a model plans nothing). Past it, or when its work
# has reported nothing for IMOGEN_JOB_STALL_SECONDS, the job fails with words and frees its worker; a worker that
# does not stop is killed by Celery IMOGEN_JOB_KILL_GRACE_SECONDS later.
IMOGEN_JOB_TIME_LIMIT_SECONDS = env_int("IMOGEN_JOB_TIME_LIMIT_SECONDS", 3600)
IMOGEN_JOB_TIME_ROOM = float(env("IMOGEN_JOB_TIME_ROOM", "3"))
# 600 s: longer than a provider call (IMOGEN_T2I_TIMEOUT) and its retries, which report nothing while they run.
IMOGEN_JOB_STALL_SECONDS = env_int("IMOGEN_JOB_STALL_SECONDS", 600)
IMOGEN_JOB_KILL_GRACE_SECONDS = env_int("IMOGEN_JOB_KILL_GRACE_SECONDS", 60)

# The fair queue (fairqueue/). The most style jobs one owner may have waiting at once (0 = no cap): a browser
# session, or an account.
IMOGEN_STYLE_QUEUE_CAP_ANONYMOUS = env_int("IMOGEN_STYLE_QUEUE_CAP_ANONYMOUS", 3)
IMOGEN_STYLE_QUEUE_CAP_ACCOUNT = env_int("IMOGEN_STYLE_QUEUE_CAP_ACCOUNT", 8)
# ... and one address (IPv4, or IPv6 /64), all its sessions and unconfirmed accounts together (confirmed accounts
# are clients of their own and have the cap above).
IMOGEN_STYLE_QUEUE_CAP_ADDRESS = env_int("IMOGEN_STYLE_QUEUE_CAP_ADDRESS", 6)
# Until a machine has finished a job of a kind: its seconds per unit of work (a second of the engine's cost model
# on its reference CPU, so 1.0 = as fast as that machine) and the seconds before (reading, loading the models) and
# after (saving) the painting. Learned values replace them.
IMOGEN_QUEUE_DEFAULT_SECONDS_PER_UNIT = float(env("IMOGEN_QUEUE_DEFAULT_SECONDS_PER_UNIT", "1.0"))
IMOGEN_QUEUE_DEFAULT_BEFORE_SECONDS = float(env("IMOGEN_QUEUE_DEFAULT_BEFORE_SECONDS", "4"))
IMOGEN_QUEUE_DEFAULT_AFTER_SECONDS = float(env("IMOGEN_QUEUE_DEFAULT_AFTER_SECONDS", "1"))
# The name this machine's measured speeds are stored under (default: the host name).
IMOGEN_MACHINE_NAME = env("IMOGEN_MACHINE_NAME")

# === Storage and uploads =============================================================================================
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if env("AWS_STORAGE_BUCKET_NAME"):
    # Shared media for several web/worker hosts: any S3-compatible store (AWS, MinIO, R2...).
    STORAGES["default"] = {
        "BACKEND": "core.storage.SiteServedS3Storage",  # objects are served through /media/ (same origin)
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL") or None,
            "default_acl": None,
            "querystring_auth": True,
        },
    }

# Uploads: what any feature accepts from a user.
IMOGEN_UPLOAD_MAX_BYTES = env_int("IMOGEN_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
IMOGEN_UPLOAD_MAX_PIXELS = env_int("IMOGEN_UPLOAD_MAX_PIXELS", 40_000_000)
# Django refuses request bodies above this before reading them (multipart overhead on top of a file).
DATA_UPLOAD_MAX_MEMORY_SIZE = IMOGEN_UPLOAD_MAX_BYTES * 2 + 1024 * 1024
# Requests with a larger body are refused (413) before the body is read.
IMOGEN_MAX_REQUEST_BYTES = env_int("IMOGEN_MAX_REQUEST_BYTES", 0) or 2 * IMOGEN_UPLOAD_MAX_BYTES + 1024 * 1024
# Storage per owner (MB of uploads, previews, results and renders; 0 = no quota): an account, and an address for
# visitors without one (core.quota). New renders and jobs are refused with a plain message once it is full.
IMOGEN_STORAGE_QUOTA_MB = env_int("IMOGEN_STORAGE_QUOTA_MB", 2000)
IMOGEN_STORAGE_QUOTA_ANONYMOUS_MB = env_int("IMOGEN_STORAGE_QUOTA_ANONYMOUS_MB", 300)

# === Security and abuse limits (docs/security.md lists every limit) ==================================================
SESSION_COOKIE_AGE = 60 * 60 * 24 * 30
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# The language choice cookie: no script reads it; sent over HTTPS only when the HTTPS settings are on (below).
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

if not DEBUG:
    # A site served over https gets the https redirect, secure-only cookies and HSTS; `make run` on one machine
    # (SITE_URL http://127.0.0.1:8000) serves plain http with DEBUG off, so it gets none of them.
    SITE_IS_HTTPS = SITE_URL.startswith("https://")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SITE_IS_HTTPS)
    SESSION_COOKIE_SECURE = SITE_IS_HTTPS
    CSRF_COOKIE_SECURE = SITE_IS_HTTPS
    LANGUAGE_COOKIE_SECURE = SITE_IS_HTTPS
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if SITE_IS_HTTPS else 0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Load balancers probe over plain http: the health URL is never redirected to https.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# The Content-Security-Policy header of every page; empty: core.middleware.DEFAULT_CSP (no inline code at all).
IMOGEN_CSP = env("IMOGEN_CSP")
# /healthz answers only {"status": ...} to the public; staff, or a monitor sending "Authorization: Bearer <token>",
# also see which part failed, error texts and worker names. Empty: details for staff only.
IMOGEN_HEALTH_TOKEN = env("IMOGEN_HEALTH_TOKEN")

# How many reverse proxies stand in front of the web processes and append to X-Forwarded-For (nginx in front:
# 1; a load balancer, then nginx: 2). 0 (the default): the socket's address is the client's, forwarded headers
# are ignored. Every rate limit counts by the address this gives (core.throttling.client_ip).
IMOGEN_TRUSTED_PROXIES = env_int("IMOGEN_TRUSTED_PROXIES", 0)
REST_FRAMEWORK["NUM_PROXIES"] = IMOGEN_TRUSTED_PROXIES
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    "jobs": env("IMOGEN_THROTTLE_JOBS", "60/hour"),
    # The work those jobs ask for, in units of the style engine's cost model (a second of painting on its
    # reference CPU: `high` 1920×1080 is 156, `instant` 64×64 is 1; other jobs 1), per client, account and session.
    "job_work": env("IMOGEN_THROTTLE_JOB_WORK", "1800/hour"),
    "login": env("IMOGEN_THROTTLE_LOGIN", "20/hour"),
    # Server renders of the editor (POST /api/editor/renders/) and upload checks (POST /api/uploads/inspect/).
    "renders": env("IMOGEN_THROTTLE_RENDERS", "30/hour"),
    "inspect": env("IMOGEN_THROTTLE_INSPECT", "120/hour"),
    # The create page's live preview (POST /api/style-transfer/preview/), cached answers included.
    "previews": env("IMOGEN_THROTTLE_PREVIEWS", "600/hour"),
}
# Rate counters: Redis (atomic INCR) where the broker is Redis, else the database cache. `auto`, a redis:// URL,
# or empty for the database cache.
IMOGEN_THROTTLE_REDIS_URL = env("IMOGEN_THROTTLE_REDIS_URL", "auto").strip()
if IMOGEN_THROTTLE_REDIS_URL == "auto":
    IMOGEN_THROTTLE_REDIS_URL = CELERY_BROKER_URL if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else ""
CACHES["throttle"] = {
    "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": IMOGEN_THROTTLE_REDIS_URL,
    "KEY_PREFIX": "imogen-rate", "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
} if IMOGEN_THROTTLE_REDIS_URL else dict(CACHES["default"])

# === Mail ============================================================================================================
# Which mail provider sends deliveries (core.mail): auto (SMTP when EMAIL_HOST is set, else files under
# var/mail), smtp, folder, django (the backend EMAIL_BACKEND names, e.g. an API service's) or a dotted path to a
# provider class. The pages say when mail goes to a folder (core.mail.mail_goes_to_folder).
IMOGEN_MAIL_PROVIDER = env("IMOGEN_MAIL_PROVIDER", "auto")
IMOGEN_MAIL_FOLDER = env("IMOGEN_MAIL_FOLDER", str(VAR_DIR / "mail"))
EMAIL_HOST = env("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 15)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Imogen <imogen@localhost>")
# Read only by the `django` provider (an HTTP-API service's Django backend, say); the others open their own connection.
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
# Images bigger than this are sent as a link only (the mail says so).
IMOGEN_MAIL_ATTACHMENT_MAX_BYTES = env_int("IMOGEN_MAIL_ATTACHMENT_MAX_BYTES", 15 * 1024 * 1024)
# Temporary SMTP failures (server unreachable, 4xx) are retried: this many tries in all, waiting
# backoff × 2^(try-1) seconds between them (capped at the max).
IMOGEN_MAIL_MAX_ATTEMPTS = env_int("IMOGEN_MAIL_MAX_ATTEMPTS", 5)
IMOGEN_MAIL_RETRY_BACKOFF = float(env("IMOGEN_MAIL_RETRY_BACKOFF", "30"))
IMOGEN_MAIL_RETRY_BACKOFF_MAX = float(env("IMOGEN_MAIL_RETRY_BACKOFF_MAX", "1800"))
# Abuse limits (N/second|minute|hour|day): mails to one address, and mails from one client (session, account or IP,
# the address from IMOGEN_TRUSTED_PROXIES).
IMOGEN_MAIL_LIMIT_PER_RECIPIENT = env("IMOGEN_MAIL_LIMIT_PER_RECIPIENT", "5/hour")
IMOGEN_MAIL_LIMIT_PER_CLIENT = env("IMOGEN_MAIL_LIMIT_PER_CLIENT", env("IMOGEN_THROTTLE_MAIL", "30/day"))
# Account mails (confirmation links, "you already have an account") to one address, counted on the normalised
# address (lowercase, no +tag); over it the page says the mail could not be sent now.
IMOGEN_ACCOUNT_MAIL_LIMIT_PER_RECIPIENT = env("IMOGEN_ACCOUNT_MAIL_LIMIT_PER_RECIPIENT", "3/hour")

# === Accounts and gallery ============================================================================================
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Log in with an email address; the session's creations and jobs move to the account at login.
AUTHENTICATION_BACKENDS = ["accounts.backends.EmailBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "gallery:mine"
LOGOUT_REDIRECT_URL = "core:home"
# Seconds a password-reset link stays valid (default 3 days).
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 60 * 60 * 24 * 3)
# Pictures per page in "My creations", on the board and in the API.
IMOGEN_GALLERY_PAGE_SIZE = env_int("IMOGEN_GALLERY_PAGE_SIZE", 24)
# Personal API tokens (django-rest-knox): made on the account page, shown once, stored as a SHA-512 digest, valid until
# revoked; at most this many per account.
REST_KNOX = {
    "AUTH_HEADER_PREFIX": "Bearer", "TOKEN_PREFIX": "imogen_", "TOKEN_TTL": None, "AUTO_REFRESH": False,
    "TOKEN_LIMIT_PER_USER": env_int("IMOGEN_API_TOKENS_PER_ACCOUNT", 5),
}

# === Style transfer ==================================================================================================
# Compute device: auto picks CUDA, then Apple MPS, then CPU.
IMOGEN_DEVICE = env("IMOGEN_DEVICE", "auto")
IMOGEN_TORCH_THREADS = env_int("IMOGEN_TORCH_THREADS", 0) or None
# Largest output side and pixel count a user may ask for; smallest side (tiny sizes are for tests and drafts).
IMOGEN_STYLE_MAX_SIDE = env_int("IMOGEN_STYLE_MAX_SIDE", 3840)
IMOGEN_STYLE_MIN_SIDE = env_int("IMOGEN_STYLE_MIN_SIDE", 32)
IMOGEN_STYLE_MAX_PIXELS = env_int("IMOGEN_STYLE_MAX_PIXELS", 3840 * 2160)
# Long side of the result when the user keeps the content image's own aspect ratio.
IMOGEN_STYLE_CONTENT_LONG_SIDE = env_int("IMOGEN_STYLE_CONTENT_LONG_SIDE", 1920)
# Refuse requests the engine estimates need more memory than this (MB), at submit time and in the worker.
# auto (default): 70% of this machine's memory (its container limit if lower); 0 = no limit.
IMOGEN_STYLE_MEMORY_BUDGET_MB = memory_budget_mb(env("IMOGEN_STYLE_MEMORY_BUDGET_MB", "auto"))
# How often a running job writes progress and a preview image to the database (seconds).
IMOGEN_STYLE_PROGRESS_SECONDS = float(env("IMOGEN_STYLE_PROGRESS_SECONDS", "0.5"))
IMOGEN_STYLE_PREVIEW_SECONDS = float(env("IMOGEN_STYLE_PREVIEW_SECONDS", "3"))
# The create page's live preview (styletransfer/preview.py, in the web process): its long side (px), onnxruntime
# threads, how long a request waits for the one preview painter of its process (seconds, then 503), and how long an
# answer stays in the cache (seconds).
IMOGEN_STYLE_PREVIEW_SIDE = env_int("IMOGEN_STYLE_PREVIEW_SIDE", 384)
IMOGEN_STYLE_PREVIEW_THREADS = env_int("IMOGEN_STYLE_PREVIEW_THREADS", 1)
IMOGEN_STYLE_PREVIEW_WAIT_SECONDS = float(env("IMOGEN_STYLE_PREVIEW_WAIT_SECONDS", "5"))
IMOGEN_STYLE_PREVIEW_CACHE_SECONDS = env_int("IMOGEN_STYLE_PREVIEW_CACHE_SECONDS", 3600)
# A style worker times a few VGG19 evaluations at this long side (16:9) when it starts, so the first estimate of
# every kind of job is this machine's (styletransfer/calibration.py); 0 = no probe (estimates start from defaults).
IMOGEN_STYLE_CALIBRATION_SIDE = env_int("IMOGEN_STYLE_CALIBRATION_SIDE", 256)

# === Text-to-image and prompt translation (a provider is one line in text2image.providers.PROVIDERS) ===============
# Which provider draws pictures: offline (built in, no key), karlo, openai, automatic1111 or comfyui.
IMOGEN_T2I_PROVIDER = env("IMOGEN_T2I_PROVIDER", "offline").strip().lower()
IMOGEN_T2I_KARLO_URL = env("IMOGEN_T2I_KARLO_URL", "https://api.kakaobrain.com").rstrip("/")
IMOGEN_T2I_KARLO_KEY = env("IMOGEN_T2I_KARLO_KEY")
IMOGEN_T2I_KARLO_VERSION = env("IMOGEN_T2I_KARLO_VERSION", "v2.1")
IMOGEN_T2I_KARLO_RETURN_TYPE = env("IMOGEN_T2I_KARLO_RETURN_TYPE", "base64_string")  # or url
IMOGEN_T2I_KARLO_NSFW_CHECKER = env_bool("IMOGEN_T2I_KARLO_NSFW_CHECKER", True)  # Karlo holds back unsafe pictures
IMOGEN_T2I_OPENAI_URL = env("IMOGEN_T2I_OPENAI_URL", "https://api.openai.com").rstrip("/")
IMOGEN_T2I_OPENAI_KEY = env("IMOGEN_T2I_OPENAI_KEY")
IMOGEN_T2I_OPENAI_MODEL = env("IMOGEN_T2I_OPENAI_MODEL", "dall-e-3")
IMOGEN_T2I_OPENAI_SIZES = env_list("IMOGEN_T2I_OPENAI_SIZES", "1792x1024,1024x1792,1024x1024")
IMOGEN_T2I_A1111_URL = env("IMOGEN_T2I_A1111_URL", "http://127.0.0.1:7860").rstrip("/")
IMOGEN_T2I_A1111_USER = env("IMOGEN_T2I_A1111_USER")
IMOGEN_T2I_A1111_PASSWORD = env("IMOGEN_T2I_A1111_PASSWORD")
IMOGEN_T2I_A1111_STEPS = env_int("IMOGEN_T2I_A1111_STEPS", 25)
IMOGEN_T2I_A1111_CFG_SCALE = float(env("IMOGEN_T2I_A1111_CFG_SCALE", "7"))
# ComfyUI (local or on another machine): its address, an API-format workflow file (empty: the shipped one), how the
# file's nodes take Imogen's values (field=node.input, node an id or a title), the checkpoint the shipped workflow
# loads, default steps, the sizes offered, which node's images are the result (empty: all saved) and the most
# seconds to wait for one job (queue included).
IMOGEN_T2I_COMFYUI_URL = env("IMOGEN_T2I_COMFYUI_URL", "http://127.0.0.1:8188").rstrip("/")
IMOGEN_T2I_COMFYUI_WORKFLOW = env("IMOGEN_T2I_COMFYUI_WORKFLOW")
IMOGEN_T2I_COMFYUI_NODES = env_list("IMOGEN_T2I_COMFYUI_NODES")
IMOGEN_T2I_COMFYUI_CHECKPOINT = env("IMOGEN_T2I_COMFYUI_CHECKPOINT", "sd_xl_base_1.0.safetensors")
IMOGEN_T2I_COMFYUI_STEPS = env_int("IMOGEN_T2I_COMFYUI_STEPS", 25)
IMOGEN_T2I_COMFYUI_SIZES = env_list("IMOGEN_T2I_COMFYUI_SIZES", "1344x768,768x1344,1024x1024,1152x896")
IMOGEN_T2I_COMFYUI_OUTPUT_NODE = env("IMOGEN_T2I_COMFYUI_OUTPUT_NODE")
IMOGEN_T2I_COMFYUI_MAX_WAIT = float(env("IMOGEN_T2I_COMFYUI_MAX_WAIT", "1800"))
# Seconds to wait for one provider request, how often to retry 429/5xx answers, and the first backoff pause.
IMOGEN_T2I_TIMEOUT = float(env("IMOGEN_T2I_TIMEOUT", "120"))
IMOGEN_T2I_RETRIES = env_int("IMOGEN_T2I_RETRIES", 3)
IMOGEN_T2I_BACKOFF = float(env("IMOGEN_T2I_BACKOFF", "2"))
# Image links in a provider's answer are fetched only from its own host or these (core.fetch: public addresses,
# no redirects to other hosts, capped in bytes and seconds).
IMOGEN_T2I_KARLO_IMAGE_HOSTS = env_list("IMOGEN_T2I_KARLO_IMAGE_HOSTS", "*.kakaocdn.net")
IMOGEN_T2I_OPENAI_IMAGE_HOSTS = env_list("IMOGEN_T2I_OPENAI_IMAGE_HOSTS", "*.blob.core.windows.net")
IMOGEN_T2I_FETCH_MAX_BYTES = env_int("IMOGEN_T2I_FETCH_MAX_BYTES", 40 * 1024 * 1024)
IMOGEN_T2I_FETCH_TIMEOUT = float(env("IMOGEN_T2I_FETCH_TIMEOUT", "60"))
# The largest answer a provider's API may send (JSON with the pictures in base64); longer ones are cut off.
IMOGEN_T2I_ANSWER_MAX_BYTES = env_int("IMOGEN_T2I_ANSWER_MAX_BYTES", 96 * 1024 * 1024)
# Prompt translation to English: google (Cloud Translation, credentials from GOOGLE_APPLICATION_CREDENTIALS) or none.
IMOGEN_TRANSLATE_PROVIDER = env(
    "IMOGEN_TRANSLATE_PROVIDER", "google" if env("GOOGLE_APPLICATION_CREDENTIALS") else "none"
).strip().lower()
IMOGEN_TRANSLATE_API = env("IMOGEN_TRANSLATE_API", "v2").strip().lower()  # v2 (REST) or v3 (needs a project)
IMOGEN_TRANSLATE_ENDPOINT = env("IMOGEN_TRANSLATE_ENDPOINT")  # e.g. a regional endpoint or a local emulator
IMOGEN_TRANSLATE_PROJECT = env("IMOGEN_TRANSLATE_PROJECT", env("GOOGLE_CLOUD_PROJECT"))
IMOGEN_TRANSLATE_ANONYMOUS = env_bool("IMOGEN_TRANSLATE_ANONYMOUS", False)  # no credentials (emulators only)
IMOGEN_TRANSLATE_TIMEOUT = float(env("IMOGEN_TRANSLATE_TIMEOUT", "15"))


# === Editor ==========================================================================================================
# The server renders edits (Email/Share on the editor page, POST /api/editor/renders/) inside the request; images
# above this many pixels are refused with a 400 (the page's Download still works in the browser).
IMOGEN_EDITOR_MAX_PIXELS = env_int("IMOGEN_EDITOR_MAX_PIXELS", 16_000_000)
# Renders at once in one web process (more wait up to IMOGEN_EDITOR_RENDER_WAIT_SECONDS, then 429): with the pixel
# limit this bounds a process's memory (~16 bytes per pixel per render) and keeps threads free for other pages.
IMOGEN_EDITOR_RENDERS_PER_PROCESS = env_int("IMOGEN_EDITOR_RENDERS_PER_PROCESS", 1)
IMOGEN_EDITOR_RENDER_WAIT_SECONDS = float(env("IMOGEN_EDITOR_RENDER_WAIT_SECONDS", "5"))

# === Retention =======================================================================================================
# Anonymous jobs, uploads and creations older than this are deleted (published ones are kept); every owned model
# takes part (core.models.owned_models).
IMOGEN_RETENTION_DAYS = env_int("IMOGEN_RETENTION_DAYS", 7)
# Also delete old unpublished creations and jobs of accounts (off by default: accounts keep their work).
IMOGEN_RETENTION_INCLUDE_ACCOUNTS = env_bool("IMOGEN_RETENTION_INCLUDE_ACCOUNTS", False)
