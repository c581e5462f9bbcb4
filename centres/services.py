"""Writes of the centres app. Every write: keyword-only, atomic, validated, audited.

Audit rows are written by database triggers (django-pghistory); ``audited`` attaches
the acting user to them when the write does not come through a web request.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

import pghistory
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from centres import access
from centres.access import UserLike
from centres.models import (
    AGE_BANDS,
    MAX_SERIES_OCCURRENCES,
    SECTOR_OF_KIND,
    VOLUNTEER_PERSONAL_FIELDS,
    Activity,
    ActivityPartner,
    ActivitySeries,
    Centre,
    Group,
    Membership,
    OperatorTerm,
    Organization,
    Osiedle,
    Project,
    ProjectActivity,
    ProjectIndicator,
    ProjectPartner,
    Resource,
    Sector,
    SeriesFrequency,
    Volunteer,
    elapsed,
)
from centres.validators import normalise_number

# What an operator may change on the public profile of their centre; status,
# operator and location belong to the city.
CENTRE_PROFILE_FIELDS = ("description", "opening_hours", "email", "phone", "website", "accessibility_notes")


# The fields of an organisation that people fill in (admin form, API).
ORGANIZATION_FIELDS = (
    "name",
    "kind",
    "sector",
    "legal_form",
    "krs",
    "nip",
    "regon",
    "street_address",
    "postal_code",
    "city",
    "email",
    "phone",
    "website",
    "osiedle",
)


class ConflictError(ValidationError):
    """Someone else saved the record since it was read (optimistic locking)."""


@contextmanager
def audited(actor: UserLike | None, action: str) -> Iterator[None]:
    """Attach the acting user and the action to the audit rows written inside (every app's services)."""
    with pghistory.context(user=getattr(actor, "pk", None), action=action):
        yield


def set_fields(instance: Any, fields: dict[str, Any], allowed: Iterable[str]) -> None:
    """Set the given fields, refusing any a service does not let its caller change."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(instance, name, value)


# --- Centres --------------------------------------------------------------------


@transaction.atomic
def centre_update_profile(*, centre: Centre, actor: UserLike, expected_version: int, **fields: Any) -> Centre:
    """An operator (or city staff) edits the public profile of a centre.

    Refuses a save based on an outdated read, so that a colleague's change is not lost.
    """
    if not access.can_edit_centre(actor, centre):
        raise PermissionDenied
    locked = Centre.objects.select_for_update().get(pk=centre.pk)
    if locked.version != expected_version:
        raise ConflictError(
            _(
                "Someone else changed this centre while you were editing it. "
                "Your changes were not saved: reload the page to see the current version."
            ),
            code="conflict",
        )
    set_fields(locked, fields, CENTRE_PROFILE_FIELDS)
    locked.version += 1
    locked.full_clean()
    with audited(actor, "centre.update_profile"):
        locked.save()
    return locked


@transaction.atomic
def centre_save(
    *, centre: Centre, actor: UserLike | None, served_osiedla: Iterable[Osiedle] | None = None
) -> Centre:
    """City staff create or change a centre in full (the admin, seed data)."""
    if actor is not None and not access.is_city_staff(actor):
        raise PermissionDenied
    if centre.pk:
        centre.version += 1
    centre.full_clean()
    with audited(actor, "centre.save"):
        centre.save()
        if served_osiedla is not None:
            centre.served_osiedla.set(served_osiedla)
    return centre


# --- Organisations --------------------------------------------------------------


@transaction.atomic
def organization_save(*, organization: Organization, actor: UserLike | None) -> Organization:
    """Create or change an organisation of the registry (city staff)."""
    if actor is not None and not access.can_manage_registry(actor):
        raise PermissionDenied
    for field in ("krs", "nip", "regon"):
        setattr(organization, field, normalise_number(getattr(organization, field)))
    if not organization.sector:
        organization.sector = SECTOR_OF_KIND[organization.kind]
    organization.full_clean()
    try:
        # A savepoint: a concurrent save of the same number loses the race cleanly.
        with transaction.atomic(), audited(actor, "organization.save"):
            organization.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("An organisation with the same KRS, NIP or REGON was saved a moment ago."), code="unique"
        ) from exc
    return organization


# --- Operator terms and memberships -----------------------------------------------


@transaction.atomic
def operator_term_save(*, term: OperatorTerm, actor: UserLike | None) -> OperatorTerm:
    """Record a grant agreement; no two terms of one centre may overlap."""
    if actor is not None and not access.can_manage_registry(actor):
        raise PermissionDenied
    term.full_clean()
    with audited(actor, "operator_term.save"):
        term.save()
    return term


@transaction.atomic
def membership_save(*, membership: Membership, actor: UserLike | None) -> Membership:
    if actor is not None and not access.can_manage_registry(actor):
        raise PermissionDenied
    membership.full_clean()
    with audited(actor, "membership.save"):
        membership.save()
    return membership


@transaction.atomic
def role_groups_ensure() -> list[AuthGroup]:
    """The role groups exist (idempotent)."""
    return [AuthGroup.objects.get_or_create(name=name)[0] for name in access.ROLE_GROUPS]


# --- Organisations added on the spot by operators ---------------------------------


@transaction.atomic
def organization_add_partner(*, actor: UserLike, name: str, kind: str) -> Organization:
    """An operator adds a partner missing from the registry (name and kind; city staff
    complete the rest). An organisation of the same name is not added twice."""
    if not access.can_add_organization(actor):
        raise PermissionDenied
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("This field is required.")}, code="required")
    existing = Organization.objects.filter(name__iexact=name).first()
    if existing is not None:
        raise ValidationError(
            {
                "name": _("“%(name)s” is already in the registry: pick it from the list of organisations.")
                % {"name": existing.name}
            },
            code="duplicate",
        )
    # An unknown kind is reported on "kind" alone, not also as a missing sector.
    organization = Organization(name=name, kind=kind, sector=SECTOR_OF_KIND.get(kind, Sector.CIVIC))
    organization.full_clean()
    with audited(actor, "organization.add_partner"):
        organization.save()
    return organization


# --- Records of a centre: resources, activities, volunteers, groups ----------------
# Each is created for a centre the actor may edit, and changed or deleted only with the
# version it was read at (optimistic locking), so that a colleague's change is not lost.

RESOURCE_FIELDS = ("kind", "category", "name", "description", "capacity", "accessible", "shareable")
ACTIVITY_FIELDS = (
    "title",
    "description",
    "start",
    "end",
    "method",
    "form",
    "place",
    "in_public_space",
    "resident_initiated",
    *(name for name, _label in AGE_BANDS),
    "volunteers_involved",
    "volunteer_hours",
    "effects",
    "is_public",
)
VOLUNTEER_FIELDS = (
    "name",
    "email",
    "phone",
    "skills",
    "notes",
    "is_leader",
    "consent_date",
    "consent_scope",
    "legal_basis",
    "agreement_start",
    "agreement_end",
    "active",
)
GROUP_FIELDS = ("name", "kind", "meets", "description", "members_count", "active")

_R = TypeVar("_R", Resource, Activity, Volunteer, Group, Project)
# Records read again under a row lock: those of a centre, and a project's indicators.
_L = TypeVar("_L", Resource, Activity, Volunteer, Group, Project, ProjectIndicator)


def _conflict(record: Model) -> ConflictError:
    return ConflictError(
        _(
            "Someone else saved a change to this record (%(record)s) while you were editing it. "
            "Your changes were not saved: reload the page to see the current version, then make "
            "your changes again."
        )
        % {"record": record},
        code="conflict",
    )


def _check_centre(actor: UserLike, centre: Centre) -> None:
    if not access.can_edit_centre(actor, centre):
        raise PermissionDenied


def _lock(record: _L, expected_version: int) -> _L:
    """The record re-read under a row lock; a ConflictError if it changed since it was read."""
    try:
        locked = type(record).objects.select_for_update().get(pk=record.pk)
    except type(record).DoesNotExist as exc:
        raise ConflictError(
            _("This record was deleted by someone else while you were editing it."), code="conflict"
        ) from exc
    if locked.version != expected_version:
        raise _conflict(locked)
    return locked


def _record_create(record: _R, *, actor: UserLike, fields: dict[str, Any], allowed: Iterable[str]) -> _R:
    _check_centre(actor, record.centre)
    set_fields(record, fields, allowed)
    record.full_clean()
    with audited(actor, f"{record._meta.model_name}.create"):
        record.save()
    return record


def _record_update(
    record: _R, *, actor: UserLike, expected_version: int, fields: dict[str, Any], allowed: Iterable[str]
) -> _R:
    _check_centre(actor, record.centre)
    locked = _lock(record, expected_version)
    set_fields(locked, fields, allowed)
    locked.version += 1
    locked.full_clean()
    with audited(actor, f"{record._meta.model_name}.update"):
        locked.save()
    return locked


def _record_delete(record: _R, *, actor: UserLike, expected_version: int) -> None:
    _check_centre(actor, record.centre)
    locked = _lock(record, expected_version)
    with audited(actor, f"{record._meta.model_name}.delete"):
        locked.delete()


@transaction.atomic
def resource_create(*, centre: Centre, actor: UserLike, **fields: Any) -> Resource:
    return _record_create(Resource(centre=centre), actor=actor, fields=fields, allowed=RESOURCE_FIELDS)


@transaction.atomic
def resource_update(*, resource: Resource, actor: UserLike, expected_version: int, **fields: Any) -> Resource:
    return _record_update(
        resource, actor=actor, expected_version=expected_version, fields=fields, allowed=RESOURCE_FIELDS
    )


@transaction.atomic
def resource_delete(*, resource: Resource, actor: UserLike, expected_version: int) -> None:
    _record_delete(resource, actor=actor, expected_version=expected_version)


@transaction.atomic
def group_create(*, centre: Centre, actor: UserLike, **fields: Any) -> Group:
    return _record_create(Group(centre=centre), actor=actor, fields=fields, allowed=GROUP_FIELDS)


@transaction.atomic
def group_update(*, group: Group, actor: UserLike, expected_version: int, **fields: Any) -> Group:
    return _record_update(
        group, actor=actor, expected_version=expected_version, fields=fields, allowed=GROUP_FIELDS
    )


@transaction.atomic
def group_delete(*, group: Group, actor: UserLike, expected_version: int) -> None:
    _record_delete(group, actor=actor, expected_version=expected_version)


# --- Activities -------------------------------------------------------------------


def _set_partners(activity: Activity, partners: Iterable[Organization]) -> None:
    wanted = {org.pk for org in partners}
    current = set(activity.partner_links.values_list("organization_id", flat=True))
    ActivityPartner.objects.filter(activity=activity, organization_id__in=current - wanted).delete()
    ActivityPartner.objects.bulk_create(
        [ActivityPartner(activity=activity, organization_id=pk) for pk in sorted(wanted - current)]
    )


def _with_new_partner(
    *, actor: UserLike, partners: Iterable[Organization], new_partner_name: str, new_partner_kind: str
) -> list[Organization]:
    """The chosen partners, plus an organisation the operator adds to the registry on the spot."""
    result = list(partners)
    if not new_partner_name.strip():
        return result
    if not new_partner_kind:
        raise ValidationError(
            {"new_partner_kind": _("Choose the kind of the new organisation.")}, code="required"
        )
    try:
        result.append(organization_add_partner(actor=actor, name=new_partner_name, kind=new_partner_kind))
    except ValidationError as exc:
        # The organisation's fields are named differently on the activity's form.
        on_name = [m for field, messages in exc.message_dict.items() if field != "kind" for m in messages]
        on_kind = exc.message_dict.get("kind", [])
        raise ValidationError(
            {
                **({"new_partner_name": on_name} if on_name else {}),
                **({"new_partner_kind": on_kind} if on_kind else {}),
            }
        ) from exc
    return result


@transaction.atomic
def activity_create(
    *,
    centre: Centre,
    actor: UserLike,
    partners: Iterable[Organization] = (),
    new_partner_name: str = "",
    new_partner_kind: str = "",
    **fields: Any,
) -> Activity:
    activity = _record_create(Activity(centre=centre), actor=actor, fields=fields, allowed=ACTIVITY_FIELDS)
    partner_list = _with_new_partner(
        actor=actor, partners=partners, new_partner_name=new_partner_name, new_partner_kind=new_partner_kind
    )
    with audited(actor, "activity.create"):
        _set_partners(activity, partner_list)
    return activity


@transaction.atomic
def activity_update(
    *,
    activity: Activity,
    actor: UserLike,
    expected_version: int,
    partners: Iterable[Organization] | None = None,
    new_partner_name: str = "",
    new_partner_kind: str = "",
    **fields: Any,
) -> Activity:
    """Change one activity; in a series, only this occurrence changes. An activity carried
    out under a project stays within the project's period."""
    updated = _record_update(
        activity, actor=actor, expected_version=expected_version, fields=fields, allowed=ACTIVITY_FIELDS
    )
    if "start" in fields:
        _check_activity_in_projects(updated)
    if new_partner_name.strip():
        current = list(updated.partners.all()) if partners is None else partners
        partners = _with_new_partner(
            actor=actor,
            partners=current,
            new_partner_name=new_partner_name,
            new_partner_kind=new_partner_kind,
        )
    if partners is not None:
        with audited(actor, "activity.update"):
            _set_partners(updated, partners)
    return updated


@transaction.atomic
def activity_delete(*, activity: Activity, actor: UserLike, expected_version: int) -> None:
    _record_delete(activity, actor=actor, expected_version=expected_version)


def _add_months(moment: datetime, months: int) -> datetime:
    """The same day of a later month, or that month's last day (31 January → 28/29 February)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, monthrange(year, month)[1]))


def series_starts(*, first_start: datetime, frequency: str, until: date) -> list[datetime]:
    """The starts of a series' occurrences, at the same local wall-clock time across
    daylight-saving changes. Stops one past the limit so a too-long series is reported."""
    local = timezone.localtime(first_start).replace(tzinfo=None)
    starts: list[datetime] = []
    step = 0
    if frequency not in SeriesFrequency.values:
        raise ValidationError({"frequency": _("Choose how often the activity repeats.")}, code="invalid")
    while len(starts) <= MAX_SERIES_OCCURRENCES:
        try:
            if frequency == SeriesFrequency.WEEKLY:
                moment = local + timedelta(weeks=step)
            else:
                moment = _add_months(local, step)
            aware = timezone.make_aware(moment)
        except (OverflowError, ValueError):
            break  # past the last date Python can represent: no later occurrence exists
        if moment.date() > until:
            break
        starts.append(aware)
        step += 1
    return starts


@transaction.atomic
def activity_series_create(
    *,
    centre: Centre,
    actor: UserLike,
    frequency: str,
    until: date | None,
    partners: Iterable[Organization] = (),
    new_partner_name: str = "",
    new_partner_kind: str = "",
    **fields: Any,
) -> ActivitySeries:
    """A weekly or monthly series created in one go: whole, or not at all."""
    _check_centre(actor, centre)
    first = Activity(centre=centre)
    set_fields(first, fields, ACTIVITY_FIELDS)
    first.full_clean()
    if until is None:
        raise ValidationError({"until": _("This field is required.")}, code="required")
    if until < timezone.localtime(first.start).date():
        raise ValidationError(
            {"until": _("The series must end on or after the date of its first occurrence.")},
            code="until_before_start",
        )
    starts = series_starts(first_start=first.start, frequency=frequency, until=until)
    if len(starts) > MAX_SERIES_OCCURRENCES:
        raise ValidationError(
            {
                "until": _("A series can have at most %(max)s occurrences: choose an earlier end date.")
                % {"max": MAX_SERIES_OCCURRENCES}
            },
            code="too_many_occurrences",
        )
    # The real length (not the wall-clock one), so that an evening across the clock change
    # lasts as long as the others and keeps within its volunteer hours.
    length = elapsed(first.start, first.end)
    partner_list = _with_new_partner(
        actor=actor, partners=partners, new_partner_name=new_partner_name, new_partner_kind=new_partner_kind
    )
    with audited(actor, "activity_series.create"):
        series = ActivitySeries.objects.create(
            centre=centre, frequency=frequency, first_start=starts[0], until=until, occurrences=len(starts)
        )
        activities = []
        for start in starts:
            occurrence = Activity(centre=centre, series=series)
            end = timezone.localtime(start.astimezone(UTC) + length)
            set_fields(occurrence, {**fields, "start": start, "end": end}, ACTIVITY_FIELDS)
            occurrence.full_clean()
            activities.append(occurrence)
        Activity.objects.bulk_create(activities)
        ActivityPartner.objects.bulk_create(
            [
                ActivityPartner(activity=activity, organization=organization)
                for activity in activities
                for organization in partner_list
            ]
        )
    return series


# --- Volunteers: personal data ----------------------------------------------------


@transaction.atomic
def volunteer_create(*, centre: Centre, actor: UserLike, **fields: Any) -> Volunteer:
    return _record_create(Volunteer(centre=centre), actor=actor, fields=fields, allowed=VOLUNTEER_FIELDS)


@transaction.atomic
def volunteer_update(
    *, volunteer: Volunteer, actor: UserLike, expected_version: int, **fields: Any
) -> Volunteer:
    _check_centre(actor, volunteer.centre)
    # Asked of the current row, not of the caller's copy: a form read before a colleague
    # erased the volunteer must not bring the personal data back.
    erased = (
        Volunteer.objects.select_for_update()
        .filter(pk=volunteer.pk)
        .values_list("erased_at", flat=True)
        .first()
    )
    if volunteer.erased_at is not None or erased is not None:
        raise ValidationError(_("This volunteer's personal data has been erased."), code="erased")
    return _record_update(
        volunteer, actor=actor, expected_version=expected_version, fields=fields, allowed=VOLUNTEER_FIELDS
    )


@transaction.atomic
def volunteer_erase(*, volunteer: Volunteer, actor: UserLike) -> Volunteer:
    """Erase a volunteer's personal data (GDPR art. 17) everywhere the portal keeps it:
    the record, its audit history and the admin's log. The record stays, anonymous, so
    the centre's figures (volunteers, hours of activities) do not change."""
    _check_centre(actor, volunteer.centre)
    locked = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if locked.erased_at is not None:
        return locked
    # The audit history holds snapshots of the personal data: they go first.
    VolunteerEvent = apps.get_model("centres", "VolunteerEvent")
    VolunteerEvent.objects.filter(pgh_obj_id=locked.pk).delete()
    for name in VOLUNTEER_PERSONAL_FIELDS:
        setattr(locked, name, "")
    locked.consent_date = None
    locked.consent_scope = ""
    locked.legal_basis = ""
    locked.agreement_start = None
    locked.agreement_end = None
    locked.active = False
    locked.erased_at = timezone.now()
    locked.version += 1
    locked.full_clean()
    with audited(actor, "volunteer.erase"):
        locked.save()
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Volunteer), object_id=str(locked.pk)
    ).update(object_repr=str(locked)[:200], change_message="")
    return locked


