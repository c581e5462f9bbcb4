"""Reads of the diagnosis app; each decides its joins once, so query counts stay flat.

Traceability for the dashboard: ``finding_list_unanswered_needs`` (needs and problems no
activity answers), ``finding_list_unused_assets`` (assets no activity uses), both per centre
or city-wide, and ``centre_list_stale_diagnosis`` (centres whose latest finished diagnosis
is older than 24 months).
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from centres import access
from centres.access import UserLike
from centres.models import Activity, Centre, CentreStatus, Osiedle
from diagnosis import permissions
from diagnosis.filters import (
    DiagnosisFilter,
    FindingFilter,
    ResidentSubmissionFilter,
    answered_q,
    filtered,
)
from diagnosis.models import (
    FINISHED_STATUSES,
    NEED_KINDS,
    Diagnosis,
    DiagnosisStatus,
    Finding,
    FindingKind,
    FindingResponse,
    FindingStatus,
    MethodUse,
    ResidentSubmission,
    SubmissionStatus,
)

# A diagnosis older than this is due to be repeated (the CAL model: every two years).
STALE_AFTER_MONTHS = 24


def _count(records: QuerySet[Any], field: str) -> Coalesce:
    """The number of ``records`` per row, by their ``field`` pointing at the row."""
    per_row = (
        records.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk")).values("n")
    )
    return Coalesce(Subquery(per_row, output_field=IntegerField()), 0)


# --- Diagnoses ------------------------------------------------------------------------------


def _diagnosis_queryset() -> QuerySet[Diagnosis]:
    return (
        Diagnosis.objects.select_related("centre")
        .prefetch_related(Prefetch("osiedla", queryset=Osiedle.objects.order_by("name")))
        .annotate(
            finding_count=_count(Finding.objects.all(), "diagnosis"),
            method_count=_count(MethodUse.objects.all(), "diagnosis"),
        )
    )


def diagnosis_list(
    *, user: UserLike, centre: Centre | None = None, filters: dict[str, Any] | None = None
) -> QuerySet[Diagnosis]:
    """Diagnoses the user may see (published ones for everyone), newest first."""
    qs = _diagnosis_queryset().filter(pk__in=permissions.visible_diagnoses(user).values("pk"))
    if centre is not None:
        qs = qs.filter(centre=centre)
    return filtered(DiagnosisFilter, filters, qs.order_by("-period_start", "-pk"))


def diagnosis_list_workspace(*, centre: Centre) -> QuerySet[Diagnosis]:
    """A centre's diagnoses for its operators, with the submissions waiting for them."""
    return (
        _diagnosis_queryset()
        .filter(centre=centre)
        .annotate(
            pending_count=_count(
                ResidentSubmission.objects.filter(status=SubmissionStatus.PENDING), "diagnosis"
            )
        )
        .order_by("-period_start", "-pk")
    )


