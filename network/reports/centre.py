"""Centre reports (sprawozdania): the periods each operator term owes, the builder that
writes a draft prefilled from the portal's data, the operator's narrative and the review
by city staff, and the reads of the pages, exports and API.

The builder is idempotent and catches up: :func:`centre_report_build_due` builds the
missing draft of every closed period of every term, so a run missed while a worker or
Redis was down is made good by the next one, and two runs at once create no duplicates
(the unique constraint on term, period and kind decides, not luck).

Figures are counts and sums only (no personal data). A draft's figures are read when it is
built and read again when it is submitted; from then on they are frozen: later changes of
the data do not alter a submitted report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from centres.access import CITY_GROUP, UserLike, can_view_network, is_city_staff
from centres.models import AGE_BANDS, ActivityForm, CalMethod, Group, Membership, OperatorTerm
from centres.services import ConflictError, audited
from diagnosis.models import Diagnosis, FindingKind, FindingResponse
from network import stats
from network.models import (
    BUDGET_LINE_AMOUNTS,
    CENTRE_REPORT_EDITABLE_STATUSES,
    CENTRE_REPORT_SHARED_STATUSES,
    DEFAULT_REPORT_DUE_DAYS,
    CentreReport,
    CentreReportEvent,
    CentreReportKind,
    CentreReportStatus,
    ReportSchedule,
)
from partnerships.models import PartnershipMeeting

# What the operator writes; the budget only in a final report.
NARRATIVE_FIELDS = ("results", "actions", "deviations", "additional_info")
REPORT_FIELDS = (*NARRATIVE_FIELDS, "budget_lines")
# Required before a report can be submitted.
REQUIRED_NARRATIVE = ("results", "actions")
CENT = Decimal("0.01")


# --- Periods -------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportPeriod:
    kind: str
    start: date
    end: date


def schedule_of(term: OperatorTerm) -> ReportSchedule:
    """The term's schedule, or the default one (the final report only) if city staff set none."""
    try:
        schedule: ReportSchedule = term.report_schedule  # type: ignore[attr-defined,unused-ignore]
        return schedule
    except ReportSchedule.DoesNotExist:
        return ReportSchedule(term=term, monthly=False, partial_every_months=None, final=True)


def term_periods(term: OperatorTerm, *, until: date) -> list[ReportPeriod]:
    """The periods the term owes reports for, those starting on or before ``until``
    (an open-ended term owes no final report)."""
    schedule = schedule_of(term)
    last = min(term.end, until) if term.end else until
    periods: list[ReportPeriod] = []
    if schedule.monthly:
        current = stats.month_start(term.start)
        while current <= last:
            end = stats.add_months(current, 1) - timedelta(days=1)
            periods.append(
                ReportPeriod(
                    CentreReportKind.MONTHLY,
                    max(current, term.start),
                    min(end, term.end) if term.end else end,
                )
            )
            current = stats.add_months(current, 1)
    if schedule.partial_every_months:
        months = schedule.partial_every_months
        index = 0
        while (start := stats.add_months(term.start, months * index)) <= last:
            end = stats.add_months(term.start, months * (index + 1)) - timedelta(days=1)
            if term.end is not None and end >= term.end:
                # The last stretch is the final report's, if the term owes one.
                if not schedule.final:
                    periods.append(ReportPeriod(CentreReportKind.PARTIAL, start, term.end))
                break
            periods.append(ReportPeriod(CentreReportKind.PARTIAL, start, end))
            index += 1
    if schedule.final and term.end is not None and term.start <= until:
        periods.append(ReportPeriod(CentreReportKind.FINAL, term.start, term.end))
    return periods


def due_date(term: OperatorTerm, period_end: date) -> date:
    schedule = schedule_of(term)
    return period_end + timedelta(days=schedule.due_days if schedule.pk else DEFAULT_REPORT_DUE_DAYS)


# --- Figures -------------------------------------------------------------------------


