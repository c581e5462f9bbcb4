"""Who may open each page and API endpoint of partnerships.

Workspace pages: the lead centre's operators and city staff; everyone else signed in gets
a 404 (never a 403 that would tell that the partnership exists); anonymous visitors are
sent to log in. API: reading for network viewers and the centre's operators, writing for
the operators of the lead centre and city staff."""

import pytest
from django.urls import reverse

from partnerships import permissions
from tests.partnerships.factories import (
    PartnershipFactory,
    PartnershipMeetingFactory,
    PartnershipMemberFactory,
    PriorityFactory,
)

pytestmark = pytest.mark.django_db

PAGES = [
    ("workspace-partnerships", "centre"),
    ("workspace-partnership-create", "centre"),
    ("workspace-partnership-detail", "partnership"),
    ("workspace-partnership-edit", "partnership"),
    ("workspace-partnership-agreement", "partnership"),
    ("workspace-partnership-phase", "partnership"),
    ("workspace-member-add", "partnership"),
    ("workspace-member-leave", "member"),
    ("workspace-meeting-create", "partnership"),
    ("workspace-meeting-edit", "meeting"),
    ("workspace-priority-create", "partnership"),
    ("workspace-priority-edit", "priority"),
]


@pytest.fixture
def records(centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a)
    return {
        "partnership": partnership,
        "member": PartnershipMemberFactory(partnership=partnership),
        "meeting": PartnershipMeetingFactory(partnership=partnership),
        "priority": PriorityFactory(partnership=partnership),
    }


def _url(name, needs, centre, records):
    kwargs = {"slug": centre.slug}
    if needs == "partnership":
        kwargs["pk"] = records["partnership"].pk
    elif needs != "centre":
        kwargs.update(partnership_pk=records["partnership"].pk, pk=records[needs].pk)
    return reverse(f"partnerships:{name}", kwargs=kwargs)


@pytest.mark.parametrize(("name", "needs"), PAGES)
def test_workspace_pages_access_matrix(
    client,
    name,
    needs,
    centre_a,
    operator_a,
    operator_b,
    centre_b,
    city_staff,
    animator,
    team_member,
    records,
):
    url = _url(name, needs, centre_a, records)

    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(f"{reverse('login')}?next=")

    statuses = {}
    for user in (operator_a, city_staff, operator_b, animator, team_member):
        client.force_login(user)
        statuses[user.username] = client.get(url).status_code
    assert statuses == {"operator-a": 200, "staff": 200, "operator-b": 404, "animator": 404, "team": 404}


def test_a_partnership_of_another_centre_is_not_found_under_ones_own_centre(
    client, operator_b, centre_b, records
):
    """Operator B changing the slug in the address to their own centre finds nothing."""
    client.force_login(operator_b)
    url = reverse(
        "partnerships:workspace-partnership-detail",
        kwargs={"slug": centre_b.slug, "pk": records["partnership"].pk},
    )

    assert client.get(url).status_code == 404


def test_posting_to_another_centres_partnership_is_not_found_and_changes_nothing(
    client, operator_b, centre_a, centre_b, records
):
    client.force_login(operator_b)
    url = _url("workspace-partnership-phase", "partnership", centre_a, records)

    response = client.post(url, {"version": 1, "to_phase": "normowanie", "date": "2026-01-01"})

    assert response.status_code == 404
    records["partnership"].refresh_from_db()
    assert records["partnership"].phase == "formowanie"


def test_permissions_matrix(operator_a, centre_a, operator_b, centre_b, city_staff, animator, team_member):
    partnership = PartnershipFactory(lead_centre=centre_a)

    def facts(user):
        return (
            partnership in permissions.visible_partnerships(user),
            partnership in permissions.editable_partnerships(user),
            permissions.can_edit_partnership(user, partnership),
            permissions.can_view_coverage(user),
        )

    assert facts(operator_a) == (True, True, True, False)
    assert facts(city_staff) == (True, True, True, True)
    assert facts(animator) == (True, False, False, True)
    assert facts(team_member) == (True, False, False, True)
    assert facts(operator_b) == (False, False, False, False)


API = [
    ("get", "/api/v1/partnerships/"),
    ("get", "/api/v1/partnerships/{pk}/"),
    ("get", "/api/v1/partnership-members/"),
    ("get", "/api/v1/partnership-meetings/"),
    ("get", "/api/v1/stats/partnership-coverage/"),
]


@pytest.mark.parametrize(("method", "path"), API)
def test_the_api_refuses_anonymous_requests(api_client, method, path, records):
    response = getattr(api_client, method)(path.format(pk=records["partnership"].pk))

    assert response.status_code == 401


def test_api_detail_access_matrix(
    api_client, operator_a, operator_b, centre_b, city_staff, animator, team_member, records
):
    path = f"/api/v1/partnerships/{records['partnership'].pk}/"
    reads, writes = {}, {}
    for user in (operator_a, city_staff, animator, team_member, operator_b):
        api_client.force_authenticate(user)
        reads[user.username] = api_client.get(path).status_code
        writes[user.username] = api_client.patch(path, {"version": 99}, format="json").status_code

    assert reads == {"operator-a": 200, "staff": 200, "animator": 200, "team": 200, "operator-b": 404}
    # The version is stale on purpose: an editor is let through to the conflict (409).
    assert writes == {"operator-a": 409, "staff": 409, "animator": 404, "team": 404, "operator-b": 404}


def test_coverage_is_for_the_network_dashboard(api_client, operator_a, city_staff, animator, team_member):
    statuses = {}
    for user in (operator_a, city_staff, animator, team_member):
        api_client.force_authenticate(user)
        statuses[user.username] = api_client.get("/api/v1/stats/partnership-coverage/?osiedle=x").status_code

    assert statuses == {"operator-a": 403, "staff": 200, "animator": 200, "team": 200}
