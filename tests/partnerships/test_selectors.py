"""Reads of partnerships: coverage against the CAL model, stale partnerships, the members'
time axis, and who sees which partnerships."""

from datetime import timedelta

import pytest
from django.utils import timezone

from centres.models import OrganizationKind
from partnerships import selectors
from partnerships.models import RECOMMENDED_PARTNER_KINDS, Phase
from tests import factories
from tests.partnerships.factories import (
    PartnershipFactory,
    PartnershipMeetingFactory,
    PartnershipMemberFactory,
    days_ago,
)

pytestmark = pytest.mark.django_db

ALL_KINDS = [kind.key for kind in RECOMMENDED_PARTNER_KINDS]


def _member(partnership, kind, **kwargs):
    organization = factories.OrganizationFactory(kind=kind)
    return PartnershipMemberFactory(partnership=partnership, organization=organization, **kwargs)


def test_the_recommended_kinds_are_the_cal_models_partners():
    assert ALL_KINDS == [
        "rada-osiedla",
        "ngo",
        "mops",
        "szkola",
        "biblioteka",
        "kultura",
        "policja",
        "biznes",
        "parafia",
        "grupa-nieformalna",
        "wspolnota",
    ]


@pytest.fixture
def known_partners():
    """Three osiedla. North and Middle share P1; Middle also has P2; South has only an
    ended partnership. Some members are not current (left, or not joined yet)."""
    north = factories.OsiedleFactory(name="Pokrycie Północ", slug="pokrycie-polnoc")
    middle = factories.OsiedleFactory(name="Pokrycie Środek", slug="pokrycie-srodek")
    south = factories.OsiedleFactory(name="Pokrycie Południe", slug="pokrycie-poludnie")
    p1 = PartnershipFactory(name="P1", osiedla=[north, middle], phase=Phase.NORMING)
    for kind in (OrganizationKind.COUNCIL, OrganizationKind.NGO, OrganizationKind.SCHOOL):
        _member(p1, kind)
    _member(p1, OrganizationKind.MUNICIPAL_POLICE)  # counts as "police"
    _member(p1, OrganizationKind.LIBRARY, left=days_ago(1))  # left yesterday
    _member(p1, OrganizationKind.BUSINESS, joined=timezone.localdate() + timedelta(days=3))  # not yet
    _member(p1, OrganizationKind.OTHER)  # not a recommended kind
    p2 = PartnershipFactory(name="P2", osiedla=[middle])
    _member(p2, OrganizationKind.LEADER)  # counts as "informal group or local leader"
    _member(p2, OrganizationKind.RELIGIOUS)
    _member(p2, OrganizationKind.NGO)
    ended = PartnershipFactory(name="P3", osiedla=[north, south], phase=Phase.ENDED)
    _member(ended, OrganizationKind.CULTURE)
    _member(ended, OrganizationKind.HOUSING)
    return {"north": north, "middle": middle, "south": south, "p1": p1, "p2": p2}


def test_coverage_computed_on_a_known_set_of_partners(known_partners):
    coverage = selectors.partnership_coverage(filters={"district": "krzyki"})
    by_slug = {item.osiedle.slug: item for item in coverage}

    north, middle, south = (
        by_slug["pokrycie-polnoc"],
        by_slug["pokrycie-srodek"],
        by_slug["pokrycie-poludnie"],
    )
    assert [p.name for p in north.partnerships] == ["P1"]
    assert north.present_kinds == ["rada-osiedla", "ngo", "szkola", "policja"]
    assert north.missing_kinds == [
        "mops",
        "biblioteka",
        "kultura",
        "biznes",
        "parafia",
        "grupa-nieformalna",
        "wspolnota",
    ]
    assert [p.name for p in middle.partnerships] == ["P1", "P2"]
    assert middle.present_kinds == [
        "rada-osiedla",
        "ngo",
        "szkola",
        "policja",
        "parafia",
        "grupa-nieformalna",
    ]
    assert middle.missing_kinds == ["mops", "biblioteka", "kultura", "biznes", "wspolnota"]
    assert south.partnerships == ()
    assert south.present_kinds == []
    assert south.missing_kinds == ALL_KINDS


def test_coverage_of_one_osiedle_by_its_slug(known_partners):
    coverage = selectors.partnership_coverage(filters={"osiedle": "pokrycie-srodek"})

    assert [(item.osiedle.name, item.missing_kinds) for item in coverage] == [
        ("Pokrycie Środek", ["mops", "biblioteka", "kultura", "biznes", "wspolnota"])
    ]


