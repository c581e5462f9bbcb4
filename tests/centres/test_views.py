import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext

from centres.models import CentreStatus, District, OperatorTerm
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

CONFLICT_MESSAGE = (
    "Someone else changed this centre while you were editing it. "
    "Your changes were not saved: reload the page to see the current version."
)
INITIAL_DESCRIPTION = "Miejsce spotkań sąsiedzkich."


@pytest.fixture(autouse=True)
def _english(client, settings):
    """Polish is the default language; tests that read message texts choose English
    the way a visitor does (the language switch's cookie)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _profile_data(centre, **changes):
    data = {
        "version": centre.version,
        "description": centre.description,
        "opening_hours": centre.opening_hours,
        "accessibility_notes": centre.accessibility_notes,
        "email": centre.email,
        "phone": centre.phone,
        "website": centre.website,
    }
    return {**data, **changes}


def _count_queries(client, path, user=None):
    if user is not None:
        # A fresh user object per request, as in production: access caches groups on it.
        client.force_login(get_user_model().objects.get(pk=user.pk))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _add_operated_centres(count):
    for _ in range(count):
        term = factories.OperatorTermFactory()
        term.centre.served_osiedla.set([factories.OsiedleFactory()])


# --- public pages ------------------------------------------------------------------------


def test_home_lists_public_centres_with_their_operators(client, centre_a, centre_b):
    closed = factories.CentreFactory(name="CAL Zamknięty", status=CentreStatus.CLOSED)

    response = client.get("/")

    assert response.status_code == 200
    assert response.context["centres"] == [centre_b, centre_a]
    assert [f["id"] for f in response.context["centres_geojson"]["features"]] == [
        "cal-gajowice",
        "cal-szczepin",
    ]
    content = response.content.decode()
    assert "CAL Szczepin" in content
    assert centre_a.terms.get().organization.name in content
    assert closed.name not in content


def test_home_filters_by_osiedle_and_district(client, db):
    osiedle = factories.OsiedleFactory(district=District.PSIE_POLE)
    inside = factories.CentreFactory(name="CAL W Środku", primary_osiedle=osiedle)
    factories.CentreFactory(name="CAL Gdzie Indziej")

    by_osiedle = client.get(f"/?osiedle={osiedle.slug}")
    by_district = client.get("/?district=psie-pole")

    assert by_osiedle.context["centres"] == [inside]
    assert by_district.context["centres"] == [inside]


@pytest.mark.parametrize("query", ["osiedle=nie-ma", "district=mars", "status=x", "q=" + "x" * 300])
def test_home_with_invalid_filters_is_not_500(client, centre_a, query):
    response = client.get(f"/?{query}")

    assert response.status_code == 200


def test_home_query_count_does_not_grow_with_rows(client, db):
    _add_operated_centres(2)
    at_two = _count_queries(client, "/")
    _add_operated_centres(18)

    assert _count_queries(client, "/") == at_two


def test_centre_page_shows_the_profile_and_operator(client, centre_a):
    response = client.get("/centres/cal-szczepin/")

    assert response.status_code == 200
    assert response.context["centre"] == centre_a
    assert response.context["can_edit"] is False
    content = response.content.decode()
    assert INITIAL_DESCRIPTION in content
    assert centre_a.terms.get().organization.name in content


def test_centre_page_tells_its_operator_they_can_edit(client, operator_a, centre_a):
    client.force_login(operator_a)

    response = client.get("/centres/cal-szczepin/")

    assert response.context["can_edit"] is True
    assert "/workspace/centres/cal-szczepin/" in response.content.decode()


def test_closed_centre_keeps_its_page(client, db):
    closed = factories.CentreFactory(status=CentreStatus.CLOSED)

    assert client.get(f"/centres/{closed.slug}/").status_code == 200


@pytest.mark.parametrize("path", ["/centres/nie-ma-takiego/", "/nie-ma-takiej-strony/"])
def test_unknown_pages_are_a_404_page(client, db, path):
    response = client.get(path)

    assert response.status_code == 404
    assert '<main id="main"' in response.content.decode()


def test_open_data_page_counts_public_centres(client, centre_a, centre_b):
    factories.CentreFactory(status=CentreStatus.CLOSED)

    response = client.get("/open-data/")

    assert response.status_code == 200
    assert response.context["centre_count"] == 2
    content = response.content.decode()
    assert "/open-data/centres.csv" in content
    assert "/open-data/centres.geojson" in content


def test_public_pages_refuse_post(client, centre_a):
    assert client.post("/").status_code == 405
    assert client.post("/centres/cal-szczepin/").status_code == 405


# --- log in and where each role lands ----------------------------------------------------


def test_operator_logs_in_and_lands_in_the_workspace(client, operator_a):
    response = client.post("/accounts/login/", {"username": "operator-a", "password": PASSWORD}, follow=True)

    assert response.redirect_chain == [("/accounts/welcome/", 302), ("/workspace/", 302)]
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("fixture", "landing"),
    [("city_staff", "/admin/"), ("animator", "/network/"), ("team_member", "/network/")],
)
def test_other_roles_land_where_their_work_is(request, client, fixture, landing):
    client.force_login(request.getfixturevalue(fixture))

    response = client.get("/accounts/welcome/")

    assert response.status_code == 302
    assert response["Location"] == landing


def test_login_page_renders_username_and_password_fields(client, db):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="username"' in content
    assert 'name="password"' in content


def test_wrong_password_shows_the_form_again(client, operator_a):
    response = client.post("/accounts/login/", {"username": "operator-a", "password": "wrong"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Please enter a correct username and password. Note that both fields may be case-sensitive."
    ]
    assert "_auth_user_id" not in client.session


def test_five_failed_logins_lock_the_account_even_for_the_right_password(client, operator_a, settings):
    # Given five failed attempts for one username
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(5):
        client.post("/accounts/login/", {"username": "operator-a", "password": "wrong"})

    # When the right password is tried
    response = client.post("/accounts/login/", {"username": "operator-a", "password": PASSWORD})

    # Then the lock-out page is shown and nobody is logged in
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "/accounts/password_reset/" in response.content.decode()


def test_four_failed_logins_do_not_lock_the_account(client, operator_a):
    for _ in range(4):
        client.post("/accounts/login/", {"username": "operator-a", "password": "wrong"})

    response = client.post("/accounts/login/", {"username": "operator-a", "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(operator_a.pk)


# --- the workspace -----------------------------------------------------------------------


def test_workspace_lists_the_operators_centres_and_organisations(client, operator_a, centre_a, centre_b):
    client.force_login(operator_a)

    response = client.get("/workspace/")

    assert response.status_code == 200
    assert list(response.context["centres"]) == [centre_a]
    assert [m.organization for m in response.context["memberships"]] == [centre_a.terms.get().organization]
    assert "/workspace/centres/cal-szczepin/" in response.content.decode()
    assert "/workspace/centres/cal-gajowice/" not in response.content.decode()


def test_workspace_of_an_operator_whose_term_ended_is_empty(client, operator_a, centre_a):
    start, end = factories.past_term_dates()
    OperatorTerm.objects.filter(centre=centre_a).update(start=start, end=end)
    client.force_login(operator_a)

    response = client.get("/workspace/")

    assert list(response.context["centres"]) == []


def test_workspace_query_count_does_not_grow_with_rows(client, city_staff):
    _add_operated_centres(2)
    at_two = _count_queries(client, "/workspace/", user=city_staff)
    _add_operated_centres(18)

    assert _count_queries(client, "/workspace/", user=city_staff) == at_two


def test_edit_page_carries_the_version_read(client, operator_a, centre_a):
    client.force_login(operator_a)

    response = client.get("/workspace/centres/cal-szczepin/")

    assert response.status_code == 200
    assert response.context["form"].initial["version"] == 1
    assert 'name="version" value="1"' in response.content.decode()


def test_operator_saves_the_profile_and_sees_a_message(client, operator_a, centre_a):
    client.force_login(operator_a)

    response = client.post(
        "/workspace/centres/cal-szczepin/", _profile_data(centre_a, description="Nowy opis centrum")
    )

    assert response.status_code == 302
    assert response["Location"] == "/workspace/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "The profile of CAL Szczepin has been saved."
    ]
    centre_a.refresh_from_db()
    assert centre_a.description == "Nowy opis centrum"
    assert centre_a.version == 2


def test_success_message_is_shown_on_the_workspace(client, operator_a, centre_a):
    client.force_login(operator_a)

    response = client.post(
        "/workspace/centres/cal-szczepin/", _profile_data(centre_a, description="Opis"), follow=True
    )

    assert "The profile of CAL Szczepin has been saved." in response.content.decode()


def test_second_edit_from_the_same_version_is_refused_with_the_conflict_message(
    client, operator_a, city_staff, centre_a
):
    # Given the operator and city staff both opened the form at version 1
    read = _profile_data(centre_a)
    client.force_login(operator_a)
    first = client.post("/workspace/centres/cal-szczepin/", {**read, "description": "Wersja operatora"})

    # When city staff save from that same version
    client.force_login(city_staff)
    second = client.post("/workspace/centres/cal-szczepin/", {**read, "description": "Wersja miasta"})

    # Then they see the conflict on the form and the operator's text is kept
    assert first.status_code == 302
    assert second.status_code == 200
    assert second.context["form"].non_field_errors() == [CONFLICT_MESSAGE]
    assert CONFLICT_MESSAGE in second.content.decode()
    centre_a.refresh_from_db()
    assert centre_a.description == "Wersja operatora"
    assert centre_a.version == 2


def test_invalid_email_is_a_form_error_and_saves_nothing(client, operator_a, centre_a):
    client.force_login(operator_a)

    response = client.post("/workspace/centres/cal-szczepin/", _profile_data(centre_a, email="zly-adres"))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["email"]
    assert 'aria-invalid="true"' in response.content.decode()
    centre_a.refresh_from_db()
    assert centre_a.version == 1


def test_missing_version_is_a_form_error(client, operator_a, centre_a):
    client.force_login(operator_a)
    data = _profile_data(centre_a, description="Bez wersji")
    del data["version"]

    response = client.post("/workspace/centres/cal-szczepin/", data)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["version"]
    centre_a.refresh_from_db()
    assert centre_a.description == INITIAL_DESCRIPTION


def test_status_cannot_be_changed_through_the_workspace_form(client, operator_a, centre_a):
    client.force_login(operator_a)

    client.post("/workspace/centres/cal-szczepin/", _profile_data(centre_a, status="zamkniety"))

    centre_a.refresh_from_db()
    assert centre_a.status == CentreStatus.ACTIVE
    assert centre_a.version == 2


def test_a_signed_in_user_without_a_role_lands_on_the_home_page(client, db):
    client.force_login(factories.UserFactory(username="resident"))

    response = client.get("/accounts/welcome/")

    assert response["Location"] == "/"


def test_the_navigation_shows_each_role_its_areas(client, animator, operator_a, db, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def labels() -> list[str]:
        html = client.get("/").content.decode()
        nav = html.split('id="main-nav-list"', 1)[1].split("</ul>", 1)[0]
        return [label for label in ("Good practices", "Network", "My workspace") if f">{label}<" in nav]

    assert labels() == ["Good practices"]
    client.force_login(animator)
    assert labels() == ["Good practices", "Network"]
    client.force_login(operator_a)
    assert labels() == ["Good practices", "Network", "My workspace"]
