"""Writes of the diagnosis app. Every write: keyword-only, atomic, validated, audited.

``actor`` is the user who acts; ``None`` is the system itself (demo data), never a web
request. Diagnoses and findings are changed with the version they were read at (optimistic
locking): a stale one is refused with centres.services.ConflictError. Audit rows are written
by database triggers (django-pghistory); ``centres.services.audited`` names the actor and the action.

A resident's submission has no actor and no personal data: it is refused unless its
diagnosis is in progress with residents' input open.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from centres import access
from centres.access import UserLike
from centres.models import Activity, Centre, Osiedle
from centres.services import ConflictError, audited, set_fields
from diagnosis.models import (
    DECIDED_STATUSES,
    SUBMISSION_KINDS,
    SUBMISSION_MAX_LENGTH,
    Diagnosis,
    DiagnosisOsiedle,
    DiagnosisStatus,
    Finding,
    FindingResponse,
    FindingStatus,
    MethodUse,
    ResidentSubmission,
    SubmissionStatus,
)

# What people fill in (the workspace forms, the API and the admin share these lists).
DIAGNOSIS_FIELDS = (
    "title",
    "description",
    "period_start",
    "period_end",
    "status",
    "conclusions",
    "submissions_open",
)
METHOD_FIELDS = ("method", "date", "respondents", "notes")
# The status of a finding is changed by finding_set_status (and follows its activities).
FINDING_FIELDS = (
    "kind",
    "theme",
    "title",
    "description",
    "priority",
    "target_groups",
    "osiedle",
    "latitude",
    "longitude",
)
# What the operator may set when accepting a resident's submission as a finding.
ACCEPT_FIELDS = ("kind", "theme", "title", "description", "priority", "target_groups", "osiedle")

_V = TypeVar("_V", Diagnosis, Finding)


def _check_centre(actor: UserLike | None, centre: Centre) -> None:
    if actor is not None and not access.can_edit_centre(actor, centre):
        raise PermissionDenied


def _lock(record: _V, expected_version: int) -> _V:
    """The record re-read under a row lock; a ConflictError if it changed since it was read."""
    model = type(record)
    try:
        locked = model.objects.select_for_update().get(pk=record.pk)
    except model.DoesNotExist as exc:
        raise ConflictError(
            _("This record was deleted by someone else while you were editing it."), code="conflict"
        ) from exc
    if locked.version != expected_version:
        raise ConflictError(
            _(
                "Someone else saved a change to this record (%(record)s) while you were editing it. "
                "Your changes were not saved: reload the page to see the current version, then make "
                "your changes again."
            )
            % {"record": locked},
            code="conflict",
        )
    return locked


# --- Diagnoses --------------------------------------------------------------------------


def _check_osiedla(osiedla: list[Osiedle]) -> None:
    if not osiedla:
        raise ValidationError(
            {"osiedla": _("Choose at least one osiedle that the diagnosis covers.")}, code="required"
        )


def _set_osiedla(diagnosis: Diagnosis, osiedla: Iterable[Osiedle]) -> None:
    wanted = {osiedle.pk for osiedle in osiedla}
    current = set(diagnosis.osiedle_links.values_list("osiedle_id", flat=True))
    DiagnosisOsiedle.objects.filter(diagnosis=diagnosis, osiedle_id__in=current - wanted).delete()
    DiagnosisOsiedle.objects.bulk_create(
        [DiagnosisOsiedle(diagnosis=diagnosis, osiedle_id=pk) for pk in sorted(wanted - current)]
    )


def _mark_published(diagnosis: Diagnosis, previous_status: str | None) -> None:
    if diagnosis.status == DiagnosisStatus.PUBLISHED and previous_status != DiagnosisStatus.PUBLISHED:
        diagnosis.published_at = timezone.now()
    elif diagnosis.status != DiagnosisStatus.PUBLISHED:
        diagnosis.published_at = None


@transaction.atomic
def diagnosis_create(
    *, centre: Centre, actor: UserLike | None, osiedla: Iterable[Osiedle], **fields: Any
) -> Diagnosis:
    """Plan (or record) a diagnosis of the osiedla a centre serves."""
    _check_centre(actor, centre)
    osiedle_list = list(osiedla)
    diagnosis = Diagnosis(centre=centre)
    set_fields(diagnosis, fields, DIAGNOSIS_FIELDS)
    _mark_published(diagnosis, None)
    errors: dict[str, Any] = {}
    try:
        diagnosis.full_clean()
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        _check_osiedla(osiedle_list)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with audited(actor, "diagnosis.create"):
        diagnosis.save()
        _set_osiedla(diagnosis, osiedle_list)
    return diagnosis


@transaction.atomic
def diagnosis_update(
    *,
    diagnosis: Diagnosis,
    actor: UserLike | None,
    expected_version: int,
    osiedla: Iterable[Osiedle] | None = None,
    **fields: Any,
) -> Diagnosis:
    """Change a diagnosis. When it stops being in progress, residents' input closes with it;
    publishing needs the conclusions."""
    _check_centre(actor, diagnosis.centre)
    locked = _lock(diagnosis, expected_version)
    previous_status = locked.status
    set_fields(locked, fields, DIAGNOSIS_FIELDS)
    if previous_status == DiagnosisStatus.RUNNING and locked.status != DiagnosisStatus.RUNNING:
        locked.submissions_open = False
    _mark_published(locked, previous_status)
    locked.version += 1
    osiedle_list = None if osiedla is None else list(osiedla)
    errors: dict[str, Any] = {}
    try:
        locked.full_clean()
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if osiedle_list is not None:
        try:
            _check_osiedla(osiedle_list)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with audited(actor, "diagnosis.update"):
        locked.save()
        if osiedle_list is not None:
            _set_osiedla(locked, osiedle_list)
    return locked


@transaction.atomic
def diagnosis_set_status(
    *, diagnosis: Diagnosis, actor: UserLike | None, expected_version: int, status: str
) -> Diagnosis:
    """Start, finish, publish (with conclusions) or withdraw from publication."""
    if status not in DiagnosisStatus.values:
        raise ValidationError({"status": _("Choose a valid status.")}, code="invalid_choice")
    return diagnosis_update(
        diagnosis=diagnosis, actor=actor, expected_version=expected_version, status=status
    )


@transaction.atomic
def diagnosis_set_submissions(
    *, diagnosis: Diagnosis, actor: UserLike | None, expected_version: int, submissions_open: bool
) -> Diagnosis:
    """Open residents' input (only while the diagnosis is in progress) or close it."""
    return diagnosis_update(
        diagnosis=diagnosis, actor=actor, expected_version=expected_version, submissions_open=submissions_open
    )


