"""The training figures: people trained per centre and per topic (counted by hand below),
on the dashboard, as CSV and in the stats API; query counts flat; the demo's training."""

from __future__ import annotations

import csv
import io
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from network import selectors, stats
from network.models import TrainingTopic
from network.stats import StatsFilter
from tests.factories import VolunteerFactory
from tests.network.training_factories import TrainingEnrolmentFactory, TrainingProgrammeFactory

pytestmark = pytest.mark.django_db

HALF_YEAR = StatsFilter(start=date(2026, 1, 1), end=date(2026, 6, 30))
QUERY = "start=2026-01-01&end=2026-06-30"


@pytest.fixture
def trained(operator_a, centre_a, centre_b) -> SimpleNamespace:
    """Completions (the period is the first half of 2026):

        Szczepin  volunteer V1   animation 2026-03-01, diagnosis 2026-05-01
        Szczepin  operator-a     animation 2026-03-01
        Gajowice  volunteer V2   animation 2026-04-01
        Szczepin  volunteer V3   diagnosis 2026-07-10 (after the period)
        Szczepin  volunteer V4   animation, not completed

    People: V1, operator-a, V2 = 3. Szczepin 2 people, 3 completions; Gajowice 1 and 1.
    Animation: 3 people of 2 centres; diagnosis: 1 person of 1 centre."""
    animation = TrainingProgrammeFactory(topic=TrainingTopic.ANIMATION, title="Animacja")
    diagnosis = TrainingProgrammeFactory(topic=TrainingTopic.DIAGNOSIS, title="Diagnoza")
    v1 = VolunteerFactory(centre=centre_a)
    TrainingEnrolmentFactory(
        programme=animation, centre=centre_a, volunteer=v1, completed_on=date(2026, 3, 1)
    )
    TrainingEnrolmentFactory(
        programme=diagnosis, centre=centre_a, volunteer=v1, completed_on=date(2026, 5, 1)
    )
    TrainingEnrolmentFactory(
        programme=animation,
        centre=centre_a,
        volunteer=None,
        staff=operator_a,
        name="Operator A",
        completed_on=date(2026, 3, 1),
    )
    TrainingEnrolmentFactory(programme=animation, centre=centre_b, completed_on=date(2026, 4, 1))
    TrainingEnrolmentFactory(programme=diagnosis, centre=centre_a, completed_on=date(2026, 7, 10))
    TrainingEnrolmentFactory(programme=animation, centre=centre_a)
    return SimpleNamespace(animation=animation, diagnosis=diagnosis)


def test_the_figures_by_hand(trained, english):
    figures = stats.training(HALF_YEAR)

    assert figures.people == 3
    assert [(row.slug, row.people, row.completions) for row in figures.by_centre] == [
        ("cal-szczepin", 2, 3),
        ("cal-gajowice", 1, 1),
    ]
    by_topic = {row.topic: (row.people, row.centres) for row in figures.by_topic}
    assert by_topic == {
        "animacja": (3, 2),
        "diagnoza": (1, 1),
        "partnerstwa": (0, 0),
        "wolontariat": (0, 0),
        "fundraising": (0, 0),
        "samopomoc": (0, 0),
        "ewaluacja": (0, 0),
    }
    assert selectors.training_stats(filters=HALF_YEAR) == figures


def test_the_area_and_the_period_narrow_the_figures(trained):
    gajowice = stats.training(HALF_YEAR.with_area(centre="cal-gajowice"))
    july = stats.training(StatsFilter(start=date(2026, 7, 1), end=date(2026, 7, 31)))

    assert (gajowice.people, [row.slug for row in gajowice.by_centre]) == (1, ["cal-gajowice"])
    assert (july.people, [(row.slug, row.completions) for row in july.by_centre]) == (
        1,
        [("cal-szczepin", 1)],
    )


def test_the_tables(trained, english):
    by_centre = stats.figure_table("trained-by-centre", HALF_YEAR)
    by_topic = stats.figure_table("trained-by-topic", HALF_YEAR)

    assert by_centre.records() == [
        {"centre": "CAL Szczepin", "people": 2, "completions": 3},
        {"centre": "CAL Gajowice", "people": 1, "completions": 1},
    ]
    assert [(str(row[0]), row[1], row[2]) for row in by_topic.rows[:2]] == [
        ("community animation", 3, 2),
        ("diagnosing needs and resources", 1, 1),
    ]


def _page(user: Any, url: str) -> Any:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.get(url)