def centre_report_figures(*, term: OperatorTerm, period_start: date, period_end: date) -> dict[str, Any]:
    """The figures of the term's centre for the period, as JSON (values, not labels: the
    labels are read at display time in the reader's language). A fixed number of queries."""
    centre = term.centre
    f = stats.StatsFilter(start=period_start, end=period_end, centre=centre.slug)
    by_method = stats.activities_by_method(f)
    form_rows = {
        row["form"]: row
        for row in stats.activities_in(f)
        .order_by()
        .values("form")
        .annotate(n=Count("pk"), people=Sum(stats._participants_expression()))
    }
    participants = stats.participants_by_age(f)
    volunteers = stats.volunteers(f)
    resident = stats.resident_initiated(f)
    public_space = stats.activities_in(f).filter(in_public_space=True).count()
    groups = Group.objects.filter(centre=centre, active=True, created_at__date__lte=period_end).aggregate(
        active=Count("pk"), members=Coalesce(Sum("members_count"), 0)
    )
    meetings = PartnershipMeeting.objects.filter(
        partnership__lead_centre=centre, date__gte=period_start, date__lte=period_end
    ).aggregate(meetings=Count("pk"), partnerships=Count("partnership", distinct=True))
    diagnoses = Diagnosis.objects.filter(
        centre=centre, period_start__lte=period_end, period_end__gte=period_start
    ).count()
    needs = stats.needs(f)
    answered = (
        FindingResponse.objects.filter(activity__in=stats.activities_in(f), finding__kind=FindingKind.NEED)
        .values("finding")
        .distinct()
        .count()
    )
    return {
        "activities": {
            "total": participants.activities,
            "in_public_space": public_space,
            "by_method": [
                {"method": row.method, "activities": row.activities, "participants": row.participants}
                for row in by_method
            ],
            "by_form": [
                {
                    "form": value,
                    "activities": form_rows.get(value, {}).get("n", 0),
                    "participants": form_rows.get(value, {}).get("people") or 0,
                }
                for value in ActivityForm.values
            ],
        },
        "participants": {
            "total": participants.total,
            "by_age": [
                {"band": band.band, "participants": band.participants} for band in participants.by_age
            ],
        },
        "volunteers": {
            "involvements": volunteers.involvements,
            "hours": str(volunteers.hours),
            "activities_with_volunteers": volunteers.activities_with_volunteers,
            "registered": volunteers.registered,
            "local_leaders": volunteers.local_leaders,
        },
        "resident_initiatives": {
            "activities": resident.activities,
            "resident_initiated": resident.resident_initiated,
            "share": None if resident.share is None else str(resident.share),
        },
        "groups": {"active": groups["active"], "members": groups["members"]},
        "partnership_meetings": {
            "meetings": meetings["meetings"],
            "partnerships": meetings["partnerships"],
        },
        "diagnoses": {
            "diagnoses": diagnoses,
            "needs_open": needs.open,
            "needs_in_progress": needs.in_progress,
            "needs_met": needs.met,
            "needs_answered_in_period": answered,
        },
    }


@dataclass(frozen=True)
class FigureRow:
    label: str | Promise
    value: Any


@dataclass(frozen=True)
class FigureSection:
    key: str
    title: str | Promise
    rows: list[FigureRow]


def _label(choices: Iterable[tuple[str, Any]], value: str) -> Any:
    return dict(choices).get(value, value)


