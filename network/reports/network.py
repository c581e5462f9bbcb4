"""The network's reports: the dashboard's figures for a period, rendered as HTML, PDF and XLSX.

Every closed calendar month gets one (``network_report_catch_up``, run daily by beat, builds
whatever month is missing since the first recorded activity); the animator and city staff
may ask for any period (``network_report_request``). A report is built by
``network_report_build``, which is safe to run any number of times, at once or after a crash:

- one row per period: a unique constraint, so two runs cannot create two reports;
- one builder at a time per report: a PostgreSQL advisory lock held by the builder's
  session. A worker killed mid-build loses its connection and so its lock; the row stays
  "building", and the next build (the redelivered task or the next catch-up) takes it over;
- a complete report is never built again; the e-mail is sent once (``notified_at``).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import Min, Q, QuerySet
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from centres import access
from centres.access import ANIMATOR_GROUP, CITY_GROUP, UserLike
from centres.models import Activity
from network import permissions, stats
from network.models import NetworkReport, NetworkReportStatus
from network.reports import network_exports

logger = logging.getLogger(__name__)

# The advisory locks of network reports: (this namespace, the report's id).
LOCK_NAMESPACE = 7_301
# A report that failed this many times is left failed for a person to look at; asking
# for it again (on demand) starts afresh.
MAX_ATTEMPTS = 3
# An on-demand report covers at most this many days.
MAX_PERIOD_DAYS = 3 * 366
# Tests make the builder pause between figures (seconds), so that a worker can be killed
# or Redis restarted while a report is "building". Never set in production.
STEP_DELAY_ENV = "CAL_REPORT_STEP_DELAY"

# The figures of a report, in the order the report shows them (network.stats.FIGURES).
FIGURE_ORDER = (
    "active-centres",
    "activities-by-method",
    "activities-by-month",
    "participants-by-age",
    "volunteers",
    "resident-initiated",
    "partners-by-kind",
    "partnerships-by-phase",
    "needs",
    "certificates-expiring",
    "self-assessment",
    "trained-by-topic",
    "trained-by-centre",
    "centres",
    "osiedla",
)
# Progress (percent) when the figures are read; rendering takes the rest.
FIGURES_DONE = 80


# --- Reading -----------------------------------------------------------------------------------


def can_view_reports(user: UserLike) -> bool:
    """The reports: the animator, the standing team and city staff."""
    return access.can_view_network(user)


def can_request_report(user: UserLike) -> bool:
    """Building a report on demand: the animator and city staff."""
    return permissions.can_run_network(user)


def _listed() -> QuerySet[NetworkReport]:
    # The rendered files stay in the database until downloaded.
    return NetworkReport.objects.defer("figures", "html", "pdf", "xlsx").select_related("requested_by")


def network_report_list(*, user: UserLike) -> QuerySet[NetworkReport]:
    """Every report, newest period first; none for anyone who may not read them."""
    if not can_view_reports(user):
        return NetworkReport.objects.none()
    return _listed().order_by("-period_start", "-period_end", "pk")


def network_report_list_monthly(*, user: UserLike, limit: int = 12) -> list[NetworkReport]:
    """The latest complete monthly reports (the dashboard lists them). One query."""
    if not can_view_reports(user):
        return []
    reports = _listed().filter(status=NetworkReportStatus.COMPLETE).order_by("-period_start", "-period_end")
    return [report for report in reports[: limit * 3] if report.is_month][:limit]


def network_report_get(*, user: UserLike, pk: int | str, files: bool = False) -> NetworkReport:
    """A report the user may read (404 otherwise); ``files`` loads the rendered files."""
    if not can_view_reports(user):
        raise Http404
    qs = NetworkReport.objects.select_related("requested_by")
    if not files:
        qs = qs.defer("pdf", "xlsx")
    try:
        return qs.get(pk=pk)
    except (NetworkReport.DoesNotExist, ValueError) as error:
        raise Http404 from error


# --- Periods -------------------------------------------------------------------------------------


def month_end(start: date) -> date:
    return stats.add_months(start, 1) - timedelta(days=1)


def closed_months(*, since: date, today: date) -> list[date]:
    """The first days of the calendar months from ``since``'s month to the last closed one."""
    months = []
    current = stats.month_start(since)
    this_month = stats.month_start(today)
    while current < this_month:
        months.append(current)
        current = stats.add_months(current, 1)
    return months


