"""Centre report pages: access, the operator's narrative and submission, the admin
review, and the PDF and XLSX opened and read."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from centres.models import OperatorTerm
from network.models import CentreReport, CentreReportKind, CentreReportStatus
from network.reports import centre as reports
from tests import factories

pytestmark = pytest.mark.django_db


def build(centre: Any, kind: str = CentreReportKind.FINAL) -> CentreReport:
    term = OperatorTerm.objects.get(centre=centre)
    term.start, term.end, term.grant_amount = date(2025, 1, 1), date(2025, 12, 31), Decimal("1000.00")
    term.save()
    return reports.centre_report_build(
        term_id=term.pk, period_start=date(2025, 1, 1), period_end=date(2025, 12, 31), kind=kind
    )


def login(client: Client, user: Any) -> Client:
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture(autouse=True)
def _mail_on_commit(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test's transaction never commits: send what waits for the commit at once."""
    monkeypatch.setattr(reports.transaction, "on_commit", lambda callback, *args, **kwargs: callback())


def form_data(report: CentreReport, **extra: str) -> dict[str, str]:
    data = {
        "version": str(report.version),
        "results": "120 mieszkańców w 40 działaniach (listy obecności).",
        "actions": "Warsztaty i festyn sąsiedzki.",
        "deviations": "",
        "additional_info": "",
        "budget-TOTAL_FORMS": "2",
        "budget-INITIAL_FORMS": "0",
        "budget-MIN_NUM_FORMS": "0",
        "budget-MAX_NUM_FORMS": "50",
        "budget-0-name": "Wynagrodzenia",
        "budget-0-granted": "800",
        "budget-0-spent": "790",
        "budget-0-own": "50",
        "budget-0-in_kind": "0",
        "budget-1-name": "Materiały",
        "budget-1-granted": "200",
        "budget-1-spent": "200",
        "budget-1-own": "0",
        "budget-1-in_kind": "120",
    }
    data.update(extra)
    return data


