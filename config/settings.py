"""Qiyue settings: one module, read from the environment.

Every value a deployment changes comes from an environment variable (see README.md, "Configuration").
A misconfiguration stops the process with one clear line instead of a traceback.
"""

import datetime
import importlib.util
import ipaddress
import os
import re
import sys
import zoneinfo
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import dj_email_url

from core.deployment import storage_from_url

# openpyxl writes with its own XML writer even though lxml is installed (python-docx and the OCDS validator need lxml):
# its lxml writer treats line breaks in cell text differently. Set before anything imports openpyxl.
os.environ.setdefault("OPENPYXL_LXML", "False")

BASE_DIR = Path(__file__).resolve().parent.parent


def _refuse(message: str) -> None:
    """Stop with one line on stderr (SystemExit prints no traceback)."""
    sys.exit(f"Qiyue configuration error: {message}")


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    _refuse(f"{name}={raw!r} is not a boolean (use 1/0, true/false) / {name} 不是布尔值")
    return default


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _env_int(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name, "")
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        _refuse(f"{name}={raw!r} is not an integer / {name} 不是整数")
        return default
    if value < minimum:
        _refuse(f"{name}={raw!r} is below its minimum {minimum} / {name} 不能小于 {minimum}")
    return value


def _env_choice(name: str, default: str, choices: set[str]) -> str:
    value = os.environ.get(name, "").strip() or default
    if value not in choices:
        _refuse(f"{name}={value!r} is not one of: {', '.join(sorted(choices))} / {name} 取值无效")
    return value


def _env_dotted_path(name: str, default: str) -> str:
    """A dotted path to a class whose module exists (checked without importing it)."""
    value = os.environ.get(name, "").strip() or default
    module, _, attribute = value.rpartition(".")
    try:
        found = bool(module and attribute) and importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        _refuse(f"{name}={value!r} names no importable module / {name} 无法导入")
    return value


def _env_url(name: str, default: str) -> str:
    """An absolute http(s) address, or empty; anything else stops start-up."""
    raw = os.environ.get(name, default).strip()
    if not raw:
        return ""
    parts = urlsplit(raw)
    if parts.scheme not in {"http", "https"} or not parts.netloc or any(char.isspace() for char in raw):
        _refuse(f"{name}={raw!r} is not an absolute http(s) URL / {name} 不是有效的网址")
    return raw


DEBUG = _env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "django-insecure-qiyue-development-only-key-never-use-in-production"
    else:
        _refuse(
            "SECRET_KEY is not set and DEBUG is off; set SECRET_KEY to a long random value "
            "(or DEBUG=1 for local development) / 未设置 SECRET_KEY"
        )

ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "django_filters",
    "django_tables2",
    "import_export",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "bootstrap",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "core",
    "verification",
    "accounts",
    "notifications",
    "registry",
    "contracts",
    "evaluations",
    "supervision",
    "stats",
    "api",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.RefuseNulBytesMiddleware",
    "core.middleware.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.PrivacyHeadersMiddleware",
    "core.middleware.OfficialIdleTimeoutMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.pagecache.PublicPageCacheMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "portal.context_processors.navigation",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# Database: SQLite file by default, PostgreSQL (or any dj-database-url scheme) via DATABASE_URL.
_default_db = f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
_database_url = os.environ.get("DATABASE_URL", "") or _default_db
try:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=_env_int("CONN_MAX_AGE", 0))}
except Exception as exc:  # dj-database-url raises ValueError/KeyError on unknown schemes
    _refuse(f"DATABASE_URL cannot be used ({exc}); expected e.g. postgres://user@host:5432/qiyue / DATABASE_URL 无效")