def diagnosis_get_editable(*, centre: Centre, pk: int | str) -> Diagnosis:
    """A diagnosis of a centre the caller already may edit, or 404."""
    try:
        return (
            _diagnosis_queryset()
            .annotate(
                pending_count=_count(
                    ResidentSubmission.objects.filter(status=SubmissionStatus.PENDING), "diagnosis"
                )
            )
            .get(centre=centre, pk=pk)
        )
    except (Diagnosis.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def diagnosis_get_public(*, slug: str, pk: int | str) -> Diagnosis:
    """A published diagnosis of a centre (by the centre's slug), or 404."""
    try:
        return _diagnosis_queryset().get(centre__slug=slug, pk=pk, status=DiagnosisStatus.PUBLISHED)
    except (Diagnosis.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def diagnosis_get_for_submissions(*, slug: str, pk: int | str) -> Diagnosis:
    """The diagnosis a resident's form is for: any but a planned one (never announced) and
    those of closed centres; whether it still accepts input is the page's and the service's."""
    try:
        return (
            Diagnosis.objects.select_related("centre")
            .prefetch_related(Prefetch("osiedla", queryset=Osiedle.objects.order_by("name")))
            .exclude(status=DiagnosisStatus.PLANNED)
            .exclude(centre__status=CentreStatus.CLOSED)
            .get(centre__slug=slug, pk=pk)
        )
    except (Diagnosis.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def diagnosis_list_public(*, centre: Centre) -> QuerySet[Diagnosis]:
    """What a centre's public page shows: its published diagnoses and those asking residents."""
    return (
        Diagnosis.objects.filter(centre=centre)
        .filter(
            Q(status=DiagnosisStatus.PUBLISHED) | Q(status=DiagnosisStatus.RUNNING, submissions_open=True)
        )
        .order_by("-period_end", "-pk")
    )


def method_list(*, diagnosis: Diagnosis) -> QuerySet[MethodUse]:
    return MethodUse.objects.filter(diagnosis=diagnosis).order_by("date", "pk")


def method_get(*, diagnosis: Diagnosis, pk: int | str) -> MethodUse:
    try:
        return MethodUse.objects.select_related("diagnosis__centre").get(diagnosis=diagnosis, pk=pk)
    except (MethodUse.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


# --- Findings -------------------------------------------------------------------------------


def _responses_prefetch() -> Prefetch[Any]:
    return Prefetch(
        "responses",
        queryset=FindingResponse.objects.select_related("activity", "activity__centre").order_by(
            "activity__start", "pk"
        ),
    )


def _finding_queryset() -> QuerySet[Finding]:
    """Findings with their diagnosis, centre and osiedle, whether an activity answers them
    (``answered``: the current status follows from it) and how many do."""
    return (
        Finding.objects.select_related("diagnosis", "diagnosis__centre", "osiedle", "submission")
        .annotate(answered=answered_q(), response_count=_count(FindingResponse.objects.all(), "finding"))
        .prefetch_related(_responses_prefetch())
    )


def finding_list(
    *,
    user: UserLike,
    centre: Centre | None = None,
    diagnosis: Diagnosis | None = None,
    filters: dict[str, Any] | None = None,
) -> QuerySet[Finding]:
    """Findings the user may see (those of published diagnoses for everyone), most urgent first."""
    qs = _finding_queryset().filter(pk__in=permissions.visible_findings(user).values("pk"))
    if centre is not None:
        qs = qs.filter(diagnosis__centre=centre)
    if diagnosis is not None:
        qs = qs.filter(diagnosis=diagnosis)
    return filtered(FindingFilter, filters, qs.order_by("-priority", "title", "pk"))


def finding_list_public(
    *, centre: Centre | None = None, diagnosis: Diagnosis | None = None, filters: dict[str, Any] | None = None
) -> QuerySet[Finding]:
    """Findings of published diagnoses only, whoever asks."""
    return finding_list(user=AnonymousUser(), centre=centre, diagnosis=diagnosis, filters=filters)


def finding_get_editable(*, centre: Centre, pk: int | str) -> Finding:
    """A finding of a centre the caller already may edit, or 404."""
    try:
        return _finding_queryset().get(diagnosis__centre=centre, pk=pk)
    except (Finding.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def _outstanding(user: UserLike, centre: Centre | None, kinds: tuple[str, ...]) -> QuerySet[Finding]:
    qs = (
        _finding_queryset()
        .filter(pk__in=permissions.visible_findings(user).values("pk"))
        .filter(kind__in=kinds, status=FindingStatus.OPEN)
        .exclude(answered_q())
    )
    if centre is not None:
        qs = qs.filter(diagnosis__centre=centre)
    return qs.order_by("-priority", "diagnosis__centre__name", "title", "pk")


def finding_list_unanswered_needs(
    *, user: UserLike, centre: Centre | None = None, kinds: tuple[str, ...] = NEED_KINDS
) -> QuerySet[Finding]:
    """Open needs and problems that no activity answers, most urgent first; one centre's,
    or city-wide (those the user may see). Met and dropped ones are not outstanding."""
    return _outstanding(user, centre, kinds)


def finding_list_unused_assets(*, user: UserLike, centre: Centre | None = None) -> QuerySet[Finding]:
    """Assets of the community that no activity uses yet (dropped ones aside)."""
    return _outstanding(user, centre, (FindingKind.ASSET,))


def finding_list_of_activity(*, activity: Activity) -> QuerySet[Finding]:
    """The findings an activity answers (its page in the workspace)."""
    return _finding_queryset().filter(responses__activity=activity).order_by("-priority", "title", "pk")


def finding_choices_for_activity(*, activity: Activity) -> QuerySet[Finding]:
    """The findings an activity of a centre may answer: those of the centre's diagnoses
    (dropped ones only if already linked)."""
    return (
        Finding.objects.select_related("diagnosis")
        .filter(diagnosis__centre_id=activity.centre_id)
        .filter(~Q(status=FindingStatus.DROPPED) | Q(responses__activity=activity))
        .distinct()
        .order_by("diagnosis__title", "-priority", "title", "pk")
    )


def activity_choices(*, centre: Centre) -> QuerySet[Activity]:
    """The centre's activities that may answer its findings, newest first."""
    return (
        Activity.objects.filter(centre=centre)
        .only("pk", "title", "start", "end", "centre_id")
        .order_by("-start", "pk")
    )


# --- Stale diagnoses --------------------------------------------------------------------------


def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier, or that month's last day (31 March → 28/29 February)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return day.replace(year=year, month=month, day=min(day.day, monthrange(year, month)[1]))


def centre_list_stale_diagnosis(
    *, on: date | None = None, months: int = STALE_AFTER_MONTHS, include_never: bool = False
) -> QuerySet[Centre]:
    """Centres (not closed) whose latest finished diagnosis ended more than ``months`` ago,
    oldest first; ``last_diagnosis_end`` is annotated. With ``include_never``, also those
    that have never finished one (their ``last_diagnosis_end`` is None)."""
    on = on or access.today()
    latest = (
        Diagnosis.objects.filter(centre=OuterRef("pk"), status__in=FINISHED_STATUSES)
        .order_by("-period_end")
        .values("period_end")[:1]
    )
    qs = Centre.objects.exclude(status=CentreStatus.CLOSED).annotate(last_diagnosis_end=Subquery(latest))
    stale = Q(last_diagnosis_end__lt=months_before(on, months))
    if include_never:
        stale |= Q(last_diagnosis_end__isnull=True)
    return qs.filter(stale).order_by(F("last_diagnosis_end").asc(nulls_first=True), "name")


# --- Residents' submissions ------------------------------------------------------------------


def submission_list(
    *,
    user: UserLike,
    centre: Centre | None = None,
    diagnosis: Diagnosis | None = None,
    filters: dict[str, Any] | None = None,
) -> QuerySet[ResidentSubmission]:
    """Residents' submissions: only the centre's operators and city staff see them."""
    qs = (
        permissions.visible_submissions(user)
        .select_related("diagnosis", "diagnosis__centre", "osiedle", "finding")
        .order_by("-created_at", "-pk")
    )
    if centre is not None:
        qs = qs.filter(diagnosis__centre=centre)
    if diagnosis is not None:
        qs = qs.filter(diagnosis=diagnosis)
    return filtered(ResidentSubmissionFilter, filters, qs)


def submission_get_editable(*, diagnosis: Diagnosis, pk: int | str) -> ResidentSubmission:
    try:
        return ResidentSubmission.objects.select_related("diagnosis__centre", "osiedle", "finding").get(
            diagnosis=diagnosis, pk=pk
        )
    except (ResidentSubmission.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
