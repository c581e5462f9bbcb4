"""Reads of a centre's work: the activity list and its filters, the public calendar,
public resources, a volunteer's personal data, and flat query counts."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.http import Http404
from django.utils import timezone

from centres import selectors, services
from centres.models import ActivityForm as ActivityFormChoice
from centres.models import (
    ActivitySeries,
    CalMethod,
    CentreStatus,
    District,
    Effect,
    LegalBasis,
    ResourceCategory,
    ResourceKind,
)
from tests import factories

pytestmark = pytest.mark.django_db

WARSAW = ZoneInfo("Europe/Warsaw")


def local(year: int, month: int, day: int, hour: int = 17, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WARSAW)


def ids(qs: Any) -> list[int]:
    return [record.pk for record in qs]


def activity(centre: Any, start: datetime | None = None, **kwargs: Any) -> Any:
    start = start or local(2026, 6, 10, 17)
    return factories.ActivityFactory(centre=centre, start=start, end=start + timedelta(hours=2), **kwargs)


# --- activity_list: access and filters ------------------------------------------------


def test_activity_list_shows_an_operator_only_their_centre_newest_first(operator_a, centre_a, centre_b):
    older = activity(centre_a, local(2026, 6, 1))
    newer = activity(centre_a, local(2026, 6, 8))
    activity(centre_b)

    assert ids(selectors.activity_list(user=operator_a)) == [newer.pk, older.pk]


def test_activity_list_of_one_centre_for_city_staff(city_staff, centre_a, centre_b):
    in_a = activity(centre_a)
    in_b = activity(centre_b)

    assert ids(selectors.activity_list(user=city_staff)) == sorted([in_a.pk, in_b.pk])
    assert ids(selectors.activity_list(user=city_staff, centre=centre_b)) == [in_b.pk]


def test_activity_list_filter_by_centre_slug(animator, centre_a, centre_b):
    in_a = activity(centre_a)
    activity(centre_b)

    assert ids(selectors.activity_list(user=animator, filters={"centre": "cal-szczepin"})) == [in_a.pk]


def test_activity_list_filter_by_centre_does_not_widen_an_operators_view(operator_a, centre_a, centre_b):
    activity(centre_b)

    assert ids(selectors.activity_list(user=operator_a, filters={"centre": "cal-gajowice"})) == []


def test_activity_list_filter_by_osiedle_located_in_or_served(city_staff):
    osiedle = factories.OsiedleFactory(slug="szczepin")
    located = factories.CentreFactory(primary_osiedle=osiedle)
    located.served_osiedla.set([osiedle])  # listed once all the same
    serving = factories.CentreFactory()
    serving.served_osiedla.set([osiedle, factories.OsiedleFactory()])
    elsewhere = factories.CentreFactory()
    a = activity(located, local(2026, 6, 3))
    b = activity(serving, local(2026, 6, 2))
    activity(elsewhere)

    assert ids(selectors.activity_list(user=city_staff, filters={"osiedle": "szczepin"})) == [a.pk, b.pk]


def test_activity_list_filter_by_district_located_in_or_served(city_staff):
    krzyki = factories.OsiedleFactory(district=District.KRZYKI)
    psie_pole = factories.OsiedleFactory(district=District.PSIE_POLE)
    located = factories.CentreFactory(primary_osiedle=krzyki)
    serving = factories.CentreFactory(primary_osiedle=psie_pole)
    serving.served_osiedla.set([krzyki, psie_pole])
    elsewhere = factories.CentreFactory(primary_osiedle=psie_pole)
    a = activity(located, local(2026, 6, 3))
    b = activity(serving, local(2026, 6, 2))
    c = activity(elsewhere, local(2026, 6, 1))

    assert ids(selectors.activity_list(user=city_staff, filters={"district": "krzyki"})) == [a.pk, b.pk]
    assert ids(selectors.activity_list(user=city_staff, filters={"district": "psie-pole"})) == [b.pk, c.pk]
    assert ids(selectors.activity_list(user=city_staff, filters={"district": "fabryczna"})) == []


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"method": CalMethod.NETWORKING}, ["match"]),
        ({"form": ActivityFormChoice.TRAINING}, ["match"]),
        ({"effect": Effect.IDENTITY}, ["match"]),
        ({"resident_initiated": True}, ["match"]),
        ({"resident_initiated": "false"}, ["other"]),
        ({"in_public_space": "true"}, ["match"]),
        ({"is_public": False}, ["match"]),
        ({"q": "PODWÓRK"}, ["match"]),
        ({"q": "skwer"}, ["match"]),
        ({"q": "gliny"}, ["match"]),
        ({"q": "nic takiego"}, []),
        ({"method": CalMethod.NETWORKING, "form": ActivityFormChoice.WORKSHOP}, []),
    ],
)
def test_activity_list_filters_narrow_to_the_matching_activity(city_staff, centre_a, filters, expected):
    made = {
        "match": activity(
            centre_a,
            local(2026, 6, 3),
            title="Święto podwórka",
            place="Skwer przy Zachodniej",
            description="Lepimy z gliny.",
            method=CalMethod.NETWORKING,
            form=ActivityFormChoice.TRAINING,
            effects=[Effect.RELATIONS, Effect.IDENTITY],
            resident_initiated=True,
            in_public_space=True,
            is_public=False,
        ),
        "other": activity(
            centre_a,
            local(2026, 6, 2),
            title="Warsztaty",
            place="Sala",
            description="",
            method=CalMethod.ORGANISING,
            form=ActivityFormChoice.WORKSHOP,
            effects=[Effect.RELATIONS],
        ),
    }

    assert ids(selectors.activity_list(user=city_staff, filters=filters)) == [
        made[key].pk for key in expected
    ]


def test_activity_list_filter_by_effect_needs_the_effect_among_several(city_staff, centre_a):
    both = activity(centre_a, local(2026, 6, 3), effects=[Effect.PARTNERSHIPS, Effect.INCLUSION])
    activity(centre_a, local(2026, 6, 2), effects=[])

    assert ids(selectors.activity_list(user=city_staff, filters={"effect": "wykluczenie"})) == [both.pk]


def test_activity_list_date_filters_are_local_days_with_inclusive_bounds(city_staff, centre_a):
    # 23:30 on 10 June and 00:30 on 11 June in Wrocław are both 10 June in UTC.
    late = activity(centre_a, local(2026, 6, 10, 23, 30))
    early = activity(centre_a, local(2026, 6, 11, 0, 30))
    before = activity(centre_a, local(2026, 6, 9, 12))

    def listed(**filters: str) -> list[int]:
        return ids(selectors.activity_list(user=city_staff, filters=filters))

    assert listed(date_from="2026-06-11") == [early.pk]
    assert listed(date_to="2026-06-10") == [late.pk, before.pk]
    assert listed(date_from="2026-06-10", date_to="2026-06-10") == [late.pk]
    assert listed(date_from="2026-06-09", date_to="2026-06-11") == [early.pk, late.pk, before.pk]
    assert listed(date_from="2026-06-12") == []


def test_activity_list_ignores_a_filter_value_it_cannot_read(city_staff, centre_a):
    a = activity(centre_a)

    assert ids(selectors.activity_list(user=city_staff, filters={"method": "bogus"})) == [a.pk]
    assert ids(selectors.activity_list(user=city_staff, filters={"date_from": "not-a-date"})) == [a.pk]


def test_activity_list_prefetches_partners_in_name_order(city_staff, centre_a):
    zeta = factories.OrganizationFactory(name="Zeta")
    alfa = factories.OrganizationFactory(name="Alfa")
    activity(centre_a, partners=[zeta, alfa])

    [listed] = selectors.activity_list(user=city_staff)

    assert [partner.name for partner in listed.partners.all()] == ["Alfa", "Zeta"]


# The user's roles (1) and, for an operator, editable centres (1); the activities (1); partners (1).
@pytest.mark.parametrize("rows", [2, 20])
@pytest.mark.parametrize(("who", "queries"), [("city_staff", 3), ("operator_a", 4), ("animator", 3)])
def test_activity_list_query_count_does_not_grow_with_rows(
    request, who, queries, rows, centre_a, django_assert_num_queries
):
    partners = [factories.OrganizationFactory() for _ in range(3)]
    series = ActivitySeries.objects.create(
        centre=centre_a,
        frequency="weekly",
        first_start=local(2026, 6, 1),
        until=date(2026, 12, 1),
        occurrences=rows,
    )
    for n in range(rows):
        activity(
            centre_a, local(2026, 6, 1) + timedelta(days=n), partners=partners[: n % 3 + 1], series=series
        )
    # A fresh user object: the roles it caches are read inside the counted block.
    user = get_user_model().objects.get(username=request.getfixturevalue(who).username)

    with django_assert_num_queries(queries):
        shown = [
            (
                a.title,
                a.centre.slug,
                a.centre.primary_osiedle.name,
                a.series.frequency if a.series else "",
                [p.name for p in a.partners.all()],
            )
            for a in selectors.activity_list(user=user)
        ]

    assert len(shown) == rows
    assert sum(len(row[4]) for row in shown) == sum(n % 3 + 1 for n in range(rows))


# --- The public calendar ------------------------------------------------------------


def test_upcoming_activities_are_public_not_ended_and_soonest_first(centre_a, centre_b):
    now = timezone.now()
    later = activity(centre_a, now + timedelta(days=3))
    soon = activity(centre_b, now + timedelta(days=1))
    same_start = activity(centre_a, now + timedelta(days=1))
    running = factories.ActivityFactory(
        centre=centre_a, start=now - timedelta(hours=1), end=now + timedelta(hours=1)
    )
    factories.ActivityFactory(centre=centre_a, start=now - timedelta(hours=2), end=now - timedelta(minutes=1))
    activity(centre_a, now + timedelta(days=2), is_public=False)

    assert ids(selectors.activity_list_upcoming()) == [running.pk, soon.pk, same_start.pk, later.pk]
    assert ids(selectors.activity_list_upcoming(centre=centre_b)) == [soon.pk]


def test_upcoming_activities_leave_out_closed_centres_but_not_suspended_ones(db):
    now = timezone.now()
    suspended = factories.CentreFactory(status=CentreStatus.SUSPENDED)
    closed = factories.CentreFactory(status=CentreStatus.CLOSED)
    shown = activity(suspended, now + timedelta(days=1))
    activity(closed, now + timedelta(days=1))

    assert ids(selectors.activity_list_upcoming()) == [shown.pk]
    assert ids(selectors.activity_list_upcoming(centre=closed)) == []


def test_upcoming_activities_take_filters(centre_a):
    now = timezone.now()
    outdoor = activity(centre_a, now + timedelta(days=2), in_public_space=True, method=CalMethod.PUBLIC_SPACE)
    activity(centre_a, now + timedelta(days=1))

    assert ids(selectors.activity_list_upcoming(filters={"in_public_space": True})) == [outdoor.pk]
    assert ids(selectors.activity_list_upcoming(filters={"method": "przestrzen-publiczna"})) == [outdoor.pk]


def test_calendar_keeps_three_months_back_and_everything_ahead(centre_a, centre_b):
    now = timezone.now()

    def ended_days_ago(days: float, **kwargs: Any) -> Any:
        end = now - timedelta(days=days)
        return factories.ActivityFactory(
            centre=kwargs.pop("centre", centre_a), start=end - timedelta(hours=2), end=end, **kwargs
        )

    kept = ended_days_ago(91)
    ended_days_ago(93)
    recent = ended_days_ago(1)
    ahead = activity(centre_a, now + timedelta(days=400))
    ended_days_ago(2, is_public=False)
    other = ended_days_ago(3, centre=centre_b)

    assert ids(selectors.activity_list_calendar()) == [kept.pk, other.pk, recent.pk, ahead.pk]
    assert ids(selectors.activity_list_calendar(centre=centre_a)) == [kept.pk, recent.pk, ahead.pk]


def test_calendar_leaves_out_closed_centres(db):
    closed = factories.CentreFactory(status=CentreStatus.CLOSED)
    activity(closed, timezone.now() + timedelta(days=1))

    assert ids(selectors.activity_list_calendar(centre=closed)) == []


def test_public_activity_page(centre_a):
    shown = activity(centre_a)

    assert selectors.activity_get_public(slug="cal-szczepin", pk=shown.pk) == shown
    assert selectors.activity_get_public(slug="cal-szczepin", pk=str(shown.pk)) == shown


def test_public_activity_page_404s(centre_a, centre_b):
    shown = activity(centre_a)
    private = activity(centre_a, is_public=False)
    closed = factories.CentreFactory(slug="cal-zamkniety", status=CentreStatus.CLOSED)
    in_closed = activity(closed)

    for slug, pk in [
        ("cal-szczepin", private.pk),
        ("cal-gajowice", shown.pk),  # another centre's address
        ("cal-zamkniety", in_closed.pk),
        ("cal-szczepin", shown.pk + 1000),
        ("cal-szczepin", "abc"),
        ("nie-ma", shown.pk),
    ]:
        with pytest.raises(Http404):
            selectors.activity_get_public(slug=slug, pk=pk)


# --- Public resources, volunteers' personal data ------------------------------------------------


def test_public_resources_are_the_material_ones_by_category_and_name(centre_a, centre_b):
    room_b = factories.ResourceFactory(centre=centre_a, category=ResourceCategory.ROOM, name="Sala B")
    room_a = factories.ResourceFactory(centre=centre_a, category=ResourceCategory.ROOM, name="Sala A")
    garden = factories.ResourceFactory(centre=centre_a, category=ResourceCategory.GARDEN, name="Ogród")
    factories.ResourceFactory(
        centre=centre_a, kind=ResourceKind.IMMATERIAL, category=ResourceCategory.CONTACTS, name="Kontakty"
    )
    factories.ResourceFactory(centre=centre_b, name="Sala Gajowice")

    # categories sort by their stored values: "ogrod" < "sala"
    assert ids(selectors.resource_list_public(centre=centre_a)) == [garden.pk, room_a.pk, room_b.pk]


def test_volunteer_personal_data_holds_the_record_and_its_history(operator_a, centre_a):
    volunteer = services.volunteer_create(
        centre=centre_a,
        actor=operator_a,
        name="Anna Sąsiedzka",
        email="anna@example.org",
        phone="600 700 800",
        skills="szycie",
        notes="",
        is_leader=True,
        consent_date=date(2026, 1, 15),
        consent_scope="Kontakt do organizowania działań.",
        legal_basis=LegalBasis.AGREEMENT,
        agreement_start=date(2026, 2, 1),
    )
    volunteer = services.volunteer_update(
        volunteer=volunteer, actor=operator_a, expected_version=1, email="anna.nowy@example.org"
    )
    volunteer.refresh_from_db()

    data = selectors.volunteer_personal_data(volunteer=volunteer)

    assert data["centre"] == {"name": "CAL Szczepin", "slug": "cal-szczepin"}
    assert data["volunteer"] == {
        "id": volunteer.pk,
        "name": "Anna Sąsiedzka",
        "email": "anna.nowy@example.org",
        "phone": "600 700 800",
        "skills": "szycie",
        "notes": "",
        "is_leader": True,
        "consent_date": "2026-01-15",
        "consent_scope": "Kontakt do organizowania działań.",
        "legal_basis": "porozumienie",
        "agreement_start": "2026-02-01",
        "agreement_end": None,
        "active": True,
        "created_at": volunteer.created_at.isoformat(),
        "updated_at": volunteer.updated_at.isoformat(),
    }
    assert [(event["event"], event["data"]["email"]) for event in data["history"]] == [
        ("insert", "anna@example.org"),
        ("update", "anna.nowy@example.org"),
    ]
    assert all(isinstance(event["at"], str) for event in data["history"])


def test_volunteer_personal_data_after_erasure_holds_nothing_personal(operator_a, centre_a):
    volunteer = factories.VolunteerFactory(centre=centre_a, name="Jan Kowalski")
    erased = services.volunteer_erase(volunteer=volunteer, actor=operator_a)

    data = selectors.volunteer_personal_data(volunteer=erased)

    assert {k: data["volunteer"][k] for k in ("name", "email", "phone", "skills", "notes")} == dict.fromkeys(
        ("name", "email", "phone", "skills", "notes"), ""
    )
    assert "Jan Kowalski" not in str(data)
    assert [event["event"] for event in data["history"]] == ["update"]


def test_volunteer_hours_of_a_listed_activity_are_kept_as_decimal(city_staff, centre_a):
    activity(centre_a, volunteers_involved=3, volunteer_hours=Decimal("6.0"))

    [listed] = selectors.activity_list(user=city_staff)

    assert (listed.volunteers_involved, listed.volunteer_hours, listed.hours) == (
        3,
        Decimal("6.0"),
        Decimal(2),
    )
