"""HP Register settings: one module, driven by the environment.

The embedded default needs no server: SQLite and a filesystem Celery broker under ``var/``,
e-mail to the console. Production sets the variables documented in README.md.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _
from django_guid.integrations import CeleryIntegration

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HPREGISTER_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _development_secret_key() -> str:
    """A generated key kept in var/ so sessions survive restarts of the embedded default."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY") or (_development_secret_key() if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Absolute base for links in e-mails and calendar feeds.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_tables2",
    "django_filters",
    "simple_history",
    "django_countries",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_guid",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "hpregister",
    "compliance",
    "risks",
    "incidents",
    "logcontrol",
    "internalcontrol",
    "webhooks",
    "api",
    "bench",
]

# --- REST API (/api/v1/, api/) ---------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "hpregister.apitokens.TokenAuthentication",  # personal tokens for scripts
        "rest_framework.authentication.SessionAuthentication",  # the signed-in browser (with CSRF)
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "hpregister.apitokens.ReadOnlyTokenPermission",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["hpregister.apitokens.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_token": os.environ.get("API_TOKEN_RATE", "600/minute")},
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.RegisterAutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "HP Register API",
    "DESCRIPTION": "The register's records with the same access rules as its pages. Authenticate with a "
    "personal API token (Authorization: Bearer hpr_…) made on the account page.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.record_links"],
    "ENUM_NAME_OVERRIDES": {
        "IncidentStatusEnum": "incidents.choices.IncidentStatus",
        "MeasureStatusEnum": "hpregister.choices.MeasureStatus",
        "RiskStatusEnum": "risks.choices.RiskStatus",
        "PrivacyAreaEnum": "risks.choices.PrivacyArea",
        "TreatmentEnum": "risks.choices.Treatment",
        "GapStatusEnum": "compliance.choices.GapStatus",
        "GapKindEnum": "compliance.choices.GapKind",
        "AgreementKindEnum": "compliance.choices.AgreementKind",
        "AssessmentStatusEnum": "compliance.choices.AssessmentStatus",
        "SubProcessorStatusEnum": "compliance.choices.SubProcessorStatus",
        "TransferBasisEnum": "compliance.choices.TransferBasis",
    },
}
API_TOKEN_MAX_DAYS = int(os.environ.get("API_TOKEN_MAX_DAYS", "365"))

MIDDLEWARE = [
    "django_guid.middleware.guid_middleware",  # a request id (X-Request-ID) for the logs and the Celery tasks
    "hpregister.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hpregister.middleware.SessionActivityMiddleware",
    "hpregister.middleware.BokmalFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "hpregister.sso.SessionRefresh",  # an SSO session is checked with the provider again (OIDC_RENEW_…)
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "hpregister.twofactor.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "hpregister.sso.ContentSecurityPolicy",  # django-csp's, plus the SSO provider's logout as a form target
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hpregister.urls"
CSRF_FAILURE_VIEW = "hpregister.views.csrf_failure"
FORM_RENDERER = "hpregister.forms.FormRenderer"
WSGI_APPLICATION = "hpregister.wsgi.application"

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
                "hpregister.context_processors.navigation",
                "hpregister.sso.login_context",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'hpregister.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A page's queries are short: a parallel plan's workers took 7 ms to start where the query itself took 2
    # (an officer's category filter sorted by title at a million incidents), and on a web host each worker
    # process is already one of many. Raise it for hosts that run long reports alone (#18). Sent with the
    # connection; behind a pooler that drops startup options, set it on the role instead (README).
    parallel = int(os.environ.get("DATABASE_PARALLEL_WORKERS", "0"))
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c max_parallel_workers_per_gather={parallel}"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL lets the web server and the Celery worker share the file without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # lockout after repeated failures
    "django.contrib.auth.backends.ModelBackend",
    "hpregister.sso.SsoBackend",  # OpenID Connect, only when OIDC_RP_CLIENT_ID is set
]

