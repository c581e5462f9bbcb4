"""Redis down (issue 7): every page of the portal still answers without a 500.

The cache and the Celery broker are pointed at a port where nothing listens, as when
Redis has stopped; then every page derived from the URL configuration and the demo data
(tests/audit/pages.py, the same walk as the accessibility audit) is opened by the roles in
turn, and the actions that reach Redis (an on-demand network report, a resident's idea,
logging in) are sent. The Django test client re-raises any exception of a view, so a page
that depends on Redis shows up as a problem with its traceback.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from redis.exceptions import ConnectionError as RedisConnectionError

from cal_portal.celery import app as celery_app
from diagnosis.models import Diagnosis, DiagnosisStatus, FindingKind, ResidentSubmission
from network.models import NetworkReport, NetworkReportStatus
from tests.audit.conftest import DEMO_PASSWORD
from tests.audit.pages import Role, discover

pytestmark = [pytest.mark.audit, pytest.mark.django_db(transaction=True)]

# Port 9 (discard) on the loopback: refused at once, like a Redis that has stopped.
DEAD_REDIS = "redis://127.0.0.1:9/0"
REDIS_DOWN_CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": DEAD_REDIS,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


@pytest.fixture
def redis_down() -> Any:
    broker_url = celery_app.conf.broker_url
    with override_settings(CACHES=REDIS_DOWN_CACHES):
        celery_app.conf.broker_url = DEAD_REDIS
        celery_app.pool.force_close_all()
        try:
            with pytest.raises(RedisConnectionError):
                cache.set("audit-redis-down", 1)
            yield
        finally:
            celery_app.conf.broker_url = broker_url
            celery_app.pool.force_close_all()


def test_every_page_and_action_answers_with_redis_down(roles: list[Role], redis_down: None) -> None:
    # One test, so that the demo network is seeded once.
    found = discover(roles)

    print(f"\nWith Redis down, {len(found.pages)} pages answered 200 with their first role")
    assert not found.problems, "Pages that failed with Redis down:\n" + "\n\n".join(found.problems)
    assert len(found.pages) >= 80  # the walk found the portal's pages, not an empty list
    _actions_that_reach_redis_still_answer(roles)


def _actions_that_reach_redis_still_answer(roles: list[Role]) -> None:
    by_name = {role.name: role for role in roles}

    # Given the animator asks for a report while the broker is down
    animator = by_name["animator"].client()
    response = animator.post(
        reverse("network:network-report-list"), {"start": "2026-02-01", "end": "2026-02-28"}
    )
    # then the request is accepted and the report waits, pending, for the next catch-up.
    assert response.status_code == 302
    report = NetworkReport.objects.get(period_start=date(2026, 2, 1), period_end=date(2026, 2, 28))
    assert report.status == NetworkReportStatus.PENDING

    # A resident's idea: the rate limit counts in the cache, and fails open.
    running = Diagnosis.objects.filter(status=DiagnosisStatus.RUNNING, submissions_open=True)
    diagnosis = running.select_related("centre").first()
    assert diagnosis is not None, "the demo has a diagnosis in progress"
    share = reverse("diagnosis:submission-create", kwargs={"slug": diagnosis.centre.slug, "pk": diagnosis.pk})
    before = ResidentSubmission.objects.filter(diagnosis=diagnosis).count()
    idea = {"kind": FindingKind.IDEA, "text": "Ławki przy placu zabaw, bo nie ma gdzie usiąść."}
    response = Client().post(share, idea)
    assert response.status_code == 302
    assert ResidentSubmission.objects.filter(diagnosis=diagnosis).count() == before + 1

    # Logging in: sessions and login throttling live in the database, not in Redis.
    response = Client().post(reverse("login"), {"username": "operator-a", "password": DEMO_PASSWORD})
    assert response.status_code == 302
