"""The residents' form: no account, no personal data; CSRF, a honeypot, length limits and a
per-address limit (429, never a 500), and a clear refusal once the diagnosis is closed."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.test import Client

from diagnosis import ratelimit
from diagnosis.models import (
    DiagnosisStatus,
    FindingKind,
    ResidentSubmission,
    ResidentSubmissionEvent,
    SubmissionStatus,
)
from tests.diagnosis.factories import DiagnosisFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

IDEA = {"kind": FindingKind.IDEA, "text": "Kino plenerowe na podwórku przy Zachodniej.", "website": ""}


@pytest.fixture
def open_diagnosis(centre_a):
    return DiagnosisFactory(centre=centre_a, title="Czego potrzebuje Szczepin?", submissions_open=True)


@pytest.fixture
def resident() -> Client:
    client = Client(REMOTE_ADDR="203.0.113.7")
    client.cookies["django_language"] = "en"
    return client


def _url(diagnosis) -> str:
    return f"/centres/{diagnosis.centre.slug}/diagnoses/{diagnosis.pk}/share/"


def test_a_resident_sends_an_idea_without_an_account(resident, open_diagnosis):
    page = resident.get(_url(open_diagnosis))
    content = page.content.decode()
    assert page.status_code == 200
    assert "Czego potrzebuje Szczepin?" in content
    assert 'name="website"' in content
    assert 'tabindex="-1"' in content
    # The form asks for nothing personal.
    assert set(page.context["form"].fields) == {"kind", "text", "osiedle", "website"}

    response = resident.post(
        _url(open_diagnosis), {**IDEA, "osiedle": open_diagnosis.centre.primary_osiedle_id}
    )

    assert response["Location"] == f"{_url(open_diagnosis)}thanks/"
    submission = ResidentSubmission.objects.get()
    assert (submission.kind, submission.text, submission.status, submission.osiedle) == (
        FindingKind.IDEA,
        "Kino plenerowe na podwórku przy Zachodniej.",
        SubmissionStatus.PENDING,
        open_diagnosis.centre.primary_osiedle,
    )
    # The address is stored nowhere: not in the record, not in its audit trail.
    event = ResidentSubmissionEvent.objects.get(pgh_obj_id=submission.pk)
    row = {field.attname: getattr(event, field.attname) for field in event._meta.concrete_fields}
    context = event.pgh_context.metadata if event.pgh_context else {}
    stored = json.dumps(row, default=str) + json.dumps(context, default=str)
    assert "203.0.113.7" not in stored
    assert resident.get(f"{_url(open_diagnosis)}thanks/").status_code == 200


def test_csrf_is_required(open_diagnosis):
    client = Client(enforce_csrf_checks=True)
    assert client.post(_url(open_diagnosis), IDEA).status_code == 403

    client.get(_url(open_diagnosis))
    token = client.cookies["csrftoken"].value
    response = client.post(_url(open_diagnosis), {**IDEA, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert ResidentSubmission.objects.count() == 1


def test_a_filled_honeypot_looks_like_success_and_saves_nothing(resident, open_diagnosis):
    response = resident.post(_url(open_diagnosis), {**IDEA, "website": "https://spam.example"})
    assert response["Location"] == f"{_url(open_diagnosis)}thanks/"
    assert ResidentSubmission.objects.count() == 0


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "This field is required."),
        ("x" * 2001, "Ensure this value has at most 2000 characters (it has 2001)."),
        ("Ławka", "Ensure this value has at least 10 characters (it has 5)."),
    ],
)
def test_an_empty_or_oversized_submission_is_refused_clearly(resident, open_diagnosis, text, error):
    response = resident.post(_url(open_diagnosis), {**IDEA, "text": text})
    assert response.status_code == 400
    assert response.context["form"].errors == {"text": [error]}
    assert error in response.content.decode()
    assert ResidentSubmission.objects.count() == 0


def test_a_submission_to_a_closed_diagnosis_is_refused_clearly(resident, centre_a):
    closed = DiagnosisFactory(centre=centre_a, status=DiagnosisStatus.FINISHED)
    page = resident.get(_url(closed))
    assert page.status_code == 200
    assert "This diagnosis is not collecting residents' ideas at the moment." in page.content.decode()
    assert "<textarea" not in page.content.decode()

    response = resident.post(_url(closed), IDEA)
    assert response.status_code == 409
    assert response.context["form"].non_field_errors() == [
        "This diagnosis is not collecting residents' ideas at the moment. Nothing was sent."
    ]
    assert ResidentSubmission.objects.count() == 0


def test_a_planned_diagnosis_has_no_form(resident, centre_a):
    planned = DiagnosisFactory(centre=centre_a, status=DiagnosisStatus.PLANNED)
    assert resident.get(_url(planned)).status_code == 404


def test_a_flood_gets_429_not_500(resident, open_diagnosis):
    statuses = [
        resident.post(_url(open_diagnosis), IDEA).status_code for _ in range(ratelimit.SUBMISSION_LIMIT + 3)
    ]
    assert statuses == [302] * ratelimit.SUBMISSION_LIMIT + [429] * 3
    assert ResidentSubmission.objects.count() == ratelimit.SUBMISSION_LIMIT
    refused = resident.post(_url(open_diagnosis), IDEA)
    assert "Too many submissions have been sent from your connection" in refused.content.decode()

    # Another address is not held back.
    neighbour = Client(REMOTE_ADDR="198.51.100.4")
    assert neighbour.post(_url(open_diagnosis), IDEA).status_code == 302


def test_the_limit_counts_a_keyed_hash_not_the_address(rf):
    request = rf.post("/", REMOTE_ADDR="203.0.113.7")
    digest = ratelimit.address_hash(ratelimit.client_address(request))
    assert "203.0.113.7" not in digest
    assert len(digest) == 40
    assert ratelimit.allow(request, scope="test", limit=1, window=60, now=120.0) is True
    assert cache.get(f"diagnosis:ratelimit:test:{digest}:2") == 1
    assert ratelimit.allow(request, scope="test", limit=1, window=60, now=121.0) is False
    # A new window starts afresh.
    assert ratelimit.allow(request, scope="test", limit=1, window=60, now=180.0) is True


def test_an_unreachable_cache_does_not_turn_an_idea_into_a_500(resident, open_diagnosis, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(cache, "incr", broken)
    response = resident.post(_url(open_diagnosis), IDEA)
    assert response.status_code == 302
    assert ResidentSubmission.objects.count() == 1


def test_a_trusted_proxy_header_names_the_address(rf, settings):
    settings.CAL_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    request = rf.post("/", REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="203.0.113.9")
    assert ratelimit.client_address(request) == "203.0.113.9"
