"""The network's pages as their users work with them, and query counts that do not grow
with the rows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from centres.models import CalMethod, Effect
from network.models import (
    Consultation,
    FollowUp,
    FollowUpStatus,
    GoodPractice,
    MeetingKind,
    NetworkMeeting,
    PracticeStatus,
    SelfAssessment,
)
from tests.factories import CentreFactory, OrganizationFactory
from tests.network.factories import (
    AdoptionFactory,
    ConsultationFactory,
    ConsultationResponseFactory,
    FollowUpFactory,
    GoodPracticeFactory,
    NetworkMeetingFactory,
    NetworkMembershipFactory,
    PublishedPracticeFactory,
    SelfAssessmentFactory,
    days_ago,
)
from tests.network.helpers import Network, make_network

pytestmark = pytest.mark.django_db


@pytest.fixture
def net(operator_a, centre_a, operator_b, centre_b) -> Network:
    return make_network(operator_a, centre_a, operator_b, centre_b)


def client_for(user) -> Client:
    """A signed-in browser that reads the pages in English (Polish is the default)."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


# --- Meetings and follow-ups -------------------------------------------------------------


def test_the_animator_records_a_meeting_and_a_task(animator, net, english):
    client = client_for(animator)

    response = client.post(
        reverse("network:meeting-create"),
        {
            "kind": MeetingKind.SCAL,
            "date": "2025-03-10",
            "place": "CAL Szczepin",
            "agenda": "1. Plan",
            "attendees": [net.org_a.pk, net.org_b.pk],
        },
    )

    assert response.status_code == 302
    meeting = NetworkMeeting.objects.get()
    assert sorted(meeting.attendees.values_list("pk", flat=True)) == sorted([net.org_a.pk, net.org_b.pk])

    response = client.post(
        reverse("network:follow-up-create", args=[meeting.pk]),
        {"title": "Plakat", "assignee": net.org_a.pk, "due": "2025-04-01", "status": FollowUpStatus.OPEN},
    )
    assert response.status_code == 302
    assert list(FollowUp.objects.values_list("title", "assignee")) == [("Plakat", net.org_a.pk)]

    page = client.get(reverse("network:meeting-detail", args=[meeting.pk]))
    assert "Plakat" in page.content.decode()


def test_a_task_for_a_former_member_is_a_form_error(animator, net, english):
    former = OrganizationFactory(name="Dawny Członek")
    NetworkMembershipFactory(organization=former, joined=date(2020, 1, 1), left=date(2024, 12, 31))
    meeting = NetworkMeetingFactory(date=date(2025, 3, 10))

    response = client_for(animator).post(
        reverse("network:follow-up-create", args=[meeting.pk]),
        {"title": "Plakat", "assignee": former.pk, "status": FollowUpStatus.OPEN},
    )

    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()
    assert {name: [e.code for e in field_errors] for name, field_errors in errors.items()} == {
        "assignee": ["not_a_member"]
    }
    assert "Dawny Członek" in response.content.decode()
    assert FollowUp.objects.count() == 0


def test_an_operator_reports_progress_on_their_task(operator_a, net):
    follow_up = FollowUpFactory(assignee=net.org_a)
    client = client_for(operator_a)

    listing = client.get(reverse("network:follow-up-list"))
    assert [row[0].pk for row in listing.context["rows"]] == [follow_up.pk]

    response = client.post(
        reverse("network:follow-up-edit", args=[follow_up.pk]),
        {"status": FollowUpStatus.DONE, "note": "Zrobione", "version": 1, "title": "Zmieniony tytuł"},
    )

    assert response.status_code == 302
    follow_up.refresh_from_db()
    # The progress form has no title: an operator changes only the status and the note.
    assert (follow_up.status, follow_up.note, follow_up.title != "Zmieniony tytuł") == (
        FollowUpStatus.DONE,
        "Zrobione",
        True,
    )