# --- Projects ---------------------------------------------------------------------

PROJECT_FIELDS = (
    "title",
    "summary",
    "description",
    "funder_kind",
    "funder_name",
    "funder_period_start",
    "funder_period_end",
    "starts_on",
    "ends_on",
    "amount",
    "own_contribution",
    "status",
    "decision_date",
)
PROJECT_INDICATOR_FIELDS = ("name", "measure", "target", "value_entered", "how_measured", "unit")


def _check_project_activities(project: Project, activities: Iterable[Activity]) -> None:
    """Only the project's centre's activities, held (started) within the project's period."""
    problems: list[ValidationError] = []
    for activity in sorted(activities, key=lambda a: (a.start, a.pk)):
        if activity.centre_id != project.centre_id:
            # Named by id only: the title of another centre's activity is not told.
            problems.append(
                ValidationError(
                    _("Activity #%(id)s is not an activity of this centre.") % {"id": activity.pk},
                    code="other_centre",
                )
            )
            continue
        held_on = timezone.localtime(activity.start).date()
        if not project.starts_on <= held_on <= project.ends_on:
            problems.append(
                ValidationError(
                    _(
                        "“%(title)s” (%(date)s) was not held within the project's period "
                        "(%(start)s – %(end)s)."
                    )
                    % {
                        "title": activity.title,
                        "date": held_on.isoformat(),
                        "start": project.starts_on.isoformat(),
                        "end": project.ends_on.isoformat(),
                    },
                    code="outside_period",
                )
            )
    if problems:
        raise ValidationError({"activities": problems})