@transaction.atomic
def diagnosis_delete(*, diagnosis: Diagnosis, actor: UserLike | None, expected_version: int) -> None:
    """Delete a diagnosis that has no findings and is not published (a plan given up)."""
    _check_centre(actor, diagnosis.centre)
    locked = _lock(diagnosis, expected_version)
    if locked.status == DiagnosisStatus.PUBLISHED:
        raise ValidationError(
            _("A published diagnosis cannot be deleted: withdraw it from publication first."),
            code="published",
        )
    if locked.findings.exists():
        raise ValidationError(
            _("This diagnosis has findings: delete them first, or keep the diagnosis."), code="has_findings"
        )
    with audited(actor, "diagnosis.delete"):
        locked.delete()


# --- Methods used ----------------------------------------------------------------------


@transaction.atomic
def method_use_add(*, diagnosis: Diagnosis, actor: UserLike | None, **fields: Any) -> MethodUse:
    _check_centre(actor, diagnosis.centre)
    method_use = MethodUse(diagnosis=diagnosis)
    set_fields(method_use, fields, METHOD_FIELDS)
    method_use.full_clean()
    with audited(actor, "method_use.add"):
        method_use.save()
    return method_use


@transaction.atomic
def method_use_delete(*, method_use: MethodUse, actor: UserLike | None) -> None:
    _check_centre(actor, method_use.diagnosis.centre)
    with audited(actor, "method_use.delete"):
        MethodUse.objects.filter(pk=method_use.pk).delete()


# --- Findings ---------------------------------------------------------------------------


