"""Writes of the network app. Every write: keyword-only, atomic, validated, audited.

``actor`` is the user who acts; ``None`` is the system itself (demo data, tasks), which is
never a web request and is not checked. Records edited in web forms carry the version
they were read at, and a stale one is refused (optimistic locking, ``ConflictError``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cal_portal.text import day_text
from centres import access
from centres.access import UserLike
from centres.models import (
    Centre,
    Organization,
    Resource,
    ResourceCategory,
    ResourceKind,
    Volunteer,
)
from centres.services import ConflictError, audited, set_fields
from network import permissions
from network.models import (
    EVIDENCE_FIELDS,
    SCORE_FIELDS,
    Adoption,
    Certification,
    Consultation,
    ConsultationResponse,
    FollowUp,
    GoodPractice,
    MeetingKind,
    NetworkMeeting,
    NetworkMeetingAttendee,
    NetworkMembership,
    PracticeStatus,
    SelfAssessment,
    TeamMember,
    TrainingAttendance,
    TrainingCompetence,
    TrainingEnrolment,
    TrainingProgramme,
    TrainingRole,
    TrainingSession,
    TrainingTopic,
    is_network_member,
)

# What people fill in on each record (forms, API and the services share these lists).
MEMBERSHIP_FIELDS = ("organization", "joined", "left", "is_animator", "note")
TEAM_MEMBER_FIELDS = ("person_name", "institution", "organization", "role", "user", "since", "until")
MEETING_FIELDS = ("kind", "date", "place", "agenda", "minutes", "decisions")
FOLLOW_UP_FIELDS = ("title", "assignee", "due", "status", "note")
FOLLOW_UP_PROGRESS_FIELDS = ("status", "note")
PRACTICE_FIELDS = ("title", "summary", "method", "effects", "description", "attachment")
ADOPTION_FIELDS = ("adopted_on", "outcome")
CONSULTATION_FIELDS = ("title", "subject", "description", "document_url", "document", "opens", "closes")
CERTIFICATION_FIELDS = ("status", "applied_on", "visited_on", "granted_on", "valid_until", "decision_note")
TRAINING_PROGRAMME_FIELDS = (
    "title",
    "description",
    "topic",
    "starts_on",
    "ends_on",
    "attendance_threshold",
    "capacity",
)
TRAINING_SESSION_FIELDS = ("topic", "kind", "starts_at", "hours", "trainer", "place")
SELF_ASSESSMENT_FIELDS = tuple(
    name for pair in zip(SCORE_FIELDS, EVIDENCE_FIELDS, strict=True) for name in pair
)

_M = TypeVar("_M", bound=models.Model)


def _set_fields(instance: models.Model, fields: dict[str, Any], allowed: Iterable[str]) -> None:
    """centres' set_fields, where a file input's "clear" checkbox (False) means no file."""

    def cleared(name: str, value: Any) -> Any:
        if (
            value is False
            and name in allowed
            and isinstance(instance._meta.get_field(name), models.FileField)
        ):
            return ""
        return value

    allowed = tuple(allowed)
    set_fields(instance, {name: cleared(name, value) for name, value in fields.items()}, allowed)


def _require(actor: UserLike | None, rule: Callable[[UserLike], bool]) -> None:
    """The system (``actor`` None) is trusted; a person must pass the rule."""
    if actor is not None and not rule(actor):
        raise PermissionDenied


def _lock(model: type[_M], pk: Any, expected_version: int | None) -> _M:
    """The record, locked for this transaction; a stale ``expected_version`` is a conflict."""
    try:
        locked = model._default_manager.select_for_update().get(pk=pk)
    except model.DoesNotExist as exc:  # type: ignore[attr-defined]
        raise ConflictError(
            _("This record was deleted by someone else while you were editing it."), code="conflict"
        ) from exc
    if expected_version is not None and locked.version != expected_version:  # type: ignore[attr-defined]
        raise ConflictError(
            _(
                "Someone else changed this %(record)s while you were editing it. Your changes were "
                "not saved: reload the page to see the current version, then make your changes again."
            )
            % {"record": model._meta.verbose_name},
            code="conflict",
        )
    return locked


def _save_versioned(instance: models.Model, actor: UserLike | None, action: str) -> None:
    if instance.pk is not None:
        instance.version += 1  # type: ignore[attr-defined]
    instance.full_clean()
    with audited(actor, action):
        instance.save()


# --- Membership and the standing team --------------------------------------------------


@transaction.atomic
def network_membership_save(*, membership: NetworkMembership, actor: UserLike | None) -> NetworkMembership:
    """City staff record an organisation's membership (or change one), in the admin or the API.
    A second current animator is refused on the ``is_animator`` field."""
    _require(actor, permissions.can_manage_registry)
    membership.full_clean()
    with audited(actor, "network.membership.save"):
        membership.save()
    return membership


@transaction.atomic
def network_membership_create(
    *, actor: UserLike | None, organization: Organization, joined: date, **fields: Any
) -> NetworkMembership:
    membership = NetworkMembership(organization=organization, joined=joined)
    _set_fields(membership, fields, MEMBERSHIP_FIELDS)
    return network_membership_save(membership=membership, actor=actor)


@transaction.atomic
def network_membership_update(
    *, membership: NetworkMembership, actor: UserLike | None, **fields: Any
) -> NetworkMembership:
    _require(actor, permissions.can_manage_registry)
    locked = NetworkMembership.objects.select_for_update().get(pk=membership.pk)
    _set_fields(locked, fields, MEMBERSHIP_FIELDS)
    return network_membership_save(membership=locked, actor=actor)


@transaction.atomic
def network_animator_change(
    *, actor: UserLike | None, organization: Organization, on: date
) -> NetworkMembership:
    """Hand the animator's role to ``organisation`` from ``on``: the current animator's
    membership ends the day before and continues as an ordinary one; the new animator's
    ordinary membership (if any) likewise gives way to an animator membership."""
    _require(actor, permissions.can_manage_registry)
    eve = on - timedelta(days=1)
    current = (
        NetworkMembership.objects.select_for_update()
        .filter(Q(left__isnull=True) | Q(left__gte=on), is_animator=True, joined__lte=on)
        .first()
    )
    if current is not None and current.organization_id == organization.pk:
        raise ValidationError(
            {"organization": _("This organisation is already the network's animator.")}, code="same_animator"
        )
    with audited(actor, "network.animator.change"):
        for membership in (current, _current_membership(organization, on)):
            if membership is None:
                continue
            if membership.joined >= on:
                raise ValidationError(
                    {
                        "on": _("The change must be after %(date)s, when the current membership began.")
                        % {"date": day_text(membership.joined)}
                    },
                    code="before_membership",
                )
            left, membership.left = membership.left, eve
            membership.full_clean()
            membership.save()
            if membership.organization_id != organization.pk:
                # The former animator stays a member of the network.
                NetworkMembership(organization=membership.organization, joined=on, left=left).save()
        animator = NetworkMembership(organization=organization, joined=on, is_animator=True)
        animator.full_clean()
        animator.save()
    return animator


def _current_membership(organization: Organization, on: date) -> NetworkMembership | None:
    return (
        NetworkMembership.objects.select_for_update()
        .filter(Q(left__isnull=True) | Q(left__gte=on), organization=organization, joined__lte=on)
        .first()
    )


@transaction.atomic
def team_member_save(*, member: TeamMember, actor: UserLike | None) -> TeamMember:
    """City staff keep the list of the standing team."""
    _require(actor, permissions.can_manage_registry)
    member.full_clean()
    with audited(actor, "network.team_member.save"):
        member.save()
    return member


# --- Meetings and follow-ups -------------------------------------------------------------


def _check_attendees(kind: str, on: date | None, attendees: list[Organization]) -> None:
    """Attendees of a SCAL meeting are member organisations (the standing team's
    meetings include city units that are not)."""
    if kind != MeetingKind.SCAL or on is None:
        return
    outside = [org.name for org in attendees if not is_network_member(org.pk, on)]
    if outside:
        raise ValidationError(
            {
                "attendees": _("Not members of the network on %(date)s: %(names)s.")
                % {"date": day_text(on), "names": ", ".join(sorted(outside))}
            },
            code="not_a_member",
        )


def _set_attendees(meeting: NetworkMeeting, attendees: Iterable[Organization]) -> None:
    wanted = {org.pk for org in attendees}
    current = set(meeting.attendee_links.values_list("organization_id", flat=True))
    NetworkMeetingAttendee.objects.filter(meeting=meeting, organization_id__in=current - wanted).delete()
    NetworkMeetingAttendee.objects.bulk_create(
        [NetworkMeetingAttendee(meeting=meeting, organization_id=pk) for pk in sorted(wanted - current)]
    )


def _validate_meeting(meeting: NetworkMeeting, attendees: list[Organization] | None) -> None:
    errors: dict[str, Any] = {}
    try:
        meeting.full_clean()
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if attendees is None and meeting.pk is not None:
        attendees = list(meeting.attendees.all())
    if "date" not in errors and attendees:
        try:
            _check_attendees(meeting.kind, meeting.date, attendees)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
    if meeting.pk is not None and "date" not in errors and meeting.date is not None:
        early = meeting.follow_ups.filter(due__lt=meeting.date).order_by("due").first()
        if early is not None and early.due is not None:
            errors.setdefault("date", []).append(
                ValidationError(
                    _("A task of this meeting is due on %(date)s: the meeting cannot be later.")
                    % {"date": day_text(early.due)},
                    code="after_follow_up",
                )
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def network_meeting_create(
    *, actor: UserLike | None, attendees: Iterable[Organization] = (), **fields: Any
) -> NetworkMeeting:
    _require(actor, permissions.can_run_network)
    meeting = NetworkMeeting()
    _set_fields(meeting, fields, MEETING_FIELDS)
    attendee_list = list(attendees)
    _validate_meeting(meeting, attendee_list)
    with audited(actor, "network.meeting.create"):
        meeting.save()
        _set_attendees(meeting, attendee_list)
    return meeting


@transaction.atomic
def network_meeting_update(
    *,
    meeting: NetworkMeeting,
    actor: UserLike | None,
    expected_version: int,
    attendees: Iterable[Organization] | None = None,
    **fields: Any,
) -> NetworkMeeting:
    _require(actor, permissions.can_run_network)
    locked = _lock(NetworkMeeting, meeting.pk, expected_version)
    _set_fields(locked, fields, MEETING_FIELDS)
    attendee_list = None if attendees is None else list(attendees)
    _validate_meeting(locked, attendee_list)
    locked.version += 1
    with audited(actor, "network.meeting.update"):
        locked.save()
        if attendee_list is not None:
            _set_attendees(locked, attendee_list)
    return locked


@transaction.atomic
def follow_up_create(*, meeting: NetworkMeeting, actor: UserLike | None, **fields: Any) -> FollowUp:
    """A task agreed at a meeting, for a member organisation."""
    _require(actor, permissions.can_run_network)
    follow_up = FollowUp(meeting=meeting)
    _set_fields(follow_up, fields, FOLLOW_UP_FIELDS)
    _save_versioned(follow_up, actor, "network.follow_up.create")
    return follow_up


@transaction.atomic
def follow_up_update(
    *, follow_up: FollowUp, actor: UserLike | None, expected_version: int, **fields: Any
) -> FollowUp:
    """The animator changes a task in full."""
    _require(actor, permissions.can_run_network)
    locked = _lock(FollowUp, follow_up.pk, expected_version)
    _set_fields(locked, fields, FOLLOW_UP_FIELDS)
    _save_versioned(locked, actor, "network.follow_up.update")
    return locked


@transaction.atomic
def follow_up_report_progress(
    *, follow_up: FollowUp, actor: UserLike | None, expected_version: int, status: str, note: str
) -> FollowUp:
    """The assignee organisation's people (or the animator) report the status of a task."""
    _require(actor, lambda user: permissions.can_update_follow_up_status(user, follow_up))
    locked = _lock(FollowUp, follow_up.pk, expected_version)
    locked.status, locked.note = status, note
    _save_versioned(locked, actor, "network.follow_up.progress")
    return locked


