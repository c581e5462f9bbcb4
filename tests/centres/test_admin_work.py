"""The admin of what centres have and do: resources, activities (filters, CSV and XLSX
exports), volunteers (personal data), groups and series. City staff only; saves go
through the services."""

import csv
import io
import json
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from centres import services
from centres.models import (
    Activity,
    ActivityEvent,
    CalMethod,
    District,
    Effect,
    Group,
    LegalBasis,
    Resource,
    SeriesFrequency,
    Volunteer,
)
from centres.models import ActivityForm as Form
from tests import factories

pytestmark = pytest.mark.django_db

MODELS = ["resource", "activity", "volunteer", "group"]


@pytest.fixture
def staff_client(client, city_staff, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(city_staff)
    return client


def _local(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def records(centre_a):
    return {
        "resource": factories.ResourceFactory(centre=centre_a),
        "activity": factories.ActivityFactory(centre=centre_a),
        "volunteer": factories.VolunteerFactory(centre=centre_a),
        "group": factories.GroupFactory(centre=centre_a),
    }


def _result(response):
    assert response.status_code == 200
    return sorted(obj.title for obj in response.context["cl"].result_list)


# --- access -----------------------------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS)
def test_city_staff_open_changelist_add_and_change_pages(staff_client, records, model):
    changelist = staff_client.get(f"/admin/centres/{model}/")
    add = staff_client.get(f"/admin/centres/{model}/add/")
    change = staff_client.get(f"/admin/centres/{model}/{records[model].pk}/change/")

    assert (changelist.status_code, add.status_code, change.status_code) == (200, 200, 200)
    assert f'name="read_version" value="{records[model].version}"' in change.content.decode()


@pytest.mark.parametrize("model", [*MODELS, "activityseries"])
@pytest.mark.parametrize("fixture", ["operator_a", "animator", "team_member"])
def test_operators_and_the_network_get_the_admin_login(request, client, records, model, fixture):
    client.force_login(request.getfixturevalue(fixture))

    response = client.get(f"/admin/centres/{model}/")

    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next=/admin/centres/{model}/"


@pytest.mark.parametrize("model", [*MODELS, "activityseries"])
def test_staff_without_the_city_group_are_refused(client, records, model):
    client.force_login(factories.UserFactory(is_staff=True))

    assert client.get(f"/admin/centres/{model}/").status_code == 403
    assert client.get(f"/admin/centres/{model}/add/").status_code == 403


@pytest.mark.parametrize("model", MODELS)
def test_nothing_is_deleted_in_the_admin(staff_client, records, model):
    response = staff_client.get(f"/admin/centres/{model}/{records[model].pk}/delete/")

    assert response.status_code == 403
    assert type(records[model]).objects.filter(pk=records[model].pk).exists() is True


def test_series_are_read_only(staff_client, centre_a, operator_a):
    series = services.activity_series_create(
        centre=centre_a,
        actor=operator_a,
        frequency=SeriesFrequency.WEEKLY,
        until=timezone.localdate() + timedelta(days=30),
        title="Kawiarenka",
        start=_local(timezone.localdate() + timedelta(days=1), 10),
        end=_local(timezone.localdate() + timedelta(days=1), 12),
        method=CalMethod.COMMUNITY,
        form=Form.NEIGHBOURS_MEETING,
    )

    assert staff_client.get("/admin/centres/activityseries/").status_code == 200
    assert staff_client.get(f"/admin/centres/activityseries/{series.pk}/change/").status_code == 200
    assert staff_client.get("/admin/centres/activityseries/add/").status_code == 403
    assert staff_client.post(f"/admin/centres/activityseries/{series.pk}/change/", {}).status_code == 403


# --- activity list filters --------------------------------------------------------------------


@pytest.fixture
def activities(centre_a, centre_b):
    """Activities of two centres in different osiedla and districts, varied in every filter."""
    centre_b.primary_osiedle.district = District.FABRYCZNA
    centre_b.primary_osiedle.save()
    served = factories.OsiedleFactory(name="Huby", slug="huby", district=District.KRZYKI)
    centre_b.served_osiedla.set([served])
    year = timezone.localdate().year + 1
    return {
        "a_winter": factories.ActivityFactory(
            centre=centre_a,
            title="A zima",
            start=_local(datetime(year, 1, 10), 17),
            end=_local(datetime(year, 1, 10), 19),
            method=CalMethod.NEEDS,
            form=Form.WORKSHOP,
            effects=[Effect.RELATIONS, Effect.IDENTITY],
        ),
        "a_summer": factories.ActivityFactory(
            centre=centre_a,
            title="A lato",
            start=_local(datetime(year, 7, 10), 17),
            end=_local(datetime(year, 7, 10), 19),
            method=CalMethod.PUBLIC_SPACE,
            form=Form.EVENT,
            effects=[Effect.INCLUSION],
            resident_initiated=True,
            in_public_space=True,
        ),
        "b_winter": factories.ActivityFactory(
            centre=centre_b,
            title="B zima",
            start=_local(datetime(year, 1, 20), 10),
            end=_local(datetime(year, 1, 20), 12),
            method=CalMethod.NEEDS,
            form=Form.NEIGHBOURS_MEETING,
            effects=[Effect.IDENTITY],
            is_public=False,
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["A lato", "A zima", "B zima"]),
        ("centre__id__exact={a}", ["A lato", "A zima"]),
        ("osiedle={a_osiedle}", ["A lato", "A zima"]),
        # centre B is located in another osiedle but serves Huby
        ("osiedle=huby", ["B zima"]),
        ("district=fabryczna", ["B zima"]),
        ("district=krzyki", ["A lato", "A zima", "B zima"]),
        ("method__exact=rozpoznawanie-potrzeb", ["A zima", "B zima"]),
        ("form__exact=wydarzenie", ["A lato"]),
        ("effect=tozsamosc", ["A zima", "B zima"]),
        ("effect=wykluczenie", ["A lato"]),
        ("resident_initiated__exact=1", ["A lato"]),
        ("in_public_space__exact=1", ["A lato"]),
        ("is_public__exact=0", ["B zima"]),
        ("start__year={year}&start__month=1", ["A zima", "B zima"]),
        ("start__gte={year}-07-01&start__lt={year}-08-01", ["A lato"]),
        ("q=lato", ["A lato"]),
    ],
)
def test_activity_filters_narrow_to_the_exact_rows(staff_client, activities, centre_a, query, expected):
    query = query.format(
        a=centre_a.pk, a_osiedle=centre_a.primary_osiedle.slug, year=timezone.localdate().year + 1
    )

    assert _result(staff_client.get(f"/admin/centres/activity/?{query}")) == expected


def test_activity_filters_are_offered(staff_client, activities):
    response = staff_client.get("/admin/centres/activity/")

    titles = [str(spec.title) for spec in response.context["cl"].filter_specs]
    assert titles == [
        "centre",
        "osiedle",
        "district",
        "CAL method",
        "form",
        "start",
        "intended effect",
        "initiated by residents",
        "in public space",
        "public",
    ]


# --- exports ----------------------------------------------------------------------------------

EXPORT_HEADER = [
    "ID",
    "Centre",
    "Osiedle",
    "Former district",
    "Title",
    "Start",
    "End",
    "CAL method",
    "Form",
    "Place",
    "In public space",
    "Initiated by residents",
    "Participants aged 0–12",
    "Participants aged 13–17",
    "Participants aged 18–25",
    "Participants aged 26–59",
    "Participants aged 60+",
    "Participants in total",
    "Volunteers involved",
    "Volunteer hours",
    "Partner organisations",
    "Intended effects",
    "Public",
]


@pytest.fixture
def exported(centre_a):
    year = timezone.localdate().year + 1
    return factories.ActivityFactory(
        centre=centre_a,
        title="Piknik sąsiedzki",
        start=_local(datetime(year, 7, 10), 17),
        end=_local(datetime(year, 7, 10), 20, 30),
        method=CalMethod.PUBLIC_SPACE,
        form=Form.EVENT,
        place="Park Staszica",
        in_public_space=True,
        participants_0_12=12,
        participants_13_17=3,
        participants_18_25=4,
        participants_26_59=20,
        participants_60_plus=6,
        volunteers_involved=3,
        volunteer_hours=Decimal("7.5"),
        effects=[Effect.RELATIONS, Effect.IDENTITY],
        partners=[
            factories.OrganizationFactory(name="Rada Osiedla Szczepin"),
            factories.OrganizationFactory(name="Biblioteka"),
        ],
    )


def _export(staff_client, action, pks):
    return staff_client.post("/admin/centres/activity/", {"action": action, "_selected_action": pks})


def test_csv_export_has_every_figure_of_the_selected_activities(staff_client, exported, centre_a):
    factories.ActivityFactory(centre=centre_a, title="Nie wybrane")

    response = _export(staff_client, "export_csv", [exported.pk])

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="activities.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    header, *rows = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    assert header == EXPORT_HEADER
    year = timezone.localdate().year + 1
    assert rows == [
        [
            str(exported.pk),
            "CAL Szczepin",
            centre_a.primary_osiedle.name,
            "Krzyki",
            "Piknik sąsiedzki",
            f"{year}-07-10 17:00",
            f"{year}-07-10 20:30",
            "action in public space",
            "event",
            "Park Staszica",
            "Yes",
            "No",
            "12",
            "3",
            "4",
            "20",
            "6",
            "45",
            "3",
            "7.5",
            "Biblioteka; Rada Osiedla Szczepin",
            "relations; local identity",
            "Yes",
        ]
    ]


def test_csv_export_defuses_formulas(staff_client, centre_a):
    activity = factories.ActivityFactory(centre=centre_a, title='=HYPERLINK("http://x")', place="+48 600")

    header, row = csv.reader(
        io.StringIO(
            _export(staff_client, "export_csv", [activity.pk]).content.decode().removeprefix("\ufeff")
        )
    )

    assert row[header.index("Title")] == '\'=HYPERLINK("http://x")'
    assert row[header.index("Place")] == "'+48 600"


def test_xlsx_export_has_typed_cells(staff_client, exported):
    response = _export(staff_client, "export_xlsx", [exported.pk])

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="activities.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == EXPORT_HEADER
    assert len(rows) == 2
    row = dict(zip(EXPORT_HEADER, rows[1], strict=True))
    year = timezone.localdate().year + 1
    assert row["ID"] == exported.pk
    assert row["Title"] == "Piknik sąsiedzki"
    assert row["Start"] == datetime(year, 7, 10, 17, 0)
    assert row["End"] == datetime(year, 7, 10, 20, 30)
    assert row["In public space"] is True
    assert row["Initiated by residents"] is False
    assert row["Participants aged 0–12"] == 12
    assert row["Participants in total"] == 45
    assert row["Volunteer hours"] == 7.5
    assert row["Partner organisations"] == "Biblioteka; Rada Osiedla Szczepin"
    assert row["Intended effects"] == "relations; local identity"
    assert row["Public"] is True


def test_xlsx_export_keeps_text_that_looks_like_a_formula_as_text(staff_client, centre_a):
    activity = factories.ActivityFactory(centre=centre_a, title="=1+1")

    sheet = load_workbook(io.BytesIO(_export(staff_client, "export_xlsx", [activity.pk]).content)).active

    cell = sheet.cell(row=2, column=EXPORT_HEADER.index("Title") + 1)
    assert (cell.value, cell.data_type) == ("=1+1", "s")


@pytest.mark.parametrize("action", ["export_csv", "export_xlsx"])
def test_export_query_count_does_not_grow_with_rows(staff_client, city_staff, centre_a, action):
    partners = [factories.OrganizationFactory(), factories.OrganizationFactory()]

    def add(count):
        for _ in range(count):
            factories.ActivityFactory(centre=centre_a, partners=partners)

    def measure():
        pks = list(Activity.objects.values_list("pk", flat=True))
        staff_client.force_login(get_user_model().objects.get(pk=city_staff.pk))
        with CaptureQueriesContext(connection) as ctx:
            assert _export(staff_client, action, pks).status_code == 200
        return len(ctx.captured_queries)

    add(2)
    at_two = measure()
    add(18)

    assert measure() == at_two


@pytest.mark.parametrize("model", MODELS)
def test_changelist_query_count_does_not_grow_with_rows(staff_client, city_staff, model):
    partner = factories.OrganizationFactory()
    make = {
        "resource": lambda: factories.ResourceFactory(),
        "activity": lambda: factories.ActivityFactory(partners=[partner]),
        "volunteer": lambda: factories.VolunteerFactory(),
        "group": lambda: factories.GroupFactory(),
    }[model]

    def measure():
        staff_client.force_login(get_user_model().objects.get(pk=city_staff.pk))
        with CaptureQueriesContext(connection) as ctx:
            response = staff_client.get(f"/admin/centres/{model}/")
        assert response.status_code == 200
        return len(ctx.captured_queries), response.context["cl"].result_count

    for _ in range(2):
        make()
    at_two, count = measure()
    for _ in range(18):
        make()

    assert count == 2
    assert measure() == (at_two, 20)


# --- saving through the services --------------------------------------------------------------


def _activity_form(centre, **changes):
    day = (timezone.localdate() + timedelta(days=14)).isoformat()
    data = {
        "centre": centre.pk,
        "title": "Warsztaty z admina",
        "description": "",
        "start_0": day,
        "start_1": "17:00",
        "end_0": day,
        "end_1": "19:00",
        "method": CalMethod.ORGANISING,
        "form": Form.WORKSHOP,
        "place": "Sala",
        "is_public": "on",
        "participants_0_12": "1",
        "participants_13_17": "0",
        "participants_18_25": "0",
        "participants_26_59": "5",
        "participants_60_plus": "2",
        "volunteers_involved": "2",
        "volunteer_hours": "3.0",
        "effects": [Effect.RELATIONS, Effect.PARTNERSHIPS],
    }
    return {**data, **changes}


def test_admin_adds_an_activity_with_partners_through_the_audited_service(staff_client, city_staff, centre_a):
    partner = factories.OrganizationFactory(name="Szkoła nr 5")

    response = staff_client.post(
        "/admin/centres/activity/add/", _activity_form(centre_a, partner_organizations=[partner.pk])
    )

    assert response.status_code == 302
    activity = Activity.objects.get(title="Warsztaty z admina")
    assert list(activity.partners.all()) == [partner]
    assert activity.effects == [Effect.RELATIONS, Effect.PARTNERSHIPS]
    assert timezone.localtime(activity.start).time() == time(17, 0)
    assert activity.version == 1
    event = ActivityEvent.objects.get(pgh_obj=activity, pgh_label="insert")
    assert event.pgh_context.metadata["user"] == city_staff.pk
    assert event.pgh_context.metadata["action"] == "activity.create"
    assert response["Location"] == "/admin/centres/activity/"


def test_admin_form_errors_come_from_the_model_rules(staff_client, centre_a):
    response = staff_client.post(
        "/admin/centres/activity/add/", _activity_form(centre_a, end_1="16:00", volunteer_hours="1")
    )

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["end"]
    assert Activity.objects.count() == 0


def test_admin_changes_an_activity_with_the_version_read(staff_client, centre_a):
    activity = factories.ActivityFactory(centre=centre_a)
    partner = factories.OrganizationFactory()

    response = staff_client.post(
        f"/admin/centres/activity/{activity.pk}/change/",
        _activity_form(centre_a, title="Nowy tytuł", read_version="1", partner_organizations=[partner.pk]),
    )

    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.title, activity.version) == ("Nowy tytuł", 2)
    assert list(activity.partners.all()) == [partner]


