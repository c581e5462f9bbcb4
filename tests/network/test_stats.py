"""The figures of network.stats against values computed by hand on the small known network
of tests/network/stats_data.py (its docstring draws it: every expected value below is
counted from that picture, not from the code). The main period is the first half of 2026."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from centres.models import (
    CalMethod,
    District,
    OrganizationKind,
    Osiedle,
)
from network import stats
from network.stats import StatsFilter
from partnerships.models import Phase
from tests.diagnosis.factories import DiagnosisFactory, FindingFactory
from tests.factories import (
    ActivityFactory,
    CentreFactory,
    OperatorTermFactory,
    OrganizationFactory,
    OsiedleFactory,
)
from tests.network.factories import CertificationFactory, SelfAssessmentFactory
from tests.network.stats_data import HALF_YEAR, activity, at, build_network
from tests.partnerships.factories import PartnershipFactory

pytestmark = pytest.mark.django_db

FEBRUARY = StatsFilter(start=date(2026, 2, 1), end=date(2026, 2, 28))
KRZYKI = HALF_YEAR.with_area(district=District.KRZYKI)
SZCZEPIN_CENTRE = HALF_YEAR.with_area(centre="cal-szczepin")
NADODRZE = HALF_YEAR.with_area(osiedle="nadodrze")


@pytest.fixture
def network() -> SimpleNamespace:
    return build_network()


def counts(rows: list[Any], key: str, *values: str) -> dict[str, Any]:
    return {getattr(row, key): tuple(getattr(row, v) for v in values) for row in rows}


# --- The period ---------------------------------------------------------------------------


def test_default_period_is_the_last_twelve_calendar_months_up_to_today() -> None:
    f = StatsFilter.default(today=date(2026, 11, 23))
    assert (f.start, f.end) == (date(2025, 12, 1), date(2026, 11, 23))
    assert len(stats.period_months(f)) == 12
    assert StatsFilter.default(today=date(2026, 3, 31)).start == date(2025, 4, 1)


def test_a_month_for_the_monthly_reports() -> None:
    f = StatsFilter.for_month(2024, 2)
    assert (f.start, f.end) == (date(2024, 2, 1), date(2024, 2, 29))


def test_add_months_keeps_the_day_or_takes_the_last_one() -> None:
    assert stats.add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert stats.add_months(date(2026, 1, 15), -11) == date(2025, 2, 15)


def test_params_leave_out_empty_values() -> None:
    assert KRZYKI.params() == {"start": "2026-01-01", "end": "2026-06-30", "district": "krzyki"}


# --- Centres ----------------------------------------------------------------------------------


def test_active_centres(network: SimpleNamespace, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        result = stats.active_centres(HALF_YEAR)
    # C4's term ended before the half-year; C2's began within it.
    assert (result.active, result.total) == (3, 4)
    assert counts(result.by_status, "status", "centres") == {
        "planowany": (0,),
        "pilotaz": (1,),
        "dzialajacy": (2,),
        "zawieszony": (0,),
        "zamkniety": (1,),
    }
    krzyki = stats.active_centres(KRZYKI)
    assert (krzyki.active, krzyki.total) == (1, 2)
    # Before C2's term began, only C1 and C3 ran.
    assert stats.active_centres(FEBRUARY).active == 2
    # Nadodrze: C2, located there, and C1, which serves it.
    assert (stats.active_centres(NADODRZE).active, stats.active_centres(NADODRZE).total) == (2, 2)


# --- Activities -------------------------------------------------------------------------------


def test_activities_by_method(network: SimpleNamespace, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        result = stats.activities_by_method(HALF_YEAR)
    assert counts(result, "method", "activities", "participants") == {
        CalMethod.NEEDS: (1, 8),
        CalMethod.ORGANISING: (2, 19),
        CalMethod.PUBLIC_SPACE: (1, 10),
        CalMethod.COMMUNITY: (1, 8),
        CalMethod.NETWORKING: (1, 12),
    }
    assert counts(stats.activities_by_method(KRZYKI), "method", "activities") == {
        CalMethod.NEEDS: (0,),
        CalMethod.ORGANISING: (0,),
        CalMethod.PUBLIC_SPACE: (0,),
        CalMethod.COMMUNITY: (1,),
        CalMethod.NETWORKING: (1,),
    }
    assert [row.activities for row in stats.activities_by_method(SZCZEPIN_CENTRE)] == [0, 2, 1, 0, 0]
    assert sum(row.activities for row in stats.activities_by_method(NADODRZE)) == 4


def test_activities_by_month_in_local_time(network: SimpleNamespace, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        result = stats.activities_by_month(HALF_YEAR)
    assert [(row.month, row.activities, row.participants, row.resident_initiated) for row in result] == [
        (date(2026, 1, 1), 2, 23, 2),  # A1 and A5 (23:30 on 31 January, local time)
        (date(2026, 2, 1), 2, 14, 1),
        (date(2026, 3, 1), 1, 8, 0),
        (date(2026, 4, 1), 1, 12, 0),
        (date(2026, 5, 1), 0, 0, 0),
        (date(2026, 6, 1), 0, 0, 0),  # A7 starts on 1 July, local time
    ]
    assert [(row.month, row.activities) for row in stats.activities_by_month(FEBRUARY)] == [
        (date(2026, 2, 1), 2)
    ]
    assert [row.activities for row in stats.activities_by_month(KRZYKI)] == [1, 0, 0, 1, 0, 0]


def test_participants_by_age(network: SimpleNamespace, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        result = stats.participants_by_age(HALF_YEAR)
    assert [(row.label, row.participants) for row in result.by_age] == [
        ("0–12", 13),
        ("13–17", 3),
        ("18–25", 4),
        ("26–59", 28),
        ("60+", 9),
    ]
    assert (result.total, result.activities) == (57, 6)
    krzyki = stats.participants_by_age(KRZYKI)
    assert ([row.participants for row in krzyki.by_age], krzyki.total) == ([8, 0, 0, 12, 0], 20)
    assert stats.participants_by_age(SZCZEPIN_CENTRE).total == 29


def test_volunteers_are_counts_and_hours(network: SimpleNamespace, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(2):
        result = stats.volunteers(HALF_YEAR)
    assert result == stats.VolunteerFigures(
        involvements=9, hours=Decimal("14.0"), activities_with_volunteers=5, registered=3, local_leaders=2
    )
    assert stats.volunteers(KRZYKI) == stats.VolunteerFigures(
        involvements=3, hours=Decimal("3.5"), activities_with_volunteers=2, registered=1, local_leaders=1
    )
    assert stats.volunteers(FEBRUARY).hours == Decimal("2.0")


def test_share_of_resident_initiated_activities(
    network: SimpleNamespace, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        result = stats.resident_initiated(HALF_YEAR)
    assert result == stats.ResidentInitiated(activities=6, resident_initiated=3, share=Decimal("50.0"))
    assert stats.resident_initiated(SZCZEPIN_CENTRE).share == Decimal("66.7")
    assert stats.resident_initiated(NADODRZE).share == Decimal("50.0")  # A1, A3 of A1–A4
    empty = stats.resident_initiated(StatsFilter(start=date(2026, 5, 1), end=date(2026, 5, 31)))
    assert empty == stats.ResidentInitiated(activities=0, resident_initiated=0, share=None)


# --- Partners and partnerships -----------------------------------------------------------------


def test_partners_by_kind(network: SimpleNamespace, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        result = stats.partners_by_kind(HALF_YEAR)
    # The NGO left P1 before the half-year; the operators are nobody's partners.
    assert counts(result, "kind", "organisations", "activity_partners", "partnership_members") == {
        OrganizationKind.COUNCIL: (1, 1, 1),
        OrganizationKind.SCHOOL: (1, 1, 1),
        OrganizationKind.LIBRARY: (1, 1, 0),
        OrganizationKind.HOUSING: (1, 0, 1),
    }
    assert counts(stats.partners_by_kind(FEBRUARY), "kind", "activity_partners", "partnership_members") == {
        OrganizationKind.COUNCIL: (0, 1),
        OrganizationKind.SCHOOL: (0, 1),
        OrganizationKind.LIBRARY: (1, 0),
    }
    assert counts(stats.partners_by_kind(KRZYKI), "kind", "organisations") == {OrganizationKind.COUNCIL: (1,)}


def test_partnerships_by_phase_on_the_periods_end(
    network: SimpleNamespace, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        result = stats.partnerships_by_phase(HALF_YEAR)
    # P1 storming on 30 June (norming only since August); P3 founded later.
    assert counts(result, "phase", "partnerships") == {
        Phase.FORMING: (0,),
        Phase.STORMING: (1,),
        Phase.NORMING: (0,),
        Phase.PERFORMING: (1,),
        Phase.ENDED: (0,),
    }
    january = StatsFilter(start=date(2026, 1, 1), end=date(2026, 1, 31))
    assert [row.partnerships for row in stats.partnerships_by_phase(january)] == [1, 0, 0, 1, 0]
    this_year = StatsFilter(start=date(2026, 1, 1), end=date(2026, 11, 1))
    assert [row.partnerships for row in stats.partnerships_by_phase(this_year)] == [1, 0, 1, 1, 0]
    assert [row.partnerships for row in stats.partnerships_by_phase(KRZYKI)] == [0, 0, 0, 1, 0]


# --- Needs, certificates, self-assessment ----------------------------------------------------------


def test_needs_open_in_progress_and_met(network: SimpleNamespace, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        result = stats.needs(HALF_YEAR)
    assert (result.open, result.in_progress, result.met, result.total) == (1, 1, 1, 3)
    assert [(row.status, row.needs) for row in result.by_status] == [
        ("otwarta", 1),
        ("w-realizacji", 1),
        ("zaspokojona", 1),
    ]
    assert stats.needs(KRZYKI) == stats.Needs(open=0, in_progress=0, met=1)
    # Later, C2's diagnosis has begun: its open need counts.
    assert stats.needs(StatsFilter(start=date(2026, 1, 1), end=date(2026, 8, 31))).open == 2


def test_certificates_expiring_within_six_months(
    network: SimpleNamespace, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        result = stats.certificates_expiring(HALF_YEAR)
    assert result == [
        stats.ExpiringCertificate(
            centre="CAL Szczepin", centre_slug="cal-szczepin", valid_until=date(2026, 9, 1), days_left=63
        )
    ]
    assert stats.certificates_expiring(KRZYKI) == []
    # Within six months of 1 March 2028 C3's appears; from 28 February 2026, C1's
    # (1 September) is more than six months away.
    assert [
        c.centre for c in stats.certificates_expiring(StatsFilter(date(2027, 1, 1), date(2027, 9, 1)))
    ] == ["CAL Gaj"]
    assert stats.certificates_expiring(StatsFilter(date(2026, 1, 1), date(2026, 2, 28))) == []
    assert len(stats.certificates_expiring(StatsFilter(date(2026, 1, 1), date(2026, 3, 1)))) == 1


def test_self_assessment_averages_the_latest_of_each_centre(
    network: SimpleNamespace, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        result = stats.self_assessment(HALF_YEAR)
    assert result.centres == 2
    assert [(row.key, row.average) for row in result.standards] == [
        ("place", Decimal("4.00")),
        ("needs", Decimal("4.00")),
        ("fields", Decimal("4.00")),
        ("volunteering", Decimal("3.00")),
        ("initiatives", Decimal("3.50")),
    ]
    krzyki = stats.self_assessment(KRZYKI)
    assert [row.average for row in krzyki.standards] == [
        Decimal(n) for n in ("3.00", "4.00", "5.00", "2.00", "5.00")
    ]
    # In 2025 only C1's assessment of that year counts.
    last_year = stats.self_assessment(StatsFilter(date(2025, 1, 1), date(2025, 12, 31)))
    assert (last_year.centres, last_year.standards[0].average) == (1, Decimal("1.00"))
    nothing = stats.self_assessment(StatsFilter(date(2024, 1, 1), date(2024, 12, 31)))
    assert (nothing.centres, nothing.standards[0].average) == (0, None)


# --- The table of centres -----------------------------------------------------------------------------


def test_centres_table(network: SimpleNamespace, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        rows = stats.centres(HALF_YEAR)
    # The closed C4 had no activity in the half-year: left out.
    assert [
        (
            r.name,
            r.district,
            r.status,
            r.activities,
            r.participants,
            r.volunteer_hours,
            r.resident_initiated,
            r.resident_share,
            r.partnerships,
            r.open_needs,
            r.certificate_until,
            r.self_assessment_total,
        )
        for r in rows
    ] == [
        ("CAL Gaj", "Krzyki", "dzialajacy",
         2, 20, Decimal("3.5"), 1, Decimal("50.0"), 1, 0, date(2028, 3, 1), 19),
        ("CAL Nadodrze", "Stare Miasto", "pilotaz",
         1, 8, Decimal("4.5"), 0, Decimal("0.0"), 0, 0, None, None),
        ("CAL Szczepin", "Stare Miasto", "dzialajacy",
         3, 29, Decimal("6.0"), 2, Decimal("66.7"), 1, 2, date(2026, 9, 1), 18),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["CAL Gaj", "CAL Nadodrze", "CAL Szczepin"]),
        ("-name", ["CAL Szczepin", "CAL Nadodrze", "CAL Gaj"]),
        ("-activities", ["CAL Szczepin", "CAL Gaj", "CAL Nadodrze"]),
        ("volunteer_hours", ["CAL Gaj", "CAL Nadodrze", "CAL Szczepin"]),
        ("-resident_share", ["CAL Szczepin", "CAL Gaj", "CAL Nadodrze"]),
        ("open_needs", ["CAL Gaj", "CAL Nadodrze", "CAL Szczepin"]),
        # Unknown values last, whichever the direction.
        ("certificate", ["CAL Szczepin", "CAL Gaj", "CAL Nadodrze"]),
        ("-self_assessment", ["CAL Gaj", "CAL Szczepin", "CAL Nadodrze"]),
        ("nonsense", ["CAL Gaj", "CAL Nadodrze", "CAL Szczepin"]),
    ],
)
def test_centres_table_sorts(network: SimpleNamespace, sort: str, expected: list[str]) -> None:
    assert [row.name for row in stats.centres(HALF_YEAR, sort=sort)] == expected


def test_centres_table_of_an_area(network: SimpleNamespace) -> None:
    assert [row.name for row in stats.centres(KRZYKI)] == ["CAL Gaj"]
    assert [row.name for row in stats.centres(NADODRZE)] == ["CAL Nadodrze", "CAL Szczepin"]
    # The closed centre is listed for a period in which it had an activity.
    ActivityFactory(centre=network.c4, start=at(2025, 6, 1, 10), end=at(2025, 6, 1, 12))
    assert [row.name for row in stats.centres(StatsFilter(date(2025, 6, 1), date(2025, 6, 30)))] == [
        "CAL Gaj",
        "CAL Jagodno",
        "CAL Nadodrze",
        "CAL Szczepin",
    ]


# --- Osiedla ------------------------------------------------------------------------------------------


def test_osiedla_served_and_unserved(network: SimpleNamespace, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        rows = stats.osiedla(HALF_YEAR)
    assert [
        (r.slug, r.district, r.population, r.served, r.centres, r.activities, r.activities_per_1000)
        for r in rows
    ] == [
        ("gaj", "krzyki", 20_000, True, 1, 2, Decimal("0.10")),
        ("jagodno", "krzyki", 5_000, False, 0, 0, Decimal("0.00")),  # only a closed centre
        ("nadodrze", "stare-miasto", None, True, 2, 1, None),  # C2 located there, C1 serves it
        ("szczepin", "stare-miasto", 10_000, True, 1, 3, Decimal("0.30")),
    ]
    assert [r.slug for r in stats.osiedla(KRZYKI)] == ["gaj", "jagodno"]
    assert [r.slug for r in stats.osiedla(NADODRZE)] == ["nadodrze"]
    # One centre: the osiedla it is in or serves, with its activities only.
    assert [(r.slug, r.activities) for r in stats.osiedla(SZCZEPIN_CENTRE)] == [
        ("nadodrze", 0),
        ("szczepin", 3),
    ]


def test_osiedla_boundaries_only_when_asked(network: SimpleNamespace) -> None:
    square = {"type": "Polygon", "coordinates": [[[17.0, 51.1], [17.1, 51.1], [17.1, 51.2], [17.0, 51.1]]]}
    Osiedle.objects.filter(slug="gaj").update(boundary=square)
    assert stats.osiedla(KRZYKI)[0].boundary is None
    assert stats.osiedla(KRZYKI, with_boundaries=True)[0].boundary == square


def test_centre_points_leave_out_closed_and_unlocated_centres(network: SimpleNamespace) -> None:
    network.c2.latitude = network.c2.longitude = None
    network.c2.save()
    assert [p.slug for p in stats.centre_points(HALF_YEAR)] == ["cal-gaj", "cal-szczepin"]


# --- Tables and the registry ---------------------------------------------------------------------------


def test_every_figure_of_the_api_has_a_table(network: SimpleNamespace, english: Any) -> None:
    assert list(stats.FIGURES) == [
        "active-centres",
        "activities-by-method",
        "activities-by-month",
        "participants-by-age",
        "volunteers",
        "resident-initiated",
        "partners-by-kind",
        "partnerships-by-phase",
        "needs",
        "certificates-expiring",
        "self-assessment",
        "centres",
        "osiedla",
    ]
    for slug in stats.FIGURES:
        table = stats.figure_table(slug, HALF_YEAR)
        assert table.figure == slug
        assert all(len(row) == len(table.columns) for row in table.rows)
    volunteers = stats.figure_table("volunteers", HALF_YEAR)
    assert [(str(label), value) for label, value in volunteers.rows] == [
        ("volunteers involved in activities (summed over activities)", 9),
        ("volunteer hours", Decimal("14.0")),
        ("activities with volunteers", 5),
        ("active volunteers on the centres' records", 3),
        ("of whom local leaders", 2),
    ]
    assert stats.figure_table("activities-by-month", FEBRUARY).records() == [
        {"month": "2026-02", "activities": 2, "participants": 14, "resident_initiated": 1}
    ]
    assert [row[0] for row in stats.figure_table("centres", HALF_YEAR, sort="-activities").rows] == [
        "CAL Szczepin",
        "CAL Gaj",
        "CAL Nadodrze",
    ]


@dataclass
class _Sized:
    centres: int
    activities: int


def _grow(n: int) -> None:
    osiedle = OsiedleFactory(district=District.KRZYKI, population=1000)
    for i in range(n):
        centre = CentreFactory(primary_osiedle=osiedle)
        OperatorTermFactory(centre=centre, start=date(2025, 1, 1))
        activity(centre, at(2026, 3, 1 + i % 20, 10), participants_0_12=1, partners=(OrganizationFactory(),))
        CertificationFactory(centre=centre, granted_on=date(2021, 8, 1), valid_until=date(2026, 8, 1))
        SelfAssessmentFactory(centre=centre, year=2026)
        PartnershipFactory(lead_centre=centre, founded_on=date(2025, 1, 1))
        FindingFactory(diagnosis=DiagnosisFactory(centre=centre, period_start=date(2026, 1, 1)))


@pytest.mark.parametrize("n", [2, 20])
def test_each_figure_runs_a_fixed_number_of_queries(n: int, django_assert_num_queries: Any) -> None:
    _grow(n)
    expected = {"volunteers": 2}
    for slug, figure in stats.FIGURES.items():
        with django_assert_num_queries(expected.get(slug, 1)):
            figure.compute(HALF_YEAR)
    assert len(stats.centres(KRZYKI)) == n
    assert len(stats.certificates_expiring(HALF_YEAR)) == n
