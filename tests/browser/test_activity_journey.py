"""What an operator does with activities: record a weekly series with partners chosen
through the type-ahead, edit one occurrence, find it on the public calendar; and what
happens when two people edit the same activity at once."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from centres.models import Activity, ActivityForm, ActivitySeries, CalMethod
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


def test_operator_records_a_weekly_series_with_partners_and_publishes_an_edited_occurrence(
    page: Page, live_server, operator_a, centre_a
):
    library = factories.OrganizationFactory(name="Miejska Biblioteka Publiczna, filia nr 12")
    council = factories.OrganizationFactory(name="Rada Osiedla Szczepin")
    factories.OrganizationFactory(name="Szkoła Podstawowa nr 1")
    factories.OrganizationFactory(name="Rada Osiedla Gajowice")
    first_day = timezone.localdate() + timedelta(days=7)
    until = first_day + timedelta(weeks=3)
    base = live_server.url

    # (The type-ahead's script runs under the site's Content Security Policy without errors.)
    console_errors: list[str] = []
    page.on(
        "console", lambda message: console_errors.append(message.text) if message.type == "error" else None
    )

    # Given operator-a logged in, on the activities of their centre
    _log_in(page, base, "operator-a")
    page.goto(f"{base}/workspace/centres/cal-szczepin/activities/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Activities: CAL Szczepin")

    # When they record a weekly series
    page.get_by_role("link", name="Record an activity").click()
    expect(page).to_have_url(f"{base}/workspace/centres/cal-szczepin/activities/new/")
    page.get_by_role("textbox", name=re.compile(r"^Title")).fill("Klub planszówek")
    page.get_by_label("Start").fill(f"{first_day.isoformat()}T17:00")
    page.get_by_label("End").fill(f"{first_day.isoformat()}T19:00")
    page.get_by_role("radio", name="every week").check()
    page.get_by_label("Repeat until").fill(until.isoformat())
    page.get_by_role("combobox", name=re.compile(r"^CAL method")).select_option(label="organising activity")
    page.get_by_role("combobox", name=re.compile(r"^Form")).select_option(label="workshop")
    page.get_by_label("Place").fill("Świetlica")
    page.get_by_label("aged 26–59").fill("12")
    page.get_by_role("checkbox", name="relations").check()

    # ... with two partners found by typing part of their names
    picker = page.get_by_role("combobox", name=re.compile(r"^Partner organisations"))
    options = page.get_by_role("listbox", name=re.compile(r"^Partner organisations")).get_by_role("option")
    expect(picker).to_have_attribute("aria-expanded", "false")
    picker.fill("szkola")  # without the Polish letters
    expect(options).to_have_text(["Szkoła Podstawowa nr 1"])
    picker.press("Escape")
    expect(picker).to_have_attribute("aria-expanded", "false")
    picker.fill("bibl")
    expect(picker).to_have_attribute("aria-expanded", "true")
    expect(options).to_have_text([library.name])
    picker.press("ArrowDown")
    expect(options.filter(has_text=library.name)).to_have_attribute("aria-selected", "true")
    picker.press("Enter")  # chooses; does not submit the form
    expect(page).to_have_url(f"{base}/workspace/centres/cal-szczepin/activities/new/")
    expect(page.get_by_role("button", name=f"{library.name} – Remove")).to_be_visible()
    picker.fill("rada osied")
    expect(options).to_have_text(["Rada Osiedla Gajowice", "Rada Osiedla Szczepin"])
    options.filter(has_text="Rada Osiedla Szczepin").click()
    expect(page.get_by_role("button", name="Rada Osiedla Szczepin – Remove")).to_be_visible()
    expect(picker).to_be_focused()
    # The hidden select posts the choice, as it would without JavaScript.
    assert sorted(
        page.locator("select[name=partners]").evaluate("s => [...s.selectedOptions].map(o => o.value)")
    ) == sorted([str(library.pk), str(council.pk)])
    assert console_errors == []
    page.get_by_role("button", name="Record", exact=True).click()

    # Then the list shows the four occurrences, newest first
    expect(page).to_have_url(f"{base}/workspace/centres/cal-szczepin/activities/")
    expect(page.get_by_role("status")).to_contain_text(
        "A series of 4 activities “Klub planszówek” has been recorded."
    )
    rows = page.get_by_role("row").filter(has_text="Klub planszówek")
    expect(rows).to_have_count(4)
    expect(rows.first).to_contain_text("series: every week")
    expect(rows.first).to_contain_text("17:00–19:00")
    series = ActivitySeries.objects.get()
    occurrences = list(series.activities.order_by("start"))
    assert [timezone.localtime(a.start).time() for a in occurrences] == [time(17, 0)] * 4
    assert all(set(a.partners.all()) == {library, council} for a in occurrences)

    # When they edit the second occurrence only
    second = occurrences[1]
    page.locator(f'a[href="/workspace/centres/cal-szczepin/activities/{second.pk}/"]').click()
    expect(page.get_by_text("This activity is one occurrence of a series")).to_be_visible()
    expect(page.get_by_role("button", name=f"{library.name} – Remove")).to_be_visible()
    page.get_by_role("textbox", name=re.compile(r"^Title")).fill("Turniej planszówek")
    page.get_by_label("Place").fill("Park Staszica")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("The activity “Turniej planszówek” has been saved.")
    assert [a.title for a in Activity.objects.order_by("start")] == [
        "Klub planszówek",
        "Turniej planszówek",
        "Klub planszówek",
        "Klub planszówek",
    ]

    # Then the public page of the centre lists it among upcoming activities
    page.goto(f"{base}/centres/cal-szczepin/")
    event_link = page.get_by_role("link", name=re.compile("Turniej planszówek"))
    expect(event_link).to_have_attribute("href", f"/centres/cal-szczepin/events/{second.pk}/")
    event_link.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Turniej planszówek")
    expect(page.get_by_text("Park Staszica")).to_be_visible()

    # ... and so does the centre's calendar feed
    feed = page.request.get(f"{base}/centres/cal-szczepin/events.ics")
    assert feed.status == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    body = feed.text().replace("\r\n ", "")
    assert "SUMMARY:Turniej planszówek" in body
    assert body.count("SUMMARY:Klub planszówek") == 3


def test_two_people_edit_one_activity_and_the_second_sees_the_conflict(
    page: Page, browser: Browser, live_server, operator_a, centre_a, city_staff
):
    start = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=3), time(17, 0)))
    activity = factories.ActivityFactory(
        centre=centre_a,
        title="Warsztaty ceramiczne",
        place="Sala główna",
        start=start,
        end=start + timedelta(hours=2),
        method=CalMethod.ORGANISING,
        form=ActivityForm.WORKSHOP,
    )
    base = live_server.url
    edit_url = f"{base}/workspace/centres/cal-szczepin/activities/{activity.pk}/"

    # Given operator-a and a member of city staff, each in their own browser, with the
    # same activity's form open
    _log_in(page, base, "operator-a")
    page.goto(edit_url)
    staff_context = browser.new_context()
    try:
        staff_page = staff_context.new_page()
        _log_in(staff_page, base, "staff")
        staff_page.goto(edit_url)
        expect(staff_page.get_by_label("Place")).to_have_value("Sala główna")

        # When the operator saves a change first
        page.get_by_label("Place").fill("Park Staszica")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("status")).to_contain_text("has been saved")

        # ... and the other saves theirs on top of the version they read
        staff_page.get_by_role("textbox", name=re.compile(r"^Title")).fill("Warsztaty z gliny")
        staff_page.get_by_role("button", name="Save").click()

        # Then the second sees the conflict, with their input kept and what is saved now
        expect(staff_page.get_by_role("alert")).to_contain_text("while you were editing it")
        expect(staff_page.get_by_role("textbox", name=re.compile(r"^Title"))).to_have_value(
            "Warsztaty z gliny"
        )
        saved_now = staff_page.get_by_role("table", name="Values saved now and your input")
        expect(saved_now.get_by_role("row", name=re.compile("Place"))).to_contain_text("Park Staszica")
        expect(staff_page.get_by_role("link", name=re.compile("Open the saved version"))).to_have_attribute(
            "target", "_blank"
        )
    finally:
        staff_context.close()

    # And the first change is still there
    saved = Activity.objects.get(pk=activity.pk)
    assert (saved.title, saved.place, saved.version) == ("Warsztaty ceramiczne", "Park Staszica", 2)