def _check_activity_in_projects(activity: Activity) -> None:
    """A linked activity moved outside a project's period is refused (the change rolls back)."""
    held_on = timezone.localtime(activity.start).date()
    outside = [
        project
        for project in Project.objects.filter(activity_links__activity=activity).order_by("starts_on", "pk")
        if not project.starts_on <= held_on <= project.ends_on
    ]
    if outside:
        raise ValidationError(
            {
                "start": _(
                    "The activity is carried out under the project “%(title)s” and must be held within "
                    "its period (%(start)s – %(end)s); unlink it from the project first."
                )
                % {
                    "title": outside[0].title,
                    "start": outside[0].starts_on.isoformat(),
                    "end": outside[0].ends_on.isoformat(),
                }
            },
            code="outside_project_period",
        )


def _set_project_links(
    project: Project,
    *,
    partners: Iterable[Organization] | None,
    activities: Iterable[Activity] | None,
) -> None:
    """Bring the project's partners and activities to the given ones (None: unchanged)."""
    if partners is not None:
        wanted = {organization.pk for organization in partners}
        current = set(project.partner_links.values_list("organization_id", flat=True))
        ProjectPartner.objects.filter(project=project, organization_id__in=current - wanted).delete()
        ProjectPartner.objects.bulk_create(
            [ProjectPartner(project=project, organization_id=pk) for pk in sorted(wanted - current)]
        )
    if activities is not None:
        wanted = {activity.pk for activity in activities}
        current = set(project.activity_links.values_list("activity_id", flat=True))
        ProjectActivity.objects.filter(project=project, activity_id__in=current - wanted).delete()
        ProjectActivity.objects.bulk_create(
            [ProjectActivity(project=project, activity_id=pk) for pk in sorted(wanted - current)]
        )


