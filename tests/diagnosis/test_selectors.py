"""Reads: traceability (needs no activity answers, assets no activity uses, per centre and
city-wide), stale diagnoses, the derived status, filters, and query counts flat at 2 vs 20."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from centres.models import CentreStatus
from diagnosis import selectors
from diagnosis.models import Diagnosis, DiagnosisStatus, Finding, FindingKind, FindingStatus, Theme
from tests import factories
from tests.diagnosis.factories import (
    DiagnosisFactory,
    FindingFactory,
    FindingResponseFactory,
    PublishedDiagnosisFactory,
    ResidentSubmissionFactory,
)

pytestmark = pytest.mark.django_db


def titles(findings) -> list[str]:
    return [finding.title for finding in findings]


def test_needs_no_activity_answers_per_centre_and_city_wide(city_staff, operator_a, centre_a, centre_b):
    diagnosis_a = DiagnosisFactory(centre=centre_a)
    FindingFactory(diagnosis=diagnosis_a, title="A: open need", priority=5)
    FindingFactory(diagnosis=diagnosis_a, title="A: open problem", kind=FindingKind.PROBLEM, priority=2)
    FindingResponseFactory(finding__diagnosis=diagnosis_a, finding__title="A: answered need")
    FindingFactory(diagnosis=diagnosis_a, title="A: met need", status=FindingStatus.MET)
    FindingFactory(diagnosis=diagnosis_a, title="A: dropped need", status=FindingStatus.DROPPED)
    FindingFactory(diagnosis=diagnosis_a, title="A: idea", kind=FindingKind.IDEA)
    FindingFactory(diagnosis=diagnosis_a, title="A: asset", kind=FindingKind.ASSET)
    FindingFactory(diagnosis__centre=centre_b, title="B: open need", priority=4)

    assert titles(selectors.finding_list_unanswered_needs(user=operator_a, centre=centre_a)) == [
        "A: open need",
        "A: open problem",
    ]
    assert titles(selectors.finding_list_unanswered_needs(user=city_staff)) == [
        "A: open need",
        "B: open need",
        "A: open problem",
    ]
    # An operator's city-wide view: their own and the published diagnoses only.
    assert titles(selectors.finding_list_unanswered_needs(user=operator_a)) == [
        "A: open need",
        "A: open problem",
    ]


def test_assets_no_activity_uses(city_staff, centre_a, centre_b):
    diagnosis = DiagnosisFactory(centre=centre_a)
    FindingFactory(diagnosis=diagnosis, title="Unused garden", kind=FindingKind.ASSET)
    FindingResponseFactory(
        finding__diagnosis=diagnosis, finding__kind=FindingKind.ASSET, finding__title="Used hall"
    )
    FindingFactory(
        diagnosis=diagnosis, title="Dropped asset", kind=FindingKind.ASSET, status=FindingStatus.DROPPED
    )
    FindingFactory(diagnosis__centre=centre_b, title="B asset", kind=FindingKind.ASSET)

    assert titles(selectors.finding_list_unused_assets(user=city_staff, centre=centre_a)) == ["Unused garden"]
    assert sorted(titles(selectors.finding_list_unused_assets(user=city_staff))) == [
        "B asset",
        "Unused garden",
    ]


def test_the_current_status_follows_the_answering_activities(city_staff, centre_a):
    open_need = FindingFactory(diagnosis__centre=centre_a, title="open")
    answered = FindingResponseFactory(
        finding__diagnosis=open_need.diagnosis, finding__title="answered"
    ).finding
    met = FindingResponseFactory(
        finding__diagnosis=open_need.diagnosis, finding__title="met", finding__status=FindingStatus.MET
    ).finding

    by_title = {f.title: f for f in selectors.finding_list(user=city_staff)}
    assert {title: f.current_status for title, f in by_title.items()} == {
        "open": FindingStatus.OPEN,
        "answered": FindingStatus.IN_PROGRESS,
        "met": FindingStatus.MET,
    }
    for status, expected in [
        (FindingStatus.OPEN, [open_need.title]),
        (FindingStatus.IN_PROGRESS, [answered.title]),
        (FindingStatus.MET, [met.title]),
    ]:
        assert titles(selectors.finding_list(user=city_staff, filters={"status": status})) == expected


def test_map_filters_kind_theme_and_place(city_staff, centre_a):
    diagnosis = DiagnosisFactory(centre=centre_a)
    FindingFactory(diagnosis=diagnosis, title="seniors need", theme=Theme.SENIORS)
    FindingFactory(diagnosis=diagnosis, title="green idea", kind=FindingKind.IDEA, theme=Theme.ENVIRONMENT)
    FindingFactory(diagnosis=diagnosis, title="no point", latitude=None, longitude=None)

    assert titles(selectors.finding_list(user=city_staff, filters={"kind": "pomysl"})) == ["green idea"]
    assert titles(selectors.finding_list(user=city_staff, filters={"theme": "seniorzy"})) == ["seniors need"]
    assert titles(selectors.finding_list(user=city_staff, filters={"located": "false"})) == ["no point"]
    # An invalid value filters nothing (the API refuses it with a 400).
    assert len(selectors.finding_list(user=city_staff, filters={"kind": "plotka"})) == 3


def test_centres_whose_latest_finished_diagnosis_is_older_than_24_months(db):
    on = date(2026, 6, 15)
    stale = factories.CentreFactory(name="Stale")
    PublishedDiagnosisFactory(centre=stale, period_start=date(2023, 1, 1), period_end=date(2024, 6, 14))
    fresh = factories.CentreFactory(name="Fresh")
    PublishedDiagnosisFactory(centre=fresh, period_start=date(2023, 1, 1), period_end=date(2024, 6, 14))
    DiagnosisFactory(
        centre=fresh,
        status=DiagnosisStatus.FINISHED,
        period_start=date(2024, 1, 1),
        period_end=date(2024, 6, 15),
    )
    running_only = factories.CentreFactory(name="Old and running")
    DiagnosisFactory(
        centre=running_only,
        status=DiagnosisStatus.FINISHED,
        period_start=date(2020, 1, 1),
        period_end=date(2020, 12, 31),
    )
    DiagnosisFactory(centre=running_only, period_start=date(2026, 5, 1), period_end=date(2026, 7, 1))
    never = factories.CentreFactory(name="Never")
    closed = factories.CentreFactory(name="Closed", status=CentreStatus.CLOSED)
    DiagnosisFactory(
        centre=closed,
        status=DiagnosisStatus.FINISHED,
        period_start=date(2019, 1, 1),
        period_end=date(2019, 2, 1),
    )

    result = selectors.centre_list_stale_diagnosis(on=on)
    assert [(c.name, c.last_diagnosis_end) for c in result] == [
        ("Old and running", date(2020, 12, 31)),
        ("Stale", date(2024, 6, 14)),
    ]
    with_never = selectors.centre_list_stale_diagnosis(on=on, include_never=True)
    assert [c.name for c in with_never] == ["Never", "Old and running", "Stale"]
    assert never.pk in {c.pk for c in with_never}


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 6, 15), date(2024, 6, 15)),
        (date(2026, 2, 28), date(2024, 2, 28)),
        (date(2028, 3, 31), date(2026, 3, 31)),
    ],
)
def test_months_before(day, expected):
    assert selectors.months_before(day, 24) == expected


def test_months_before_the_end_of_a_longer_month():
    assert selectors.months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)


def _queries(function) -> int:
    with CaptureQueriesContext(connection) as captured:
        list(function())
    return len(captured)


@pytest.mark.parametrize(
    "read",
    [
        lambda user: selectors.finding_list(user=user),
        lambda user: selectors.finding_list_unanswered_needs(user=user),
        lambda user: selectors.diagnosis_list(user=user),
        lambda user: selectors.submission_list(user=user),
    ],
)
def test_query_counts_are_flat_at_2_and_20_rows(city_staff, centre_a, read):
    def make(count: int) -> None:
        diagnosis = DiagnosisFactory(centre=centre_a, submissions_open=True)
        for _ in range(count):
            FindingResponseFactory(finding__diagnosis=diagnosis)
            ResidentSubmissionFactory(diagnosis=diagnosis)

    _touch(read(city_staff))  # the user's roles, read once per request
    make(2)
    small = _queries(lambda: _touch(read(city_staff)))
    make(18)
    assert _queries(lambda: _touch(read(city_staff))) == small


def _touch(rows):
    """Read what the pages show of each row (joins, prefetches, derived status)."""
    rows = list(rows)
    for row in rows:
        if isinstance(row, Finding):
            _ = [response.activity.title for response in row.responses.all()]
            _ = (row.current_status, row.diagnosis.centre.name, row.osiedle)
        elif isinstance(row, Diagnosis):
            _ = ([osiedle.name for osiedle in row.osiedla.all()], row.centre.name, row.finding_count)
        else:
            _ = (row.diagnosis.centre.name, row.osiedle, row.finding)
    return rows
