"""Monthly network reports: the builder (directly and twice), catch-up, the exports (PDF and
XLSX opened and checked), the e-mail, the pages and who may open them."""

from __future__ import annotations

import io
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from centres.access import ANIMATOR_GROUP
from network.models import NetworkReport, NetworkReportStatus
from network.reports import network as network_reports
from tests import factories
from tests.network.stats_data import build_network

pytestmark = pytest.mark.django_db

JANUARY = (date(2026, 1, 1), date(2026, 1, 31))


@pytest.fixture
def network() -> SimpleNamespace:
    return build_network()


def _headline(report: NetworkReport) -> dict[str, Any]:
    return {item["key"]: item["value"] for item in report.figures["headline"]}


def _table(report: NetworkReport, figure: str) -> dict[str, Any]:
    return next(table for table in report.figures["tables"] if table["figure"] == figure)


def _january() -> NetworkReport:
    return NetworkReport.objects.create(period_start=JANUARY[0], period_end=JANUARY[1])


def test_builder_builds_the_month_with_the_dashboards_figures(network: SimpleNamespace) -> None:
    # Given January 2026: A1 (C1: 5 + 10 participants, 4.0 volunteer hours, resident's) and
    # A5 (C3, 31 January 23:30 local: 8 participants, 2.0 hours, resident's)
    report = _january()

    assert network_reports.network_report_build(report_id=report.pk) is True

    report.refresh_from_db()
    assert report.status == NetworkReportStatus.COMPLETE
    assert report.progress == 100
    assert report.attempts == 1
    assert report.generated_at is not None
    headline = _headline(report)
    assert headline["activities"] == 2
    assert headline["participants"] == 23
    assert headline["volunteer_hours"] == 6.0
    assert headline["resident_initiated"] == 2
    assert headline["resident_share"] == 100.0
    by_age = {row[0]: row[1] for row in _table(report, "participants-by-age")["rows"]}
    assert sorted(by_age.values()) == [0, 0, 0, 10, 13]
    assert [table["figure"] for table in report.figures["tables"]] == list(network_reports.FIGURE_ORDER)
    assert 'id="report-participants-by-age"' in report.html
    assert "<svg" in report.html


def test_builder_called_twice_changes_nothing(network: SimpleNamespace) -> None:
    report = _january()
    network_reports.network_report_build(report_id=report.pk)
    first = NetworkReport.objects.get(pk=report.pk)

    assert network_reports.network_report_build(report_id=report.pk) is False

    again = NetworkReport.objects.get(pk=report.pk)
    assert (again.generated_at, again.attempts, again.figures) == (first.generated_at, 1, first.figures)
    assert NetworkReport.objects.count() == 1


def test_one_report_per_period_is_a_database_constraint() -> None:
    _january()
    with pytest.raises(IntegrityError), transaction.atomic():
        _january()


def test_a_report_left_building_by_a_dead_worker_is_finished(network: SimpleNamespace) -> None:
    # A worker died mid-build: the row says "building", but no session holds its lock
    report = NetworkReport.objects.create(
        period_start=JANUARY[0], period_end=JANUARY[1], status=NetworkReportStatus.BUILDING, progress=40
    )

    assert network_reports.network_report_build(report_id=report.pk) is True

    report.refresh_from_db()
    assert (report.status, report.progress, report.attempts) == (NetworkReportStatus.COMPLETE, 100, 1)


def test_catch_up_builds_every_closed_month_once(network: SimpleNamespace, city_staff: Any) -> None:
    # The first activity is in January 2026; on 15 April, January–March are closed
    city_staff.email = "staff@example.org"
    city_staff.save()

    built = network_reports.network_report_catch_up(today=date(2026, 4, 15))

    assert built == 3
    periods = list(
        NetworkReport.objects.order_by("period_start").values_list("period_start", "period_end", "status")
    )
    assert periods == [
        (date(2026, 1, 1), date(2026, 1, 31), "complete"),
        (date(2026, 2, 1), date(2026, 2, 28), "complete"),
        (date(2026, 3, 1), date(2026, 3, 31), "complete"),
    ]
    assert len(mail.outbox) == 3

    # Running it again changes nothing and sends nothing
    assert network_reports.network_report_catch_up(today=date(2026, 4, 30)) == 0
    assert NetworkReport.objects.count() == 3
    assert len(mail.outbox) == 3


