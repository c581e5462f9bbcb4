"""The demo network as one run of seed_demo leaves it: what each centre has and does, and
who sees what. Read-only tests: the network is seeded once for the module, inside a
transaction that is rolled back at its end (each test runs in a savepoint of it)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from pghistory.models import Events

from centres import access, demo, selectors
from centres.models import (
    AGE_BANDS,
    CITY_BOUNDS,
    Activity,
    ActivityPartner,
    ActivitySeries,
    CalMethod,
    Centre,
    CentreStatus,
    Group,
    GroupKind,
    LegalBasis,
    Membership,
    MembershipRole,
    OperatorTerm,
    Organization,
    Resource,
    ResourceKind,
    Volunteer,
)
from centres.models import ActivityForm as ActivityFormChoice
from tests.centres.test_seed_demo import (
    PER_CENTRE,
    SCALE_1,
    counts,
    editable_slugs,
    next_monday,
    per_centre,
    seed,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_once")]

User = get_user_model()


@pytest.fixture(scope="module")
def seeded_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """One run of seed_demo for every test of the module, never committed."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            seed()
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def test_one_run_loads_the_network():
    assert counts() == SCALE_1
    assert sorted(Centre.objects.values_list("slug", flat=True)) == [
        "cal-gajowice",
        "cal-pradzynskiego",
        "cal-psie-pole-zawidawie",
        "cal-szczepin",
        "cal-widawa",
        "cal-wojszyce",
        "cal-zacisze-zalesie-szczytniki",
        "cal-zakrzow",
    ]
    assert list(Centre.objects.filter(status=CentreStatus.PILOT).values_list("slug", flat=True)) == [
        "cal-widawa"
    ]
    assert Centre.objects.filter(status=CentreStatus.ACTIVE).count() == 7


def test_centres_carry_their_public_facts():
    szczepin = Centre.objects.get(slug="cal-szczepin")
    assert szczepin.street_address == "ul. Zachodnia 1"
    assert szczepin.primary_osiedle.slug == "szczepin"
    assert szczepin.email == "kontakt@cal-szczepin.example.org"
    wojszyce = Centre.objects.get(slug="cal-wojszyce")
    assert sorted(wojszyce.served_osiedla.values_list("slug", flat=True)) == [
        "jagodno",
        "oltaszyn",
        "wojszyce",
    ]
    zakrzow = Centre.objects.get(slug="cal-zakrzow")
    assert (zakrzow.street_address, zakrzow.primary_osiedle.slug) == (
        "ul. Wilanowska 29a",
        "psie-pole-zawidawie",
    )
    for centre in Centre.objects.all():
        assert centre.latitude is not None
        assert centre.longitude is not None
        assert Decimal("51.04") <= centre.latitude <= Decimal("51.20")
        assert Decimal("16.85") <= centre.longitude <= Decimal("17.15")
        assert CITY_BOUNDS["west"] <= float(centre.longitude) <= CITY_BOUNDS["east"]
        assert centre.description
        assert centre.served_osiedla.count() >= 1


def test_every_centre_has_one_current_term_and_one_centre_a_history():
    today = access.today()

    current = OperatorTerm.objects.filter(access.current_term_q())
    assert current.count() == 8
    assert sorted(current.values_list("centre__slug", flat=True)) == sorted(
        Centre.objects.values_list("slug", flat=True)
    )
    for term in current:
        assert term.start == date(today.year - 1, 1, 1)
        assert term.end == date(today.year + 1, 12, 31)
        assert term.grant_amount is not None
        assert Decimal("200000") <= term.grant_amount <= Decimal("260000")
        assert term.agreement_number.startswith("WPS-CAL/")
    assert current.get(centre__slug="cal-szczepin").organization.name == "Stowarzyszenie Serce Szczepina"
    assert current.get(centre__slug="cal-gajowice").organization.name == "Fundacja KRUCZA.ORG"

    ended = OperatorTerm.objects.exclude(pk__in=current.values("pk")).get()
    assert ended.centre.slug == "cal-psie-pole-zawidawie"
    assert ended.end is not None
    assert ended.end < today
    assert ended.organization != current.get(centre__slug="cal-psie-pole-zawidawie").organization


def test_operators_edit_different_centres():
    assert editable_slugs("operator-a") == ["cal-szczepin"]
    assert editable_slugs("operator-b") == ["cal-gajowice"]
    operator_a = User.objects.get(username="operator-a")
    assert Membership.objects.get(user=operator_a).role == MembershipRole.COORDINATOR
    assert access.is_operator(operator_a) is True