def test_the_dashboard_shows_the_training_section(animator, trained):
    response = _page(animator, f"/network/?{QUERY}")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<h2 id="dashboard-training-title">Training of animators</h2>' in html
    assert "3 people of the centres in this area completed a training programme in the period." in html
    assert "People trained, by centre" in html
    assert "People trained, by topic" in html
    assert "/network/stats/trained-by-centre.csv?start=2026-01-01&amp;end=2026-06-30" in html


def test_the_csv_of_people_trained_by_centre(animator, trained):
    response = _page(animator, f"/network/stats/trained-by-centre.csv?{QUERY}")

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["Centre", "People trained", "Programmes completed"],
        ["CAL Szczepin", "2", "3"],
        ["CAL Gajowice", "1", "1"],
    ]


def test_the_stats_api_and_who_may_read_it(animator, operator_a, trained):
    client = APIClient()
    client.force_authenticate(animator)
    response = client.get(f"/api/v1/stats/trained-by-topic/?{QUERY}")

    assert response.status_code == 200
    assert response.json()["data"][0] == {
        "topic": "animacja",
        "label": response.json()["data"][0]["label"],
        "people": 3,
        "centres": 2,
    }
    client.force_authenticate(operator_a)
    assert client.get("/api/v1/stats/trained-by-centre/").status_code == 403


def _grow(n: int, centre: Any) -> None:
    programme = TrainingProgrammeFactory()
    for _ in range(n):
        TrainingEnrolmentFactory(programme=programme, centre=centre, completed_on=date(2026, 3, 1))


def test_the_dashboard_query_count_does_not_grow(animator, centre_a):
    client = Client()
    client.force_login(animator)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/network/?{QUERY}").status_code == 200
        return len(captured.captured_queries)

    _grow(2, centre_a)
    queries()
    two = queries()
    _grow(18, centre_a)
    assert queries() == two
    assert stats.training(HALF_YEAR).people == 20


@pytest.mark.parametrize("n", [2, 20])
def test_each_training_figure_is_one_query(n, centre_a, django_assert_num_queries):
    _grow(n, centre_a)
    for figure in stats.TRAINING_FIGURES.values():
        with django_assert_num_queries(1):
            figure.compute(HALF_YEAR)


# --- The demo -----------------------------------------------------------------------------


def test_the_demo_has_three_programmes_completions_and_a_competence():
    from pghistory.models import Events

    from network.demo import seed_demo
    from network.models import TrainingCompetence, TrainingEnrolment, TrainingProgramme

    seed_demo(scale=1)
    events = Events.objects.count()
    seed_demo(scale=1)

    assert Events.objects.count() == events  # the second run wrote nothing
    statuses = sorted(
        ("finished" if p.is_finished else "upcoming" if p.is_upcoming else "running")
        for p in TrainingProgramme.objects.all()
    )
    assert statuses == ["finished", "running", "upcoming"]
    completed = TrainingEnrolment.objects.filter(completed_on__isnull=False)
    assert sorted(completed.values_list("centre__slug", flat=True)) == [
        "cal-gajowice",
        "cal-szczepin",
        "cal-szczepin",
    ]
    assert sorted(TrainingCompetence.objects.values_list("centre__slug", flat=True)) == [
        "cal-gajowice",
        "cal-szczepin",
    ]
    running = TrainingProgramme.objects.get(title="Diagnoza potrzeb i zasobów osiedla")
    assert set(running.enrolments.values_list("centre__slug", flat=True)) == {"cal-gajowice", "cal-szczepin"}
    assert running.sessions.filter(attendances__isnull=False).distinct().count() == 2


def test_the_monthly_network_report_holds_the_training_figures(trained):
    from network.models import NetworkReport
    from network.reports import network as network_reports

    # March 2026: V1 and operator-a (both of Szczepin) completed the animation programme.
    report = NetworkReport.objects.create(period_start=date(2026, 3, 1), period_end=date(2026, 3, 31))
    assert network_reports.network_report_build(report_id=report.pk) is True

    report.refresh_from_db()
    tables = {table["figure"]: table for table in report.figures["tables"]}
    assert tables["trained-by-centre"]["rows"] == [["CAL Szczepin", 2, 2]]
    # Polish, the portal's language: every topic listed, animation first.
    assert tables["trained-by-topic"]["rows"][0][1:] == [2, 1]
    assert 'id="report-trained-by-topic"' in report.html
