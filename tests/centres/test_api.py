import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from centres.models import CentreStatus, District, OperatorTerm, Organization, OrganizationKind
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_by_default(api_client):
    """Polish is the portal's default; tests that read message texts ask for English
    unless they are about the default language."""
    api_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


CONFLICT_MESSAGE = (
    "Someone else changed this centre while you were editing it. "
    "Your changes were not saved: reload the page to see the current version."
)
NIP_MESSAGE_EN = "Enter a valid NIP: 10 digits with a correct check digit."
NIP_MESSAGE_PL = "Podaj poprawny NIP: 10 cyfr z poprawną cyfrą kontrolną."


def _count_queries(client, path, user=None):
    if user is not None:
        # A fresh user object each time: access caches the user's groups on it.
        client.force_authenticate(type(user).objects.get(pk=user.pk))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# --- token and /me -----------------------------------------------------------------------


def test_token_from_username_and_password_authenticates_me(api_client, operator_a, centre_a):
    # Given a token for operator A
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "operator-a", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert token == Token.objects.get(user=operator_a).key

    # When they ask who they are with it
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api_client.get("/api/v1/me/")

    # Then they are operator A, editing centre A only
    organization = centre_a.terms.get().organization
    assert me.status_code == 200
    assert me.json() == {
        "username": "operator-a",
        "first_name": "",
        "last_name": "",
        "email": "operator-a@example.org",
        "roles": ["operator"],
        "memberships": [
            {"organization_id": organization.pk, "organization": organization.name, "role": "koordynator"}
        ],
        "editable_centres": ["cal-szczepin"],
    }


def test_guessing_token_passwords_is_throttled_per_address(api_client, operator_a):
    wrong = {"username": "operator-a", "password": "wrong"}
    statuses = [api_client.post("/api/v1/auth/token/", wrong, format="json").status_code for _ in range(11)]

    assert statuses == [400] * 10 + [429]
    # The right password does not get through either until the minute has passed.
    right = {"username": "operator-a", "password": PASSWORD}
    assert api_client.post("/api/v1/auth/token/", right, format="json").status_code == 429
    assert Token.objects.count() == 0


def test_token_with_a_wrong_password_is_refused(api_client, operator_a):
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "operator-a", "password": "wrong"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["non_field_errors"]
    assert Token.objects.count() == 0


def test_an_invalid_token_is_401(api_client, operator_a):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-token")

    assert api_client.get("/api/v1/me/").status_code == 401


def test_me_of_city_staff_lists_every_centre(api_client, city_staff, centre_a, centre_b):
    api_client.force_authenticate(city_staff)

    body = api_client.get("/api/v1/me/").json()

    assert body["roles"] == ["city"]
    assert body["editable_centres"] == ["cal-gajowice", "cal-szczepin"]
    assert body["memberships"] == []


@pytest.mark.parametrize(
    ("fixture", "role"), [("animator", "network-animator"), ("team_member", "standing-team")]
)
def test_me_of_network_roles_edits_nothing(request, api_client, fixture, role, centre_a):
    api_client.force_authenticate(request.getfixturevalue(fixture))

    body = api_client.get("/api/v1/me/").json()

    assert body["roles"] == [role]
    assert body["editable_centres"] == []


# --- centres -----------------------------------------------------------------------------


def test_centres_list_is_paginated(api_client, db):
    factories.CentreFactory.create_batch(3)

    first = api_client.get("/api/v1/centres/?page_size=2").json()
    second = api_client.get("/api/v1/centres/?page_size=2&page=2").json()

    assert list(first) == ["count", "next", "previous", "results"]
    assert first["count"] == 3
    assert first["next"] == "http://testserver/api/v1/centres/?page=2&page_size=2"
    assert first["previous"] is None
    assert len(first["results"]) == 2
    assert second["next"] is None
    assert len(second["results"]) == 1


def test_centre_detail_shape(api_client, centre_a):
    organization = centre_a.terms.get().organization

    body = api_client.get("/api/v1/centres/cal-szczepin/").json()

    assert body["slug"] == "cal-szczepin"
    assert body["name"] == "CAL Szczepin"
    assert body["status"] == "dzialajacy"
    assert body["primary_osiedle"] == centre_a.primary_osiedle.slug
    assert body["district"] == "krzyki"
    assert body["version"] == 1
    assert body["url"] == "http://testserver/centres/cal-szczepin/"
    assert body["operators"] == [
        {
            "organization": organization.name,
            "organization_id": organization.pk,
            "start": centre_a.terms.get().start.isoformat(),
            "end": None,
        }
    ]


