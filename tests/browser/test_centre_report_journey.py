"""A centre report's round trip: operator-a opens the draft the portal built from their
workspace, writes the narrative and submits; city staff return it with a comment in the
admin; operator-a fixes and resubmits; staff accept. Each side is e-mailed."""

import re
from datetime import date

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from centres.models import OperatorTerm
from network.models import CentreReport, CentreReportKind, CentreReportStatus
from network.reports import centre as reports
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page: Page, base_url: str, username: str) -> None:
    """Log in, in English (the switch in the header)."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def _log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)


def _review(page: Page, base_url: str, report: CentreReport, decision: str, comment: str = "") -> None:
    page.goto(f"{base_url}/admin/network/centrereport/{report.pk}/change/")
    page.get_by_label("Comments of the city").fill(comment)
    page.get_by_label("Decision").select_option(label=decision)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page).to_have_url(f"{base_url}/admin/network/centrereport/")


def test_operator_submits_staff_return_operator_fixes_staff_accept(
    page: Page, live_server, operator_a, centre_a, city_staff
):
    term = OperatorTerm.objects.get(centre=centre_a)
    term.start = date(2025, 1, 1)  # still running: the centre is in operator-a's workspace
    term.save()
    report = reports.centre_report_build(
        term_id=term.pk,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 1, 31),
        kind=CentreReportKind.MONTHLY,
    )
    base = live_server.url
    mail.outbox.clear()

    # Given operator-a in the workspace of their centre
    _log_in(page, base, "operator-a")
    page.goto(f"{base}/workspace/centres/cal-szczepin/")
    page.get_by_role("navigation", name="Workspace of CAL Szczepin").get_by_role(
        "link", name="Reports"
    ).click()
    expect(page).to_have_url(f"{base}/workspace/centres/cal-szczepin/reports/")
    rows = page.get_by_role("table", name="Reports").get_by_role("row")
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text("monthly short report")
    expect(rows.nth(1)).to_contain_text("draft")

    # When they open the draft, write the narrative and submit it
    rows.nth(1).get_by_role("link", name="CAL Szczepin").click()
    expect(page).to_have_url(f"{base}/network/centre-reports/{report.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Monthly short report: CAL Szczepin")
    page.get_by_label("Results achieved").fill("120 residents in 40 activities (attendance lists).")
    page.get_by_role("button", name="Submit the report").click()
    # ... the actions carried out are missing
    expect(page.get_by_role("alert").first).to_be_visible()
    expect(page.get_by_text("Fill this in before submitting the report.")).to_be_visible()
    page.get_by_label("Actions carried out").fill("Workshops and a neighbourhood fair.")
    page.get_by_role("button", name="Submit the report").click()

    # Then the report is submitted, read-only, and city staff are e-mailed
    expect(page.locator("[data-status]")).to_have_text("submitted")
    expect(page.get_by_role("button", name="Submit the report")).to_have_count(0)
    expect(page.get_by_text("120 residents in 40 activities (attendance lists).")).to_be_visible()
    assert [m.to for m in mail.outbox] == [["staff@example.org"]]
    assert mail.outbox[0].subject.endswith(": submitted")
    _log_out(page)

    # When city staff return it with a comment in the admin
    _log_in(page, base, "staff")
    _review(page, base, report, "Return for correction", "Give the number of workshops.")
    report.refresh_from_db()
    assert (report.status, report.review_comment) == (
        CentreReportStatus.RETURNED,
        "Give the number of workshops.",
    )
    assert [m.to for m in mail.outbox[1:]] == [["operator-a@example.org"]]
    assert "Give the number of workshops." in mail.outbox[1].body
    _log_out(page)

    # Then operator-a sees the comment, fixes the narrative and resubmits
    _log_in(page, base, "operator-a")
    page.goto(f"{base}/workspace/centres/cal-szczepin/reports/")
    page.get_by_role("table", name="Reports").get_by_role("link", name="CAL Szczepin").click()
    expect(page.locator("[data-status]")).to_have_text("returned for correction")
    expect(page.get_by_role("status")).to_contain_text("Give the number of workshops.")
    expect(page.get_by_label("Actions carried out")).to_have_value("Workshops and a neighbourhood fair.")
    page.get_by_label("Actions carried out").fill("12 workshops and a neighbourhood fair.")
    page.get_by_role("button", name="Submit the report").click()
    expect(page.locator("[data-status]")).to_have_text("submitted")
    assert [m.to for m in mail.outbox[2:]] == [["staff@example.org"]]
    _log_out(page)

    # When staff accept it
    _log_in(page, base, "staff")
    _review(page, base, report, "Accept")
    assert [m.to for m in mail.outbox[3:]] == [["operator-a@example.org"]]
    assert mail.outbox[3].subject.endswith(": accepted")

    # Then the page shows it accepted, with every change in its history
    page.goto(f"{base}/network/centre-reports/{report.pk}/")
    expect(page.locator("[data-status]")).to_have_text("accepted")
    log = page.get_by_role("region", name="History").get_by_role("listitem")
    expect(log).to_have_count(5)
    expect(log.nth(0)).to_contain_text("draft")
    expect(log.nth(1)).to_contain_text(re.compile(r"submitted \(.*operator"))
    expect(log.nth(2)).to_contain_text("returned for correction")
    expect(log.nth(2)).to_contain_text("Give the number of workshops.")
    expect(log.nth(3)).to_contain_text("submitted")
    expect(log.nth(4)).to_contain_text("accepted")
    report.refresh_from_db()
    assert (report.status, report.actions) == (
        CentreReportStatus.ACCEPTED,
        "12 workshops and a neighbourhood fair.",
    )