def test_coverage_takes_a_constant_number_of_queries(django_assert_num_queries):
    osiedle = factories.OsiedleFactory(name="Pokrycie Liczone", slug="pokrycie-liczone")

    def count_for(partnerships):
        for _ in range(partnerships):
            partnership = PartnershipFactory(osiedla=[osiedle])
            _member(partnership, OrganizationKind.SCHOOL)
            _member(partnership, OrganizationKind.POLICE)
        with django_assert_num_queries(3):
            return selectors.partnership_coverage(filters={"osiedle": "pokrycie-liczone"})

    assert len(count_for(2)[0].partnerships) == 2
    assert len(count_for(18)[0].partnerships) == 20


def test_stale_partnerships_have_not_met_for_90_days():
    def partnership(name, founded, *meetings, phase=Phase.FORMING):
        p = PartnershipFactory(name=name, founded_on=days_ago(founded), phase=phase)
        for days in meetings:
            PartnershipMeetingFactory(partnership=p, date=days_ago(days))
        return p

    partnership("met recently", 200, 150, 10)
    partnership("met 100 days ago", 200, 100)
    partnership("met exactly 90 days ago", 200, 90)
    partnership("never met, founded 91 days ago", 91)
    partnership("never met, founded 90 days ago", 90)
    partnership("young", 30)
    partnership("ended long ago", 300, phase=Phase.ENDED)
    partnership("only a planned meeting", 200, 120, -5)

    stale = list(selectors.partnership_list_stale())

    assert [(p.name, p.last_met_on) for p in stale] == [
        ("only a planned meeting", days_ago(120)),
        ("met 100 days ago", days_ago(100)),
        ("never met, founded 91 days ago", None),
    ]


def test_the_stale_list_of_a_user_is_theirs(operator_a, centre_a, operator_b, centre_b, animator):
    PartnershipFactory(name="A", lead_centre=centre_a, founded_on=days_ago(200))
    PartnershipFactory(name="B", lead_centre=centre_b, founded_on=days_ago(200))

    assert [p.name for p in selectors.partnership_list_stale(user=operator_a)] == ["A"]
    assert [p.name for p in selectors.partnership_list_stale(user=operator_b)] == ["B"]
    assert sorted(p.name for p in selectors.partnership_list_stale(user=animator)) == ["A", "B"]


def test_members_over_time_are_bars_on_the_partnerships_time_axis(centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a, founded_on=days_ago(99))
    first = PartnershipMemberFactory(
        partnership=partnership, organization=factories.OrganizationFactory(name="A Fundacja")
    )
    second = PartnershipMemberFactory(
        partnership=partnership,
        organization=factories.OrganizationFactory(name="B Szkoła"),
        joined=days_ago(49),
        left=days_ago(25),
    )
    partnership = selectors.partnership_get_editable(centre=centre_a, pk=partnership.pk)

    timeline = selectors.member_timeline(partnership=partnership)

    assert (timeline.start, timeline.end) == (days_ago(99), timezone.localdate())
    assert [(b.member, b.offset, b.width, b.current) for b in timeline.bars] == [
        (first, "0.00", "100.00", True),
        (second, "50.00", "25.00", False),
    ]


def test_operators_list_their_own_centres_partnerships(
    operator_a, centre_a, operator_b, centre_b, team_member
):
    PartnershipFactory(name="Szczepin razem", lead_centre=centre_a)
    PartnershipFactory(name="Gajowice razem", lead_centre=centre_b)

    assert [p.name for p in selectors.partnership_list(user=operator_a)] == ["Szczepin razem"]
    assert [p.name for p in selectors.partnership_list(user=operator_b)] == ["Gajowice razem"]
    assert [p.name for p in selectors.partnership_list(user=team_member)] == [
        "Gajowice razem",
        "Szczepin razem",
    ]


def test_the_list_counts_current_members_and_the_last_meeting(operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a, founded_on=days_ago(200))
    PartnershipMemberFactory(partnership=partnership)
    PartnershipMemberFactory(partnership=partnership)
    PartnershipMemberFactory(partnership=partnership, left=days_ago(3))
    PartnershipMeetingFactory(partnership=partnership, date=days_ago(40))
    PartnershipMeetingFactory(partnership=partnership, date=days_ago(20))
    PartnershipMeetingFactory(partnership=partnership, date=timezone.localdate() + timedelta(days=7))

    (listed,) = selectors.partnership_list(user=operator_a)

    assert (listed.current_member_count, listed.last_met_on) == (2, days_ago(20))