def test_admin_change_from_an_outdated_read_is_refused(staff_client, operator_a, centre_a):
    # Given city staff opened the activity at version 1, and the operator then saved it
    activity = factories.ActivityFactory(centre=centre_a, title="Tytuł")
    services.activity_update(
        activity=activity, actor=operator_a, expected_version=1, title="Wersja operatora"
    )

    # When city staff save from version 1
    response = staff_client.post(
        f"/admin/centres/activity/{activity.pk}/change/",
        _activity_form(centre_a, title="Wersja miasta", read_version="1"),
    )

    # Then the form says so and the operator's change stays
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "Someone else changed this activity while you were editing it. Your changes were not saved: "
        "reload the page to see the current version, then make your changes again."
    ]
    activity.refresh_from_db()
    assert (activity.title, activity.version) == ("Wersja operatora", 2)


def test_the_centre_of_an_existing_record_does_not_change(staff_client, centre_a, centre_b):
    activity = factories.ActivityFactory(centre=centre_a)

    staff_client.post(
        f"/admin/centres/activity/{activity.pk}/change/", _activity_form(centre_b, read_version="1")
    )

    activity.refresh_from_db()
    assert activity.centre == centre_a
    assert activity.version == 2


def test_admin_adds_and_changes_a_resource_through_the_service(staff_client, centre_a):
    data = {
        "centre": centre_a.pk,
        "kind": "materialny",
        "category": "sala",
        "name": "Sala A",
        "capacity": "20",
    }

    added = staff_client.post("/admin/centres/resource/add/", data)
    resource = Resource.objects.get(name="Sala A")
    changed = staff_client.post(
        f"/admin/centres/resource/{resource.pk}/change/", {**data, "name": "Sala B", "read_version": "1"}
    )

    assert (added.status_code, changed.status_code) == (302, 302)
    resource.refresh_from_db()
    assert (resource.name, resource.version, resource.capacity) == ("Sala B", 2, 20)