def test_roles_of_the_other_accounts():
    staff = User.objects.get(username="staff")
    assert access.is_city_staff(staff) is True
    assert editable_slugs("staff") == sorted(Centre.objects.values_list("slug", flat=True))
    animator = User.objects.get(username="animator")
    assert access.is_network_animator(animator) is True
    assert access.is_city_staff(animator) is False
    assert not Membership.objects.filter(user=animator).exists()
    assert editable_slugs("animator") == []
    team = User.objects.get(username="team")
    assert access.is_team_member(team) is True
    assert access.can_view_network(team) is True
    assert editable_slugs("team") == []


def test_every_centre_has_the_same_number_of_records():
    slugs = list(Centre.objects.values_list("slug", flat=True))
    for model, kind in (
        (Resource, "resources"),
        (Group, "groups"),
        (Volunteer, "volunteers"),
        (Activity, "activities"),
        (ActivitySeries, "series"),
    ):
        assert per_centre(model) == dict.fromkeys(slugs, PER_CENTRE[kind]), kind
    assert per_centre(Resource, kind=ResourceKind.MATERIAL) == dict.fromkeys(slugs, 5)
    assert per_centre(Resource, kind=ResourceKind.IMMATERIAL) == dict.fromkeys(slugs, 3)
    for category in ("sala", "wiedza", "umiejetnosci"):
        assert per_centre(Resource, category=category) == dict.fromkeys(slugs, 2 if category == "sala" else 1)
    assert Resource.objects.filter(category="sala", capacity__isnull=True).count() == 0
    assert per_centre(Group, kind=GroupKind.SELF_HELP) == dict.fromkeys(slugs, 1)
    assert per_centre(Group, name__startswith="Klub Seniora") | per_centre(
        Group, name="Klub Aktywnego Seniora"
    ) == dict.fromkeys(slugs, 1)
    assert Group.objects.filter(meets="").count() == 0


def test_volunteers_are_fictional_consented_and_some_lead():
    assert Volunteer.objects.count() == 48
    assert Volunteer.objects.filter(is_leader=True).count() == 16
    assert (
        Volunteer.objects.filter(legal_basis=LegalBasis.AGREEMENT, agreement_start__isnull=False).count()
        == 24
    )
    assert (
        Volunteer.objects.filter(legal_basis=LegalBasis.CONSENT, agreement_start__isnull=True).count() == 24
    )
    assert Volunteer.objects.filter(active=False).count() == 8
    surnames = {name for pair in demo.work_catalogue().surnames for name in pair}
    today = access.today()
    for volunteer in Volunteer.objects.all():
        volunteer.full_clean()
        assert volunteer.name.split()[-1] in surnames
        assert volunteer.email.endswith("@example.org")
        assert volunteer.notes == "Osoba fikcyjna: dane demonstracyjne."
        assert volunteer.consent_scope
        assert date(today.year - 1, 1, 1) <= volunteer.consent_date <= today
        if volunteer.agreement_start is not None:
            assert volunteer.agreement_end == date(today.year + 1, 12, 31)


def test_activities_span_the_past_year_and_the_next_two_months():
    monday = demo.anchor_monday(access.today())
    activities = Activity.objects.all()

    assert activities.count() == 592
    assert activities.filter(start__date__lt=monday - timedelta(weeks=52)).count() == 0
    assert activities.filter(start__date__gte=monday + timedelta(weeks=9)).count() == 0
    # one-off: 40 in the past year and one a week ahead; series: 4 past weeks, this one, 8 ahead
    assert activities.filter(start__date__lt=monday).count() == 8 * (40 + 2 * 4)
    assert activities.filter(start__date__gte=monday, start__date__lt=next_monday()).count() == 8 * 2
    assert activities.filter(start__date__gte=next_monday()).count() == 8 * (8 + 2 * 8)
    # what has happened has its figures; what has not, none yet
    for activity in activities.filter(start__date__lt=monday):
        assert activity.participants > 0
    for activity in activities.filter(start__date__gte=monday):
        assert (activity.participants, activity.volunteers_involved, activity.volunteer_hours) == (0, 0, 0)


def test_every_activity_passes_full_clean_within_the_volunteer_hours_rule():
    activities = list(Activity.objects.all())
    for activity in activities:
        activity.full_clean()
        assert activity.volunteer_hours <= activity.hours * activity.volunteers_involved
    assert sum(a.volunteer_hours for a in activities) == Decimal("1247.5")
    assert sum(1 for a in activities if a.volunteer_hours > 0) == 316


