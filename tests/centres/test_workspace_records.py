"""The operator workspace: the centre's navigation, the home page's figures, and the
pages of a centre's resources and groups (list, add, edit, delete)."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from centres import extensions
from centres.extensions import WorkspaceLink
from centres.models import Group, GroupKind, Resource, ResourceCategory, ResourceKind
from tests import factories

pytestmark = pytest.mark.django_db


def assert_conflict_shown(response):
    """The form's one error is the service's conflict, shown at the top as an alert."""
    errors = response.context["form"].non_field_errors()
    assert [error.code for error in errors.as_data()] == ["conflict"]
    content = response.content.decode()
    assert '<div class="form-errors" role="alert">' in content
    assert f"<li>{escape(errors[0])}</li>" in content


@pytest.fixture(autouse=True)
def _english(client, settings):
    """Polish is the default language; these tests read English texts, chosen the way a
    visitor does (the language switch's cookie)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def resource_a(centre_a):
    return factories.ResourceFactory(centre=centre_a, name="Sala warsztatowa", capacity=25)


@pytest.fixture
def group_a(centre_a):
    return factories.GroupFactory(centre=centre_a, name="Klub Seniora")


def _fresh(user):
    """A fresh user object per request, as in production: access caches roles on it."""
    return get_user_model().objects.get(pk=user.pk)


def _count_queries(client, path, user):
    client.force_login(_fresh(user))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _resource_data(**changes):
    data = {
        "kind": ResourceKind.MATERIAL,
        "category": ResourceCategory.ROOM,
        "name": "Sala spotkań",
        "description": "Na parterze, wejście od podwórza.",
        "capacity": "40",
        "accessible": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _group_data(**changes):
    data = {
        "name": "Grupa wsparcia rodziców",
        "kind": GroupKind.SELF_HELP,
        "meets": "czwartki 17:00",
        "description": "",
        "members_count": "8",
        "active": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# --- who may open the pages ------------------------------------------------------------

RECORD_PATHS = [
    "/workspace/centres/{slug}/resources/",
    "/workspace/centres/{slug}/resources/new/",
    "/workspace/centres/{slug}/resources/{resource}/",
    "/workspace/centres/{slug}/resources/{resource}/delete/",
    "/workspace/centres/{slug}/groups/",
    "/workspace/centres/{slug}/groups/new/",
    "/workspace/centres/{slug}/groups/{group}/",
    "/workspace/centres/{slug}/groups/{group}/delete/",
]


def _path(template, slug, resource, group):
    return template.format(slug=slug, resource=resource.pk, group=group.pk)


@pytest.mark.parametrize("template", RECORD_PATHS)
@pytest.mark.parametrize("fixture", ["operator_a", "city_staff"])
def test_the_centres_operator_and_city_staff_open_every_page(
    request, client, template, fixture, resource_a, group_a
):
    client.force_login(request.getfixturevalue(fixture))

    response = client.get(_path(template, "cal-szczepin", resource_a, group_a))

    assert response.status_code == 200


@pytest.mark.parametrize("template", RECORD_PATHS)
@pytest.mark.parametrize("fixture", ["operator_b", "animator", "team_member"])
def test_others_get_a_404_for_another_centres_pages(request, client, template, fixture, resource_a, group_a):
    client.force_login(request.getfixturevalue(fixture))

    response = client.get(_path(template, "cal-szczepin", resource_a, group_a))

    assert response.status_code == 404


@pytest.mark.parametrize("template", [t for t in RECORD_PATHS if "{resource}" in t or "{group}" in t])
def test_another_centres_record_under_ones_own_centre_is_a_404(
    client, template, operator_b, centre_b, resource_a, group_a
):
    client.force_login(operator_b)

    response = client.get(_path(template, "cal-gajowice", resource_a, group_a))

    assert response.status_code == 404


@pytest.mark.parametrize("template", RECORD_PATHS)
def test_anonymous_visitors_are_sent_to_log_in(client, template, resource_a, group_a):
    path = _path(template, "cal-szczepin", resource_a, group_a)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


@pytest.mark.parametrize(
    ("template", "data"),
    [
        ("/workspace/centres/{slug}/resources/new/", _resource_data()),
        (
            "/workspace/centres/{slug}/resources/{resource}/",
            {**_resource_data(name="Przejęta"), "version": 1},
        ),
        ("/workspace/centres/{slug}/resources/{resource}/delete/", {"version": 1}),
        ("/workspace/centres/{slug}/groups/new/", _group_data()),
        ("/workspace/centres/{slug}/groups/{group}/", {**_group_data(name="Przejęta"), "version": 1}),
        ("/workspace/centres/{slug}/groups/{group}/delete/", {"version": 1}),
    ],
)
def test_another_operator_cannot_write_to_a_centre(client, operator_b, resource_a, group_a, template, data):
    client.force_login(operator_b)
    # A record of centre A is not found under centre B's own slug either.
    slugs = ["cal-szczepin"] if template.endswith("/new/") else ["cal-szczepin", "cal-gajowice"]

    for slug in slugs:
        response = client.post(_path(template, slug, resource_a, group_a), data)
        assert response.status_code == 404

    assert list(Resource.objects.values_list("name", "version")) == [("Sala warsztatowa", 1)]
    assert list(Group.objects.values_list("name", "version")) == [("Klub Seniora", 1)]


def test_operator_whose_term_ended_gets_a_404(client, operator_a, centre_a, resource_a):
    start, end = factories.past_term_dates()
    centre_a.terms.update(start=start, end=end)
    client.force_login(operator_a)

    assert client.get("/workspace/centres/cal-szczepin/resources/").status_code == 404


# --- the centre's navigation -------------------------------------------------------------


def test_centre_navigation_links_every_area_and_marks_the_current_one(client, operator_a, centre_a):
    client.force_login(operator_a)

    content = client.get("/workspace/centres/cal-szczepin/resources/").content.decode()

    assert '<nav class="centre-nav" aria-label="Workspace of CAL Szczepin">' in content
    for path in ("", "activities/", "volunteers/", "groups/"):
        assert f'<a href="/workspace/centres/cal-szczepin/{path}">' in content
    assert '<a href="/workspace/centres/cal-szczepin/resources/" aria-current="page">Resources</a>' in content


def test_profile_page_has_the_centre_navigation_with_profile_current(client, operator_a, centre_a):
    client.force_login(operator_a)

    content = client.get("/workspace/centres/cal-szczepin/").content.decode()

    assert '<a href="/workspace/centres/cal-szczepin/" aria-current="page">Profile</a>' in content
    assert '<a href="/workspace/centres/cal-szczepin/groups/">Groups</a>' in content


def test_profile_conflict_shows_what_was_saved_meanwhile(client, operator_a, city_staff, centre_a):
    read = {
        "version": 1,
        "description": centre_a.description,
        "opening_hours": centre_a.opening_hours,
        "accessibility_notes": "",
        "email": "",
        "phone": "",
        "website": "",
    }
    client.force_login(operator_a)
    client.post("/workspace/centres/cal-szczepin/", {**read, "phone": "71 123 45 67"})
    client.force_login(city_staff)

    response = client.post("/workspace/centres/cal-szczepin/", {**read, "phone": "71 999 99 99"})

    assert_conflict_shown(response)
    assert response.context["conflict"]["differences"] == [
        {"label": "Phone", "saved": "71 123 45 67", "yours": "71 999 99 99"}
    ]
    assert 'name="version" value="2"' in response.content.decode()
    centre_a.refresh_from_db()
    assert centre_a.phone == "71 123 45 67"


def test_centre_navigation_shows_links_registered_by_higher_apps(client, operator_a, centre_a, monkeypatch):
    monkeypatch.setattr(
        extensions,
        "_workspace_links",
        [WorkspaceLink(label="Partnerships", url_name="centres:centre-detail")],
    )
    client.force_login(operator_a)

    content = client.get("/workspace/centres/cal-szczepin/groups/").content.decode()

    assert '<li><a href="/centres/cal-szczepin/">Partnerships</a></li>' in content


# --- the workspace home --------------------------------------------------------------------


def test_workspace_home_shows_each_centres_areas_and_figures(client, operator_a, centre_a, centre_b):
    # Given centre A's records, some of which do not count, and centre B's
    now = timezone.now()
    factories.ActivityFactory.create_batch(2, centre=centre_a)
    factories.ActivityFactory(
        centre=centre_a, start=now - timedelta(days=3), end=now - timedelta(days=3, hours=-2)
    )
    factories.ResourceFactory.create_batch(3, centre=centre_a)
    factories.VolunteerFactory.create_batch(2, centre=centre_a)
    factories.VolunteerFactory(centre=centre_a, active=False)
    factories.GroupFactory(centre=centre_a)
    factories.GroupFactory(centre=centre_a, active=False)
    factories.ResourceFactory(centre=centre_b)
    client.force_login(operator_a)

    # When the operator opens the workspace
    response = client.get("/workspace/")

    # Then their centre shows its figures and a link to each area
    [centre] = response.context["centres"]
    assert centre == centre_a
    assert (
        centre.upcoming_activity_count,
        centre.resource_count,
        centre.active_volunteer_count,
        centre.active_group_count,
    ) == (2, 3, 2, 1)
    content = " ".join(response.content.decode().split())
    for area, figure in [
        ("activities", "2 upcoming"),
        ("resources", "3 recorded"),
        ("volunteers", "2 active"),
        ("groups", "1 active"),
    ]:
        link = f'<a href="/workspace/centres/cal-szczepin/{area}/">{area.capitalize()}'
        assert link in content
        figure_html = f'<span class="workspace-areas__figure">{figure}</span>'
        assert f'{link}<span class="visually-hidden">: CAL Szczepin</span></a> {figure_html}' in content
    assert "/workspace/centres/cal-gajowice/" not in content


def test_erased_volunteers_are_not_counted_as_active(client, operator_a, centre_a, city_staff):
    from centres import services

    volunteer = factories.VolunteerFactory(centre=centre_a)
    services.volunteer_erase(volunteer=volunteer, actor=city_staff)
    client.force_login(operator_a)

    [centre] = client.get("/workspace/").context["centres"]

    assert centre.active_volunteer_count == 0


def _add_centres_with_records(count):
    for _ in range(count):
        term = factories.OperatorTermFactory()
        centre = term.centre
        centre.served_osiedla.set([factories.OsiedleFactory()])
        factories.ActivityFactory(centre=centre)
        factories.ResourceFactory(centre=centre)
        factories.VolunteerFactory(centre=centre)
        factories.GroupFactory(centre=centre)


def test_workspace_home_query_count_is_flat_in_the_number_of_centres(client, city_staff):
    _add_centres_with_records(2)
    at_two = _count_queries(client, "/workspace/", city_staff)
    _add_centres_with_records(18)

    assert _count_queries(client, "/workspace/", city_staff) == at_two


# --- resources -------------------------------------------------------------------------------


def test_resource_list_shows_the_centres_resources_only(client, operator_a, centre_a, centre_b, resource_a):
    factories.ResourceFactory(centre=centre_b, name="Sala innego centrum")
    client.force_login(operator_a)

    response = client.get("/workspace/centres/cal-szczepin/resources/")

    assert list(response.context["resources"]) == [resource_a]
    content = response.content.decode()
    assert (
        f'<a href="/workspace/centres/cal-szczepin/resources/{resource_a.pk}/">Sala warsztatowa</a>'
        in content
    )
    assert "Sala innego centrum" not in content
    assert set(response.context["filter_form"].fields) == {"kind", "category", "shareable"}


def test_resource_list_filters_by_kind(client, operator_a, centre_a, resource_a):
    skills = factories.ResourceFactory(
        centre=centre_a,
        kind=ResourceKind.IMMATERIAL,
        category=ResourceCategory.RESIDENT_SKILLS,
        name="Szycie",
    )
    client.force_login(operator_a)

    response = client.get("/workspace/centres/cal-szczepin/resources/?kind=niematerialny")

    assert list(response.context["resources"]) == [skills]
    assert response.context["filtered"] is True


@pytest.mark.parametrize("query", ["kind=nie-ma", "category=x", "shareable=maybe", "centre=cal-gajowice"])
def test_resource_list_with_odd_filters_is_not_500(client, operator_a, resource_a, centre_b, query):
    client.force_login(operator_a)

    response = client.get(f"/workspace/centres/cal-szczepin/resources/?{query}")

    assert response.status_code == 200


def test_resource_list_query_count_is_flat(client, operator_a, centre_a):
    factories.ResourceFactory.create_batch(2, centre=centre_a)
    at_two = _count_queries(client, "/workspace/centres/cal-szczepin/resources/", operator_a)
    factories.ResourceFactory.create_batch(18, centre=centre_a)

    assert _count_queries(client, "/workspace/centres/cal-szczepin/resources/", operator_a) == at_two


def test_resource_form_groups_categories_by_kind(client, operator_a, centre_a):
    client.force_login(operator_a)

    content = client.get("/workspace/centres/cal-szczepin/resources/new/").content.decode()

    assert '<optgroup label="material">' in content
    assert '<optgroup label="immaterial">' in content
    assert 'name="version"' not in content


def test_operator_adds_a_resource(client, operator_a, centre_a):
    client.force_login(operator_a)

    response = client.post("/workspace/centres/cal-szczepin/resources/new/", _resource_data())

    assert response.status_code == 302
    assert response["Location"] == "/workspace/centres/cal-szczepin/resources/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "The resource “Sala spotkań” has been added."
    ]
    resource = Resource.objects.get()
    assert (resource.centre, resource.kind, resource.category, resource.name, resource.capacity) == (
        centre_a,
        "materialny",
        "sala",
        "Sala spotkań",
        40,
    )
    assert (resource.accessible, resource.shareable, resource.version) == (True, False, 1)


def test_operator_edits_a_resource(client, operator_a, resource_a):
    client.force_login(operator_a)
    form = client.get(f"/workspace/centres/cal-szczepin/resources/{resource_a.pk}/")
    assert 'name="version" value="1"' in form.content.decode()

    response = client.post(
        f"/workspace/centres/cal-szczepin/resources/{resource_a.pk}/",
        {**_resource_data(name="Sala duża", capacity="60", shareable="on"), "version": 1},
    )

    assert response.status_code == 302
    assert response["Location"] == "/workspace/centres/cal-szczepin/resources/"
    resource_a.refresh_from_db()
    assert (resource_a.name, resource_a.capacity, resource_a.shareable, resource_a.version) == (
        "Sala duża",
        60,
        True,
        2,
    )


def test_city_staff_edit_an_operators_resource(client, city_staff, resource_a):
    client.force_login(city_staff)

    response = client.post(
        f"/workspace/centres/cal-szczepin/resources/{resource_a.pk}/",
        {**_resource_data(name="Sala poprawiona"), "version": 1},
    )

    assert response.status_code == 302
    resource_a.refresh_from_db()
    assert resource_a.name == "Sala poprawiona"


def test_category_of_another_kind_is_refused_and_nothing_is_saved(client, operator_a, centre_a):
    client.force_login(operator_a)

    response = client.post(
        "/workspace/centres/cal-szczepin/resources/new/",
        _resource_data(kind=ResourceKind.IMMATERIAL, category=ResourceCategory.ROOM),
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "category": ["This category does not belong to the chosen kind of resource."]
    }
    assert "This category does not belong to the chosen kind of resource." in response.content.decode()
    assert Resource.objects.count() == 0


def test_category_of_another_kind_is_refused_on_edit(client, operator_a, resource_a):
    client.force_login(operator_a)

    response = client.post(
        f"/workspace/centres/cal-szczepin/resources/{resource_a.pk}/",
        {**_resource_data(kind=ResourceKind.MATERIAL, category=ResourceCategory.CONTACTS), "version": 1},
    )

    assert list(response.context["form"].errors) == ["category"]
    resource_a.refresh_from_db()
    assert (resource_a.category, resource_a.version) == ("sala", 1)


def test_negative_capacity_is_refused(client, operator_a, centre_a):
    client.force_login(operator_a)

    response = client.post("/workspace/centres/cal-szczepin/resources/new/", _resource_data(capacity="-5"))

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "capacity": ["Ensure this value is greater than or equal to 0."]
    }
    assert 'aria-invalid="true"' in response.content.decode()
    assert Resource.objects.count() == 0


def test_edit_page_keeps_the_saved_name_in_its_heading_after_an_error(client, operator_a, resource_a):
    client.force_login(operator_a)

    response = client.post(
        f"/workspace/centres/cal-szczepin/resources/{resource_a.pk}/",
        {**_resource_data(name="Nowa nazwa", capacity="-1"), "version": 1},
    )

    content = response.content.decode()
    assert "<h1>Edit resource: Sala warsztatowa</h1>" in content
    assert 'value="Nowa nazwa"' in content


def test_missing_name_is_refused(client, operator_a, centre_a):
    client.force_login(operator_a)

    response = client.post("/workspace/centres/cal-szczepin/resources/new/", _resource_data(name=""))

    assert list(response.context["form"].errors) == ["name"]
    assert Resource.objects.count() == 0


def test_second_save_from_a_stale_version_shows_the_conflict_and_keeps_the_first(
    client, operator_a, city_staff, resource_a
):
    # Given the operator and city staff both opened the form at version 1
    path = f"/workspace/centres/cal-szczepin/resources/{resource_a.pk}/"
    client.force_login(operator_a)
    first = client.post(path, {**_resource_data(name="Wersja operatora"), "version": 1})

    # When city staff save from that same version
    client.force_login(city_staff)
    second = client.post(path, {**_resource_data(name="Wersja miasta", capacity="12"), "version": 1})

    # Then they see the conflict, their input and what is saved now; the operator's change is kept
    assert first.status_code == 302
    assert second.status_code == 200
    assert_conflict_shown(second)
    assert second.context["form"]["name"].value() == "Wersja miasta"
    assert second.context["conflict"] == {
        "deleted": False,
        "differences": [
            {"label": "Name", "saved": "Wersja operatora", "yours": "Wersja miasta"},
            {"label": "Capacity (people)", "saved": "40", "yours": "12"},
        ],
    }
    content = second.content.decode()
    assert "<td>Wersja operatora</td>" in content
    resource_a.refresh_from_db()
    assert (resource_a.name, resource_a.version) == ("Wersja operatora", 2)
    # And the form now carries the saved version: saving again after comparing replaces it
    assert 'name="version" value="2"' in content
    third = client.post(path, {**_resource_data(name="Wersja miasta"), "version": 2})
    assert third.status_code == 302
    resource_a.refresh_from_db()
    assert (resource_a.name, resource_a.version) == ("Wersja miasta", 3)


def test_delete_asks_for_confirmation_first(client, operator_a, resource_a):
    client.force_login(operator_a)

    response = client.get(f"/workspace/centres/cal-szczepin/resources/{resource_a.pk}/delete/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "Delete resource: Sala warsztatowa" in content
    assert 'name="version" value="1"' in content
    assert Resource.objects.count() == 1


def test_operator_deletes_a_resource(client, operator_a, resource_a):
    client.force_login(operator_a)

    response = client.post(
        f"/workspace/centres/cal-szczepin/resources/{resource_a.pk}/delete/", {"version": 1}
    )

    assert response.status_code == 302
    assert response["Location"] == "/workspace/centres/cal-szczepin/resources/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "The resource “Sala warsztatowa” has been deleted."
    ]
    assert Resource.objects.count() == 0


def test_delete_from_a_stale_version_is_refused_and_shows_the_record_as_saved(client, operator_a, resource_a):
    Resource.objects.filter(pk=resource_a.pk).update(name="Zmieniona przez kolegę", version=2)
    client.force_login(operator_a)

    response = client.post(
        f"/workspace/centres/cal-szczepin/resources/{resource_a.pk}/delete/", {"version": 1}
    )

    assert response.status_code == 200
    assert_conflict_shown(response)
    content = response.content.decode()
    assert "Delete resource: Zmieniona przez kolegę" in content
    assert 'name="version" value="2"' in content
    assert Resource.objects.count() == 1


def test_delete_without_a_version_is_refused(client, operator_a, resource_a):
    client.force_login(operator_a)

    response = client.post(f"/workspace/centres/cal-szczepin/resources/{resource_a.pk}/delete/", {})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["version"]
    assert Resource.objects.count() == 1


# --- groups --------------------------------------------------------------------------------


def test_group_list_shows_the_centres_groups_and_filters_them(
    client, operator_a, centre_a, centre_b, group_a
):
    closed = factories.GroupFactory(centre=centre_a, name="Dawny klub", active=False)
    factories.GroupFactory(centre=centre_b, name="Grupa innego centrum")
    client.force_login(operator_a)

    everything = client.get("/workspace/centres/cal-szczepin/groups/")
    inactive = client.get("/workspace/centres/cal-szczepin/groups/?active=false")

    assert list(everything.context["groups"]) == [closed, group_a]
    assert "Grupa innego centrum" not in everything.content.decode()
    assert list(inactive.context["groups"]) == [closed]
    assert set(everything.context["filter_form"].fields) == {"kind", "active"}


def test_group_list_query_count_is_flat(client, operator_a, centre_a):
    factories.GroupFactory.create_batch(2, centre=centre_a)
    at_two = _count_queries(client, "/workspace/centres/cal-szczepin/groups/", operator_a)
    factories.GroupFactory.create_batch(18, centre=centre_a)

    assert _count_queries(client, "/workspace/centres/cal-szczepin/groups/", operator_a) == at_two


def test_operator_adds_a_group(client, operator_a, centre_a):
    client.force_login(operator_a)

    response = client.post("/workspace/centres/cal-szczepin/groups/new/", _group_data())

    assert response.status_code == 302
    assert response["Location"] == "/workspace/centres/cal-szczepin/groups/"
    group = Group.objects.get()
    assert (group.centre, group.name, group.kind, group.meets, group.members_count, group.active) == (
        centre_a,
        "Grupa wsparcia rodziców",
        "samopomocowa",
        "czwartki 17:00",
        8,
        True,
    )


def test_operator_edits_a_group(client, operator_a, group_a):
    client.force_login(operator_a)

    response = client.post(
        f"/workspace/centres/cal-szczepin/groups/{group_a.pk}/",
        {**_group_data(name="Klub Seniora i Seniorki", active=None), "version": 1},
    )

    assert response.status_code == 302
    group_a.refresh_from_db()
    assert (group_a.name, group_a.active, group_a.version) == ("Klub Seniora i Seniorki", False, 2)


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"kind": "sekta"}, "kind"), ({"name": ""}, "name"), ({"members_count": "-1"}, "members_count")],
)
def test_invalid_group_is_refused_and_nothing_is_saved(client, operator_a, centre_a, changes, field):
    client.force_login(operator_a)

    response = client.post("/workspace/centres/cal-szczepin/groups/new/", _group_data(**changes))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert Group.objects.count() == 0