@transaction.atomic
def finding_create(*, diagnosis: Diagnosis, actor: UserLike | None, **fields: Any) -> Finding:
    """A need, problem, asset or idea, perhaps placed on the map (within the city)."""
    _check_centre(actor, diagnosis.centre)
    finding = Finding(diagnosis=diagnosis)
    set_fields(finding, fields, FINDING_FIELDS)
    finding.full_clean()
    with audited(actor, "finding.create"):
        finding.save()
    return finding


def _check_status(status: Any) -> None:
    if status == FindingStatus.IN_PROGRESS:
        raise ValidationError(
            {
                "status": _(
                    "A finding is being addressed while an activity answers it: link an activity instead."
                )
            },
            code="in_progress_derived",
        )
    if status not in DECIDED_STATUSES:
        raise ValidationError({"status": _("Choose a valid status.")}, code="invalid_choice")


@transaction.atomic
def finding_update(
    *, finding: Finding, actor: UserLike | None, expected_version: int, **fields: Any
) -> Finding:
    """Change a finding; ``status`` (open, met, dropped) may be changed with it."""
    _check_centre(actor, finding.diagnosis.centre)
    if "status" in fields:
        _check_status(fields["status"])
    locked = _lock(finding, expected_version)
    set_fields(locked, fields, (*FINDING_FIELDS, "status"))
    locked.version += 1
    locked.full_clean()
    with audited(actor, "finding.update"):
        locked.save()
    return locked


@transaction.atomic
def finding_set_status(
    *, finding: Finding, actor: UserLike | None, expected_version: int, status: str
) -> Finding:
    """Mark a finding met or dropped, or open it again. "Being addressed" is not set here:
    an open finding is being addressed while an activity answers it."""
    return finding_update(finding=finding, actor=actor, expected_version=expected_version, status=status)


@transaction.atomic
def finding_delete(*, finding: Finding, actor: UserLike | None, expected_version: int) -> None:
    """Delete a finding and its links to activities (an accepted submission stays accepted)."""
    _check_centre(actor, finding.diagnosis.centre)
    locked = _lock(finding, expected_version)
    with audited(actor, "finding.delete"):
        locked.delete()


# --- Which activity answers which finding ----------------------------------------------------


def _check_same_centre(finding: Finding, activity: Activity) -> None:
    if activity.centre_id != finding.diagnosis.centre_id:
        raise ValidationError(
            {
                "activity": _(
                    "Only an activity of the centre that made the diagnosis can answer its findings."
                )
            },
            code="other_centre",
        )


@transaction.atomic
def finding_response_create(
    *, finding: Finding, activity: Activity, actor: UserLike | None
) -> FindingResponse:
    """Link an activity of the centre to a finding it answers (or an asset it uses); an open
    finding is then being addressed."""
    _check_centre(actor, finding.diagnosis.centre)
    _check_same_centre(finding, activity)
    if FindingResponse.objects.filter(finding=finding, activity=activity).exists():
        raise ValidationError(
            {"activity": _("This activity already answers this finding.")}, code="duplicate"
        )
    response = FindingResponse(finding=finding, activity=activity)
    response.full_clean(validate_unique=False, validate_constraints=False)
    try:
        # A savepoint: a colleague linking the same activity at the same moment loses cleanly.
        with transaction.atomic(), audited(actor, "finding_response.create"):
            response.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"activity": _("This activity already answers this finding.")}, code="duplicate"
        ) from exc
    return response


@transaction.atomic
def finding_response_delete(*, finding: Finding, activity: Activity, actor: UserLike | None) -> bool:
    """Unlink an activity from a finding; False if it was not linked (nothing to do)."""
    _check_centre(actor, finding.diagnosis.centre)
    with audited(actor, "finding_response.delete"):
        deleted, _rows = FindingResponse.objects.filter(finding=finding, activity=activity).delete()
    return deleted > 0