def test_anonymous_is_sent_to_log_in(client: Client, centre_a: Any) -> None:
    report = build(centre_a)
    for url in (
        reverse("network:centre-report-list"),
        report.get_absolute_url(),
        reverse("network:centre-report-pdf", args=[report.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_another_operator_gets_a_404(client: Client, centre_a: Any, operator_b: Any) -> None:
    report = build(centre_a)
    login(client, operator_b)

    assert client.get(report.get_absolute_url()).status_code == 404
    assert client.get(reverse("network:centre-report-xlsx", args=[report.pk])).status_code == 404
    assert client.post(report.get_absolute_url(), form_data(report)).status_code == 404


def test_the_animator_reads_a_submitted_report_but_not_a_draft(
    client: Client, centre_a: Any, operator_a: Any, animator: Any
) -> None:
    report = build(centre_a)
    login(client, animator)
    assert client.get(report.get_absolute_url()).status_code == 404

    login(Client(), operator_a).post(report.get_absolute_url(), form_data(report, submit="1"))
    response = client.get(report.get_absolute_url())
    assert response.status_code == 200
    assert response.context["form"] is None
    assert client.post(report.get_absolute_url(), form_data(report)).status_code == 403


def test_the_operator_saves_then_submits(
    client: Client, centre_a: Any, operator_a: Any, city_staff: Any
) -> None:
    report = build(centre_a)
    login(client, operator_a)

    response = client.post(report.get_absolute_url(), form_data(report, save="1"))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == CentreReportStatus.DRAFT
    assert report.results == "120 mieszkańców w 40 działaniach (listy obecności)."
    assert len(report.budget_lines) == 2

    mail.outbox.clear()
    response = client.post(report.get_absolute_url(), form_data(report, submit="1"))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == CentreReportStatus.SUBMITTED
    assert [m.to for m in mail.outbox] == [["staff@example.org"]]


def test_submitting_without_narrative_shows_field_errors(
    client: Client, centre_a: Any, operator_a: Any, english: None
) -> None:
    report = build(centre_a)
    login(client, operator_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.post(
        report.get_absolute_url(),
        form_data(report, submit="1", results="", **{"budget-0-granted": "700", "budget-0-spent": "700"}),
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {"results": ["Fill this in before submitting the report."]}
    assert response.context["budget_errors"] == [
        "The budget lines add up to a grant of 900.00 zł, but the agreement grants 1000.00 zł."
    ]
    report.refresh_from_db()
    assert report.status == CentreReportStatus.DRAFT


def test_list_query_count_does_not_grow(
    client: Client, centre_a: Any, operator_a: Any, django_assert_max_num_queries: Any
) -> None:
    term = OperatorTerm.objects.get(centre=centre_a)
    term.start, term.end = date(2024, 1, 1), date(2025, 12, 31)
    term.save()
    reports.report_schedule_save(
        schedule=reports.ReportSchedule(term=term, monthly=True, final=False), actor=None
    )
    reports.centre_report_build_due(on=date(2024, 3, 1))
    login(client, operator_a)
    client.get(reverse("network:centre-report-list"))  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as two:
        response = client.get(reverse("network:centre-report-list"))
    assert len(response.context["reports"]) == 2
    reports.centre_report_build_due(on=date(2025, 9, 1))
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("network:centre-report-list"))
    assert len(response.context["reports"]) == 20
    assert len(many) == len(two)


def test_pdf_and_xlsx_hold_the_figures_and_the_three_parts(
    client: Client, centre_a: Any, operator_a: Any, english: None
) -> None:
    report = build(centre_a)
    factories.GroupFactory(centre=centre_a, members_count=17)
    centre_a.groups.update(created_at=datetime(2025, 2, 1, 12, tzinfo=UTC))
    login(client, operator_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.post(report.get_absolute_url(), form_data(report, submit="1"))
    report.refresh_from_db()
    assert report.figures["groups"] == {"active": 1, "members": 17}

    response = client.get(reverse("network:centre-report-pdf", args=[report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    for expected in (
        "Part I. Substantive report",
        "Part II. Financial report",
        "Part III. Additional information",
        "Wynagrodzenia",
        "790.00",
        "1000.00",
        "Active groups 1",
        "120 mieszkańców w 40 działaniach",
        "Volunteer hours",
        report.term.organization.name,
        report.term.agreement_number,
    ):
        assert expected in text, expected

    response = client.get(reverse("network:centre-report-xlsx", args=[report.pk]))
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["Report", "Part II. Financial report"]
    rows = {row[0]: row[1] for row in book["Report"].iter_rows(values_only=True) if row and row[0]}
    assert rows["Grantee"] == report.term.organization.name
    assert rows["Activities in total"] == report.figures["activities"]["total"]
    assert rows["Active groups"] == report.figures["groups"]["active"]
    assert rows["Results achieved"] == "120 mieszkańców w 40 działaniach (listy obecności)."
    budget = list(book["Part II. Financial report"].iter_rows(values_only=True))
    assert budget[1] == ("Wynagrodzenia", 800.0, 790.0, 50.0, 0.0)
    assert budget[-1] == ("Total", 1000.0, 990.0, 50.0, 120.0)


def test_staff_return_and_accept_in_the_admin(
    client: Client, centre_a: Any, operator_a: Any, city_staff: Any, english: None
) -> None:
    report = build(centre_a)
    login(Client(), operator_a).post(report.get_absolute_url(), form_data(report, submit="1"))
    login(client, city_staff)
    url = reverse("admin:network_centrereport_change", args=[report.pk])
    assert client.get(url).status_code == 200

    response = client.post(url, {"review_comment": "", "decision": "return"})
    assert response.status_code == 200
    assert "review_comment" in response.context["adminform"].form.errors

    mail.outbox.clear()
    response = client.post(url, {"review_comment": "Podajcie źródła.", "decision": "return"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.review_comment) == (CentreReportStatus.RETURNED, "Podajcie źródła.")
    assert [m.to for m in mail.outbox] == [["operator-a@example.org"]]

    login(Client(), operator_a).post(report.get_absolute_url(), form_data(report, submit="1"))
    response = client.post(url, {"review_comment": "", "decision": "accept"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == CentreReportStatus.ACCEPTED
