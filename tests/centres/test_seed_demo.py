"""The seed_demo command: the Wrocław demo network, idempotent, with working accounts."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory
from pghistory.models import Events

from centres import access
from centres.models import (
    CITY_BOUNDS,
    Centre,
    CentreStatus,
    Membership,
    MembershipRole,
    OperatorTerm,
    Organization,
    Osiedle,
)
from centres.validators import krs_is_valid, nip_is_valid, regon_is_valid

pytestmark = pytest.mark.django_db

User = get_user_model()

SCALE_1 = {
    "osiedla": 48,
    "organisations": 21,  # 8 operators, 1 former operator, 12 partners
    "centres": 8,
    "terms": 9,  # one current per centre, one ended
    "memberships": 3,  # operator-a, operator-b, animator
    "users": 5,
}
SCALE_2 = {**SCALE_1, "organisations": 29, "centres": 16, "terms": 17}


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
    membership = Membership.objects.get(user=animator)
    assert (membership.organization.name, membership.role) == (
        "Dolnośląska Federacja Organizacji Pozarządowych",
        MembershipRole.ANIMATOR,
    )
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
    # 9 operators, 8 partners with numbers, 8 operators of the scaled centres
    assert len(nips) == len(set(nips)) == 25
    assert len(regons) == len(set(regons)) == 25
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


def test_scale_must_be_positive():
    with pytest.raises(CommandError):
        seed("--scale", "0")
    assert Centre.objects.count() == 0