@transaction.atomic
def activity_findings_set(*, activity: Activity, findings: Iterable[Finding], actor: UserLike | None) -> None:
    """The findings an activity answers, as chosen on the activity's page: links added and
    removed so that exactly these remain."""
    _check_centre(actor, activity.centre)
    chosen = list(findings)
    for finding in chosen:
        _check_same_centre(finding, activity)
    wanted = {finding.pk for finding in chosen}
    current = set(FindingResponse.objects.filter(activity=activity).values_list("finding_id", flat=True))
    with audited(actor, "finding_response.set"):
        FindingResponse.objects.filter(activity=activity, finding_id__in=current - wanted).delete()
        FindingResponse.objects.bulk_create(
            [FindingResponse(activity=activity, finding_id=pk) for pk in sorted(wanted - current)],
            ignore_conflicts=True,
        )


# --- Residents' submissions -------------------------------------------------------------------


def _closed() -> ValidationError:
    return ValidationError(
        _("This diagnosis is not collecting residents' ideas at the moment. Nothing was sent."),
        code="closed",
    )


@transaction.atomic
def submission_create(
    *, diagnosis: Diagnosis, kind: str, text: str, osiedle: Osiedle | None = None
) -> ResidentSubmission:
    """A resident's need, asset or idea, sent without an account: no personal data is
    taken. Refused unless the diagnosis is in progress and its operator opened it."""
    # Asked of the current row: the operator may have closed it since the form was shown.
    current = Diagnosis.objects.filter(pk=diagnosis.pk).values_list("status", "submissions_open").first()
    if current is None or current != (DiagnosisStatus.RUNNING, True):
        raise _closed()
    text = (text or "").strip()
    errors: dict[str, Any] = {}
    if not text:
        errors["text"] = ValidationError(_("Write your need, asset or idea."), code="required")
    elif len(text) > SUBMISSION_MAX_LENGTH:
        errors["text"] = ValidationError(
            _("Write at most %(max)s characters (you wrote %(length)s).")
            % {"max": SUBMISSION_MAX_LENGTH, "length": len(text)},
            code="max_length",
        )
    if kind not in SUBMISSION_KINDS:
        errors["kind"] = ValidationError(_("Choose a need, an asset or an idea."), code="invalid_choice")
    if osiedle is not None and not diagnosis.osiedle_links.filter(osiedle=osiedle).exists():
        errors["osiedle"] = ValidationError(
            _("Choose one of the osiedla this diagnosis covers."), code="invalid_choice"
        )
    if errors:
        raise ValidationError(errors)
    submission = ResidentSubmission(diagnosis=diagnosis, kind=kind, text=text, osiedle=osiedle)
    submission.full_clean()
    with audited(None, "resident_submission.create"):
        submission.save()
    return submission


def _lock_pending(submission: ResidentSubmission) -> ResidentSubmission:
    locked = ResidentSubmission.objects.select_for_update().get(pk=submission.pk)
    if locked.status != SubmissionStatus.PENDING:
        raise ConflictError(
            _("This submission has already been moderated (%(status)s).")
            % {"status": locked.get_status_display()},
            code="conflict",
        )
    return locked


@transaction.atomic
def submission_accept(*, submission: ResidentSubmission, actor: UserLike | None, **fields: Any) -> Finding:
    """Accept a resident's submission: it becomes a finding of its diagnosis. The operator
    gives it a title and a theme; its kind, description and osiedle default to the resident's."""
    diagnosis = submission.diagnosis
    _check_centre(actor, diagnosis.centre)
    locked = _lock_pending(submission)
    unknown = set(fields) - set(ACCEPT_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    values = {"kind": locked.kind, "description": locked.text, "osiedle": locked.osiedle, **fields}
    finding = Finding(diagnosis=diagnosis, **values)
    finding.full_clean()
    with audited(actor, "resident_submission.accept"):
        finding.save()
        locked.status = SubmissionStatus.ACCEPTED
        locked.finding = finding
        locked.moderated_at = timezone.now()
        locked.full_clean()
        locked.save()
    return finding


@transaction.atomic
def submission_reject(*, submission: ResidentSubmission, actor: UserLike | None) -> ResidentSubmission:
    _check_centre(actor, submission.diagnosis.centre)
    locked = _lock_pending(submission)
    locked.status = SubmissionStatus.REJECTED
    locked.moderated_at = timezone.now()
    locked.full_clean()
    with audited(actor, "resident_submission.reject"):
        locked.save()
    return locked
