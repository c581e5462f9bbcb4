"""The Celery application; configuration lives in Django settings (CELERY_*)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cal_portal.settings.local")

app = Celery("cal_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
