"""One environment-driven settings file.

With no environment at all the clinic runs on embedded parts (SQLite under var/, Celery's
filesystem broker under var/, console email) so `make run` needs nothing installed. Each
variable below switches one part to its production counterpart; README.md lists them.
"""

from __future__ import annotations

import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import database_tune, env_bool, env_int, env_list, field_encryption_keys, photo_storage

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CLINIC_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


DEBUG = env_bool("DJANGO_DEBUG", True)

_DEV_SECRET_KEY = "django-insecure-dev-only-key-never-use-in-production"  # noqa: S105 - refused when DEBUG=0
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or ""
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0")
    SECRET_KEY = _DEV_SECRET_KEY

# Encryption at rest of clinical free text (clinic/fields.py). Fernet keys, newest first: the
# first encrypts, all of them decrypt; `manage.py rotate_encryption_keys` re-encrypts every row
# with the first. Independent of SECRET_KEY, which can then change without losing any record.
FIELD_ENCRYPTION_KEYS = field_encryption_keys(debug=DEBUG)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# The clinic's default zone: locations carry their own, this is what a new one starts with
# and what pages render in when no location applies.
CLINIC_TIME_ZONE = os.environ.get("CLINIC_TIME_ZONE", "Europe/London")
try:
    ZoneInfo(CLINIC_TIME_ZONE)
except (ZoneInfoNotFoundError, ValueError) as exc:
    raise ImproperlyConfigured(f"CLINIC_TIME_ZONE {CLINIC_TIME_ZONE!r} is not a known time zone") from exc
CLINIC_NAME = os.environ.get("CLINIC_NAME", "Meso Clinic")
CLINIC_PHONE = os.environ.get("CLINIC_PHONE", "020 7946 0000")
# Where links in emails point (no request to build them from when the worker sends).
# Phone numbers typed without a country code are read as this country's (a location's own country
# wins where one is known: clinic/phones.py); stored as E.164.
PHONENUMBER_DEFAULT_REGION = os.environ.get("CLINIC_PHONE_REGION", "GB")
CLINIC_BASE_URL = os.environ.get("CLINIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Online payment (billing/providers/stripe.py): off unless both keys are set.
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
# The clinic's policy for every course: each treatment's protocol must stay inside these.
# How long an emailed "set up your online account" link works (phone and walk-in patients).
CLINIC_INVITE_DAYS = env_int("CLINIC_INVITE_DAYS", 14)
CLINIC_COURSE_MIN_SESSIONS = 4
CLINIC_COURSE_MAX_SESSIONS = 10

INSTALLED_APPS = [
    # Django's admin on a site that also asks for the second factor (clinic/two_factor.py).
    "clinic.admin_site.apps.ClinicAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "phonenumber_field",
    "clinic",
    "treatments",
    "intake",
    "bookings",
    "photos",
    "waitlist",
    "billing",
    "privacy",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # django-otp: request.user.is_verified(), has this session passed the second factor (staff need it)?
    "clinic.accounts.two_factor.CachedOTPMiddleware",
    "clinic.accounts.security.StaffSessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "clinic.audit.AuditAddressMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "clinic.context_processors.clinic",
            ],
        },
    },
]

# --- Database ------------------------------------------------------------------------------
# SQLite is the embedded default. IMMEDIATE transactions take the write lock at BEGIN, so two
# bookings can never both read "free" and then both write (the role PostgreSQL's exclusion
# constraints play in production).
_SQLITE_URL = f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or _SQLITE_URL,
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
database_tune(DATABASES["default"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ---------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Auth ----------------------------------------------------------------------------------
AUTH_USER_MODEL = "clinic.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTHENTICATION_BACKENDS = [
    # django-axes counts failed sign-ins (pages, admin, API token) and locks the
    # username-and-address pair out for a while after too many.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "clinic.accounts.security.axes_username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "clinic.accounts.security.axes_lockout_response"  # JSON for the API, the page for people
RATELIMIT_VIEW = "clinic.views.rate_limited"
# One notion of the client's address for every limit and the audit trail (NUM_PROXIES below).
RATELIMIT_IP_META_KEY = "clinic.audit.client_ip"
AXES_CLIENT_IP_CALLABLE = "clinic.audit.client_ip"
# Two-factor authentication (django-otp) for staff and the admin. A wrong code makes the device
# wait 1, 2, 4, 8... seconds before it checks another (factor 1 = on; 0 would turn it off).
OTP_TOTP_ISSUER = CLINIC_NAME
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows a device's secret key
STAFF_SESSION_IDLE_SECONDS = env_int("STAFF_SESSION_IDLE_SECONDS", 30 * 60)
# An API token lasts this long from its issue (clinic/accounts/tokens.py).
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 30)
# Reverse proxies in front of the web processes that append the client to X-Forwarded-For.
NUM_PROXIES = env_int("DJANGO_NUM_PROXIES", 0)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation and time ---------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = CLINIC_TIME_ZONE
USE_I18N = True
USE_TZ = True

# --- Static files --------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every start without it
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
    # Before-and-after photos (photos/): Fernet-encrypted bytes under random names.
    "photos": photo_storage(VAR_DIR),
}
# Photo uploads: size cap, pixel cap read from the header (image bombs), long edge kept.
PHOTO_MAX_UPLOAD_MB = env_int("PHOTO_MAX_UPLOAD_MB", 15)
PHOTO_MAX_PIXELS = env_int("PHOTO_MAX_PIXELS", 50_000_000)
PHOTO_MAX_EDGE = env_int("PHOTO_MAX_EDGE", 4096)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Email ---------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 10
# For EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend (one file per message).
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Meso Clinic <appointments@meso.clinic>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery --------------------------------------------------------------------------------
# Read by clinic/celery.py with the CELERY_ namespace. The filesystem transport keeps `make run`
# free of a broker; production and CI set CELERY_BROKER_URL to Redis.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or "filesystem://"
_BROKER_DIR = VAR_DIR / "celery-broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    _BROKER_DIR.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_BROKER_DIR),
        "data_folder_out": str(_BROKER_DIR),
        "store_processed": False,
        "control_folder": str(_BROKER_DIR / "control"),
    }
