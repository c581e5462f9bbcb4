"""The seed_demo command: the Wrocław demo network, idempotent, with working accounts."""

from __future__ import annotations

import io
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory
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
    Osiedle,
    Resource,
    ResourceKind,
    Volunteer,
)
from centres.models import ActivityForm as ActivityFormChoice
from centres.validators import krs_is_valid, nip_is_valid, regon_is_valid

pytestmark = pytest.mark.django_db

User = get_user_model()

# What every centre has and does, at every scale.
PER_CENTRE = {
    "resources": 8,  # 5 material, 3 immaterial, besides the competences of completed training
    "groups": 4,
    "volunteers": 6,
    "activities": 74,  # 48 one-off + 2 weekly series of 13
    "series": 2,
}
SCALE_1 = {
    "osiedla": 48,
    "organisations": 29,  # 8 operators, 1 former operator, 20 partners
    "centres": 8,
    "terms": 9,  # one current per centre, one ended
    "memberships": 2,  # operator-a, operator-b
    "users": 5,
    **{kind: 8 * n for kind, n in PER_CENTRE.items()},
}
SCALE_2 = {
    **SCALE_1,
    "organisations": 37,
    "centres": 16,
    "terms": 17,
    **{kind: 16 * n for kind, n in PER_CENTRE.items()},
}


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "osiedla": Osiedle.objects.count(),
        "organisations": Organization.objects.count(),
        "centres": Centre.objects.count(),
        "terms": OperatorTerm.objects.count(),
        "memberships": Membership.objects.count(),
        "users": User.objects.count(),
        "resources": Resource.objects.filter(training_competences__isnull=True).count(),
        "groups": Group.objects.count(),
        "volunteers": Volunteer.objects.count(),
        "activities": Activity.objects.count(),
        "series": ActivitySeries.objects.count(),
    }


def editable_slugs(username: str) -> list[str]:
    user = User.objects.get(username=username)
    return sorted(access.editable_centres(user).values_list("slug", flat=True))


def test_one_run_loads_the_network():
    seed()

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
    seed()

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
    seed()
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
    seed()

    assert editable_slugs("operator-a") == ["cal-szczepin"]
    assert editable_slugs("operator-b") == ["cal-gajowice"]
    operator_a = User.objects.get(username="operator-a")
    assert Membership.objects.get(user=operator_a).role == MembershipRole.COORDINATOR
    assert access.is_operator(operator_a) is True


def test_roles_of_the_other_accounts():
    seed()

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


def test_second_run_changes_nothing():
    seed()
    before = counts()
    events_before = Events.objects.count()

    output = seed()

    assert counts() == before
    assert Events.objects.count() == events_before
    assert "centres: 0 created, 0 updated, 8 unchanged" in output
    assert "nothing to change" in output


def test_rerun_restores_changed_demo_data():
    seed()
    Centre.objects.filter(slug="cal-gajowice").update(name="Zmieniona nazwa")
    events_before = Events.objects.count()

    output = seed()

    assert Centre.objects.get(slug="cal-gajowice").name == "CAL Gajowice"
    assert "centres: 0 created, 1 updated, 7 unchanged" in output
    assert Events.objects.count() == events_before + 1


def test_scale_two_doubles_the_centres_and_reruns_add_none():
    seed("--scale", "2")
    assert counts() == SCALE_2
    assert Centre.objects.filter(slug__endswith="-2").count() == 8
    assert OperatorTerm.objects.filter(access.current_term_q()).count() == 16
    # each synthetic centre has an operator of its own
    assert (
        OperatorTerm.objects.filter(centre__slug__endswith="-2").values("organization").distinct().count()
        == 8
    )
    events_before = Events.objects.count()

    seed("--scale", "2")

    assert counts() == SCALE_2
    assert Events.objects.count() == events_before


def test_scale_one_after_scale_two_removes_nothing():
    seed("--scale", "2")

    seed()

    assert counts() == SCALE_2


def test_password_option_and_reset_on_rerun():
    seed("--password", "inne-haslo-1")
    request = RequestFactory().post("/login/")
    assert authenticate(request, username="operator-a", password="inne-haslo-1") is not None
    assert User.objects.get(username="operator-a").check_password("cal-demo-2026") is False

    output = seed()

    for username in ("staff", "animator", "team", "operator-a", "operator-b"):
        assert User.objects.get(username=username).check_password("cal-demo-2026")
    assert "accounts: 0 created, 5 updated, 0 unchanged" in output


def test_output_lists_the_accounts():
    output = seed()

    lines = output.splitlines()
    operator_a = next(line for line in lines if line.startswith("operator-a "))
    assert "cal-demo-2026" in operator_a
    assert "Stowarzyszenie Serce Szczepina" in operator_a
    assert operator_a.endswith("CAL Szczepin")
    assert next(line for line in lines if line.startswith("operator-b ")).endswith("CAL Gajowice")
    assert next(line for line in lines if line.startswith("staff ")).endswith("(all centres)")
    assert "centres: 8 created, 0 updated, 0 unchanged" in output


def test_every_organisation_is_valid_with_synthetic_unique_numbers():
    seed("--scale", "2")

    organisations = list(Organization.objects.all())
    for organisation in organisations:
        organisation.full_clean()
    nips = [o.nip for o in organisations if o.nip]
    regons = [o.regon for o in organisations if o.regon]
    krs = [o.krs for o in organisations if o.krs]
    # 9 operators, 14 partners with numbers, 8 operators of the scaled centres
    assert len(nips) == len(set(nips)) == 31
    assert len(regons) == len(set(regons)) == 31
    assert len(krs) == len(set(krs)) == 19
    assert all(nip_is_valid(n) and n.startswith("999") for n in nips)
    assert all(regon_is_valid(r) and r.startswith("99") for r in regons)
    assert all(krs_is_valid(k) and k.startswith("0999") for k in krs)


def test_missing_osiedla_are_recreated_and_populations_filled_only_when_empty():
    Osiedle.objects.all().delete()
    Osiedle.objects.create(name="Szczepin", slug="szczepin", district="stare-miasto", population=12345)

    seed()

    assert Osiedle.objects.count() == 48
    assert Osiedle.objects.get(slug="szczepin").population == 12345
    assert Osiedle.objects.filter(population__isnull=True).count() == 0
    assert Osiedle.objects.filter(population__lt=3000).count() == 0
    assert Osiedle.objects.filter(population__gt=60000).count() == 0
    assert Osiedle.objects.filter(slug="gadow-popowice-pld").exists()


def test_a_later_year_moves_the_terms_instead_of_adding_new_ones(monkeypatch):
    monkeypatch.setattr(access, "today", lambda: date(2026, 6, 1))
    seed()
    monkeypatch.setattr(access, "today", lambda: date(2027, 6, 1))

    seed()

    assert OperatorTerm.objects.count() == 9
    assert OperatorTerm.objects.filter(access.current_term_q()).count() == 8
    assert editable_slugs("operator-a") == ["cal-szczepin"]
    assert OperatorTerm.objects.get(centre__slug="cal-szczepin").start == date(2026, 1, 1)
    assert counts() == SCALE_1


def test_scale_must_be_positive():
    with pytest.raises(CommandError):
        seed("--scale", "0")
    assert Centre.objects.count() == 0


# --- What centres have and do -------------------------------------------------------------


def per_centre(model: type, **filters: object) -> dict[str, int]:
    records = model.objects.filter(**filters)  # type: ignore[attr-defined]
    if model is Resource:
        # Competences gained in the network's training (network.demo_training) come on top.
        records = records.filter(training_competences__isnull=True)
    return dict(Counter(records.values_list("centre__slug", flat=True)))


def next_monday() -> date:
    return demo.anchor_monday(access.today()) + timedelta(weeks=1)


def test_every_centre_has_the_same_number_of_records():
    seed()

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
    seed()

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
    seed()
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
    seed()

    activities = list(Activity.objects.all())
    for activity in activities:
        activity.full_clean()
        assert activity.volunteer_hours <= activity.hours * activity.volunteers_involved
    assert sum(a.volunteer_hours for a in activities) == Decimal("1247.5")
    assert sum(1 for a in activities if a.volunteer_hours > 0) == 316