def test_centres_list_leaves_out_closed_centres(api_client, centre_a):
    factories.CentreFactory(status=CentreStatus.CLOSED)

    body = api_client.get("/api/v1/centres/").json()

    assert [c["slug"] for c in body["results"]] == ["cal-szczepin"]


def test_centres_filter_by_osiedle_slug_and_by_district(api_client, db):
    szczepin = factories.OsiedleFactory(slug="test-szczepin", district=District.STARE_MIASTO)
    factories.CentreFactory(slug="cal-w-szczepinie", name="CAL A", primary_osiedle=szczepin)
    serving = factories.CentreFactory(slug="cal-obok", name="CAL B")
    serving.served_osiedla.set([szczepin])
    factories.CentreFactory(slug="cal-daleko", name="CAL C")

    by_osiedle = api_client.get("/api/v1/centres/?osiedle=test-szczepin").json()
    by_district = api_client.get("/api/v1/centres/?district=stare-miasto").json()

    assert [c["slug"] for c in by_osiedle["results"]] == ["cal-w-szczepinie", "cal-obok"]
    assert [c["slug"] for c in by_district["results"]] == ["cal-w-szczepinie", "cal-obok"]


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("osiedle=nie-ma-takiego", 400),
        ("district=mars", 400),
        ("status=wesoly", 400),
        ("page=abc", 404),  # DRF: an invalid page is "not found"
        ("page=99", 404),
        ("page_size=abc", 200),  # ignored: the default page size applies
        ("page_size=100000", 200),  # capped at the maximum
    ],
)
def test_invalid_filters_on_the_centres_list_are_not_500(api_client, centre_a, query, status):
    response = api_client.get(f"/api/v1/centres/?{query}")

    assert response.status_code == status
    if status == 400:
        assert list(response.json()) == [query.split("=")[0]]