# --- Good practices -----------------------------------------------------------------------


@transaction.atomic
def practice_create(*, centre: Centre, actor: UserLike | None, **fields: Any) -> GoodPractice:
    """A centre's operators (or the animator) propose a practice: a draft until published."""
    _require(actor, lambda user: permissions.can_propose_practice(user, centre))
    practice = GoodPractice(
        centre=centre, status=PracticeStatus.DRAFT, proposed_by_id=getattr(actor, "pk", None)
    )
    _set_fields(practice, fields, PRACTICE_FIELDS)
    _save_versioned(practice, actor, "network.practice.create")
    return practice


@transaction.atomic
def practice_update(
    *, practice: GoodPractice, actor: UserLike | None, expected_version: int, **fields: Any
) -> GoodPractice:
    locked = _lock(GoodPractice, practice.pk, expected_version)
    _require(actor, lambda user: permissions.can_edit_practice(user, locked))
    _set_fields(locked, fields, PRACTICE_FIELDS)
    _save_versioned(locked, actor, "network.practice.update")
    return locked


@transaction.atomic
def practice_publish(
    *, practice: GoodPractice, actor: UserLike | None, expected_version: int
) -> GoodPractice:
    """The animator publishes a practice on /practices/."""
    _require(actor, permissions.can_publish_practice)
    locked = _lock(GoodPractice, practice.pk, expected_version)
    if locked.status == PracticeStatus.PUBLISHED:
        raise ValidationError(_("This practice is already published."), code="already_published")
    missing = [name for name in ("summary", "description") if not getattr(locked, name).strip()]
    if missing:
        raise ValidationError(
            {name: _("Fill this in before the practice is published.") for name in missing}, code="required"
        )
    locked.status, locked.published_at = PracticeStatus.PUBLISHED, timezone.now()
    _save_versioned(locked, actor, "network.practice.publish")
    return locked


