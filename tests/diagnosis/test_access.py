"""The access matrix of community diagnosis, in pages and the API: who sees which diagnoses,
findings and residents' submissions, and who may change them. Another centre's record is a
404; an anonymous visitor is sent to log in (pages) or refused with 401 (API). Residents'
submissions are seen only by the centre's operators and city staff until accepted."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from diagnosis import services
from diagnosis.models import FindingKind, Theme
from tests.diagnosis.factories import (
    DiagnosisFactory,
    FindingFactory,
    PublishedDiagnosisFactory,
    ResidentSubmissionFactory,
)

pytestmark = pytest.mark.django_db

USERS = ["anonymous", "operator_a", "operator_b", "animator", "team_member", "city_staff"]


@pytest.fixture
def world(operator_a_and_centre, operator_b_and_centre, animator, team_member, city_staff) -> dict[str, Any]:
    _operator, centre = operator_a_and_centre
    running = DiagnosisFactory(centre=centre, title="Running", submissions_open=True)
    published = PublishedDiagnosisFactory(centre=centre, title="Published")
    return {
        "centre": centre,
        "running": running,
        "published": published,
        "draft_finding": FindingFactory(diagnosis=running, title="Draft finding"),
        "public_finding": FindingFactory(diagnosis=published, title="Public finding"),
        "submission": ResidentSubmissionFactory(diagnosis=running, text="Plac zabaw dla maluchów, proszę."),
        "users": {
            "anonymous": None,
            "operator_a": operator_a_and_centre[0],
            "operator_b": operator_b_and_centre[0],
            "animator": animator,
            "team_member": team_member,
            "city_staff": city_staff,
        },
    }


def _client(world: dict[str, Any], who: str, api: bool = False) -> Any:
    from django.test import Client

    client = APIClient() if api else Client()
    user = world["users"][who]
    if user is not None:
        client.force_login(user)
    return client


WORKSPACE_PAGES = [
    "/workspace/centres/cal-szczepin/diagnoses/",
    "/workspace/centres/cal-szczepin/diagnoses/{running}/",
    "/workspace/centres/cal-szczepin/diagnoses/{running}/edit/",
    "/workspace/centres/cal-szczepin/diagnoses/{running}/submissions/",
    "/workspace/centres/cal-szczepin/diagnoses/{running}/submissions/{submission}/accept/",
    "/workspace/centres/cal-szczepin/findings/{draft_finding}/",
    "/workspace/centres/cal-szczepin/needs-map/",
]
PAGE_STATUS = {
    "anonymous": 302,
    "operator_a": 200,
    "operator_b": 404,
    "animator": 404,
    "team_member": 404,
    "city_staff": 200,
}


def _url(template: str, world: dict[str, Any]) -> str:
    return template.format(
        running=world["running"].pk,
        submission=world["submission"].pk,
        draft_finding=world["draft_finding"].pk,
    )


@pytest.mark.parametrize("who", USERS)
def test_workspace_pages_are_for_the_centres_operators_and_city_staff(world, who):
    client = _client(world, who)
    statuses = {template: client.get(_url(template, world)).status_code for template in WORKSPACE_PAGES}
    assert statuses == dict.fromkeys(WORKSPACE_PAGES, PAGE_STATUS[who])


def test_an_anonymous_visitor_is_sent_to_log_in(world):
    response = _client(world, "anonymous").get("/workspace/centres/cal-szczepin/diagnoses/")
    assert response["Location"] == "/accounts/login/?next=/workspace/centres/cal-szczepin/diagnoses/"


SEES_UNPUBLISHED = {"operator_a", "animator", "team_member", "city_staff"}


@pytest.mark.parametrize("who", USERS)
def test_diagnoses_and_findings_in_the_api(world, who):
    client = _client(world, who, api=True)
    diagnoses = client.get("/api/v1/diagnoses/").json()["results"]
    findings = client.get("/api/v1/findings/").json()["results"]
    expected_diagnoses = ["Published", "Running"] if who in SEES_UNPUBLISHED else ["Published"]
    expected_findings = ["Draft finding", "Public finding"] if who in SEES_UNPUBLISHED else ["Public finding"]
    assert sorted(d["title"] for d in diagnoses) == expected_diagnoses
    assert sorted(f["title"] for f in findings) == expected_findings
    running = client.get(f"/api/v1/diagnoses/{world['running'].pk}/")
    assert running.status_code == (200 if who in SEES_UNPUBLISHED else 404)


SEES_SUBMISSIONS = {"operator_a", "city_staff"}


@pytest.mark.parametrize("who", USERS)
def test_residents_submissions_are_seen_only_by_the_centres_operators_and_city_staff(world, who):
    client = _client(world, who, api=True)
    listing = client.get("/api/v1/resident-submissions/")
    detail = client.get(f"/api/v1/resident-submissions/{world['submission'].pk}/")
    if who == "anonymous":
        assert (listing.status_code, detail.status_code) == (401, 401)
        return
    texts = [s["text"] for s in listing.json()["results"]]
    if who in SEES_SUBMISSIONS:
        assert (texts, detail.status_code) == (["Plac zabaw dla maluchów, proszę."], 200)
    else:
        assert (texts, detail.status_code) == ([], 404)


def test_an_accepted_submission_is_seen_as_a_finding_and_the_submission_stays_private(world):
    finding = services.submission_accept(
        submission=world["submission"],
        actor=world["users"]["operator_a"],
        title="Plac zabaw",
        theme=Theme.CHILDREN_YOUTH,
    )
    assert finding.kind == FindingKind.IDEA
    animator = _client(world, "animator", api=True)
    assert animator.get(f"/api/v1/findings/{finding.pk}/").json()["title"] == "Plac zabaw"
    assert animator.get(f"/api/v1/resident-submissions/{world['submission'].pk}/").status_code == 404
    # The public sees it once the diagnosis is published, not before.
    assert _client(world, "anonymous", api=True).get(f"/api/v1/findings/{finding.pk}/").status_code == 404


WRITE_STATUS = {
    "anonymous": 401,
    "operator_a": 200,
    "operator_b": 404,
    "animator": 404,
    "team_member": 404,
    "city_staff": 200,
}


@pytest.mark.parametrize("who", USERS)
def test_only_the_centres_operators_and_city_staff_change_a_finding(world, who):
    client = _client(world, who, api=True)
    # A published finding: everyone may read it, only editors change it.
    finding = world["public_finding"]
    response = client.patch(f"/api/v1/findings/{finding.pk}/", {"version": 1, "priority": 5}, format="json")
    assert response.status_code == WRITE_STATUS[who]


@pytest.mark.parametrize("who", USERS)
def test_only_editors_moderate(world, who):
    client = _client(world, who, api=True)
    response = client.post(f"/api/v1/resident-submissions/{world['submission'].pk}/reject/")
    expected = {"anonymous": 401, "operator_a": 200, "city_staff": 200}.get(who, 404)
    assert response.status_code == expected


@pytest.mark.parametrize("who", USERS)
def test_public_pages_show_only_published_diagnoses(world, who):
    client = _client(world, who)
    published = client.get(f"/centres/cal-szczepin/diagnoses/{world['published'].pk}/")
    running = client.get(f"/centres/cal-szczepin/diagnoses/{world['running'].pk}/")
    assert (published.status_code, running.status_code) == (200, 404)


def test_another_centres_url_slug_does_not_reach_a_diagnosis(world, centre_b):
    response = _client(world, "anonymous").get(f"/centres/{centre_b.slug}/diagnoses/{world['published'].pk}/")
    assert response.status_code == 404
