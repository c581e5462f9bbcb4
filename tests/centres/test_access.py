"""Who may see and edit what: the access module, and the same rules at every door
(workspace pages and the API)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from centres import access
from centres.access import CITY_GROUP
from centres.models import OperatorTerm
from tests import factories

pytestmark = pytest.mark.django_db


def _end_terms_of(centre):
    start, end = factories.past_term_dates()
    OperatorTerm.objects.filter(centre=centre).update(start=start, end=end)


# --- roles -------------------------------------------------------------------------------


def test_city_staff_need_both_is_staff_and_the_city_group(city_staff):
    staff_without_group = factories.UserFactory(is_staff=True)
    group_without_staff = factories.UserFactory(groups=[CITY_GROUP])

    assert access.is_city_staff(city_staff) is True
    assert access.is_city_staff(staff_without_group) is False
    assert access.is_city_staff(group_without_staff) is False


def test_a_superuser_is_city_staff(db):
    assert access.is_city_staff(factories.UserFactory(is_superuser=True)) is True


def test_an_inactive_city_staff_user_has_no_role(city_staff):
    city_staff.is_active = False
    city_staff.save()

    assert access.is_city_staff(city_staff) is False
    assert access.roles(city_staff) == []
    assert access.editable_centres(city_staff).count() == 0


def test_anonymous_user_has_no_role_and_edits_nothing(centre_a):
    anonymous = AnonymousUser()

    assert access.roles(anonymous) == []
    assert access.editable_centres(anonymous).count() == 0
    assert access.can_edit_centre(anonymous, centre_a) is False
    assert access.visible_operator_terms(anonymous).count() == 0
    assert access.visible_organizations(anonymous).count() == 0


def test_roles_of_each_kind_of_user(city_staff, animator, team_member, operator_a):
    assert access.roles(city_staff) == ["city"]
    assert access.roles(animator) == ["network-animator"]
    assert access.roles(team_member) == ["standing-team"]
    assert access.roles(operator_a) == ["operator"]


def test_a_member_of_an_organisation_without_a_current_term_is_no_operator(operator_a, centre_a):
    _end_terms_of(centre_a)

    assert access.is_operator(operator_a) is False
    assert access.roles(operator_a) == []


def test_can_view_network(city_staff, animator, team_member, operator_a):
    assert [access.can_view_network(u) for u in (city_staff, animator, team_member, operator_a)] == [
        True,
        True,
        True,
        False,
    ]


# --- editable centres ---------------------------------------------------------------------


def test_city_staff_edit_every_centre(city_staff, centre_a, centre_b):
    assert set(access.editable_centres(city_staff)) == {centre_a, centre_b}
    assert access.can_edit_centre(city_staff, centre_b) is True


def test_operator_edits_only_the_centre_of_their_organisation(operator_a, centre_a, centre_b):
    assert list(access.editable_centres(operator_a)) == [centre_a]
    assert access.can_edit_centre(operator_a, centre_a) is True
    assert access.can_edit_centre(operator_a, centre_b) is False


def test_operator_loses_write_access_when_the_term_ends(operator_a, centre_a):
    _end_terms_of(centre_a)

    assert access.can_edit_centre(operator_a, centre_a) is False


def test_a_term_that_starts_in_the_future_gives_no_access_yet(operator_a, centre_a):
    OperatorTerm.objects.filter(centre=centre_a).update(start=timezone.localdate() + timedelta(days=1))

    assert access.can_edit_centre(operator_a, centre_a) is False


def test_a_term_ending_today_still_gives_access(operator_a, centre_a):
    OperatorTerm.objects.filter(centre=centre_a).update(end=timezone.localdate())

    assert access.can_edit_centre(operator_a, centre_a) is True


@pytest.mark.parametrize("fixture", ["animator", "team_member"])
def test_network_roles_edit_no_centre(request, fixture, centre_a, centre_b):
    user = request.getfixturevalue(fixture)

    assert access.editable_centres(user).count() == 0


# --- operator terms and organisations ----------------------------------------------------


@pytest.mark.parametrize("fixture", ["city_staff", "animator", "team_member"])
def test_city_staff_and_network_roles_see_every_term(request, fixture, centre_a, centre_b):
    user = request.getfixturevalue(fixture)

    assert set(access.visible_operator_terms(user)) == set(OperatorTerm.objects.all())
    assert access.visible_operator_terms(user).count() == 2


def test_operator_sees_only_the_terms_of_their_organisations_including_ended_ones(
    operator_a, centre_a, centre_b
):
    # Given organisation A also ran another centre in the past
    organization_a = centre_a.terms.get().organization
    start, end = factories.past_term_dates()
    old = factories.OperatorTermFactory(organization=organization_a, start=start, end=end)

    terms = access.visible_operator_terms(operator_a)

    assert set(terms) == {centre_a.terms.get(), old}


def test_signed_in_users_see_the_organisation_registry(operator_a, centre_b):
    assert access.visible_organizations(operator_a).count() == 2


def test_only_city_staff_manage_the_registry(city_staff, animator, team_member, operator_a):
    assert [access.can_manage_registry(u) for u in (city_staff, animator, team_member, operator_a)] == [
        True,
        False,
        False,
        False,
    ]


# --- the same rules at every door --------------------------------------------------------


def test_anonymous_user_is_sent_to_log_in_from_the_workspace(client, centre_a):
    for path in ("/workspace/", f"/workspace/centres/{centre_a.slug}/"):
        response = client.get(path)

        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={path}"


def test_anonymous_post_to_the_edit_page_is_sent_to_log_in_and_changes_nothing(client, centre_a):
    path = f"/workspace/centres/{centre_a.slug}/"

    response = client.post(path, {"version": 1, "description": "Anonim"})

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"
    centre_a.refresh_from_db()
    assert centre_a.description == "Miejsce spotkań sąsiedzkich."


def test_another_operator_gets_404_on_the_workspace_page_of_a_centre(client, operator_b, centre_a):
    client.force_login(operator_b)
    path = f"/workspace/centres/{centre_a.slug}/"

    assert client.get(path).status_code == 404
    assert client.post(path, {"version": 1, "description": "Obcy"}).status_code == 404
    centre_a.refresh_from_db()
    assert centre_a.description == "Miejsce spotkań sąsiedzkich."


def test_operator_with_an_ended_term_gets_404_in_the_workspace_but_the_public_page_stays(
    client, operator_a, centre_a
):
    _end_terms_of(centre_a)
    client.force_login(operator_a)

    assert client.get(f"/workspace/centres/{centre_a.slug}/").status_code == 404
    assert client.get(f"/centres/{centre_a.slug}/").status_code == 200


@pytest.mark.parametrize("fixture", ["animator", "team_member"])
def test_network_roles_get_404_on_the_edit_page(request, client, fixture, centre_a):
    client.force_login(request.getfixturevalue(fixture))

    assert client.get(f"/workspace/centres/{centre_a.slug}/").status_code == 404


def test_city_staff_open_the_edit_page_of_any_centre(client, city_staff, centre_a, centre_b):
    client.force_login(city_staff)

    assert client.get(f"/workspace/centres/{centre_a.slug}/").status_code == 200
    assert client.get(f"/workspace/centres/{centre_b.slug}/").status_code == 200


def test_another_operator_gets_404_on_api_writes(api_client, operator_b, centre_a):
    api_client.force_authenticate(operator_b)

    for method in (api_client.patch, api_client.put):
        response = method(
            f"/api/v1/centres/{centre_a.slug}/", {"version": 1, "description": "Obcy"}, format="json"
        )
        assert response.status_code == 404

    centre_a.refresh_from_db()
    assert centre_a.description == "Miejsce spotkań sąsiedzkich."


def test_operator_with_an_ended_term_gets_404_on_api_writes(api_client, operator_a, centre_a):
    _end_terms_of(centre_a)
    api_client.force_authenticate(operator_a)

    response = api_client.patch(
        f"/api/v1/centres/{centre_a.slug}/", {"version": 1, "description": "Po terminie"}, format="json"
    )

    assert response.status_code == 404
    assert api_client.get(f"/api/v1/centres/{centre_a.slug}/").status_code == 200


@pytest.mark.parametrize("fixture", ["animator", "team_member"])
def test_network_roles_get_404_on_api_writes(request, api_client, fixture, centre_a):
    api_client.force_authenticate(request.getfixturevalue(fixture))

    response = api_client.patch(f"/api/v1/centres/{centre_a.slug}/", {"version": 1}, format="json")

    assert response.status_code == 404


def test_city_staff_edit_any_centre_through_the_api(api_client, city_staff, centre_b):
    api_client.force_authenticate(city_staff)

    response = api_client.patch(
        f"/api/v1/centres/{centre_b.slug}/", {"version": 1, "description": "Od miasta"}, format="json"
    )

    assert response.status_code == 200
    centre_b.refresh_from_db()
    assert centre_b.description == "Od miasta"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("patch", "/api/v1/centres/cal-szczepin/"),
        ("put", "/api/v1/centres/cal-szczepin/"),
        ("get", "/api/v1/me/"),
        ("get", "/api/v1/organizations/"),
        ("post", "/api/v1/organizations/"),
        ("get", "/api/v1/operator-terms/"),
        ("post", "/api/v1/operator-terms/"),
    ],
)
def test_anonymous_api_requests_that_need_a_user_are_401(api_client, centre_a, method, path):
    response = getattr(api_client, method)(path, {"version": 1, "description": "Anonim"}, format="json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_anonymous_reads_public_api_collections(api_client, centre_a):
    assert api_client.get("/api/v1/centres/").status_code == 200
    assert api_client.get(f"/api/v1/centres/{centre_a.slug}/").status_code == 200
    assert api_client.get("/api/v1/osiedla/").status_code == 200


@pytest.mark.parametrize("fixture", ["operator_a", "animator", "team_member"])
def test_only_city_staff_write_the_registry_through_the_api(request, api_client, fixture, centre_b):
    api_client.force_authenticate(request.getfixturevalue(fixture))
    organization = centre_b.terms.get().organization
    name = organization.name

    created = api_client.post("/api/v1/organizations/", {"name": "X", "kind": "ngo"}, format="json")
    changed = api_client.patch(f"/api/v1/organizations/{organization.pk}/", {"name": "Y"}, format="json")
    term = api_client.post(
        "/api/v1/operator-terms/",
        {"centre": centre_b.slug, "organization": organization.pk, "start": "2030-01-01"},
        format="json",
    )

    assert (created.status_code, changed.status_code, term.status_code) == (403, 403, 403)
    organization.refresh_from_db()
    assert organization.name == name
    assert centre_b.terms.count() == 1


def test_operator_reads_only_their_own_terms_through_the_api(api_client, operator_a, centre_a, centre_b):
    api_client.force_authenticate(operator_a)

    response = api_client.get("/api/v1/operator-terms/")
    other = api_client.get(f"/api/v1/operator-terms/{centre_b.terms.get().pk}/")

    assert [t["centre"] for t in response.json()["results"]] == [centre_a.slug]
    assert other.status_code == 404


@pytest.mark.parametrize("fixture", ["animator", "team_member", "city_staff"])
def test_network_roles_read_every_term_through_the_api(request, api_client, fixture, centre_a, centre_b):
    api_client.force_authenticate(request.getfixturevalue(fixture))

    response = api_client.get("/api/v1/operator-terms/")

    assert sorted(t["centre"] for t in response.json()["results"]) == [centre_b.slug, centre_a.slug]