@transaction.atomic
def practice_unpublish(
    *, practice: GoodPractice, actor: UserLike | None, expected_version: int
) -> GoodPractice:
    """Back to a draft: the practice leaves /practices/ (its adoptions stay)."""
    _require(actor, permissions.can_publish_practice)
    locked = _lock(GoodPractice, practice.pk, expected_version)
    if locked.status != PracticeStatus.PUBLISHED:
        raise ValidationError(_("This practice is not published."), code="not_published")
    locked.status, locked.published_at = PracticeStatus.DRAFT, None
    _save_versioned(locked, actor, "network.practice.unpublish")
    return locked


@transaction.atomic
def adoption_create(
    *, practice: GoodPractice, centre: Centre, actor: UserLike | None, adopted_on: date, outcome: str = ""
) -> Adoption:
    """Another centre took up a published practice (recorded by its operators or the animator)."""
    _require(actor, lambda user: permissions.can_record_adoption(user, centre))
    adoption = Adoption(practice=practice, centre=centre, adopted_on=adopted_on, outcome=outcome)
    errors: dict[str, Any] = {}
    try:
        adoption.full_clean()
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if Adoption.objects.filter(practice=practice, centre=centre).exists():
        # Reported on the centre, the field a person changes (the constraint's error has none).
        errors.pop(NON_FIELD_ERRORS, None)
        errors.setdefault("centre", []).append(
            ValidationError(_("This centre has already adopted this practice."), code="unique")
        )
    if adopted_on is not None and adopted_on > timezone.localdate():
        errors.setdefault("adopted_on", []).append(
            ValidationError(_("The date of adoption cannot be in the future."), code="future")
        )
    if errors:
        raise ValidationError(errors)
    with audited(actor, "network.adoption.create"):
        adoption.save()
    return adoption


