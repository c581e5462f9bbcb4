"""What an operator does with a local partnership: create it, add three partners (two
from the registry, one added on the spot), record a meeting, move it to "normowanie",
and see its members over time, its meetings as a timeline and its phase log."""

import re

import pytest
from playwright.sync_api import Page, expect

from centres.models import Organization, OrganizationKind
from partnerships.models import Partnership, Phase
from tests import factories
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


def test_operator_runs_a_partnership_from_creation_to_norming(page: Page, live_server, operator_a, centre_a):
    factories.OrganizationFactory(name="Rada Osiedla Szczepin", kind=OrganizationKind.COUNCIL)
    factories.OrganizationFactory(name="Szkoła Podstawowa nr 7", kind=OrganizationKind.SCHOOL)
    factories.OrganizationFactory(name="Sklep Pod Lipą", kind=OrganizationKind.BUSINESS)
    base = live_server.url
    console_errors: list[str] = []
    page.on(
        "console", lambda message: console_errors.append(message.text) if message.type == "error" else None
    )

    # Given operator-a logged in, in the workspace of their centre
    _log_in(page, base, "operator-a")
    page.goto(f"{base}/workspace/centres/cal-szczepin/")
    page.get_by_role("navigation", name="Workspace of CAL Szczepin").get_by_role(
        "link", name="Partnerships"
    ).click()
    expect(page).to_have_url(f"{base}/workspace/centres/cal-szczepin/partnerships/")
    expect(page.get_by_text("The centre has no partnership recorded yet.")).to_be_visible()

    # When they create a partnership the centre leads
    page.get_by_role("link", name="New partnership").click()
    page.get_by_label("Name").fill("Razem dla Szczepina")
    expect(page.get_by_role("radio", name="the centre leads it")).to_be_checked()
    expect(page.get_by_role("checkbox", name=centre_a.primary_osiedle.name)).to_be_checked()
    page.get_by_label("Goals").fill("Zieleń na podwórkach i wspólne święta sąsiedzkie.")
    page.get_by_role("checkbox", name="Voluntariness").check()
    page.get_by_role("button", name="Create the partnership").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Razem dla Szczepina")
    expect(page.locator(".messages")).to_contain_text("The partnership Razem dla Szczepina has been created.")

    # And adds three partners: two from the registry (one found with the search box) …
    page.get_by_role("link", name="Add a member").click()
    page.get_by_label("Organisation from the registry", exact=True).select_option(
        label="Rada Osiedla Szczepin (neighbourhood council (rada osiedla))"
    )
    page.get_by_role("button", name="Add and add another").click()
    expect(page.locator(".messages")).to_contain_text("Rada Osiedla Szczepin has joined the partnership.")
    page.get_by_label("Search the list of organisations").fill("szkola")
    expect(page.get_by_role("status").filter(has_text="Organisations matching: 1")).to_be_attached()
    page.get_by_label("Organisation from the registry", exact=True).select_option(
        label="Szkoła Podstawowa nr 7 (school or kindergarten)"
    )
    page.get_by_role("button", name="Add and add another").click()
    # … and one missing from the registry, added on the spot
    page.get_by_label("Or add a new organisation: name").fill("Klub Seniora Szczepin")
    page.get_by_label("Kind of the new organisation").select_option(label="informal group")
    page.get_by_label("Role").select_option(label="supporting partner")
    page.get_by_role("button", name="Add the member").click()
    members = page.get_by_role("table", name=re.compile(r"^Members from "))
    expect(members.get_by_role("rowheader")).to_have_text(
        ["Klub Seniora Szczepin", "Rada Osiedla Szczepin", "Szkoła Podstawowa nr 7"]
    )
    expect(page.get_by_text("3 current members")).to_be_visible()

    # And records a meeting attended by two of them
    page.get_by_role("link", name="Record a meeting").click()
    page.get_by_role("checkbox", name="Rada Osiedla Szczepin").check()
    page.get_by_role("checkbox", name="Szkoła Podstawowa nr 7").check()
    page.get_by_label("Place").fill("CAL Szczepin, sala główna")
    page.get_by_label("Agenda").fill("Zielone podwórka: wybór pierwszego podwórka")
    page.get_by_label("Decisions").fill("Zaczynamy od podwórka przy Zachodniej.")
    page.get_by_role("button", name="Record the meeting").click()
    expect(page.locator(".messages")).to_contain_text("The meeting has been recorded.")

    # And moves the partnership to "normowanie"
    page.get_by_role("link", name="Move to another phase").click()
    page.get_by_label("New phase").select_option("normowanie")
    page.get_by_label("Note").fill("Przyjęliśmy zasady współpracy.")
    page.get_by_role("button", name="Move").click()

    # Then the partnership's page shows the move, the meeting on the timeline and the phase log
    expect(page.locator(".messages")).to_contain_text("The partnership has moved to the phase “norming”.")
    expect(page.locator(".page-title__meta")).to_contain_text("Norming")
    timeline = page.get_by_role("list", name="Meetings, the latest first")
    expect(timeline.get_by_role("listitem")).to_have_count(1)
    expect(timeline).to_contain_text("Zielone podwórka: wybór pierwszego podwórka")
    expect(timeline).to_contain_text("Rada Osiedla Szczepin, Szkoła Podstawowa nr 7")
    phase_log = page.get_by_role(
        "table", name="Every change of the partnership's phase, with its date and note"
    )
    expect(phase_log.get_by_role("row")).to_have_count(3)
    expect(phase_log).to_contain_text("Began in the phase: forming")
    expect(phase_log).to_contain_text("Forming → norming")
    expect(phase_log).to_contain_text("Przyjęliśmy zasady współpracy.")
    expect(members.locator("svg.member-bar")).to_have_count(3)

    partnership = Partnership.objects.get()
    assert (partnership.phase, partnership.members.count(), partnership.meetings.count()) == (
        Phase.NORMING,
        3,
        1,
    )
    assert Organization.objects.get(name="Klub Seniora Szczepin").kind == OrganizationKind.INFORMAL
    assert console_errors == []
