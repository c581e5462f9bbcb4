"""Tests: real PostgreSQL and Redis (embedded under .data/test unless DATABASE_URL is set)."""

import os

# The test run gets its own embedded servers, so that it never touches the demo data
# of a running `make run`; set before base reads it.
os.environ.setdefault("CAL_EMBEDDED_PROFILE", "test")

from cal_portal.settings.base import *  # noqa: F403
from cal_portal.settings.base import CACHES

# A test database of its own per run: two runs on one server do not collide.
DATABASES["default"]["TEST"] = {"NAME": f"test_cal_{os.getpid()}"}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# One prefix per test run, inherited by the Celery worker the tests start.
CACHES["default"]["KEY_PREFIX"] = os.environ.setdefault("CAL_CACHE_PREFIX", f"cal-test-{os.getpid()}")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Requests during tests never reach a tile server.
MAP_TILE_URL = ""
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