def test_resource_of_the_wrong_kind_is_a_form_error(staff_client, centre_a):
    response = staff_client.post(
        "/admin/centres/resource/add/",
        {"centre": centre_a.pk, "kind": "niematerialny", "category": "sala", "name": "Sala A"},
    )

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["category"]


def test_admin_adds_a_group_through_the_service(staff_client, centre_a):
    response = staff_client.post(
        "/admin/centres/group/add/",
        {"centre": centre_a.pk, "name": "Klub planszówek", "kind": "klub", "meets": "piątki", "active": "on"},
    )

    assert response.status_code == 302
    assert Group.objects.get(name="Klub planszówek").centre == centre_a


# --- volunteers: personal data ----------------------------------------------------------------


def test_city_staff_see_the_personal_data_of_volunteers(staff_client, centre_a):
    volunteer = factories.VolunteerFactory(centre=centre_a, name="Jan Kowalski", email="jan@example.org")

    changelist = staff_client.get("/admin/centres/volunteer/").content.decode()
    change = staff_client.get(f"/admin/centres/volunteer/{volunteer.pk}/change/").content.decode()

    assert "Jan Kowalski" in changelist
    assert "jan@example.org" in change


def test_the_volunteer_form_requires_a_recorded_consent(staff_client, centre_a):
    response = staff_client.post("/admin/centres/volunteer/add/", {"centre": centre_a.pk, "active": "on"})

    assert response.status_code == 200
    assert sorted(response.context["adminform"].form.errors) == [
        "consent_date",
        "consent_scope",
        "legal_basis",
        "name",
    ]
    assert Volunteer.objects.count() == 0