if not DATABASES["default"].get("ENGINE"):
    _refuse("DATABASE_URL names no database engine / DATABASE_URL 未指明数据库类型")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers: WAL lets readers run beside the writer, and IMMEDIATE transactions take the write lock at
    # BEGIN, so a writer waits (up to `timeout` seconds) instead of failing with "database is locked" mid-transaction.
    _sqlite_options = DATABASES["default"].setdefault("OPTIONS", {})
    _sqlite_options.setdefault("timeout", 20)
    _sqlite_options.setdefault("transaction_mode", "IMMEDIATE")
    _sqlite_options.setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and _env_bool("DATABASE_JIT_OFF", True):
    # No JIT compilation: the pages' queries take milliseconds, and PostgreSQL compiles any query whose estimated cost
    # passes jit_above_cost, which a 待办 of many kinds does (300 ms of compiling for 50 ms of work). A DATABASE_URL
    # with its own `?options=` keeps them; DATABASE_JIT_OFF=0 sends none (a pooler that refuses them).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses every sign-in (site, admin, API token) while the username and address are locked out.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    # Django's ModelBackend, reading an official's department and region with the user (accounts.backends).
    "accounts.backends.UserBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Brute force (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username from one address, that pair
# is locked out for AXES_COOLOFF_MINUTES (the site's login, the admin's and the API token endpoint alike); the
# address is core.clients.client_address (TRUSTED_PROXIES). Attempts are counted in the database, shared by every
# process.
AXES_FAILURE_LIMIT = _env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=_env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "core.clients.client_ip_or_none"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# API tokens expire this many days after they are issued and are revoked when the password changes.
API_TOKEN_DAYS = _env_int("API_TOKEN_DAYS", 30, minimum=1)
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:todo"
LOGOUT_REDIRECT_URL = "portal:home"

