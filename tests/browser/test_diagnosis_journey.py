"""What people do with a community diagnosis: operator-a places a need on the map and links
the activity that answers it; a resident sends an idea without an account and the operator
accepts it as a finding."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from centres.models import CITY_BOUNDS
from diagnosis.models import Finding, FindingKind, FindingStatus, ResidentSubmission, SubmissionStatus, Theme
from tests import factories
from tests.diagnosis.factories import DiagnosisFactory
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


def _errors_of(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_operator_places_a_need_on_the_map_and_links_the_activity_that_answers_it(
    page: Page, live_server, operator_a, centre_a
):
    DiagnosisFactory(centre=centre_a, title="Diagnoza Szczepina 2026")
    start = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=5), time(19, 0)))
    walk = factories.ActivityFactory(
        centre=centre_a, title="Spacer z latarkami", start=start, end=start + timedelta(hours=2)
    )
    errors = _errors_of(page)
    base = live_server.url

    # Given operator-a in the workspace of their centre
    _log_in(page, base, "operator-a")
    page.goto(f"{base}/workspace/centres/cal-szczepin/")
    page.get_by_role("navigation", name="Workspace of CAL Szczepin").get_by_role(
        "link", name="Diagnosis"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Diagnosis: CAL Szczepin")
    page.get_by_role("link", name="Diagnoza Szczepina 2026").click()

    # When they add a need and place it with a click on the map
    page.get_by_role("link", name="Add a finding").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a finding")
    page.get_by_label("Kind").select_option(label="need")
    page.get_by_label("Theme").select_option(label="safety")
    page.get_by_label("Priority").select_option("5")
    page.get_by_role("textbox", name=re.compile(r"^Title")).fill("Ciemne przejście pod wiaduktem")
    page.get_by_role("checkbox", name="all residents").check()
    pick_map = page.get_by_role("region", name="Map: click to place the finding")
    expect(pick_map).to_have_attribute("data-map-state", "loaded")
    latitude, longitude = (
        page.get_by_role("spinbutton", name=re.compile(r"^Latitude")),
        page.get_by_role("spinbutton", name=re.compile(r"^Longitude")),
    )
    expect(latitude).to_have_value("")
    pick_map.click(position={"x": 120, "y": 90})
    expect(latitude).to_have_value(re.compile(r"^51\.\d{6}$"))
    expect(longitude).to_have_value(re.compile(r"^1[67]\.\d{6}$"))
    expect(page.locator("#pick-status")).to_contain_text("Point placed at latitude")
    placed = (Decimal(latitude.input_value()), Decimal(longitude.input_value()))
    page.get_by_role("button", name="Add the finding").click()

    # Then the need is saved with that point, still open
    expect(page.get_by_role("status")).to_contain_text(
        "The finding “Ciemne przejście pod wiaduktem” has been added."
    )
    finding = Finding.objects.get()
    assert (finding.kind, finding.theme, finding.priority, finding.target_groups) == (
        FindingKind.NEED,
        Theme.SAFETY,
        5,
        ["wszyscy"],
    )
    assert (finding.latitude, finding.longitude) == placed
    assert CITY_BOUNDS["south"] <= finding.latitude <= CITY_BOUNDS["north"]
    assert CITY_BOUNDS["west"] <= finding.longitude <= CITY_BOUNDS["east"]
    expect(page.locator("#finding-status")).to_contain_text("Open")

    # When they link the activity that answers it
    activity = page.get_by_label("Activity")
    expect(activity.locator("option", has_text="Spacer z latarkami")).to_have_attribute("value", str(walk.pk))
    activity.select_option(str(walk.pk))
    page.get_by_role("button", name="Link the activity").click()

    # Then the need is being addressed, and the activity is listed
    expect(page.get_by_role("status")).to_contain_text(
        "“Spacer z latarkami” now answers “Ciemne przejście pod wiaduktem”."
    )
    expect(page.locator("#finding-status")).to_contain_text("Being addressed")
    expect(page.locator(".response-list").get_by_role("link", name="Spacer z latarkami")).to_be_visible()
    assert Finding.objects.get().current_status == FindingStatus.IN_PROGRESS

    # And the diagnosis' map shows it, fed by the API, with the table beside it
    page.get_by_role("link", name="Back to the diagnosis").click()
    findings_map = page.locator("[data-findings-map]")
    expect(findings_map).to_have_attribute("data-map-state", "loaded")
    expect(findings_map).to_have_attribute("data-feature-count", "1")
    expect(findings_map.locator(".finding-marker--potrzeba")).to_have_count(1)
    row = page.get_by_role("row", name=re.compile("Ciemne przejście pod wiaduktem"))
    expect(row).to_contain_text("Being addressed")
    expect(row).to_contain_text("Spacer z latarkami")
    assert errors == []


def test_a_resident_sends_an_idea_and_the_operator_accepts_it(page: Page, live_server, operator_a, centre_a):
    diagnosis = DiagnosisFactory(centre=centre_a, title="Czego potrzebuje Szczepin?", submissions_open=True)
    errors = _errors_of(page)
    base = live_server.url

    # Given a resident on the centre's page, without an account
    page.goto(f"{base}/centres/cal-szczepin/")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Community diagnosis")).to_be_visible()

    # When they send an idea
    page.get_by_role("link", name=re.compile("Share your idea")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Share your need, asset or idea")
    page.get_by_role("radio", name="idea").check()
    page.get_by_label("Your need, asset or idea").fill(
        "Kino plenerowe na podwórku przy Zachodniej, w sierpniu."
    )
    page.get_by_role("button", name="Send").click()

    # Then they are thanked, and the submission waits for moderation
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    submission = ResidentSubmission.objects.get()
    assert (submission.diagnosis, submission.status) == (diagnosis, SubmissionStatus.PENDING)

    # When operator-a opens the residents' submissions of the diagnosis
    _log_in(page, base, "operator-a")
    page.goto(f"{base}/workspace/centres/cal-szczepin/diagnoses/{diagnosis.pk}/")
    page.get_by_role("link", name="Residents' submissions: 1 waiting").click()
    expect(page.get_by_text("Kino plenerowe na podwórku przy Zachodniej, w sierpniu.")).to_be_visible()

    # ... and accepts it as a finding with a short title and a theme
    page.get_by_role("link", name=re.compile("Accept as a finding")).click()
    title = page.get_by_role("textbox", name=re.compile(r"^Title"))
    expect(title).to_have_value("Kino plenerowe na podwórku przy Zachodniej, w sierpniu.")
    title.fill("Kino plenerowe")
    page.get_by_label("Theme").select_option(label="culture and leisure")
    page.get_by_role("button", name="Accept", exact=True).click()

    # Then it is a finding of the diagnosis, and no longer waiting
    expect(page.get_by_role("status")).to_contain_text("The submission is now the finding “Kino plenerowe”.")
    expect(page.get_by_text("Nothing is waiting.")).to_be_visible()
    page.get_by_role("link", name="Czego potrzebuje Szczepin?").first.click()
    expect(page.get_by_role("row", name=re.compile("Kino plenerowe"))).to_contain_text("Idea")
    finding = Finding.objects.get()
    assert (finding.kind, finding.title, finding.theme, finding.description) == (
        FindingKind.IDEA,
        "Kino plenerowe",
        Theme.CULTURE,
        "Kino plenerowe na podwórku przy Zachodniej, w sierpniu.",
    )
    assert ResidentSubmission.objects.get().status == SubmissionStatus.ACCEPTED
    assert errors == []