@transaction.atomic
def adoption_update(
    *, adoption: Adoption, actor: UserLike | None, expected_version: int, **fields: Any
) -> Adoption:
    locked = _lock(Adoption, adoption.pk, expected_version)
    _require(actor, lambda user: permissions.can_record_adoption(user, locked.centre))
    _set_fields(locked, fields, ADOPTION_FIELDS)
    if locked.adopted_on is not None and locked.adopted_on > timezone.localdate():
        raise ValidationError(
            {"adopted_on": _("The date of adoption cannot be in the future.")}, code="future"
        )
    _save_versioned(locked, actor, "network.adoption.update")
    return locked


# --- Consultations -----------------------------------------------------------------------


@transaction.atomic
def consultation_create(*, actor: UserLike | None, **fields: Any) -> Consultation:
    """The animator opens a consultation of a city programme or tool."""
    _require(actor, permissions.can_run_network)
    consultation = Consultation()
    _set_fields(consultation, fields, CONSULTATION_FIELDS)
    _save_versioned(consultation, actor, "network.consultation.create")
    return consultation


@transaction.atomic
def consultation_update(
    *, consultation: Consultation, actor: UserLike | None, expected_version: int, **fields: Any
) -> Consultation:
    _require(actor, permissions.can_run_network)
    locked = _lock(Consultation, consultation.pk, expected_version)
    _set_fields(locked, fields, CONSULTATION_FIELDS)
    errors: dict[str, Any] = {}
    try:
        locked.full_clean()
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    first = locked.responses.aggregate(first=models.Min("submitted_at"))["first"]
    if first is not None and "opens" not in errors and locked.opens > timezone.localdate(first):
        errors.setdefault("opens", []).append(
            ValidationError(
                _("Answers were submitted on %(date)s: the consultation cannot open later.")
                % {"date": day_text(timezone.localdate(first))},
                code="after_responses",
            )
        )
    if errors:
        raise ValidationError(errors)
    locked.version += 1
    with audited(actor, "network.consultation.update"):
        locked.save()
    return locked


def _check_open(consultation: Consultation) -> None:
    today = timezone.localdate()
    if today < consultation.opens:
        raise ValidationError(
            _("The consultation opens on %(date)s: answers are accepted from that day.")
            % {"date": day_text(consultation.opens)},
            code="not_open_yet",
        )
    if today > consultation.closes:
        raise ValidationError(
            _("The consultation closed on %(date)s: answers are no longer accepted.")
            % {"date": day_text(consultation.closes)},
            code="closed",
        )


def _check_member_today(organization: Organization) -> None:
    if not is_network_member(organization.pk, timezone.localdate()):
        raise ValidationError(
            {
                "organization": _("%(organization)s is not a member of the network.")
                % {"organization": organization}
            },
            code="not_a_member",
        )


@transaction.atomic
def consultation_response_submit(
    *, consultation: Consultation, organization: Organization, actor: UserLike | None, text: str
) -> ConsultationResponse:
    """A member organisation answers a consultation while it is open; one answer per
    organisation (edited afterwards with consultation_response_update)."""
    _require(actor, lambda user: permissions.can_respond_for(user, organization))
    # Locked so that two answers of one organisation sent at once do not both pass.
    Consultation.objects.select_for_update().get(pk=consultation.pk)
    _check_open(consultation)
    _check_member_today(organization)
    if ConsultationResponse.objects.filter(consultation=consultation, organization=organization).exists():
        raise ValidationError(
            {
                "organization": _("%(organization)s has already answered: change its answer instead.")
                % {"organization": organization}
            },
            code="unique",
        )
    response = ConsultationResponse(
        consultation=consultation,
        organization=organization,
        text=text,
        submitted_at=timezone.now(),
        submitted_by_id=getattr(actor, "pk", None),
    )
    _save_versioned(response, actor, "network.consultation_response.submit")
    return response


@transaction.atomic
def consultation_response_update(
    *, response: ConsultationResponse, actor: UserLike | None, expected_version: int, text: str
) -> ConsultationResponse:
    """The organisation changes its answer while the consultation is open."""
    locked = _lock(ConsultationResponse, response.pk, expected_version)
    _require(actor, lambda user: permissions.can_respond_for(user, locked.organization))
    _check_open(locked.consultation)
    locked.text = text
    locked.submitted_at = timezone.now()
    locked.submitted_by_id = getattr(actor, "pk", None)
    _save_versioned(locked, actor, "network.consultation_response.update")
    return locked


# --- Certification and self-assessment ------------------------------------------------


@transaction.atomic
def certification_create(*, centre: Centre, actor: UserLike | None, **fields: Any) -> Certification:
    """City staff record a centre's application for the CAL quality certificate."""
    _require(actor, permissions.can_manage_registry)
    certification = Certification(centre=centre)
    _set_fields(certification, fields, CERTIFICATION_FIELDS)
    _save_versioned(certification, actor, "network.certification.create")
    return certification


@transaction.atomic
def certification_update(
    *, certification: Certification, actor: UserLike | None, expected_version: int | None, **fields: Any
) -> Certification:
    """The procedure moves on: visit, decision (granted for five years, or refused),
    withdrawal or expiry."""
    _require(actor, permissions.can_manage_registry)
    locked = _lock(Certification, certification.pk, expected_version)
    _set_fields(locked, fields, CERTIFICATION_FIELDS)
    _save_versioned(locked, actor, "network.certification.update")
    return locked


