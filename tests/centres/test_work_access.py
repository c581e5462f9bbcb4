"""Who sees which records of a centre's work: resources, activities and groups are the
network's shared picture; volunteers are personal data of one centre."""

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from centres import access
from centres.models import OperatorTerm
from tests import factories

pytestmark = pytest.mark.django_db

USERS = [
    "city_staff",
    "animator",
    "team_member",
    "operator_a",
    "operator_b",
    "no_membership",
    "ended",
    "anonymous",
]


def _records_of(centre: Any) -> dict[str, int]:
    return {
        "resource": factories.ResourceFactory(centre=centre).pk,
        "activity": factories.ActivityFactory(centre=centre).pk,
        "group": factories.GroupFactory(centre=centre).pk,
        "volunteer": factories.VolunteerFactory(centre=centre).pk,
    }


@pytest.fixture
def world(operator_a_and_centre, operator_b_and_centre, city_staff, animator, team_member) -> dict[str, Any]:
    """Centres A and B with their operators, a centre C without one, a record of each kind
    in each centre, and every kind of user."""
    _operator_a, centre_a = operator_a_and_centre
    _operator_b, centre_b = operator_b_and_centre
    centre_c = factories.CentreFactory(name="CAL Bez Operatora")
    ended = factories.UserFactory(username="ended")
    start, end = factories.past_term_dates()
    old_term = factories.OperatorTermFactory(centre=centre_c, start=start, end=end)
    factories.MembershipFactory(user=ended, organization=old_term.organization)
    return {
        "records": {"a": _records_of(centre_a), "b": _records_of(centre_b), "c": _records_of(centre_c)},
        "users": {
            "city_staff": city_staff,
            "animator": animator,
            "team_member": team_member,
            "operator_a": operator_a_and_centre[0],
            "operator_b": operator_b_and_centre[0],
            "no_membership": factories.UserFactory(username="resident"),
            "ended": ended,
            "anonymous": AnonymousUser(),
        },
    }


# The centres whose records each user sees.
SHARED_PICTURE = {
    "city_staff": "abc",
    "animator": "abc",
    "team_member": "abc",
    "operator_a": "a",
    "operator_b": "b",
    "no_membership": "",
    "ended": "",
    "anonymous": "",
}
PERSONAL_DATA = {**SHARED_PICTURE, "animator": "", "team_member": ""}

VISIBLE = {
    "resource": (access.visible_resources, SHARED_PICTURE),
    "activity": (access.visible_activities, SHARED_PICTURE),
    "group": (access.visible_groups, SHARED_PICTURE),
    "volunteer": (access.visible_volunteers, PERSONAL_DATA),
}


@pytest.mark.parametrize("kind", sorted(VISIBLE))
@pytest.mark.parametrize("who", USERS)
def test_visible_records_of_each_kind_for_each_user(world, kind, who):
    visible, matrix = VISIBLE[kind]
    expected = {world["records"][centre][kind] for centre in matrix[who]}

    assert set(visible(world["users"][who]).values_list("pk", flat=True)) == expected


def test_the_matrix_in_full_for_volunteers(world):
    # The same table as above, spelled out for the personal data.
    ids = {
        who: sorted(access.visible_volunteers(user).values_list("pk", flat=True))
        for who, user in world["users"].items()
    }
    a, b, c = (world["records"][centre]["volunteer"] for centre in "abc")

    assert ids == {
        "city_staff": sorted([a, b, c]),
        "animator": [],
        "team_member": [],
        "operator_a": [a],
        "operator_b": [b],
        "no_membership": [],
        "ended": [],
        "anonymous": [],
    }


def test_an_operator_whose_term_has_ended_sees_nothing_of_their_former_centre(operator_a, centre_a):
    _records_of(centre_a)
    start, end = factories.past_term_dates()
    OperatorTerm.objects.filter(centre=centre_a).update(start=start, end=end)

    assert [visible(operator_a).count() for visible, _matrix in VISIBLE.values()] == [0, 0, 0, 0]


def test_an_operator_sees_the_current_centre_but_not_the_one_they_used_to_run(operator_a, centre_a):
    # Given operator-a's organisation ran another centre until last year
    organization = OperatorTerm.objects.get(centre=centre_a).organization
    former = factories.CentreFactory()
    start, end = factories.past_term_dates()
    factories.OperatorTermFactory(centre=former, organization=organization, start=start, end=end)
    now = _records_of(centre_a)
    _records_of(former)

    for kind, (visible, _matrix) in VISIBLE.items():
        assert list(visible(operator_a).values_list("pk", flat=True)) == [now[kind]]


def test_a_member_of_two_operators_sees_both_centres(operator_a, centre_a, centre_b):
    organization_b = OperatorTerm.objects.get(centre=centre_b).organization
    factories.MembershipFactory(user=operator_a, organization=organization_b)
    a, b = _records_of(centre_a), _records_of(centre_b)

    for kind, (visible, _matrix) in VISIBLE.items():
        assert set(visible(operator_a).values_list("pk", flat=True)) == {a[kind], b[kind]}


def test_an_animator_who_also_runs_a_centre_sees_only_that_centres_volunteers(animator, centre_a, centre_b):
    organization = OperatorTerm.objects.get(centre=centre_a).organization
    factories.MembershipFactory(user=animator, organization=organization)
    a, b = _records_of(centre_a), _records_of(centre_b)

    assert set(access.visible_activities(animator).values_list("pk", flat=True)) == {
        a["activity"],
        b["activity"],
    }
    assert list(access.visible_volunteers(animator).values_list("pk", flat=True)) == [a["volunteer"]]


def test_an_inactive_operator_sees_nothing(operator_a, centre_a):
    _records_of(centre_a)
    operator_a.is_active = False
    operator_a.save()

    assert [visible(operator_a).count() for visible, _matrix in VISIBLE.values()] == [0, 0, 0, 0]


def test_a_term_starting_tomorrow_gives_no_access_yet(operator_a, centre_a):
    _records_of(centre_a)
    OperatorTerm.objects.filter(centre=centre_a).update(start=timezone.localdate() + timedelta(days=1))

    assert [visible(operator_a).count() for visible, _matrix in VISIBLE.values()] == [0, 0, 0, 0]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("city_staff", True),
        ("operator_a", True),
        ("operator_b", True),
        ("animator", False),
        ("team_member", False),
        ("no_membership", False),
        ("ended", False),
        ("anonymous", False),
    ],
)
def test_who_may_add_an_organisation_on_the_spot(world, who, expected):
    assert access.can_add_organization(world["users"][who]) is expected


def test_city_staff_without_a_membership_may_edit_every_centre_record(world):
    staff = world["users"]["city_staff"]

    assert access.editable_centres(staff).count() == 3
    assert access.is_operator(staff) is False