def test_catch_up_without_any_activity_builds_nothing() -> None:
    assert network_reports.network_report_catch_up(today=date(2026, 4, 15)) == 0
    assert NetworkReport.objects.count() == 0


def test_complete_report_is_emailed_once_to_city_staff_and_the_animator(
    network: SimpleNamespace, city_staff: Any, animator: Any, team_member: Any, english: Any
) -> None:
    for user, address in ((city_staff, "staff@example.org"), (animator, "animator@example.org")):
        user.email = address
        user.save()
    team_member.email = "team@example.org"
    team_member.save()
    report = _january()

    network_reports.network_report_build(report_id=report.pk)
    network_reports.network_report_notify(report_id=report.pk)

    assert sorted(message.to[0] for message in mail.outbox) == ["animator@example.org", "staff@example.org"]
    message = mail.outbox[0]
    assert message.attachments[0][0] == "network-report_2026-01-01_2026-01-31.pdf"
    assert f"/network/reports/{report.pk}/" in message.body


def test_pdf_and_xlsx_hold_the_figures(network: SimpleNamespace) -> None:
    report = _january()
    network_reports.network_report_build(report_id=report.pk)
    report.refresh_from_db()

    reader = PdfReader(io.BytesIO(bytes(report.pdf)))
    pdf_text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "CAL Szczepin" in pdf_text
    assert "CAL Gaj" in pdf_text
    # The key figures, in the order of the headline: centres, activities, participants, hours…
    assert " 23 " in pdf_text
    assert " 6 " in pdf_text

    workbook = load_workbook(io.BytesIO(bytes(report.xlsx)))
    summary = workbook.worksheets[0]
    values = {row[0]: row[1] for row in summary.iter_rows(min_row=5, values_only=True)}
    assert list(values.values()) == [2, 2, 23, 6, 2, 100, 1, 0]
    assert len(workbook.worksheets) == 1 + len(network_reports.FIGURE_ORDER)
    method_sheet = workbook.worksheets[2]
    rows = list(method_sheet.iter_rows(min_row=3, values_only=True))
    assert sum(row[1] for row in rows) == 2
    assert sum(row[2] for row in rows) == 23


# --- On demand --------------------------------------------------------------------------------


