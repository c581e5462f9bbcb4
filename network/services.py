"""Writes of the network app. Every write: keyword-only, atomic, validated, audited.

``actor`` is the user who acts; ``None`` is the system itself (demo data, tasks), which is
never a web request and is not checked. Records edited in web forms carry the version
they were read at, and a stale one is refused (optimistic locking, ``ConflictError``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from centres.access import UserLike
from centres.models import Centre, Organization
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
SELF_ASSESSMENT_FIELDS = tuple(
    name for pair in zip(SCORE_FIELDS, EVIDENCE_FIELDS, strict=True) for name in pair
)

_M = TypeVar("_M", bound=models.Model)


def _day(value: date) -> str:
    return date_format(value, "DATE_FORMAT")


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
                        % {"date": _day(membership.joined)}
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
                % {"date": _day(on), "names": ", ".join(sorted(outside))}
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
                    % {"date": _day(early.due)},
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
                % {"date": _day(timezone.localdate(first))},
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
            % {"date": _day(consultation.opens)},
            code="not_open_yet",
        )
    if today > consultation.closes:
        raise ValidationError(
            _("The consultation closed on %(date)s: answers are no longer accepted.")
            % {"date": _day(consultation.closes)},
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
            % {"date": _day(timezone.localdate(locked.submitted_at)) if locked.submitted_at else "—"},
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