# --- Single sign-on (OpenID Connect; hpregister/sso.py, README "Single sign-on") ------------------------
# Off unless OIDC_RP_CLIENT_ID and the provider's endpoints are set. Entra ID, ID-porten and Feide publish
# their endpoints at <issuer>/.well-known/openid-configuration.
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email profile")
OIDC_USE_PKCE = env_bool("OIDC_USE_PKCE", True)
OIDC_STORE_ID_TOKEN = True  # the hint for the provider's logout
# The provider's end_session_endpoint: signing out here signs out there too (RP-initiated logout). Empty: ours only.
OIDC_OP_LOGOUT_ENDPOINT = os.environ.get("OIDC_OP_LOGOUT_ENDPOINT", "")
OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "")  # the button: "Log in with Helse Midt-Norge ID"
OIDC_GROUPS_CLAIM = os.environ.get("OIDC_GROUPS_CLAIM", "groups")
# How long an SSO session runs before it is checked with the provider again, silently (prompt=none): a user
# deactivated there is signed out at that check.
OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = int(os.environ.get("OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS", "900"))
# Our own second factor is skipped when the provider's token shows one (amr/acr); off: always ours too.
OIDC_TRUST_PROVIDER_MFA = env_bool("OIDC_TRUST_PROVIDER_MFA", True)
OIDC_MFA_AMR = [v for v in os.environ.get("OIDC_MFA_AMR", "mfa,otp,hwk,swk,fido").split(",") if v]
OIDC_MFA_ACR = [v for v in os.environ.get("OIDC_MFA_ACR", "").split(",") if v]
SSO_HELP_CONTACT = os.environ.get("SSO_HELP_CONTACT", "")  # whom a user without access should ask
LOGIN_REDIRECT_URL_FAILURE = "/accounts/sso/refused/"
# Login throttling (django-axes): 5 failures for a username from one address lock it for an hour.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Two-factor authentication (TOTP, recovery codes) for privacy officers and administrators; required
# whenever DEBUG is off unless OTP_REQUIRED=0. The embedded demo keeps plain password login.
OTP_REQUIRED = env_bool("OTP_REQUIRED", not DEBUG)
OTP_TOTP_ISSUER = "HP Register"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
# The age counts from the last request (expiry after inactivity): the session is written again when its last
# write is older than SESSION_REFRESH_SECONDS (hpregister.middleware.SessionActivityMiddleware), not on every
# request as SESSION_SAVE_EVERY_REQUEST would.
SESSION_REFRESH_SECONDS = int(os.environ.get("SESSION_REFRESH_SECONDS", "60"))
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", str(3600)))  # a reset link works an hour
# Self-service rate limits, counted in the security audit trail (hpregister.audit.too_many): the same
# for every web worker, with no cache server. Per client address and per account, per hour.
PASSWORD_RESET_LIMIT_PER_HOUR = int(os.environ.get("PASSWORD_RESET_LIMIT_PER_HOUR", "5"))
PASSWORD_CHANGE_LIMIT_PER_HOUR = int(os.environ.get("PASSWORD_CHANGE_LIMIT_PER_HOUR", "10"))

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian Bokmål")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["hpregister.formats"]

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Past one machine, uploads and exports live on S3-compatible storage (AWS, MinIO, Ceph, a Norwegian cloud):
# set AWS_STORAGE_BUCKET_NAME, and AWS_S3_ENDPOINT_URL for a provider other than AWS. The keys come from
# AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or the machine's role). Objects are private: the register streams
# each file after its own permission check and never hands out a bucket URL.


def file_storage(environ) -> dict:
    """The default storage: a folder (MEDIA_ROOT), or an S3-compatible bucket when one is named."""
    if not environ.get("AWS_STORAGE_BUCKET_NAME"):
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": environ.get("AWS_S3_REGION_NAME") or None,
            "location": environ.get("AWS_LOCATION", ""),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }


