"""What an operator does: log in, change the public profile of their centre, see it published."""

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from centres.models import Centre
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_operator_edits_the_description_and_sees_it_on_the_public_page(
    page: Page, live_server, operator_a, centre_a
):
    new_description = f"Warsztaty sąsiedzkie w każdą środę ({uuid.uuid4().hex[:8]})."

    # Given the operator on the login page, in English (the switch in the header)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # When they log in
    page.get_by_label("Username").fill("operator-a")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # Then they land in their workspace, which lists their centre
    expect(page).to_have_url(f"{live_server.url}/workspace/")
    expect(page.get_by_role("heading", name="CAL Szczepin")).to_be_visible()

    # When they open the edit form, change the description and save
    page.get_by_role("link", name=re.compile(r"Edit public profile")).click()
    expect(page).to_have_url(f"{live_server.url}/workspace/centres/cal-szczepin/")
    description = page.get_by_label("Description")
    expect(description).to_have_value("Miejsce spotkań sąsiedzkich.")
    description.fill(new_description)
    page.get_by_role("button", name="Save").click()

    # Then they are back in the workspace with a confirmation
    expect(page).to_have_url(f"{live_server.url}/workspace/")
    expect(page.get_by_role("status")).to_contain_text("The profile of CAL Szczepin has been saved.")

    # And the public page of the centre shows the new description
    page.get_by_role("link", name=re.compile(r"View public page")).click()
    expect(page).to_have_url(f"{live_server.url}/centres/cal-szczepin/")
    expect(page.get_by_text(new_description)).to_be_visible()
    centre = Centre.objects.get(pk=centre_a.pk)
    assert (centre.description, centre.version) == (new_description, 2)


def test_operator_sees_the_conflict_when_the_centre_changed_meanwhile(
    page: Page, live_server, operator_a, centre_a
):
    # Given the operator logged in, in English, with the edit form open at version 1
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="English").click()
    page.get_by_label("Username").fill("operator-a")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/workspace/centres/cal-szczepin/")

    # When a colleague saves first and then the operator saves
    Centre.objects.filter(pk=centre_a.pk).update(description="Zmiana kolegi", version=2)
    page.get_by_label("Description").fill("Moja zmiana")
    page.get_by_role("button", name="Save").click()

    # Then the form says so and the colleague's text is kept
    expect(page.get_by_role("alert")).to_contain_text("Someone else changed this centre")
    assert Centre.objects.get(pk=centre_a.pk).description == "Zmiana kolegi"