@transaction.atomic
def project_create(
    *,
    centre: Centre,
    actor: UserLike,
    partners: Iterable[Organization] = (),
    activities: Iterable[Activity] = (),
    **fields: Any,
) -> Project:
    """A project of a centre the actor may edit, with its partners and the activities
    carried out under it (the centre's own, held within the project's period)."""
    _check_centre(actor, centre)
    project = Project(centre=centre)
    set_fields(project, fields, PROJECT_FIELDS)
    project.full_clean()
    chosen = list(activities)
    _check_project_activities(project, chosen)
    with audited(actor, "project.create"):
        project.save()
        _set_project_links(project, partners=list(partners), activities=chosen)
    return project


@transaction.atomic
def project_update(
    *,
    project: Project,
    actor: UserLike,
    expected_version: int,
    partners: Iterable[Organization] | None = None,
    activities: Iterable[Activity] | None = None,
    **fields: Any,
) -> Project:
    """Change a project with the version it was read at; partners or activities left out
    (None) stay as they are. A new period must still hold every linked activity."""
    _check_centre(actor, project.centre)
    locked = _lock(project, expected_version)
    period = (locked.starts_on, locked.ends_on)
    set_fields(locked, fields, PROJECT_FIELDS)
    locked.version += 1
    locked.full_clean()
    chosen: list[Activity] | None = None
    if activities is not None:
        chosen = list(activities)
        _check_project_activities(locked, chosen)
    elif (locked.starts_on, locked.ends_on) != period:
        _check_project_activities(locked, locked.activities.all())
    with audited(actor, "project.update"):
        locked.save()
        _set_project_links(locked, partners=None if partners is None else list(partners), activities=chosen)
    return locked