STORAGES = {
    "default": file_storage(os.environ),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Uploads are never served from a public URL: no route serves this prefix; a view streams each file
# after a permission check (compliance.views.evidence_download). Django needs some value here.
MEDIA_URL = "/media-not-served/"

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "HP Register <noreply@hpregister.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ---------------------------------------------------------------------------------
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem"):
    for sub in ("queue", "processed"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
    }
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_IGNORE_RESULT = CELERY_RESULT_BACKEND is None
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TIMEZONE = "Europe/Oslo"
REMINDER_SWEEP_SECONDS = int(os.environ.get("REMINDER_SWEEP_SECONDS", "300"))
REMINDER_MAX_ATTEMPTS = int(os.environ.get("REMINDER_MAX_ATTEMPTS", "10"))
# A worker that claimed a message and then died (killed, out of memory) leaves it "sending"; after this
# lease another worker may claim it again. Longer than any SMTP exchange (EMAIL_TIMEOUT) can take.
REMINDER_LEASE_SECONDS = int(os.environ.get("REMINDER_LEASE_SECONDS", "600"))
# Webhooks (webhooks/): a failed delivery is tried again after WEBHOOK_RETRY_SECONDS, doubling each time (at
# most six hours), WEBHOOK_MAX_ATTEMPTS times in all. A deadline event is announced when its moment fell within
# the last WEBHOOK_EVENT_WINDOW_HOURS (a sweep missed for a while catches up; older moments are history).
WEBHOOK_SWEEP_SECONDS = int(os.environ.get("WEBHOOK_SWEEP_SECONDS", "60"))
WEBHOOK_RETRY_SECONDS = int(os.environ.get("WEBHOOK_RETRY_SECONDS", "60"))
WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", "8"))
WEBHOOK_TIMEOUT_SECONDS = int(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))
WEBHOOK_EVENT_WINDOW_HOURS = int(os.environ.get("WEBHOOK_EVENT_WINDOW_HOURS", "24"))
# Hosts that may be addressed over plain http (a receiver on this machine in development); all others need https.
WEBHOOK_INSECURE_HOSTS = [h for h in os.environ.get("WEBHOOK_INSECURE_HOSTS", "").split(",") if h]
CELERY_BEAT_SCHEDULE = {
    "reminder-sweep": {"task": "hpregister.tasks.sweep_reminders", "schedule": REMINDER_SWEEP_SECONDS},
    "weekly-digest": {
        "task": "hpregister.tasks.send_digests",
        "schedule": crontab(minute=0, hour=7, day_of_week="monday"),  # Monday 07:00 Norwegian time
    },
    "purge-exports": {"task": "hpregister.tasks.purge_exports", "schedule": crontab(minute=17)},
    "webhook-sweep": {"task": "webhooks.tasks.sweep_webhooks", "schedule": WEBHOOK_SWEEP_SECONDS},
}
# List exports above this many rows are written by a worker (hpregister.exportjobs), not within the request;
# their files are deleted after EXPORT_RETENTION_HOURS. A job whose worker died is taken again after the lease.
EXPORT_INLINE_ROWS = int(os.environ.get("EXPORT_INLINE_ROWS", "5000"))
EXPORT_RETENTION_HOURS = int(os.environ.get("EXPORT_RETENTION_HOURS", "24"))
EXPORT_LEASE_SECONDS = int(os.environ.get("EXPORT_LEASE_SECONDS", "3600"))

# --- Register rules ---------------------------------------------------------------------------
# A processor's notice later than this after it detected a breach is flagged as not "without undue delay".
# The default where a processor agreement records no breach-notice SLA of its own.
PROCESSOR_NOTICE_LIMIT_HOURS = int(os.environ.get("PROCESSOR_NOTICE_LIMIT_HOURS", "24"))
# The checks warn this many days before an adequacy decision used as a transfer basis ends.
ADEQUACY_WARNING_DAYS = int(os.environ.get("ADEQUACY_WARNING_DAYS", "180"))

# A breach's follow-up duties, each with a reminder: elapsed hours from awareness (weekends count), or days
# from a phased ("trinnvis") first notification to the final one. Art. 34 and Kripos are due "without undue
# delay"; these are the register's working deadlines for that, not the law's.
FINAL_NOTIFICATION_DAYS = int(os.environ.get("FINAL_NOTIFICATION_DAYS", "30"))
ART34_HOURS = int(os.environ.get("ART34_HOURS", "72"))
POLICE_NOTICE_HOURS = int(os.environ.get("POLICE_NOTICE_HOURS", "72"))
INFORM_ORGANISATIONS_HOURS = int(os.environ.get("INFORM_ORGANISATIONS_HOURS", "24"))
# Follow-through (#16): a done measure's effect is checked this many days later; a new incident shows the
# earlier ones of the same root cause and system within this many months.
EFFECT_CHECK_DAYS = int(os.environ.get("EFFECT_CHECK_DAYS", "90"))
RECURRENCE_MONTHS = int(os.environ.get("RECURRENCE_MONTHS", "12"))