def test_a_stale_meeting_form_shows_what_was_saved_meanwhile(animator, net, english):
    meeting = NetworkMeetingFactory(place="Stare miejsce")
    NetworkMeeting.objects.filter(pk=meeting.pk).update(place="Zmienione przez kogoś", version=2)

    response = client_for(animator).post(
        reverse("network:meeting-edit", args=[meeting.pk]),
        {
            "kind": meeting.kind,
            "date": meeting.date.isoformat(),
            "place": "Moje miejsce",
            "agenda": meeting.agenda,
            "version": 1,
        },
    )

    assert response.status_code == 200
    differences = response.context["conflict"]["differences"]
    assert [(d["saved"], d["yours"]) for d in differences] == [("Zmienione przez kogoś", "Moje miejsce")]
    assert NetworkMeeting.objects.get(pk=meeting.pk).place == "Zmienione przez kogoś"


# --- Good practices -----------------------------------------------------------------------


def test_an_operator_proposes_and_the_animator_publishes(operator_a, animator, centre_a):
    response = client_for(operator_a).post(
        reverse("network:practice-create"),
        {
            "centre": centre_a.pk,
            "title": "Kawiarenka sąsiedzka",
            "summary": "Sąsiedzi przy kawie.",
            "method": CalMethod.COMMUNITY,
            "effects": [Effect.RELATIONS],
            "description": "Opis.",
        },
    )
    practice = GoodPractice.objects.get()
    assert response.status_code == 302
    assert (practice.status, practice.centre, practice.proposed_by) == (
        PracticeStatus.DRAFT,
        centre_a,
        operator_a,
    )
    assert Client().get(reverse("network:practice-public-detail", args=[practice.pk])).status_code == 404

    response = client_for(animator).post(
        reverse("network:practice-publish", args=[practice.pk]), {"version": 1}
    )

    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.PUBLISHED
    public = Client().get(reverse("network:practice-public-list"))
    assert [p.pk for p in public.context["practices"]] == [practice.pk]


