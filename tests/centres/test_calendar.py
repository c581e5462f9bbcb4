"""The iCalendar feeds (RFC 5545): /centres/<slug>/events.ics and /events.ics."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from centres import services
from centres.models import CentreStatus
from tests import factories

pytestmark = pytest.mark.django_db

WARSAW = ZoneInfo("Europe/Warsaw")


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _local(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)), WARSAW)


def _next_year():
    return timezone.localdate().year + 1


@pytest.fixture
def feed(centre_a, centre_b):
    """Centre A: one public activity in winter and one in summer time, one that ended
    last week (kept: a feed shows the last three months), one private, one long past;
    centre B: one public; a closed centre: one public."""
    today = timezone.localdate()
    year = _next_year()
    winter = factories.ActivityFactory(
        centre=centre_a,
        title="Zimowe warsztaty",
        start=_local(date(year, 1, 15), 17),
        end=_local(date(year, 1, 15), 19),
        description="Robimy karmniki dla ptaków.",
    )
    summer = factories.ActivityFactory(
        centre=centre_a,
        title="Letni piknik",
        start=_local(date(year, 7, 15), 18, 30),
        end=_local(date(year, 7, 15), 21),
        place="Park Staszica",
        in_public_space=True,
    )
    recent = factories.ActivityFactory(
        centre=centre_a,
        title="Niedawne spotkanie",
        start=_local(today - timedelta(days=7), 10),
        end=_local(today - timedelta(days=7), 12),
    )
    factories.ActivityFactory(centre=centre_a, title="Zebranie zarządu", is_public=False)
    factories.ActivityFactory(
        centre=centre_a,
        title="Dawne warsztaty",
        start=_local(today - timedelta(days=120), 10),
        end=_local(today - timedelta(days=120), 12),
    )
    other = factories.ActivityFactory(centre=centre_b, title="Spotkanie w Gajowicach")
    closed = factories.CentreFactory(slug="cal-zamkniety", status=CentreStatus.CLOSED)
    factories.ActivityFactory(centre=closed, title="W zamkniętym centrum")
    return {"winter": winter, "summer": summer, "recent": recent, "other": other}


def _calendar(response):
    assert response.status_code == 200
    return Calendar.from_ical(response.content)


def _events(response):
    return {str(event["SUMMARY"]): event for event in _calendar(response).walk("VEVENT")}


def test_centre_feed_has_exactly_the_public_activities_of_the_centre(client, feed):
    events = _events(client.get("/centres/cal-szczepin/events.ics"))

    assert sorted(events) == ["Letni piknik", "Niedawne spotkanie", "Zimowe warsztaty"]


def test_city_feed_has_the_public_activities_of_every_open_centre(client, feed):
    events = _events(client.get("/events.ics"))

    assert sorted(events) == [
        "Letni piknik",
        "Niedawne spotkanie",
        "Spotkanie w Gajowicach",
        "Zimowe warsztaty",
    ]


def test_feed_is_a_publishing_calendar_with_the_city_time_zone(client, feed):
    calendar = _calendar(client.get("/centres/cal-szczepin/events.ics"))

    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == "-//CAL Portal//Activities of Local Activity Centres//EN"
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "Activities of CAL Szczepin"
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Warsaw"
    assert str(calendar["X-PUBLISHED-TTL"]) == "PT1H"
    assert calendar.decoded("REFRESH-INTERVAL") == timedelta(hours=1)
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Warsaw"]
    assert calendar.get_missing_tzids() == set()


def test_events_keep_the_wall_clock_time_entered_in_winter_and_in_summer(client, feed):
    response = client.get("/centres/cal-szczepin/events.ics")
    events = _events(response)
    year = _next_year()

    winter, summer = events["Zimowe warsztaty"], events["Letni piknik"]

    assert winter.start == datetime(year, 1, 15, 17, 0, tzinfo=WARSAW)
    assert winter.start.tzinfo.key == "Europe/Warsaw"
    assert winter.start.utcoffset() == timedelta(hours=1)
    assert winter.end == datetime(year, 1, 15, 19, 0, tzinfo=WARSAW)
    assert summer.start == datetime(year, 7, 15, 18, 30, tzinfo=WARSAW)
    assert summer.start.tzinfo.key == "Europe/Warsaw"
    assert summer.start.utcoffset() == timedelta(hours=2)
    body = response.content.decode()
    assert f"DTSTART;TZID=Europe/Warsaw:{year}0115T170000" in body
    assert f"DTSTART;TZID=Europe/Warsaw:{year}0715T183000" in body


def test_event_properties(client, feed, centre_a):
    winter = feed["winter"]
    winter.partners.add(factories.OrganizationFactory(name="Szkoła Podstawowa nr 1"))

    event = _events(client.get("/centres/cal-szczepin/events.ics"))["Zimowe warsztaty"]

    assert str(event["UID"]) == f"activity-{winter.pk}@testserver"
    assert str(event["URL"]) == f"http://testserver/centres/cal-szczepin/events/{winter.pk}/"
    assert str(event["LOCATION"]) == f"Sala główna, CAL Szczepin, {centre_a.street_address}, 50-001 Wrocław"
    assert str(event["DESCRIPTION"]) == (
        "Robimy karmniki dla ptaków.\n\n"
        "Form: workshop\n"
        "Organised by: CAL Szczepin\n"
        "Partners: Szkoła Podstawowa nr 1\n"
        f"http://testserver/centres/cal-szczepin/events/{winter.pk}/"
    )
    assert [str(c) for c in event["CATEGORIES"].cats] == ["workshop"]
    assert event["SEQUENCE"] == 0
    assert event.decoded("LAST-MODIFIED") == winter.updated_at.replace(microsecond=0)
    assert event.decoded("DTSTAMP") == winter.updated_at.replace(microsecond=0)


def test_an_activity_in_public_space_is_located_at_its_place(client, feed):
    event = _events(client.get("/centres/cal-szczepin/events.ics"))["Letni piknik"]

    assert str(event["LOCATION"]) == "Park Staszica, Wrocław"
    assert "GEO" not in event


def test_uid_is_stable_across_requests_and_edits_and_sequence_counts_the_edits(client, feed, operator_a):
    winter = feed["winter"]
    first = _events(client.get("/centres/cal-szczepin/events.ics"))

    services.activity_update(activity=winter, actor=operator_a, expected_version=1, title="Zimowe warsztaty")
    second = _events(client.get("/centres/cal-szczepin/events.ics"))

    assert {str(e["UID"]) for e in first.values()} == {str(e["UID"]) for e in second.values()}
    assert str(second["Zimowe warsztaty"]["UID"]) == f"activity-{winter.pk}@testserver"
    assert second["Zimowe warsztaty"]["SEQUENCE"] == 1


def test_feed_headers_and_conditional_get(client, feed):
    response = client.get("/centres/cal-szczepin/events.ics")

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="cal-szczepin.ics"'
    assert "max-age=900" in response["Cache-Control"]
    etag = response["ETag"]
    again = client.get("/centres/cal-szczepin/events.ics", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""


def test_a_change_changes_the_etag(client, feed, operator_a):
    before = client.get("/centres/cal-szczepin/events.ics")["ETag"]

    services.activity_update(activity=feed["winter"], actor=operator_a, expected_version=1, place="Ogród")

    assert client.get("/centres/cal-szczepin/events.ics", HTTP_IF_NONE_MATCH=before).status_code == 200


def test_city_feed_file_name(client, feed):
    response = client.get("/events.ics")

    assert response["Content-Disposition"] == 'attachment; filename="cal-events.ics"'
    assert str(_calendar(response)["X-WR-CALNAME"]) == "Activities of the Local Activity Centres"


def test_closed_centre_has_an_empty_feed_and_an_unknown_one_none(client, feed):
    assert _events(client.get("/centres/cal-zamkniety/events.ics")) == {}
    assert client.get("/centres/nie-ma/events.ics").status_code == 404


def test_feeds_refuse_post(client, centre_a):
    assert client.post("/centres/cal-szczepin/events.ics").status_code == 405
    assert client.post("/events.ics").status_code == 405


@pytest.mark.parametrize("path", ["/centres/cal-szczepin/events.ics", "/events.ics"])
def test_feed_query_count_does_not_grow_with_rows(client, centre_a, path):
    partner = factories.OrganizationFactory()

    def add(count):
        for _ in range(count):
            factories.ActivityFactory(centre=centre_a, partners=[partner])

    def measure():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        assert response.status_code == 200
        return len(ctx.captured_queries), len(Calendar.from_ical(response.content).walk("VEVENT"))

    add(2)
    at_two, events = measure()
    add(18)

    assert events == 2
    assert measure() == (at_two, 20)
