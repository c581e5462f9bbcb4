"""Services of community diagnosis: success, each validation error, the permission rule,
optimistic locking and the audit, for diagnoses, methods, findings, the activities that
answer them and residents' submissions."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from centres import services as centre_services
from centres.services import ConflictError
from diagnosis import services
from diagnosis.models import (
    Diagnosis,
    DiagnosisEvent,
    DiagnosisStatus,
    Finding,
    FindingEvent,
    FindingKind,
    FindingResponse,
    FindingResponseEvent,
    FindingStatus,
    Method,
    MethodUse,
    ResidentSubmission,
    SubmissionStatus,
    TargetGroup,
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

OTHER_CENTRE = "Only an activity of the centre that made the diagnosis can answer its findings."
CLOSED = "This diagnosis is not collecting residents' ideas at the moment. Nothing was sent."


def diagnosis_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "title": "Diagnoza Szczepina 2026",
        "description": "Potrzeby seniorów i rodzin.",
        "period_start": days_ago(30),
        "period_end": days_ago(-60),
        "status": DiagnosisStatus.PLANNED,
    }
    fields.update(overrides)
    return fields


def finding_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "kind": FindingKind.NEED,
        "theme": Theme.SENIORS,
        "title": "Brak ławek przy przychodni",
        "description": "Seniorzy nie mają gdzie odpocząć.",
        "priority": 4,
        "target_groups": [TargetGroup.SENIORS],
        "latitude": Decimal("51.114600"),
        "longitude": Decimal("17.005800"),
    }
    fields.update(overrides)
    return fields


def context_of(event: Any) -> dict[str, Any]:
    metadata: dict[str, Any] = event.pgh_context.metadata
    return metadata


# --- Diagnoses ------------------------------------------------------------------------------


def test_operator_creates_a_diagnosis_of_osiedla_and_it_is_audited(operator_a, centre_a):
    other = factories.OsiedleFactory(name="Osiedle Zielone")
    diagnosis = services.diagnosis_create(
        centre=centre_a, actor=operator_a, osiedla=[centre_a.primary_osiedle, other], **diagnosis_fields()
    )

    saved = Diagnosis.objects.get(pk=diagnosis.pk)
    assert (saved.centre, saved.title, saved.status, saved.version, saved.published_at) == (
        centre_a,
        "Diagnoza Szczepina 2026",
        DiagnosisStatus.PLANNED,
        1,
        None,
    )
    assert sorted(o.name for o in saved.osiedla.all()) == sorted(
        [centre_a.primary_osiedle.name, "Osiedle Zielone"]
    )
    events = DiagnosisEvent.objects.filter(pgh_obj_id=diagnosis.pk)
    assert [(e.pgh_label, context_of(e)) for e in events] == [
        ("insert", {"user": operator_a.pk, "action": "diagnosis.create"})
    ]


def test_a_period_ending_before_it_starts_is_refused(operator_a, centre_a):
    with pytest.raises(ValidationError) as error:
        services.diagnosis_create(
            centre=centre_a,
            actor=operator_a,
            osiedla=[centre_a.primary_osiedle],
            **diagnosis_fields(period_start=days_ago(0), period_end=days_ago(1)),
        )
    assert error.value.message_dict == {"period_end": ["The period cannot end before it starts."]}
    assert Diagnosis.objects.count() == 0


def test_a_diagnosis_covers_at_least_one_osiedle(operator_a, centre_a):
    with pytest.raises(ValidationError) as error:
        services.diagnosis_create(centre=centre_a, actor=operator_a, osiedla=[], **diagnosis_fields(title=""))
    assert error.value.message_dict == {
        "title": ["This field cannot be blank."],
        "osiedla": ["Choose at least one osiedle that the diagnosis covers."],
    }


def test_residents_input_is_open_only_while_the_diagnosis_is_in_progress(operator_a, centre_a):
    with pytest.raises(ValidationError) as error:
        services.diagnosis_create(
            centre=centre_a,
            actor=operator_a,
            osiedla=[centre_a.primary_osiedle],
            **diagnosis_fields(submissions_open=True),
        )
    assert error.value.message_dict == {
        "submissions_open": ["Residents' input can be open only while the diagnosis is in progress."]
    }


def test_an_operator_cannot_create_a_diagnosis_for_another_centre(operator_b, centre_a):
    with pytest.raises(PermissionDenied):
        services.diagnosis_create(
            centre=centre_a, actor=operator_b, osiedla=[centre_a.primary_osiedle], **diagnosis_fields()
        )


def test_city_staff_may_create_a_diagnosis_for_any_centre(city_staff, centre_a):
    diagnosis = services.diagnosis_create(
        centre=centre_a, actor=city_staff, osiedla=[centre_a.primary_osiedle], **diagnosis_fields()
    )
    assert diagnosis.centre == centre_a


def test_finishing_a_diagnosis_closes_residents_input(operator_a, centre_a):
    diagnosis = DiagnosisFactory(centre=centre_a, submissions_open=True)
    saved = services.diagnosis_set_status(
        diagnosis=diagnosis, actor=operator_a, expected_version=1, status=DiagnosisStatus.FINISHED
    )
    assert (saved.status, saved.submissions_open, saved.version) == (DiagnosisStatus.FINISHED, False, 2)


def test_publishing_needs_the_conclusions_and_records_when(operator_a, centre_a):
    diagnosis = DiagnosisFactory(centre=centre_a, status=DiagnosisStatus.FINISHED)
    with pytest.raises(ValidationError) as error:
        services.diagnosis_set_status(
            diagnosis=diagnosis, actor=operator_a, expected_version=1, status=DiagnosisStatus.PUBLISHED
        )
    assert error.value.message_dict == {
        "conclusions": ["Write the conclusions before publishing the diagnosis."]
    }

    services.diagnosis_update(
        diagnosis=diagnosis, actor=operator_a, expected_version=1, conclusions="Brakuje zieleni."
    )
    published = services.diagnosis_set_status(
        diagnosis=diagnosis, actor=operator_a, expected_version=2, status=DiagnosisStatus.PUBLISHED
    )
    assert published.published_at is not None
    withdrawn = services.diagnosis_set_status(
        diagnosis=diagnosis, actor=operator_a, expected_version=3, status=DiagnosisStatus.FINISHED
    )
    assert (withdrawn.status, withdrawn.published_at) == (DiagnosisStatus.FINISHED, None)


def test_a_stale_version_of_a_diagnosis_is_refused(operator_a, centre_a):
    diagnosis = DiagnosisFactory(centre=centre_a, title="Pierwsza")
    services.diagnosis_update(diagnosis=diagnosis, actor=operator_a, expected_version=1, title="Druga")
    with pytest.raises(ConflictError) as error:
        services.diagnosis_update(diagnosis=diagnosis, actor=operator_a, expected_version=1, title="Trzecia")
    assert error.value.code == "conflict"
    assert Diagnosis.objects.get(pk=diagnosis.pk).title == "Druga"


def test_changing_the_osiedla_of_a_diagnosis(operator_a, centre_a):
    diagnosis = DiagnosisFactory(centre=centre_a)
    other = factories.OsiedleFactory(name="Osiedle Nadrzeczne")
    services.diagnosis_update(diagnosis=diagnosis, actor=operator_a, expected_version=1, osiedla=[other])
    assert [o.name for o in Diagnosis.objects.get(pk=diagnosis.pk).osiedla.all()] == ["Osiedle Nadrzeczne"]


def test_a_diagnosis_with_findings_or_published_is_not_deleted(operator_a, centre_a):
    with_findings = FindingFactory(diagnosis__centre=centre_a).diagnosis
    with pytest.raises(ValidationError) as error:
        services.diagnosis_delete(diagnosis=with_findings, actor=operator_a, expected_version=1)
    assert error.value.messages == ["This diagnosis has findings: delete them first, or keep the diagnosis."]

    published = PublishedDiagnosisFactory(centre=centre_a)
    with pytest.raises(ValidationError) as error:
        services.diagnosis_delete(diagnosis=published, actor=operator_a, expected_version=1)
    assert error.value.messages == [
        "A published diagnosis cannot be deleted: withdraw it from publication first."
    ]

    empty = DiagnosisFactory(centre=centre_a)
    services.diagnosis_delete(diagnosis=empty, actor=operator_a, expected_version=1)
    assert set(Diagnosis.objects.values_list("pk", flat=True)) == {with_findings.pk, published.pk}


# --- Methods ---------------------------------------------------------------------------------


def test_a_method_is_recorded_within_the_period(operator_a, centre_a):
    diagnosis = DiagnosisFactory(centre=centre_a, period_start=days_ago(10), period_end=days_ago(-10))
    method = services.method_use_add(
        diagnosis=diagnosis, actor=operator_a, method=Method.RESEARCH_WALK, date=days_ago(5), respondents=12
    )
    assert (method.method, method.respondents) == (Method.RESEARCH_WALK, 12)

    with pytest.raises(ValidationError) as error:
        services.method_use_add(
            diagnosis=diagnosis, actor=operator_a, method=Method.SURVEY, date=days_ago(11)
        )
    assert error.value.message_dict == {
        "date": [
            "The date must fall within the period of the diagnosis "
            f"({days_ago(10).isoformat()} – {days_ago(-10).isoformat()})."
        ]
    }

    with pytest.raises(PermissionDenied):
        services.method_use_add(
            diagnosis=diagnosis, actor=factories.UserFactory(), method=Method.SURVEY, date=days_ago(1)
        )
    services.method_use_delete(method_use=method, actor=operator_a)
    assert MethodUse.objects.count() == 0


# --- Findings --------------------------------------------------------------------------------


def test_a_finding_is_placed_within_the_city(operator_a, centre_a):
    diagnosis = DiagnosisFactory(centre=centre_a)
    finding = services.finding_create(diagnosis=diagnosis, actor=operator_a, **finding_fields())
    assert (finding.latitude, finding.longitude, finding.current_status) == (
        Decimal("51.114600"),
        Decimal("17.005800"),
        FindingStatus.OPEN,
    )

    with pytest.raises(ValidationError) as error:
        services.finding_create(
            diagnosis=diagnosis,
            actor=operator_a,
            **finding_fields(latitude=Decimal("52.229700"), longitude=Decimal("21.012200")),  # Warsaw
        )
    assert error.value.message_dict == {
        "latitude": ["The point must be within the city: latitude between 50.99 and 51.22."],
        "longitude": ["The point must be within the city: longitude between 16.79 and 17.18."],
    }
    assert Finding.objects.count() == 1


def test_half_a_point_is_refused(operator_a, centre_a):
    diagnosis = DiagnosisFactory(centre=centre_a)
    with pytest.raises(ValidationError) as error:
        services.finding_create(diagnosis=diagnosis, actor=operator_a, **finding_fields(longitude=None))
    assert error.value.message_dict == {"longitude": ["Give both latitude and longitude, or neither."]}


def test_a_finding_without_a_point_is_fine(operator_a, centre_a):
    diagnosis = DiagnosisFactory(centre=centre_a)
    finding = services.finding_create(
        diagnosis=diagnosis, actor=operator_a, **finding_fields(latitude=None, longitude=None)
    )
    assert finding.has_location is False


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"priority": 0}, {"priority": ["Ensure this value is greater than or equal to 1."]}),
        ({"priority": 6}, {"priority": ["Ensure this value is less than or equal to 5."]}),
        ({"target_groups": ["aliens"]}, {"target_groups": ["Unknown target group: aliens."]}),
        ({"kind": "plotka"}, {"kind": ["Value 'plotka' is not a valid choice."]}),
        ({"title": ""}, {"title": ["This field cannot be blank."]}),
    ],
)
def test_invalid_findings_are_refused(operator_a, centre_a, overrides, errors):
    diagnosis = DiagnosisFactory(centre=centre_a)
    with pytest.raises(ValidationError) as error:
        services.finding_create(diagnosis=diagnosis, actor=operator_a, **finding_fields(**overrides))
    assert error.value.message_dict == errors


def test_an_operator_cannot_add_a_finding_to_another_centres_diagnosis(operator_b, centre_a):
    diagnosis = DiagnosisFactory(centre=centre_a)
    with pytest.raises(PermissionDenied):
        services.finding_create(diagnosis=diagnosis, actor=operator_b, **finding_fields())


def test_finding_updates_are_locked_and_audited(operator_a, centre_a):
    finding = FindingFactory(diagnosis__centre=centre_a, title="A")
    services.finding_update(finding=finding, actor=operator_a, expected_version=1, title="B")
    with pytest.raises(ConflictError):
        services.finding_update(finding=finding, actor=operator_a, expected_version=1, title="C")
    services.finding_delete(finding=finding, actor=operator_a, expected_version=2)
    events = FindingEvent.objects.filter(pgh_obj_id=finding.pk).order_by("pgh_id")
    assert [(e.pgh_label, e.title, e.pgh_context and context_of(e).get("action")) for e in events] == [
        ("insert", "A", None),
        ("update", "B", "finding.update"),
        ("delete", "B", "finding.delete"),
    ]


def test_being_addressed_is_not_set_by_hand(operator_a, centre_a):
    finding = FindingFactory(diagnosis__centre=centre_a)
    with pytest.raises(ValidationError) as error:
        services.finding_set_status(
            finding=finding, actor=operator_a, expected_version=1, status=FindingStatus.IN_PROGRESS
        )
    assert error.value.message_dict == {
        "status": ["A finding is being addressed while an activity answers it: link an activity instead."]
    }


# --- Which activity answers which need ---------------------------------------------------------


def test_a_need_with_an_answering_activity_is_being_addressed(operator_a, centre_a):
    finding = FindingFactory(diagnosis__centre=centre_a)
    activity = factories.ActivityFactory(centre=centre_a)

    response = services.finding_response_create(finding=finding, activity=activity, actor=operator_a)

    assert (response.finding, response.activity) == (finding, activity)
    assert Finding.objects.get(pk=finding.pk).current_status == FindingStatus.IN_PROGRESS
    assert [(e.pgh_label, context_of(e)) for e in FindingResponseEvent.objects.all()] == [
        ("insert", {"user": operator_a.pk, "action": "finding_response.create"})
    ]

    assert services.finding_response_delete(finding=finding, activity=activity, actor=operator_a) is True
    assert Finding.objects.get(pk=finding.pk).current_status == FindingStatus.OPEN
    assert services.finding_response_delete(finding=finding, activity=activity, actor=operator_a) is False


def test_an_activity_of_another_centre_cannot_answer(operator_a, centre_a, centre_b):
    finding = FindingFactory(diagnosis__centre=centre_a)
    elsewhere = factories.ActivityFactory(centre=centre_b)
    with pytest.raises(ValidationError) as error:
        services.finding_response_create(finding=finding, activity=elsewhere, actor=operator_a)
    assert error.value.message_dict == {"activity": [OTHER_CENTRE]}
    assert FindingResponse.objects.count() == 0


def test_an_activity_answers_a_finding_once(operator_a, centre_a):
    response = FindingResponseFactory(finding__diagnosis__centre=centre_a)
    with pytest.raises(ValidationError) as error:
        services.finding_response_create(
            finding=response.finding, activity=response.activity, actor=operator_a
        )
    assert error.value.message_dict == {"activity": ["This activity already answers this finding."]}


def test_another_operator_cannot_link_an_activity(operator_b, centre_a):
    finding = FindingFactory(diagnosis__centre=centre_a)
    activity = factories.ActivityFactory(centre=centre_a)
    with pytest.raises(PermissionDenied):
        services.finding_response_create(finding=finding, activity=activity, actor=operator_b)


def test_deleting_the_only_answering_activity_opens_the_need_again(operator_a, centre_a):
    response = FindingResponseFactory(finding__diagnosis__centre=centre_a)
    activity = response.activity
    centre_services.activity_delete(activity=activity, actor=operator_a, expected_version=activity.version)
    assert Finding.objects.get(pk=response.finding_id).current_status == FindingStatus.OPEN


def test_a_met_need_stays_met_and_can_be_opened_again(operator_a, centre_a):
    response = FindingResponseFactory(finding__diagnosis__centre=centre_a)
    finding = response.finding
    met = services.finding_set_status(
        finding=finding, actor=operator_a, expected_version=1, status=FindingStatus.MET
    )
    assert (met.status, Finding.objects.get(pk=finding.pk).current_status) == (
        FindingStatus.MET,
        FindingStatus.MET,
    )
    reopened = services.finding_set_status(
        finding=finding, actor=operator_a, expected_version=2, status=FindingStatus.OPEN
    )
    assert Finding.objects.get(pk=reopened.pk).current_status == FindingStatus.IN_PROGRESS


def test_the_findings_of_an_activity_are_set_from_its_page(operator_a, centre_a, centre_b):
    diagnosis = DiagnosisFactory(centre=centre_a)
    first, second, third = FindingFactory.create_batch(3, diagnosis=diagnosis)
    activity = factories.ActivityFactory(centre=centre_a)
    services.activity_findings_set(activity=activity, findings=[first, second], actor=operator_a)
    services.activity_findings_set(activity=activity, findings=[second, third], actor=operator_a)
    assert set(FindingResponse.objects.filter(activity=activity).values_list("finding_id", flat=True)) == {
        second.pk,
        third.pk,
    }

    foreign = FindingFactory(diagnosis__centre=centre_b)
    with pytest.raises(ValidationError) as error:
        services.activity_findings_set(activity=activity, findings=[foreign], actor=operator_a)
    assert error.value.message_dict == {"activity": [OTHER_CENTRE]}


# --- Residents' submissions ---------------------------------------------------------------------


def test_a_resident_sends_an_idea_without_personal_data(centre_a):
    diagnosis = DiagnosisFactory(centre=centre_a, submissions_open=True)
    submission = services.submission_create(
        diagnosis=diagnosis, kind=FindingKind.IDEA, text="  Kino plenerowe na podwórku.  ", osiedle=None
    )
    saved = ResidentSubmission.objects.get(pk=submission.pk)
    assert (saved.kind, saved.text, saved.status, saved.finding) == (
        FindingKind.IDEA,
        "Kino plenerowe na podwórku.",
        SubmissionStatus.PENDING,
        None,
    )
    # Nothing about the sender: no name, contact or address is even a field.
    assert {f.name for f in ResidentSubmission._meta.concrete_fields} == {
        "id",
        "diagnosis",
        "kind",
        "text",
        "osiedle",
        "status",
        "finding",
        "created_at",
        "moderated_at",
    }


@pytest.mark.parametrize(
    ("status", "submissions_open"),
    [
        (DiagnosisStatus.RUNNING, False),
        (DiagnosisStatus.FINISHED, False),
        (DiagnosisStatus.PLANNED, False),
    ],
)
def test_a_submission_to_a_closed_diagnosis_is_refused(centre_a, status, submissions_open):
    diagnosis = DiagnosisFactory(centre=centre_a, status=status, submissions_open=submissions_open)
    with pytest.raises(ValidationError) as error:
        services.submission_create(
            diagnosis=diagnosis, kind=FindingKind.IDEA, text="Więcej zieleni na skwerze."
        )
    assert (error.value.messages, error.value.code) == ([CLOSED], "closed")
    assert ResidentSubmission.objects.count() == 0


def test_a_submission_closed_since_the_form_was_shown_is_refused(centre_a):
    diagnosis = DiagnosisFactory(centre=centre_a, submissions_open=True)
    shown = Diagnosis.objects.get(pk=diagnosis.pk)
    Diagnosis.objects.filter(pk=diagnosis.pk).update(submissions_open=False)
    with pytest.raises(ValidationError) as error:
        services.submission_create(diagnosis=shown, kind=FindingKind.IDEA, text="Więcej zieleni na skwerze.")
    assert error.value.code == "closed"


@pytest.mark.parametrize(
    ("kind", "text", "errors"),
    [
        (FindingKind.IDEA, "   ", {"text": ["Write your need, asset or idea."]}),
        (FindingKind.IDEA, "x" * 2001, {"text": ["Write at most 2000 characters (you wrote 2001)."]}),
        (
            FindingKind.IDEA,
            "Ławka",
            {"text": ["Write at least 10 characters, so that the centre understands you."]},
        ),
        (
            FindingKind.PROBLEM,
            "Za mało zieleni na osiedlu.",
            {"kind": ["Choose a need, an asset or an idea."]},
        ),
    ],
)
def test_an_empty_oversized_or_odd_submission_is_refused(centre_a, kind, text, errors):
    diagnosis = DiagnosisFactory(centre=centre_a, submissions_open=True)
    with pytest.raises(ValidationError) as error:
        services.submission_create(diagnosis=diagnosis, kind=kind, text=text)
    assert error.value.message_dict == errors
    assert ResidentSubmission.objects.count() == 0


def test_a_submission_names_an_osiedle_the_diagnosis_covers(centre_a):
    diagnosis = DiagnosisFactory(centre=centre_a, submissions_open=True)
    with pytest.raises(ValidationError) as error:
        services.submission_create(
            diagnosis=diagnosis,
            kind=FindingKind.NEED,
            text="Potrzebny przejazd dla wózków.",
            osiedle=factories.OsiedleFactory(),
        )
    assert error.value.message_dict == {"osiedle": ["Choose one of the osiedla this diagnosis covers."]}


def test_an_accepted_submission_becomes_a_finding(operator_a, centre_a):
    submission = ResidentSubmissionFactory(
        diagnosis__centre=centre_a, kind=FindingKind.ASSET, text="Pan Józef naprawia rowery za darmo."
    )
    finding = services.submission_accept(
        submission=submission, actor=operator_a, title="Sąsiedzki serwis rowerowy", theme=Theme.INTEGRATION
    )
    saved = ResidentSubmission.objects.get(pk=submission.pk)
    assert (saved.status, saved.finding, saved.moderated_at is not None) == (
        SubmissionStatus.ACCEPTED,
        finding,
        True,
    )
    assert (finding.kind, finding.title, finding.description, finding.diagnosis, finding.priority) == (
        FindingKind.ASSET,
        "Sąsiedzki serwis rowerowy",
        "Pan Józef naprawia rowery za darmo.",
        submission.diagnosis,
        3,
    )

    with pytest.raises(ConflictError) as error:
        services.submission_reject(submission=submission, actor=operator_a)
    assert error.value.messages == ["This submission has already been moderated (accepted)."]


def test_a_submission_is_accepted_only_with_a_theme(operator_a, centre_a):
    submission = ResidentSubmissionFactory(diagnosis__centre=centre_a)
    with pytest.raises(ValidationError) as error:
        services.submission_accept(submission=submission, actor=operator_a, title="Kino", theme="")
    assert error.value.message_dict == {"theme": ["This field cannot be blank."]}
    assert ResidentSubmission.objects.get(pk=submission.pk).status == SubmissionStatus.PENDING


def test_moderation_is_for_the_centres_operators(operator_b, animator, centre_a):
    submission = ResidentSubmissionFactory(diagnosis__centre=centre_a)
    for actor in (operator_b, animator):
        with pytest.raises(PermissionDenied):
            services.submission_reject(submission=submission, actor=actor)
        with pytest.raises(PermissionDenied):
            services.submission_accept(submission=submission, actor=actor, title="X", theme=Theme.OTHER)


def test_a_rejected_submission_is_kept_as_rejected(operator_a, centre_a):
    submission = ResidentSubmissionFactory(diagnosis__centre=centre_a)
    rejected = services.submission_reject(submission=submission, actor=operator_a)
    assert (rejected.status, rejected.finding) == (SubmissionStatus.REJECTED, None)


def test_the_system_may_act_without_a_user(centre_a):
    """Demo data: actor None is the system itself."""
    diagnosis = services.diagnosis_create(
        centre=centre_a, actor=None, osiedla=[centre_a.primary_osiedle], **diagnosis_fields()
    )
    finding = services.finding_create(diagnosis=diagnosis, actor=None, **finding_fields())
    assert finding.diagnosis == diagnosis
    assert timezone.now() - diagnosis.created_at < timedelta(minutes=1)
