"""Services of the network: the success paths, each validation error and each permission rule."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pghistory.models import Events

from centres.models import CalMethod, Effect
from centres.services import ConflictError
from network import services
from network.models import (
    CertificationStatus,
    FollowUpStatus,
    GoodPractice,
    MeetingKind,
    NetworkMembership,
    PracticeStatus,
    SelfAssessment,
    TeamMember,
)
from tests.factories import CentreFactory, OrganizationFactory
from tests.network.factories import (
    CertificationFactory,
    ConsultationFactory,
    ConsultationResponseFactory,
    FollowUpFactory,
    GoodPracticeFactory,
    NetworkMeetingFactory,
    PublishedPracticeFactory,
    SelfAssessmentFactory,
    days_ago,
    days_ahead,
)
from tests.network.helpers import Network, make_network

pytestmark = pytest.mark.django_db


@pytest.fixture
def net(operator_a, centre_a, operator_b, centre_b) -> Network:
    return make_network(operator_a, centre_a, operator_b, centre_b)


def messages(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return error.value.message_dict


# --- Membership and the standing team --------------------------------------------------


def test_city_staff_record_a_member(city_staff, net, english):
    organization = OrganizationFactory()

    membership = services.network_membership_create(
        actor=city_staff, organization=organization, joined=days_ago(3)
    )

    assert (membership.organization, membership.is_animator, membership.left) == (organization, False, None)
    event = Events.objects.filter(pgh_obj_model="network.NetworkMembership", pgh_obj_id=membership.pk).get()
    assert event.pgh_context["user"] == city_staff.pk


def test_a_second_current_animator_is_refused_on_the_field(city_staff, net, english):
    with pytest.raises(ValidationError) as error:
        services.network_membership_create(
            actor=city_staff, organization=OrganizationFactory(), joined=days_ago(1), is_animator=True
        )

    assert messages(error) == {
        "is_animator": [
            "The network already has an animator organisation in that period: "
            "end its animator membership first."
        ]
    }
    assert NetworkMembership.objects.filter(is_animator=True).count() == 1


def test_a_member_cannot_leave_before_joining(city_staff, english):
    with pytest.raises(ValidationError) as error:
        services.network_membership_create(
            actor=city_staff,
            organization=OrganizationFactory(),
            joined=date(2025, 3, 10),
            left=date(2025, 3, 1),
        )

    assert list(messages(error)) == ["left"]


def test_the_animator_role_is_handed_over(city_staff, net):
    today = timezone.localdate()

    new = services.network_animator_change(actor=city_staff, organization=net.org_a, on=today)

    rows = list(
        NetworkMembership.objects.order_by("organization__name", "joined").values_list(
            "organization__name", "joined", "left", "is_animator"
        )
    )
    before, yesterday = days_ago(730), today - timedelta(days=1)
    assert new.is_animator is True
    assert rows == sorted(
        [
            (net.animator_org.name, before, yesterday, True),
            (net.animator_org.name, today, None, False),
            (net.org_a.name, before, yesterday, False),
            (net.org_a.name, today, None, True),
            (net.org_b.name, before, None, False),
        ]
    )


def test_only_city_staff_manage_memberships_and_the_team(animator, team_member, operator_a):
    for user in (animator, team_member, operator_a):
        with pytest.raises(PermissionDenied):
            services.network_membership_create(
                actor=user, organization=OrganizationFactory(), joined=days_ago(1)
            )
        with pytest.raises(PermissionDenied):
            services.team_member_save(
                member=TeamMember(person_name="X", institution="Y", since=days_ago(1)), actor=user
            )


def test_the_team_term_cannot_end_before_it_starts(city_staff, english):
    member = TeamMember(person_name="Anna", institution="WPS", since=date(2025, 5, 1), until=date(2025, 4, 1))

    with pytest.raises(ValidationError) as error:
        services.team_member_save(member=member, actor=city_staff)

    assert messages(error)["until"] == ["The end of the term cannot be before its start."]


# --- Meetings and follow-ups -------------------------------------------------------------


def test_the_animator_records_a_meeting_with_attendees(animator, net):
    meeting = services.network_meeting_create(
        actor=animator,
        attendees=[net.org_a, net.animator_org],
        kind=MeetingKind.SCAL,
        date=days_ago(2),
        agenda="1. Plan",
    )

    assert sorted(meeting.attendees.values_list("name", flat=True)) == sorted(
        [net.org_a.name, net.animator_org.name]
    )
    assert (
        Events.objects.filter(pgh_obj_model="network.NetworkMeeting").get().pgh_context["user"] == animator.pk
    )


def test_a_scal_meeting_refuses_attendees_outside_the_network(animator, net, english):
    outsider = OrganizationFactory(name="Firma Spoza Sieci")

    with pytest.raises(ValidationError) as error:
        services.network_meeting_create(
            actor=animator, attendees=[net.org_a, outsider], kind=MeetingKind.SCAL, date=days_ago(2)
        )

    assert list(messages(error)) == ["attendees"]
    assert "Firma Spoza Sieci" in messages(error)["attendees"][0]


def test_team_members_and_operators_do_not_run_meetings(team_member, operator_a, net):
    for user in (team_member, operator_a):
        with pytest.raises(PermissionDenied):
            services.network_meeting_create(actor=user, date=days_ago(1))


def test_a_stale_meeting_edit_is_a_conflict(animator, net):
    meeting = NetworkMeetingFactory()
    services.network_meeting_update(meeting=meeting, actor=animator, expected_version=1, place="Nowe miejsce")

    with pytest.raises(ConflictError):
        services.network_meeting_update(meeting=meeting, actor=animator, expected_version=1, place="Inne")


def test_a_follow_up_for_a_member(animator, net):
    meeting = NetworkMeetingFactory(date=days_ago(5))

    follow_up = services.follow_up_create(
        meeting=meeting, actor=animator, title="Plakat", assignee=net.org_a, due=days_ahead(10)
    )

    assert (follow_up.status, follow_up.assignee) == (FollowUpStatus.OPEN, net.org_a)


def test_a_follow_up_for_an_organisation_outside_the_network_is_refused(animator, net, english):
    meeting = NetworkMeetingFactory(date=date(2025, 3, 10))
    outsider = OrganizationFactory(name="Klub Spoza")

    with pytest.raises(ValidationError) as error:
        services.follow_up_create(meeting=meeting, actor=animator, title="Plakat", assignee=outsider)

    assert messages(error) == {
        "assignee": ["Klub Spoza was not a member of the network on the day of the meeting (March 10, 2025)."]
    }


def test_a_follow_up_for_an_organisation_that_left_before_the_meeting_is_refused(animator, net):
    NetworkMembership.objects.filter(organization=net.org_b).update(left=days_ago(10))
    meeting = NetworkMeetingFactory(date=days_ago(5))

    with pytest.raises(ValidationError) as error:
        services.follow_up_create(meeting=meeting, actor=animator, title="Plakat", assignee=net.org_b)

    assert list(messages(error)) == ["assignee"]


def test_a_follow_up_cannot_be_due_before_its_meeting(animator, net, english):
    meeting = NetworkMeetingFactory(date=date(2025, 3, 10))

    with pytest.raises(ValidationError) as error:
        services.follow_up_create(
            meeting=meeting, actor=animator, title="Plakat", assignee=net.org_a, due=date(2025, 3, 1)
        )

    assert messages(error) == {
        "due": ["A task cannot be due before the meeting that agreed it (March 10, 2025)."]
    }


def test_the_assignee_reports_progress_and_others_may_not(operator_a, operator_b, net):
    follow_up = FollowUpFactory(assignee=net.org_a)

    services.follow_up_report_progress(
        follow_up=follow_up,
        actor=operator_a,
        expected_version=1,
        status=FollowUpStatus.IN_PROGRESS,
        note="W toku",
    )
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.note, follow_up.version) == (FollowUpStatus.IN_PROGRESS, "W toku", 2)

    with pytest.raises(PermissionDenied):
        services.follow_up_report_progress(
            follow_up=follow_up, actor=operator_b, expected_version=2, status=FollowUpStatus.DONE, note=""
        )
    with pytest.raises(PermissionDenied):
        services.follow_up_update(follow_up=follow_up, actor=operator_a, expected_version=2, title="Inne")


# --- Good practices -----------------------------------------------------------------------


def _practice_fields() -> dict[str, object]:
    return {
        "title": "Kawiarenka",
        "summary": "Sąsiedzi przy kawie.",
        "method": CalMethod.COMMUNITY,
        "effects": [Effect.INCLUSION, Effect.RELATIONS, Effect.RELATIONS],
        "description": "Opis.",
    }


def test_an_operator_proposes_a_draft_for_their_centre(operator_a, centre_a):
    practice = services.practice_create(centre=centre_a, actor=operator_a, **_practice_fields())

    assert (practice.status, practice.published_at, practice.proposed_by) == (
        PracticeStatus.DRAFT,
        None,
        operator_a,
    )
    assert practice.effects == [Effect.RELATIONS, Effect.INCLUSION]


def test_an_operator_cannot_propose_for_another_centre(operator_b, centre_a):
    with pytest.raises(PermissionDenied):
        services.practice_create(centre=centre_a, actor=operator_b, **_practice_fields())


def test_the_animator_publishes_and_then_the_operator_no_longer_edits(animator, operator_a, centre_a):
    practice = GoodPracticeFactory(centre=centre_a)

    published = services.practice_publish(practice=practice, actor=animator, expected_version=1)

    assert (published.status, published.published_at is not None) == (PracticeStatus.PUBLISHED, True)
    with pytest.raises(PermissionDenied):
        services.practice_update(practice=practice, actor=operator_a, expected_version=2, title="Zmiana")
    with pytest.raises(PermissionDenied):
        services.practice_publish(
            practice=GoodPracticeFactory(centre=centre_a), actor=operator_a, expected_version=1
        )


def test_publishing_twice_or_without_a_description_is_refused(animator, english):
    published = PublishedPracticeFactory()
    with pytest.raises(ValidationError) as error:
        services.practice_publish(practice=published, actor=animator, expected_version=1)
    assert error.value.messages == ["This practice is already published."]

    bare = GoodPracticeFactory(description="")
    with pytest.raises(ValidationError) as error:
        services.practice_publish(practice=bare, actor=animator, expected_version=1)
    assert messages(error) == {"description": ["Fill this in before the practice is published."]}


def test_an_attachment_of_a_wrong_type_or_too_large_is_refused(
    operator_a, centre_a, settings, tmp_path, english
):
    settings.MEDIA_ROOT = tmp_path
    script = SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(ValidationError) as error:
        services.practice_create(centre=centre_a, actor=operator_a, attachment=script, **_practice_fields())
    assert list(messages(error)) == ["attachment"]

    big = SimpleUploadedFile("opis.pdf", b"0" * (10 * 1024 * 1024 + 1), content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        services.practice_create(centre=centre_a, actor=operator_a, attachment=big, **_practice_fields())
    assert messages(error) == {"attachment": ["The file is too large (10.0 MB); at most 10 MB is allowed."]}
    assert GoodPractice.objects.count() == 0

    pdf = SimpleUploadedFile("opis.pdf", b"%PDF-1.4", content_type="application/pdf")
    practice = services.practice_create(
        centre=centre_a, actor=operator_a, attachment=pdf, **_practice_fields()
    )
    assert practice.attachment.name.startswith("practices/")


def test_an_adoption_by_the_practice_s_own_centre_is_refused(animator, english):
    practice = PublishedPracticeFactory()

    with pytest.raises(ValidationError) as error:
        services.adoption_create(
            practice=practice, centre=practice.centre, actor=animator, adopted_on=days_ago(1)
        )

    assert messages(error) == {"centre": ["A centre cannot adopt its own practice: choose another centre."]}


def test_a_draft_cannot_be_adopted_nor_one_centre_adopt_twice(animator, english):
    other = CentreFactory()
    with pytest.raises(ValidationError) as error:
        services.adoption_create(
            practice=GoodPracticeFactory(), centre=other, actor=animator, adopted_on=days_ago(1)
        )
    assert messages(error) == {"practice": ["Only a published practice can be adopted."]}

    practice = PublishedPracticeFactory()
    services.adoption_create(practice=practice, centre=other, actor=animator, adopted_on=days_ago(1))
    with pytest.raises(ValidationError) as error:
        services.adoption_create(practice=practice, centre=other, actor=animator, adopted_on=days_ago(1))
    assert messages(error) == {"centre": ["This centre has already adopted this practice."]}


def test_an_operator_records_an_adoption_for_their_centre_only(operator_b, centre_a, centre_b):
    practice = PublishedPracticeFactory(centre=centre_a)

    adoption = services.adoption_create(
        practice=practice, centre=centre_b, actor=operator_b, adopted_on=days_ago(2)
    )

    assert adoption.centre == centre_b
    with pytest.raises(PermissionDenied):
        services.adoption_create(
            practice=PublishedPracticeFactory(), centre=centre_a, actor=operator_b, adopted_on=days_ago(2)
        )


# --- Consultations -----------------------------------------------------------------------


def test_the_animator_opens_a_consultation_and_its_dates_are_checked(animator, operator_a, english):
    consultation = services.consultation_create(
        actor=animator,
        title="Program",
        subject="Program współpracy",
        opens=days_ago(1),
        closes=days_ahead(10),
    )
    assert consultation.is_open(timezone.localdate())

    with pytest.raises(ValidationError) as error:
        services.consultation_create(
            actor=animator, title="Program", subject="X", opens=date(2025, 5, 10), closes=date(2025, 5, 1)
        )
    assert messages(error) == {"closes": ["A consultation cannot close before it opens."]}
    with pytest.raises(PermissionDenied):
        services.consultation_create(
            actor=operator_a, title="X", subject="X", opens=days_ago(1), closes=days_ago(0)
        )


def test_an_organisation_answers_once_and_edits_while_open(operator_a, net, english):
    consultation = ConsultationFactory()

    response = services.consultation_response_submit(
        consultation=consultation, organization=net.org_a, actor=operator_a, text="Uwagi"
    )
    assert (response.submitted_by, response.text) == (operator_a, "Uwagi")

    with pytest.raises(ValidationError) as error:
        services.consultation_response_submit(
            consultation=consultation, organization=net.org_a, actor=operator_a, text="Znowu"
        )
    assert list(messages(error)) == ["organization"]

    services.consultation_response_update(
        response=response, actor=operator_a, expected_version=1, text="Nowe"
    )
    response.refresh_from_db()
    assert (response.text, response.version) == ("Nowe", 2)


def test_an_answer_after_the_consultation_closed_is_refused(operator_a, net, english):
    consultation = ConsultationFactory(opens=date(2025, 1, 1), closes=date(2025, 1, 31))

    with pytest.raises(ValidationError) as error:
        services.consultation_response_submit(
            consultation=consultation, organization=net.org_a, actor=operator_a, text="Spóźnione"
        )

    assert error.value.messages == [
        "The consultation closed on Jan. 31, 2025: answers are no longer accepted."
    ]
    assert consultation.responses.count() == 0


def test_an_answer_cannot_be_changed_after_closing_nor_sent_before_opening(operator_a, net, english):
    closed = ConsultationFactory(opens=days_ago(20), closes=days_ago(1))
    response = ConsultationResponseFactory(consultation=closed, organization=net.org_a)
    with pytest.raises(ValidationError) as error:
        services.consultation_response_update(
            response=response, actor=operator_a, expected_version=1, text="X"
        )
    assert [e.code for e in error.value.error_list] == ["closed"]

    future = ConsultationFactory(opens=days_ahead(3), closes=days_ahead(10))
    with pytest.raises(ValidationError) as error:
        services.consultation_response_submit(
            consultation=future, organization=net.org_a, actor=operator_a, text="X"
        )
    assert [e.code for e in error.value.error_list] == ["not_open_yet"]


def test_only_member_organisations_answer_and_only_for_themselves(operator_a, operator_b, net, english):
    consultation = ConsultationFactory()
    NetworkMembership.objects.filter(organization=net.org_a).update(left=days_ago(1))

    with pytest.raises(ValidationError) as error:
        services.consultation_response_submit(
            consultation=consultation, organization=net.org_a, actor=operator_a, text="X"
        )
    assert messages(error) == {"organization": [f"{net.org_a.name} is not a member of the network."]}

    with pytest.raises(PermissionDenied):
        services.consultation_response_submit(
            consultation=consultation, organization=net.org_b, actor=operator_a, text="X"
        )


# --- Certification and self-assessment ------------------------------------------------


def test_city_staff_grant_a_certificate_for_five_years(city_staff, centre_a):
    certification = services.certification_create(
        centre=centre_a,
        actor=city_staff,
        status=CertificationStatus.GRANTED,
        applied_on=date(2024, 1, 10),
        granted_on=date(2024, 2, 29),
    )

    assert certification.valid_until == date(2029, 2, 28)


def test_another_validity_needs_a_note(city_staff, centre_a, english):
    fields = {
        "status": CertificationStatus.GRANTED,
        "applied_on": date(2024, 1, 10),
        "granted_on": date(2024, 3, 1),
        "valid_until": date(2028, 3, 1),
    }
    with pytest.raises(ValidationError) as error:
        services.certification_create(centre=centre_a, actor=city_staff, **fields)
    assert messages(error) == {
        "valid_until": [
            "A certificate is valid for five years, until March 1, 2029. "
            "Explain another date in the decision note."
        ]
    }

    certification = services.certification_create(
        centre=centre_a, actor=city_staff, decision_note="Skrócony po odwołaniu.", **fields
    )
    assert certification.valid_until == date(2028, 3, 1)


def test_a_centre_has_one_live_certification_and_only_staff_manage_it(
    city_staff, animator, centre_a, english
):
    CertificationFactory(centre=centre_a)

    with pytest.raises(ValidationError) as error:
        services.certification_create(centre=centre_a, actor=city_staff, applied_on=days_ago(1))
    assert error.value.messages == [
        "This centre already has a certification in progress or a valid certificate."
    ]
    with pytest.raises(PermissionDenied):
        services.certification_create(centre=CentreFactory(), actor=animator, applied_on=days_ago(1))


def test_a_certificate_granted_without_a_date_is_refused(city_staff, centre_a, english):
    with pytest.raises(ValidationError) as error:
        services.certification_create(
            centre=centre_a, actor=city_staff, status=CertificationStatus.GRANTED, applied_on=days_ago(10)
        )
    assert messages(error)["granted_on"] == ["Give the date on which the certificate was granted."]


def test_an_operator_fills_and_submits_the_self_assessment(operator_a, centre_a):
    year = timezone.localdate().year - 1
    assessment = services.self_assessment_create(
        centre=centre_a, year=year, actor=operator_a, score_place=4, evidence_place="Lokal"
    )
    assert (assessment.submitted, assessment.score_total) == (False, None)

    scores = {
        "score_place": 4,
        "score_needs": 3,
        "score_fields": 5,
        "score_volunteering": 2,
        "score_initiatives": 1,
    }
    submitted = services.self_assessment_update(
        assessment=assessment, actor=operator_a, expected_version=1, submit=True, **scores
    )

    assert (submitted.submitted, submitted.score_total, submitted.submitted_at is not None) == (
        True,
        15,
        True,
    )


def test_a_duplicate_self_assessment_year_is_refused(operator_a, centre_a, english):
    existing = SelfAssessmentFactory(centre=centre_a)

    with pytest.raises(ValidationError) as error:
        services.self_assessment_create(centre=centre_a, year=existing.year, actor=operator_a)

    assert messages(error) == {
        "year": [f"This centre already has a self-assessment for {existing.year}: edit it instead."]
    }
    assert SelfAssessment.objects.count() == 1


def test_submitting_needs_every_score_and_then_it_is_final(operator_a, centre_a, english):
    year = timezone.localdate().year
    with pytest.raises(ValidationError) as error:
        services.self_assessment_create(
            centre=centre_a, year=year, actor=operator_a, submit=True, score_place=3
        )
    assert sorted(messages(error)) == [
        "score_fields",
        "score_initiatives",
        "score_needs",
        "score_volunteering",
    ]
    assert SelfAssessment.objects.count() == 0

    submitted = SelfAssessmentFactory(centre=centre_a, year=year)
    with pytest.raises(ValidationError) as error:
        services.self_assessment_update(
            assessment=submitted, actor=operator_a, expected_version=1, score_place=1
        )
    assert [e.code for e in error.value.error_list] == ["submitted"]


def test_self_assessment_rules_of_year_score_and_centre(
    operator_a, operator_b, centre_a, city_staff, english
):
    with pytest.raises(ValidationError) as error:
        services.self_assessment_create(centre=centre_a, year=timezone.localdate().year + 1, actor=operator_a)
    assert list(messages(error)) == ["year"]

    with pytest.raises(ValidationError) as error:
        services.self_assessment_create(centre=centre_a, year=2024, actor=operator_a, score_needs=6)
    assert messages(error) == {"score_needs": ["Ensure this value is less than or equal to 5."]}

    with pytest.raises(PermissionDenied):
        services.self_assessment_create(centre=centre_a, year=2024, actor=operator_b)

    submitted = SelfAssessmentFactory(centre=centre_a, year=2023)
    reopened = services.self_assessment_reopen(assessment=submitted, actor=city_staff)
    assert (reopened.submitted, reopened.submitted_at) == (False, None)
