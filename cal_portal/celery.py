"""The Celery application; configuration lives in Django settings (CELERY_*)."""

import os
from typing import Any

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cal_portal.settings.local")

app = Celery("cal_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def _beat_once_on_start(sender: Any, **kwargs: Any) -> None:
    # Through the queue, as beat would: /healthz turns green as soon as a worker
    # consumes tasks, not a whole interval later.
    sender.app.send_task("cal_portal.tasks.heartbeat_task")