# Internationalization: Chinese first, English second.
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "zh-hans").strip().lower()
if LANGUAGE_CODE not in {code for code, _ in LANGUAGES}:
    _refuse(
        f"LANGUAGE_CODE={LANGUAGE_CODE!r} is not offered; use one of: "
        + ", ".join(code for code, _ in LANGUAGES)
        + " / 不支持的语言代码"
    )
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["core.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "").strip() or "Asia/Shanghai"
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    _refuse(f"TIME_ZONE={TIME_ZONE!r} is no IANA time zone such as Asia/Shanghai / 时区无效")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# In development the finders serve static files; production serves the collected, hashed copies.
STATIC_ROOT = None if DEBUG else BASE_DIR / "staticfiles"
WHITENOISE_USE_FINDERS = DEBUG
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Uploaded and generated files (evidence, scans, exports, OCDS bulk files) go through Django's storage API: the local
# folder MEDIA_ROOT by default (a shared volume when several hosts serve), S3-compatible object storage through
# django-storages when STORAGE_URL=s3://bucket/prefix?endpoint_url=… (core.deployment.storage_from_url).
try:
    _default_storage = storage_from_url(os.environ.get("STORAGE_URL", ""))
except ValueError as exc:
    _default_storage = {}
    _refuse(f"STORAGE_URL cannot be used: {exc} / STORAGE_URL 无效")
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploads (contract scans, evidence): allowed types and the size limit in megabytes.
UPLOAD_MAX_MB = _env_int("UPLOAD_MAX_MB", 20, minimum=1)
UPLOAD_ALLOWED_EXTENSIONS = ["pdf", "jpg", "jpeg", "png", "docx", "xlsx", "zip"]
# Imports (organizations, purchase items, indicator sets, …) stop at these caps, naming the one reached:
# an xlsx archive's unpacked size, the data rows of a file, the characters of one cell.
IMPORT_MAX_UNCOMPRESSED_MB = _env_int("IMPORT_MAX_UNCOMPRESSED_MB", 50, minimum=1)
IMPORT_MAX_ROWS = _env_int("IMPORT_MAX_ROWS", 100_000, minimum=1)
IMPORT_MAX_CELL_CHARS = _env_int("IMPORT_MAX_CELL_CHARS", 2_000, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# E-mail: EMAIL_URL (smtp://user:password@host:587/?tls=True, console:, …).
_email_url = os.environ.get("EMAIL_URL", "") or ("console:" if DEBUG else "smtp://localhost:25")
try:
    _email = dj_email_url.parse(_email_url)
    _email["EMAIL_BACKEND"]  # an unknown scheme parses to a dict without a backend
except Exception as exc:  # KeyError on an unknown scheme, ValueError on a bad port
    _email = {}
    _refuse(
        f"EMAIL_URL={_email_url!r} cannot be used ({exc!r}); expected e.g. smtp://user:password@host:587/?tls=True "
        "or console: / EMAIL_URL 无效"
    )
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "qiyue@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The site's address, put before the links in notification e-mails (e.g. https://qiyue.example.cn).
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")
NOTIFICATION_EMAIL_DAYS = _env_int("NOTIFICATION_EMAIL_DAYS", 7)

# Security: safe by default whenever DEBUG is off.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = _env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_HSTS_SECONDS = _env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", True)
    if _env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Reverse proxies (TLS terminator, load balancer) whose X-Forwarded-For names the client: addresses or networks,
# comma-separated. Only requests from these addresses have the header believed (core.clients.client_address).
TRUSTED_PROXIES = _env_list("TRUSTED_PROXIES", "")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        _refuse(f"TRUSTED_PROXIES holds {_proxy!r}, which is no address or network (e.g. 10.0.0.0/24) / 代理地址无效")

# Content-Security-Policy (django-csp): scripts only from Qiyue's own files (no inline script anywhere), styles
# from its files and style attributes, images also as data: URLs (charts), no plugins, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Browser features no page of Qiyue uses (core.middleware.PrivacyHeadersMiddleware).
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=()"
# Officials (registrars, purchasers, staff) are signed out after this many minutes without a request.
OFFICIAL_IDLE_MINUTES = _env_int("OFFICIAL_IDLE_MINUTES", 30, minimum=1)

# Cache shared by every web process (rate limits, sign-in lockout): CACHE_URL=redis://host:6379/0 uses Redis
# (django-redis); without it, the database (table qiyue_cache, created by `migrate`). locmem:// keeps it per process
# (development only).
CACHE_URL = os.environ.get("CACHE_URL", "").strip()
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "qiyue",
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }
elif CACHE_URL == "" or CACHE_URL.startswith("db://"):
    CACHES = {
        "default": {
            "BACKEND": "core.cache.DatabaseCache",  # Django's, a key set in one statement on PostgreSQL
            "LOCATION": CACHE_URL.removeprefix("db://") or "qiyue_cache",
            # Room for the public pages (core.pagecache) before Django culls a third of the entries.
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }
elif CACHE_URL == "locmem://":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "qiyue"}}
else:
    _refuse(f"CACHE_URL={CACHE_URL!r} is not redis://…, db:// or locmem:// / CACHE_URL 无效")

# Anonymous public pages are kept whole in the cache for this many seconds (0: never), per path and query string,
# language and day, and dropped by any write to the database (core.pagecache). Signed-in users are never served them.
PUBLIC_PAGE_CACHE_SECONDS = _env_int("PUBLIC_PAGE_CACHE_SECONDS", 600)
PUBLIC_PAGE_CACHE_VIEWS = [
    "portal:home",
    "registry:organization-list",
    "registry:organization-detail",
    "contracts:contract-list",
    "contracts:contract-detail",
]

# The province this deployment serves (GB/T 2260 code): its leagues and cities head the public home's figures and
# the statistics.
HOME_PROVINCE_CODE = os.environ.get("HOME_PROVINCE_CODE", "150000").strip()
if not (len(HOME_PROVINCE_CODE) == 6 and HOME_PROVINCE_CODE.isdigit() and HOME_PROVINCE_CODE.endswith("0000")):
    _refuse(f"HOME_PROVINCE_CODE={HOME_PROVINCE_CODE!r} is not a province code such as 150000 / 不是省级区划代码")

