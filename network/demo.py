"""The whole demo network: the centres' part, then each app above it, in one transaction.

It lives in the top app because only this layer may call every other app's seeder.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from centres.demo import DEFAULT_PASSWORD, DemoNetwork, seed_centres_demo
from diagnosis.demo import seed_diagnoses
from network.demo_network import seed_network
from network.demo_training import seed_training
from network.reports.centre import centre_report_build_due
from network.reports.network import month_end, network_report_request
from partnerships.demo import seed_partnerships


@transaction.atomic
def seed_demo(*, scale: int = 1, password: str = DEFAULT_PASSWORD) -> DemoNetwork:
    """The whole demo, all or nothing; idempotent like each part."""
    network = seed_centres_demo(scale=scale, password=password)
    seed_partnerships(network=network, scale=scale)
    seed_diagnoses(network=network, scale=scale)
    seed_network(network=network, scale=scale)
    seed_training(network=network)
    seed_reports(network=network)
    return network


def seed_reports(*, network: DemoNetwork) -> None:
    """The drafts of every closed reporting period, and last month's network report,
    requested as city staff would: a worker (``make run``) builds it in the background."""
    today = timezone.localdate()
    centre_report_build_due(on=today)
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    network_report_request(actor=network.users["staff"], start=last_month, end=month_end(last_month))