@transaction.atomic
def certification_save(*, certification: Certification, actor: UserLike | None) -> Certification:
    """The admin's save: a new record, or a change made on a form of the current version."""
    _require(actor, permissions.can_manage_registry)
    _save_versioned(certification, actor, "network.certification.save")
    return certification


def _check_year(year: int | None) -> None:
    if year is not None and year > timezone.localdate().year:
        raise ValidationError(
            {"year": _("A self-assessment looks back: the year cannot be later than this year.")},
            code="future_year",
        )


def _submission(assessment: SelfAssessment, submit: bool) -> None:
    if submit and not assessment.submitted:
        assessment.submitted, assessment.submitted_at = True, timezone.now()


@transaction.atomic
def self_assessment_create(
    *, centre: Centre, year: int, actor: UserLike | None, submit: bool = False, **fields: Any
) -> SelfAssessment:
    """A centre's operators assess the year against the five CAL standards (a draft, or
    submitted with every score given). One per centre and year."""
    _require(actor, lambda user: permissions.can_edit_self_assessment(user, centre))
    _check_year(year)
    if SelfAssessment.objects.filter(centre=centre, year=year).exists():
        raise ValidationError(
            {
                "year": _("This centre already has a self-assessment for %(year)s: edit it instead.")
                % {"year": year}
            },
            code="unique",
        )
    assessment = SelfAssessment(centre=centre, year=year)
    _set_fields(assessment, fields, SELF_ASSESSMENT_FIELDS)
    _submission(assessment, submit)
    _save_versioned(assessment, actor, "network.self_assessment.create")
    return assessment


@transaction.atomic
def self_assessment_update(
    *,
    assessment: SelfAssessment,
    actor: UserLike | None,
    expected_version: int,
    submit: bool = False,
    **fields: Any,
) -> SelfAssessment:
    """Change a draft; a submitted self-assessment is final (city staff may reopen it)."""
    locked = _lock(SelfAssessment, assessment.pk, expected_version)
    _require(actor, lambda user: permissions.can_edit_self_assessment(user, locked.centre))
    if locked.submitted:
        raise ValidationError(
            _("This self-assessment was submitted on %(date)s and can no longer be changed.")
            % {"date": day_text(timezone.localdate(locked.submitted_at)) if locked.submitted_at else "—"},
            code="submitted",
        )
    _set_fields(locked, fields, SELF_ASSESSMENT_FIELDS)
    _submission(locked, submit)
    _save_versioned(locked, actor, "network.self_assessment.update")
    return locked


@transaction.atomic
def self_assessment_reopen(*, assessment: SelfAssessment, actor: UserLike | None) -> SelfAssessment:
    """City staff give a submitted self-assessment back to the centre for changes."""
    _require(actor, permissions.can_manage_registry)
    locked = _lock(SelfAssessment, assessment.pk, None)
    locked.submitted, locked.submitted_at = False, None
    _save_versioned(locked, actor, "network.self_assessment.reopen")
    return locked


@transaction.atomic
def network_record_save(*, record: models.Model, actor: UserLike | None) -> models.Model:
    """City staff save a record of the network in the admin (its form has validated it
    against the version it was read at); the version moves on, the audit records who."""
    _require(actor, permissions.can_manage_registry)
    _save_versioned(record, actor, f"network.{record._meta.model_name}.admin_save")
    return record


# --- Animators' training ------------------------------------------------------------------
# The animator (or city staff) runs programmes: sessions and attendance. The centres'
# operators enrol their people. A person completes a programme on the day of the session at
# which the hours they attended reached the programme's threshold (a share of all its
# hours); the first completion of a centre adds the competence to the centre's immaterial
# resources. Completion is recomputed from the attendance whenever it may change (attendance,
# sessions, threshold), so it is always what the records say, however often it is recomputed.


def _check_sessions_within(programme: TrainingProgramme) -> None:
    """Changed dates still hold every session of the programme."""
    if programme._state.adding:
        return
    days = [timezone.localdate(moment) for moment in programme.sessions.values_list("starts_at", flat=True)]
    if not days:
        return
    errors: dict[str, Any] = {}
    first, last = min(days), max(days)
    if first < programme.starts_on:
        errors["starts_on"] = ValidationError(
            _("A session of this programme takes place on %(date)s: the programme cannot start later.")
            % {"date": day_text(first)},
            code="after_session",
        )
    if last > programme.ends_on:
        errors["ends_on"] = ValidationError(
            _("A session of this programme takes place on %(date)s: the programme cannot end earlier.")
            % {"date": day_text(last)},
            code="before_session",
        )
    if errors:
        raise ValidationError(errors)


def _check_capacity_holds(programme: TrainingProgramme) -> None:
    if programme._state.adding or programme.capacity is None:
        return
    enrolled = programme.enrolments.count()
    if enrolled > programme.capacity:
        raise ValidationError(
            {
                "capacity": _(
                    "%(count)s people are already enrolled: the programme needs at least as many places."
                )
                % {"count": enrolled}
            },
            code="below_enrolled",
        )