# Evaluations: minimum evaluators to finalize, whether public results name evaluators, how long a 差 grade stays
# among the organization's eligibility warnings (years).
EVALUATION_MIN_EVALUATORS = _env_int("EVALUATION_MIN_EVALUATORS", 3, minimum=1)
EVALUATION_PUBLISH_EVALUATOR_NAMES = _env_bool("EVALUATION_PUBLISH_EVALUATOR_NAMES", False)
EVALUATION_WARNING_YEARS = _env_int("EVALUATION_WARNING_YEARS", 1, minimum=0)

# Supervision: yearly random-inspection rates (percent) by the region's level, public complaint limits.
SUPERVISION_SAMPLE_RATES = {"county": "3", "city": "4", "province": "5"}
SUPERVISION_COMPLAINTS_PER_HOUR = _env_int("SUPERVISION_COMPLAINTS_PER_HOUR", 5, minimum=1)
SUPERVISION_COMPLAINT_ATTACHMENT_MAX_MB = _env_int("SUPERVISION_COMPLAINT_ATTACHMENT_MAX_MB", 10, minimum=1)
# Request bodies above a path's upload limit (+1 MB for the other fields) are refused before they are read
# (core.middleware.RequestBodyLimitMiddleware); paths not listed take UPLOAD_MAX_MB.
REQUEST_BODY_LIMITS_MB = [
    ("/complaints/", min(SUPERVISION_COMPLAINT_ATTACHMENT_MAX_MB, UPLOAD_MAX_MB)),
    ("/api/v1/complaints/", min(SUPERVISION_COMPLAINT_ATTACHMENT_MAX_MB, UPLOAD_MAX_MB)),
]
# The least time (days) a rectification order leaves the organization, counted from the day it is recorded: a
# back-dated order keeps its real issue date, but its deadline is at least this far from the day it is entered (a
# local rule, configurable; 0 turns the check off, for loading historical orders).
SUPERVISION_ORDER_MIN_DAYS = _env_int("SUPERVISION_ORDER_MIN_DAYS", 10, minimum=0)
# Days after filing within which a complaint is accepted or not, and days after acceptance within which it is closed.
SUPERVISION_COMPLAINT_ACCEPTANCE_DAYS = _env_int("SUPERVISION_COMPLAINT_ACCEPTANCE_DAYS", 15, minimum=1)
SUPERVISION_COMPLAINT_HANDLING_DAYS = _env_int("SUPERVISION_COMPLAINT_HANDLING_DAYS", 60, minimum=1)

# Third-party apps.
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Formula safety is core.spreadsheets' job (its XLSXFormat/CSVFormat); the library's own escaping drops one "=" only.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False

API_TOKEN_RATE = os.environ.get("API_TOKEN_RATE", "").strip() or "20/minute"
if not re.fullmatch(r"[1-9]\d*/(s|sec|second|m|min|minute|h|hour|d|day)", API_TOKEN_RATE):
    _refuse(f"API_TOKEN_RATE={API_TOKEN_RATE!r} is not a rate such as 20/minute / API_TOKEN_RATE 无效")