def test_admin_adds_a_volunteer_with_consent(staff_client, centre_a):
    response = staff_client.post(
        "/admin/centres/volunteer/add/",
        {
            "centre": centre_a.pk,
            "name": "Ewa Nowak",
            "consent_date": timezone.localdate().isoformat(),
            "consent_scope": "Kontakt w sprawie działań.",
            "legal_basis": LegalBasis.CONSENT,
            "active": "on",
        },
    )

    assert response.status_code == 302
    assert Volunteer.objects.get(name="Ewa Nowak").centre == centre_a


def test_erasing_personal_data_asks_first_then_erases(staff_client, centre_a):
    volunteer = factories.VolunteerFactory(centre=centre_a, name="Jan Kowalski")
    other = factories.VolunteerFactory(centre=centre_a, name="Ewa Nowak")
    selected = {"action": "erase_personal_data", "_selected_action": [volunteer.pk]}

    asked = staff_client.post("/admin/centres/volunteer/", selected)
    volunteer.refresh_from_db()
    assert asked.status_code == 200
    assert "Jan Kowalski" in asked.content.decode()
    assert volunteer.erased_at is None

    done = staff_client.post("/admin/centres/volunteer/", {**selected, "post": "yes"}, follow=True)

    volunteer.refresh_from_db()
    other.refresh_from_db()
    assert volunteer.erased_at is not None
    assert (volunteer.name, volunteer.email, volunteer.consent_scope) == ("", "", "")
    assert other.name == "Ewa Nowak"
    assert "The personal data of 1 volunteer has been erased." in done.content.decode()
    # the anonymous record is only viewed from now on
    assert staff_client.get(f"/admin/centres/volunteer/{volunteer.pk}/change/").status_code == 200
    refused = staff_client.post(f"/admin/centres/volunteer/{volunteer.pk}/change/", {"name": "Znowu"})
    assert refused.status_code == 403