def test_animator_requests_a_report_for_any_period(
    network: SimpleNamespace, animator: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    queued: list[int] = []
    monkeypatch.setattr(network_reports, "_send_quietly", lambda task, pk: queued.append(pk))
    with django_capture_on_commit_callbacks(execute=True):
        report = network_reports.network_report_request(
            actor=animator, start=date(2026, 1, 10), end=date(2026, 2, 15)
        )
    assert queued == [report.pk]
    assert report.requested_by == animator
    assert report.status == NetworkReportStatus.PENDING

    # Asking again for the same period gives the same report
    again = network_reports.network_report_request(
        actor=animator, start=date(2026, 1, 10), end=date(2026, 2, 15)
    )
    assert again.pk == report.pk
    assert NetworkReport.objects.count() == 1


def test_request_refuses_a_bad_period(animator: Any, english: Any) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        network_reports.network_report_request(actor=animator, start=date(2026, 2, 1), end=date(2026, 1, 1))
    assert caught.value.message_dict == {"end": ["The period must end on or after its start."]}


def test_request_with_redis_down_still_answers(
    animator: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    from network import tasks

    def broken(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("redis is down")

    monkeypatch.setattr(tasks.network_report_build_task, "apply_async", broken)
    with django_capture_on_commit_callbacks(execute=True):
        report = network_reports.network_report_request(
            actor=animator, start=date(2026, 1, 1), end=date(2026, 1, 10)
        )
    # Left pending for the next catch-up
    assert NetworkReport.objects.get(pk=report.pk).status == NetworkReportStatus.PENDING
    assert network_reports.network_report_retry_list() == [report.pk]


# --- Pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["animator", "team_member", "city_staff"])
def test_network_viewers_read_the_reports(
    network: SimpleNamespace, who: str, request: Any, client: Any
) -> None:
    user = request.getfixturevalue(who)
    report = _january()
    network_reports.network_report_build(report_id=report.pk)
    client.force_login(user)

    assert client.get(reverse("network:network-report-list")).status_code == 200
    page = client.get(report.get_absolute_url())
    assert page.status_code == 200
    assert 'id="report-participants-by-age"' in page.content.decode()
    pdf = client.get(reverse("network:network-report-download", args=[report.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf"
    assert bytes(pdf.content).startswith(b"%PDF")
    xlsx = client.get(reverse("network:network-report-download", args=[report.pk, "xlsx"]))
    assert xlsx.status_code == 200


def test_operators_get_404_and_anonymous_a_login(operator_a: Any, client: Any) -> None:
    report = _january()
    urls = [
        reverse("network:network-report-list"),
        report.get_absolute_url(),
        reverse("network:network-report-download", args=[report.pk, "pdf"]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302
    assert client.get(reverse("network:network-report-status", args=[report.pk])).status_code == 401
    client.force_login(operator_a)
    for url in [*urls, reverse("network:network-report-status", args=[report.pk])]:
        assert client.get(url).status_code == 404
    assert client.post(reverse("network:network-report-list"), {"start": "2026-01-01"}).status_code == 404


def test_team_member_may_not_build_on_demand(team_member: Any, client: Any) -> None:
    client.force_login(team_member)
    response = client.post(
        reverse("network:network-report-list"), {"start": "2026-01-01", "end": "2026-01-31"}
    )
    assert response.status_code == 404
    assert NetworkReport.objects.count() == 0


@pytest.mark.parametrize("who", ["animator", "city_staff"])
def test_building_on_demand_shows_progress_then_the_report(
    network: SimpleNamespace, who: str, request: Any, client: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(network_reports, "_send_quietly", lambda task, pk: None)
    client.force_login(request.getfixturevalue(who))

    response = client.post(
        reverse("network:network-report-list"), {"start": "2026-01-01", "end": "2026-02-15"}
    )

    report = NetworkReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == report.get_absolute_url()
    page = client.get(report.get_absolute_url()).content.decode()
    assert "data-report-progress" in page
    assert 'src="/static/js/network_report_status.js"' in page
    status = client.get(reverse("network:network-report-status", args=[report.pk])).json()
    assert (status["status"], status["progress"], status["complete"]) == ("pending", 0, False)

    network_reports.network_report_build(report_id=report.pk)

    status = client.get(reverse("network:network-report-status", args=[report.pk])).json()
    assert (status["status"], status["progress"], status["complete"]) == ("complete", 100, True)
    page = client.get(report.get_absolute_url()).content.decode()
    assert reverse("network:network-report-download", args=[report.pk, "pdf"]) in page


def test_on_demand_form_errors(animator: Any, client: Any, english: Any) -> None:
    client.force_login(animator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # pages ignore Accept-Language
    response = client.post(
        reverse("network:network-report-list"),
        {"start": "2026-02-01", "end": "2026-01-01"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"end": ["The period must end on or after its start."]}


def test_list_query_count_does_not_grow(animator: Any, client: Any, django_assert_num_queries: Any) -> None:
    client.force_login(animator)
    url = reverse("network:network-report-list")
    for month in (1, 2):
        NetworkReport.objects.create(period_start=date(2025, month, 1), period_end=date(2025, month, 28))
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for month in range(3, 13):
        NetworkReport.objects.create(period_start=date(2025, month, 1), period_end=date(2025, month, 28))
    for month in range(1, 9):
        NetworkReport.objects.create(period_start=date(2024, month, 1), period_end=date(2024, month, 28))
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


def test_dashboard_lists_the_monthly_reports(network: SimpleNamespace, animator: Any, client: Any) -> None:
    report = _january()
    network_reports.network_report_build(report_id=report.pk)
    factories.UserFactory(username="other-animator", groups=[ANIMATOR_GROUP])
    client.force_login(animator)
    page = client.get(reverse("network:dashboard")).content.decode()
    assert report.get_absolute_url() in page
    assert reverse("network:network-report-list") in page
