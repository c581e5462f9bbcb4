"""The admin of community diagnosis: city staff only; saving goes through the services."""

from __future__ import annotations

import pytest

from diagnosis.models import Diagnosis, DiagnosisStatus, Finding, ResidentSubmission, SubmissionStatus
from tests.diagnosis.factories import DiagnosisFactory, FindingFactory, ResidentSubmissionFactory, days_ago

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def staff_client(client, city_staff):
    client.force_login(city_staff)
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.parametrize("model", ["diagnosis", "finding", "residentsubmission"])
def test_city_staff_open_the_lists_and_others_do_not(staff_client, client, operator_a, centre_a, model):
    FindingFactory(diagnosis__centre=centre_a)
    ResidentSubmissionFactory(diagnosis__centre=centre_a)
    assert staff_client.get(f"/admin/diagnosis/{model}/").status_code == 200
    client.force_login(operator_a)
    assert client.get(f"/admin/diagnosis/{model}/").status_code == 302


def test_city_staff_create_a_diagnosis_through_the_service(staff_client, city_staff, centre_a):
    response = staff_client.post(
        "/admin/diagnosis/diagnosis/add/",
        {
            "centre": centre_a.pk,
            "title": "Diagnoza miejska",
            "description": "",
            "period_start": days_ago(10).isoformat(),
            "period_end": days_ago(-10).isoformat(),
            "covered_osiedla": [centre_a.primary_osiedle_id],
            "status": DiagnosisStatus.PLANNED,
            "conclusions": "",
            "methods-TOTAL_FORMS": "0",
            "methods-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    diagnosis = Diagnosis.objects.get()
    assert [o.pk for o in diagnosis.osiedla.all()] == [centre_a.primary_osiedle_id]


def test_the_admin_refuses_a_stale_change(staff_client, centre_a):
    diagnosis = DiagnosisFactory(centre=centre_a, version=3)
    response = staff_client.post(
        f"/admin/diagnosis/diagnosis/{diagnosis.pk}/change/",
        {
            "read_version": 2,
            "title": "Mine",
            "description": "",
            "period_start": diagnosis.period_start.isoformat(),
            "period_end": diagnosis.period_end.isoformat(),
            "covered_osiedla": [centre_a.primary_osiedle_id],
            "status": diagnosis.status,
            "conclusions": "",
            "methods-TOTAL_FORMS": "0",
            "methods-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "while you were editing it" in str(response.context["adminform"].form.non_field_errors())
    assert Diagnosis.objects.get(pk=diagnosis.pk).title == diagnosis.title


def test_a_finding_changed_in_the_admin_is_validated_by_the_service(staff_client, centre_a):
    finding = FindingFactory(diagnosis__centre=centre_a)
    response = staff_client.post(
        f"/admin/diagnosis/finding/{finding.pk}/change/",
        {
            "read_version": 1,
            "kind": finding.kind,
            "theme": finding.theme,
            "priority": 3,
            "title": "Zmieniony",
            "description": "",
            "latitude": "51.1",
            "longitude": "18.5",
            "status": "otwarta",
            "responses-TOTAL_FORMS": "0",
            "responses-INITIAL_FORMS": "0",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert Finding.objects.get(pk=finding.pk).title != "Zmieniony"
    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["The point must be within the city: longitude between 16.79 and 17.18."]


def test_submissions_are_rejected_in_bulk(staff_client, centre_a):
    first, second = ResidentSubmissionFactory.create_batch(2, diagnosis__centre=centre_a)
    response = staff_client.post(
        "/admin/diagnosis/residentsubmission/",
        {"action": "reject", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == ["2 submissions rejected."]
    assert set(ResidentSubmission.objects.values_list("status", flat=True)) == {SubmissionStatus.REJECTED}