def test_unknown_centre_is_404(api_client, db):
    response = api_client.get("/api/v1/centres/nie-ma-takiego/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_operator_patches_their_centre(api_client, operator_a, centre_a):
    api_client.force_authenticate(operator_a)

    response = api_client.patch(
        "/api/v1/centres/cal-szczepin/",
        {"version": 1, "description": "Opis z API", "status": "zamkniety"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["description"] == "Opis z API"
    assert response.json()["version"] == 2
    centre_a.refresh_from_db()
    assert centre_a.description == "Opis z API"
    assert centre_a.status == CentreStatus.ACTIVE  # not a profile field: ignored


def test_two_api_edits_from_the_same_version_keep_the_first(api_client, operator_a, city_staff, centre_a):
    # Given the operator saves from version 1
    api_client.force_authenticate(operator_a)
    first = api_client.patch(
        "/api/v1/centres/cal-szczepin/", {"version": 1, "description": "Pierwsza"}, format="json"
    )

    # When city staff save from version 1 too
    api_client.force_authenticate(city_staff)
    second = api_client.patch(
        "/api/v1/centres/cal-szczepin/", {"version": 1, "description": "Druga"}, format="json"
    )

    # Then the second is refused as a conflict and the first is stored
    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json() == {"detail": CONFLICT_MESSAGE, "code": "conflict"}
    centre_a.refresh_from_db()
    assert centre_a.description == "Pierwsza"
    assert centre_a.version == 2


def test_patch_without_a_version_is_400(api_client, operator_a, centre_a):
    api_client.force_authenticate(operator_a)

    response = api_client.patch("/api/v1/centres/cal-szczepin/", {"description": "X"}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["version"]
    centre_a.refresh_from_db()
    assert centre_a.version == 1


def test_put_without_a_version_is_400(api_client, operator_a, centre_a):
    api_client.force_authenticate(operator_a)

    response = api_client.put("/api/v1/centres/cal-szczepin/", {"description": "X"}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["version"]


def test_patch_with_an_invalid_email_is_400(api_client, operator_a, centre_a):
    api_client.force_authenticate(operator_a)

    response = api_client.patch(
        "/api/v1/centres/cal-szczepin/", {"version": 1, "email": "nie-mail"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["email"]


def test_malformed_json_is_400(api_client, operator_a, centre_a):
    api_client.force_authenticate(operator_a)

    response = api_client.generic(
        "PATCH", "/api/v1/centres/cal-szczepin/", '{"version": 1,', content_type="application/json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["detail"]


def test_centres_are_not_created_through_the_api(api_client, city_staff):
    api_client.force_authenticate(city_staff)

    response = api_client.post("/api/v1/centres/", {"name": "X"}, format="json")

    assert response.status_code == 405


def test_centres_list_query_count_does_not_grow_with_rows(api_client, db):
    def add(count):
        for _ in range(count):
            term = factories.OperatorTermFactory()
            term.centre.served_osiedla.set([factories.OsiedleFactory()])

    add(2)
    at_two = _count_queries(api_client, "/api/v1/centres/")
    add(18)

    assert _count_queries(api_client, "/api/v1/centres/") == at_two


# --- osiedla -----------------------------------------------------------------------------


def test_osiedla_are_public_and_filter_by_district(api_client, db):
    body = api_client.get("/api/v1/osiedla/?district=stare-miasto").json()

    assert body["count"] == 3
    assert {o["district"] for o in body["results"]} == {"stare-miasto"}
    assert api_client.get("/api/v1/osiedla/szczepin/").json()["name"] == "Szczepin"


# --- organisations -----------------------------------------------------------------------


def test_city_staff_create_an_organisation(api_client, city_staff):
    api_client.force_authenticate(city_staff)

    response = api_client.post(
        "/api/v1/organizations/",
        {"name": "Fundacja Nowa", "kind": "ngo", "nip": "123-456-32-18", "osiedle": "szczepin"},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["nip"] == "1234563218"
    assert body["sector"] == "obywatelski"
    assert body["osiedle"] == "szczepin"
    assert Organization.objects.get(pk=body["id"]).name == "Fundacja Nowa"


def test_bad_nip_is_a_400_on_the_nip_field(api_client, city_staff):
    api_client.force_authenticate(city_staff)

    response = api_client.post(
        "/api/v1/organizations/", {"name": "Zła", "kind": "ngo", "nip": "1234563219"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["nip"]
    assert len(response.json()["nip"]) == 1
    assert Organization.objects.filter(name="Zła").exists() is False


def test_bad_nip_error_is_polish_by_default(api_client, city_staff):
    api_client.force_authenticate(city_staff)

    response = api_client.post(
        "/api/v1/organizations/",
        {"name": "Zła", "kind": "ngo", "nip": "1234563219"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="pl",
    )
    del api_client.defaults["HTTP_ACCEPT_LANGUAGE"]
    without_header = api_client.post(
        "/api/v1/organizations/", {"name": "Zła", "kind": "ngo", "nip": "1234563219"}, format="json"
    )

    assert response.json() == {"nip": [NIP_MESSAGE_PL]}
    assert without_header.json() == {"nip": [NIP_MESSAGE_PL]}


def test_bad_nip_error_is_english_on_request(api_client, city_staff):
    api_client.force_authenticate(city_staff)

    response = api_client.post(
        "/api/v1/organizations/",
        {"name": "Zła", "kind": "ngo", "nip": "1234563219"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert response.json() == {"nip": [NIP_MESSAGE_EN]}


def test_duplicate_nip_through_the_api_is_400(api_client, city_staff):
    existing = factories.OrganizationFactory()
    api_client.force_authenticate(city_staff)

    response = api_client.post(
        "/api/v1/organizations/",
        {"name": "Kopia", "kind": "ngo", "nip": existing.nip},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["An organisation with this NIP already exists."]}


def test_unknown_kind_is_400(api_client, city_staff):
    api_client.force_authenticate(city_staff)

    response = api_client.post("/api/v1/organizations/", {"name": "X", "kind": "mafia"}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["kind"]


def test_city_staff_change_an_organisation(api_client, city_staff):
    organization = factories.OrganizationFactory()
    api_client.force_authenticate(city_staff)

    response = api_client.patch(
        f"/api/v1/organizations/{organization.pk}/", {"regon": "123 456 785"}, format="json"
    )

    assert response.status_code == 200
    organization.refresh_from_db()
    assert organization.regon == "123456785"


def test_organisations_filter_by_kind_and_q(api_client, operator_a):
    library = factories.OrganizationFactory(name="Miejska Biblioteka", kind=OrganizationKind.LIBRARY)
    factories.OrganizationFactory(name="Szkoła 1", kind=OrganizationKind.SCHOOL)
    api_client.force_authenticate(operator_a)

    by_kind = api_client.get("/api/v1/organizations/?kind=biblioteka").json()
    by_q = api_client.get("/api/v1/organizations/?q=biblio").json()
    by_nip = api_client.get(f"/api/v1/organizations/?q={library.nip}").json()

    assert [o["id"] for o in by_kind["results"]] == [library.pk]
    assert [o["id"] for o in by_q["results"]] == [library.pk]
    assert [o["id"] for o in by_nip["results"]] == [library.pk]


def test_invalid_organisation_filters_are_400(api_client, operator_a):
    api_client.force_authenticate(operator_a)

    assert api_client.get("/api/v1/organizations/?kind=mafia").status_code == 400
    assert api_client.get("/api/v1/organizations/?osiedle=nie-ma").status_code == 400


def test_organisations_list_query_count_does_not_grow_with_rows(api_client, operator_a):
    # operator A's organisation and one more make two rows
    factories.OrganizationFactory(osiedle=factories.OsiedleFactory())
    at_two = _count_queries(api_client, "/api/v1/organizations/", user=operator_a)
    for _ in range(18):
        factories.OrganizationFactory(osiedle=factories.OsiedleFactory())

    assert _count_queries(api_client, "/api/v1/organizations/", user=operator_a) == at_two


# --- operator terms ----------------------------------------------------------------------


def test_operator_terms_filter_by_centre_and_current(api_client, city_staff, centre_a, centre_b):
    start, end = factories.past_term_dates()
    old = factories.OperatorTermFactory(centre=centre_a, start=start, end=end)
    api_client.force_authenticate(city_staff)

    by_centre = api_client.get("/api/v1/operator-terms/?centre=cal-szczepin").json()
    current = api_client.get("/api/v1/operator-terms/?centre=cal-szczepin&current=true").json()
    everything_current = api_client.get("/api/v1/operator-terms/?current=true").json()

    assert [t["id"] for t in by_centre["results"]] == [centre_a.terms.get(end=None).pk, old.pk]
    assert [t["is_current"] for t in by_centre["results"]] == [True, False]
    assert [t["id"] for t in current["results"]] == [centre_a.terms.get(end=None).pk]
    assert everything_current["count"] == 2


@pytest.mark.parametrize("query", ["centre=nie-ma", "organization=abc"])
def test_invalid_operator_term_filters_are_400(api_client, city_staff, centre_a, query):
    api_client.force_authenticate(city_staff)

    assert api_client.get(f"/api/v1/operator-terms/?{query}").status_code == 400


def test_city_staff_record_a_term(api_client, city_staff, db):
    centre = factories.CentreFactory()
    organization = factories.OrganizationFactory()
    api_client.force_authenticate(city_staff)

    response = api_client.post(
        "/api/v1/operator-terms/",
        {"centre": centre.slug, "organization": organization.pk, "start": "2026-01-01", "end": "2027-12-31"},
        format="json",
    )

    assert response.status_code == 201
    term = OperatorTerm.objects.get(centre=centre)
    assert (term.organization, term.start.isoformat(), term.end.isoformat()) == (
        organization,
        "2026-01-01",
        "2027-12-31",
    )


def test_overlapping_term_through_the_api_is_400(api_client, city_staff, centre_a):
    api_client.force_authenticate(city_staff)

    response = api_client.post(
        "/api/v1/operator-terms/",
        {"centre": centre_a.slug, "organization": factories.OrganizationFactory().pk, "start": "2020-01-01"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["This centre already has an operator term in that period."]
    }
    assert centre_a.terms.count() == 1


def test_term_ending_before_its_start_through_the_api_is_400(api_client, city_staff):
    api_client.force_authenticate(city_staff)

    response = api_client.post(
        "/api/v1/operator-terms/",
        {
            "centre": factories.CentreFactory().slug,
            "organization": factories.OrganizationFactory().pk,
            "start": "2026-06-01",
            "end": "2026-01-01",
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert response.json() == {"end": ["The end of the term cannot be before its start."]}


def test_operator_terms_list_query_count_does_not_grow_with_rows(api_client, city_staff):
    factories.OperatorTermFactory.create_batch(2)
    at_two = _count_queries(api_client, "/api/v1/operator-terms/", user=city_staff)
    factories.OperatorTermFactory.create_batch(18)

    assert _count_queries(api_client, "/api/v1/operator-terms/", user=city_staff) == at_two


# --- schema and docs ---------------------------------------------------------------------


def test_openapi_schema_is_served(api_client, db):
    response = api_client.get("/api/schema/")

    assert response.status_code == 200
    assert b"/api/v1/centres/{slug}/" in response.content


def test_swagger_ui_loads_nothing_from_a_cdn(api_client, db):
    response = api_client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    for cdn in ("cdn.", "unpkg", "jsdelivr", "cdnjs"):
        assert cdn not in html


def test_swagger_ui_has_no_inline_script_so_the_csp_lets_it_run(api_client, db):
    # Given the page: every script is a file of our own origin
    html = api_client.get("/api/docs/").content.decode()
    assert re.findall(r"<script>", html) == []
    assert '<script src="/api/docs/?script="></script>' in html

    # When the browser loads the initialising script
    script = api_client.get("/api/docs/?script=")

    # Then it is served as JavaScript and points at the schema
    assert script.status_code == 200
    assert script["Content-Type"] == "application/javascript"
    assert "/api/schema/" in script.content.decode()