def training_programme_check(programme: TrainingProgramme) -> None:
    """What a programme's change must keep (besides its own fields): its sessions within its
    dates and places for everyone enrolled. For forms that validate before the service."""
    errors: dict[str, Any] = {}
    for check in (_check_sessions_within, _check_capacity_holds):
        try:
            check(programme)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _validate_programme(programme: TrainingProgramme) -> None:
    errors: dict[str, Any] = {}
    try:
        programme.full_clean()
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if not ({"starts_on", "ends_on", "capacity"} & set(errors)):
        try:
            training_programme_check(programme)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def training_programme_create(*, actor: UserLike | None, **fields: Any) -> TrainingProgramme:
    """The animator (or city staff) sets up a training programme; sessions are added to it."""
    _require(actor, permissions.can_manage_training)
    programme = TrainingProgramme(created_by_id=getattr(actor, "pk", None))
    _set_fields(programme, fields, TRAINING_PROGRAMME_FIELDS)
    _validate_programme(programme)
    with audited(actor, "network.training_programme.create"):
        programme.save()
    return programme


@transaction.atomic
def training_programme_update(
    *, programme: TrainingProgramme, actor: UserLike | None, expected_version: int, **fields: Any
) -> TrainingProgramme:
    """Change a programme; its sessions must stay within its dates and its places hold the
    people enrolled. A changed threshold changes who has completed it."""
    _require(actor, permissions.can_manage_training)
    locked = _lock(TrainingProgramme, programme.pk, expected_version)
    threshold = locked.attendance_threshold
    _set_fields(locked, fields, TRAINING_PROGRAMME_FIELDS)
    _validate_programme(locked)
    locked.version += 1
    with audited(actor, "network.training_programme.update"):
        locked.save()
    if locked.attendance_threshold != threshold:
        _training_completion_update(programme=locked, actor=actor)
    return locked


@transaction.atomic
def training_programme_delete(
    *, programme: TrainingProgramme, actor: UserLike | None, expected_version: int
) -> None:
    """Delete a programme with its sessions and enrolments, until anyone has attended it."""
    _require(actor, permissions.can_manage_training)
    locked = _lock(TrainingProgramme, programme.pk, expected_version)
    if TrainingAttendance.objects.filter(session__programme=locked, present=True).exists():
        raise ValidationError(
            _("People have attended this programme: it is part of their record and cannot be deleted."),
            code="attended",
        )
    with audited(actor, "network.training_programme.delete"):
        locked.delete()


def _lock_programme(programme_id: int) -> TrainingProgramme:
    """The programme locked for this transaction: enrolments, attendance and completion of
    one programme are changed one transaction at a time."""
    return TrainingProgramme.objects.select_for_update().get(pk=programme_id)


@transaction.atomic
def training_session_create(
    *, programme: TrainingProgramme, actor: UserLike | None, **fields: Any
) -> TrainingSession:
    """A session or consultation within the programme's dates. It adds to the programme's
    hours, so who has completed the programme is recomputed."""
    _require(actor, permissions.can_manage_training)
    locked = _lock_programme(programme.pk)
    session = TrainingSession(programme=locked)
    if "topic" not in fields:
        session.topic = locked.topic
    _set_fields(session, fields, TRAINING_SESSION_FIELDS)
    _save_versioned(session, actor, "network.training_session.create")
    _training_completion_update(programme=locked, actor=actor)
    return session


@transaction.atomic
def training_session_update(
    *, session: TrainingSession, actor: UserLike | None, expected_version: int, **fields: Any
) -> TrainingSession:
    """Change a session. One whose attendance is recorded cannot move to the future."""
    _require(actor, permissions.can_manage_training)
    programme = _lock_programme(session.programme_id)
    locked = _lock(TrainingSession, session.pk, expected_version)
    _set_fields(locked, fields, TRAINING_SESSION_FIELDS)
    locked.programme = programme
    locked.version += 1
    locked.full_clean()
    if locked.starts_at > timezone.now() and locked.attendances.exists():
        raise ValidationError(
            {
                "starts_at": _(
                    "Attendance at this session has been recorded: it cannot be moved to the future."
                )
            },
            code="attendance_recorded",
        )
    with audited(actor, "network.training_session.update"):
        locked.save()
    _training_completion_update(programme=programme, actor=actor)
    return locked


@transaction.atomic
def training_session_delete(
    *, session: TrainingSession, actor: UserLike | None, expected_version: int
) -> None:
    """Delete a session nobody attended (its absences go with it)."""
    _require(actor, permissions.can_manage_training)
    programme = _lock_programme(session.programme_id)
    locked = _lock(TrainingSession, session.pk, expected_version)
    if locked.attendances.filter(present=True).exists():
        raise ValidationError(
            _("People attended this session: it counts towards their completion and cannot be deleted."),
            code="attended",
        )
    with audited(actor, "network.training_session.delete"):
        locked.delete()
    _training_completion_update(programme=programme, actor=actor)


def staff_name(user: User) -> str:
    """A staff member's name as the attendance list and the certificate show it."""
    return user.get_full_name().strip() or user.get_username()


