"""Workspace and public pages of community diagnosis: what an operator does and sees, the
sections added to the centres' pages, and query counts flat at 2 vs 20 rows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from centres.extensions import render_activity_sections, workspace_links
from diagnosis.models import (
    Diagnosis,
    DiagnosisStatus,
    Finding,
    FindingKind,
    FindingResponse,
    FindingStatus,
    MethodUse,
    ResidentSubmission,
    SubmissionStatus,
    Theme,
)
from tests import factories
from tests.diagnosis.factories import (
    DiagnosisFactory,
    FindingFactory,
    FindingResponseFactory,
    MethodUseFactory,
    PublishedDiagnosisFactory,
    ResidentSubmissionFactory,
    days_ago,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

BASE = "/workspace/centres/cal-szczepin"


@pytest.fixture
def logged_in(client, operator_a, settings):
    settings.LANGUAGE_CODE = "en"
    client.force_login(operator_a)
    client.cookies["django_language"] = "en"
    return client


def _content(response) -> str:
    return response.content.decode()


# --- Diagnoses ---------------------------------------------------------------------------------


def test_the_centre_navigation_links_the_diagnosis(logged_in, centre_a):
    assert [link.url_name for link in workspace_links() if link.url_name.startswith("diagnosis:")] == [
        "diagnosis:workspace-diagnoses"
    ]
    response = logged_in.get(f"{BASE}/diagnoses/")
    assert f'<a href="{BASE}/diagnoses/" aria-current="page">Diagnosis</a>' in _content(response)


def test_operator_plans_a_diagnosis(logged_in, centre_a):
    response = logged_in.get(f"{BASE}/diagnoses/new/")
    # The osiedla the centre serves are proposed.
    assert response.context["form"].initial["osiedla"] == [centre_a.primary_osiedle_id]

    response = logged_in.post(
        f"{BASE}/diagnoses/new/",
        {
            "title": "Diagnoza 2026",
            "period_start": days_ago(10).isoformat(),
            "period_end": days_ago(-50).isoformat(),
            "status": DiagnosisStatus.RUNNING,
            "osiedla": [centre_a.primary_osiedle_id],
            "submissions_open": "on",
        },
    )
    diagnosis = Diagnosis.objects.get()
    assert response["Location"] == f"{BASE}/diagnoses/{diagnosis.pk}/"
    assert (diagnosis.title, diagnosis.status, diagnosis.submissions_open) == (
        "Diagnoza 2026",
        DiagnosisStatus.RUNNING,
        True,
    )


def test_a_reversed_period_is_shown_on_its_field(logged_in, centre_a):
    response = logged_in.post(
        f"{BASE}/diagnoses/new/",
        {
            "title": "Diagnoza",
            "period_start": "2026-05-01",
            "period_end": "2026-04-01",
            "status": DiagnosisStatus.PLANNED,
            "osiedla": [centre_a.primary_osiedle_id],
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"period_end": ["The period cannot end before it starts."]}
    assert Diagnosis.objects.count() == 0


def test_editing_with_a_stale_version_shows_the_conflict(logged_in, centre_a):
    diagnosis = DiagnosisFactory(centre=centre_a, title="Old", version=2)
    response = logged_in.post(
        f"{BASE}/diagnoses/{diagnosis.pk}/edit/",
        {
            "version": 1,
            "title": "Mine",
            "description": diagnosis.description,
            "period_start": diagnosis.period_start.isoformat(),
            "period_end": diagnosis.period_end.isoformat(),
            "status": diagnosis.status,
            "osiedla": [centre_a.primary_osiedle_id],
        },
    )
    assert response.status_code == 200
    assert [d["saved"] for d in response.context["conflict"]["differences"]] == ["Old"]
    assert Diagnosis.objects.get(pk=diagnosis.pk).title == "Old"


def test_publishing_without_conclusions_says_why(logged_in, centre_a):
    diagnosis = DiagnosisFactory(centre=centre_a, status=DiagnosisStatus.FINISHED)
    response = logged_in.post(
        f"{BASE}/diagnoses/{diagnosis.pk}/action/", {"version": 1, "action": "publish"}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Write the conclusions before publishing the diagnosis."
    ]
    assert Diagnosis.objects.get(pk=diagnosis.pk).status == DiagnosisStatus.FINISHED


def test_the_buttons_start_open_close_and_finish(logged_in, centre_a):
    diagnosis = DiagnosisFactory(centre=centre_a, status=DiagnosisStatus.PLANNED)
    url = f"{BASE}/diagnoses/{diagnosis.pk}/action/"
    for version, action in enumerate(["start", "open-input", "close-input", "finish"], start=1):
        response = logged_in.post(url, {"version": version, "action": action})
        assert response.status_code == 302
    saved = Diagnosis.objects.get(pk=diagnosis.pk)
    assert (saved.status, saved.submissions_open, saved.version) == (DiagnosisStatus.FINISHED, False, 5)


def test_a_method_is_recorded_and_removed_on_the_diagnosis_page(logged_in, centre_a):
    diagnosis = DiagnosisFactory(centre=centre_a)
    response = logged_in.post(
        f"{BASE}/diagnoses/{diagnosis.pk}/methods/",
        {"method": "spacer-badawczy", "date": days_ago(1).isoformat(), "respondents": "14"},
    )
    method = MethodUse.objects.get()
    assert (response.status_code, method.respondents) == (302, 14)

    outside = logged_in.post(
        f"{BASE}/diagnoses/{diagnosis.pk}/methods/", {"method": "ankieta", "date": "2000-01-01"}
    )
    assert outside.status_code == 200
    assert list(outside.context["method_form"].errors) == ["date"]

    logged_in.post(f"{BASE}/diagnoses/{diagnosis.pk}/methods/{method.pk}/delete/")
    assert MethodUse.objects.count() == 0


# --- Findings --------------------------------------------------------------------------------------


def _finding_data(**overrides):
    data = {
        "kind": FindingKind.NEED,
        "theme": Theme.PUBLIC_SPACE,
        "title": "Ciemne przejście pod wiaduktem",
        "description": "",
        "priority": "4",
        "latitude": "51.1146",
        "longitude": "17.0058",
    }
    data.update(overrides)
    return data


def test_operator_adds_a_finding_with_a_point(logged_in, centre_a):
    diagnosis = DiagnosisFactory(centre=centre_a)
    response = logged_in.get(f"{BASE}/diagnoses/{diagnosis.pk}/findings/new/")
    content = _content(response)
    assert "data-pick-map" in content
    assert f'data-center-latitude="{centre_a.latitude}"' in content

    response = logged_in.post(
        f"{BASE}/diagnoses/{diagnosis.pk}/findings/new/",
        _finding_data(latitude="51,11461234", target_groups=["seniorzy", "rodziny"]),
    )
    finding = Finding.objects.get()
    assert response["Location"] == f"{BASE}/findings/{finding.pk}/"
    # A decimal comma and more than six decimals (a click on the map) are taken, rounded.
    assert (finding.latitude, finding.longitude, finding.target_groups) == (
        Decimal("51.114612"),
        Decimal("17.005800"),
        ["seniorzy", "rodziny"],
    )


def test_a_point_outside_the_city_is_refused_on_its_fields(logged_in, centre_a):
    diagnosis = DiagnosisFactory(centre=centre_a)
    response = logged_in.post(
        f"{BASE}/diagnoses/{diagnosis.pk}/findings/new/",
        _finding_data(latitude="50.0614", longitude="19.9366"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "latitude": ["The point must be within the city: latitude between 50.99 and 51.22."],
        "longitude": ["The point must be within the city: longitude between 16.79 and 17.18."],
    }
    assert Finding.objects.count() == 0


def test_linking_an_activity_makes_the_need_being_addressed(logged_in, centre_a):
    finding = FindingFactory(diagnosis__centre=centre_a)
    activity = factories.ActivityFactory(centre=centre_a, title="Spacer z latarkami")
    response = logged_in.post(
        f"{BASE}/findings/{finding.pk}/responses/", {"activity": activity.pk}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        f"“Spacer z latarkami” now answers “{finding.title}”."
    ]
    assert response.context["finding"].current_status == FindingStatus.IN_PROGRESS
    assert '<span class="visually-hidden">Status: </span>Being addressed' in _content(response)

    logged_in.post(f"{BASE}/findings/{finding.pk}/responses/{activity.pk}/delete/")
    assert FindingResponse.objects.count() == 0


def test_an_activity_of_another_centre_is_not_offered_nor_taken(logged_in, centre_a, centre_b):
    finding = FindingFactory(diagnosis__centre=centre_a)
    mine = factories.ActivityFactory(centre=centre_a)
    elsewhere = factories.ActivityFactory(centre=centre_b)
    page = logged_in.get(f"{BASE}/findings/{finding.pk}/")
    assert list(page.context["link_form"].fields["activity"].queryset) == [mine]

    response = logged_in.post(f"{BASE}/findings/{finding.pk}/responses/", {"activity": elsewhere.pk})
    assert response.status_code == 200
    assert response.context["link_form"].errors == {
        "activity": ["Select a valid choice. That choice is not one of the available choices."]
    }
    assert FindingResponse.objects.count() == 0


def test_marking_a_need_met(logged_in, centre_a):
    finding = FindingFactory(diagnosis__centre=centre_a)
    logged_in.post(f"{BASE}/findings/{finding.pk}/status/", {"version": 1, "status": FindingStatus.MET})
    assert Finding.objects.get(pk=finding.pk).status == FindingStatus.MET


def test_a_finding_is_deleted_after_confirmation(logged_in, centre_a):
    finding = FindingFactory(diagnosis__centre=centre_a)
    assert logged_in.get(f"{BASE}/findings/{finding.pk}/delete/").status_code == 200
    response = logged_in.post(f"{BASE}/findings/{finding.pk}/delete/", {"version": 1})
    assert response["Location"] == f"{BASE}/diagnoses/{finding.diagnosis_id}/#findings-title"
    assert Finding.objects.count() == 0


# --- From the activity ------------------------------------------------------------------------------


def test_an_activity_page_chooses_the_needs_it_answers(logged_in, operator_a, centre_a, centre_b):
    diagnosis = DiagnosisFactory(centre=centre_a)
    first = FindingFactory(diagnosis=diagnosis, title="Samotność seniorów")
    second = FindingFactory(diagnosis=diagnosis, title="Brak zajęć dla młodzieży")
    FindingFactory(diagnosis__centre=centre_b, title="Cudza potrzeba")
    activity = factories.ActivityFactory(centre=centre_a)

    page = logged_in.get(f"{BASE}/activities/{activity.pk}/findings/")
    assert [f.title for f in page.context["form"].fields["findings"].queryset] == [
        "Brak zajęć dla młodzieży",
        "Samotność seniorów",
    ]
    response = logged_in.post(
        f"{BASE}/activities/{activity.pk}/findings/", {"findings": [first.pk, second.pk]}
    )
    assert response["Location"] == f"{BASE}/activities/{activity.pk}/"
    assert set(activity.findings.values_list("title", flat=True)) == {
        "Samotność seniorów",
        "Brak zajęć dla młodzieży",
    }

    # The section the activity's edit page shows (registered in centres.extensions).
    request = RequestFactory().get(f"{BASE}/activities/{activity.pk}/")
    request.user = operator_a
    sections = render_activity_sections(request, activity)
    assert len(sections) == 1
    assert "Needs this activity answers" in sections[0]
    assert f'href="{BASE}/findings/{first.pk}/"' in sections[0]
    assert f'href="{BASE}/activities/{activity.pk}/findings/"' in sections[0]


# --- Moderation ---------------------------------------------------------------------------------------


def test_operator_accepts_a_submission_as_a_finding(logged_in, centre_a):
    submission = ResidentSubmissionFactory(
        diagnosis__centre=centre_a, text="Ogród społeczny na skwerze przy szkole."
    )
    url = f"{BASE}/diagnoses/{submission.diagnosis_id}/submissions/{submission.pk}/accept/"
    page = logged_in.get(url)
    assert page.context["form"].initial["title"] == "Ogród społeczny na skwerze przy szkole."

    response = logged_in.post(
        url,
        {
            "kind": FindingKind.IDEA,
            "title": "Ogród społeczny",
            "theme": Theme.ENVIRONMENT,
            "description": "Ogród społeczny na skwerze przy szkole.",
            "priority": "3",
        },
    )
    assert response["Location"] == f"{BASE}/diagnoses/{submission.diagnosis_id}/submissions/"
    saved = ResidentSubmission.objects.get(pk=submission.pk)
    assert (saved.status, saved.finding.title) == (SubmissionStatus.ACCEPTED, "Ogród społeczny")


def test_operator_rejects_a_submission(logged_in, centre_a):
    submission = ResidentSubmissionFactory(diagnosis__centre=centre_a)
    logged_in.post(f"{BASE}/diagnoses/{submission.diagnosis_id}/submissions/{submission.pk}/reject/")
    assert ResidentSubmission.objects.get(pk=submission.pk).status == SubmissionStatus.REJECTED


# --- The centre's public page and the public diagnosis -------------------------------------------------


def test_the_centre_page_lists_published_diagnoses_and_invites_residents(client, centre_a):
    published = PublishedDiagnosisFactory(centre=centre_a, title="Diagnoza 2025")
    collecting = DiagnosisFactory(centre=centre_a, title="Diagnoza 2026", submissions_open=True)
    DiagnosisFactory(centre=centre_a, title="Cicha diagnoza")
    client.cookies["django_language"] = "en"

    content = _content(client.get("/centres/cal-szczepin/"))

    assert f'<a href="/centres/cal-szczepin/diagnoses/{published.pk}/">Diagnoza 2025</a>' in content
    assert f'href="/centres/cal-szczepin/diagnoses/{collecting.pk}/share/"' in content
    assert "Cicha diagnoza" not in content


def test_a_centre_without_public_diagnoses_shows_no_section(client, centre_a):
    DiagnosisFactory(centre=centre_a)
    client.cookies["django_language"] = "en"
    assert "Community diagnosis" not in _content(client.get("/centres/cal-szczepin/"))


def test_the_public_diagnosis_page_shows_conclusions_methods_and_findings(client, centre_a):
    diagnosis = PublishedDiagnosisFactory(centre=centre_a, conclusions="Mieszkańcy chcą więcej zieleni.")
    MethodUseFactory(diagnosis=diagnosis, respondents=120)
    FindingFactory(diagnosis=diagnosis, title="Zielone podwórka", kind=FindingKind.IDEA)
    private = factories.ActivityFactory(centre=centre_a, title="Spotkanie zarządu", is_public=False)
    FindingResponseFactory(finding__diagnosis=diagnosis, finding__title="Nuda", activity=private)
    client.cookies["django_language"] = "en"

    response = client.get(f"/centres/cal-szczepin/diagnoses/{diagnosis.pk}/")
    content = _content(response)

    assert "Mieszkańcy chcą więcej zieleni." in content
    assert "survey" in content.lower()
    assert "120 respondents" in content
    assert [f.title for f in response.context["map_findings"]] == ["Nuda", "Zielone podwórka"]
    # A private activity is not named on a public page.
    assert "Spotkanie zarządu" not in content
    assert "an activity of the centre" in content
    assert f'data-geojson-url="/api/v1/findings/geojson/?diagnosis={diagnosis.pk}"' in content


def test_the_city_map_shows_published_findings_and_filters(client, centre_a, centre_b):
    FindingFactory(diagnosis=PublishedDiagnosisFactory(centre=centre_a), title="Szczepin", theme=Theme.SAFETY)
    FindingFactory(diagnosis=PublishedDiagnosisFactory(centre=centre_b), title="Gajowice", theme=Theme.HEALTH)
    FindingFactory(diagnosis__centre=centre_b, title="Niepublikowane")

    response = client.get("/needs-map/")
    assert sorted(f.title for f in response.context["map_findings"]) == ["Gajowice", "Szczepin"]
    filtered = client.get("/needs-map/?theme=bezpieczenstwo")
    assert [f.title for f in filtered.context["map_findings"]] == ["Szczepin"]
    assert 'data-geojson-url="/api/v1/findings/geojson/?theme=bezpieczenstwo"' in _content(filtered)


# --- Query counts -----------------------------------------------------------------------------------------


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def _fill(diagnosis: Diagnosis, count: int) -> None:
    for index in range(count):
        response = FindingResponseFactory(finding__diagnosis=diagnosis)
        FindingFactory(diagnosis=diagnosis, kind=FindingKind.ASSET, osiedle=diagnosis.centre.primary_osiedle)
        ResidentSubmissionFactory(diagnosis=diagnosis)
        MethodUseFactory(diagnosis=diagnosis)
        FindingResponse.objects.create(
            finding=response.finding, activity=factories.ActivityFactory(centre=diagnosis.centre)
        )
        if index % 2:
            ResidentSubmissionFactory(diagnosis=diagnosis, status=SubmissionStatus.REJECTED)


@pytest.mark.parametrize(
    "url",
    [
        f"{BASE}/diagnoses/",
        f"{BASE}/diagnoses/{{pk}}/",
        f"{BASE}/diagnoses/{{pk}}/submissions/",
        f"{BASE}/needs-map/",
        "/centres/cal-szczepin/diagnoses/{pk}/",
        "/needs-map/",
        "/centres/cal-szczepin/",
    ],
)
def test_page_query_counts_are_flat_at_2_and_20_rows(logged_in, centre_a, url):
    diagnosis = PublishedDiagnosisFactory(centre=centre_a)
    DiagnosisFactory(centre=centre_a)  # a second diagnosis in the list
    address = url.format(pk=diagnosis.pk)
    _fill(diagnosis, 2)
    at_two = _count(logged_in, address)
    _fill(diagnosis, 18)
    assert _count(logged_in, address) == at_two


def test_finding_page_query_count_is_flat_in_its_activities(logged_in, centre_a):
    finding = FindingFactory(diagnosis__centre=centre_a)
    for _ in range(2):
        FindingResponse.objects.create(finding=finding, activity=factories.ActivityFactory(centre=centre_a))
    at_two = _count(logged_in, f"{BASE}/findings/{finding.pk}/")
    for _ in range(18):
        FindingResponse.objects.create(finding=finding, activity=factories.ActivityFactory(centre=centre_a))
    assert _count(logged_in, f"{BASE}/findings/{finding.pk}/") == at_two


def test_activity_findings_page_query_count_is_flat(logged_in, centre_a):
    activity = factories.ActivityFactory(centre=centre_a)
    diagnosis = DiagnosisFactory(centre=centre_a)
    for _ in range(2):
        FindingResponse.objects.create(finding=FindingFactory(diagnosis=diagnosis), activity=activity)
    at_two = _count(logged_in, f"{BASE}/activities/{activity.pk}/findings/")
    for _ in range(18):
        FindingResponse.objects.create(finding=FindingFactory(diagnosis=diagnosis), activity=activity)
    assert _count(logged_in, f"{BASE}/activities/{activity.pk}/findings/") == at_two