@transaction.atomic
def project_delete(*, project: Project, actor: UserLike, expected_version: int) -> None:
    """Delete a project with its indicators and links (the activities themselves stay)."""
    _record_delete(project, actor=actor, expected_version=expected_version)


@transaction.atomic
def project_indicator_create(*, project: Project, actor: UserLike, **fields: Any) -> ProjectIndicator:
    _check_centre(actor, project.centre)
    indicator = ProjectIndicator(project=project)
    set_fields(indicator, fields, PROJECT_INDICATOR_FIELDS)
    indicator.full_clean()
    with audited(actor, "project_indicator.create"):
        indicator.save()
    return indicator


@transaction.atomic
def project_indicator_update(
    *, indicator: ProjectIndicator, actor: UserLike, expected_version: int, **fields: Any
) -> ProjectIndicator:
    _check_centre(actor, indicator.project.centre)
    locked = _lock(indicator, expected_version)
    set_fields(locked, fields, PROJECT_INDICATOR_FIELDS)
    locked.version += 1
    locked.full_clean()
    with audited(actor, "project_indicator.update"):
        locked.save()
    return locked


@transaction.atomic
def project_indicator_delete(*, indicator: ProjectIndicator, actor: UserLike, expected_version: int) -> None:
    _check_centre(actor, indicator.project.centre)
    locked = _lock(indicator, expected_version)
    with audited(actor, "project_indicator.delete"):
        locked.delete()
