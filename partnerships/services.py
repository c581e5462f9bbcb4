"""Writes of the partnerships app. Every write: keyword-only, atomic, validated, audited.

``actor`` is the user who acts; ``None`` is the system itself (demo data, tasks), which
is never a web request. Workspace forms carry the version of the partnership (or
meeting, priority) they were read at, and a stale one is refused (optimistic locking).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cal_portal.text import day_text
from centres import services as centre_services
from centres.access import UserLike
from centres.models import Centre, Organization, Osiedle
from centres.services import ConflictError, audited, set_fields
from partnerships import permissions
from partnerships.models import (
    PHASE_ORDER,
    MemberRole,
    Partnership,
    PartnershipMeeting,
    PartnershipMeetingAttendee,
    PartnershipMember,
    PartnershipOsiedle,
    Phase,
    PhaseChange,
    Priority,
)

# What people fill in about a partnership (the phase moves only through partnership_phase_move).
PARTNERSHIP_FIELDS = (
    "name",
    "mode",
    "leader",
    "goals",
    "founded_on",
    "voluntariness",
    "equality",
    "openness",
    "locality",
    "agreement_status",
    "agreement_date",
)
MEETING_FIELDS = ("date", "place", "agenda", "decisions", "minutes")
PRIORITY_FIELDS = ("challenge", "osiedle", "status")


def _check_partnership(actor: UserLike | None, partnership: Partnership) -> None:
    if actor is not None and not permissions.can_edit_partnership(actor, partnership):
        raise PermissionDenied


def _conflict(what: str) -> ConflictError:
    return ConflictError(
        _(
            "Someone else changed this %(record)s while you were editing it. Your changes were "
            "not saved: reload the page to see the current version, then make your changes again."
        )
        % {"record": what},
        code="conflict",
    )


def _lock_partnership(partnership: Partnership, expected_version: int | None) -> Partnership:
    try:
        locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
    except Partnership.DoesNotExist as exc:
        raise ConflictError(
            _("This record was deleted by someone else while you were editing it."), code="conflict"
        ) from exc
    if expected_version is not None and locked.version != expected_version:
        raise _conflict(str(Partnership._meta.verbose_name))
    return locked


def _check_osiedla(osiedla: list[Osiedle]) -> None:
    if not osiedla:
        raise ValidationError(
            {"osiedla": _("Choose at least one osiedle the partnership works in.")}, code="required"
        )


def _set_osiedla(partnership: Partnership, osiedla: Iterable[Osiedle]) -> None:
    wanted = {osiedle.pk for osiedle in osiedla}
    current = set(partnership.osiedle_links.values_list("osiedle_id", flat=True))
    PartnershipOsiedle.objects.filter(partnership=partnership, osiedle_id__in=current - wanted).delete()
    PartnershipOsiedle.objects.bulk_create(
        [PartnershipOsiedle(partnership=partnership, osiedle_id=pk) for pk in sorted(wanted - current)]
    )


# --- Partnerships -------------------------------------------------------------------


@transaction.atomic
def partnership_create(
    *,
    centre: Centre,
    actor: UserLike | None,
    osiedla: Iterable[Osiedle],
    phase: str = Phase.FORMING,
    **fields: Any,
) -> Partnership:
    """A centre starts a partnership or records one it joins, in the phase it is in.
    The phase log starts with that phase on the founding date."""
    if actor is not None and not permissions.can_create_partnership(actor, centre):
        raise PermissionDenied
    partnership = Partnership(lead_centre=centre, phase=phase)
    set_fields(partnership, fields, PARTNERSHIP_FIELDS)
    osiedle_list = list(osiedla)
    errors: dict[str, Any] = {}
    try:
        partnership.full_clean()
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    try:
        _check_osiedla(osiedle_list)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    with audited(actor, "partnership.create"):
        partnership.save()
        _set_osiedla(partnership, osiedle_list)
        PhaseChange.objects.create(
            partnership=partnership,
            from_phase="",
            to_phase=phase,
            date=partnership.founded_on,
            by_id=getattr(actor, "pk", None),
        )
    return partnership


def _founding_limits(partnership: Partnership) -> list[tuple[date, str]]:
    """The earliest dated records of a partnership: its founding date cannot move past them."""
    limits: list[tuple[date, str]] = []
    first_joined = partnership.members.aggregate(first=models.Min("joined"))["first"]
    if first_joined is not None:
        limits.append((first_joined, _("the first member joined on %(date)s")))
    first_meeting = partnership.meetings.aggregate(first=models.Min("date"))["first"]
    if first_meeting is not None:
        limits.append((first_meeting, _("the first meeting was on %(date)s")))
    first_move = partnership.phase_changes.exclude(from_phase="").aggregate(first=models.Min("date"))["first"]
    if first_move is not None:
        limits.append((first_move, _("the first phase change was on %(date)s")))
    return limits


@transaction.atomic
def partnership_update(
    *,
    partnership: Partnership,
    actor: UserLike | None,
    expected_version: int,
    osiedla: Iterable[Osiedle] | None = None,
    **fields: Any,
) -> Partnership:
    """Change what people fill in about a partnership: name, role of the centre, area,
    goals, principles, founding date and agreement."""
    _check_partnership(actor, partnership)
    locked = _lock_partnership(partnership, expected_version)
    set_fields(locked, fields, PARTNERSHIP_FIELDS)
    errors: dict[str, Any] = {}
    try:
        locked.full_clean()
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if "founded_on" in fields and "founded_on" not in errors:
        for limit, reason in _founding_limits(locked):
            if locked.founded_on > limit:
                errors.setdefault("founded_on", []).append(
                    ValidationError(
                        _("The partnership cannot be founded after its own records: %(reason)s.")
                        % {"reason": reason % {"date": day_text(limit)}},
                        code="after_records",
                    )
                )
    osiedle_list = None if osiedla is None else list(osiedla)
    if osiedle_list is not None:
        try:
            _check_osiedla(osiedle_list)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        else:
            kept = {o.pk for o in osiedle_list}
            used = (
                locked.priorities.filter(osiedle__isnull=False)
                .exclude(osiedle_id__in=kept)
                .select_related("osiedle")
                .order_by("osiedle__name")
            )
            names = sorted({p.osiedle.name for p in used if p.osiedle is not None})
            if names:
                errors["osiedla"] = [
                    ValidationError(
                        _("Priorities of the partnership concern %(osiedla)s: keep it or change them first.")
                        % {"osiedla": ", ".join(names)},
                        code="used_by_priorities",
                    )
                ]
    if errors:
        raise ValidationError(errors)
    locked.version += 1
    with audited(actor, "partnership.update"):
        locked.save()
        if osiedle_list is not None:
            _set_osiedla(locked, osiedle_list)
        if "founded_on" in fields:
            # The log starts on the founding date.
            locked.phase_changes.filter(from_phase="").update(date=locked.founded_on)
    return locked


@transaction.atomic
def partnership_save(
    *, partnership: Partnership, actor: UserLike | None, osiedla: Iterable[Osiedle] | None = None
) -> Partnership:
    """City staff create or change a partnership in full (the admin). The phase is not
    changed here: it moves through partnership_phase_move, which logs it."""
    if actor is not None and not permissions.can_edit_partnership(actor, partnership):
        raise PermissionDenied
    created = partnership.pk is None
    if not created:
        partnership.version += 1
    partnership.full_clean()
    with audited(actor, "partnership.save"):
        partnership.save()
        if osiedla is not None:
            _set_osiedla(partnership, osiedla)
        if created:
            PhaseChange.objects.create(
                partnership=partnership,
                from_phase="",
                to_phase=partnership.phase,
                date=partnership.founded_on,
                by_id=getattr(actor, "pk", None),
            )
    return partnership


@transaction.atomic
def partnership_phase_move(
    *,
    partnership: Partnership,
    actor: UserLike | None,
    to_phase: str,
    date: date | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> PhaseChange:
    """Move a partnership to another phase, logged with its date and note.

    Moving back to a phase the partnership never reached, or reopening an ended one,
    needs a note that says why."""
    _check_partnership(actor, partnership)
    locked = _lock_partnership(partnership, expected_version)
    on = date or timezone.localdate()
    note = note.strip()
    errors: dict[str, list[ValidationError]] = {}

    def refuse(field: str, message: str, code: str) -> None:
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    if to_phase not in PHASE_ORDER:
        refuse("to_phase", _("Choose a phase."), "invalid_choice")
    elif to_phase == locked.phase:
        refuse("to_phase", _("The partnership is already in this phase."), "same_phase")
    else:
        reached = set(locked.phase_changes.values_list("to_phase", flat=True)) | {locked.phase}
        backwards = PHASE_ORDER.index(to_phase) < PHASE_ORDER.index(locked.phase)
        label = Phase(to_phase).label
        if locked.phase == Phase.ENDED and not note:
            refuse("note", _("Say in a note why the ended partnership is reopened."), "note_required")
        elif backwards and to_phase not in reached and not note:
            refuse(
                "note",
                _(
                    "The partnership never reached the phase “%(phase)s”: "
                    "say in a note why it moves back to it."
                )
                % {"phase": label},
                "note_required",
            )
    if on > timezone.localdate():
        refuse("date", _("A phase change cannot be dated in the future."), "future")
    else:
        last = locked.phase_changes.aggregate(last=models.Max("date"))["last"]
        if on < locked.founded_on:
            refuse(
                "date",
                _("A phase change cannot be dated before the partnership was founded (%(date)s).")
                % {"date": day_text(locked.founded_on)},
                "before_founding",
            )
        elif last is not None and on < last:
            refuse(
                "date",
                _("A phase change cannot be dated before the previous one (%(date)s).")
                % {"date": day_text(last)},
                "before_previous",
            )
    if errors:
        raise ValidationError(errors)
    change = PhaseChange(
        partnership=locked,
        from_phase=locked.phase,
        to_phase=to_phase,
        date=on,
        note=note,
        by_id=getattr(actor, "pk", None),
    )
    change.full_clean()
    locked.phase = to_phase
    locked.version += 1
    with audited(actor, "partnership.phase_move"):
        change.save()
        locked.save(update_fields=["phase", "version", "updated_at"])
    return change


# --- Members ------------------------------------------------------------------------


def _new_organization(*, actor: UserLike | None, name: str, kind: str) -> Organization:
    """A partner added to the registry on the spot; its errors are the form's fields."""
    if not kind:
        raise ValidationError(
            {"new_organization_kind": _("Choose the kind of the new organisation.")}, code="required"
        )
    try:
        if actor is None:
            return centre_services.organization_save(
                organization=Organization(name=" ".join(name.split()), kind=kind), actor=None
            )
        return centre_services.organization_add_partner(actor=actor, name=name, kind=kind)
    except ValidationError as exc:
        errors = exc.message_dict
        mapped: dict[str, list[str]] = {
            "new_organization_name": errors.get("name", []) + errors.get("__all__", [])
        }
        if "kind" in errors:
            mapped["new_organization_kind"] = errors["kind"]
        raise ValidationError({k: v for k, v in mapped.items() if v}) from exc


