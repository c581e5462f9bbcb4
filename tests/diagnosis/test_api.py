"""The diagnosis API: diagnoses, methods, findings, the activities that answer them, residents'
submissions, and the map's GeoJSON (parsed and checked: geometry and properties). Bad input is
a 400 with field errors, a stale version a 409, never a 500; list query counts stay flat."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from centres.models import CITY_BOUNDS
from diagnosis.models import (
    Diagnosis,
    DiagnosisStatus,
    Finding,
    FindingKind,
    FindingResponse,
    FindingStatus,
    SubmissionStatus,
    Theme,
)
from tests import factories
from tests.diagnosis.factories import (
    DiagnosisFactory,
    FindingFactory,
    FindingResponseFactory,
    PublishedDiagnosisFactory,
    ResidentSubmissionFactory,
    days_ago,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def api(api_client, operator_a):
    api_client.force_authenticate(operator_a)
    api_client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return api_client


# --- Diagnoses --------------------------------------------------------------------------------------


def test_create_and_change_a_diagnosis(api, centre_a):
    response = api.post(
        "/api/v1/diagnoses/",
        {
            "centre": "cal-szczepin",
            "title": "Diagnoza 2026",
            "period_start": days_ago(5).isoformat(),
            "period_end": days_ago(-60).isoformat(),
            "osiedla": [centre_a.primary_osiedle.slug],
            "status": "w-toku",
            "submissions_open": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["centre"], body["status"], body["osiedla"], body["version"], body["url"]) == (
        "cal-szczepin",
        "w-toku",
        [centre_a.primary_osiedle.slug],
        1,
        None,
    )

    changed = api.patch(
        f"/api/v1/diagnoses/{body['id']}/", {"version": 1, "status": "zakonczona"}, format="json"
    )
    assert (changed.status_code, changed.json()["submissions_open"], changed.json()["version"]) == (
        200,
        False,
        2,
    )

    stale = api.patch(f"/api/v1/diagnoses/{body['id']}/", {"version": 1, "title": "X"}, format="json")
    assert (stale.status_code, stale.json()["code"]) == (409, "conflict")
    missing = api.patch(f"/api/v1/diagnoses/{body['id']}/", {"title": "X"}, format="json")
    assert missing.json() == {"version": ["This field is required."]}


def test_a_reversed_period_is_a_400_on_its_field(api, centre_a):
    response = api.post(
        "/api/v1/diagnoses/",
        {
            "centre": "cal-szczepin",
            "title": "Diagnoza",
            "period_start": "2026-05-01",
            "period_end": "2026-04-01",
            "osiedla": [centre_a.primary_osiedle.slug],
        },
        format="json",
    )
    assert (response.status_code, response.json()) == (
        400,
        {"period_end": ["The period cannot end before it starts."]},
    )


def test_a_diagnosis_for_another_centre_is_refused_as_unknown(api, centre_b):
    response = api.post(
        "/api/v1/diagnoses/",
        {
            "centre": centre_b.slug,
            "title": "Cudza",
            "period_start": "2026-01-01",
            "period_end": "2026-02-01",
            "osiedla": [centre_b.primary_osiedle.slug],
        },
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["centre"]


def test_methods_through_the_api(api, centre_a):
    diagnosis = DiagnosisFactory(centre=centre_a, period_start=days_ago(10), period_end=days_ago(-10))
    created = api.post(
        "/api/v1/diagnosis-methods/",
        {
            "diagnosis": diagnosis.pk,
            "method": "world-cafe",
            "date": days_ago(2).isoformat(),
            "respondents": 25,
        },
        format="json",
    )
    assert created.status_code == 201
    assert created.json()["method"] == "world-cafe"
    outside = api.post(
        "/api/v1/diagnosis-methods/",
        {"diagnosis": diagnosis.pk, "method": "swot", "date": "2001-01-01"},
        format="json",
    )
    assert (outside.status_code, list(outside.json())) == (400, ["date"])
    detail = api.get(f"/api/v1/diagnoses/{diagnosis.pk}/").json()
    assert [m["method"] for m in detail["methods"]] == ["world-cafe"]
    assert api.delete(f"/api/v1/diagnosis-methods/{created.json()['id']}/").status_code == 204


# --- Findings ----------------------------------------------------------------------------------------


def test_create_a_finding_and_refuse_a_point_outside_the_city(api, centre_a):
    diagnosis = DiagnosisFactory(centre=centre_a)
    payload = {
        "diagnosis": diagnosis.pk,
        "kind": "potrzeba",
        "theme": "seniorzy",
        "title": "Brak ławek",
        "priority": 4,
        "target_groups": ["seniorzy"],
        "latitude": "51.1146",
        "longitude": "17.0058",
    }
    created = api.post("/api/v1/findings/", payload, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["status"], body["latitude"], body["centre"], body["answering_activities"]) == (
        "otwarta",
        "51.114600",
        "cal-szczepin",
        [],
    )

    outside = api.post(
        "/api/v1/findings/", {**payload, "latitude": "52.2297", "longitude": "21.0122"}, format="json"
    )
    assert outside.status_code == 400
    assert outside.json() == {
        "latitude": ["The point must be within the city: latitude between 50.99 and 51.22."],
        "longitude": ["The point must be within the city: longitude between 16.79 and 17.18."],
    }
    assert Finding.objects.count() == 1


def test_finding_status_through_the_api(api, centre_a):
    finding = FindingFactory(diagnosis__centre=centre_a)
    in_progress = api.patch(
        f"/api/v1/findings/{finding.pk}/", {"version": 1, "status": "w-realizacji"}, format="json"
    )
    assert in_progress.status_code == 400
    assert list(in_progress.json()) == ["status"]
    met = api.patch(f"/api/v1/findings/{finding.pk}/", {"version": 1, "status": "zaspokojona"}, format="json")
    assert (met.status_code, met.json()["status"]) == (200, "zaspokojona")


def test_linking_an_activity_through_the_api(api, centre_a, centre_b):
    finding = FindingFactory(diagnosis__centre=centre_a)
    activity = factories.ActivityFactory(centre=centre_a, title="Klub seniora")
    created = api.post(
        "/api/v1/finding-responses/", {"finding": finding.pk, "activity": activity.pk}, format="json"
    )
    assert created.status_code == 201
    assert created.json()["activity_title"] == "Klub seniora"
    detail = api.get(f"/api/v1/findings/{finding.pk}/").json()
    assert (detail["status"], [a["title"] for a in detail["answering_activities"]]) == (
        "w-realizacji",
        ["Klub seniora"],
    )

    twice = api.post(
        "/api/v1/finding-responses/", {"finding": finding.pk, "activity": activity.pk}, format="json"
    )
    assert (twice.status_code, twice.json()) == (
        400,
        {"activity": ["This activity already answers this finding."]},
    )

    elsewhere = factories.ActivityFactory(centre=centre_b)
    other = api.post(
        "/api/v1/finding-responses/", {"finding": finding.pk, "activity": elsewhere.pk}, format="json"
    )
    assert (other.status_code, other.json()) == (
        400,
        {"activity": ["Only an activity of the centre that made the diagnosis can answer its findings."]},
    )

    assert api.delete(f"/api/v1/finding-responses/{created.json()['id']}/").status_code == 204
    assert FindingResponse.objects.count() == 0


def test_a_finding_of_another_centre_cannot_be_linked(api, centre_b):
    foreign = FindingFactory(diagnosis__centre=centre_b)
    activity = factories.ActivityFactory(centre=centre_b)
    response = api.post(
        "/api/v1/finding-responses/", {"finding": foreign.pk, "activity": activity.pk}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["finding"]


def test_a_private_activity_is_not_named_to_the_public(api_client, centre_a):
    diagnosis = PublishedDiagnosisFactory(centre=centre_a)
    FindingResponseFactory(
        finding__diagnosis=diagnosis, activity=factories.ActivityFactory(centre=centre_a, is_public=False)
    )
    body = api_client.get("/api/v1/findings/").json()["results"][0]
    assert [(a["title"], a["start"]) for a in body["answering_activities"]] == [(None, None)]


# --- GeoJSON -------------------------------------------------------------------------------------------


def _within_city(longitude: float, latitude: float) -> bool:
    return (
        CITY_BOUNDS["west"] <= longitude <= CITY_BOUNDS["east"]
        and CITY_BOUNDS["south"] <= latitude <= CITY_BOUNDS["north"]
    )


@pytest.mark.parametrize("url", ["/api/v1/findings/geojson/", "/api/v1/findings/?format=geojson"])
def test_the_map_geojson_is_valid(api_client, centre_a, url):
    diagnosis = PublishedDiagnosisFactory(centre=centre_a, title="Diagnoza 2025")
    need = FindingFactory(
        diagnosis=diagnosis,
        title="Ciemne podwórko",
        theme=Theme.SAFETY,
        priority=5,
        latitude=Decimal("51.114600"),
        longitude=Decimal("17.005800"),
        osiedle=centre_a.primary_osiedle,
    )
    FindingResponseFactory(finding=need)
    FindingFactory(diagnosis=diagnosis, title="Bez miejsca", latitude=None, longitude=None)
    FindingFactory(diagnosis__centre=centre_a, title="Niepublikowane")

    response = api_client.get(url, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 1
    feature = data["features"][0]
    assert feature["type"] == "Feature"
    assert feature["geometry"] == {"type": "Point", "coordinates": [17.0058, 51.1146]}
    longitude, latitude = feature["geometry"]["coordinates"]
    assert _within_city(longitude, latitude)
    assert feature["properties"] == {
        "id": need.pk,
        "kind": "potrzeba",
        "kind_label": "need",
        "theme": "bezpieczenstwo",
        "theme_label": "safety",
        "title": "Ciemne podwórko",
        "description": need.description,
        "priority": 5,
        "status": "w-realizacji",
        "status_label": "being addressed",
        "osiedle": centre_a.primary_osiedle.name,
        "centre": "cal-szczepin",
        "centre_name": "CAL Szczepin",
        "diagnosis": diagnosis.pk,
        "diagnosis_title": "Diagnoza 2025",
        "answering_activities": 1,
        "url": f"/centres/cal-szczepin/diagnoses/{diagnosis.pk}/",
    }


def test_the_geojson_takes_the_maps_filters(api, centre_a):
    diagnosis = DiagnosisFactory(centre=centre_a)
    FindingFactory(diagnosis=diagnosis, title="need")
    FindingFactory(diagnosis=diagnosis, title="asset", kind=FindingKind.ASSET)
    FindingFactory(diagnosis=diagnosis, title="met", status=FindingStatus.MET)

    def titles(query: str) -> list[str]:
        data = json.loads(api.get(f"/api/v1/findings/geojson/?{query}").content)
        return sorted(feature["properties"]["title"] for feature in data["features"])

    assert titles("") == ["asset", "met", "need"]
    assert titles("kind=zasob") == ["asset"]
    assert titles("status=zaspokojona") == ["met"]
    assert titles(f"centre=cal-szczepin&diagnosis={diagnosis.pk}&theme=integracja") == [
        "asset",
        "met",
        "need",
    ]
    assert api.get("/api/v1/findings/geojson/?kind=plotka").status_code == 400


# --- Residents' submissions ------------------------------------------------------------------------------


def test_moderation_through_the_api(api, centre_a):
    submission = ResidentSubmissionFactory(diagnosis__centre=centre_a, text="Wymiana książek w bramie.")
    accepted = api.post(
        f"/api/v1/resident-submissions/{submission.pk}/accept/",
        {"title": "Sąsiedzka biblioteczka", "theme": "kultura"},
        format="json",
    )
    assert accepted.status_code == 201
    assert (accepted.json()["title"], accepted.json()["description"], accepted.json()["kind"]) == (
        "Sąsiedzka biblioteczka",
        "Wymiana książek w bramie.",
        "pomysl",
    )
    again = api.post(f"/api/v1/resident-submissions/{submission.pk}/reject/")
    assert (again.status_code, again.json()["code"]) == (409, "conflict")
    listed = api.get("/api/v1/resident-submissions/?status=przyjete").json()["results"]
    assert [(s["status"], s["finding"]) for s in listed] == [
        (SubmissionStatus.ACCEPTED, accepted.json()["id"])
    ]


def test_accepting_needs_a_theme(api, centre_a):
    submission = ResidentSubmissionFactory(diagnosis__centre=centre_a)
    response = api.post(
        f"/api/v1/resident-submissions/{submission.pk}/accept/", {"title": "X"}, format="json"
    )
    assert (response.status_code, list(response.json())) == (400, ["theme"])


# --- Query counts -----------------------------------------------------------------------------------------


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/diagnoses/",
        "/api/v1/findings/",
        "/api/v1/findings/geojson/",
        "/api/v1/finding-responses/",
        "/api/v1/resident-submissions/",
        "/api/v1/diagnosis-methods/",
    ],
)
def test_api_query_counts_are_flat_at_2_and_20_rows(api, centre_a, url):
    def make(count: int) -> None:
        for _ in range(count):
            diagnosis = DiagnosisFactory(centre=centre_a, submissions_open=True)
            FindingResponseFactory(finding__diagnosis=diagnosis, finding__osiedle=centre_a.primary_osiedle)
            ResidentSubmissionFactory(diagnosis=diagnosis)
            diagnosis.methods.create(method="ankieta", date=diagnosis.period_start)

    # force_authenticate hands every request the same user object, whose roles are read once.
    api.get(url)
    make(2)
    at_two = _count(api, url)
    make(18)
    assert _count(api, url) == at_two
    assert Diagnosis.objects.filter(status=DiagnosisStatus.RUNNING).count() == 20


def test_one_finding_as_a_geojson_feature(api_client, centre_a):
    finding = FindingFactory(
        diagnosis=PublishedDiagnosisFactory(centre=centre_a), latitude=None, longitude=None
    )
    response = api_client.get(f"/api/v1/findings/{finding.pk}/?format=geojson")
    assert response["Content-Type"] == "application/geo+json"
    feature = json.loads(response.content)
    assert (feature["type"], feature["id"], feature["geometry"], feature["properties"]["title"]) == (
        "Feature",
        finding.pk,
        None,
        finding.title,
    )


def test_an_absurd_priority_filter_is_a_400(api_client):
    assert api_client.get("/api/v1/findings/?priority_min=1e200000").status_code == 400
    assert api_client.get("/api/v1/findings/?priority_min=4").status_code == 200
