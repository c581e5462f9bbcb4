"""Volunteers' personal data in the workspace: who sees it, consent, no caching, the
export of everything held about a person (JSON, CSV) and the erasure of it (GDPR)."""

import csv
import io
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape
from pghistory.models import Events

from centres.models import Activity, LegalBasis, Volunteer
from tests import factories

pytestmark = pytest.mark.django_db

NAME = "Zofia Wolontariuszka-Testowa"
EMAIL = "zofia.testowa@example.org"
PHONE = "+48 601 234 567"
REQUIRED_CONSENT = "Required: personal data is kept only with a recorded consent or another legal basis."


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def volunteer_a(centre_a):
    return factories.VolunteerFactory(
        centre=centre_a,
        name=NAME,
        email=EMAIL,
        phone=PHONE,
        skills="szycie, prowadzenie warsztatów",
        notes="Woli popołudnia.",
        is_leader=True,
        consent_date=timezone.localdate() - timedelta(days=10),
        consent_scope="Imię i kontakt w celu organizowania działań.",
        legal_basis=LegalBasis.CONSENT,
        agreement_start=timezone.localdate() - timedelta(days=10),
        agreement_end=timezone.localdate() + timedelta(days=355),
    )


def _volunteer_data(**changes):
    today = timezone.localdate()
    data = {
        "name": "Jan Nowak",
        "email": "jan.nowak@example.org",
        "phone": "600 700 800",
        "skills": "majsterkowanie",
        "notes": "",
        "consent_date": (today - timedelta(days=1)).isoformat(),
        "consent_scope": "Imię i telefon w celu kontaktu przy działaniach centrum.",
        "legal_basis": LegalBasis.CONSENT,
        "agreement_start": today.isoformat(),
        "agreement_end": (today + timedelta(days=90)).isoformat(),
        "active": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _edit_data(volunteer, **changes):
    data = {
        **_volunteer_data(
            name=volunteer.name,
            email=volunteer.email,
            phone=volunteer.phone,
            skills=volunteer.skills,
            notes=volunteer.notes,
            consent_date=volunteer.consent_date.isoformat(),
            consent_scope=volunteer.consent_scope,
            legal_basis=volunteer.legal_basis,
            agreement_start=volunteer.agreement_start.isoformat() if volunteer.agreement_start else "",
            agreement_end=volunteer.agreement_end.isoformat() if volunteer.agreement_end else "",
            is_leader="on" if volunteer.is_leader else None,
        ),
        "version": volunteer.version,
        **changes,
    }
    return {key: value for key, value in data.items() if value is not None}


def _erase(client, user, volunteer):
    client.force_login(user)
    response = client.post(f"/workspace/centres/{volunteer.centre.slug}/volunteers/{volunteer.pk}/erase/")
    assert response.status_code == 302
    return response


# --- who may see volunteers ---------------------------------------------------------------

VOLUNTEER_PATHS = [
    "/workspace/centres/{slug}/volunteers/",
    "/workspace/centres/{slug}/volunteers/new/",
    "/workspace/centres/{slug}/volunteers/{pk}/",
    "/workspace/centres/{slug}/volunteers/{pk}/export.json",
    "/workspace/centres/{slug}/volunteers/{pk}/export.csv",
    "/workspace/centres/{slug}/volunteers/{pk}/erase/",
]


@pytest.mark.parametrize("template", VOLUNTEER_PATHS)
@pytest.mark.parametrize("fixture", ["operator_a", "city_staff"])
def test_the_centres_operator_and_city_staff_see_volunteers(request, client, template, fixture, volunteer_a):
    client.force_login(request.getfixturevalue(fixture))

    response = client.get(template.format(slug="cal-szczepin", pk=volunteer_a.pk))

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("template", VOLUNTEER_PATHS)
@pytest.mark.parametrize("fixture", ["operator_b", "animator", "team_member"])
def test_nobody_else_sees_volunteers_not_even_the_network(request, client, template, fixture, volunteer_a):
    client.force_login(request.getfixturevalue(fixture))

    response = client.get(template.format(slug="cal-szczepin", pk=volunteer_a.pk))

    assert response.status_code == 404
    assert NAME not in response.content.decode()


@pytest.mark.parametrize("template", [t for t in VOLUNTEER_PATHS if "{pk}" in t])
def test_another_centres_volunteer_under_ones_own_centre_is_a_404(
    client, operator_b, centre_b, template, volunteer_a
):
    client.force_login(operator_b)

    response = client.get(template.format(slug="cal-gajowice", pk=volunteer_a.pk))

    assert response.status_code == 404


@pytest.mark.parametrize("template", VOLUNTEER_PATHS)
def test_anonymous_visitors_are_sent_to_log_in(client, template, volunteer_a):
    path = template.format(slug="cal-szczepin", pk=volunteer_a.pk)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


def test_another_operator_can_neither_change_nor_erase_a_volunteer(client, operator_b, volunteer_a):
    client.force_login(operator_b)

    for slug in ("cal-szczepin", "cal-gajowice"):
        edit = client.post(
            f"/workspace/centres/{slug}/volunteers/{volunteer_a.pk}/", _edit_data(volunteer_a, name="Ktoś")
        )
        erase = client.post(f"/workspace/centres/{slug}/volunteers/{volunteer_a.pk}/erase/")
        assert (edit.status_code, erase.status_code) == (404, 404)

    volunteer_a.refresh_from_db()
    assert (volunteer_a.name, volunteer_a.erased_at, volunteer_a.version) == (NAME, None, 1)


def test_volunteers_answers_to_writes_are_not_cached_either(client, operator_a, centre_a):
    client.force_login(operator_a)

    response = client.post(
        "/workspace/centres/cal-szczepin/volunteers/new/", _volunteer_data(consent_date="")
    )

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


# --- the list -----------------------------------------------------------------------------


def test_list_shows_name_leader_active_consent_and_agreement(
    client, operator_a, centre_a, centre_b, volunteer_a
):
    other = factories.VolunteerFactory(centre=centre_b, name="Wolontariusz Gajowic")
    client.force_login(operator_a)

    response = client.get("/workspace/centres/cal-szczepin/volunteers/")

    assert list(response.context["volunteers"]) == [volunteer_a]
    content = response.content.decode()
    assert f'<a href="/workspace/centres/cal-szczepin/volunteers/{volunteer_a.pk}/">{NAME}</a>' in content
    assert other.name not in content
    row = content[content.index(NAME) : content.index("</tr>", content.index(NAME))]
    assert "<td>yes</td>" in row  # local leader, active
    assert f'<time datetime="{volunteer_a.consent_date.isoformat()}">' in row
    assert f'<time datetime="{volunteer_a.agreement_end.isoformat()}">' in row


def test_list_filters_by_name_and_leader(client, operator_a, centre_a, volunteer_a):
    plain = factories.VolunteerFactory(centre=centre_a, name="Adam Zwykły", is_leader=False)
    client.force_login(operator_a)

    by_name = client.get("/workspace/centres/cal-szczepin/volunteers/?q=zwyk")
    leaders = client.get("/workspace/centres/cal-szczepin/volunteers/?is_leader=true")

    assert list(by_name.context["volunteers"]) == [plain]
    assert list(leaders.context["volunteers"]) == [volunteer_a]
    assert set(by_name.context["filter_form"].fields) == {"q", "is_leader", "active"}


def test_list_query_count_is_flat(client, operator_a, centre_a):
    def count():
        client.force_login(get_user_model().objects.get(pk=operator_a.pk))
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/workspace/centres/cal-szczepin/volunteers/").status_code == 200
        return len(ctx.captured_queries)

    factories.VolunteerFactory.create_batch(2, centre=centre_a)
    at_two = count()
    factories.VolunteerFactory.create_batch(18, centre=centre_a)

    assert count() == at_two


# --- adding and changing: consent is required ------------------------------------------------


def test_operator_adds_a_volunteer_with_consent(client, operator_a, centre_a):
    client.force_login(operator_a)

    response = client.post("/workspace/centres/cal-szczepin/volunteers/new/", _volunteer_data())

    assert response.status_code == 302
    assert response["Location"] == "/workspace/centres/cal-szczepin/volunteers/"
    # No name in the message: messages may travel in a cookie.
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["The volunteer has been added."]
    volunteer = Volunteer.objects.get()
    today = timezone.localdate()
    assert (volunteer.centre, volunteer.name, volunteer.email, volunteer.phone) == (
        centre_a,
        "Jan Nowak",
        "jan.nowak@example.org",
        "600 700 800",
    )
    assert (volunteer.consent_date, volunteer.legal_basis, volunteer.agreement_end) == (
        today - timedelta(days=1),
        "zgoda",
        today + timedelta(days=90),
    )
    assert (volunteer.active, volunteer.is_leader, volunteer.version) == (True, False, 1)


def test_form_marks_the_consent_fields_required(client, operator_a, centre_a):
    client.force_login(operator_a)

    form = client.get("/workspace/centres/cal-szczepin/volunteers/new/").context["form"]

    assert [name for name, field in form.fields.items() if field.required] == [
        "name",
        "consent_date",
        "consent_scope",
        "legal_basis",
    ]


@pytest.mark.parametrize("field", ["consent_date", "consent_scope", "legal_basis", "name"])
def test_volunteer_without_consent_is_refused_and_nothing_is_saved(client, operator_a, centre_a, field):
    client.force_login(operator_a)

    response = client.post("/workspace/centres/cal-szczepin/volunteers/new/", _volunteer_data(**{field: ""}))

    assert response.status_code == 200
    assert response.context["form"].errors == {field: ["This field is required."]}
    assert 'aria-invalid="true"' in response.content.decode()
    assert Volunteer.objects.count() == 0


def test_consent_cannot_be_removed_from_a_volunteer(client, operator_a, volunteer_a):
    client.force_login(operator_a)

    response = client.post(
        f"/workspace/centres/cal-szczepin/volunteers/{volunteer_a.pk}/",
        _edit_data(volunteer_a, legal_basis="", consent_scope=""),
    )

    assert list(response.context["form"].errors) == ["consent_scope", "legal_basis"]
    volunteer_a.refresh_from_db()
    assert (volunteer_a.legal_basis, volunteer_a.version) == ("zgoda", 1)


def test_agreement_ending_before_it_starts_is_refused(client, operator_a, centre_a):
    client.force_login(operator_a)
    today = timezone.localdate()

    response = client.post(
        "/workspace/centres/cal-szczepin/volunteers/new/",
        _volunteer_data(
            agreement_start=today.isoformat(), agreement_end=(today - timedelta(days=1)).isoformat()
        ),
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "agreement_end": ["The agreement cannot end before it starts."]
    }
    assert Volunteer.objects.count() == 0


def test_consent_date_in_the_future_is_refused(client, operator_a, centre_a):
    client.force_login(operator_a)
    tomorrow = timezone.localdate() + timedelta(days=1)

    response = client.post(
        "/workspace/centres/cal-szczepin/volunteers/new/", _volunteer_data(consent_date=tomorrow.isoformat())
    )

    assert response.context["form"].errors == {"consent_date": ["The consent date cannot be in the future."]}
    assert Volunteer.objects.count() == 0


def test_operator_edits_a_volunteer(client, operator_a, volunteer_a):
    client.force_login(operator_a)

    response = client.post(
        f"/workspace/centres/cal-szczepin/volunteers/{volunteer_a.pk}/",
        _edit_data(volunteer_a, phone="", active=None, is_leader=None),
    )

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["The volunteer's data has been saved."]
    volunteer_a.refresh_from_db()
    assert (volunteer_a.phone, volunteer_a.active, volunteer_a.is_leader, volunteer_a.version) == (
        "",
        False,
        False,
        2,
    )


def test_second_save_from_a_stale_version_keeps_the_first(client, operator_a, city_staff, volunteer_a):
    path = f"/workspace/centres/cal-szczepin/volunteers/{volunteer_a.pk}/"
    client.force_login(operator_a)
    client.post(path, _edit_data(volunteer_a, skills="Pierwsza zmiana"))
    client.force_login(city_staff)

    response = client.post(path, _edit_data(volunteer_a, skills="Druga zmiana"))

    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert [error.code for error in errors.as_data()] == ["conflict"]
    content = response.content.decode()
    assert f"<li>{escape(errors[0])}</li>" in content
    assert response.context["conflict"]["differences"] == [
        {"label": "Skills", "saved": "Pierwsza zmiana", "yours": "Druga zmiana"}
    ]
    assert response["Cache-Control"] == "private, no-store"
    volunteer_a.refresh_from_db()
    assert (volunteer_a.skills, volunteer_a.version) == ("Pierwsza zmiana", 2)


def test_edit_page_offers_the_export_and_the_erasure(client, operator_a, volunteer_a):
    client.force_login(operator_a)

    content = client.get(f"/workspace/centres/cal-szczepin/volunteers/{volunteer_a.pk}/").content.decode()

    base = f"/workspace/centres/cal-szczepin/volunteers/{volunteer_a.pk}"
    assert f'href="{base}/export.json"' in content
    assert f'href="{base}/export.csv"' in content
    assert f'href="{base}/erase/"' in content


# --- export (GDPR art. 15 and 20) -------------------------------------------------------------


def test_json_export_holds_the_record_the_consent_and_the_history(client, operator_a, volunteer_a):
    # Given a change made through the workspace
    client.force_login(operator_a)
    client.post(
        f"/workspace/centres/cal-szczepin/volunteers/{volunteer_a.pk}/",
        _edit_data(volunteer_a, skills="ogrodnictwo"),
    )

    # When the operator downloads the volunteer's data
    response = client.get(f"/workspace/centres/cal-szczepin/volunteers/{volunteer_a.pk}/export.json")

    # Then it is a JSON attachment with the record, the consent and both versions
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="volunteer-{volunteer_a.pk}.json"'
    assert response["Cache-Control"] == "private, no-store"
    data = json.loads(response.content)
    assert data["centre"] == {"name": "CAL Szczepin", "slug": "cal-szczepin"}
    record = data["volunteer"]
    assert (record["id"], record["name"], record["email"], record["phone"], record["skills"]) == (
        volunteer_a.pk,
        NAME,
        EMAIL,
        PHONE,
        "ogrodnictwo",
    )
    assert (record["consent_date"], record["consent_scope"], record["legal_basis"]) == (
        volunteer_a.consent_date.isoformat(),
        "Imię i kontakt w celu organizowania działań.",
        "zgoda",
    )
    assert [(event["event"], event["data"]["skills"]) for event in data["history"]] == [
        ("insert", "szycie, prowadzenie warsztatów"),
        ("update", "ogrodnictwo"),
    ]
    assert {event["data"]["name"] for event in data["history"]} == {NAME}


def test_csv_export_is_a_readable_table_with_the_history(client, operator_a, volunteer_a):
    client.force_login(operator_a)
    client.post(
        f"/workspace/centres/cal-szczepin/volunteers/{volunteer_a.pk}/",
        _edit_data(volunteer_a, skills="ogrodnictwo"),
    )

    response = client.get(f"/workspace/centres/cal-szczepin/volunteers/{volunteer_a.pk}/export.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="volunteer-{volunteer_a.pk}.csv"'
    assert response["Cache-Control"] == "private, no-store"
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    blank = rows.index([])
    record, history = rows[:blank], rows[blank + 1 :]
    assert record[0] == ["Field", "Value"]
    fields = dict(record[1:])
    assert fields["Centre"] == "CAL Szczepin"
    assert (fields["Full name"], fields["E-mail"], fields["Skills"]) == (NAME, EMAIL, "ogrodnictwo")
    # A phone number starting with + is kept as text, never read as a spreadsheet formula.
    assert fields["Phone"] == f"'{PHONE}"
    assert (fields["Local leader"], fields["Legal basis"]) == ("yes", "consent (GDPR art. 6(1)(a))")
    assert fields["Consent given on"] == volunteer_a.consent_date.isoformat()
    assert history[0] == ["History: recorded at", "Event", "Field", "Value"]
    changes = [(event, field, value) for _at, event, field, value in history[1:]]
    assert ("created", "Full name", NAME) in changes
    assert ("created", "Skills", "szycie, prowadzenie warsztatów") in changes
    # A later change lists only what changed.
    assert [c for c in changes if c[0] == "changed" and c[1] not in ("Version", "Updated at")] == [
        ("changed", "Skills", "ogrodnictwo")
    ]


# --- erasure (GDPR art. 17) --------------------------------------------------------------


def test_erasure_asks_for_confirmation_and_explains_what_happens(client, operator_a, volunteer_a):
    client.force_login(operator_a)

    response = client.get(f"/workspace/centres/cal-szczepin/volunteers/{volunteer_a.pk}/erase/")

    assert response.status_code == 200
    content = " ".join(response.content.decode().split())
    assert f"Erase the personal data of {NAME}" in content
    assert f"“Volunteer #{volunteer_a.pk} (data erased)”" in content
    assert "This cannot be undone." in content
    volunteer_a.refresh_from_db()
    assert volunteer_a.erased_at is None


def test_erasure_removes_the_personal_data_everywhere_and_keeps_the_figures(
    client, operator_a, city_staff, centre_a, volunteer_a
):
    # Given a history of changes, an admin log entry naming the volunteer, and activities
    client.force_login(operator_a)
    client.post(
        f"/workspace/centres/cal-szczepin/volunteers/{volunteer_a.pk}/",
        _edit_data(volunteer_a, notes="Nowa notatka"),
    )
    LogEntry.objects.create(
        user=city_staff,
        content_type=ContentType.objects.get_for_model(Volunteer),
        object_id=str(volunteer_a.pk),
        object_repr=NAME,
        action_flag=CHANGE,
        change_message=json.dumps([{"changed": {"fields": ["E-mail"]}}, f"{EMAIL} {PHONE}"]),
    )
    factories.ActivityFactory(centre=centre_a, volunteers_involved=3, volunteer_hours=Decimal("6.0"))
    figures = list(Activity.objects.values_list("volunteers_involved", "volunteer_hours"))
    assert Events.objects.filter(pgh_obj_model="centres.Volunteer").count() == 2

    # When the operator erases the volunteer's data
    response = _erase(client, operator_a, volunteer_a)

    # Then the name, e-mail and phone are nowhere: the record, the history, the admin log, the export
    assert response["Location"] == "/workspace/centres/cal-szczepin/volunteers/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "The volunteer's data has been saved.",
        f"The personal data of volunteer #{volunteer_a.pk} has been erased.",
    ]
    volunteer_a.refresh_from_db()
    assert volunteer_a.erased_at is not None
    assert (volunteer_a.active, volunteer_a.consent_date, volunteer_a.legal_basis) == (False, None, "")
    secrets = (NAME, EMAIL, PHONE, "Nowa notatka", "szycie")
    row = str(Volunteer.objects.filter(pk=volunteer_a.pk).values().get())
    events = str(list(Events.objects.values_list("pgh_data", "pgh_context")))
    with connection.cursor() as cursor:
        cursor.execute("SELECT row_to_json(e)::text FROM centres_volunteerevent e")
        event_rows = str(cursor.fetchall())
    log = str(list(LogEntry.objects.values_list("object_repr", "change_message")))
    export = client.get(
        f"/workspace/centres/cal-szczepin/volunteers/{volunteer_a.pk}/export.json"
    ).content.decode()
    for place in (row, events, event_rows, log, export):
        for secret in secrets:
            assert secret not in place
    # And the centre's activity figures are unchanged
    assert list(Activity.objects.values_list("volunteers_involved", "volunteer_hours")) == figures


def test_after_erasure_the_list_names_no_one_and_the_edit_form_is_refused(client, operator_a, volunteer_a):
    _erase(client, operator_a, volunteer_a)
    path = f"/workspace/centres/cal-szczepin/volunteers/{volunteer_a.pk}/"

    listing = client.get("/workspace/centres/cal-szczepin/volunteers/")
    edit = client.get(path)
    post = client.post(path, _edit_data(volunteer_a, name="Przywrócona"))

    content = listing.content.decode()
    assert f"Volunteer #{volunteer_a.pk} (data erased)" in content
    assert NAME not in content
    assert f'href="{path}"' not in content
    for response in (edit, post):
        assert response.status_code == 302
        assert response["Location"] == "/workspace/centres/cal-szczepin/volunteers/"
    assert [str(m) for m in get_messages(edit.wsgi_request)] == [
        "This volunteer's personal data has been erased: the record can no longer be changed."
    ]
    volunteer_a.refresh_from_db()
    assert volunteer_a.name == ""


def test_erasing_twice_changes_nothing(client, operator_a, volunteer_a):
    _erase(client, operator_a, volunteer_a)
    volunteer_a.refresh_from_db()
    erased = (volunteer_a.erased_at, volunteer_a.version)

    again = client.post(f"/workspace/centres/cal-szczepin/volunteers/{volunteer_a.pk}/erase/")

    assert again.status_code == 302
    volunteer_a.refresh_from_db()
    assert (volunteer_a.erased_at, volunteer_a.version) == erased


def test_city_staff_may_erase_a_volunteer(client, city_staff, volunteer_a):
    _erase(client, city_staff, volunteer_a)

    volunteer_a.refresh_from_db()
    assert (volunteer_a.name, volunteer_a.email) == ("", "")