def reports_start(*, today: date) -> date | None:
    """Where the monthly reports start: the month of the first recorded activity
    (``settings.NETWORK_REPORTS_FROM`` may set it), None when there is nothing yet."""
    configured = getattr(settings, "NETWORK_REPORTS_FROM", None)
    if configured:
        return date.fromisoformat(str(configured))
    first = Activity.objects.aggregate(first=Min("start"))["first"]
    if first is None:
        return None
    return min(timezone.localtime(first).date(), today)


# --- Writing -------------------------------------------------------------------------------------


def _queue_build(report_id: int) -> None:
    from network.tasks import network_report_build_task

    transaction.on_commit(lambda: _send_quietly(network_report_build_task, report_id))


def _send_quietly(task: Any, *args: Any) -> None:
    """Queue a task; with Redis down the request still succeeds, and the report waits,
    pending, for the next catch-up run."""
    try:
        task.apply_async(args=args, retry=False)
    except Exception:  # kombu raises a variety of connection errors
        logger.warning("could not queue %s%s; the next catch-up will", task.name, args, exc_info=True)


@transaction.atomic
def network_report_request(*, actor: UserLike, start: date, end: date) -> NetworkReport:
    """A report for the period, built in the background: the existing one if there is one
    (a failed one is started again), otherwise a new one."""
    if not can_request_report(actor):
        raise PermissionDenied
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if end < start:
        errors["end"] = _("The period must end on or after its start.")
    elif (end - start).days >= MAX_PERIOD_DAYS:
        errors["end"] = _("A report covers at most three years.")
    if start > today:
        errors["start"] = _("The period cannot start in the future.")
    if errors:
        raise ValidationError(errors)
    report, created = NetworkReport.objects.get_or_create(
        period_start=start,
        period_end=end,
        defaults={"requested_by": actor if isinstance(actor, AbstractBaseUser) else None},
    )
    if not created:
        report = NetworkReport.objects.select_for_update().get(pk=report.pk)
        if report.status == NetworkReportStatus.FAILED:
            report.status = NetworkReportStatus.PENDING
            report.progress = 0
            report.attempts = 0
            report.error = ""
            report.save(update_fields=["status", "progress", "attempts", "error"])
    if report.status != NetworkReportStatus.COMPLETE:
        _queue_build(report.pk)
    return report


def network_report_ensure_months(*, today: date | None = None) -> list[int]:
    """Create the missing monthly reports (pending) for every closed month since the start;
    return the ids of the monthly reports still to build, oldest first. Running it twice,
    or twice at once, creates each month once (the unique constraint)."""
    today = today or timezone.localdate()
    since = reports_start(today=today)
    if since is None:
        return []
    months = closed_months(since=since, today=today)
    if not months:
        return []
    NetworkReport.objects.bulk_create(
        [NetworkReport(period_start=month, period_end=month_end(month)) for month in months],
        ignore_conflicts=True,
    )
    periods = Q()
    for month in months:
        periods |= Q(period_start=month, period_end=month_end(month))
    return list(
        NetworkReport.objects.filter(periods)
        .exclude(status=NetworkReportStatus.COMPLETE)
        .exclude(status=NetworkReportStatus.FAILED, attempts__gte=MAX_ATTEMPTS)
        .order_by("period_start")
        .values_list("pk", flat=True)
    )