REST_FRAMEWORK = {
    # Token first: an API client without credentials is answered 401 with `WWW-Authenticate: Token`.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.ApiPagination",
    "DEFAULT_FILTER_BACKENDS": ["api.filters.FilterBackend"],
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"token": API_TOKEN_RATE},
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Qiyue API",
    "DESCRIPTION": "政府向社会组织购买服务公开记录 / Public record of government purchase of services",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and ReDoc from the drf-spectacular-sidecar wheel (served as static files): no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One schema component per status/kind/grade vocabulary (several models name their field the same).
    "ENUM_NAME_OVERRIDES": {
        "OrganizationStatusEnum": "registry.models.Organization.Status",
        "RatingGradeEnum": "registry.models.Rating.Grade",
        "PurchaseListStatusEnum": "contracts.models.PurchaseList.Status",
        "ContractStatusEnum": "contracts.models.Contract.Status",
        "DeliverableStatusEnum": "contracts.models.Deliverable.Status",
        "AmendmentKindEnum": "contracts.models.Amendment.Kind",
        "ContractDocumentKindEnum": "contracts.models.ContractDocument.Kind",
        "EvaluationKindEnum": "evaluations.models.Evaluation.Kind",
        "EvaluationGradeEnum": "evaluations.models.Evaluation.Grade",
        "ComplaintStatusEnum": "supervision.models.Complaint.Status",
        "PenaltyKindEnum": "registry.models.Penalty.Kind",
        "PenaltyStatusEnum": "registry.models.Penalty.Status",
        "AnnualReportStatusEnum": "registry.models.AnnualReport.Status",
        "InspectionResultEnum": "registry.models.AnnualInspection.Result",
    },
}

# Background work (django-tasks): with DEBUG off, tasks are rows in the database that `manage.py db_worker` processes
# run beside gunicorn, so no request builds a large export itself; with DEBUG on (`make run`) they run at once.
_tasks_default = (
    "django_tasks.backends.immediate.ImmediateBackend" if DEBUG else "django_tasks_db.backend.DatabaseBackend"
)
TASKS = {"default": {"BACKEND": _env_dotted_path("TASKS_BACKEND", _tasks_default)}}
# The public directory's csv/xlsx export: at most this many rows, and this many exports per client per minute.
DIRECTORY_EXPORT_MAX_ROWS = _env_int("DIRECTORY_EXPORT_MAX_ROWS", 20_000, minimum=1)
DIRECTORY_EXPORTS_PER_MINUTE = _env_int("DIRECTORY_EXPORTS_PER_MINUTE", 5, minimum=1)
# Exports with more rows than this are built in the background (api.exports.build_export).
EXPORT_BACKGROUND_THRESHOLD = _env_int("EXPORT_BACKGROUND_THRESHOLD", 2000)

# Statistics: "auto" reads the summary table when `refresh_statistics` ran today, the records otherwise; "off" always
# reads the records.
STATS_SUMMARY = os.environ.get("STATS_SUMMARY", "auto")
if STATS_SUMMARY not in ("auto", "off"):
    _refuse(f"STATS_SUMMARY must be auto or off, not {STATS_SUMMARY!r}")

# Open data (OCDS 1.1). The ocid prefix is the one the Open Contracting Partnership registered for this publisher:
# "ocds-" and six lower-case letters or digits. The licence and the publication policy are the addresses of the
# published texts; a malformed value stops start-up.
OCDS_OCID_PREFIX = os.environ.get("OCDS_OCID_PREFIX", "ocds-qiyue1")
if not re.fullmatch(r"ocds-[a-z0-9]{6}", OCDS_OCID_PREFIX):
    _refuse(
        f"OCDS_OCID_PREFIX={OCDS_OCID_PREFIX!r} is not a registered ocid prefix (ocds- and 6 lower-case letters or "
        "digits, e.g. ocds-213czf) / OCDS_OCID_PREFIX 应为 ocds- 加 6 位小写字母或数字"
    )
OCDS_PUBLISHER_NAME = os.environ.get("OCDS_PUBLISHER_NAME", "内蒙古自治区民政厅")
OCDS_PUBLISHER_URI = _env_url("OCDS_PUBLISHER_URI", "")
OCDS_LICENSE = _env_url("OCDS_LICENSE", "https://creativecommons.org/licenses/by/4.0/")
OCDS_PUBLICATION_POLICY = _env_url("OCDS_PUBLICATION_POLICY", "")
# The site's public address, printed on documents (verification links and QR codes); empty: the request's host.
SITE_URL = _env_url("SITE_URL", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": _env_choice("LOG_LEVEL", "INFO", {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}),
    },
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