else:
    # Redis redelivers an unacknowledged task after this; tasks never wait longer than a few
    # minutes (notifications are rows, not far-future ETAs), so one hour is generous. A web
    # process publishing to a dead broker gives up after one quick retry (about 0.1 s, not 6 s):
    # what it asked for is a row that the beat's sweeps pick up anyway (clinic/jobs.py).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 3600,
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.2,
        "socket_connect_timeout": 2,
        "socket_timeout": 10,
    }
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Sweeps over rows, so nothing depends on a broker message queued at the time of the change
# surviving; a run queued while no worker is free expires rather than piling up. The outbox is
# swept every OUTBOX_DISPATCH_EVERY seconds: one run sends for up to 45 s, so two workers overlap
# and share the load (SKIP LOCKED), and a broker that comes back is followed within seconds.
OUTBOX_DISPATCH_EVERY = env_int("OUTBOX_DISPATCH_EVERY", 15)
EVERY_MINUTE = {"schedule": 60.0, "options": {"expires": 55}}
CELERY_BEAT_SCHEDULE: dict = {
    "dispatch-outbox": {
        "task": "clinic.tasks.dispatch_outbox",
        "schedule": float(OUTBOX_DISPATCH_EVERY),
        "options": {"expires": max(OUTBOX_DISPATCH_EVERY - 1, 1)},
    },
    "schedule-pending-courses": {"task": "bookings.tasks.schedule_pending_courses", **EVERY_MINUTE},
    "photos-thumbnails": {
        "task": "photos.tasks.make_missing_thumbnails",
        "schedule": 300.0,
        "options": {"expires": 280},
    },
    "photos-purge-withdrawn": {
        "task": "photos.tasks.purge_withdrawn_photos",
        "schedule": 3600.0,
        "options": {"expires": 3000},
    },
    # For lost tasks: expired waitlist offers cascade, freed slots are offered, online refunds are sent.
    "waitlist-sweep": {"task": "waitlist.tasks.sweep", **EVERY_MINUTE},
    "billing-refunds-sweep": {"task": "billing.tasks.sweep_refunds", **EVERY_MINUTE},
    "purge-idempotency-keys": {
        "task": "clinic.tasks.purge_idempotency_keys",
        "schedule": 3600.0,
        "options": {"expires": 3000},
    },
}
# A message due now (a confirmation) is dispatched straight after its commit instead of at the
# next beat tick. The tests switch it off except where they test it (tests/conftest.py).
OUTBOX_DISPATCH_AFTER_COMMIT = env_bool("OUTBOX_DISPATCH_AFTER_COMMIT", True)
SMS_BACKEND = os.environ.get("SMS_BACKEND", "clinic.sms.ConsoleBackend")

# --- API -----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: an unauthenticated API call then gets 401 with "WWW-Authenticate: Token".
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "clinic.accounts.tokens.ExpiringTokenAuthentication",
        "clinic.accounts.api_auth.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "clinic.schema.ClinicAutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "EXCEPTION_HANDLER": "clinic.errors.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.ScopedRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "register": os.environ.get("API_THROTTLE_REGISTER", "20/hour"),
        "booking": os.environ.get("API_THROTTLE_BOOKING", "30/hour"),
        "token": os.environ.get("API_THROTTLE_TOKEN", "30/hour"),
    },
    # Behind this many proxies the client is the address they add to X-Forwarded-For; with none
    # (the default) the header is ignored, so a client cannot dodge a limit by sending it.
    "NUM_PROXIES": NUM_PROXIES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Meso Clinic API",
    "DESCRIPTION": "Booking and patient intake for mesotherapy clinics. Instants are ISO 8601 with offset.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the sidecar package: the docs page loads nothing from the internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "clinic.schema.polymorphic_any_of",
    ],
}

# --- Security ------------------------------------------------------------------------------
# Scripts only from our own origin (vendored Bootstrap, htmx, Swagger UI): no inline script can
# run, whatever reaches a page. Inline *styles* stay allowed: htmx and Swagger UI set them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
