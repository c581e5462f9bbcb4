"""Periodic housekeeping of the portal itself. Tasks are thin: they call a helper."""

from celery import shared_task
from django.core import management

from cal_portal import health


@shared_task(ignore_result=True)
def heartbeat_task() -> str:
    """Record that a worker is alive; `/healthz` reports the age of the last beat."""
    return health.heartbeat_record().isoformat()


@shared_task(ignore_result=True)
def clear_sessions_task() -> None:
    management.call_command("clearsessions")
