"""Animators' training end to end: the animator sets up a programme with a session that has
already taken place; operator-a enrols a volunteer of their centre in their workspace; the
animator records the attendance; operator-a downloads the certificate of completion."""

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from network.models import TrainingEnrolment, TrainingProgramme
from tests.factories import PASSWORD, VolunteerFactory
from tests.network.helpers import make_network

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


def test_programme_enrolment_attendance_and_certificate(
    page: Page, live_server, animator, operator_a, centre_a, operator_b, centre_b
):
    make_network(operator_a, centre_a, operator_b, centre_b)
    VolunteerFactory(centre=centre_a, name="Celina Aktywna")
    today = timezone.localdate()
    base = live_server.url

    # Given the animator on the network's training pages
    _log_in(page, base, "animator")
    page.goto(f"{base}/network/trainings/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Animators' training")

    # When they create a programme that began ten days ago
    page.get_by_role("link", name="New programme").click()
    page.get_by_label("Title").fill("Szkoła animatorów")
    page.get_by_label("Topic").select_option(label="community animation")
    page.get_by_label("Starts on").fill((today - timedelta(days=10)).isoformat())
    page.get_by_label("Ends on").fill((today + timedelta(days=20)).isoformat())
    page.get_by_role("button", name="Create the programme").click()
    programme = TrainingProgramme.objects.get()
    expect(page).to_have_url(f"{base}/network/trainings/{programme.pk}/")
    expect(page.get_by_role("status")).to_contain_text("The programme has been created.")

    # ... and add a session that took place five days ago
    page.get_by_role("link", name="Add a session").click()
    expect(page.get_by_label("Topic")).to_have_value("animacja")
    page.get_by_label("Starts at").fill(f"{(today - timedelta(days=5)).isoformat()}T10:00")
    page.get_by_label("Hours").fill("3")
    page.get_by_label("Trainer").fill("Anna Trenerska")
    page.get_by_label("Place").fill("CAL Szczepin")
    page.get_by_role("button", name="Add the session").click()
    expect(page).to_have_url(f"{base}/network/trainings/{programme.pk}/")
    sessions = page.get_by_role("region", name="Sessions").get_by_role("row")
    expect(sessions).to_have_count(2)
    expect(sessions.nth(1)).to_contain_text("Anna Trenerska")
    _log_out(page)

    # When operator-a opens Training in their centre's workspace and enrols a volunteer
    _log_in(page, base, "operator-a")
    page.goto(f"{base}/workspace/centres/cal-szczepin/")
    page.get_by_role("navigation", name="Workspace of CAL Szczepin").get_by_role(
        "link", name="Training"
    ).click()
    expect(page).to_have_url(f"{base}/workspace/centres/cal-szczepin/trainings/")
    offer = page.get_by_role("article", name="Szkoła animatorów")
    offer.get_by_label("Person to enrol").select_option(label="Celina Aktywna")
    offer.get_by_role("button", name="Enrol").click()

    # Then she is among the centre's people, not completed yet
    expect(page.get_by_role("status")).to_contain_text(
        "Celina Aktywna has been enrolled in “Szkoła animatorów”."
    )
    people = page.get_by_role("region", name="Our people").get_by_role("row")
    expect(people).to_have_count(2)
    expect(people.nth(1)).to_contain_text("Celina Aktywna")
    expect(people.nth(1)).to_contain_text("0 / 3")
    expect(people.nth(1)).to_contain_text("not completed")
    _log_out(page)

    # When the animator records that she was at the session
    _log_in(page, base, "animator")
    page.goto(f"{base}/network/trainings/{programme.pk}/")
    page.get_by_role("link", name=re.compile(r"^Attendance")).click()
    page.get_by_label("Celina Aktywna (CAL Szczepin)").check()
    page.get_by_role("button", name="Save the attendance").click()

    # Then the programme page shows her as having completed it
    expect(page.get_by_role("status")).to_contain_text("The attendance has been saved.")
    person = page.get_by_role("table", name="CAL Szczepin").get_by_role("row").nth(1)
    expect(person).to_contain_text("Celina Aktywna")
    expect(person).to_contain_text("3 / 3")
    expect(person).to_contain_text("completed on")
    _log_out(page)

    # When operator-a downloads her certificate from the workspace
    _log_in(page, base, "operator-a")
    page.goto(f"{base}/workspace/centres/cal-szczepin/trainings/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"^Certificate \(PDF\)")).click()
    download = download_info.value

    # Then it is her certificate of the programme with the hours she attended
    assert download.suggested_filename == "zaswiadczenie-szkola-animatorow-celina-aktywna.pdf"
    with open(download.path(), "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = " ".join(" ".join(page_.extract_text() for page_ in reader.pages).split())
    assert "Certificate of completion" in text
    assert "Celina Aktywna" in text
    assert "Szkoła animatorów" in text
    assert "Attended 3 of the programme's 3 hours" in text
    enrolment = TrainingEnrolment.objects.get()
    assert (enrolment.person_name, enrolment.completed_on) == ("Celina Aktywna", today - timedelta(days=5))