def _overlapping(
    partnership: Partnership, organization: Organization, joined: date, left: date | None
) -> Any:
    qs = PartnershipMember.objects.filter(partnership=partnership, organization=organization)
    qs = qs.filter(models.Q(left__isnull=True) | models.Q(left__gte=joined))
    if left is not None:
        qs = qs.filter(joined__lte=left)
    return qs.order_by("joined").first()


@transaction.atomic
def partnership_member_add(
    *,
    partnership: Partnership,
    actor: UserLike | None,
    joined: date,
    organization: Organization | None = None,
    role: str = "",
    left: date | None = None,
    new_organization_name: str = "",
    new_organization_kind: str = "",
) -> PartnershipMember:
    """An organisation joins the partnership: one from the registry, or one the operator
    adds to the registry on the spot (name and kind)."""
    _check_partnership(actor, partnership)
    # The partnership's row lock serialises concurrent additions of the same organisation.
    locked = _lock_partnership(partnership, None)
    if organization is not None and new_organization_name.strip():
        raise ValidationError(
            {"organization": _("Choose an organisation from the registry or add a new one, not both.")},
            code="both",
        )
    if organization is None:
        if not new_organization_name.strip():
            raise ValidationError(
                {"organization": _("Choose an organisation from the registry or add a new one.")},
                code="required",
            )
        organization = _new_organization(actor=actor, name=new_organization_name, kind=new_organization_kind)
    member = PartnershipMember(
        partnership=locked,
        organization=organization,
        joined=joined,
        left=left,
        role=role or MemberRole.MEMBER,
    )
    member.full_clean(validate_constraints=False)
    existing = _overlapping(locked, organization, joined, left)
    if existing is not None:
        if existing.left is None:
            message = _("%(name)s is already a member of this partnership (since %(date)s).") % {
                "name": organization.name,
                "date": day_text(existing.joined),
            }
        else:
            message = _(
                "%(name)s was a member of this partnership from %(joined)s to %(left)s: "
                "the periods cannot overlap."
            ) % {
                "name": organization.name,
                "joined": day_text(existing.joined),
                "left": day_text(existing.left),
            }
        raise ValidationError({"organization": ValidationError(message, code="duplicate")})
    member.validate_constraints()
    try:
        with transaction.atomic(), audited(actor, "partnership.member_add"):
            member.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"organization": _("This organisation is already a member of the partnership in that period.")},
            code="duplicate",
        ) from exc
    return member