def _enrolment_person(
    *, centre: Centre, volunteer: Volunteer | None, staff: User | None
) -> tuple[str, str, str]:
    """(field, role, name) of the person to enrol, or a ValidationError naming what is wrong."""
    if volunteer is not None and staff is None:
        if volunteer.centre_id != centre.pk:
            raise ValidationError(
                {"volunteer": _("This volunteer does not belong to %(centre)s.") % {"centre": centre}},
                code="other_centre",
            )
        if volunteer.erased_at is not None:
            raise ValidationError(
                {"volunteer": _("This volunteer's personal data has been erased.")}, code="erased"
            )
        if not volunteer.active:
            raise ValidationError(
                {"volunteer": _("%(name)s is not an active volunteer.") % {"name": volunteer.name}},
                code="inactive",
            )
        return "volunteer", TrainingRole.VOLUNTEER, volunteer.name
    if staff is not None and volunteer is None:
        if not access.operator_staff(centre).filter(pk=staff.pk).exists():
            raise ValidationError(
                {
                    "staff": _("%(name)s does not work for the organisation that operates %(centre)s.")
                    % {"name": staff_name(staff), "centre": centre}
                },
                code="not_operator_staff",
            )
        return "staff", TrainingRole.STAFF, staff_name(staff)
    raise ValidationError(
        {"volunteer": _("Choose one person to enrol: a volunteer or a staff member.")}, code="one_person"
    )


@transaction.atomic
def training_enrol(
    *,
    programme: TrainingProgramme,
    centre: Centre,
    actor: UserLike | None,
    volunteer: Volunteer | None = None,
    staff: User | None = None,
) -> TrainingEnrolment:
    """A centre's operators (or city staff) enrol one of the centre's active volunteers or a
    member of its operator organisation's staff in a programme that has not finished and
    has a place left."""
    _require(actor, lambda user: permissions.can_enrol(user, centre))
    locked = _lock_programme(programme.pk)
    if locked.is_finished:
        raise ValidationError(
            {
                "programme": _("The programme ended on %(date)s: nobody can enrol in it any more.")
                % {"date": day_text(locked.ends_on)}
            },
            code="finished",
        )
    field, role, name = _enrolment_person(centre=centre, volunteer=volunteer, staff=staff)
    person = {field: volunteer if field == "volunteer" else staff}
    if TrainingEnrolment.objects.filter(programme=locked, **person).exists():
        raise ValidationError(
            {field: _("%(name)s is already enrolled in this programme.") % {"name": name}}, code="duplicate"
        )
    if locked.capacity is not None and locked.enrolments.count() >= locked.capacity:
        raise ValidationError(
            {
                "programme": _("All %(capacity)s places in this programme are taken.")
                % {"capacity": locked.capacity}
            },
            code="full",
        )
    enrolment = TrainingEnrolment(
        programme=locked,
        centre=centre,
        # A volunteer's name stays in the volunteer's record only (erasure reaches it there).
        name=name if role == TrainingRole.STAFF else "",
        role=role,
        enrolled_by_id=getattr(actor, "pk", None),
        **person,
    )
    enrolment.full_clean()
    try:
        with transaction.atomic(), audited(actor, "network.training_enrolment.create"):
            enrolment.save()
    except IntegrityError as exc:  # pragma: no cover - the programme's lock orders enrolments
        raise ValidationError(
            {field: _("%(name)s is already enrolled in this programme.") % {"name": name}}, code="duplicate"
        ) from exc
    return enrolment


@transaction.atomic
def training_enrolment_withdraw(*, enrolment: TrainingEnrolment, actor: UserLike | None) -> None:
    """Take a person off a programme, until they have attended any of it."""
    _require(actor, lambda user: permissions.can_withdraw_enrolment(user, enrolment))
    _lock_programme(enrolment.programme_id)
    try:
        locked = TrainingEnrolment.objects.select_for_update().get(pk=enrolment.pk)
    except TrainingEnrolment.DoesNotExist as exc:
        raise ConflictError(
            _("This record was deleted by someone else while you were editing it."), code="conflict"
        ) from exc
    if locked.attendances.filter(present=True).exists():
        raise ValidationError(
            _("%(name)s has attended this programme: the enrolment is part of their record and stays.")
            % {"name": locked.person_name},
            code="attended",
        )
    with audited(actor, "network.training_enrolment.withdraw"):
        locked.delete()


def _enrolment_ids(present: Collection[TrainingEnrolment | int]) -> set[int]:
    ids: set[int] = set()
    for item in present:
        if isinstance(item, TrainingEnrolment):
            ids.add(item.pk)
        elif isinstance(item, int) and not isinstance(item, bool):
            ids.add(item)
        else:
            raise ValidationError({"present": _("Choose people enrolled in this programme.")}, code="invalid")
    return ids


