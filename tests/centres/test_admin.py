import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from centres import services
from centres.exports import CSV_COLUMNS
from centres.models import Centre, Membership, OperatorTerm, Organization, OrganizationEvent, Osiedle
from tests import factories

pytestmark = pytest.mark.django_db

MODELS = {
    "centre": Centre,
    "organization": Organization,
    "operatorterm": OperatorTerm,
    "membership": Membership,
    "osiedle": Osiedle,
}


@pytest.fixture
def staff_client(client, city_staff, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(city_staff)
    return client


@pytest.fixture
def records(centre_a, operator_a):
    """One record of every model the admin shows."""
    return {
        "centre": centre_a,
        "organization": centre_a.terms.get().organization,
        "operatorterm": centre_a.terms.get(),
        "membership": Membership.objects.get(user=operator_a),
        "osiedle": centre_a.primary_osiedle,
    }


@pytest.mark.parametrize("model", list(MODELS))
def test_city_staff_open_changelist_add_and_change_pages(staff_client, records, model):
    changelist = staff_client.get(f"/admin/centres/{model}/")
    add = staff_client.get(f"/admin/centres/{model}/add/")
    change = staff_client.get(f"/admin/centres/{model}/{records[model].pk}/change/")

    assert (changelist.status_code, add.status_code, change.status_code) == (200, 200, 200)


def test_admin_index_lists_the_centres_app_for_city_staff(staff_client, db):
    response = staff_client.get("/admin/")

    assert response.status_code == 200
    assert "/admin/centres/centre/" in response.content.decode()


@pytest.mark.parametrize("fixture", ["operator_a", "animator", "team_member"])
def test_users_who_are_not_staff_are_sent_to_the_admin_login(request, client, fixture):
    client.force_login(request.getfixturevalue(fixture))

    response = client.get("/admin/centres/centre/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/centres/centre/"


def test_staff_without_the_city_group_see_no_centre_admin(client, db):
    client.force_login(factories.UserFactory(is_staff=True))

    assert client.get("/admin/centres/centre/").status_code == 403


def test_export_action_returns_a_csv_of_the_selected_centres(staff_client, centre_a, centre_b):
    response = staff_client.post(
        "/admin/centres/centre/", {"action": "export_csv", "_selected_action": [centre_a.pk]}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="centres.csv"'
    header, *rows = csv.reader(io.StringIO(response.content.decode().removeprefix("\ufeff")))
    assert header == list(CSV_COLUMNS)
    assert [row[0] for row in rows] == ["cal-szczepin"]


def test_admin_saves_a_centre_through_the_service(staff_client, centre_a):
    # Given the change form of centre A
    data = {
        "name": "CAL Szczepin Nowy",
        "slug": centre_a.slug,
        "status": "zawieszony",
        "street_address": centre_a.street_address,
        "postal_code": centre_a.postal_code,
        "city": centre_a.city,
        "latitude": str(centre_a.latitude),
        "longitude": str(centre_a.longitude),
        "primary_osiedle": centre_a.primary_osiedle.pk,
        "description": "Opis z panelu",
        "terms-TOTAL_FORMS": "0",
        "terms-INITIAL_FORMS": "0",
        "terms-MIN_NUM_FORMS": "0",
        "terms-MAX_NUM_FORMS": "1000",
    }

    # When city staff save it
    response = staff_client.post(f"/admin/centres/centre/{centre_a.pk}/change/", data)

    # Then the service bumped the version
    assert response.status_code == 302
    centre_a.refresh_from_db()
    assert (centre_a.name, centre_a.status, centre_a.version) == ("CAL Szczepin Nowy", "zawieszony", 2)


def test_admin_changes_the_served_osiedla_as_one_audited_change(staff_client, centre_a):
    from centres.models import CentreServedOsiedleEvent, Osiedle

    # Given centre A serves its primary osiedle only
    primary = centre_a.primary_osiedle
    centre_a.served_osiedla.set([primary])
    other = Osiedle.objects.exclude(pk=primary.pk).order_by("name").first()
    CentreServedOsiedleEvent.objects.all().delete()
    data = {
        "name": centre_a.name,
        "slug": centre_a.slug,
        "status": centre_a.status,
        "street_address": centre_a.street_address,
        "postal_code": centre_a.postal_code,
        "city": centre_a.city,
        "latitude": str(centre_a.latitude),
        "longitude": str(centre_a.longitude),
        "primary_osiedle": primary.pk,
        "area_of_influence": [other.pk],
        "terms-TOTAL_FORMS": "0",
        "terms-INITIAL_FORMS": "0",
        "terms-MIN_NUM_FORMS": "0",
        "terms-MAX_NUM_FORMS": "1000",
    }
    assert other.pk not in [o.pk for o in centre_a.served_osiedla.all()]
    page = staff_client.get(f"/admin/centres/centre/{centre_a.pk}/change/")
    assert page.context["adminform"].form.initial["area_of_influence"] == [primary.pk]

    # When city staff replace it with another osiedle
    response = staff_client.post(f"/admin/centres/centre/{centre_a.pk}/change/", data)

    # Then the centre serves the other one, and both changes are audited with who made them
    assert response.status_code == 302
    assert list(centre_a.served_osiedla.all()) == [other]
    events = CentreServedOsiedleEvent.objects.order_by("pgh_id")
    assert [(e.pgh_label, e.osiedle_id) for e in events] == [
        ("served_osiedle.remove", primary.pk),
        ("served_osiedle.add", other.pk),
    ]
    assert {e.pgh_context.metadata["action"] for e in events} == {"centre.save"}
    assert {e.pgh_context.metadata["user"] for e in events} == {response.wsgi_request.user.pk}


def _centre_form_with_term(centre, term_data):
    term = centre.terms.get()
    return {
        "name": centre.name,
        "slug": centre.slug,
        "status": centre.status,
        "street_address": centre.street_address,
        "postal_code": centre.postal_code,
        "city": centre.city,
        "latitude": str(centre.latitude),
        "longitude": str(centre.longitude),
        "primary_osiedle": centre.primary_osiedle.pk,
        "terms-TOTAL_FORMS": "2",
        "terms-INITIAL_FORMS": "1",
        "terms-MIN_NUM_FORMS": "0",
        "terms-MAX_NUM_FORMS": "1000",
        "terms-0-id": term.pk,
        "terms-0-centre": centre.pk,
        "terms-0-organization": term.organization.pk,
        "terms-0-start": term.start.isoformat(),
        "terms-0-end": "",
        "terms-0-agreement_number": term.agreement_number,
        "terms-0-grant_amount": str(term.grant_amount),
        "terms-0-competition_reference": "",
        "terms-1-centre": centre.pk,
        **{f"terms-1-{k}": v for k, v in term_data.items()},
    }


def test_an_overlapping_term_in_the_centre_inline_is_an_error_not_a_500(staff_client, centre_a):
    # Given a new term in the inline that overlaps the open-ended current one
    data = _centre_form_with_term(
        centre_a,
        {
            "organization": factories.OrganizationFactory().pk,
            "start": timezone.localdate().isoformat(),
            "end": "",
            "agreement_number": "WPS/99/2026",
            "grant_amount": "1000",
            "competition_reference": "",
        },
    )

    # When city staff save
    response = staff_client.post(f"/admin/centres/centre/{centre_a.pk}/change/", data)

    # Then the form comes back with the message and nothing was saved
    assert response.status_code == 200
    assert "This centre already has an operator term in that period." in response.content.decode()
    assert centre_a.terms.count() == 1
    centre_a.refresh_from_db()
    assert centre_a.version == 1


def test_a_term_ending_before_its_start_in_the_inline_is_an_error(staff_client, centre_a):
    today = timezone.localdate()
    data = _centre_form_with_term(
        centre_a,
        {
            "organization": factories.OrganizationFactory().pk,
            "start": (today + timedelta(days=400)).isoformat(),
            "end": (today + timedelta(days=300)).isoformat(),
            "agreement_number": "",
            "grant_amount": "",
            "competition_reference": "",
        },
    )

    response = staff_client.post(f"/admin/centres/centre/{centre_a.pk}/change/", data)

    assert response.status_code == 200
    assert "The end of the term cannot be before its start." in response.content.decode()
    assert centre_a.terms.count() == 1


def test_a_following_term_in_the_inline_is_saved(staff_client, centre_a):
    # Given the current term ends in 30 days and the next one starts the day after
    today = timezone.localdate()
    OperatorTerm.objects.filter(centre=centre_a).update(end=today + timedelta(days=30))
    centre_a.refresh_from_db()
    data = _centre_form_with_term(
        centre_a,
        {
            "organization": factories.OrganizationFactory().pk,
            "start": (today + timedelta(days=31)).isoformat(),
            "end": "",
            "agreement_number": "WPS/100/2026",
            "grant_amount": "",
            "competition_reference": "",
        },
    )
    data["terms-0-end"] = (today + timedelta(days=30)).isoformat()

    response = staff_client.post(f"/admin/centres/centre/{centre_a.pk}/change/", data)

    assert response.status_code == 302
    assert centre_a.terms.count() == 2


def test_an_overlapping_term_in_the_term_admin_is_an_error(staff_client, centre_a):
    response = staff_client.post(
        "/admin/centres/operatorterm/add/",
        {
            "centre": centre_a.pk,
            "organization": factories.OrganizationFactory().pk,
            "start": timezone.localdate().isoformat(),
        },
    )

    assert response.status_code == 200
    assert "This centre already has an operator term in that period." in response.content.decode()
    assert centre_a.terms.count() == 1


def test_an_organisation_with_a_bad_nip_is_an_admin_form_error(staff_client, db):
    response = staff_client.post(
        "/admin/centres/organization/add/",
        {
            "name": "Zła Fundacja",
            "kind": "ngo",
            "sector": "obywatelski",
            "nip": "1234563219",
            "city": "Wrocław",
        },
    )

    assert response.status_code == 200
    assert "Enter a valid NIP: 10 digits with a correct check digit." in response.content.decode()
    assert Organization.objects.filter(name="Zła Fundacja").exists() is False


def test_admin_creates_an_organisation_through_the_audited_service(staff_client, city_staff):
    response = staff_client.post(
        "/admin/centres/organization/add/",
        {"name": "Dobra Fundacja", "kind": "ngo", "sector": "obywatelski", "nip": "1234563218", "city": ""},
    )

    assert response.status_code == 302
    organization = Organization.objects.get(name="Dobra Fundacja")
    event = OrganizationEvent.objects.get(pgh_obj=organization, pgh_label="insert")
    assert event.pgh_context.metadata["user"] == city_staff.pk
    assert event.pgh_context.metadata["action"] == "organization.save"


def test_centre_change_page_links_to_its_history(staff_client, centre_a):
    response = staff_client.get(f"/admin/centres/centre/{centre_a.pk}/change/")

    assert f"obj=centres.Centre:{centre_a.pk}" in response.content.decode()


def test_history_page_lists_the_changes_of_a_centre(staff_client, operator_a, centre_a):
    # Given the operator changed the profile (an audited write)
    services.centre_update_profile(
        centre=centre_a, actor=operator_a, expected_version=1, description="Zmiana do historii"
    )

    # When city staff open the admin history of the centre
    history = staff_client.get(f"/admin/centres/centre/{centre_a.pk}/history/")
    events = staff_client.get(f"/admin/pghistory/events/?method=tracks&obj=centres.Centre:{centre_a.pk}")

    # Then both pages open and the events list shows the update
    assert history.status_code == 200
    assert events.status_code == 200
    assert "Zmiana do historii" in events.content.decode()


def test_nothing_is_deleted_in_the_admin(staff_client, centre_a):
    response = staff_client.get(f"/admin/centres/centre/{centre_a.pk}/delete/")

    assert response.status_code == 403
    assert Centre.objects.filter(pk=centre_a.pk).exists() is True


@pytest.mark.django_db
def test_admin_accepts_a_nip_typed_with_dashes_and_stores_digits(client, city_staff):
    # Given city staff in the admin
    client.force_login(city_staff)
    nip = factories.valid_nip(777000001)
    typed = f"{nip[:3]}-{nip[3:6]}-{nip[6:8]}-{nip[8:]}"

    # When they add an organisation with the NIP written as on an invoice
    response = client.post(
        "/admin/centres/organization/add/",
        {
            "name": "Fundacja Myślników",
            "kind": "ngo",
            "sector": "obywatelski",
            "nip": typed,
            "city": "Wrocław",
        },
    )

    # Then it is saved with the digits only
    assert response.status_code == 302
    assert Organization.objects.get(name="Fundacja Myślników").nip == nip