@transaction.atomic
def partnership_member_leave(
    *, member: PartnershipMember, actor: UserLike | None, left: date
) -> PartnershipMember:
    """Record the day an organisation left (it is a member up to and including that day)."""
    _check_partnership(actor, member.partnership)
    locked = PartnershipMember.objects.select_for_update().select_related("partnership").get(pk=member.pk)
    if locked.left is not None:
        raise ValidationError(
            {
                "left": _("%(name)s already left the partnership on %(date)s.")
                % {"name": locked.organization.name, "date": day_text(locked.left)}
            },
            code="already_left",
        )
    locked.left = left
    locked.full_clean()
    later = (
        PartnershipMeeting.objects.filter(
            partnership_id=locked.partnership_id,
            attendee_links__organization_id=locked.organization_id,
            date__gt=left,
            date__gte=locked.joined,
        )
        .order_by("date")
        .first()
    )
    if later is not None:
        raise ValidationError(
            {
                "left": _("%(name)s attended the meeting of %(date)s: it cannot have left before it.")
                % {"name": locked.organization.name, "date": day_text(later.date)}
            },
            code="attended_later",
        )
    with audited(actor, "partnership.member_leave"):
        locked.save()
    return locked


@transaction.atomic
def partnership_member_save(*, member: PartnershipMember, actor: UserLike | None) -> PartnershipMember:
    """City staff correct a membership in full (the admin)."""
    _check_partnership(actor, member.partnership)
    member.full_clean()
    try:
        with transaction.atomic(), audited(actor, "partnership.member_save"):
            member.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("This organisation is already a member of the partnership in that period."), code="duplicate"
        ) from exc
    return member