def figure_sections(figures: dict[str, Any]) -> list[FigureSection]:
    """A report's figures with their labels, as the page, the PDF and the XLSX show them."""
    if not figures:
        return []
    activities = figures["activities"]
    volunteers = figures["volunteers"]
    resident = figures["resident_initiatives"]
    groups = figures["groups"]
    meetings = figures["partnership_meetings"]
    diagnoses = figures["diagnoses"]
    return [
        FigureSection(
            "activities",
            gettext_lazy("Activities"),
            [
                FigureRow(gettext_lazy("Activities in total"), activities["total"]),
                FigureRow(gettext_lazy("of them in public space"), activities["in_public_space"]),
            ],
        ),
        FigureSection(
            "by_method",
            gettext_lazy("Activities by CAL method (activities / participants)"),
            [
                FigureRow(
                    _label(CalMethod.choices, row["method"]), f"{row['activities']} / {row['participants']}"
                )
                for row in activities["by_method"]
            ],
        ),
        FigureSection(
            "by_form",
            gettext_lazy("Activities by form (activities / participants)"),
            [
                FigureRow(
                    _label(ActivityForm.choices, row["form"]), f"{row['activities']} / {row['participants']}"
                )
                for row in activities["by_form"]
            ],
        ),
        FigureSection(
            "participants",
            gettext_lazy("Participants by age"),
            [
                FigureRow(_label(AGE_BANDS, row["band"]), row["participants"])
                for row in figures["participants"]["by_age"]
            ]
            + [FigureRow(gettext_lazy("Participants in total"), figures["participants"]["total"])],
        ),
        FigureSection(
            "volunteers",
            gettext_lazy("Volunteers"),
            [
                FigureRow(gettext_lazy("Volunteer involvements in activities"), volunteers["involvements"]),
                FigureRow(gettext_lazy("Volunteer hours"), volunteers["hours"]),
                FigureRow(
                    gettext_lazy("Activities with volunteers"), volunteers["activities_with_volunteers"]
                ),
                FigureRow(gettext_lazy("Active volunteers on record"), volunteers["registered"]),
                FigureRow(gettext_lazy("of them local leaders"), volunteers["local_leaders"]),
            ],
        ),
        FigureSection(
            "resident_initiatives",
            gettext_lazy("Residents' initiatives"),
            [
                FigureRow(gettext_lazy("Activities initiated by residents"), resident["resident_initiated"]),
                FigureRow(
                    gettext_lazy("Share of all activities (%)"),
                    resident["share"] if resident["share"] is not None else "—",
                ),
            ],
        ),
        FigureSection(
            "groups",
            gettext_lazy("Groups"),
            [
                FigureRow(gettext_lazy("Active groups"), groups["active"]),
                FigureRow(gettext_lazy("Their members"), groups["members"]),
            ],
        ),
        FigureSection(
            "partnership_meetings",
            gettext_lazy("Local partnerships"),
            [
                FigureRow(gettext_lazy("Partnership meetings"), meetings["meetings"]),
                FigureRow(gettext_lazy("Partnerships that met"), meetings["partnerships"]),
            ],
        ),
        FigureSection(
            "diagnoses",
            gettext_lazy("Diagnosis and needs"),
            [
                FigureRow(gettext_lazy("Diagnoses during the period"), diagnoses["diagnoses"]),
                FigureRow(
                    gettext_lazy("Needs answered by the period's activities"),
                    diagnoses["needs_answered_in_period"],
                ),
                FigureRow(gettext_lazy("Needs met"), diagnoses["needs_met"]),
                FigureRow(gettext_lazy("Needs in progress"), diagnoses["needs_in_progress"]),
                FigureRow(gettext_lazy("Needs open"), diagnoses["needs_open"]),
            ],
        ),
    ]


# --- Budget --------------------------------------------------------------------------


