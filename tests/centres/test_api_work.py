"""The API of what centres have and do: /api/v1/resources/, activities/, volunteers/, groups/."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from centres.models import (
    MAX_SERIES_OCCURRENCES,
    Activity,
    ActivityForm,
    ActivitySeries,
    CalMethod,
    District,
    Effect,
    Group,
    GroupKind,
    Organization,
    OrganizationKind,
    Resource,
    ResourceCategory,
    ResourceKind,
    Volunteer,
)
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_by_default(api_client):
    """Polish is the portal's default; tests that read message texts ask for English
    unless they are about the default language."""
    api_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def _login(client, user):
    # A fresh user object: access caches the user's groups and centres on it.
    client.force_authenticate(type(user).objects.get(pk=user.pk))


def _local(year, month, day, hour=17, minute=0):
    return timezone.make_aware(datetime(year, month, day, hour, minute))


def _ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


OUT_OF_RANGE = "Enter a date between the years 1900 and 2999."
CONSENT_REQUIRED = "Required: personal data is kept only with a recorded consent or another legal basis."

# Per collection: its URL, a factory, a valid new record and a change of one field.
COLLECTIONS = {
    "resources": {
        "factory": factories.ResourceFactory,
        "model": Resource,
        "create": {"kind": "materialny", "category": "sala", "name": "Sala duża", "capacity": 40},
        "change": {"name": "Sala mała"},
    },
    "activities": {
        "factory": factories.ActivityFactory,
        "model": Activity,
        "create": {
            "title": "Warsztaty z API",
            "start": "2026-03-10T17:00",
            "end": "2026-03-10T19:00",
            "method": "organizowanie-aktywnosci",
            "form": "warsztat",
        },
        "change": {"title": "Warsztaty po zmianie"},
    },
    "volunteers": {
        "factory": factories.VolunteerFactory,
        "model": Volunteer,
        "create": {
            "name": "Anna Nowak",
            "email": "anna@example.org",
            "consent_date": "2026-01-15",
            "consent_scope": "Imię i kontakt w celu organizowania działań.",
            "legal_basis": "zgoda",
        },
        "change": {"name": "Anna Kowalska"},
    },
    "groups": {
        "factory": factories.GroupFactory,
        "model": Group,
        "create": {"name": "Klub seniora", "kind": "klub", "meets": "środy 10:00", "members_count": 15},
        "change": {"name": "Klub seniorek"},
    },
}
ALL = list(COLLECTIONS)
SHARED = ["resources", "activities", "groups"]  # the network reads these; volunteers it does not
DELETABLE = ["resources", "activities", "groups"]


def _conflict_message(record):
    return (
        f"Someone else saved a change to this record ({record}) while you were editing it. Your changes "
        "were not saved: reload the page to see the current version, then make your changes again."
    )


# --- access ------------------------------------------------------------------------------


@pytest.mark.parametrize("collection", ALL)
def test_anonymous_gets_401_everywhere(api_client, centre_a, collection):
    record = COLLECTIONS[collection]["factory"](centre=centre_a)
    url = f"/api/v1/{collection}/"

    responses = [
        api_client.get(url),
        api_client.get(f"{url}{record.pk}/"),
        api_client.post(url, {"centre": "cal-szczepin", **COLLECTIONS[collection]["create"]}, format="json"),
        api_client.patch(f"{url}{record.pk}/", {"version": 1}, format="json"),
    ]

    assert [r.status_code for r in responses] == [401, 401, 401, 401]
    assert COLLECTIONS[collection]["model"].objects.count() == 1


@pytest.mark.parametrize("collection", ALL)
def test_another_operators_records_do_not_exist_for_operator_b(
    api_client, operator_b, centre_a, centre_b, collection
):
    # Given a record of each centre
    spec = COLLECTIONS[collection]
    of_a = spec["factory"](centre=centre_a)
    of_b = spec["factory"](centre=centre_b)
    url = f"/api/v1/{collection}/"
    _login(api_client, operator_b)

    # When operator B reads, changes, deletes and creates in centre A
    listed = _ids(api_client.get(url))
    detail = api_client.get(f"{url}{of_a.pk}/")
    patch = api_client.patch(f"{url}{of_a.pk}/", {"version": 1, **spec["change"]}, format="json")
    delete = api_client.delete(f"{url}{of_a.pk}/?version=1")
    create = api_client.post(url, {"centre": "cal-szczepin", **spec["create"]}, format="json")

    # Then centre A's record is not found and nothing is created there
    assert listed == [of_b.pk]
    assert (detail.status_code, patch.status_code) == (404, 404)
    # Volunteers are erased, never deleted: no DELETE at all.
    assert delete.status_code == (405 if collection == "volunteers" else 404)
    assert create.status_code == 400
    assert create.json() == {"centre": ["Object with slug=cal-szczepin does not exist."]}
    assert spec["model"].objects.filter(centre=centre_a).count() == 1
    of_a.refresh_from_db()
    assert of_a.version == 1


@pytest.mark.parametrize("collection", SHARED)
@pytest.mark.parametrize("viewer", ["animator", "team_member"])
def test_network_viewers_read_every_centres_records_but_change_none(
    request, api_client, centre_a, centre_b, collection, viewer
):
    spec = COLLECTIONS[collection]
    of_a = spec["factory"](centre=centre_a)
    of_b = spec["factory"](centre=centre_b)
    url = f"/api/v1/{collection}/"
    _login(api_client, request.getfixturevalue(viewer))

    listed = _ids(api_client.get(url))
    detail = api_client.get(f"{url}{of_a.pk}/")
    patch = api_client.patch(f"{url}{of_a.pk}/", {"version": 1, **spec["change"]}, format="json")
    delete = api_client.delete(f"{url}{of_a.pk}/?version=1")
    create = api_client.post(url, {"centre": "cal-szczepin", **spec["create"]}, format="json")

    assert sorted(listed) == sorted([of_a.pk, of_b.pk])
    assert detail.status_code == 200
    assert detail.json()["centre"] == "cal-szczepin"
    # They may see the record, so refusing to change it leaks nothing: 403.
    assert (patch.status_code, delete.status_code) == (403, 403)
    assert create.status_code == 400
    assert list(create.json()) == ["centre"]
    assert spec["model"].objects.count() == 2
    of_a.refresh_from_db()
    assert of_a.version == 1


@pytest.mark.parametrize("viewer", ["animator", "team_member"])
def test_network_viewers_see_no_volunteers(request, api_client, centre_a, viewer):
    volunteer = factories.VolunteerFactory(centre=centre_a)
    _login(api_client, request.getfixturevalue(viewer))

    listed = api_client.get("/api/v1/volunteers/")
    detail = api_client.get(f"/api/v1/volunteers/{volunteer.pk}/")
    export = api_client.get(f"/api/v1/volunteers/{volunteer.pk}/export/")
    erase = api_client.post(f"/api/v1/volunteers/{volunteer.pk}/erase/")

    assert listed.status_code == 200
    assert listed.json()["count"] == 0
    assert listed.json()["results"] == []
    assert (detail.status_code, export.status_code, erase.status_code) == (404, 404, 404)
    volunteer.refresh_from_db()
    assert volunteer.erased_at is None


@pytest.mark.parametrize("collection", ALL)
def test_city_staff_read_and_create_in_every_centre(api_client, city_staff, centre_a, centre_b, collection):
    spec = COLLECTIONS[collection]
    of_a = spec["factory"](centre=centre_a)
    of_b = spec["factory"](centre=centre_b)
    url = f"/api/v1/{collection}/"
    _login(api_client, city_staff)

    listed = _ids(api_client.get(url))
    create = api_client.post(url, {"centre": "cal-gajowice", **spec["create"]}, format="json")

    assert sorted(listed) == sorted([of_a.pk, of_b.pk])
    assert create.status_code == 201
    assert create.json()["centre"] == "cal-gajowice"
    assert spec["model"].objects.filter(centre=centre_b).count() == 2


@pytest.mark.parametrize("collection", ALL)
def test_an_unknown_or_non_numeric_id_is_404(api_client, operator_a, centre_a, collection):
    _login(api_client, operator_a)

    assert api_client.get(f"/api/v1/{collection}/999999/").status_code == 404
    assert api_client.get(f"/api/v1/{collection}/abc/").status_code == 404


# --- create, update, delete --------------------------------------------------------------


@pytest.mark.parametrize("collection", ALL)
def test_operator_creates_changes_and_reads_back_a_record(api_client, operator_a, centre_a, collection):
    spec = COLLECTIONS[collection]
    url = f"/api/v1/{collection}/"
    _login(api_client, operator_a)

    # When the operator creates a record in their centre
    created = api_client.post(url, {"centre": "cal-szczepin", **spec["create"]}, format="json")

    # Then it is stored at version 1 and shown as the list shows it
    assert created.status_code == 201, created.json()
    body = created.json()
    record = spec["model"].objects.get(pk=body["id"])
    assert record.centre == centre_a
    assert (body["centre"], body["version"]) == ("cal-szczepin", 1)
    assert api_client.get(f"{url}{record.pk}/").json() == body

    # When they change one field with the version they read
    changed = api_client.patch(f"{url}{record.pk}/", {"version": 1, **spec["change"]}, format="json")

    # Then the change is stored and the version goes up
    assert changed.status_code == 200, changed.json()
    field, value = next(iter(spec["change"].items()))
    assert changed.json()[field] == value
    assert changed.json()["version"] == 2
    record.refresh_from_db()
    assert (getattr(record, field), record.version) == (value, 2)


@pytest.mark.parametrize("collection", ALL)
def test_put_replaces_the_record_and_needs_every_required_field(api_client, operator_a, centre_a, collection):
    spec = COLLECTIONS[collection]
    record = spec["factory"](centre=centre_a)
    url = f"/api/v1/{collection}/{record.pk}/"
    _login(api_client, operator_a)

    incomplete = api_client.put(url, {"version": 1}, format="json")
    full = api_client.put(url, {"version": 1, **spec["create"], **spec["change"]}, format="json")

    assert incomplete.status_code == 400
    assert "version" not in incomplete.json()
    assert full.status_code == 200, full.json()
    assert full.json()["version"] == 2


@pytest.mark.parametrize("collection", ALL)
@pytest.mark.parametrize("method", ["patch", "put"])
def test_a_change_without_a_version_is_400(api_client, operator_a, centre_a, collection, method):
    spec = COLLECTIONS[collection]
    record = spec["factory"](centre=centre_a)
    _login(api_client, operator_a)

    response = getattr(api_client, method)(
        f"/api/v1/{collection}/{record.pk}/", {**spec["create"], **spec["change"]}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"version": ["This field is required."]}
    record.refresh_from_db()
    assert record.version == 1


def test_a_patch_reports_the_missing_version_with_the_other_errors(api_client, operator_a, centre_a):
    resource = factories.ResourceFactory(centre=centre_a)
    _login(api_client, operator_a)

    response = api_client.patch(f"/api/v1/resources/{resource.pk}/", {"capacity": -1}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "capacity": ["Ensure this value is greater than or equal to 0."],
        "version": ["This field is required."],
    }


@pytest.mark.parametrize("collection", ALL)
def test_a_record_does_not_move_to_another_centre(api_client, city_staff, centre_a, centre_b, collection):
    spec = COLLECTIONS[collection]
    record = spec["factory"](centre=centre_a)
    url = f"/api/v1/{collection}/{record.pk}/"
    _login(api_client, city_staff)

    moved = api_client.patch(url, {"version": 1, "centre": "cal-gajowice"}, format="json")
    same = api_client.patch(url, {"version": 1, "centre": "cal-szczepin", **spec["change"]}, format="json")

    assert moved.status_code == 400
    assert moved.json() == {"centre": ["The centre of a record cannot be changed."]}
    assert same.status_code == 200
    record.refresh_from_db()
    assert (record.centre, record.version) == (centre_a, 2)


@pytest.mark.parametrize("collection", ALL)
def test_two_edits_from_the_same_version_keep_the_first_and_409_the_second(
    api_client, operator_a, city_staff, centre_a, collection
):
    spec = COLLECTIONS[collection]
    record = spec["factory"](centre=centre_a)
    url = f"/api/v1/{collection}/{record.pk}/"
    field, first_value = next(iter(spec["change"].items()))

    # Given the operator saves from version 1
    _login(api_client, operator_a)
    first = api_client.patch(url, {"version": 1, field: first_value}, format="json")

    # When city staff save from version 1 too
    _login(api_client, city_staff)
    second = api_client.patch(url, {"version": 1, field: "Druga zmiana"}, format="json")

    # Then the second is a conflict and the first change is kept
    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json() == {"detail": _conflict_message(first_value), "code": "conflict"}
    record.refresh_from_db()
    assert (getattr(record, field), record.version) == (first_value, 2)


@pytest.mark.parametrize("collection", DELETABLE)
def test_delete_with_the_version_in_the_query(api_client, operator_a, centre_a, collection):
    spec = COLLECTIONS[collection]
    record = spec["factory"](centre=centre_a)
    _login(api_client, operator_a)

    response = api_client.delete(f"/api/v1/{collection}/{record.pk}/?version=1")

    assert response.status_code == 204
    assert spec["model"].objects.filter(pk=record.pk).exists() is False


@pytest.mark.parametrize("collection", DELETABLE)
def test_delete_with_the_version_in_the_body(api_client, operator_a, centre_a, collection):
    spec = COLLECTIONS[collection]
    record = spec["factory"](centre=centre_a)
    _login(api_client, operator_a)

    response = api_client.delete(f"/api/v1/{collection}/{record.pk}/", {"version": 1}, format="json")

    assert response.status_code == 204
    assert spec["model"].objects.filter(pk=record.pk).exists() is False


@pytest.mark.parametrize("collection", DELETABLE)
@pytest.mark.parametrize(
    ("query", "status", "body"),
    [
        ("", 400, {"version": ["This field is required."]}),
        ("?version=abc", 400, {"version": ["A valid integer is required."]}),
        ("?version=0", 400, {"version": ["Ensure this value is greater than or equal to 1."]}),
        ("?version=1", 409, None),
    ],
)
def test_delete_without_the_current_version_deletes_nothing(
    api_client, operator_a, centre_a, collection, query, status, body
):
    spec = COLLECTIONS[collection]
    record = spec["factory"](centre=centre_a, version=2)
    _login(api_client, operator_a)

    response = api_client.delete(f"/api/v1/{collection}/{record.pk}/{query}")

    assert response.status_code == status
    expected = body or {"detail": _conflict_message(record), "code": "conflict"}
    assert response.json() == expected
    assert spec["model"].objects.filter(pk=record.pk).exists() is True


def test_volunteers_are_not_deleted_but_erased(api_client, operator_a, centre_a):
    volunteer = factories.VolunteerFactory(centre=centre_a)
    _login(api_client, operator_a)

    response = api_client.delete(f"/api/v1/volunteers/{volunteer.pk}/?version=1")

    assert response.status_code == 405
    assert Volunteer.objects.filter(pk=volunteer.pk).exists() is True


@pytest.mark.parametrize("collection", ALL)
def test_a_json_list_instead_of_an_object_is_400(api_client, operator_a, centre_a, collection):
    record = COLLECTIONS[collection]["factory"](centre=centre_a)
    _login(api_client, operator_a)

    created = api_client.post(f"/api/v1/{collection}/", [1, 2], format="json")
    patched = api_client.patch(f"/api/v1/{collection}/{record.pk}/", [1, 2], format="json")

    assert (created.status_code, patched.status_code) == (400, 400)
    assert list(created.json()) == ["non_field_errors"]
    assert list(patched.json()) == ["non_field_errors"]


# --- resources ---------------------------------------------------------------------------


def test_resource_shape(api_client, operator_a, centre_a):
    resource = factories.ResourceFactory(
        centre=centre_a, name="Sala warsztatowa", description="Z kuchnią", capacity=25, shareable=True
    )
    _login(api_client, operator_a)

    body = api_client.get(f"/api/v1/resources/{resource.pk}/").json()

    assert body == {
        "id": resource.pk,
        "centre": "cal-szczepin",
        "kind": "materialny",
        "category": "sala",
        "name": "Sala warsztatowa",
        "description": "Z kuchnią",
        "capacity": 25,
        "accessible": True,
        "shareable": True,
        "version": 1,
        "created_at": timezone.localtime(resource.created_at).isoformat(),
        "updated_at": timezone.localtime(resource.updated_at).isoformat(),
    }


def test_resource_of_a_category_of_another_kind_is_400(api_client, operator_a, centre_a):
    _login(api_client, operator_a)

    response = api_client.post(
        "/api/v1/resources/",
        {"centre": "cal-szczepin", "kind": "niematerialny", "category": "sala", "name": "Sala"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"category": ["This category does not belong to the chosen kind of resource."]}
    assert Resource.objects.count() == 0


def test_resource_with_an_unknown_kind_and_negative_capacity_is_400(api_client, operator_a, centre_a):
    _login(api_client, operator_a)

    response = api_client.post(
        "/api/v1/resources/",
        {"centre": "cal-szczepin", "kind": "magiczny", "category": "sala", "name": "Sala", "capacity": -5},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "kind": ['"magiczny" is not a valid choice.'],
        "capacity": ["Ensure this value is greater than or equal to 0."],
    }
    assert Resource.objects.count() == 0


@pytest.fixture
def three_centres(centre_a, centre_b):
    """Centres A and B (district Krzyki, their own osiedla) and C in Stare Miasto, whose
    osiedle centre B serves too."""
    stare = factories.OsiedleFactory(slug="test-stare", name="Test Stare", district=District.STARE_MIASTO)
    centre_c = factories.CentreFactory(slug="cal-c", name="CAL C", primary_osiedle=stare)
    centre_b.served_osiedla.set([stare])
    return centre_a, centre_b, centre_c


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("centre=cal-szczepin", ["a-sala", "a-wiedza"]),
        ("osiedle=test-stare", ["b-ogrod", "c-sala"]),
        ("district=stare-miasto", ["b-ogrod", "c-sala"]),
        ("kind=niematerialny", ["a-wiedza"]),
        ("category=sala", ["a-sala", "c-sala"]),
        ("shareable=true", ["b-ogrod"]),
        ("shareable=false&centre=cal-szczepin", ["a-sala", "a-wiedza"]),
    ],
)
def test_resource_filters(api_client, city_staff, three_centres, query, expected):
    a, b, c = three_centres
    factories.ResourceFactory(centre=a, name="a-sala")
    factories.ResourceFactory(
        centre=a, name="a-wiedza", kind=ResourceKind.IMMATERIAL, category=ResourceCategory.STAFF_KNOWLEDGE
    )
    factories.ResourceFactory(centre=b, name="b-ogrod", category=ResourceCategory.GARDEN, shareable=True)
    factories.ResourceFactory(centre=c, name="c-sala")
    _login(api_client, city_staff)

    response = api_client.get(f"/api/v1/resources/?{query}")

    assert response.status_code == 200
    assert sorted(r["name"] for r in response.json()["results"]) == expected


# --- groups ------------------------------------------------------------------------------


def test_group_shape(api_client, operator_a, centre_a):
    group = factories.GroupFactory(centre=centre_a, name="Klub planszówek", description="Gry")
    _login(api_client, operator_a)

    body = api_client.get(f"/api/v1/groups/{group.pk}/").json()

    assert body == {
        "id": group.pk,
        "centre": "cal-szczepin",
        "name": "Klub planszówek",
        "kind": "sasiedzka",
        "meets": "wtorki 18:00",
        "description": "Gry",
        "members_count": 12,
        "active": True,
        "version": 1,
        "created_at": timezone.localtime(group.created_at).isoformat(),
        "updated_at": timezone.localtime(group.updated_at).isoformat(),
    }


def test_group_with_an_unknown_kind_and_negative_members_is_400(api_client, operator_a, centre_a):
    _login(api_client, operator_a)

    response = api_client.post(
        "/api/v1/groups/",
        {"centre": "cal-szczepin", "name": "G", "kind": "sekta", "members_count": -1},
        format="json",
    )

    assert response.status_code == 400
    assert sorted(response.json()) == ["kind", "members_count"]
    assert Group.objects.count() == 0


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("centre=cal-gajowice", ["b-klub"]),
        ("osiedle=test-stare", ["b-klub", "c-samopomoc"]),
        ("district=krzyki", ["a-dawna", "a-sasiedzi", "b-klub"]),
        ("kind=samopomocowa", ["c-samopomoc"]),
        ("active=false", ["a-dawna"]),
        ("active=true&centre=cal-szczepin", ["a-sasiedzi"]),
    ],
)
def test_group_filters(api_client, animator, three_centres, query, expected):
    a, b, c = three_centres
    factories.GroupFactory(centre=a, name="a-sasiedzi")
    factories.GroupFactory(centre=a, name="a-dawna", active=False)
    factories.GroupFactory(centre=b, name="b-klub", kind=GroupKind.CLUB)
    factories.GroupFactory(centre=c, name="c-samopomoc", kind=GroupKind.SELF_HELP)
    _login(api_client, animator)

    response = api_client.get(f"/api/v1/groups/?{query}")

    assert response.status_code == 200
    assert sorted(g["name"] for g in response.json()["results"]) == expected


# --- activities --------------------------------------------------------------------------


@pytest.fixture
def partners(db):
    return {
        "school": factories.OrganizationFactory(name="Szkoła Podstawowa nr 1", kind=OrganizationKind.SCHOOL),
        "library": factories.OrganizationFactory(name="Biblioteka Szczepin", kind=OrganizationKind.LIBRARY),
    }


def _activity_payload(**changes):
    return {
        "centre": "cal-szczepin",
        "title": "Spacer badawczy",
        "description": "Po podwórkach",
        "start": "2026-03-10T17:00",
        "end": "2026-03-10T19:00",
        "method": "rozpoznawanie-potrzeb",
        "form": "wydarzenie",
        "place": "Skwer Pereca",
        "in_public_space": True,
        "resident_initiated": True,
        "participants_0_12": 4,
        "participants_13_17": 3,
        "participants_18_25": 2,
        "participants_26_59": 10,
        "participants_60_plus": 6,
        "volunteers_involved": 2,
        "volunteer_hours": "3.5",
        "effects": ["tozsamosc", "relacje"],
        "is_public": True,
        **changes,
    }


def test_activity_created_with_partners_shows_everything_an_operator_recorded(
    api_client, operator_a, centre_a, partners
):
    _login(api_client, operator_a)

    response = api_client.post(
        "/api/v1/activities/",
        _activity_payload(partners=[partners["school"].pk, partners["library"].pk]),
        format="json",
    )

    assert response.status_code == 201, response.json()
    activity = Activity.objects.get()
    assert response.json() == {
        "id": activity.pk,
        "centre": "cal-szczepin",
        "series": None,
        "title": "Spacer badawczy",
        "description": "Po podwórkach",
        "start": "2026-03-10T17:00:00+01:00",
        "end": "2026-03-10T19:00:00+01:00",
        "method": "rozpoznawanie-potrzeb",
        "form": "wydarzenie",
        "place": "Skwer Pereca",
        "in_public_space": True,
        "resident_initiated": True,
        "participants_0_12": 4,
        "participants_13_17": 3,
        "participants_18_25": 2,
        "participants_26_59": 10,
        "participants_60_plus": 6,
        "volunteers_involved": 2,
        "volunteer_hours": "3.5",
        "effects": ["relacje", "tozsamosc"],  # in the canonical order of effects
        "is_public": True,
        "participants_total": 25,
        "partners": [
            {"id": partners["library"].pk, "name": "Biblioteka Szczepin", "kind": "biblioteka"},
            {"id": partners["school"].pk, "name": "Szkoła Podstawowa nr 1", "kind": "szkola"},
        ],
        "version": 1,
        "created_at": timezone.localtime(activity.created_at).isoformat(),
        "updated_at": timezone.localtime(activity.updated_at).isoformat(),
        "url": f"http://testserver/centres/cal-szczepin/events/{activity.pk}/",
    }
    assert activity.volunteer_hours == Decimal("3.5")
    assert set(activity.partners.all()) == {partners["school"], partners["library"]}


@pytest.mark.parametrize(
    ("is_public", "status", "has_url"),
    [(True, "dzialajacy", True), (False, "dzialajacy", False), (True, "zamkniety", False)],
)
def test_activity_url_only_when_the_public_page_exists(
    api_client, city_staff, centre_a, is_public, status, has_url
):
    activity = factories.ActivityFactory(centre=centre_a, is_public=is_public)
    centre_a.status = status
    centre_a.save()
    _login(api_client, city_staff)

    url = api_client.get(f"/api/v1/activities/{activity.pk}/").json()["url"]

    assert url == (f"http://testserver/centres/cal-szczepin/events/{activity.pk}/" if has_url else None)
    if has_url:
        assert api_client.get(url).status_code == 200


def test_activity_create_adds_a_new_partner_to_the_registry(api_client, operator_a, centre_a):
    _login(api_client, operator_a)

    response = api_client.post(
        "/api/v1/activities/",
        _activity_payload(new_partner_name="  Rada Osiedla  Szczepin ", new_partner_kind="rada-osiedla"),
        format="json",
    )

    assert response.status_code == 201, response.json()
    organization = Organization.objects.get(name="Rada Osiedla Szczepin")
    assert (organization.kind, organization.sector) == ("rada-osiedla", "publiczny")
    assert response.json()["partners"] == [
        {"id": organization.pk, "name": "Rada Osiedla Szczepin", "kind": "rada-osiedla"}
    ]


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"new_partner_name": "Nowa Rada"},
            {"new_partner_kind": ["Choose the kind of the new organisation."]},
        ),
        (
            {"new_partner_name": "szkoła podstawowa nr 1", "new_partner_kind": "szkola"},
            {
                "new_partner_name": [
                    "“Szkoła Podstawowa nr 1” is already in the registry: "
                    "pick it from the list of organisations."
                ]
            },
        ),
        ({"new_partner_kind": "mafia"}, {"new_partner_kind": ['"mafia" is not a valid choice.']}),
        ({"partners": [999999]}, {"partners": ['Invalid pk "999999" - object does not exist.']}),
    ],
)
def test_activity_with_a_bad_partner_saves_nothing(
    api_client, operator_a, centre_a, partners, changes, errors
):
    _login(api_client, operator_a)
    organizations = Organization.objects.count()

    response = api_client.post("/api/v1/activities/", _activity_payload(**changes), format="json")

    assert response.status_code == 400
    assert response.json() == errors
    assert Activity.objects.count() == 0
    assert Organization.objects.count() == organizations


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"end": "2026-03-10T16:00"}, {"end": ["The end must be after the start."]}),
        ({"end": "2026-03-10T17:00"}, {"end": ["The end must be after the start."]}),
        (
            {"participants_0_12": -1, "volunteers_involved": -2},
            {
                "participants_0_12": ["Ensure this value is greater than or equal to 0."],
                "volunteers_involved": ["Ensure this value is greater than or equal to 0."],
            },
        ),
        (
            {"volunteer_hours": "-1"},
            {"volunteer_hours": ["Ensure this value is greater than or equal to 0."]},
        ),
        (
            {"volunteer_hours": "4.5"},
            {
                "volunteer_hours": [
                    "Volunteer hours cannot exceed the length of the activity times the number of "
                    "volunteers (at most 4.0 h)."
                ]
            },
        ),
        ({"effects": ["relacje", "zlosc"]}, {"effects": ['"zlosc" is not a valid choice.']}),
        ({"effects": "relacje"}, {"effects": ['Expected a list of items but got type "str".']}),
        ({"method": "magia"}, {"method": ['"magia" is not a valid choice.']}),
        (
            {"start": "jutro"},
            {
                "start": [
                    "Datetime has wrong format. Use one of these formats instead: "
                    "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
                ]
            },
        ),
        ({"title": ""}, {"title": ["This field may not be blank."]}),
        (
            {"start": "0001-01-01T00:00", "end": "9999-12-31T23:00"},
            {"start": [OUT_OF_RANGE], "end": [OUT_OF_RANGE]},
        ),
        ({"centre": "nie-ma-takiego"}, {"centre": ["Object with slug=nie-ma-takiego does not exist."]}),
    ],
)
def test_bad_activity_input_is_400_on_its_field_and_saves_nothing(
    api_client, operator_a, centre_a, changes, errors
):
    _login(api_client, operator_a)

    response = api_client.post("/api/v1/activities/", _activity_payload(**changes), format="json")

    assert response.status_code == 400
    assert response.json() == errors
    assert Activity.objects.count() == 0


def test_activity_errors_are_polish_by_default(api_client, operator_a, centre_a):
    # Django REST framework's own messages come with its Polish catalogue; the portal's
    # messages follow the same language once the lead's catalogue has them.
    _login(api_client, operator_a)
    del api_client.defaults["HTTP_ACCEPT_LANGUAGE"]

    response = api_client.post(
        "/api/v1/activities/", _activity_payload(participants_0_12=-1, centre="nie-ma"), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "centre": ["Obiekt z polem slug=nie-ma nie istnieje"],
        "participants_0_12": ["Upewnij się, że ta wartość jest większa lub równa 0."],
    }


def test_activity_errors_are_english_on_request(api_client, operator_a, centre_a):
    _login(api_client, operator_a)

    response = api_client.post(
        "/api/v1/activities/",
        _activity_payload(end="2026-03-10T16:00"),
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.json() == {"end": ["The end must be after the start."]}


def test_activity_update_changes_partners_only_when_sent(api_client, operator_a, centre_a, partners):
    activity = factories.ActivityFactory(centre=centre_a, partners=[partners["school"]])
    url = f"/api/v1/activities/{activity.pk}/"
    _login(api_client, operator_a)

    # Left out: the partners stay
    kept = api_client.patch(url, {"version": 1, "participants_60_plus": 7}, format="json")
    # Sent: they are replaced
    replaced = api_client.patch(url, {"version": 2, "partners": [partners["library"].pk]}, format="json")
    # A new one is added to those sent
    added = api_client.patch(
        url,
        {"version": 3, "new_partner_name": "Straż Miejska Wrocław", "new_partner_kind": "straz-miejska"},
        format="json",
    )
    # An empty list clears them
    cleared = api_client.patch(url, {"version": 4, "partners": []}, format="json")

    assert [p["name"] for p in kept.json()["partners"]] == ["Szkoła Podstawowa nr 1"]
    assert kept.json()["participants_total"] == 17
    assert [p["name"] for p in replaced.json()["partners"]] == ["Biblioteka Szczepin"]
    assert [p["name"] for p in added.json()["partners"]] == ["Biblioteka Szczepin", "Straż Miejska Wrocław"]
    assert cleared.json()["partners"] == []
    activity.refresh_from_db()
    assert activity.version == 5
    assert list(activity.partners.all()) == []


def test_an_activity_update_too_many_hours_keeps_the_record(api_client, operator_a, centre_a):
    activity = factories.ActivityFactory(centre=centre_a, volunteers_involved=2, volunteer_hours=Decimal("4"))
    _login(api_client, operator_a)

    response = api_client.patch(
        f"/api/v1/activities/{activity.pk}/", {"version": 1, "volunteers_involved": 1}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["volunteer_hours"]
    activity.refresh_from_db()
    assert (activity.volunteers_involved, activity.version) == (2, 1)


@pytest.fixture
def four_activities(three_centres):
    """A1 and A2 in centre A, A3 in B, A4 in C; their dates in spring 2026."""
    a, b, c = three_centres
    return {
        "A1": factories.ActivityFactory(
            centre=a,
            title="Warsztaty ceramiki",
            start=_local(2026, 3, 10),
            end=_local(2026, 3, 10, 19),
            method=CalMethod.ORGANISING,
            form=ActivityForm.WORKSHOP,
            effects=[Effect.RELATIONS],
            place="Sala główna",
        ),
        "A2": factories.ActivityFactory(
            centre=a,
            title="Piknik sąsiedzki",
            start=_local(2026, 5, 20),
            end=_local(2026, 5, 20, 20),
            method=CalMethod.PUBLIC_SPACE,
            form=ActivityForm.EVENT,
            effects=[Effect.RELATIONS, Effect.IDENTITY],
            place="Skwer Pereca",
            in_public_space=True,
            resident_initiated=True,
        ),
        "A3": factories.ActivityFactory(
            centre=b,
            title="Spotkanie rady",
            description="Rozmowa o budżecie obywatelskim",
            start=_local(2026, 4, 15),
            end=_local(2026, 4, 15, 19),
            method=CalMethod.NETWORKING,
            form=ActivityForm.NEIGHBOURS_MEETING,
            effects=[Effect.PARTNERSHIPS],
            place="",
            is_public=False,
        ),
        "A4": factories.ActivityFactory(
            centre=c,
            title="Grupa wsparcia",
            start=_local(2026, 6, 1),
            end=_local(2026, 6, 1, 19),
            method=CalMethod.COMMUNITY,
            form=ActivityForm.SELF_HELP,
            effects=[Effect.INCLUSION],
            place="",
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["A4", "A2", "A3", "A1"]),
        ("centre=cal-szczepin", ["A2", "A1"]),
        ("osiedle=test-stare", ["A4", "A3"]),
        ("district=stare-miasto", ["A4", "A3"]),
        ("district=krzyki", ["A2", "A3", "A1"]),
        ("method=przestrzen-publiczna", ["A2"]),
        ("form=warsztat", ["A1"]),
        ("effect=relacje", ["A2", "A1"]),
        ("effect=wykluczenie", ["A4"]),
        ("date_from=2026-05-20", ["A4", "A2"]),
        ("date_to=2026-04-15", ["A3", "A1"]),
        ("date_from=2026-04-01&date_to=2026-05-31", ["A2", "A3"]),
        ("resident_initiated=true", ["A2"]),
        ("in_public_space=true", ["A2"]),
        ("in_public_space=false&centre=cal-szczepin", ["A1"]),
        ("is_public=false", ["A3"]),
        ("q=ceramiki", ["A1"]),
        ("q=pereca", ["A2"]),
        ("q=BUDŻECIE", ["A3"]),
        ("centre=cal-szczepin&effect=tozsamosc&in_public_space=true", ["A2"]),
    ],
)
def test_activity_filters(api_client, city_staff, four_activities, query, expected):
    _login(api_client, city_staff)

    response = api_client.get(f"/api/v1/activities/?{query}")

    names = {activity.pk: name for name, activity in four_activities.items()}
    assert [names[pk] for pk in _ids(response)] == expected


def test_operators_filters_stay_within_their_centres(api_client, operator_a, four_activities):
    _login(api_client, operator_a)

    everything = api_client.get("/api/v1/activities/")
    of_b = api_client.get("/api/v1/activities/?centre=cal-gajowice")

    assert _ids(everything) == [four_activities["A2"].pk, four_activities["A1"].pk]
    assert _ids(of_b) == []


@pytest.mark.parametrize(
    "query",
    [
        "centre=nie-ma",
        "osiedle=nie-ma",
        "district=mars",
        "method=magia",
        "form=bal",
        "effect=zlosc",
        "date_from=wczoraj",
        "date_to=2026-13-01",
    ],
)
def test_invalid_activity_filters_are_400_on_the_filter(api_client, city_staff, centre_a, query):
    _login(api_client, city_staff)

    response = api_client.get(f"/api/v1/activities/?{query}")

    assert response.status_code == 400
    assert list(response.json()) == [query.split("=")[0]]


# --- series ------------------------------------------------------------------------------


def test_weekly_series_creates_every_occurrence(api_client, operator_a, centre_a, partners):
    _login(api_client, operator_a)

    response = api_client.post(
        "/api/v1/activities/series/",
        _activity_payload(
            frequency="weekly",
            until="2026-04-07",
            partners=[partners["school"].pk],
            new_partner_name="Klub Seniora Szczepin",
            new_partner_kind="grupa-nieformalna",
        ),
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    series = ActivitySeries.objects.get()
    assert {key: value for key, value in body.items() if key != "activities"} == {
        "id": series.pk,
        "centre": "cal-szczepin",
        "frequency": "weekly",
        "first_start": "2026-03-10T17:00:00+01:00",
        "until": "2026-04-07",
        "occurrences": 5,
    }
    # Same wall-clock time across the change to summer time (29 March).
    assert [a["start"] for a in body["activities"]] == [
        "2026-03-10T17:00:00+01:00",
        "2026-03-17T17:00:00+01:00",
        "2026-03-24T17:00:00+01:00",
        "2026-03-31T17:00:00+02:00",
        "2026-04-07T17:00:00+02:00",
    ]
    assert {a["series"] for a in body["activities"]} == {series.pk}
    assert [a["id"] for a in body["activities"]] == list(
        series.activities.order_by("start").values_list("pk", flat=True)
    )
    assert {tuple(p["name"] for p in a["partners"]) for a in body["activities"]} == {
        ("Klub Seniora Szczepin", "Szkoła Podstawowa nr 1")
    }
    assert Activity.objects.filter(centre=centre_a, title="Spacer badawczy").count() == 5


def test_monthly_series_keeps_the_day_or_takes_the_months_last(api_client, operator_a, centre_a):
    _login(api_client, operator_a)

    response = api_client.post(
        "/api/v1/activities/series/",
        _activity_payload(
            start="2026-01-31T10:00", end="2026-01-31T12:00", frequency="monthly", until="2026-04-30"
        ),
        format="json",
    )

    assert response.status_code == 201
    assert [a["start"][:10] for a in response.json()["activities"]] == [
        "2026-01-31",
        "2026-02-28",
        "2026-03-31",
        "2026-04-30",
    ]


def test_series_of_exactly_the_maximum_is_created(api_client, operator_a, centre_a):
    _login(api_client, operator_a)
    first = date(2026, 3, 10)
    until = first + timedelta(weeks=MAX_SERIES_OCCURRENCES - 1)

    response = api_client.post(
        "/api/v1/activities/series/",
        _activity_payload(frequency="weekly", until=until.isoformat()),
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["occurrences"] == MAX_SERIES_OCCURRENCES
    assert len(response.json()["activities"]) == MAX_SERIES_OCCURRENCES
    assert Activity.objects.count() == MAX_SERIES_OCCURRENCES


def test_series_of_201_occurrences_is_refused_and_nothing_is_created(api_client, operator_a, centre_a):
    # Given one activity already recorded
    factories.ActivityFactory(centre=centre_a)
    organizations = Organization.objects.count()
    _login(api_client, operator_a)
    until = date(2026, 3, 10) + timedelta(weeks=MAX_SERIES_OCCURRENCES)

    # When a weekly series with 201 occurrences is asked for
    response = api_client.post(
        "/api/v1/activities/series/",
        _activity_payload(
            frequency="weekly",
            until=until.isoformat(),
            new_partner_name="Nowy partner",
            new_partner_kind="ngo",
        ),
        format="json",
    )

    # Then it is refused on "until" and no row is added anywhere
    assert response.status_code == 400
    assert response.json() == {
        "until": ["A series can have at most 200 occurrences: choose an earlier end date."]
    }
    assert Activity.objects.count() == 1
    assert ActivitySeries.objects.count() == 0
    assert Organization.objects.count() == organizations


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"frequency": "daily"}, {"frequency": ['"daily" is not a valid choice.']}),
        ({"until": None}, {"until": ["This field may not be null."]}),
        (
            {"until": "2026-03-01"},
            {"until": ["The series must end on or after the date of its first occurrence."]},
        ),
        ({"end": "2026-03-10T16:00"}, {"end": ["The end must be after the start."]}),
        ({"until": "9999-12-31"}, {"until": [OUT_OF_RANGE]}),
        ({"centre": "cal-gajowice"}, {"centre": ["Object with slug=cal-gajowice does not exist."]}),
    ],
)
def test_bad_series_input_is_400_and_creates_nothing(
    api_client, operator_a, centre_a, centre_b, changes, errors
):
    _login(api_client, operator_a)
    payload = {**_activity_payload(frequency="weekly", until="2026-04-07"), **changes}

    response = api_client.post("/api/v1/activities/series/", payload, format="json")

    assert response.status_code == 400
    assert response.json() == errors
    assert (Activity.objects.count(), ActivitySeries.objects.count()) == (0, 0)


def test_series_at_the_end_of_the_accepted_years_does_not_overflow(api_client, operator_a, centre_a):
    _login(api_client, operator_a)
    payload = _activity_payload(
        start="2999-12-25T10:00", end="2999-12-25T12:00", frequency="weekly", until="2999-12-31"
    )

    response = api_client.post("/api/v1/activities/series/", payload, format="json")

    assert response.status_code == 201
    assert [a["start"] for a in response.json()["activities"]] == ["2999-12-25T10:00:00+01:00"]


def test_volunteer_dates_outside_the_accepted_years_are_400(api_client, operator_a, centre_a):
    _login(api_client, operator_a)
    payload = {
        "centre": "cal-szczepin",
        **COLLECTIONS["volunteers"]["create"],
        "consent_date": "0001-01-01",
        "agreement_end": "3000-01-01",
    }

    response = api_client.post("/api/v1/volunteers/", payload, format="json")

    assert response.status_code == 400
    assert response.json() == {"consent_date": [OUT_OF_RANGE], "agreement_end": [OUT_OF_RANGE]}


def test_series_needs_a_signed_in_user(api_client, centre_a):
    response = api_client.post(
        "/api/v1/activities/series/", _activity_payload(frequency="weekly", until="2026-04-07"), format="json"
    )

    assert response.status_code == 401
    assert Activity.objects.count() == 0


# --- volunteers --------------------------------------------------------------------------


def test_volunteer_shape(api_client, operator_a, centre_a):
    volunteer = factories.VolunteerFactory(
        centre=centre_a, name="Jan Nowak", email="jan@example.org", is_leader=True
    )
    _login(api_client, operator_a)

    body = api_client.get(f"/api/v1/volunteers/{volunteer.pk}/").json()

    assert body == {
        "id": volunteer.pk,
        "centre": "cal-szczepin",
        "name": "Jan Nowak",
        "email": "jan@example.org",
        "phone": "600 100 200",
        "skills": "animacja czasu wolnego",
        "notes": "",
        "is_leader": True,
        "consent_date": volunteer.consent_date.isoformat(),
        "consent_scope": "Imię, nazwisko i kontakt w celu organizowania działań centrum.",
        "legal_basis": "zgoda",
        "agreement_start": None,
        "agreement_end": None,
        "active": True,
        "erased_at": None,
        "version": 1,
        "created_at": timezone.localtime(volunteer.created_at).isoformat(),
        "updated_at": timezone.localtime(volunteer.updated_at).isoformat(),
    }


def test_volunteer_without_consent_is_400_on_each_missing_field(api_client, operator_a, centre_a):
    _login(api_client, operator_a)

    response = api_client.post(
        "/api/v1/volunteers/", {"centre": "cal-szczepin", "name": "Anna Nowak"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "consent_date": [CONSENT_REQUIRED],
        "consent_scope": [CONSENT_REQUIRED],
        "legal_basis": [CONSENT_REQUIRED],
    }
    assert Volunteer.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"consent_date": "2099-01-01"}, {"consent_date": ["The consent date cannot be in the future."]}),
        (
            {"agreement_start": "2026-02-01", "agreement_end": "2026-01-01"},
            {"agreement_end": ["The agreement cannot end before it starts."]},
        ),
        ({"email": "nie-mail"}, {"email": ["Enter a valid email address."]}),
        ({"legal_basis": "widzimisie"}, {"legal_basis": ['"widzimisie" is not a valid choice.']}),
        ({"name": ""}, {"name": ["This field may not be blank."]}),
        ({"name": None}, {"name": ["This field may not be null."]}),
    ],
)
def test_bad_volunteer_input_is_400_and_saves_nothing(api_client, operator_a, centre_a, changes, errors):
    _login(api_client, operator_a)
    payload = {"centre": "cal-szczepin", **COLLECTIONS["volunteers"]["create"], **changes}

    response = api_client.post("/api/v1/volunteers/", payload, format="json")

    assert response.status_code == 400
    assert response.json() == errors
    assert Volunteer.objects.count() == 0


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("centre=cal-szczepin", ["Anna Leader", "Ola Dawna"]),
        ("is_leader=true", ["Anna Leader"]),
        ("active=false", ["Ola Dawna"]),
        ("q=ogrodnictwo", ["Piotr z Gajowic"]),
        ("q=anna", ["Anna Leader"]),
    ],
)
def test_volunteer_filters(api_client, city_staff, centre_a, centre_b, query, expected):
    factories.VolunteerFactory(centre=centre_a, name="Anna Leader", is_leader=True)
    factories.VolunteerFactory(centre=centre_a, name="Ola Dawna", active=False)
    factories.VolunteerFactory(centre=centre_b, name="Piotr z Gajowic", skills="ogrodnictwo")
    _login(api_client, city_staff)

    response = api_client.get(f"/api/v1/volunteers/?{query}")

    assert response.status_code == 200
    assert sorted(v["name"] for v in response.json()["results"]) == expected


def test_operator_b_filtering_by_centre_a_sees_no_volunteers(api_client, operator_b, centre_a):
    factories.VolunteerFactory(centre=centre_a)
    _login(api_client, operator_b)

    response = api_client.get("/api/v1/volunteers/?centre=cal-szczepin")

    assert response.status_code == 200
    assert response.json()["count"] == 0


@pytest.mark.parametrize("user", ["operator_a", "city_staff"])
def test_volunteer_export_gives_everything_held(request, api_client, centre_a, user):
    volunteer = factories.VolunteerFactory(centre=centre_a, name="Jan Nowak", email="jan@example.org")
    _login(api_client, request.getfixturevalue(user))
    api_client.patch(
        f"/api/v1/volunteers/{volunteer.pk}/", {"version": 1, "skills": "stolarka"}, format="json"
    )

    response = api_client.get(f"/api/v1/volunteers/{volunteer.pk}/export/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == f'attachment; filename="volunteer-{volunteer.pk}.json"'
    body = response.json()
    assert body["centre"] == {"name": "CAL Szczepin", "slug": "cal-szczepin"}
    assert body["volunteer"]["id"] == volunteer.pk
    assert body["volunteer"]["name"] == "Jan Nowak"
    assert body["volunteer"]["email"] == "jan@example.org"
    assert body["volunteer"]["skills"] == "stolarka"
    assert [event["event"] for event in body["history"]] == ["insert", "update"]
    assert [event["data"]["skills"] for event in body["history"]] == ["animacja czasu wolnego", "stolarka"]


def test_operator_b_can_neither_export_nor_erase_centre_as_volunteers(
    api_client, operator_b, centre_a, centre_b
):
    volunteer = factories.VolunteerFactory(centre=centre_a)
    _login(api_client, operator_b)

    export = api_client.get(f"/api/v1/volunteers/{volunteer.pk}/export/")
    erase = api_client.post(f"/api/v1/volunteers/{volunteer.pk}/erase/")

    assert (export.status_code, erase.status_code) == (404, 404)
    volunteer.refresh_from_db()
    assert volunteer.erased_at is None


@pytest.mark.parametrize("user", ["operator_a", "city_staff"])
def test_volunteer_erase_blanks_the_personal_data_and_keeps_the_record(request, api_client, centre_a, user):
    volunteer = factories.VolunteerFactory(centre=centre_a, name="Jan Nowak", notes="alergia")
    _login(api_client, request.getfixturevalue(user))

    response = api_client.post(f"/api/v1/volunteers/{volunteer.pk}/erase/")

    assert response.status_code == 200
    body = response.json()
    assert {name: body[name] for name in ("name", "email", "phone", "skills", "notes", "consent_scope")} == {
        "name": "",
        "email": "",
        "phone": "",
        "skills": "",
        "notes": "",
        "consent_scope": "",
    }
    assert (body["consent_date"], body["legal_basis"], body["active"], body["version"]) == (
        None,
        "",
        False,
        2,
    )
    volunteer.refresh_from_db()
    assert body["erased_at"] == timezone.localtime(volunteer.erased_at).isoformat()
    # The export now holds nothing personal, and no history of the data before.
    export = api_client.get(f"/api/v1/volunteers/{volunteer.pk}/export/").json()
    assert export["volunteer"]["name"] == ""
    assert "Jan Nowak" not in str(export)
    assert "alergia" not in str(export)


def test_an_erased_volunteer_cannot_be_edited(api_client, operator_a, centre_a):
    volunteer = factories.VolunteerFactory(centre=centre_a)
    _login(api_client, operator_a)
    api_client.post(f"/api/v1/volunteers/{volunteer.pk}/erase/")

    response = api_client.patch(
        f"/api/v1/volunteers/{volunteer.pk}/", {"version": 2, "name": "Znowu"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["This volunteer's personal data has been erased."]}
    volunteer.refresh_from_db()
    assert volunteer.name == ""


def test_erase_is_only_a_post(api_client, operator_a, centre_a):
    volunteer = factories.VolunteerFactory(centre=centre_a)
    _login(api_client, operator_a)

    response = api_client.get(f"/api/v1/volunteers/{volunteer.pk}/erase/")

    assert response.status_code == 405
    volunteer.refresh_from_db()
    assert volunteer.erased_at is None


# --- query counts ------------------------------------------------------------------------


def _count_queries(client, path, user):
    _login(client, user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.json()["count"]


def _add_records(collection, count, centres, partners):
    for i in range(count):
        centre = centres[i % len(centres)]
        if collection == "activities":
            factories.ActivityFactory(centre=centre, partners=partners)
        else:
            COLLECTIONS[collection]["factory"](centre=centre)


@pytest.mark.parametrize("collection", ALL)
@pytest.mark.parametrize("user", ["operator_a", "city_staff", "animator"])
def test_list_query_count_does_not_grow_with_rows(
    request, api_client, centre_a, centre_b, partners, collection, user
):
    viewer = request.getfixturevalue(user)
    # The operator sees centre A only; the others see both centres.
    centres = [centre_a] if user == "operator_a" else [centre_a, centre_b]
    chosen = [partners["school"], partners["library"]]
    visible = 0 if (user == "animator" and collection == "volunteers") else None

    _add_records(collection, 2, centres, chosen)
    at_two, count_two = _count_queries(api_client, f"/api/v1/{collection}/", viewer)
    _add_records(collection, 18, centres, chosen)
    at_twenty, count_twenty = _count_queries(api_client, f"/api/v1/{collection}/", viewer)

    assert (count_two, count_twenty) == ((2, 20) if visible is None else (0, 0))
    assert at_twenty == at_two


def test_filtered_activity_list_query_count_does_not_grow_with_rows(
    api_client, city_staff, centre_a, partners
):
    path = "/api/v1/activities/?centre=cal-szczepin&effect=relacje&date_from=2020-01-01"
    _add_records("activities", 2, [centre_a], [partners["school"]])
    at_two, _ = _count_queries(api_client, path, city_staff)
    _add_records("activities", 18, [centre_a], [partners["school"], partners["library"]])

    assert _count_queries(api_client, path, city_staff) == (at_two, 20)


# --- schema ------------------------------------------------------------------------------


def test_openapi_schema_validates_and_documents_the_collections(tmp_path, db):
    schema_file = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(schema_file))

    schema = schema_file.read_text()
    for path in (
        "/api/v1/resources/{id}/:",
        "/api/v1/activities/{id}/:",
        "/api/v1/activities/series/:",
        "/api/v1/volunteers/{id}/export/:",
        "/api/v1/volunteers/{id}/erase/:",
        "/api/v1/groups/{id}/:",
    ):
        assert path in schema
    assert "'409':" in schema