def test_exporting_personal_data_gives_the_record_as_json(staff_client, centre_a):
    volunteer = factories.VolunteerFactory(centre=centre_a, name="Jan Kowalski", email="jan@example.org")

    response = staff_client.post(
        "/admin/centres/volunteer/", {"action": "export_personal_data", "_selected_action": [volunteer.pk]}
    )

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="volunteers-personal-data.json"'
    [data] = json.loads(response.content)
    assert data["volunteer"]["name"] == "Jan Kowalski"
    assert data["volunteer"]["email"] == "jan@example.org"
    assert data["centre"] == {"name": "CAL Szczepin", "slug": "cal-szczepin"}


def test_a_conflict_found_under_the_row_lock_is_a_message_not_a_500(staff_client, centre_a, monkeypatch):
    # Given a colleague saves between the form's check and the service's row lock
    activity = factories.ActivityFactory(centre=centre_a, title="Tytuł")

    def conflict(**kwargs):
        raise services.ConflictError("Someone else changed this activity.", code="conflict")

    monkeypatch.setattr(services, "activity_update", conflict)

    # When city staff save
    response = staff_client.post(
        f"/admin/centres/activity/{activity.pk}/change/",
        _activity_form(centre_a, title="Wersja miasta", read_version="1"),
        follow=True,
    )

    # Then they are back on the form with the message, and nothing was saved
    assert response.redirect_chain == [(f"/admin/centres/activity/{activity.pk}/change/", 302)]
    assert "Someone else changed this activity." in response.content.decode()
    activity.refresh_from_db()
    assert (activity.title, activity.version) == ("Tytuł", 1)


def test_partners_are_picked_with_the_registry_autocomplete(staff_client, centre_a):
    factories.OrganizationFactory(name="Biblioteka Szczepin")
    factories.OrganizationFactory(name="Szkoła nr 5")

    form = staff_client.get("/admin/centres/activity/add/").content.decode()
    found = staff_client.get(
        "/admin/autocomplete/",
        {"app_label": "centres", "model_name": "activity", "field_name": "partners", "term": "bibl"},
    )

    assert 'data-field-name="partners"' in form
    assert found.status_code == 200
    assert [item["text"] for item in found.json()["results"]] == ["Biblioteka Szczepin"]
