"""What the network animator does with the dashboard: log in, filter it to one district,
see the charts drawn beside their tables, and download a chart's figures as CSV."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD
from tests.network.stats_data import build_network

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


def _table_rows(page: Page, caption: str) -> list[list[str]]:
    """The header row and the body rows of the table with this caption, as the cells' text."""
    table = page.get_by_role("table", name=caption)
    rows = []
    for row in table.get_by_role("row").all():
        rows.append([cell.inner_text().strip() for cell in row.locator("th, td").all()])
    return rows


def test_animator_filters_the_dashboard_to_a_district_and_downloads_a_chart(
    page: Page, live_server: Any, animator: Any
) -> None:
    build_network()
    base = live_server.url
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)

    # Given the animator logged in, on the dashboard of the whole network
    _log_in(page, base, "animator")
    page.goto(f"{base}/network/")
    expect(page.get_by_role("heading", level=1, name="Network dashboard")).to_be_visible()
    expect(page.locator(".lead")).to_contain_text("the whole network")

    # When they choose the district Krzyki and show the figures
    page.get_by_label("District").select_option(label="Krzyki")
    page.get_by_role("button", name="Show figures").click()

    # Then the page covers Krzyki only: CAL Gaj's three activities of the last twelve months
    expect(page).to_have_url(re.compile(r"/network/\?.*district=krzyki"))
    expect(page.locator(".lead")).to_contain_text("district Krzyki")
    expect(page.get_by_label("District")).to_have_value("krzyki")
    centres = page.get_by_role("table", name="Centres and their figures")
    expect(centres.get_by_role("row")).to_have_count(2)
    expect(centres.get_by_role("rowheader")).to_have_text(["CAL Gaj"])
    by_method = _table_rows(page, "Activities by CAL method")
    assert by_method == [
        ["CAL method", "Activities", "Participants"],
        ["Recognising needs", "0", "0"],
        ["Organising activity", "1", "100"],
        ["Action in public space", "0", "0"],
        ["Work with the community", "1", "8"],
        ["Networking", "1", "12"],
    ]
    # And every chart is drawn beside its table (Chart.js from static/vendor), the map too
    expect(page.locator(".dashboard-chart.is-drawn")).to_have_count(8)
    expect(page.locator("#dashboard-map.leaflet-container")).to_be_visible()

    # When they download the CSV of the chart of activities by CAL method
    figure = page.locator("#figure-activities-by-method")
    with page.expect_download() as download_info:
        figure.get_by_role("link", name=re.compile("Download CSV")).click()
    download = download_info.value

    # Then the file holds the same figures as the table, for the same filter
    assert re.fullmatch(
        r"activities-by-method_\d{4}-\d{2}-01_\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename
    )
    path = download.path()
    assert path is not None
    with open(path, encoding="utf-8-sig") as handle:
        rows = list(csv.reader(io.StringIO(handle.read())))
    assert rows == by_method
    assert console_errors == []