# PDF documents (the top-10 list, an incident's report to Datatilsynet): a logo from the static files
# (e.g. "img/logo.png") and the name printed beside it.
PDF_LOGO = os.environ.get("PDF_LOGO", "")
PDF_ORGANISATION_NAME = os.environ.get("PDF_ORGANISATION_NAME", "Helseplattformen")

# Art. 28(2): the window to object to a vendor's new or replacing sub-processor.
SUBPROCESSOR_OBJECTION_DAYS = int(os.environ.get("SUBPROCESSOR_OBJECTION_DAYS", "30"))
# Evidence uploads: largest size and the allowed types.
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024)))
EVIDENCE_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".txt": "text/plain",
    ".csv": "text/csv",
    ".eml": "message/rfc822",
    ".msg": "application/vnd.ms-outlook",
}
# Virus scanning of uploads by ClamAV's daemon, when one is configured (a Unix socket, or host and port).
CLAMAV_SOCKET = os.environ.get("CLAMAV_SOCKET", "")
CLAMAV_HOST = os.environ.get("CLAMAV_HOST", "")
CLAMAV_PORT = int(os.environ.get("CLAMAV_PORT", "3310"))
CLAMAV_TIMEOUT = float(os.environ.get("CLAMAV_TIMEOUT", "30"))

# --- Tables ---------------------------------------------------------------------------------
DJANGO_TABLES2_TEMPLATE = "generic/table.html"
DJANGO_TABLES2_PAGE_RANGE = 8
LIST_PAGE_SIZE = 50
LIST_MAX_PAGE_SIZE = 1000
# A list counts its rows exactly up to this many; past it the count is PostgreSQL's planner estimate (SQLite:
# an exact count cached for LIST_COUNT_CACHE_SECONDS), shown as "about": no request counts a million rows.
# Counting up to 10 000 through the organisation scope read 10 000 index entries: 40 ms of a one-organisation
# officer's page at a million incidents, half of it.
LIST_EXACT_COUNT_LIMIT = int(os.environ.get("LIST_EXACT_COUNT_LIMIT", "1000"))
# (Also how long a web worker keeps a column's PostgreSQL statistics, which place a page number typed into an
# estimated list: hpregister.tables.paging.column_quantile.)
LIST_COUNT_CACHE_SECONDS = 300

# --- Security (production) ------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("SECURE_PROXY_SSL_HEADER", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy: everything from our own origin; no inline scripts. Inline style attributes
# carry the data-driven colours of risk levels and charts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Every log line carries the request id (X-Request-ID, from the proxy or made here), in the web process and
# in the Celery task the request queued. LOG_FORMAT=json writes one JSON object per line.
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "RETURN_HEADER": True,
    "INTEGRATIONS": [CeleryIntegration(use_django_logging=True, log_parent=True)],
}
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "django_guid.log_filters.CorrelationId"},
        "celery_tracing": {"()": "django_guid.integrations.celery.log_filters.CeleryTracing"},
    },
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s [%(correlation_id)s] %(name)s: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(correlation_id)s %(celery_parent_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "correlation_id": "request_id"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id", "celery_tracing"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # django-guid says at INFO, on every request that comes without an X-Request-ID, that it made one: a
        # line per page in production's log, which the access log already names by its id.
        "django_guid": {"level": "WARNING"},
    },
}

# /metrics for Prometheus, with "Authorization: Bearer <METRICS_TOKEN>"; without a token it answers 404.
# Several gunicorn workers share their figures through PROMETHEUS_MULTIPROC_DIR (gunicorn.conf.py).
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")

# Optional error reports: SENTRY_DSN turns them on (no personal data is sent).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        send_default_pii=False,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )
