"""The seed_demo command: the Wrocław demo network, idempotent, with working accounts."""

from __future__ import annotations

import io
from collections import Counter
from datetime import date, timedelta

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory
from django.utils import timezone
from pghistory.models import Events

from centres import access, demo
from centres.models import (
    Activity,
    ActivitySeries,
    Centre,
    Group,
    Membership,
    OperatorTerm,
    Organization,
    Osiedle,
    Resource,
    Volunteer,
)
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