def _amount(value: Any) -> Decimal | None:
    if value is None or value == "":
        return Decimal(0).quantize(CENT)
    try:
        amount = Decimal(str(value).replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount < 0:
        return None
    return amount.quantize(CENT)


def clean_budget_lines(lines: Any) -> list[dict[str, str]]:
    """Budget lines as stored: a name and four non-negative amounts with two decimals; the
    grant spent on a line cannot exceed the grant for it. Empty lines are dropped."""
    if not isinstance(lines, list):
        raise ValidationError({"budget_lines": _("The budget lines must be a list.")}, code="invalid")
    cleaned: list[dict[str, str]] = []
    problems: list[str] = []
    for number, line in enumerate(lines, start=1):
        if not isinstance(line, dict):
            problems.append(_("Line %(n)s is not a budget line.") % {"n": number})
            continue
        name = str(line.get("name") or "").strip()
        raw = [line.get(key) for key in BUDGET_LINE_AMOUNTS]
        if not name and all(value in (None, "") for value in raw):
            continue
        if not name:
            problems.append(_("Line %(n)s: give the name of the cost.") % {"n": number})
            continue
        amounts = [_amount(value) for value in raw]
        if any(amount is None for amount in amounts):
            problems.append(_("Line %(n)s: amounts are numbers of zł, zero or more.") % {"n": number})
            continue
        granted, spent, own, in_kind = (Decimal(0) if amount is None else amount for amount in amounts)
        if spent > granted:
            problems.append(
                _("Line %(n)s (%(name)s): the grant spent (%(spent)s) exceeds the grant (%(granted)s).")
                % {"n": number, "name": name, "spent": spent, "granted": granted}
            )
            continue
        cleaned.append(
            {
                "name": name[:200],
                "granted": str(granted),
                "spent": str(spent),
                "own": str(own),
                "in_kind": str(in_kind),
            }
        )
    if problems:
        raise ValidationError({"budget_lines": problems}, code="invalid")
    return cleaned


@dataclass(frozen=True)
class BudgetTotals:
    granted: Decimal
    spent: Decimal
    own: Decimal
    in_kind: Decimal


def budget_totals(lines: list[dict[str, str]]) -> BudgetTotals:
    sums = {key: sum((Decimal(line[key]) for line in lines), Decimal(0)) for key in BUDGET_LINE_AMOUNTS}
    return BudgetTotals(
        granted=sums["granted"], spent=sums["spent"], own=sums["own"], in_kind=sums["in_kind"]
    )


# --- Access --------------------------------------------------------------------------


def _member_of_term(user: UserLike, report: CentreReport) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return Membership.objects.filter(user_id=user.pk, organization_id=report.term.organization_id).exists()


def visible_centre_reports(user: UserLike) -> QuerySet[CentreReport]:
    """City staff read every report; an operator the reports of their organisations' terms
    (also after the term ended: its final report comes later); the animator and the
    standing team the submitted and accepted ones. Anyone else: none (a 404)."""
    if is_city_staff(user):
        return CentreReport.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return CentreReport.objects.none()
    visible = Q(term__organization__in=Membership.objects.filter(user_id=user.pk).values("organization_id"))
    if can_view_network(user):
        visible |= Q(status__in=CENTRE_REPORT_SHARED_STATUSES)
    return CentreReport.objects.filter(visible)


def can_write_centre_report(user: UserLike, report: CentreReport) -> bool:
    """The operator of the report's term (a member of its organisation) writes and submits it."""
    return _member_of_term(user, report)


def can_review_centre_report(user: UserLike) -> bool:
    return is_city_staff(user)


# --- Selectors -----------------------------------------------------------------------


def centre_report_list(*, user: UserLike, centre_slug: str = "", status: str = "") -> QuerySet[CentreReport]:
    qs = visible_centre_reports(user).select_related("centre", "term", "term__organization")
    if centre_slug:
        qs = qs.filter(centre__slug=centre_slug)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-period_end", "centre__name", "kind", "pk")


def centre_report_get(*, user: UserLike, pk: int) -> CentreReport:
    """A report the user may read; another operator's is a DoesNotExist (the view's 404)."""
    return (
        visible_centre_reports(user)
        .select_related("centre", "term", "term__organization", "submitted_by")
        .prefetch_related("status_log__actor")
        .get(pk=pk)
    )


# --- Writes --------------------------------------------------------------------------


def _require(actor: UserLike | None, rule: Callable[[UserLike], bool]) -> None:
    if actor is not None and not rule(actor):
        raise PermissionDenied


def _lock(report: CentreReport, expected_version: int | None) -> CentreReport:
    locked = CentreReport.objects.select_for_update().select_related("term", "centre").get(pk=report.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(
            _(
                "Someone else changed this report meanwhile: your changes were not saved. "
                "Reload the page to see the current version."
            ),
            code="conflict",
        )
    return locked


def _log(report: CentreReport, *, actor: UserLike | None, from_status: str, comment: str = "") -> None:
    CentreReportEvent.objects.create(
        report=report,
        actor_id=getattr(actor, "pk", None),
        from_status=from_status,
        to_status=report.status,
        comment=comment,
    )


def _save(report: CentreReport, actor: UserLike | None, action: str) -> None:
    report.version += 1
    report.full_clean(validate_constraints=False)
    with audited(actor, action):
        report.save()


def _report_url(report: CentreReport) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{base}{reverse('network:centre-report-detail', args=[report.pk])}"


def _city_emails() -> list[str]:
    users = get_user_model().objects.filter(is_active=True, is_staff=True, groups__name=CITY_GROUP)
    return sorted(set(users.exclude(email="").values_list("email", flat=True)))


def _operator_emails(report: CentreReport) -> list[str]:
    users = get_user_model().objects.filter(
        is_active=True, memberships__organization_id=report.term.organization_id
    )
    return sorted(set(users.exclude(email="").values_list("email", flat=True)))


def period_text(report: CentreReport) -> str:
    start = date_format(report.period_start, "SHORT_DATE_FORMAT")
    return f"{start}–{date_format(report.period_end, 'SHORT_DATE_FORMAT')}"


def _notify(report: CentreReport, recipients: list[str], comment: str = "") -> None:
    """E-mail the other side of the workflow once the change is committed."""
    if not recipients:
        return
    period = period_text(report)
    subject = _("Report of %(centre)s (%(period)s): %(status)s") % {
        "centre": report.centre.name,
        "period": period,
        "status": report.get_status_display(),
    }
    lines = [
        _("The %(kind)s of %(centre)s for %(period)s is now: %(status)s.")
        % {
            "kind": report.get_kind_display(),
            "centre": report.centre.name,
            "period": period,
            "status": report.get_status_display(),
        }
    ]
    if comment:
        lines += ["", _("Comments:"), comment]
    lines += ["", _report_url(report)]
    body = "\n".join(lines)
    # robust: a mail server that is down is logged and does not turn the committed change into a 500.
    transaction.on_commit(lambda: send_mail(subject, body, None, recipients), robust=True)


def _period_errors(term: OperatorTerm, period_start: date, period_end: date) -> dict[str, ValidationError]:
    errors: dict[str, ValidationError] = {}
    term_text = {
        "start": date_format(term.start, "SHORT_DATE_FORMAT"),
        "end": date_format(term.end, "SHORT_DATE_FORMAT") if term.end else "…",
    }
    if period_start < term.start:
        errors["period_start"] = ValidationError(
            _("The period starts before the operator term (%(start)s – %(end)s).") % term_text,
            code="outside_term",
        )
    if term.end is not None and period_end > term.end:
        errors["period_end"] = ValidationError(
            _("The period ends after the operator term (%(start)s – %(end)s).") % term_text,
            code="outside_term",
        )
    if period_end < period_start:
        errors["period_end"] = ValidationError(
            _("The end of the period cannot be before its start."), code="end_before_start"
        )
    return errors


def _existing(term_id: int, period_start: date, period_end: date, kind: str) -> CentreReport | None:
    return CentreReport.objects.filter(
        term_id=term_id, period_start=period_start, period_end=period_end, kind=kind
    ).first()


def _build(term: OperatorTerm, period_start: date, period_end: date, kind: str) -> tuple[CentreReport, bool]:
    """The report of the period: the existing one, or a new draft. Two builders at once
    insert one row: the loser's insert hits the unique constraint and it reads the winner's."""
    existing = _existing(term.pk, period_start, period_end, kind)
    if existing is not None:
        return existing, False
    report = CentreReport(
        centre_id=term.centre_id,
        term=term,
        kind=kind,
        period_start=period_start,
        period_end=period_end,
        due_on=due_date(term, period_end),
        figures=centre_report_figures(term=term, period_start=period_start, period_end=period_end),
        figures_at=timezone.now(),
    )
    # The constraints are the database's to check (a race is an IntegrityError, below).
    report.full_clean(validate_constraints=False)
    try:
        with transaction.atomic(), audited(None, "network.centre_report.build"):
            report.save()
            _log(report, actor=None, from_status="")
    except IntegrityError:
        winner = _existing(term.pk, period_start, period_end, kind)
        if winner is None:
            raise
        return winner, False
    return report, True


def centre_report_build(*, term_id: int, period_start: date, period_end: date, kind: str) -> CentreReport:
    """The draft report of one period of a term, built if missing (idempotent). A period
    outside the term or an unknown kind is a ValidationError."""
    term = OperatorTerm.objects.select_related("centre", "report_schedule").get(pk=term_id)
    if kind not in CentreReportKind.values:
        raise ValidationError({"kind": _("Unknown kind of report.")}, code="invalid_choice")
    errors = _period_errors(term, period_start, period_end)
    if errors:
        raise ValidationError(errors)
    report, _created = _build(term, period_start, period_end, kind)
    return report


def centre_report_build_due(*, on: date) -> int:
    """Build the missing draft of every period that closed before ``on``, for every term.
    Returns how many were created; a second run creates none."""
    terms = list(OperatorTerm.objects.filter(start__lt=on).select_related("centre", "report_schedule"))
    existing = set(
        CentreReport.objects.filter(term__in=[term.pk for term in terms]).values_list(
            "term_id", "period_start", "period_end", "kind"
        )
    )
    created = 0
    for term in terms:
        for period in term_periods(term, until=on):
            if period.end >= on or (term.pk, period.start, period.end, period.kind) in existing:
                continue
            _report, was_created = _build(term, period.start, period.end, period.kind)
            created += was_created
    return created


@transaction.atomic
def report_schedule_save(*, schedule: ReportSchedule, actor: UserLike | None) -> ReportSchedule:
    """City staff set which reports a term owes (from its grant agreement)."""
    _require(actor, can_review_centre_report)
    schedule.full_clean()
    with audited(actor, "network.report_schedule.save"):
        schedule.save()
    return schedule


def _not_editable(report: CentreReport) -> ValidationError:
    return ValidationError(
        _("This report is %(status)s and can no longer be changed.")
        % {"status": report.get_status_display()},
        code="not_editable",
    )


@transaction.atomic
def centre_report_update(
    *, report: CentreReport, actor: UserLike | None, expected_version: int, **fields: Any
) -> CentreReport:
    """The operator saves the narrative (and a final report's budget) of a draft or a
    returned report. A submitted or accepted report refuses every change."""
    unknown = set(fields) - set(REPORT_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    locked = _lock(report, expected_version)
    _require(actor, lambda user: can_write_centre_report(user, locked))
    if not locked.is_editable:
        changed = [name for name, value in fields.items() if getattr(locked, name) != value]
        error = _not_editable(locked)
        raise ValidationError(dict.fromkeys(changed, error) if changed else {NON_FIELD_ERRORS: error})
    if "budget_lines" in fields:
        lines = clean_budget_lines(fields["budget_lines"])
        if lines and locked.kind != CentreReportKind.FINAL:
            raise ValidationError(
                {"budget_lines": _("Only a final report has budget lines.")}, code="not_final"
            )
        fields["budget_lines"] = lines
    for name, value in fields.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    _save(locked, actor, "network.centre_report.update")
    return locked


def _submission_errors(report: CentreReport) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    for name in REQUIRED_NARRATIVE:
        if not getattr(report, name).strip():
            errors[name] = ValidationError(_("Fill this in before submitting the report."), code="required")
    if report.kind == CentreReportKind.FINAL:
        lines = report.budget_lines or []
        if not lines:
            errors["budget_lines"] = ValidationError(
                _("A final report needs its budget lines: granted, spent, own and in-kind contribution."),
                code="required",
            )
        else:
            granted = budget_totals(lines).granted
            grant = report.term.grant_amount
            if grant is not None and granted != grant:
                errors["budget_lines"] = ValidationError(
                    _(
                        "The budget lines add up to a grant of %(granted)s zł, "
                        "but the agreement grants %(grant)s zł."
                    )
                    % {"granted": granted, "grant": grant},
                    code="totals",
                )
    return errors


@transaction.atomic
def centre_report_submit(
    *, report: CentreReport, actor: UserLike | None, expected_version: int, **fields: Any
) -> CentreReport:
    """The operator submits a draft or a returned report (saving ``fields`` first, if
    given): the narrative must be there; the figures are read once more and frozen."""
    if fields:
        report = centre_report_update(report=report, actor=actor, expected_version=expected_version, **fields)
        expected_version = report.version
    locked = _lock(report, expected_version)
    _require(actor, lambda user: can_write_centre_report(user, locked))
    if not locked.is_editable:
        raise _not_editable(locked)
    errors = _submission_errors(locked)
    if errors:
        raise ValidationError(errors)
    before = locked.status
    locked.figures = centre_report_figures(
        term=locked.term, period_start=locked.period_start, period_end=locked.period_end
    )
    locked.figures_at = locked.submitted_at = timezone.now()
    locked.submitted_by_id = getattr(actor, "pk", None)
    locked.status = CentreReportStatus.SUBMITTED
    _save(locked, actor, "network.centre_report.submit")
    _log(locked, actor=actor, from_status=before)
    _notify(locked, _city_emails())
    return locked


def _review(
    report: CentreReport,
    *,
    actor: UserLike | None,
    to_status: str,
    comment: str,
    expected_version: int | None,
) -> CentreReport:
    locked = _lock(report, expected_version)
    _require(actor, can_review_centre_report)
    if locked.status != CentreReportStatus.SUBMITTED:
        raise ValidationError(
            _("Only a submitted report can be reviewed; this one is %(status)s.")
            % {"status": locked.get_status_display()},
            code="not_submitted",
        )
    before = locked.status
    locked.status = to_status
    locked.reviewed_at = timezone.now()
    locked.review_comment = comment
    _save(locked, actor, f"network.centre_report.{to_status}")
    _log(locked, actor=actor, from_status=before, comment=comment)
    _notify(locked, _operator_emails(locked), comment)
    return locked


@transaction.atomic
def centre_report_return(
    *, report: CentreReport, actor: UserLike | None, comment: str, expected_version: int | None = None
) -> CentreReport:
    """City staff return a submitted report to the operator with comments on what to fix."""
    comment = comment.strip()
    if not comment:
        raise ValidationError({"review_comment": _("Say what the operator should correct.")}, code="required")
    return _review(
        report,
        actor=actor,
        to_status=CentreReportStatus.RETURNED,
        comment=comment,
        expected_version=expected_version,
    )


@transaction.atomic
def centre_report_accept(
    *, report: CentreReport, actor: UserLike | None, comment: str = "", expected_version: int | None = None
) -> CentreReport:
    """City staff accept a submitted report."""
    return _review(
        report,
        actor=actor,
        to_status=CentreReportStatus.ACCEPTED,
        comment=comment.strip(),
        expected_version=expected_version,
    )


__all__ = [
    "CENTRE_REPORT_EDITABLE_STATUSES",
    "NARRATIVE_FIELDS",
    "REPORT_FIELDS",
    "centre_report_accept",
    "centre_report_build",
    "centre_report_build_due",
    "centre_report_figures",
    "centre_report_get",
    "centre_report_list",
    "centre_report_return",
    "centre_report_submit",
    "centre_report_update",
    "figure_sections",
    "term_periods",
    "visible_centre_reports",
]