def test_activities_mix_methods_forms_and_their_public():
    activities = Activity.objects.all()

    assert dict(Counter(activities.values_list("method", flat=True))) == {
        CalMethod.ORGANISING: 201,
        CalMethod.COMMUNITY: 288,
        CalMethod.PUBLIC_SPACE: 49,
        CalMethod.NEEDS: 39,
        CalMethod.NETWORKING: 15,
    }
    assert dict(Counter(activities.values_list("form", flat=True))) == {
        ActivityFormChoice.SELF_HELP: 17,
        ActivityFormChoice.RESIDENTS_INITIATIVE: 57,
        ActivityFormChoice.ADVICE: 22,
        ActivityFormChoice.NEIGHBOURS_MEETING: 215,
        ActivityFormChoice.TRAINING: 70,
        ActivityFormChoice.WORKSHOP: 159,
        ActivityFormChoice.EVENT: 52,
    }
    assert activities.filter(resident_initiated=True).count() == 57
    assert activities.filter(in_public_space=True).count() == 69
    assert (activities.filter(is_public=True).count(), activities.filter(is_public=False).count()) == (
        550,
        42,
    )
    assert activities.filter(effects=[]).count() == 0
    assert ActivityPartner.objects.count() == 270
    for band, _label in AGE_BANDS:
        assert activities.filter(**{f"{band}__gt": 0}).exists(), band


def test_partners_are_registry_organisations_near_the_centre():
    szczepin = Centre.objects.get(slug="cal-szczepin")
    partners = Organization.objects.filter(partner_activities__centre=szczepin).distinct()
    assert sorted(partners.values_list("name", "kind")) == [
        ("Filia nr 27 Miejskiej Biblioteki Publicznej", "biblioteka"),
        ("MOPS Wrocław — Zespół Pracy Socjalnej Stare Miasto", "mops"),
        ("Przedszkole Miejskie nr 150", "szkola"),
        ("Rada Osiedla Szczepin", "rada-osiedla"),
        ("Wspólnota Mieszkaniowa Zachodnia 5–7", "wspolnota"),
    ]
    # no centre's operator is anyone's partner
    operators = OperatorTerm.objects.values("organization")
    assert ActivityPartner.objects.filter(organization__in=operators).count() == 0


def test_weekly_series_and_the_seniors_club_meeting_when_they_do():
    for series in ActivitySeries.objects.all():
        starts = list(series.activities.order_by("start").values_list("start", flat=True))
        assert (series.frequency, series.occurrences, len(starts)) == ("weekly", 13, 13)
        local = [timezone.localtime(start) for start in starts]
        assert {(s.weekday(), s.time()) for s in local} == {(local[0].weekday(), local[0].time())}
        assert series.until == local[-1].date()
    szczepin = Centre.objects.get(slug="cal-szczepin")
    club = Group.objects.get(centre=szczepin, name="Klub Seniora „Wrzos”")
    meetings = Activity.objects.filter(centre=szczepin, title="Klub Seniora „Wrzos” — cotygodniowe spotkanie")
    assert meetings.count() == 13
    first = timezone.localtime(meetings.order_by("start").first().start)
    assert (first.weekday(), first.hour, club.meets) == (2, 11, "w każdą środę o 11:00")


def test_cal_szczepin_has_upcoming_public_activities():
    szczepin = Centre.objects.get(slug="cal-szczepin")

    upcoming = selectors.activity_list_upcoming(centre=szczepin)

    # from next week on: 7 public one-off activities (of 8) and 16 meetings of the two series;
    # this week's two meetings are upcoming until they end
    assert upcoming.filter(start__date__gte=next_monday()).count() == 23
    assert upcoming.count() - 23 in (0, 1, 2)
    assert all(activity.is_public for activity in upcoming)
    assert selectors.activity_list_calendar(centre=szczepin).count() >= 23


def test_volunteers_are_seen_only_by_their_centres_operators_and_city_staff():
    def visible(username: str) -> list[str]:
        user = User.objects.get(username=username)
        return sorted(access.visible_volunteers(user).values_list("centre__slug", flat=True))

    assert visible("team") == []
    assert visible("operator-a") == ["cal-szczepin"] * 6
    assert visible("operator-b") == ["cal-gajowice"] * 6
    assert len(visible("staff")) == 48
    # The network animator never sees volunteers.
    animator = User.objects.get(username="animator")
    assert access.is_network_animator(animator) is True
    assert visible("animator") == []


def test_records_are_written_through_the_services_as_city_staff():
    staff = User.objects.get(username="staff")

    activity_events = Events.objects.filter(pgh_model="centres.ActivityEvent", pgh_label="insert")
    assert activity_events.count() == 592
    assert {e.pgh_context["user"] for e in activity_events} == {staff.pk}
    volunteer_events = Events.objects.filter(pgh_model="centres.VolunteerEvent")
    assert {e.pgh_context["action"] for e in volunteer_events} == {"volunteer.create"}
