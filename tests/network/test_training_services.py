"""Services of the animators' training: each success, each refusal, completion by the
threshold (computed by hand) and the competence resource added once."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from django.utils.formats import date_format
from pghistory.models import Events

from centres.models import Resource, ResourceCategory, ResourceKind
from centres.services import ConflictError
from network import services
from network.models import (
    TrainingAttendance,
    TrainingCompetence,
    TrainingEnrolment,
    TrainingProgramme,
    TrainingRole,
    TrainingSession,
    TrainingSessionKind,
    TrainingTopic,
)
from tests.factories import MembershipFactory, UserFactory, VolunteerFactory
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


def messages(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return error.value.message_dict


# --- Programmes -----------------------------------------------------------------------


def test_the_animator_creates_a_programme(animator, english):
    programme = services.training_programme_create(
        actor=animator,
        title="Szkoła animatorów 2026",
        description="Osiem spotkań.",
        topic=TrainingTopic.ANIMATION,
        starts_on=days_ahead(10),
        ends_on=days_ahead(60),
        capacity=20,
    )

    programme.refresh_from_db()
    assert (programme.attendance_threshold, programme.capacity, programme.created_by) == (80, 20, animator)
    assert (programme.is_finished, programme.is_upcoming, programme.version) == (False, True, 1)
    event = Events.objects.get(pgh_obj_model="network.TrainingProgramme", pgh_obj_id=programme.pk)
    assert event.pgh_context["user"] == animator.pk


def test_city_staff_may_create_a_programme_and_others_may_not(city_staff, operator_a, team_member):
    fields = {
        "title": "T",
        "topic": TrainingTopic.EVALUATION,
        "starts_on": days_ago(1),
        "ends_on": days_ago(1),
    }
    assert services.training_programme_create(actor=city_staff, **fields).pk is not None
    for user in (operator_a, team_member):
        with pytest.raises(PermissionDenied):
            services.training_programme_create(actor=user, **fields)


def test_a_programme_cannot_end_before_it_starts_nor_require_more_than_all(animator, english):
    with pytest.raises(ValidationError) as error:
        services.training_programme_create(
            actor=animator,
            title="T",
            topic=TrainingTopic.DIAGNOSIS,
            starts_on=days_ahead(5),
            ends_on=days_ahead(4),
            attendance_threshold=101,
            capacity=0,
        )

    assert messages(error) == {
        "ends_on": ["The programme cannot end before it starts."],
        "attendance_threshold": ["Ensure this value is less than or equal to 100."],
        "capacity": ["Ensure this value is greater than or equal to 1."],
    }
    assert not TrainingProgramme.objects.exists()


def test_update_keeps_sessions_within_the_dates(animator, english):
    programme = TrainingProgrammeFactory()
    TrainingSessionFactory(programme=programme, starts_at=at(days_ago(20)))

    with pytest.raises(ValidationError) as error:
        services.training_programme_update(
            programme=programme, actor=animator, expected_version=1, starts_on=days_ago(10)
        )

    assert list(messages(error)) == ["starts_on"]
    assert messages(error)["starts_on"][0].startswith("A session of this programme takes place on ")
    programme.refresh_from_db()
    assert (programme.starts_on, programme.version) == (days_ago(30), 1)


def test_update_refuses_fewer_places_than_people_enrolled(animator, centre_a, english):
    programme = TrainingProgrammeFactory(capacity=5)
    TrainingEnrolmentFactory.create_batch(3, programme=programme, centre=centre_a)

    with pytest.raises(ValidationError) as error:
        services.training_programme_update(
            programme=programme, actor=animator, expected_version=1, capacity=2
        )

    assert messages(error) == {
        "capacity": ["3 people are already enrolled: the programme needs at least as many places."]
    }


def test_update_with_a_stale_version_is_a_conflict(animator):
    programme = TrainingProgrammeFactory(version=3)

    with pytest.raises(ConflictError):
        services.training_programme_update(programme=programme, actor=animator, expected_version=2, title="X")

    updated = services.training_programme_update(
        programme=programme, actor=animator, expected_version=3, title="Nowy tytuł"
    )
    assert (updated.title, updated.version) == ("Nowy tytuł", 4)


def test_a_programme_is_deleted_with_its_sessions_until_someone_attended(animator, centre_a, english):
    programme = TrainingProgrammeFactory()
    session = TrainingSessionFactory(programme=programme)
    enrolment = TrainingEnrolmentFactory(programme=programme, centre=centre_a)
    TrainingAttendanceFactory(enrolment=enrolment, session=session, present=True)

    with pytest.raises(ValidationError) as error:
        services.training_programme_delete(programme=programme, actor=animator, expected_version=1)
    assert error.value.messages == [
        "People have attended this programme: it is part of their record and cannot be deleted."
    ]

    TrainingAttendance.objects.update(present=False)
    services.training_programme_delete(programme=programme, actor=animator, expected_version=1)
    assert not TrainingProgramme.objects.exists()
    assert not TrainingSession.objects.exists()
    assert not TrainingEnrolment.objects.exists()


def test_delete_with_a_stale_version_is_a_conflict(animator):
    programme = TrainingProgrammeFactory(version=2)
    with pytest.raises(ConflictError):
        services.training_programme_delete(programme=programme, actor=animator, expected_version=1)
    assert TrainingProgramme.objects.filter(pk=programme.pk).exists()


# --- Sessions -------------------------------------------------------------------------


def test_the_animator_adds_a_session_with_the_programme_topic_by_default(animator):
    programme = TrainingProgrammeFactory(topic=TrainingTopic.VOLUNTEERING)

    session = services.training_session_create(
        programme=programme,
        actor=animator,
        kind=TrainingSessionKind.CONSULTATION,
        starts_at=at(days_ago(2), 16),
        hours=Decimal("1.5"),
        trainer="Jan Konsultant",
        place="online",
    )

    session.refresh_from_db()
    assert (session.topic, session.kind, session.hours, session.version) == (
        TrainingTopic.VOLUNTEERING,
        TrainingSessionKind.CONSULTATION,
        Decimal("1.5"),
        1,
    )


def test_a_session_must_fall_within_the_programme_and_last(animator, operator_a, english):
    programme = TrainingProgrammeFactory()

    with pytest.raises(ValidationError) as error:
        services.training_session_create(
            programme=programme, actor=animator, starts_at=at(days_ahead(31)), hours=Decimal("0"), trainer="T"
        )

    assert list(messages(error)) == ["hours", "starts_at"]
    assert messages(error)["starts_at"][0].startswith("The session must take place within the programme")
    assert messages(error)["hours"] == ["Ensure this value is greater than or equal to 0.1."]
    with pytest.raises(PermissionDenied):
        services.training_session_create(
            programme=programme, actor=operator_a, starts_at=at(days_ago(1)), hours=Decimal("2"), trainer="T"
        )


def test_session_update_and_its_stale_version(animator):
    session = TrainingSessionFactory()

    updated = services.training_session_update(
        session=session, actor=animator, expected_version=1, hours=Decimal("4.5"), trainer="Ewa"
    )
    assert (updated.hours, updated.trainer, updated.version) == (Decimal("4.5"), "Ewa", 2)

    with pytest.raises(ConflictError):
        services.training_session_update(session=session, actor=animator, expected_version=1, trainer="Old")


def test_a_session_with_attendance_cannot_move_to_the_future(animator, centre_a, english):
    attendance = TrainingAttendanceFactory(enrolment__centre=centre_a)

    with pytest.raises(ValidationError) as error:
        services.training_session_update(
            session=attendance.session, actor=animator, expected_version=1, starts_at=at(days_ahead(3))
        )

    assert messages(error) == {
        "starts_at": ["Attendance at this session has been recorded: it cannot be moved to the future."]
    }


def test_a_session_somebody_attended_cannot_be_deleted(animator, centre_a, english):
    attendance = TrainingAttendanceFactory(enrolment__centre=centre_a)
    session = attendance.session

    with pytest.raises(ValidationError) as error:
        services.training_session_delete(session=session, actor=animator, expected_version=1)
    assert error.value.messages == [
        "People attended this session: it counts towards their completion and cannot be deleted."
    ]

    attendance.present = False
    attendance.save()
    services.training_session_delete(session=session, actor=animator, expected_version=1)
    assert not TrainingSession.objects.exists()
    assert not TrainingAttendance.objects.exists()


# --- Enrolment ------------------------------------------------------------------------


def test_an_operator_enrols_a_volunteer_of_their_centre(operator_a, centre_a):
    programme = TrainingProgrammeFactory()
    volunteer = VolunteerFactory(centre=centre_a, name="Zofia Nowak")

    enrolment = services.training_enrol(
        programme=programme, centre=centre_a, actor=operator_a, volunteer=volunteer
    )

    enrolment.refresh_from_db()
    assert (enrolment.person_name, enrolment.role, enrolment.volunteer, enrolment.staff) == (
        "Zofia Nowak",
        TrainingRole.VOLUNTEER,
        volunteer,
        None,
    )
    assert (enrolment.enrolled_by, enrolment.completed_on) == (operator_a, None)


def test_an_operator_enrols_a_colleague_of_the_operator_organisation(operator_a, centre_a):
    programme = TrainingProgrammeFactory()
    colleague = UserFactory(first_name="Piotr", last_name="Kowalski")
    MembershipFactory(user=colleague, organization=centre_a.terms.get().organization)

    enrolment = services.training_enrol(
        programme=programme, centre=centre_a, actor=operator_a, staff=colleague
    )

    assert (enrolment.name, enrolment.role, enrolment.staff) == (
        "Piotr Kowalski",
        TrainingRole.STAFF,
        colleague,
    )


def test_city_staff_may_enrol_and_the_animator_may_not(city_staff, animator, centre_a):
    programme = TrainingProgrammeFactory()
    services.training_enrol(
        programme=programme, centre=centre_a, actor=city_staff, volunteer=VolunteerFactory(centre=centre_a)
    )
    with pytest.raises(PermissionDenied):
        services.training_enrol(
            programme=programme, centre=centre_a, actor=animator, volunteer=VolunteerFactory(centre=centre_a)
        )


def test_an_operator_cannot_enrol_for_another_centre(operator_b, centre_a):
    with pytest.raises(PermissionDenied):
        services.training_enrol(
            programme=TrainingProgrammeFactory(),
            centre=centre_a,
            actor=operator_b,
            volunteer=VolunteerFactory(centre=centre_a),
        )
    assert not TrainingEnrolment.objects.exists()


def test_enrolling_in_a_finished_programme_is_refused(operator_a, centre_a, english):
    programme = FinishedProgrammeFactory()

    with pytest.raises(ValidationError) as error:
        services.training_enrol(
            programme=programme,
            centre=centre_a,
            actor=operator_a,
            volunteer=VolunteerFactory(centre=centre_a),
        )

    ended = date_format(programme.ends_on, "DATE_FORMAT")
    assert messages(error) == {
        "programme": [f"The programme ended on {ended}: nobody can enrol in it any more."]
    }
    assert not TrainingEnrolment.objects.exists()


def test_a_programme_ending_today_still_takes_people(operator_a, centre_a):
    programme = TrainingProgrammeFactory(starts_on=days_ago(3), ends_on=timezone.localdate())
    assert services.training_enrol(
        programme=programme, centre=centre_a, actor=operator_a, volunteer=VolunteerFactory(centre=centre_a)
    )


def test_a_full_programme_is_refused(operator_a, centre_a, centre_b, english):
    programme = TrainingProgrammeFactory(capacity=2)
    TrainingEnrolmentFactory(programme=programme, centre=centre_b)
    services.training_enrol(
        programme=programme, centre=centre_a, actor=operator_a, volunteer=VolunteerFactory(centre=centre_a)
    )

    with pytest.raises(ValidationError) as error:
        services.training_enrol(
            programme=programme,
            centre=centre_a,
            actor=operator_a,
            volunteer=VolunteerFactory(centre=centre_a),
        )

    assert messages(error) == {"programme": ["All 2 places in this programme are taken."]}
    assert programme.enrolments.count() == 2


def test_a_volunteer_of_another_centre_is_refused(operator_a, centre_a, centre_b, english):
    with pytest.raises(ValidationError) as error:
        services.training_enrol(
            programme=TrainingProgrammeFactory(),
            centre=centre_a,
            actor=operator_a,
            volunteer=VolunteerFactory(centre=centre_b),
        )
    assert messages(error) == {"volunteer": ["This volunteer does not belong to CAL Szczepin."]}


def test_an_inactive_or_erased_volunteer_is_refused(operator_a, centre_a, english):
    programme = TrainingProgrammeFactory()
    inactive = VolunteerFactory(centre=centre_a, name="Jan Bierny", active=False)
    erased = VolunteerFactory(centre=centre_a)
    erased = services_erase(erased, operator_a)

    with pytest.raises(ValidationError) as error:
        services.training_enrol(programme=programme, centre=centre_a, actor=operator_a, volunteer=inactive)
    assert messages(error) == {"volunteer": ["Jan Bierny is not an active volunteer."]}
    with pytest.raises(ValidationError) as error:
        services.training_enrol(programme=programme, centre=centre_a, actor=operator_a, volunteer=erased)
    assert messages(error) == {"volunteer": ["This volunteer's personal data has been erased."]}


def services_erase(volunteer, actor):
    from centres.services import volunteer_erase

    return volunteer_erase(volunteer=volunteer, actor=actor)


def test_a_user_outside_the_operator_organisation_is_refused(operator_a, operator_b, centre_a, english):
    with pytest.raises(ValidationError) as error:
        services.training_enrol(
            programme=TrainingProgrammeFactory(), centre=centre_a, actor=operator_a, staff=operator_b
        )
    assert messages(error) == {
        "staff": ["operator-b does not work for the organisation that operates CAL Szczepin."]
    }


def test_one_person_must_be_given(operator_a, centre_a, english):
    with pytest.raises(ValidationError) as error:
        services.training_enrol(programme=TrainingProgrammeFactory(), centre=centre_a, actor=operator_a)
    assert messages(error) == {"volunteer": ["Choose one person to enrol: a volunteer or a staff member."]}
    with pytest.raises(ValidationError):
        services.training_enrol(
            programme=TrainingProgrammeFactory(),
            centre=centre_a,
            actor=operator_a,
            volunteer=VolunteerFactory(centre=centre_a),
            staff=operator_a,
        )


def test_a_duplicate_enrolment_is_refused(operator_a, centre_a, english):
    programme = TrainingProgrammeFactory()
    volunteer = VolunteerFactory(centre=centre_a, name="Ola Lis")
    services.training_enrol(programme=programme, centre=centre_a, actor=operator_a, volunteer=volunteer)
    services.training_enrol(programme=programme, centre=centre_a, actor=operator_a, staff=operator_a)

    with pytest.raises(ValidationError) as error:
        services.training_enrol(programme=programme, centre=centre_a, actor=operator_a, volunteer=volunteer)
    assert messages(error) == {"volunteer": ["Ola Lis is already enrolled in this programme."]}
    with pytest.raises(ValidationError) as error:
        services.training_enrol(programme=programme, centre=centre_a, actor=operator_a, staff=operator_a)
    assert messages(error) == {"staff": ["operator-a is already enrolled in this programme."]}
    assert programme.enrolments.count() == 2


def test_withdraw_until_the_person_attended(operator_a, operator_b, centre_a, english):
    attendance = TrainingAttendanceFactory(enrolment__centre=centre_a, present=False)
    enrolment = attendance.enrolment

    with pytest.raises(PermissionDenied):
        services.training_enrolment_withdraw(enrolment=enrolment, actor=operator_b)
    attendance.present = True
    attendance.save()
    with pytest.raises(ValidationError) as error:
        services.training_enrolment_withdraw(enrolment=enrolment, actor=operator_a)
    assert error.value.messages == [
        f"{enrolment.person_name} has attended this programme: "
        "the enrolment is part of their record and stays."
    ]

    attendance.present = False
    attendance.save()
    services.training_enrolment_withdraw(enrolment=enrolment, actor=operator_a)
    assert not TrainingEnrolment.objects.exists()


# --- Attendance and completion --------------------------------------------------------


@pytest.fixture
def course(centre_a, centre_b):
    """A running programme, 80% required, of sessions of 3 h, 3 h, 4 h (10 h in all) 20, 15
    and 10 days ago, and a 2 h consultation in five days (12 h in all: 9.6 h needed)."""
    programme = TrainingProgrammeFactory(attendance_threshold=80)
    sessions = [
        TrainingSessionFactory(programme=programme, starts_at=at(days_ago(20)), hours=Decimal("3")),
        TrainingSessionFactory(programme=programme, starts_at=at(days_ago(15)), hours=Decimal("3")),
        TrainingSessionFactory(programme=programme, starts_at=at(days_ago(10)), hours=Decimal("4")),
        TrainingSessionFactory(
            programme=programme,
            starts_at=at(days_ahead(5)),
            hours=Decimal("2"),
            kind=TrainingSessionKind.CONSULTATION,
        ),
    ]
    ala = TrainingEnrolmentFactory(programme=programme, centre=centre_a, volunteer__name="Ala")
    ola = TrainingEnrolmentFactory(programme=programme, centre=centre_a, volunteer__name="Ola")
    ewa = TrainingEnrolmentFactory(programme=programme, centre=centre_b, volunteer__name="Ewa")
    return programme, sessions, (ala, ola, ewa)


def test_attendance_is_recorded_for_every_enrolment(animator, course):
    _programme, sessions, (ala, ola, ewa) = course

    rows = services.training_attendance_record(session=sessions[0], actor=animator, present=[ala, ola.pk])

    assert {(row.enrolment_id, row.present) for row in rows} == {
        (ala.pk, True),
        (ola.pk, True),
        (ewa.pk, False),
    }
    assert {row.recorded_by_id for row in rows} == {animator.pk}


def test_recording_the_same_attendance_again_changes_nothing(animator, course):
    _programme, sessions, (ala, ola, ewa) = course
    services.training_attendance_record(session=sessions[0], actor=animator, present=[ala])
    before = list(TrainingAttendance.objects.order_by("pk").values_list("pk", "present", "recorded_at"))

    services.training_attendance_record(session=sessions[0], actor=animator, present=[ala])

    assert (
        list(TrainingAttendance.objects.order_by("pk").values_list("pk", "present", "recorded_at")) == before
    )
    services.training_attendance_record(session=sessions[0], actor=animator, present=[ola])
    assert dict(TrainingAttendance.objects.values_list("enrolment_id", "present")) == {
        ala.pk: False,
        ola.pk: True,
        ewa.pk: False,
    }


def test_attendance_for_a_session_that_has_not_happened_is_refused(animator, course, english):
    _programme, sessions, (ala, _ola, _ewa) = course

    with pytest.raises(ValidationError) as error:
        services.training_attendance_record(session=sessions[3], actor=animator, present=[ala])

    assert list(messages(error)) == ["session"]
    assert messages(error)["session"][0].startswith("This session has not happened yet (it starts on ")
    assert not TrainingAttendance.objects.exists()


def test_only_the_programme_enrolments_can_be_present(animator, course, centre_a, english):
    _programme, sessions, _people = course
    stranger = TrainingEnrolmentFactory(centre=centre_a)

    with pytest.raises(ValidationError) as error:
        services.training_attendance_record(session=sessions[0], actor=animator, present=[stranger])

    assert messages(error) == {"present": ["Only people enrolled in this programme can be marked present."]}


def test_only_those_running_the_programme_record_attendance(operator_a, course):
    _programme, sessions, (ala, _ola, _ewa) = course
    with pytest.raises(PermissionDenied):
        services.training_attendance_record(session=sessions[0], actor=operator_a, present=[ala])


def test_completion_follows_the_threshold_by_hand(animator, course):
    """12 h in all, 80% = 9.6 h. Ala: 3 + 3 + 4 = 10 h ≥ 9.6 h, reached at the third session.
    Ola: 3 + 4 = 7 h < 9.6 h. Ewa: 3 + 3 = 6 h."""
    _programme, sessions, (ala, ola, ewa) = course
    services.training_attendance_record(session=sessions[0], actor=animator, present=[ala, ewa])
    services.training_attendance_record(session=sessions[1], actor=animator, present=[ala, ewa])
    assert TrainingEnrolment.objects.filter(completed_on__isnull=False).count() == 0

    services.training_attendance_record(session=sessions[2], actor=animator, present=[ala, ola])

    completed = dict(TrainingEnrolment.objects.values_list("volunteer__name", "completed_on"))
    assert completed == {"Ala": days_ago(10), "Ola": None, "Ewa": None}


def test_a_lower_threshold_completes_more_and_a_correction_clears_it(animator, course):
    """At 50% (6 h of 12 h) Ewa's 3 + 3 h complete at the second session and Ola's 3 + 4 h at
    the third; back at 80%, only Ala."""
    programme, sessions, (ala, ola, ewa) = course
    services.training_attendance_record(session=sessions[0], actor=animator, present=[ala, ola, ewa])
    services.training_attendance_record(session=sessions[1], actor=animator, present=[ala, ewa])
    services.training_attendance_record(session=sessions[2], actor=animator, present=[ala, ola])

    services.training_programme_update(
        programme=programme, actor=animator, expected_version=1, attendance_threshold=50
    )
    assert dict(TrainingEnrolment.objects.values_list("volunteer__name", "completed_on")) == {
        "Ala": days_ago(15),
        "Ola": days_ago(10),
        "Ewa": days_ago(15),
    }

    services.training_attendance_record(session=sessions[1], actor=animator, present=[ala])
    assert dict(TrainingEnrolment.objects.values_list("volunteer__name", "completed_on")) == {
        "Ala": days_ago(15),
        "Ola": days_ago(10),
        "Ewa": None,
    }


def test_a_new_session_raises_the_hours_needed(animator, course):
    """Ala completed with 10 h of 12 h; four more hours make 16 h (12.8 h needed)."""
    programme, sessions, (ala, _ola, _ewa) = course
    for session in sessions[:3]:
        services.training_attendance_record(session=session, actor=animator, present=[ala])
    assert TrainingEnrolment.objects.get(pk=ala.pk).completed_on == days_ago(10)

    services.training_session_create(
        programme=programme, actor=animator, starts_at=at(days_ahead(10)), hours=Decimal("4"), trainer="T"
    )

    assert TrainingEnrolment.objects.get(pk=ala.pk).completed_on is None


def test_the_first_completion_adds_the_competence_once(animator, course, centre_a, centre_b):
    programme, sessions, (ala, ola, _ewa) = course
    programme.title = "Szkoła animatorów"
    programme.save()
    for session in sessions[:3]:
        services.training_attendance_record(session=session, actor=animator, present=[ala, ola])

    competence = TrainingCompetence.objects.get()
    resource = competence.resource
    with translation.override("pl"):  # stored in the portal's language
        polish_label = str(TrainingTopic.ANIMATION.label)
    assert (competence.programme, competence.centre, competence.gained_on) == (
        programme,
        centre_a,
        days_ago(10),
    )
    assert (resource.centre, resource.kind, resource.category, resource.name) == (
        centre_a,
        ResourceKind.IMMATERIAL,
        ResourceCategory.STAFF_KNOWLEDGE,
        f"{polish_label}: Szkoła animatorów",
    )
    assert "Szkoła animatorów" in resource.description

    # Recorded again, and recomputed: still one competence and one resource.
    for session in sessions[:3]:
        services.training_attendance_record(session=session, actor=animator, present=[ala, ola])
    services.training_completion_update(programme=programme, actor=animator)
    services.training_completion_update(programme=programme, actor=animator)
    assert TrainingCompetence.objects.count() == 1
    assert Resource.objects.filter(centre=centre_a, category=ResourceCategory.STAFF_KNOWLEDGE).count() == 1
    assert not Resource.objects.filter(centre=centre_b).exists()


def test_a_removed_competence_resource_is_not_added_again(animator, operator_a, course, centre_a):
    from centres.services import resource_delete

    programme, sessions, (ala, _ola, _ewa) = course
    for session in sessions[:3]:
        services.training_attendance_record(session=session, actor=animator, present=[ala])
    resource = Resource.objects.get(centre=centre_a)

    resource_delete(resource=resource, actor=operator_a, expected_version=resource.version)
    services.training_completion_update(programme=programme, actor=animator)

    assert TrainingCompetence.objects.get().resource is None
    assert not Resource.objects.exists()


def test_completion_date_is_exact_at_the_threshold():
    """3 of 4 equal hours is exactly 75%: complete at 75%, not at 76%."""
    day = timezone.localdate()
    sessions = [(pk, at(day - timedelta(days=10 - pk)), Decimal("1")) for pk in range(1, 5)]
    assert services.completion_date(sessions=sessions, attended={1, 2, 4}, threshold=75) == day - timedelta(
        days=6
    )
    assert services.completion_date(sessions=sessions, attended={1, 2, 4}, threshold=76) is None
    assert services.completion_date(sessions=[], attended=set(), threshold=1) is None


# --- The admin calls the services ------------------------------------------------------


def _staff_client(user):
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def _programme_form(programme_fields: dict, sessions: list[dict], initial_forms: int = 0) -> dict:
    data = {
        **programme_fields,
        "sessions-TOTAL_FORMS": str(len(sessions)),
        "sessions-INITIAL_FORMS": str(initial_forms),
        "sessions-MIN_NUM_FORMS": "0",
        "sessions-MAX_NUM_FORMS": "1000",
    }
    for index, session in enumerate(sessions):
        data.update({f"sessions-{index}-{name}": value for name, value in session.items()})
    return data


def test_city_staff_add_a_programme_with_a_session_in_the_admin(city_staff, centre_a):
    from django.urls import reverse

    start = days_ago(10)
    response = _staff_client(city_staff).post(
        reverse("admin:network_trainingprogramme_add"),
        _programme_form(
            {
                "title": "Wolontariat w CAL",
                "description": "",
                "topic": TrainingTopic.VOLUNTEERING,
                "starts_on": start.isoformat(),
                "ends_on": days_ahead(10).isoformat(),
                "attendance_threshold": "80",
                "capacity": "",
            },
            [
                {
                    "topic": TrainingTopic.VOLUNTEERING,
                    "kind": TrainingSessionKind.SESSION,
                    "starts_at_0": start.isoformat(),
                    "starts_at_1": "10:00",
                    "hours": "3.0",
                    "trainer": "Ewa",
                    "place": "",
                }
            ],
        ),
    )

    assert response.status_code == 302
    programme = TrainingProgramme.objects.get()
    assert (programme.title, programme.created_by, programme.sessions.get().hours) == (
        "Wolontariat w CAL",
        city_staff,
        Decimal("3.0"),
    )
    event = Events.objects.get(pgh_obj_model="network.TrainingSession")
    assert event.pgh_context["user"] == city_staff.pk


def test_narrowing_a_programme_past_its_sessions_is_a_form_error_in_the_admin(city_staff):
    from django.urls import reverse

    session = TrainingSessionFactory(starts_at=at(days_ago(20)))
    programme = session.programme
    client = _staff_client(city_staff)
    url = reverse("admin:network_trainingprogramme_change", args=[programme.pk])
    assert client.get(url).status_code == 200
    local = timezone.localtime(session.starts_at)

    response = client.post(
        url,
        _programme_form(
            {
                "title": programme.title,
                "description": "",
                "topic": programme.topic,
                "starts_on": days_ago(10).isoformat(),
                "ends_on": programme.ends_on.isoformat(),
                "attendance_threshold": "80",
                "capacity": "",
            },
            [
                {
                    "id": str(session.pk),
                    "programme": str(programme.pk),
                    "topic": session.topic,
                    "kind": session.kind,
                    "starts_at_0": local.date().isoformat(),
                    "starts_at_1": local.strftime("%H:%M"),
                    "hours": "3.0",
                    "trainer": session.trainer,
                    "place": session.place,
                }
            ],
            initial_forms=1,
        ),
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["starts_on"][0].startswith("A session of this programme takes place on ")
    programme.refresh_from_db()
    assert programme.starts_on == days_ago(30)


def test_enrolments_are_read_only_in_the_admin(city_staff, centre_a):
    from django.urls import reverse

    enrolment = TrainingEnrolmentFactory(centre=centre_a)
    client = _staff_client(city_staff)

    assert client.get(reverse("admin:network_trainingenrolment_changelist")).status_code == 200
    assert (
        client.get(reverse("admin:network_trainingenrolment_change", args=[enrolment.pk])).status_code == 200
    )
    assert client.get(reverse("admin:network_trainingenrolment_add")).status_code == 403
    assert client.get(reverse("admin:network_trainingcompetence_changelist")).status_code == 200


def test_erasing_a_volunteer_erases_their_name_from_the_training_record(
    operator_a: Any, centre_a: Any, english: None
) -> None:
    from centres.services import volunteer_erase
    from network.models import TrainingEnrolmentEvent

    programme = TrainingProgrammeFactory()
    volunteer = VolunteerFactory(centre=centre_a, name="Halina Erasable")
    enrolment = services.training_enrol(
        programme=programme, centre=centre_a, actor=operator_a, volunteer=volunteer
    )
    assert enrolment.person_name == "Halina Erasable"

    volunteer_erase(volunteer=volunteer, actor=operator_a)

    enrolment = TrainingEnrolment.objects.select_related("volunteer").get(pk=enrolment.pk)
    assert enrolment.person_name == "(personal data erased)"
    # Neither the record nor its audit history ever held a copy of the name.
    assert not TrainingEnrolment.objects.filter(name__icontains="Erasable").exists()
    assert not TrainingEnrolmentEvent.objects.filter(name__icontains="Erasable").exists()