def test_an_operator_attaches_a_file_to_their_draft(operator_a, centre_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    practice = GoodPracticeFactory(centre=centre_a)
    client = client_for(operator_a)
    data = {
        "title": practice.title,
        "summary": practice.summary,
        "method": practice.method,
        "effects": practice.effects,
        "description": practice.description,
        "version": 1,
    }

    refused = client.post(
        reverse("network:practice-edit", args=[practice.pk]),
        {**data, "attachment": SimpleUploadedFile("skrypt.exe", b"MZ")},
    )
    assert list(refused.context["form"].errors) == ["attachment"]

    response = client.post(
        reverse("network:practice-edit", args=[practice.pk]),
        {**data, "attachment": SimpleUploadedFile("opis.pdf", b"%PDF-1.4 opis")},
    )
    assert response.status_code == 302
    download = client.get(reverse("network:practice-attachment", args=[practice.pk]))
    assert (download.status_code, b"".join(download.streaming_content)) == (200, b"%PDF-1.4 opis")


def test_the_public_list_searches_and_filters_and_shows_adopters(english):
    cafe = PublishedPracticeFactory(
        title="Kawiarenka sąsiedzka", method=CalMethod.COMMUNITY, effects=["relacje"]
    )
    walk = PublishedPracticeFactory(title="Spacer badawczy", method=CalMethod.NEEDS, effects=["tozsamosc"])
    GoodPracticeFactory(title="Kawiarenka w szkicu")
    adopter = CentreFactory(name="CAL Adoptujący")
    AdoptionFactory(practice=cafe, centre=adopter)
    client = Client()

    def titles(**params: str) -> list[str]:
        return [
            p.title for p in client.get(reverse("network:practice-public-list"), params).context["practices"]
        ]

    assert sorted(titles()) == ["Kawiarenka sąsiedzka", "Spacer badawczy"]
    assert titles(q="kawiaren") == ["Kawiarenka sąsiedzka"]
    assert titles(method=CalMethod.NEEDS) == ["Spacer badawczy"]
    assert titles(effect="relacje") == ["Kawiarenka sąsiedzka"]
    page = client.get(reverse("network:practice-public-detail", args=[cafe.pk])).content.decode()
    assert "CAL Adoptujący" in page
    listing = client.get(reverse("network:practice-public-list"), {"q": "kawiaren"}).content.decode()
    assert "CAL Adoptujący" in listing
    assert walk.pk


def test_the_public_practice_page_shows_no_personal_data(operator_a, centre_a):
    practice = PublishedPracticeFactory(centre=centre_a, proposed_by=operator_a)

    page = Client().get(reverse("network:practice-public-detail", args=[practice.pk])).content.decode()

    assert operator_a.username not in page
    assert operator_a.email not in page


def test_an_adoption_by_the_own_centre_is_a_form_error(animator, centre_a, english):
    practice = PublishedPracticeFactory(centre=centre_a)

    response = client_for(animator).post(
        reverse("network:adoption-create", args=[practice.pk]),
        {"centre": centre_a.pk, "adopted_on": "2025-03-01", "outcome": ""},
    )

    assert response.context["form"].errors == {
        "centre": ["A centre cannot adopt its own practice: choose another centre."]
    }


# --- Consultations -----------------------------------------------------------------------


def test_an_operator_answers_and_changes_the_answer(operator_a, net):
    consultation = ConsultationFactory()
    client = client_for(operator_a)
    url = reverse("network:consultation-respond", args=[consultation.pk])

    assert client.post(url, {"text": "Pierwsza wersja"}).status_code == 302
    response = consultation.responses.get()
    assert (response.organization, response.text) == (net.org_a, "Pierwsza wersja")

    assert client.post(url, {"text": "Druga wersja", "version": 1}).status_code == 302
    response.refresh_from_db()
    assert (response.text, consultation.responses.count()) == ("Druga wersja", 1)


def test_an_answer_after_closing_is_refused_on_the_form(operator_a, net, english):
    consultation = ConsultationFactory(opens=date(2025, 1, 1), closes=date(2025, 1, 31))

    response = client_for(operator_a).post(
        reverse("network:consultation-respond", args=[consultation.pk]), {"text": "Za późno"}
    )

    assert response.status_code == 200
    assert [e.code for e in response.context["form"].non_field_errors().as_data()] == ["closed"]
    assert consultation.responses.count() == 0


def test_operators_read_only_their_own_answers_the_team_reads_all(operator_a, team_member, net):
    consultation = ConsultationFactory()
    ConsultationResponseFactory(consultation=consultation, organization=net.org_a, text="Uwagi A")
    ConsultationResponseFactory(consultation=consultation, organization=net.org_b, text="Uwagi B")
    url = reverse("network:consultation-detail", args=[consultation.pk])

    own = client_for(operator_a).get(url).content.decode()
    everyone = client_for(team_member).get(url).content.decode()

    assert ("Uwagi A" in own, "Uwagi B" in own) == (True, False)
    assert ("Uwagi A" in everyone, "Uwagi B" in everyone) == (True, True)


def test_the_animator_opens_a_consultation(animator):
    response = client_for(animator).post(
        reverse("network:consultation-create"),
        {"title": "Program", "subject": "Program współpracy", "opens": "2025-05-01", "closes": "2025-05-31"},
    )

    assert response.status_code == 302
    assert list(Consultation.objects.values_list("title", "opens")) == [("Program", date(2025, 5, 1))]


# --- Self-assessment ----------------------------------------------------------------------


def _scores(**overrides: str) -> dict[str, str]:
    data = {
        "score_place": "5",
        "evidence_place": "Lokal",
        "score_needs": "4",
        "evidence_needs": "",
        "score_fields": "3",
        "evidence_fields": "",
        "score_volunteering": "",
        "evidence_volunteering": "",
        "score_initiatives": "2",
        "evidence_initiatives": "",
    }
    return {**data, **overrides}


def test_an_operator_saves_a_draft_then_submits(operator_a, centre_a, english):
    year = timezone.localdate().year - 1
    url = reverse("network:workspace-self-assessment-year", args=[centre_a.slug, year])
    client = client_for(operator_a)

    assert client.post(url, _scores()).status_code == 302
    assessment = SelfAssessment.objects.get()
    assert (assessment.score_place, assessment.score_volunteering, assessment.submitted) == (5, None, False)

    refused = client.post(url, {**_scores(), "version": 1, "submit": "1"})
    assert refused.context["form"].errors == {
        "score_volunteering": ["Give a score for every standard before submitting."]
    }

    assert (
        client.post(url, {**_scores(score_volunteering="4"), "version": 1, "submit": "1"}).status_code == 302
    )
    assessment.refresh_from_db()
    assert (assessment.submitted, assessment.score_total) == (True, 18)
    index = client.get(reverse("network:workspace-self-assessment", args=[centre_a.slug]))
    assert [a.year for a in index.context["assessments"]] == [year]


def test_a_future_year_is_not_a_page(operator_a, centre_a):
    url = reverse(
        "network:workspace-self-assessment-year", args=[centre_a.slug, timezone.localdate().year + 1]
    )

    assert client_for(operator_a).get(url).status_code == 404


def test_the_workspace_links_to_the_self_assessment(operator_a, centre_a):
    page = client_for(operator_a).get(reverse("centres:workspace-centre-edit", args=[centre_a.slug]))

    assert reverse("network:workspace-self-assessment", args=[centre_a.slug]) in page.content.decode()


# --- Query counts -------------------------------------------------------------------------


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def _flat(client: Client, url: str, make: Callable[[int], None]) -> tuple[int, int]:
    make(2)
    two = _queries(client, url)
    make(18)
    return two, _queries(client, url)


def test_the_public_list_s_queries_do_not_grow_with_practices():
    def make(n: int) -> None:
        for _ in range(n):
            AdoptionFactory(practice=PublishedPracticeFactory())

    two, twenty = _flat(Client(), reverse("network:practice-public-list"), make)

    assert two == twenty


@pytest.mark.parametrize(
    ("url_name", "factory"),
    [
        ("network:meeting-list", lambda net: FollowUpFactory(assignee=net.org_a)),
        ("network:follow-up-list", lambda net: FollowUpFactory(assignee=net.org_a)),
        ("network:practice-list", lambda net: AdoptionFactory(practice=PublishedPracticeFactory())),
        ("network:consultation-list", lambda net: ConsultationResponseFactory(organization=net.org_a)),
    ],
)
def test_the_lists_queries_do_not_grow_with_their_rows(animator, net, url_name, factory):
    client = client_for(animator)

    two, twenty = _flat(client, reverse(url_name), lambda n: [factory(net) for _ in range(n)])

    assert two == twenty


def test_a_meeting_page_s_queries_do_not_grow_with_its_tasks(animator, net):
    meeting = NetworkMeetingFactory(date=days_ago(5))
    client = client_for(animator)

    two, twenty = _flat(
        client,
        reverse("network:meeting-detail", args=[meeting.pk]),
        lambda n: [FollowUpFactory(meeting=meeting, assignee=OrganizationFactory()) for _ in range(n)],
    )

    assert two == twenty


def test_the_self_assessment_index_s_queries_do_not_grow(operator_a, centre_a):
    client = client_for(operator_a)
    years = iter(range(2000, 2100))

    two, twenty = _flat(
        client,
        reverse("network:workspace-self-assessment", args=[centre_a.slug]),
        lambda n: [SelfAssessmentFactory(centre=centre_a, year=next(years)) for _ in range(n)],
    )

    assert two == twenty
