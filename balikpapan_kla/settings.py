"""Settings for Balikpapan KLA, read from the environment (see .env.example).

Defaults serve a laptop with nothing installed: an embedded PostgreSQL (started by `make run`),
an embedded file broker and local-memory cache under var/, email written to files. With DJANGO_DEBUG=false every
secret and ALLOWED_HOSTS must be given, or the process stops naming the variable.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from .envcheck import StrictEnv, fail

BASE_DIR = Path(__file__).resolve().parent.parent

_env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

# Read DJANGO_DEBUG before anything else: it decides which variables are required.
DEBUG = StrictEnv(_env, production=False).bool("DJANGO_DEBUG", default=True)
env = StrictEnv(_env, production=not DEBUG)

VAR_DIR = Path(env.raw("VAR_DIR") or BASE_DIR / "var")

SECRET_KEY = env.secret(
    "SECRET_KEY",
    dev_default="dev-only-insecure-key-for-local-use-never-in-production-0123456789",
    min_length=50,
)
# Keys for encrypting identifying data at rest; never the database's. First key encrypts,
# all keys decrypt, so a new key can be put first and data re-encrypted at leisure.
FIELD_ENCRYPTION_KEYS = env.fernet_keys(
    "FIELD_ENCRYPTION_KEYS",
    dev_default=["ZGV2LW9ubHktaW5zZWN1cmUtZmllbGQta2V5LTAwMDA="],
)
# Receipt codes are stored only as HMACs under this key of their own (not SECRET_KEY, so the
# two can be rotated independently; rotating this one makes every old code unusable).
RECEIPT_CODE_SECRET = env.secret(
    "RECEIPT_CODE_SECRET", dev_default="dev-only-insecure-receipt-code-secret-0123456789", min_length=32
)
# Children's match keys (the same child in another case) are HMACs under this key of their own,
# so rotating SECRET_KEY leaves them valid; after changing this one, run
# `manage.py recompute_child_match_keys`, or duplicates go unnoticed.
CHILD_MATCH_SECRET = env.secret(
    "CHILD_MATCH_SECRET", dev_default="dev-only-insecure-child-match-secret-0123456789", min_length=32
)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", dev_default=["127.0.0.1", "localhost", "[::1]", "testserver"], required_in_production=True
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", dev_default=[], required_in_production=False)
SITE_URL = env.url("SITE_URL", default="http://127.0.0.1:8000", schemes=("http", "https")).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "core",
    "areas",
    "accounts",
    "reports",
    "cases",
    "triage",
    "outreach",
    "alerts",
    "dashboard",
    "privacy",
    "whatsapp",
    # Fictional data for the demo and benchmarks (seed_demo, seed_volume); imports every app.
    "devdata",
]

MIDDLEWARE = [
    # /healthz and /readyz answered before anything reads the Host header: container and
    # Kubernetes probes ask by address (127.0.0.1, a pod IP), never by a name in ALLOWED_HOSTS.
    "core.probes.ProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.CookieLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.middleware.PrivateNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "core.unavailable.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "balikpapan_kla.urls"
WSGI_APPLICATION = "balikpapan_kla.wsgi.application"

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
                "accounts.context_processors.capabilities",
                "alerts.context_processors.notifications",
            ],
        },
    },
]

# --- Data stores -------------------------------------------------------------------------

# PostgreSQL is the only engine. On a laptop `make run` starts an embedded one whose socket sits in
# var/postgres (tools/embedded_postgres.py) and sets DATABASE_URL; this default reaches the same
# server from a second terminal. Production must say where its database is.
env.require_in_production("DATABASE_URL")
DATABASES = {"default": env.database("DATABASE_URL", default=f"postgres://postgres@/kla?host={VAR_DIR / 'postgres'}")}
# The password apart from the URL, taken as it is: in a URL a "/", "%", "@" or "#" in it would
# have to be percent-encoded (docker-compose.yml passes POSTGRES_PASSWORD here). It wins over a
# password in DATABASE_URL. Read from os.environ itself: django-environ would take a value
# starting with "$" for the name of another variable.
if os.environ.get("DATABASE_PASSWORD"):
    DATABASES["default"]["PASSWORD"] = os.environ["DATABASE_PASSWORD"]
# A socket directory given as ?host=… is the connection's host (tools and tests read HOST).
DATABASES["default"]["HOST"] = DATABASES["default"].get("OPTIONS", {}).pop("host", DATABASES["default"]["HOST"])
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A database that does not answer is an error in seconds, which pages show as a 503
# (core.unavailable), not a request hanging until gunicorn kills it (issue 15). libpq gives up
# connecting after DATABASE_CONNECT_TIMEOUT seconds (per address the host resolves to); the server
# cancels a statement after DATABASE_STATEMENT_TIMEOUT_MS (0: never; `migrate` and `seed_volume`
# lift it for their long statements, core.db); over TCP, a connection whose data goes
# unacknowledged for 10 s, or that stays silent through keepalive probes, is dropped (a server gone
# from the network). A server that acknowledges but never answers an open connection is not caught.
_db_options = DATABASES["default"].setdefault("OPTIONS", {})
_db_options.setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5, minimum=1))
_db_options["options"] = (
    f"-c statement_timeout={env.int('DATABASE_STATEMENT_TIMEOUT_MS', default=15000, minimum=0)} "
    + _db_options.get("options", "")
).strip()
_db_options.update(keepalives=1, keepalives_idle=10, keepalives_interval=5, keepalives_count=3, tcp_user_timeout=10000)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_SCHEMES = ("redis", "rediss", "unix")
REDIS_URL = env.url("REDIS_URL", default="", schemes=REDIS_SCHEMES) if env.raw("REDIS_URL") else ""
# The cache holds rate-limit counters: production gives it a Redis of its own that keeps
# nothing on disk (docker-compose.yml), apart from the broker's, which must persist.
CACHE_REDIS_URL = (
    env.url("CACHE_REDIS_URL", default="", schemes=REDIS_SCHEMES) if env.raw("CACHE_REDIS_URL") else REDIS_URL
)
if CACHE_REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_REDIS_URL,
            "KEY_PREFIX": "kla",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery ------------------------------------------------------------------------------

CELERY_BROKER_URL = env.url(
    "CELERY_BROKER_URL",
    default=REDIS_URL or "filesystem://",
    schemes=("redis", "rediss", "filesystem", "memory", "amqp"),
)
if CELERY_BROKER_URL.startswith("filesystem://"):
    # The folders below are the whole address; a host, meaningless here, keeps kombu from
    # warning "No hostname was supplied" at every connection. Celery reads the variable itself,
    # ahead of these settings, so it gets the same value.
    CELERY_BROKER_URL = "filesystem://localhost/"
    if os.environ.get("CELERY_BROKER_URL"):
        os.environ["CELERY_BROKER_URL"] = CELERY_BROKER_URL
    _queue_dir, _control_dir = VAR_DIR / "celery" / "queue", VAR_DIR / "celery" / "control"
    _queue_dir.mkdir(parents=True, exist_ok=True)
    _control_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "control_folder": str(_control_dir),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
# The database, not the broker, says what still has to be done: tasks are acknowledged only
# after they ran, re-delivered if a worker dies, and must be idempotent.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Keep a worker's database connection across tasks (Celery closes it around every task
# otherwise): opening one per alert delivery was most of the commit → webhook latency. It is
# health-checked before each task and replaced when the database dropped it (a restart, a
# failover), as Django does per request (balikpapan_kla/celery.py, issue 15).
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000, minimum=0)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=120, minimum=1)
CELERY_TASK_SOFT_TIME_LIMIT = max(1, CELERY_TASK_TIME_LIMIT - 20)
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
WORKER_HEARTBEAT_SECONDS = env.int("WORKER_HEARTBEAT_SECONDS", default=60, minimum=1)
# /readyz says "degraded" and staff pages warn when no heartbeat came for this long: one and a
# half beats, so a stopped worker shows within two minutes (issue 14) and a late beat does not.
WORKER_STALE_AFTER_SECONDS = env.int(
    "WORKER_STALE_AFTER_SECONDS", default=WORKER_HEARTBEAT_SECONDS * 3 // 2, minimum=WORKER_HEARTBEAT_SECONDS
)
CELERY_BEAT_SCHEDULE = {
    "alerts-sweep": {
        "task": "alerts.tasks.sweep",
        "schedule": float(env.int("ALERT_SWEEP_SECONDS", default=60, minimum=1)),
    },
    # WhatsApp messages to reporters that are due: retries, and what the broker lost.
    "whatsapp-outbound-sweep": {
        "task": "whatsapp.outbound_tasks.sweep_outbound",
        "schedule": float(env.int("ALERT_SWEEP_SECONDS", default=60, minimum=1)),
    },
    "alerts-reminders": {
        "task": "alerts.tasks.remind",
        "schedule": float(env.int("ALERT_REMINDER_SECONDS", default=3600, minimum=1)),
    },
    # WhatsApp messages from reporters to process again, and drafts left unfinished to file.
    "whatsapp-inbound-sweep": {
        "task": "whatsapp.tasks.sweep_inbound",
        "schedule": float(env.int("ALERT_SWEEP_SECONDS", default=60, minimum=1)),
    },
    "worker-heartbeat": {
        "task": "core.tasks.record_heartbeat",
        "schedule": float(WORKER_HEARTBEAT_SECONDS),
    },
    # The retention schedule, nightly at RETENTION_RUN_HOUR_UTC (18:30 UTC is 02:30 in Balikpapan).
    "retention": {
        "task": "core.tasks.retention_run",
        "schedule": crontab(hour=env.int("RETENTION_RUN_HOUR_UTC", default=18, minimum=0), minute=30),
    },
}

# --- Email -------------------------------------------------------------------------------

# Production sends email (alerts, account notices) through SMTP, or says explicitly that it
# does not: EMAIL_TO_FILES=true writes every email to files under var/mail/, which nobody reads
# unless someone looks; without either the process refuses to start.
EMAIL_TO_FILES = env.bool("EMAIL_TO_FILES", default=False)
if not EMAIL_TO_FILES:
    env.require_in_production(
        "EMAIL_URL",
        problem_id="wajib diisi bila DJANGO_DEBUG=false (URL SMTP), atau isi EMAIL_TO_FILES=true agar semua email, "
        "termasuk peringatan, hanya ditulis ke berkas di var/mail/",
        problem_en="is required when DJANGO_DEBUG=false (an SMTP URL), or set EMAIL_TO_FILES=true to have every "
        "email, alerts included, only written to files under var/mail/",
    )
if env.raw("EMAIL_URL"):
    env.url("EMAIL_URL", default="", schemes=("smtp", "smtps", "smtp+tls", "smtp+ssl", "consolemail"))
    globals().update(_env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.raw("DEFAULT_FROM_EMAIL") or "Balikpapan KLA <no-reply@localhost>"
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Accounts, sessions, two-factor, lockout -----------------------------------------------

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:staff_home"
LOGOUT_REDIRECT_URL = "core:home"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "accounts.backends.RolePermissionBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
STAFF_2FA_REQUIRED = env.bool("STAFF_2FA_REQUIRED", default=True)
OTP_TOTP_ISSUER = "Balikpapan KLA"
# Lockout is no weapon (accounts/lockout.py): failures count per (username, address), so a
# guesser slows down only their own address; each further lockout of the pair lasts twice as
# long, up to LOGIN_COOLOFF_MAX. An address may try LOGIN_ADDRESS_USERNAME_LIMIT usernames, not
# counting those that logged in from it before (an office behind one NAT address).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5, minimum=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = "accounts.lockout.login_cool_off"
AXES_HANDLER = "accounts.lockout.LoginThrottleHandler"
AXES_USE_ATTEMPT_EXPIRATION = True  # each pair's failures expire with its own cool-off
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # earlier lockouts (growing cool-off) and failures (notices)
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # tries while locked neither count nor extend
AXES_CLIENT_IP_CALLABLE = "core.clientip.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
LOGIN_COOLOFF_BASE = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15, minimum=1))
LOGIN_COOLOFF_MAX = timedelta(hours=env.int("LOGIN_COOLOFF_MAX_HOURS", default=24, minimum=1))
LOGIN_LOCKOUT_MEMORY = timedelta(days=7)  # lockouts older than this no longer lengthen the next
LOGIN_ADDRESS_USERNAME_LIMIT = env.int("LOGIN_ADDRESS_USERNAME_LIMIT", default=10, minimum=2)
LOGIN_FAILURE_NOTICE_HOURS = 24  # the owner hears of repeated failures at most once in this time
# Idle timeout: every request renews the session, an idle one ends after 30 minutes.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Security headers --------------------------------------------------------------------

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies in front of gunicorn append to X-Forwarded-For (core.clientip): the client
# address of rate limits and login lockout. 0: REMOTE_ADDR, X-Forwarded-For is never read;
# docker-compose.yml: 2 (the TLS proxy, then nginx).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0, minimum=0)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = 0 if DEBUG else 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Other sites never learn that someone came from here; within the site the browser keeps
# sending its origin, which Django's CSRF check needs ("no-referrer" makes it "null").
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Public pages load nothing from another host: the policy allows only this origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- Language, time, formats ---------------------------------------------------------------

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["balikpapan_kla.formats"]
USE_I18N = True
TIME_ZONE = "Asia/Makassar"
USE_TZ = True

# --- Static and uploaded files ------------------------------------------------------------

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# The image sets STATIC_ROOT outside VAR_DIR (Dockerfile): a volume mounted over VAR_DIR would keep
# the first image's files and manifest through every upgrade.
STATIC_ROOT = Path(env.raw("STATIC_ROOT") or VAR_DIR / "staticfiles")
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing folder
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploaded files are private: there is no MEDIA_URL, they are served only by audited views.
MEDIA_ROOT = Path(env.raw("MEDIA_ROOT") or VAR_DIR / "private-media")

# Uploads stay in memory, never a plaintext temporary file on disk, and never more of them than
# the attachment limits need to tell the sender what was too much (core.uploads).
FILE_UPLOAD_HANDLERS = ["core.uploads.BoundedMemoryUploadHandler"]
DATA_UPLOAD_MAX_NUMBER_FILES = 20

# --- Reports: attachments, priorities, limits -------------------------------------------------

REPORT_ATTACHMENT_MAX_FILES = 5
REPORT_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
REPORT_ATTACHMENT_MAX_TOTAL_BYTES = 25 * 1024 * 1024
# Larger images are refused as possible decompression bombs (a phone photo is 12-50 MP).
# JPEG is decoded at reduced scale; PNG, WebP and GIF are decoded whole, so their cap is lower.
# Stored photos are at most REPORT_IMAGE_MAX_SIDE pixels on their long side.
REPORT_IMAGE_MAX_PIXELS = 60_000_000
REPORT_IMAGE_MAX_PIXELS_DECODED = 16_000_000
REPORT_IMAGE_MAX_SIDE = 4096
# At most this many files on one report, replies included (a storage quota per report).
REPORT_ATTACHMENTS_PER_REPORT_MAX = 25

# Response times per priority, in hours (design: "Priority and response times"): acknowledge
# within, escalate to the supervisor after, escalate to the head of agency after.
REPORT_RESPONSE_HOURS = {
    "darurat": {"acknowledge": env.int("DARURAT_ACK_HOURS", default=1, minimum=1), "supervisor": 1, "head": 2},
    "tinggi": {"acknowledge": env.int("TINGGI_ACK_HOURS", default=24, minimum=1), "supervisor": 24, "head": 48},
    "biasa": {"acknowledge": env.int("BIASA_ACK_HOURS", default=72, minimum=1), "supervisor": 72, "head": 120},
}
# Sexual violence within this many hours is urgent: the forensic window.
REPORT_FORENSIC_WINDOW_HOURS = 72
# UU 12/2022 TPKS Pasal 41: a sexual-violence report goes to the police within 3x24 hours of its
# receipt (cases.legal.police_due_at); the case's officers are reminded when this many hours are
# left, the supervisors told once it has passed; a court hearing reminds them this many days ahead.
TPKS_POLICE_REFERRAL_HOURS = env.int("TPKS_POLICE_REFERRAL_HOURS", default=72, minimum=1)
TPKS_POLICE_REMIND_HOURS = env.int("TPKS_POLICE_REMIND_HOURS", default=24, minimum=1)
HEARING_REMIND_DAYS = env.int("HEARING_REMIND_DAYS", default=2, minimum=1)
# An outgoing referral still without the provider's answer this many days after it was sent
# reminds the case's officers (cases.referrals.referrals_unanswered), once per referral.
REFERRAL_ANSWER_DAYS = env.int("REFERRAL_ANSWER_DAYS", default=7, minimum=1)

# Rate limits ("count/period", period s, m, h or d), counted per client under a keyed hash of
# the address that lives only in the cache, and for everybody together.
RATELIMIT_CLIENT_SALT_SECONDS = 24 * 3600
REPORT_SUBMIT_RATE_CLIENT = env.raw("REPORT_SUBMIT_RATE_CLIENT") or "10/h"
# Everybody together: 600 a minute, counted per second. Only reports that went through count,
# so in a minute window nothing could be refused until 600 had committed, and a flood queued
# behind them for seconds; a one-second window sheds the excess at once (issue 9, overload).
REPORT_SUBMIT_RATE_GLOBAL = env.raw("REPORT_SUBMIT_RATE_GLOBAL") or "10/s"
# Wrong receipt codes only (a right one is given back): per client, then one more try; for
# everybody, then only clients without a wrong code are looked up (core.ratelimit.guess_try).
RECEIPT_GUESS_RATE_CLIENT = env.raw("RECEIPT_GUESS_RATE_CLIENT") or "10/15m"
RECEIPT_GUESS_RATE_GLOBAL = env.raw("RECEIPT_GUESS_RATE_GLOBAL") or "600/m"
REPORT_MESSAGE_RATE_CLIENT = env.raw("REPORT_MESSAGE_RATE_CLIENT") or "30/h"

# --- Alerts ------------------------------------------------------------------------------------

# Chat gateways (WhatsApp, SMS, Telegram relays) get a signed JSON POST at each of these URLs.
ALERT_WEBHOOK_URLS = env.list("ALERT_WEBHOOK_URLS", dev_default=[], required_in_production=False)
if any(not url.startswith(("http://", "https://")) for url in ALERT_WEBHOOK_URLS):
    fail("ALERT_WEBHOOK_URLS", "harus berisi URL http:// atau https://", "must hold http:// or https:// URLs")
# Signs every webhook body (HMAC-SHA256); required in production once a URL is set.
ALERT_WEBHOOK_SECRET = StrictEnv(_env, production=not DEBUG and bool(ALERT_WEBHOOK_URLS)).secret(
    "ALERT_WEBHOOK_SECRET", dev_default="dev-only-insecure-webhook-secret-0123456789", min_length=32
)
ALERT_WEBHOOK_TIMEOUT_SECONDS = env.int("ALERT_WEBHOOK_TIMEOUT_SECONDS", default=5, minimum=1)
ALERT_MAX_ATTEMPTS = env.int("ALERT_MAX_ATTEMPTS", default=6, minimum=1)
ALERT_RETRY_BASE_SECONDS = env.int("ALERT_RETRY_BASE_SECONDS", default=30, minimum=1)
# A delivery claimed by a worker that died is handed out again after this long (then the sweep,
# every ALERT_SWEEP_SECONDS, resends it; the gateway drops a duplicate by its delivery id). It
# must outlast the longest a live worker waits on one send, or it would be overtaken.
ALERT_CLAIM_TIMEOUT_SECONDS = env.int("ALERT_CLAIM_TIMEOUT_SECONDS", default=90, minimum=1)
_LONGEST_SEND_SECONDS = ALERT_WEBHOOK_TIMEOUT_SECONDS * max(1, len(ALERT_WEBHOOK_URLS)) + EMAIL_TIMEOUT
if ALERT_CLAIM_TIMEOUT_SECONDS <= _LONGEST_SEND_SECONDS:
    fail(
        "ALERT_CLAIM_TIMEOUT_SECONDS",
        f"harus lebih dari {_LONGEST_SEND_SECONDS} (batas waktu webhook × jumlah URL + email)",
        f"must exceed {_LONGEST_SEND_SECONDS} (webhook timeout × URLs + email timeout)",
    )
# Alerts not going out (alerts.health): /readyz says "degraded" and staff pages warn when a
# delivery still waits this long after it was raised, or one was given up this recently.
ALERT_STUCK_AFTER_MINUTES = env.int("ALERT_STUCK_AFTER_MINUTES", default=2, minimum=1)
ALERT_FAILED_RECENT_MINUTES = env.int("ALERT_FAILED_RECENT_MINUTES", default=60, minimum=1)
# Case reminders: the supervisor hears of what is still overdue this many days later; a case
# with no activity for this many days is flagged to the supervisor.
REMINDER_SUPERVISOR_AFTER_DAYS = env.int("REMINDER_SUPERVISOR_AFTER_DAYS", default=3, minimum=1)
CASE_INACTIVE_DAYS = env.int("CASE_INACTIVE_DAYS", default=14, minimum=1)

# --- Privacy (UU 27/2022 PDP) -----------------------------------------------------------------

# The data protection officer's contact, shown on the privacy notice (/privasi/); the phone line
# is shown only when set.
PRIVACY_OFFICER_EMAIL = env.raw("PRIVACY_OFFICER_EMAIL") or "privasi@dp3akb.balikpapan.go.id"
PRIVACY_OFFICER_PHONE = env.raw("PRIVACY_OFFICER_PHONE")
# Hours to answer a data subject's request, per kind (privacy.choices.RequestKind): UU PDP gives
# 3x24 hours for access (Pasal 32) and correction (Pasal 30); for erasure and objection the law
# names no hours, and the agency holds itself to the same. The DPO is reminded when this many
# hours are left, and the head of agency told once a request is overdue.
PRIVACY_REQUEST_DUE_HOURS = {
    "akses": env.int("PRIVACY_ACCESS_DUE_HOURS", default=72, minimum=1),
    "perbaikan": env.int("PRIVACY_CORRECTION_DUE_HOURS", default=72, minimum=1),
    "penghapusan": env.int("PRIVACY_ERASURE_DUE_HOURS", default=72, minimum=1),
    "keberatan": env.int("PRIVACY_OBJECTION_DUE_HOURS", default=72, minimum=1),
}
PRIVACY_REQUEST_REMIND_HOURS = env.int("PRIVACY_REQUEST_REMIND_HOURS", default=24, minimum=1)
# UU PDP Pasal 46: a breach is notified to the data subjects and the authority within 3x24 hours of
# its discovery; the DPO is reminded when this many hours are left.
PRIVACY_BREACH_NOTIFY_HOURS = env.int("PRIVACY_BREACH_NOTIFY_HOURS", default=72, minimum=1)
PRIVACY_BREACH_REMIND_HOURS = env.int("PRIVACY_BREACH_REMIND_HOURS", default=24, minimum=1)

# The retention schedule (core.retention; the privacy notice states these figures, privacy.policy):
# rejected reports (spam included) go this many days after their last activity, reports marked
# duplicate this many years after theirs, closed cases are de-identified this many years after
# closing or when their youngest child is this old (whichever is later), outreach photos go
# this many years after the session. Applied nightly (CELERY_BEAT_SCHEDULE "retention").
RETENTION_SPAM_AND_REJECTED_DAYS = env.int("RETENTION_SPAM_AND_REJECTED_DAYS", default=90, minimum=1)
RETENTION_DUPLICATE_YEARS = env.int("RETENTION_DUPLICATE_YEARS", default=1, minimum=1)
RETENTION_CLOSED_CASE_YEARS = env.int("RETENTION_CLOSED_CASE_YEARS", default=10, minimum=1)
RETENTION_YOUNGEST_CHILD_AGE = env.int("RETENTION_YOUNGEST_CHILD_AGE", default=21, minimum=18)
RETENTION_OUTREACH_PHOTO_YEARS = env.int("RETENTION_OUTREACH_PHOTO_YEARS", default=2, minimum=1)

# --- WhatsApp (WhatsApp Business Cloud API; the whatsapp app) ---------------------------------

# All four set: the channel is on. None set: it is off and its webhook URL answers 404. Some but
# not all: the process refuses to start (a half-configured door would lose messages).
WHATSAPP_PHONE_NUMBER_ID = env.raw("WHATSAPP_PHONE_NUMBER_ID")
WHATSAPP_ACCESS_TOKEN = env.raw("WHATSAPP_ACCESS_TOKEN")
WHATSAPP_APP_SECRET = env.raw("WHATSAPP_APP_SECRET")
WHATSAPP_VERIFY_TOKEN = env.raw("WHATSAPP_VERIFY_TOKEN")
_whatsapp_set = [
    bool(value)
    for value in (WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_ACCESS_TOKEN, WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN)
]
WHATSAPP_ENABLED = all(_whatsapp_set)
if any(_whatsapp_set) and not WHATSAPP_ENABLED:
    fail(
        "WHATSAPP_PHONE_NUMBER_ID",
        "WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_ACCESS_TOKEN, WHATSAPP_APP_SECRET dan WHATSAPP_VERIFY_TOKEN harus "
        "diisi semua (kanal WhatsApp aktif) atau dikosongkan semua (nonaktif)",
        "WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_ACCESS_TOKEN, WHATSAPP_APP_SECRET and WHATSAPP_VERIFY_TOKEN must all be "
        "set (the WhatsApp channel on) or all be empty (off)",
    )
# Meta's Graph API; tests point it at a local fake server.
WHATSAPP_GRAPH_API_URL = env.url(
    "WHATSAPP_GRAPH_API_URL", default="https://graph.facebook.com", schemes=("http", "https")
).rstrip("/")
WHATSAPP_API_VERSION = env.raw("WHATSAPP_API_VERSION") or "21.0"
# The approved message template sent outside the 24-hour customer-service window: it says only
# that there is a new message (no content), with a link to the status page.
WHATSAPP_TEMPLATE_NAME = env.raw("WHATSAPP_TEMPLATE_NAME") or "pesan_baru_dp3akb"
WHATSAPP_TEMPLATE_LANGUAGE = env.raw("WHATSAPP_TEMPLATE_LANGUAGE") or "id"
# A conversation left unfinished this long is filed as it is, marked incomplete.
WHATSAPP_DRAFT_HOURS = env.int("WHATSAPP_DRAFT_HOURS", default=24, minimum=1)
# ... and this soon when the child said a child is in danger now (the report is urgent).
WHATSAPP_DANGER_DRAFT_MINUTES = env.int("WHATSAPP_DANGER_DRAFT_MINUTES", default=15, minimum=1)
WHATSAPP_SEND_TIMEOUT_SECONDS = env.int("WHATSAPP_SEND_TIMEOUT_SECONDS", default=10, minimum=1)
WHATSAPP_MAX_ATTEMPTS = env.int("WHATSAPP_MAX_ATTEMPTS", default=6, minimum=1)

# --- API -----------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Answers are ASCII, non-ASCII as \u escapes: an error message that echoes a lone surrogate
    # from the request ("\ud800" is not a valid choice) cannot be encoded as UTF-8.
    "UNICODE_JSON": False,
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Balikpapan KLA API",
    "DESCRIPTION": "Pelaporan kekerasan terhadap anak dan penanganan kasus DP3AKB Kota Balikpapan.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs page loads Swagger UI from this server (drf-spectacular-sidecar), never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "YesNoUnknownEnum": "reports.choices.YesNoUnknown",
        "PartnerKindEnum": "outreach.choices.PartnerKind",
        "PartnerActivityKindEnum": "outreach.choices.PartnerActivityKind",
    },
    # Knows core.routing.by_method: one address whose methods are served by different views.
    "DEFAULT_GENERATOR_CLASS": "core.routing.SchemaGenerator",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",  # the default, kept
        "core.api.document_unsupported_media_type",
    ],
}

# --- Logging: never an address or a user agent ----------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name} {message}", "style": "{"}},
    # Expected outcomes are one short line at most (core/logfilters.py): a 4xx answer is its
    # access line, a task that failed on the database, broker or network one ERROR line.
    "filters": {
        "client_errors_at_debug": {"()": "core.logfilters.ClientErrorsAt", "level": "DEBUG"},
        "client_errors_at_info": {"()": "core.logfilters.ClientErrorsAt", "level": "INFO"},
        "task_failure_one_line": {"()": "core.logfilters.TaskFailureOneLine"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.raw("LOG_LEVEL") or "INFO"},
    "loggers": {
        # Without Django's own handlers: its records reach the console once, not twice under
        # DEBUG, and no error mail carries a request's headers and address.
        "django": {"level": "INFO"},
        "django.request": {"filters": ["client_errors_at_debug"]},
        "django.security.csrf": {"filters": ["client_errors_at_debug"]},
        "django.server": {"propagate": True, "filters": ["client_errors_at_info"]},  # runserver's access line
        # axes names the client's address in every failure and lockout line; its tables and the
        # owner's notice (accounts/lockout.py) keep what happened.
        "axes": {"level": "ERROR"},
        "celery.app.trace": {"filters": ["task_failure_one_line"]},
    },
}