# --- Meetings -----------------------------------------------------------------------


def _check_attendees(partnership: Partnership, day: date, attendees: list[Organization]) -> None:
    if not attendees:
        return
    members = PartnershipMember.objects.filter(
        partnership=partnership, organization__in=attendees, joined__lte=day
    ).filter(models.Q(left__isnull=True) | models.Q(left__gte=day))
    present = set(members.values_list("organization_id", flat=True))
    strangers = sorted(org.name for org in attendees if org.pk not in present)
    if strangers:
        raise ValidationError(
            {
                "attendees": _(
                    "Only organisations that were members of the partnership on the day of the meeting "
                    "can attend it; not: %(names)s."
                )
                % {"names": ", ".join(strangers)}
            },
            code="not_a_member",
        )


def _set_attendees(meeting: PartnershipMeeting, attendees: list[Organization]) -> None:
    wanted = {org.pk for org in attendees}
    current = set(meeting.attendee_links.values_list("organization_id", flat=True))
    PartnershipMeetingAttendee.objects.filter(meeting=meeting, organization_id__in=current - wanted).delete()
    PartnershipMeetingAttendee.objects.bulk_create(
        [PartnershipMeetingAttendee(meeting=meeting, organization_id=pk) for pk in sorted(wanted - current)]
    )


