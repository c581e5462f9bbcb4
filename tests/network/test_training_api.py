"""The training API: ``trainings`` (programmes with sessions and attendance) and
``training-enrolments``: writes through the services, 400 with fields, 409 on a stale
version, query counts flat."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from network.models import TrainingAttendance, TrainingEnrolment, TrainingProgramme, TrainingSession
from tests.factories import VolunteerFactory
from tests.network.factories import days_ago, days_ahead
from tests.network.training_factories import (
    FinishedProgrammeFactory,
    TrainingAttendanceFactory,
    TrainingEnrolmentFactory,
    TrainingProgrammeFactory,
    TrainingSessionFactory,
    at,
)

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    if user is not None:
        client.force_authenticate(user)
    return client


# --- Programmes -----------------------------------------------------------------------


def test_the_list_shows_programmes_with_sessions_and_totals(team_member):
    programme = TrainingProgrammeFactory(title="Szkoła animatorów", capacity=12)
    TrainingSessionFactory(programme=programme, starts_at=at(days_ago(20)), hours=Decimal("3.0"))
    TrainingSessionFactory(programme=programme, starts_at=at(days_ago(10)), hours=Decimal("4.5"))
    TrainingEnrolmentFactory.create_batch(2, programme=programme)

    response = api(team_member).get("/api/v1/trainings/")

    assert response.status_code == 200
    [row] = response.json()["results"]
    assert {
        key: row[key] for key in ("title", "status", "total_hours", "session_count", "enrolled_count")
    } == {
        "title": "Szkoła animatorów",
        "status": "running",
        "total_hours": 7.5,
        "session_count": 2,
        "enrolled_count": 2,
    }
    assert [session["hours"] for session in row["sessions"]] == [3.0, 4.5]
    assert "enrolments" not in row


def test_the_list_filters_by_status_and_topic(animator):
    TrainingProgrammeFactory(title="Trwa", topic="animacja")
    FinishedProgrammeFactory(title="Było", topic="diagnoza")

    finished = api(animator).get("/api/v1/trainings/?status=finished").json()["results"]
    diagnosis = api(animator).get("/api/v1/trainings/?topic=animacja").json()["results"]

    assert [row["title"] for row in finished] == ["Było"]
    assert [row["title"] for row in diagnosis] == ["Trwa"]


def test_the_animator_creates_a_programme(animator):
    response = api(animator).post(
        "/api/v1/trainings/",
        {
            "title": "Ewaluacja działań",
            "topic": "ewaluacja",
            "starts_on": days_ahead(5).isoformat(),
            "ends_on": days_ahead(40).isoformat(),
            "attendance_threshold": 75,
        },
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["title"], body["status"], body["attendance_threshold"], body["capacity"]) == (
        "Ewaluacja działań",
        "upcoming",
        75,
        None,
    )
    assert TrainingProgramme.objects.get().created_by == animator


def test_a_bad_programme_is_a_400_with_fields(animator):
    response = api(animator).post(
        "/api/v1/trainings/",
        {
            "title": "X",
            "topic": "nieznany",
            "starts_on": days_ahead(5).isoformat(),
            "ends_on": days_ahead(1).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"topic"}

    response = api(animator).post(
        "/api/v1/trainings/",
        {
            "title": "X",
            "topic": "ewaluacja",
            "starts_on": days_ahead(5).isoformat(),
            "ends_on": days_ahead(1).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"ends_on": ["The programme cannot end before it starts."]}
    assert not TrainingProgramme.objects.exists()


def test_operators_and_the_team_may_not_write_programmes(operator_a, team_member):
    for user in (operator_a, team_member):
        response = api(user).post(
            "/api/v1/trainings/",
            {"title": "X", "topic": "ewaluacja", "starts_on": "2026-01-01", "ends_on": "2026-01-02"},
            format="json",
        )
        assert response.status_code == 403


def test_update_and_a_stale_version_409(animator):
    programme = TrainingProgrammeFactory()
    url = f"/api/v1/trainings/{programme.pk}/"

    assert api(animator).patch(url, {"version": 1, "capacity": 30}, format="json").json()["capacity"] == 30
    stale = api(animator).patch(url, {"version": 1, "capacity": 40}, format="json")

    assert stale.status_code == 409
    assert stale.json()["code"] == "conflict"
    programme.refresh_from_db()
    assert (programme.capacity, programme.version) == (30, 2)


def test_delete_needs_the_version(animator):
    programme = TrainingProgrammeFactory(version=2)
    url = f"/api/v1/trainings/{programme.pk}/"

    assert api(animator).delete(url).status_code == 400
    assert api(animator).delete(f"{url}?version=1").status_code == 409
    assert api(animator).delete(f"{url}?version=2").status_code == 204
    assert not TrainingProgramme.objects.exists()


# --- Sessions and attendance ------------------------------------------------------------


def test_sessions_are_added_changed_and_deleted(animator):
    programme = TrainingProgrammeFactory(topic="wolontariat")
    base = f"/api/v1/trainings/{programme.pk}/sessions/"

    created = api(animator).post(
        base, {"starts_at": at(days_ago(3)).isoformat(), "hours": "2.5", "trainer": "Ewa"}, format="json"
    )
    assert created.status_code == 201
    session_id = created.json()["id"]
    assert (created.json()["topic"], created.json()["hours"]) == ("wolontariat", 2.5)

    changed = api(animator).patch(f"{base}{session_id}/", {"version": 1, "hours": "3"}, format="json")
    assert (changed.status_code, changed.json()["hours"], changed.json()["version"]) == (200, 3.0, 2)
    assert (
        api(animator).patch(f"{base}{session_id}/", {"version": 1, "hours": "4"}, format="json").status_code
        == 409
    )

    assert api(animator).delete(f"{base}{session_id}/?version=2").status_code == 204
    assert not TrainingSession.objects.exists()


def test_a_session_outside_the_programme_is_a_400(animator):
    programme = TrainingProgrammeFactory()
    response = api(animator).post(
        f"/api/v1/trainings/{programme.pk}/sessions/",
        {"starts_at": at(days_ahead(90)).isoformat(), "hours": "2", "trainer": "Ewa"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["starts_at"]


def test_a_session_of_another_programme_is_a_404(animator):
    session = TrainingSessionFactory()
    other = TrainingProgrammeFactory()
    response = api(animator).patch(
        f"/api/v1/trainings/{other.pk}/sessions/{session.pk}/", {"version": 1, "hours": "2"}, format="json"
    )
    assert response.status_code == 404


def test_attendance_is_recorded_and_completion_follows(animator, centre_a):
    programme = TrainingProgrammeFactory()
    session = TrainingSessionFactory(programme=programme, starts_at=at(days_ago(2)), hours=Decimal("3"))
    ala = TrainingEnrolmentFactory(programme=programme, centre=centre_a, volunteer__name="Ala")
    TrainingEnrolmentFactory(programme=programme, centre=centre_a, volunteer__name="Ola")
    url = f"/api/v1/trainings/{programme.pk}/sessions/{session.pk}/attendance/"

    response = api(animator).post(url, {"present": [ala.pk]}, format="json")

    assert response.status_code == 200
    assert [(row["name"], row["present"]) for row in response.json()] == [("Ala", True), ("Ola", False)]
    assert dict(TrainingEnrolment.objects.values_list("volunteer__name", "completed_on")) == {
        "Ala": days_ago(2),
        "Ola": None,
    }


def test_attendance_for_a_future_session_is_a_400(animator, centre_a):
    programme = TrainingProgrammeFactory()
    session = TrainingSessionFactory(programme=programme, starts_at=at(days_ahead(2)))
    enrolment = TrainingEnrolmentFactory(programme=programme, centre=centre_a)

    response = api(animator).post(
        f"/api/v1/trainings/{programme.pk}/sessions/{session.pk}/attendance/",
        {"present": [enrolment.pk]},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["session"]
    assert response.json()["session"][0].startswith("This session has not happened yet")
    assert not TrainingAttendance.objects.exists()


def test_operators_may_not_record_attendance(operator_a, centre_a):
    attendance = TrainingAttendanceFactory(enrolment__centre=centre_a)
    session = attendance.session
    response = api(operator_a).post(
        f"/api/v1/trainings/{session.programme_id}/sessions/{session.pk}/attendance/",
        {"present": []},
        format="json",
    )
    assert response.status_code == 403


# --- Enrolments --------------------------------------------------------------------------


def test_an_operator_enrols_a_volunteer(operator_a, centre_a):
    programme = TrainingProgrammeFactory()
    volunteer = VolunteerFactory(centre=centre_a, name="Zofia Nowak")

    response = api(operator_a).post(
        "/api/v1/training-enrolments/",
        {"programme": programme.pk, "centre": centre_a.slug, "volunteer": volunteer.pk},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert {key: body[key] for key in ("name", "role", "centre", "attended_hours", "completed")} == {
        "name": "Zofia Nowak",
        "role": "wolontariusz",
        "centre": "cal-szczepin",
        "attended_hours": 0.0,
        "completed": False,
    }
    # Names only: never a volunteer's contact data.
    assert set(body) == {
        "id",
        "programme",
        "programme_title",
        "centre",
        "centre_name",
        "name",
        "role",
        "volunteer",
        "staff",
        "attended_hours",
        "total_hours",
        "completed",
        "completed_on",
        "version",
    }


def test_enrolling_in_a_finished_programme_is_a_400(operator_a, centre_a):
    programme = FinishedProgrammeFactory()
    response = api(operator_a).post(
        "/api/v1/training-enrolments/",
        {
            "programme": programme.pk,
            "centre": centre_a.slug,
            "volunteer": VolunteerFactory(centre=centre_a).pk,
        },
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["programme"]
    assert response.json()["programme"][0].startswith("The programme ended on ")


def test_another_centres_volunteer_is_no_such_volunteer(operator_a, centre_a, centre_b):
    response = api(operator_a).post(
        "/api/v1/training-enrolments/",
        {
            "programme": TrainingProgrammeFactory().pk,
            "centre": centre_a.slug,
            "volunteer": VolunteerFactory(centre=centre_b).pk,
        },
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["volunteer"]
    assert not TrainingEnrolment.objects.exists()


def test_enrolling_for_another_centre_is_a_403(operator_b, centre_a):
    response = api(operator_b).post(
        "/api/v1/training-enrolments/",
        {"programme": TrainingProgrammeFactory().pk, "centre": centre_a.slug, "staff": operator_b.pk},
        format="json",
    )
    assert response.status_code == 403


def test_withdraw_is_a_delete(operator_a, centre_a):
    enrolment = TrainingEnrolmentFactory(centre=centre_a)
    attended = TrainingAttendanceFactory(enrolment__centre=centre_a).enrolment

    assert api(operator_a).delete(f"/api/v1/training-enrolments/{enrolment.pk}/").status_code == 204
    refused = api(operator_a).delete(f"/api/v1/training-enrolments/{attended.pk}/")

    assert refused.status_code == 400
    assert list(TrainingEnrolment.objects.values_list("pk", flat=True)) == [attended.pk]


# --- Query counts --------------------------------------------------------------------------


def _queries(client: APIClient, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_programme_list_queries_do_not_grow(animator, centre_a):
    def grow(n: int) -> None:
        for _ in range(n):
            programme = TrainingProgrammeFactory()
            TrainingSessionFactory.create_batch(2, programme=programme)
            TrainingEnrolmentFactory(programme=programme, centre=centre_a)

    client = api(animator)
    grow(2)
    _queries(client, "/api/v1/trainings/?page_size=100")
    two = _queries(client, "/api/v1/trainings/?page_size=100")
    grow(18)
    assert _queries(client, "/api/v1/trainings/?page_size=100") == two


def test_the_enrolment_list_queries_do_not_grow(operator_a, centre_a):
    def grow(n: int) -> None:
        for _ in range(n):
            TrainingAttendanceFactory(enrolment__centre=centre_a)

    client = api(operator_a)
    grow(2)
    _queries(client, "/api/v1/training-enrolments/?page_size=100")
    two = _queries(client, "/api/v1/training-enrolments/?page_size=100")
    grow(18)
    assert _queries(client, "/api/v1/training-enrolments/?page_size=100") == two
    assert api(operator_a).get("/api/v1/training-enrolments/?page_size=100").json()["count"] == 20
