"""Reads of projects: indicator values computed from the linked activities (checked against
hand-computed counts), the public list, the applications awaiting a decision, and query
counts that do not grow with rows."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from centres import selectors
from centres.models import IndicatorMeasure, ProjectStatus
from tests import factories
from tests.centres.project_factories import ProjectFactory, ProjectIndicatorFactory

pytestmark = pytest.mark.django_db


def local(day: date, hour: int = 17) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


@pytest.fixture
def project_with_activities(centre_a):
    """Three linked activities with known figures, and one that is not linked."""
    start = date(2026, 4, 1)
    linked = [
        factories.ActivityFactory(
            centre=centre_a,
            start=local(start),
            participants_0_12=5,
            participants_13_17=1,
            participants_18_25=2,
            participants_26_59=10,
            participants_60_plus=3,
            volunteers_involved=2,
            volunteer_hours=Decimal("4.0"),
            in_public_space=True,
            resident_initiated=False,
        ),
        factories.ActivityFactory(
            centre=centre_a,
            start=local(start + timedelta(days=7)),
            participants_0_12=0,
            participants_13_17=0,
            participants_18_25=0,
            participants_26_59=7,
            participants_60_plus=8,
            volunteers_involved=3,
            volunteer_hours=Decimal("5.5"),
            in_public_space=True,
            resident_initiated=True,
        ),
        factories.ActivityFactory(
            centre=centre_a,
            start=local(start + timedelta(days=14)),
            participants_0_12=12,
            participants_13_17=4,
            participants_18_25=0,
            participants_26_59=0,
            participants_60_plus=0,
            volunteers_involved=1,
            volunteer_hours=Decimal("1.5"),
            in_public_space=False,
            resident_initiated=True,
        ),
    ]
    factories.ActivityFactory(
        centre=centre_a, start=local(start), participants_26_59=99, in_public_space=True
    )
    return ProjectFactory(
        centre=centre_a, starts_on=date(2026, 3, 1), ends_on=date(2026, 12, 31), activities=linked
    )


# Hand-computed from the fixture: participants 21 + 15 + 16, hours 4.0 + 5.5 + 1.5.
EXPECTED = {
    IndicatorMeasure.ACTIVITIES: Decimal(3),
    IndicatorMeasure.PARTICIPANTS: Decimal(52),
    IndicatorMeasure.PUBLIC_SPACE: Decimal(2),
    IndicatorMeasure.RESIDENT_INITIATIVES: Decimal(2),
    IndicatorMeasure.VOLUNTEER_HOURS: Decimal("11.0"),
}


@pytest.mark.parametrize("measure", list(EXPECTED))
def test_computed_indicators_count_the_linked_activities(project_with_activities, measure):
    ProjectIndicatorFactory(project=project_with_activities, measure=measure, target=Decimal(40))

    [indicator] = selectors.project_indicator_queryset()

    assert indicator.achieved == EXPECTED[measure]
    assert indicator.achieved_percent == (EXPECTED[measure] * 100 / 40).quantize(Decimal("0.1"))


def test_a_manual_indicator_shows_the_value_entered(project_with_activities):
    ProjectIndicatorFactory(
        project=project_with_activities,
        measure=IndicatorMeasure.MANUAL,
        target=Decimal(30),
        value_entered=Decimal(7),
        how_measured="Ankieta.",
    )
    ProjectIndicatorFactory(
        project=project_with_activities,
        measure=IndicatorMeasure.MANUAL,
        target=Decimal(30),
        value_entered=None,
        how_measured="Jeszcze nie zmierzone.",
    )

    values = [(i.achieved, i.achieved_percent) for i in selectors.project_indicator_queryset()]

    assert values == [(Decimal(7), Decimal("23.3")), (None, None)]


def test_a_project_without_activities_has_achieved_nothing(centre_a):
    project = ProjectFactory(centre=centre_a)
    for measure in EXPECTED:
        ProjectIndicatorFactory(project=project, measure=measure, target=Decimal(5))

    values = {i.measure: i.achieved for i in selectors.project_indicator_queryset()}

    assert values == dict.fromkeys(EXPECTED, Decimal(0))


def test_indicators_of_another_project_count_their_own_activities(project_with_activities, centre_a):
    other = ProjectFactory(centre=centre_a, activities=[factories.ActivityFactory(centre=centre_a)])
    ProjectIndicatorFactory(project=project_with_activities, measure=IndicatorMeasure.ACTIVITIES)
    ProjectIndicatorFactory(project=other, measure=IndicatorMeasure.ACTIVITIES)

    values = {i.project_id: i.achieved for i in selectors.project_indicator_queryset()}

    assert values == {project_with_activities.pk: Decimal(3), other.pk: Decimal(1)}


# --- Who sees which projects ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("city_staff", {"A", "B"}),
        ("animator", {"A", "B"}),
        ("team_member", {"A", "B"}),
        ("operator_a", {"A"}),
    ],
)
def test_project_list_follows_access(request, who, sees, centre_a, centre_b):
    ProjectFactory(centre=centre_a, title="A")
    ProjectFactory(centre=centre_b, title="B")

    titles = {p.title for p in selectors.project_list(user=request.getfixturevalue(who))}

    assert titles == sees


def test_anonymous_sees_no_project(centre_a):
    from django.contrib.auth.models import AnonymousUser

    ProjectFactory(centre=centre_a)

    assert list(selectors.project_list(user=AnonymousUser())) == []


def test_project_list_filters_by_status_and_funder_kind(city_staff, centre_a, centre_b):
    ProjectFactory(centre=centre_a, title="EU", funder_kind="fundusze-ue", status=ProjectStatus.RUNNING)
    ProjectFactory(centre=centre_a, title="Idea", funder_kind="fundacja", status=ProjectStatus.IDEA)
    ProjectFactory(centre=centre_b, title="B", funder_kind="fundusze-ue", status=ProjectStatus.RUNNING)

    def titles(**filters: str) -> list[str]:
        return sorted(p.title for p in selectors.project_list(user=city_staff, filters=filters))

    assert titles(status="pomysl") == ["Idea"]
    assert titles(funder_kind="fundusze-ue") == ["B", "EU"]
    assert titles(centre=centre_a.slug, funder_kind="fundusze-ue") == ["EU"]


def test_public_list_shows_running_and_started_granted_projects(centre_a):
    today = date(2026, 6, 10)
    shown = {
        "running": ProjectFactory(centre=centre_a, title="running", status=ProjectStatus.RUNNING),
        "granted, started": ProjectFactory(
            centre=centre_a,
            title="granted, started",
            status=ProjectStatus.GRANTED,
            starts_on=today,
            ends_on=today + timedelta(days=30),
        ),
    }
    ProjectFactory(
        centre=centre_a,
        title="granted, not yet",
        status=ProjectStatus.GRANTED,
        starts_on=today + timedelta(days=1),
        ends_on=today + timedelta(days=30),
    )
    ProjectFactory(
        centre=centre_a,
        title="granted, over",
        status=ProjectStatus.GRANTED,
        starts_on=today - timedelta(days=60),
        ends_on=today - timedelta(days=1),
    )
    for status in (ProjectStatus.IDEA, ProjectStatus.REJECTED, ProjectStatus.CLOSED):
        ProjectFactory(centre=centre_a, title=status, status=status)
    ProjectFactory(
        centre=centre_a, title="application", status=ProjectStatus.APPLICATION, decision_date=today
    )
    ProjectFactory(title="another centre's", status=ProjectStatus.RUNNING)

    titles = {p.title for p in selectors.project_list_public(centre=centre_a, on=today)}

    assert titles == set(shown)


def test_applications_awaiting_a_decision(centre_a):
    on = date(2026, 6, 10)
    due = ProjectFactory(
        centre=centre_a, status=ProjectStatus.APPLICATION, decision_date=on + timedelta(days=7)
    )
    overdue = ProjectFactory(
        centre=centre_a, status=ProjectStatus.APPLICATION, decision_date=on - timedelta(days=30)
    )
    ProjectFactory(centre=centre_a, status=ProjectStatus.APPLICATION, decision_date=on + timedelta(days=8))
    ProjectFactory(centre=centre_a, status=ProjectStatus.GRANTED, decision_date=on)

    assert list(selectors.project_list_awaiting_decision(on=on, within_days=7)) == [overdue, due]


def test_activity_choices_are_the_centres_within_the_period_and_those_linked(centre_a, centre_b):
    inside = factories.ActivityFactory(centre=centre_a, start=local(date(2026, 4, 1)))
    outside = factories.ActivityFactory(centre=centre_a, start=local(date(2026, 1, 1)))
    factories.ActivityFactory(centre=centre_a, start=local(date(2025, 12, 1)))
    factories.ActivityFactory(centre=centre_b, start=local(date(2026, 4, 1)))
    project = ProjectFactory(
        centre=centre_a, starts_on=date(2026, 3, 1), ends_on=date(2026, 12, 31), activities=[outside]
    )

    assert list(selectors.project_activity_choices(project=project)) == [outside, inside]


# --- Query counts -----------------------------------------------------------------------------------


def _projects(centre, count: int) -> None:
    partners = [factories.OrganizationFactory() for _ in range(2)]
    for n in range(count):
        activity = factories.ActivityFactory(centre=centre)
        project = ProjectFactory(centre=centre, partners=partners[: n % 2 + 1], activities=[activity])
        for measure in (IndicatorMeasure.ACTIVITIES, IndicatorMeasure.PARTICIPANTS):
            ProjectIndicatorFactory(project=project, measure=measure)


# The user's roles (1) and editable centres (1); projects, partners, indicators, activities (1 each).
@pytest.mark.parametrize("rows", [2, 20])
def test_project_list_query_count_does_not_grow_with_rows(
    rows, operator_a, centre_a, django_assert_num_queries
):
    _projects(centre_a, rows)
    user = get_user_model().objects.get(pk=operator_a.pk)

    with django_assert_num_queries(6):
        shown = [
            (
                p.title,
                p.centre.slug,
                [o.name for o in p.partners.all()],
                [a.title for a in p.activities.all()],
                [(i.name, i.achieved, i.achieved_percent) for i in p.indicators.all()],
            )
            for p in selectors.project_list(user=user)
        ]

    assert len(shown) == rows
    assert {indicator[1] for row in shown for indicator in row[4]} == {Decimal(1), Decimal(10)}


@pytest.mark.parametrize("rows", [2, 20])
def test_indicators_are_computed_in_one_query(rows, centre_a, django_assert_num_queries):
    project = ProjectFactory(centre=centre_a, activities=[factories.ActivityFactory(centre=centre_a)])
    for n in range(rows):
        ProjectIndicatorFactory(project=project, measure=list(EXPECTED)[n % len(EXPECTED)])

    with django_assert_num_queries(1):
        values = [i.achieved for i in selectors.project_indicator_queryset()]

    assert len(values) == rows