def network_report_retry_list() -> list[int]:
    """On-demand reports that were queued but never finished (Redis was down, or a worker
    died): the catch-up builds them too."""
    return list(
        NetworkReport.objects.filter(
            status__in=[NetworkReportStatus.PENDING, NetworkReportStatus.BUILDING]
        ).values_list("pk", flat=True)
    )


def network_report_catch_up(*, today: date | None = None) -> int:
    """Build every missing or unfinished report; return how many this run completed."""
    ids = network_report_ensure_months(today=today)
    ids += [pk for pk in network_report_retry_list() if pk not in ids]
    built = 0
    for pk in ids:
        try:
            built += network_report_build(report_id=pk)
        except Exception:
            # Marked failed by the builder; the next run tries again, up to MAX_ATTEMPTS.
            logger.exception("network report %s: build failed", pk)
    # A worker that died between completing a report and e-mailing it.
    for pk in NetworkReport.objects.filter(
        status=NetworkReportStatus.COMPLETE, notified_at__isnull=True
    ).values_list("pk", flat=True):
        network_report_notify(report_id=pk)
    return built


@contextmanager
def _build_lock(report_id: int) -> Iterator[bool]:
    """The report's advisory lock on this session, if no one else holds it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_NAMESPACE, report_id])
        row = cursor.fetchone()
    locked = bool(row and row[0])
    try:
        yield locked
    finally:
        if locked:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_NAMESPACE, report_id])


def _pause() -> None:
    delay = float(os.environ.get(STEP_DELAY_ENV) or 0)
    if delay > 0:
        time.sleep(delay)


def network_report_build(*, report_id: int) -> bool:
    """Build the report if it is not complete and no one else is building it; return whether
    this call completed it. Safe to repeat, to run concurrently and to run after a crash."""
    with _build_lock(report_id) as locked:
        if not locked:
            return False  # another worker is building it right now
        report = NetworkReport.objects.filter(pk=report_id).defer("pdf", "xlsx").first()
        if report is None or report.status == NetworkReportStatus.COMPLETE:
            return False
        NetworkReport.objects.filter(pk=report_id).update(
            status=NetworkReportStatus.BUILDING,
            progress=0,
            started_at=timezone.now(),
            attempts=report.attempts + 1,
            error="",
        )
        try:
            figures = report_figures(
                stats.StatsFilter(start=report.period_start, end=report.period_end),
                progress=lambda percent: _set_progress(report_id, percent),
            )
            with translation.override(settings.LANGUAGE_CODE):
                html = network_exports.render_html(figures)
                _set_progress(report_id, 85)
                pdf = network_exports.render_pdf(figures)
                _set_progress(report_id, 95)
                xlsx = network_exports.render_xlsx(figures)
        except Exception as error:
            NetworkReport.objects.filter(pk=report_id).update(
                status=NetworkReportStatus.FAILED, error=f"{type(error).__name__}: {error}"[:2000]
            )
            logger.exception("network report %s failed", report_id)
            raise
        with transaction.atomic():
            NetworkReport.objects.filter(pk=report_id).update(
                status=NetworkReportStatus.COMPLETE,
                progress=100,
                generated_at=timezone.now(),
                figures=figures,
                html=html,
                pdf=pdf,
                xlsx=xlsx,
            )
    network_report_notify(report_id=report_id)
    return True


def _set_progress(report_id: int, percent: int) -> None:
    NetworkReport.objects.filter(pk=report_id).update(progress=percent)


# --- The figures --------------------------------------------------------------------------------


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Promise):
        return str(value)
    return value


def _table_json(table: stats.Table) -> dict[str, Any]:
    return {
        "figure": table.figure,
        "caption": str(table.caption),
        "columns": [
            {"key": column.key, "label": str(column.label), "numeric": column.numeric}
            for column in table.columns
        ],
        "rows": [[_json(value) for value in row] for row in table.rows],
    }


@dataclass(frozen=True)
class Headline:
    key: str
    label: str
    value: Any


def report_figures(f: stats.StatsFilter, *, progress: Any = None) -> dict[str, Any]:
    """The report's figures as JSON-ready data, in the portal's language: the headline
    numbers and every figure's table (network.stats computes them all)."""
    tables = []
    results: dict[str, Any] = {}
    with translation.override(settings.LANGUAGE_CODE):
        for index, slug in enumerate(FIGURE_ORDER, start=1):
            figure = stats.ALL_FIGURES[slug]
            result = figure.compute(f)
            results[slug] = result
            tables.append(_table_json(figure.table(result)))
            if progress is not None:
                progress(FIGURES_DONE * index // len(FIGURE_ORDER))
            _pause()
        centres: stats.ActiveCentres = results["active-centres"]
        participants: stats.Participants = results["participants-by-age"]
        volunteers: stats.VolunteerFigures = results["volunteers"]
        resident: stats.ResidentInitiated = results["resident-initiated"]
        needs: stats.Needs = results["needs"]
        headline = [
            Headline("active_centres", _("active centres"), centres.active),
            Headline("activities", _("activities"), participants.activities),
            Headline("participants", _("participants"), participants.total),
            Headline("volunteer_hours", _("volunteer hours"), _json(volunteers.hours)),
            Headline(
                "resident_initiated", _("activities initiated by residents"), resident.resident_initiated
            ),
            Headline("resident_share", _("share initiated by residents (%)"), _json(resident.share)),
            Headline("open_needs", _("open needs"), needs.open),
            Headline(
                "certificates_expiring", _("certificates expiring"), len(results["certificates-expiring"])
            ),
        ]
        period_label = _("%(start)s – %(end)s") % {
            "start": date_format(f.start, "DATE_FORMAT"),
            "end": date_format(f.end, "DATE_FORMAT"),
        }
    return {
        "start": f.start.isoformat(),
        "end": f.end.isoformat(),
        "period": period_label,
        "language": settings.LANGUAGE_CODE,
        "headline": [{"key": h.key, "label": h.label, "value": h.value} for h in headline],
        "tables": tables,
    }


# --- E-mail --------------------------------------------------------------------------------------


def report_recipients() -> list[str]:
    """City staff and the network animator(s) with an e-mail address."""
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_staff=True, groups__name=CITY_GROUP) | Q(groups__name=ANIMATOR_GROUP))
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )
    return list(users)


