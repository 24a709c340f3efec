"""Django settings for learnweek.

This is the only module that reads the environment. Every value has a safe production default:
DEBUG is off, hosts are limited to loopback, and with no DATABASE_URL the project runs on an
embedded SQLite database under ``var/``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path

import dj_database_url

from learnweek.config.logformat import JSON_FORMATTER

BASE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("LEARNWEEK_VAR_DIR", PROJECT_DIR / "var"))


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in var/ (as pretix does)."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    key_file = VAR_DIR / ".secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


DEBUG = _bool("DEBUG")
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = _list("ALLOWED_HOSTS", "127.0.0.1,localhost")
REDIS_URL = os.environ.get("REDIS_URL", "")
# Shown on the home page: the demo accounts and their password. Only `make demo` turns it on.
LEARNWEEK_DEMO = _bool("LEARNWEEK_DEMO")
# HTML and JSON gzipped by Django (on); 0 behind a reverse proxy that compresses them itself.
LEARNWEEK_GZIP = _bool("LEARNWEEK_GZIP", True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "treebeard",
    "simple_history",
    "learnweek.core",
    "learnweek.audit",
    "learnweek.orgs",
    "learnweek.accounts",
    "learnweek.notices",
    "learnweek.campaigns",
    "learnweek.activities",
    "learnweek.stats",
    "learnweek.registrations",
    "learnweek.nominations",
    "learnweek.materials",
    "learnweek.reading",
    "learnweek.privacy",
    "axes",
    "csp",
    "ninja",  # for its templates and static files: the API docs' Swagger UI is served from here
    "learnweek.backoffice",
    "learnweek.public",
    "learnweek.api",
    "learnweek.demo",  # the top of the import order: it loads every domain app's demo data
]

MIDDLEWARE = [
    # First: /healthz and /readyz answer before host checks, redirects and sessions.
    "learnweek.core.health.HealthMiddleware",
    "learnweek.core.middleware.NulPathMiddleware",
    # Whole anonymous pages the chain below finished before, answered from the worker's memory
    # (learnweek/public/kept_pages.py): only requests without a session, sign-in or search.
    "learnweek.public.kept_pages.KeptPageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files: precompressed by collectstatic
    # Text answers gzipped (LEARNWEEK_GZIP, docs/deploy.md): after whitenoise, before everything
    # that writes a response's body (the 404 page, the lock-out page).
    *(["learnweek.core.middleware.TextGZipMiddleware"] if LEARNWEEK_GZIP else []),
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "learnweek.core.replica.ReplicaReadsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "learnweek.core.middleware.NotFoundMiddleware",
    "learnweek.core.middleware.CSPMiddleware",  # django-csp, the header built once
    # Last, as django-axes asks: turns a locked-out sign-in into its lock-out page.
    "axes.middleware.AxesMiddleware",
]

# -- sign-in hardening (django-axes) and the Content-Security-Policy (django-csp) ---------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = _bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hour
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # one account from one client
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# A try during the lock-out does not restart it: the page's "1 小时后可以再试" holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The client's address (learnweek/core/clientip.py), for the lock-out and every rate limit:
# PROXY_COUNT reverse proxies stand before the app, each appending to CLIENT_IP_HEADER; with 0 the
# header is ignored (nobody can forge an address) and the connection's own address counts.
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "X-Forwarded-For")
AXES_CLIENT_IP_CALLABLE = "learnweek.core.clientip.client_network"  # an IPv6 /64 is one client
AXES_LOCKOUT_CALLABLE = "learnweek.core.lockout.lockout_response"  # JSON for the API
# An API token lives this many days from its issue (it ends sooner on a new password or when the
# account is deactivated); then the client signs in again for a new one.
API_TOKEN_TTL_DAYS = int(os.environ.get("API_TOKEN_TTL_DAYS", "30"))

# The audit log (learnweek.audit): entries older than this many days are removed by the daily
# retention job; never fewer than 180 (等保 2.0 level 3 and 网络安全法 art. 21 ask for six months).
AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", "180"))
# No inline script anywhere: every script is a file of ours under /static/. Styles allow the
# inline width of progress bars and what htmx and ECharts set.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Per-client limits (django-ratelimit, on the cache): codes, sign-ups and search.
RATELIMIT_ENABLE = _bool("RATELIMIT_ENABLE", True)
RATELIMIT_USE_CACHE = "default"

ROOT_URLCONF = "learnweek.config.urls"
WSGI_APPLICATION = "learnweek.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "learnweek.public.context.elder_mode",
                "learnweek.backoffice.context.notices",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'learnweek.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
# A PostgreSQL read replica for the public side's anonymous reads (learnweek/core/replica.py).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60"))
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["learnweek.core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if REDIS_URL:
    # While Redis is down the cache degrades to misses and a log line (learnweek/core/cache.py);
    # the timeouts keep an unreachable server from holding requests.
    CACHES = {
        "default": {
            "BACKEND": "learnweek.core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
    # Sessions read from Redis and written through to the database, so a Redis restart signs
    # nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "backoffice:home"
LOGOUT_REDIRECT_URL = "public:home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (photos, stamped scans, documents) go through Django's storage API: a folder
# under var/ by default, or any storage backend named by FILE_STORAGE_BACKEND with its options as
# JSON in FILE_STORAGE_OPTIONS — e.g. django-storages' S3 backend for S3-compatible storage.
STORAGES = {
    "default": {
        "BACKEND": os.environ.get("FILE_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": json.loads(os.environ.get("FILE_STORAGE_OPTIONS", "{}")),
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"
# Backups (learnweek/core/backup.py): `learnweek backup` signs each one (HMAC-SHA256) with this
# key and `learnweek restore` refuses any backup it did not sign. Set it to a random value kept
# apart from the backups: unset, it is derived from SECRET_KEY, so a new SECRET_KEY (or a lost
# var/.secret_key) leaves the old backups unrestorable.
BACKUP_SIGNING_KEY = (
    os.environ.get("BACKUP_SIGNING_KEY")
    or hmac.new(SECRET_KEY.encode(), b"learnweek.core.backup", hashlib.sha256).hexdigest()
)
# What a restore accepts before it touches anything: the largest entry (data.json or one file),
# all entries together, and how much an entry over 1 MB may shrink in the zip (zip bombs).
BACKUP_MAX_ENTRY_MB = int(os.environ.get("BACKUP_MAX_ENTRY_MB", "2048"))
BACKUP_MAX_TOTAL_MB = int(os.environ.get("BACKUP_MAX_TOTAL_MB", "102400"))
BACKUP_MAX_COMPRESSION_RATIO = int(os.environ.get("BACKUP_MAX_COMPRESSION_RATIO", "100"))
# Spreadsheet uploads (learnweek/core/tabular.py: 附表1, institutions, books), refused before they
# are read: the file, what an xlsx/ods inflates to, and the used range of the first sheet (the
# 100,000-row import benchmark fits; python-calamine holds rows × columns × 32 bytes).
SPREADSHEET_MAX_BYTES = int(os.environ.get("SPREADSHEET_MAX_MB", "20")) * 1024 * 1024
SPREADSHEET_MAX_INFLATED_BYTES = int(os.environ.get("SPREADSHEET_MAX_INFLATED_MB", "300")) * 1024 * 1024
SPREADSHEET_MAX_ROWS = int(os.environ.get("SPREADSHEET_MAX_ROWS", "200000"))
SPREADSHEET_MAX_COLUMNS = int(os.environ.get("SPREADSHEET_MAX_COLUMNS", "50"))
# PDFs of the generated forms (learnweek/core/office.py, docs/deploy.md "PDF"): LibreOffice
# (OFFICE_BINARY, else soffice on the PATH), killed after OFFICE_CONVERT_TIMEOUT seconds; at most
# OFFICE_MAX_CONCURRENT conversions at once on the machine (slot files in OFFICE_LOCK_DIR), a
# request waiting OFFICE_QUEUE_WAIT seconds for one; a document over OFFICE_MAX_INPUT_MB is
# refused. By default the wait (10 s) and the conversion (15 s; a 1,000-row 附表1 takes 1.5 s)
# together stay under gunicorn's WEB_TIMEOUT (30 s), so that a slow PDF ends in a message.
OFFICE_BINARY = os.environ.get("OFFICE_BINARY", "")
OFFICE_CONVERT_TIMEOUT = float(os.environ.get("OFFICE_CONVERT_TIMEOUT", "15"))
OFFICE_QUEUE_WAIT = float(os.environ.get("OFFICE_QUEUE_WAIT", "10"))
OFFICE_MAX_CONCURRENT = int(os.environ.get("OFFICE_MAX_CONCURRENT", "2"))
OFFICE_MAX_INPUT_BYTES = int(os.environ.get("OFFICE_MAX_INPUT_MB", "20")) * 1024 * 1024
OFFICE_LOCK_DIR = Path(os.environ.get("OFFICE_LOCK_DIR", VAR_DIR / "office"))

SESSION_COOKIE_HTTPONLY = True
HTTPS = not DEBUG and _bool("HTTPS", True)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Behind a reverse proxy that terminates TLS and says so in X-Forwarded-Proto.
if _bool("BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS and _bool("SSL_REDIRECT", False)  # usually the proxy redirects
SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and _bool("HSTS_PRELOAD", False)
CSRF_TRUSTED_ORIGINS = _list("CSRF_TRUSTED_ORIGINS", "")
# SQLite ignores the covering columns of an index (activities' finder index) and says so on
# every command; PostgreSQL, the production database, uses them.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False

# Logs go to stderr; as JSON lines (one object per record: time, level, logger, message) when
# LOG_FORMAT=json, which `make serve` and production set, so a log shipper reads them as is.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": JSON_FORMATTER,
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json" if LOG_FORMAT == "json" else "text"}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Celery: a broker only when Redis is configured; eager otherwise.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # Deadlines 7 days and 1 day away: each unit told once per requirement and threshold.
    "deadline-notices": {
        "task": "learnweek.campaigns.tasks.send_deadline_notices",
        "schedule": 24 * 60 * 60,
    },
    # The audit log's retention (AUDIT_RETENTION_DAYS).
    "audit-retention": {
        "task": "learnweek.audit.tasks.purge_audit_log",
        "schedule": 24 * 60 * 60,
    },
}

# Text messages (sign-in codes, waiting-list news): learnweek.core.sms. Without a gateway the
# codes go to the console in development and to nowhere (a masked log line) in production.
SMS_BACKEND = os.environ.get(
    "SMS_BACKEND",
    "learnweek.core.sms.ConsoleBackend" if DEBUG or LEARNWEEK_DEMO else "learnweek.core.sms.LogBackend",
)

# The signature (短信签名) filed with the provider, and each template's code there, as
# "sign_in_code=SMS_1,account_code=SMS_2,…" (the keys of learnweek.core.sms.TEMPLATES).
SMS_SIGNATURE = os.environ.get("SMS_SIGNATURE", "全民终身学习活动周")
SMS_TEMPLATE_CODES = dict(
    item.split("=", 1) for item in os.environ.get("SMS_TEMPLATE_CODES", "").split(",") if "=" in item
)
# learnweek.core.sms_aliyun.AliyunBackend: the RAM user's AccessKey (SMS permission only).
SMS_ALIYUN_ACCESS_KEY_ID = os.environ.get("SMS_ALIYUN_ACCESS_KEY_ID", "")
SMS_ALIYUN_ACCESS_KEY_SECRET = os.environ.get("SMS_ALIYUN_ACCESS_KEY_SECRET", "")
SMS_ALIYUN_ENDPOINT = os.environ.get("SMS_ALIYUN_ENDPOINT", "dysmsapi.aliyuncs.com")

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "learnweek <noreply@localhost>")

# Issue 26, accounts
# The address the e-mailed one-time links (account activation, password reset) start with.
LEARNWEEK_SITE_URL = os.environ.get("LEARNWEEK_SITE_URL", "http://localhost:8000")
# An account not signed in for this many days (never signed in: since it was made) is flagged
# 久未使用 on the accounts page.
ACCOUNT_UNUSED_DAYS = int(os.environ.get("ACCOUNT_UNUSED_DAYS", "90"))
# How long an e-mailed activation or reset link stays valid (Django's setting), in seconds.
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", str(3 * 24 * 3600)))

# Issue 26, privacy (个人信息保护法): the notice residents agree to, and how long personal data stays.
# Residents without a consent to the notice's current version are sent to it (public.privacy_views).
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "learnweek.public.privacy_views.ConsentMiddleware",
)
PRIVACY_CONTROLLER = os.environ.get("PRIVACY_CONTROLLER", "本活动周主办的教育行政部门")
PRIVACY_CONTACT = os.environ.get("PRIVACY_CONTACT", "主办单位公布的个人信息保护联系电话或邮箱")
# Empty: the version constant next to the notice text (privacy.notice.NOTICE_VERSION).
PRIVACY_NOTICE_VERSION = os.environ.get("PRIVACY_NOTICE_VERSION", "")
PRIVACY_REGISTRATION_PHONE_MONTHS = int(os.environ.get("PRIVACY_REGISTRATION_PHONE_MONTHS", "6"))
# Not from the environment: the notice is always asked for. Tests of other parts turn it off
# (tests/conftest.py) so that they need not agree first; tests/privacy turn it back on.
PRIVACY_CONSENT_REQUIRED = True
CELERY_BEAT_SCHEDULE["privacy-retention"] = {
    "task": "learnweek.privacy.tasks.privacy_retention",
    "schedule": 24 * 60 * 60,
}

# Issue 26, security: 等保 2.0 level-3 controls of the application (docs/security.md). These are
# the defaults; the 安全管理员 may override the first four on /office/security/settings/.
# A staff session ends after this many idle minutes, and this many hours after its sign-in.
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
SESSION_MAX_HOURS = int(os.environ.get("SESSION_MAX_HOURS", "12"))
# A staff password must be changed this many days after it was set (0: never).
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("PASSWORD_MAX_AGE_DAYS", "90"))
# A new password may not be any of the account's last this many passwords.
PASSWORD_HISTORY_COUNT = int(os.environ.get("PASSWORD_HISTORY_COUNT", "5"))
# Two-factor sign-in (TOTP, django-otp): always for 管理员 and superusers; for every staff
# account when this is set.
OTP_REQUIRED_FOR_ALL_STAFF = _bool("OTP_REQUIRED_FOR_ALL_STAFF", False)
# Wrong codes in a row before the second step signs the account out and locks it (django-axes).
OTP_FAILURE_LIMIT = int(os.environ.get("OTP_FAILURE_LIMIT", "5"))
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "全民终身学习活动周")
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static"]
# Right after authentication: timeouts, the second step, the forced password change.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "learnweek.accounts.middleware.SessionSecurityMiddleware",
)
