"""The network's API: access, writes through the services, 400s with fields, 409s."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from network.models import (
    CertificationStatus,
    FollowUpStatus,
    NetworkMeeting,
    NetworkMembership,
    PracticeStatus,
)
from tests.factories import OrganizationFactory
from tests.network.factories import (
    AdoptionFactory,
    ConsultationFactory,
    FollowUpFactory,
    GoodPracticeFactory,
    NetworkMeetingFactory,
    PublishedPracticeFactory,
    SelfAssessmentFactory,
)
from tests.network.helpers import Network, make_network

pytestmark = pytest.mark.django_db

COLLECTIONS = (
    "network-memberships",
    "network-meetings",
    "follow-ups",
    "good-practices",
    "consultations",
    "consultation-responses",
    "certifications",
    "self-assessments",
)


@pytest.fixture
def net(operator_a, centre_a, operator_b, centre_b) -> Network:
    return make_network(operator_a, centre_a, operator_b, centre_b)


def api(user=None) -> APIClient:
    client = APIClient()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_anonymous_requests_are_401(collection):
    response = api().get(f"/api/v1/{collection}/")

    assert response.status_code == 401


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_every_collection_answers_the_team(team_member, net, collection):
    assert api(team_member).get(f"/api/v1/{collection}/").status_code == 200


def test_another_operator_s_draft_and_self_assessment_are_404(operator_a, operator_b, centre_a):
    draft = GoodPracticeFactory(centre=centre_a)
    assessment = SelfAssessmentFactory(centre=centre_a, submitted=False)

    assert api(operator_a).get(f"/api/v1/good-practices/{draft.pk}/").status_code == 200
    assert api(operator_b).get(f"/api/v1/good-practices/{draft.pk}/").status_code == 404
    assert api(operator_a).get(f"/api/v1/self-assessments/{assessment.pk}/").status_code == 200
    assert api(operator_b).get(f"/api/v1/self-assessments/{assessment.pk}/").status_code == 404
    assert [p["id"] for p in api(operator_b).get("/api/v1/good-practices/").json()["results"]] == []


def test_the_team_reads_but_does_not_write(team_member, net):
    response = api(team_member).post("/api/v1/network-meetings/", {"date": "2025-03-10"}, format="json")

    assert response.status_code == 403
    assert NetworkMeeting.objects.count() == 0


def test_the_animator_records_a_meeting_and_a_task(animator, net):
    client = api(animator)

    created = client.post(
        "/api/v1/network-meetings/",
        {"kind": "scal", "date": "2025-03-10", "agenda": "1. Plan", "attendees": [net.org_a.pk]},
        format="json",
    )
    assert created.status_code == 201
    meeting_id = created.json()["id"]
    assert [a["id"] for a in created.json()["attendees"]] == [net.org_a.pk]

    task = client.post(
        "/api/v1/follow-ups/",
        {"meeting": meeting_id, "title": "Plakat", "assignee": net.org_a.pk, "due": "2025-04-01"},
        format="json",
    )
    assert task.status_code == 201
    assert (task.json()["status"], task.json()["assignee_name"]) == (FollowUpStatus.OPEN, net.org_a.name)
    detail = client.get(f"/api/v1/network-meetings/{meeting_id}/").json()
    assert [f["title"] for f in detail["follow_ups"]] == ["Plakat"]


def test_a_task_for_an_organisation_outside_the_network_is_400(animator, net):
    meeting = NetworkMeetingFactory(date=date(2025, 3, 10))
    outsider = OrganizationFactory(name="Firma")

    response = api(animator).post(
        "/api/v1/follow-ups/", {"meeting": meeting.pk, "title": "X", "assignee": outsider.pk}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "assignee": ["Firma was not a member of the network on the day of the meeting (March 10, 2025)."]
    }


def test_the_assignee_updates_the_status_of_a_task(operator_a, operator_b, net):
    follow_up = FollowUpFactory(assignee=net.org_a)
    url = f"/api/v1/follow-ups/{follow_up.pk}/"

    response = api(operator_a).patch(url, {"version": 1, "status": "zrobione", "note": "OK"}, format="json")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["version"]) == ("zrobione", 2)
    assert api(operator_a).patch(url, {"version": 2, "title": "Inne"}, format="json").status_code == 403
    assert api(operator_b).patch(url, {"version": 2, "status": "otwarte"}, format="json").status_code == 404


def test_a_stale_version_is_409(animator, net):
    meeting = NetworkMeetingFactory()
    client = api(animator)
    client.patch(f"/api/v1/network-meetings/{meeting.pk}/", {"version": 1, "place": "A"}, format="json")

    response = client.patch(
        f"/api/v1/network-meetings/{meeting.pk}/", {"version": 1, "place": "B"}, format="json"
    )

    assert response.status_code == 409


def test_two_current_animators_are_400(city_staff, animator, net):
    response = api(city_staff).post(
        "/api/v1/network-memberships/",
        {"organization": OrganizationFactory().pk, "joined": "2025-01-01", "is_animator": True},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["is_animator"]
    assert NetworkMembership.objects.filter(is_animator=True).count() == 1
    forbidden = api(animator).post(
        "/api/v1/network-memberships/", {"organization": OrganizationFactory().pk, "joined": "2025-01-01"}
    )
    assert forbidden.status_code == 403


def test_an_operator_proposes_and_the_animator_publishes(operator_a, animator, centre_a):
    created = api(operator_a).post(
        "/api/v1/good-practices/",
        {
            "centre": centre_a.slug,
            "title": "Kawiarenka",
            "summary": "Sąsiedzi przy kawie.",
            "method": "praca-ze-spolecznoscia",
            "effects": ["wykluczenie", "relacje"],
            "description": "Opis.",
        },
        format="json",
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["status"], body["effects"]) == (PracticeStatus.DRAFT, ["relacje", "wykluczenie"])

    published = api(animator).post(
        f"/api/v1/good-practices/{body['id']}/publish/", {"version": 1}, format="json"
    )

    assert published.status_code == 200
    assert published.json()["status"] == PracticeStatus.PUBLISHED
    assert (
        api(operator_a).post(f"/api/v1/good-practices/{body['id']}/unpublish/", {"version": 2}).status_code
        == 403
    )


def test_an_adoption_by_the_own_centre_is_400(animator, centre_a):
    practice = PublishedPracticeFactory(centre=centre_a)

    response = api(animator).post(
        f"/api/v1/good-practices/{practice.pk}/adoptions/",
        {"centre": centre_a.slug, "adopted_on": "2025-03-01"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"centre": ["A centre cannot adopt its own practice: choose another centre."]}


def test_an_answer_after_closing_is_400_and_an_open_one_is_201(operator_a, net):
    closed = ConsultationFactory(opens=date(2025, 1, 1), closes=date(2025, 1, 31))
    client = api(operator_a)

    refused = client.post(
        "/api/v1/consultation-responses/",
        {"consultation": closed.pk, "organization": net.org_a.pk, "text": "Za późno"},
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json() == {
        "non_field_errors": ["The consultation closed on Jan. 31, 2025: answers are no longer accepted."]
    }

    open_one = ConsultationFactory()
    created = client.post(
        "/api/v1/consultation-responses/",
        {"consultation": open_one.pk, "organization": net.org_a.pk, "text": "Uwagi"},
        format="json",
    )
    assert created.status_code == 201
    changed = client.patch(
        f"/api/v1/consultation-responses/{created.json()['id']}/",
        {"version": 1, "text": "Nowe"},
        format="json",
    )
    assert (changed.status_code, changed.json()["text"]) == (200, "Nowe")


def test_a_validity_other_than_five_years_without_a_note_is_400(city_staff, centre_a):
    response = api(city_staff).post(
        "/api/v1/certifications/",
        {
            "centre": centre_a.slug,
            "status": CertificationStatus.GRANTED,
            "applied_on": "2024-01-10",
            "granted_on": "2024-03-01",
            "valid_until": "2027-03-01",
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "valid_until": [
            "A certificate is valid for five years, until March 1, 2029. "
            "Explain another date in the decision note."
        ]
    }


def test_only_city_staff_write_certifications(animator, operator_a, centre_a):
    for user in (animator, operator_a):
        response = api(user).post(
            "/api/v1/certifications/", {"centre": centre_a.slug, "applied_on": "2025-01-10"}, format="json"
        )
        assert response.status_code == 403


def test_a_duplicate_self_assessment_year_is_400(operator_a, centre_a):
    year = timezone.localdate().year - 1
    client = api(operator_a)
    payload = {"centre": centre_a.slug, "year": year, "score_place": 4}

    assert client.post("/api/v1/self-assessments/", payload, format="json").status_code == 201
    response = client.post("/api/v1/self-assessments/", payload, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "year": [f"This centre already has a self-assessment for {year}: edit it instead."]
    }


@pytest.mark.parametrize(
    ("collection", "factory"),
    [
        ("good-practices", lambda net: AdoptionFactory(practice=PublishedPracticeFactory())),
        (
            "network-meetings",
            lambda net: FollowUpFactory(assignee=net.org_a, meeting=NetworkMeetingFactory()),
        ),
        ("follow-ups", lambda net: FollowUpFactory(assignee=net.org_a)),
        ("self-assessments", lambda net: SelfAssessmentFactory()),
    ],
)
def test_api_lists_queries_do_not_grow(animator, net, collection, factory):
    client = api(animator)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/api/v1/{collection}/").status_code == 200
        return len(captured.captured_queries)

    for _ in range(2):
        factory(net)
    queries()  # the first request also reads the user's roles, kept on the user object
    two = queries()
    for _ in range(18):
        factory(net)

    assert queries() == two