def test_activities_mix_methods_forms_and_their_public():
    seed()
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
    seed()

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
    seed()

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
    seed()
    szczepin = Centre.objects.get(slug="cal-szczepin")

    upcoming = selectors.activity_list_upcoming(centre=szczepin)

    # from next week on: 7 public one-off activities (of 8) and 16 meetings of the two series;
    # this week's two meetings are upcoming until they end
    assert upcoming.filter(start__date__gte=next_monday()).count() == 23
    assert upcoming.count() - 23 in (0, 1, 2)
    assert all(activity.is_public for activity in upcoming)
    assert selectors.activity_list_calendar(centre=szczepin).count() >= 23


def test_volunteers_are_seen_only_by_their_centres_operators_and_city_staff():
    seed()

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
    seed()
    staff = User.objects.get(username="staff")

    activity_events = Events.objects.filter(pgh_model="centres.ActivityEvent", pgh_label="insert")
    assert activity_events.count() == 592
    assert {e.pgh_context["user"] for e in activity_events} == {staff.pk}
    volunteer_events = Events.objects.filter(pgh_model="centres.VolunteerEvent")
    assert {e.pgh_context["action"] for e in volunteer_events} == {"volunteer.create"}


def test_centre_work_is_seeded_only_as_city_staff():
    network = demo.seed_centres(scale=1)
    demo.seed_accounts(network=network)

    with pytest.raises(demo.DemoSeedError):
        demo.seed_centre_work(network=network, actor=network.users["operator-a"])
    assert Activity.objects.count() == 0


def test_scale_two_doubles_the_records_of_the_centres():
    seed("--scale", "2")

    assert counts() == SCALE_2
    assert {kind: SCALE_2[kind] for kind in PER_CENTRE} == {kind: 2 * SCALE_1[kind] for kind in PER_CENTRE}
    # the first eight centres have the same records as at scale 1
    assert Activity.objects.filter(centre__slug__endswith="-2").count() == 8 * 74


def test_rerun_restores_a_changed_activity():
    seed()
    activity = Activity.objects.filter(series__isnull=True, participants_26_59__gt=0).order_by("pk").first()
    Activity.objects.filter(pk=activity.pk).update(participants_26_59=999)

    output = seed()

    activity.refresh_from_db()
    assert activity.participants_26_59 != 999
    assert activity.version == 2
    assert "activities: 0 created, 1 updated, 591 unchanged" in output
    assert "activity series: 0 created, 0 updated, 16 unchanged" in output


def test_a_later_week_moves_the_activities_instead_of_adding_new_ones(monkeypatch):
    monkeypatch.setattr(access, "today", lambda: date(2026, 6, 3))
    seed()
    before = dict(Activity.objects.values_list("pk", "start"))
    series_before = dict(ActivitySeries.objects.values_list("pk", "until"))
    events_before = Events.objects.count()
    monkeypatch.setattr(access, "today", lambda: date(2026, 6, 10))

    output = seed()

    assert counts() == SCALE_1
    after = dict(Activity.objects.values_list("pk", "start"))
    # the same activities (a subscribed calendar keeps its events), a week later on the
    # wall clock, across a change of daylight-saving time too
    assert after.keys() == before.keys()
    wall = {pk: timezone.localtime(start).replace(tzinfo=None) for pk, start in before.items()}
    assert {timezone.localtime(after[pk]).replace(tzinfo=None) - wall[pk] for pk in before} == {
        timedelta(weeks=1)
    }
    assert dict(ActivitySeries.objects.values_list("pk", "until")) == {
        pk: until + timedelta(weeks=1) for pk, until in series_before.items()
    }
    assert "activities: 0 created, 592 updated, 0 unchanged" in output
    assert "activity series: 0 created, 16 updated, 0 unchanged" in output
    # the meeting that was this week's now has its figures, next week's has none yet
    for activity in Activity.objects.filter(series__isnull=False):
        happened = timezone.localtime(activity.start).date() < date(2026, 6, 8)
        assert (activity.participants > 0) is happened
    # one audit event per moved activity and per moved series
    assert Events.objects.count() == events_before + 592 + 16
    assert "nothing to change" in seed()