def test_group_conflict_keeps_the_first_change(client, operator_a, city_staff, group_a):
    path = f"/workspace/centres/cal-szczepin/groups/{group_a.pk}/"
    client.force_login(operator_a)
    client.post(path, {**_group_data(name="Pierwsza zmiana"), "version": 1})
    client.force_login(city_staff)

    response = client.post(path, {**_group_data(name="Druga zmiana"), "version": 1})

    assert_conflict_shown(response)
    group_a.refresh_from_db()
    assert (group_a.name, group_a.version) == ("Pierwsza zmiana", 2)


def test_operator_deletes_a_group_after_confirming(client, operator_a, group_a):
    client.force_login(operator_a)
    confirmation = client.get(f"/workspace/centres/cal-szczepin/groups/{group_a.pk}/delete/")

    response = client.post(f"/workspace/centres/cal-szczepin/groups/{group_a.pk}/delete/", {"version": 1})

    assert "Delete group: Klub Seniora" in confirmation.content.decode()
    assert response.status_code == 302
    assert response["Location"] == "/workspace/centres/cal-szczepin/groups/"
    assert Group.objects.count() == 0


def test_group_delete_from_a_stale_version_is_refused(client, operator_a, group_a):
    Group.objects.filter(pk=group_a.pk).update(version=3)
    client.force_login(operator_a)

    response = client.post(f"/workspace/centres/cal-szczepin/groups/{group_a.pk}/delete/", {"version": 1})

    assert_conflict_shown(response)
    assert Group.objects.count() == 1