@transaction.atomic
def partnership_meeting_record(
    *,
    partnership: Partnership,
    actor: UserLike | None,
    attendees: Iterable[Organization] = (),
    **fields: Any,
) -> PartnershipMeeting:
    """Record a meeting of the partnership: date, attending members, agenda, decisions."""
    _check_partnership(actor, partnership)
    meeting = PartnershipMeeting(partnership=partnership)
    set_fields(meeting, fields, MEETING_FIELDS)
    attendee_list = list(attendees)
    meeting.full_clean()
    _check_attendees(partnership, meeting.date, attendee_list)
    with audited(actor, "partnership.meeting_record"):
        meeting.save()
        _set_attendees(meeting, attendee_list)
    return meeting


@transaction.atomic
def partnership_meeting_update(
    *,
    meeting: PartnershipMeeting,
    actor: UserLike | None,
    expected_version: int,
    attendees: Iterable[Organization] | None = None,
    **fields: Any,
) -> PartnershipMeeting:
    _check_partnership(actor, meeting.partnership)
    try:
        locked = (
            PartnershipMeeting.objects.select_for_update().select_related("partnership").get(pk=meeting.pk)
        )
    except PartnershipMeeting.DoesNotExist as exc:
        raise ConflictError(
            _("This record was deleted by someone else while you were editing it."), code="conflict"
        ) from exc
    if locked.version != expected_version:
        raise _conflict(str(PartnershipMeeting._meta.verbose_name))
    set_fields(locked, fields, MEETING_FIELDS)
    locked.full_clean()
    attendee_list = list(locked.attendees.all()) if attendees is None else list(attendees)
    _check_attendees(locked.partnership, locked.date, attendee_list)
    locked.version += 1
    with audited(actor, "partnership.meeting_update"):
        locked.save()
        _set_attendees(locked, attendee_list)
    return locked


# --- Priorities ---------------------------------------------------------------------


def _check_priority_osiedle(priority: Priority) -> None:
    if priority.osiedle_id is None:
        return
    if not priority.partnership.osiedle_links.filter(osiedle_id=priority.osiedle_id).exists():
        raise ValidationError(
            {"osiedle": _("Choose one of the osiedla the partnership works in, or leave it empty.")},
            code="outside_area",
        )


@transaction.atomic
def priority_create(*, partnership: Partnership, actor: UserLike | None, **fields: Any) -> Priority:
    _check_partnership(actor, partnership)
    priority = Priority(partnership=partnership)
    set_fields(priority, fields, PRIORITY_FIELDS)
    priority.full_clean()
    _check_priority_osiedle(priority)
    with audited(actor, "partnership.priority_create"):
        priority.save()
    return priority


def _lock_priority(priority: Priority, expected_version: int) -> Priority:
    try:
        locked = Priority.objects.select_for_update().select_related("partnership").get(pk=priority.pk)
    except Priority.DoesNotExist as exc:
        raise ConflictError(
            _("This record was deleted by someone else while you were editing it."), code="conflict"
        ) from exc
    if locked.version != expected_version:
        raise _conflict(str(Priority._meta.verbose_name))
    return locked


@transaction.atomic
def priority_update(
    *, priority: Priority, actor: UserLike | None, expected_version: int, **fields: Any
) -> Priority:
    _check_partnership(actor, priority.partnership)
    locked = _lock_priority(priority, expected_version)
    set_fields(locked, fields, PRIORITY_FIELDS)
    locked.full_clean()
    _check_priority_osiedle(locked)
    locked.version += 1
    with audited(actor, "partnership.priority_update"):
        locked.save()
    return locked


@transaction.atomic
def priority_delete(*, priority: Priority, actor: UserLike | None, expected_version: int) -> None:
    _check_partnership(actor, priority.partnership)
    locked = _lock_priority(priority, expected_version)
    with audited(actor, "partnership.priority_delete"):
        locked.delete()


@transaction.atomic
def partnership_record_save(
    *, record: PartnershipMeeting | Priority, actor: UserLike | None
) -> PartnershipMeeting | Priority:
    """City staff correct a meeting or a priority in full (the admin's inlines)."""
    _check_partnership(actor, record.partnership)
    record.full_clean()
    if isinstance(record, Priority):
        _check_priority_osiedle(record)
    if record.pk is not None:
        record.version += 1
    with audited(actor, f"partnership.{record._meta.model_name}_save"):
        record.save()
    return record
