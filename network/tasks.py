"""Thin Celery tasks of the network app: ids and ISO dates in, a service called.

Each is retry-safe (acks_late, reject_on_worker_lost): running one again, or two at once,
changes nothing the first did not (see network.reports.network and network.reminders).
"""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone

from network import reminders
from network.reports import network as network_reports


@shared_task(ignore_result=True)
def network_report_build_task(report_id: int) -> bool:
    return network_reports.network_report_build(report_id=report_id)


@shared_task(ignore_result=True)
def network_report_catch_up_task(today: str | None = None) -> int:
    """Beat, daily: a report for every closed month that has none, and any left unfinished."""
    return network_reports.network_report_catch_up(today=date.fromisoformat(today) if today else None)


@shared_task(ignore_result=True)
def reminder_digest_task(on: str | None = None) -> int:
    """Beat, daily: one digest e-mail per person of the events not yet reminded."""
    return reminders.reminder_send_digests(on=date.fromisoformat(on) if on else None)


@shared_task(ignore_result=True)
def centre_report_build_due_task(on: str | None = None) -> int:
    """Beat, daily: a draft centre report, figures prefilled, for every closed period due."""
    from network.reports import centre as centre_reports

    return centre_reports.centre_report_build_due(on=date.fromisoformat(on) if on else timezone.localdate())