def network_report_notify(*, report_id: int) -> int:
    """E-mail the complete report (its PDF attached) to city staff and the animator, once:
    ``notified_at`` is set in the same transaction, so a repeated call sends nothing.
    Return the number of messages sent."""
    with transaction.atomic():
        claimed = NetworkReport.objects.filter(
            pk=report_id, status=NetworkReportStatus.COMPLETE, notified_at__isnull=True
        ).update(notified_at=timezone.now())
        if not claimed:
            return 0
        report = NetworkReport.objects.select_related("requested_by").get(pk=report_id)
        # A monthly report goes to everyone concerned; one for another period to whoever asked.
        if report.is_month:
            recipients = report_recipients()
        else:
            requester = report.requested_by
            recipients = [requester.email] if requester is not None and requester.email else []
        if not recipients:
            return 0
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("CAL network report: %(period)s") % {"period": report.figures.get("period", "")}
            body = render_to_string(
                "network/reports/network_report_email.txt",
                {
                    "report": report,
                    "figures": report.figures,
                    "url": getattr(settings, "PORTAL_URL", "") + report.get_absolute_url(),
                },
            )
        filename = f"network-report_{report.period_start.isoformat()}_{report.period_end.isoformat()}"
        messages = []
        for address in recipients:
            message = EmailMessage(subject=subject, body=body, to=[address])
            message.attach(f"{filename}.pdf", bytes(report.pdf), "application/pdf")
            messages.append(message)
        # Sent inside the transaction: if sending fails, notified_at is rolled back and the
        # next catch-up tries again.
        return get_connection().send_messages(messages) or 0