@transaction.atomic
def training_attendance_record(
    *, session: TrainingSession, actor: UserLike | None, present: Collection[TrainingEnrolment | int]
) -> list[TrainingAttendance]:
    """Record who was at a session: the enrolments in ``present`` were, every other
    enrolment of the programme was not. Recording the same again changes nothing. Only a
    session that has begun; completion of the programme follows from the attendance."""
    _require(actor, permissions.can_manage_training)
    programme = _lock_programme(session.programme_id)
    current = TrainingSession.objects.filter(pk=session.pk).first()
    if current is None:
        raise ConflictError(
            _("This record was deleted by someone else while you were editing it."), code="conflict"
        )
    if current.starts_at > timezone.now():
        raise ValidationError(
            {
                "session": _(
                    "This session has not happened yet (it starts on %(date)s): attendance is "
                    "recorded once it has begun."
                )
                % {"date": date_format(timezone.localtime(current.starts_at), "DATETIME_FORMAT")}
            },
            code="not_happened",
        )
    wanted = _enrolment_ids(present)
    enrolment_ids = set(programme.enrolments.values_list("pk", flat=True))
    if wanted - enrolment_ids:
        raise ValidationError(
            {"present": _("Only people enrolled in this programme can be marked present.")},
            code="not_enrolled",
        )
    recorded = dict(TrainingAttendance.objects.filter(session=current).values_list("enrolment_id", "present"))
    now = timezone.now()
    changed = [
        TrainingAttendance(
            enrolment_id=pk,
            session=current,
            present=pk in wanted,
            recorded_by_id=getattr(actor, "pk", None),
            recorded_at=now,
        )
        for pk in sorted(enrolment_ids)
        if recorded.get(pk) != (pk in wanted)
    ]
    if changed:
        with audited(actor, "network.training_attendance.record"):
            TrainingAttendance.objects.bulk_create(
                changed,
                update_conflicts=True,
                unique_fields=["enrolment", "session"],
                update_fields=["present", "recorded_by", "recorded_at"],
            )
        _training_completion_update(programme=programme, actor=actor)
    return list(
        TrainingAttendance.objects.filter(session=current)
        .select_related("enrolment__volunteer")
        .order_by("enrolment__centre__name", "enrolment_id")
    )


def completion_date(
    *, sessions: Iterable[tuple[int, Any, Decimal]], attended: Collection[int], threshold: int
) -> date | None:
    """The day of the session at which the hours attended first reached ``threshold`` per
    cent of all the programme's hours (sessions in order of time), or None."""
    ordered = sorted(sessions, key=lambda item: (item[1], item[0]))
    total = sum((hours for _pk, _start, hours in ordered), Decimal(0))
    if total <= 0:
        return None
    hours_attended = Decimal(0)
    for pk, starts_at, hours in ordered:
        if pk not in attended:
            continue
        hours_attended += hours
        # Compared exactly: attended / total * 100 >= threshold.
        if hours_attended * 100 >= total * threshold:
            return timezone.localdate(starts_at)
    return None


def _competence_resource_name(programme: TrainingProgramme) -> tuple[str, str]:
    """The resource's name and description, in the portal's language (stored text)."""
    with translation.override(settings.LANGUAGE_CODE):
        topic = str(TrainingTopic(programme.topic).label) if programme.topic in TrainingTopic.values else ""
        name = f"{topic}: {programme.title}" if topic else programme.title
        description = _(
            "Gained in the training programme “%(title)s” of the CAL network (%(start)s – %(end)s)."
        ) % {
            "title": programme.title,
            "start": day_text(programme.starts_on),
            "end": day_text(programme.ends_on),
        }
    max_length = Resource._meta.get_field("name").max_length or 200
    if len(name) > max_length:
        name = name[: max_length - 1] + "…"
    return name, description


def _training_completion_update(*, programme: TrainingProgramme, actor: UserLike | None) -> None:
    """Recompute every enrolment's completion of a (locked) programme and give each centre
    its competence on its first completion. Idempotent: a second run changes nothing."""
    sessions = list(
        TrainingSession.objects.filter(programme=programme).values_list("pk", "starts_at", "hours")
    )
    attended: dict[int, set[int]] = {}
    for enrolment_id, session_id in TrainingAttendance.objects.filter(
        session__programme=programme, present=True
    ).values_list("enrolment_id", "session_id"):
        attended.setdefault(enrolment_id, set()).add(session_id)
    changed: list[TrainingEnrolment] = []
    first_completion: dict[int, date] = {}
    for enrolment in programme.enrolments.select_for_update().order_by("pk"):
        completed_on = completion_date(
            sessions=sessions,
            attended=attended.get(enrolment.pk, set()),
            threshold=programme.attendance_threshold,
        )
        if completed_on is not None:
            known = first_completion.get(enrolment.centre_id)
            first_completion[enrolment.centre_id] = min(known, completed_on) if known else completed_on
        if enrolment.completed_on != completed_on:
            enrolment.completed_on = completed_on
            changed.append(enrolment)
    with audited(actor, "network.training.completion"):
        if changed:
            TrainingEnrolment.objects.bulk_update(changed, ["completed_on"])
        have = set(programme.competences.values_list("centre_id", flat=True))
        missing = sorted(set(first_completion) - have)
        if not missing:
            return
        name, description = _competence_resource_name(programme)
        for centre in Centre.objects.filter(pk__in=missing).order_by("pk"):
            resource = Resource(
                centre=centre,
                kind=ResourceKind.IMMATERIAL,
                category=ResourceCategory.STAFF_KNOWLEDGE,
                name=name,
                description=description,
            )
            resource.full_clean()
            resource.save()
            competence = TrainingCompetence(
                programme=programme, centre=centre, resource=resource, gained_on=first_completion[centre.pk]
            )
            competence.full_clean()
            competence.save()


@transaction.atomic
def training_completion_update(*, programme: TrainingProgramme, actor: UserLike | None = None) -> None:
    """Recompute who has completed a programme (e.g. after a correction in the admin)."""
    _require(actor, permissions.can_manage_training)
    _training_completion_update(programme=_lock_programme(programme.pk), actor=actor)
