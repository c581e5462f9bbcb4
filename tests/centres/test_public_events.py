"""Public pages of what centres have and do: the centre page's sections, the events
pages of a centre and of the city, an event's page and the home page's upcoming events."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from centres.models import (
    ActivityForm,
    CalMethod,
    CentreStatus,
    District,
    GroupKind,
    ResourceCategory,
    ResourceKind,
)
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _in_days(days, hour=17):
    return timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=days), time(hour, 0)))


def _activity(centre, days, **kwargs):
    start = _in_days(days, kwargs.pop("hour", 17))
    return factories.ActivityFactory(centre=centre, start=start, end=start + timedelta(hours=2), **kwargs)


def _count_queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# --- the centre page ------------------------------------------------------------------------


def test_centre_page_lists_rooms_and_spaces_but_not_immaterial_resources(client, centre_a):
    room = factories.ResourceFactory(centre=centre_a, name="Sala warsztatowa", capacity=25, accessible=True)
    garden = factories.ResourceFactory(
        centre=centre_a, name="Ogród", category=ResourceCategory.GARDEN, capacity=None, accessible=False
    )
    factories.ResourceFactory(
        centre=centre_a,
        name="Wiedza kadry",
        kind=ResourceKind.IMMATERIAL,
        category=ResourceCategory.STAFF_KNOWLEDGE,
    )
    factories.ResourceFactory(name="Sala innego centrum")

    response = client.get("/centres/cal-szczepin/")

    assert response.context["resources"] == [garden, room]
    content = response.content.decode()
    assert "Rooms and spaces" in content
    assert "Sala warsztatowa" in content
    assert "Wiedza kadry" not in content
    assert "Sala innego centrum" not in content
    row = re.search(r"<th scope=\"row\">Sala warsztatowa</th>(.*?)</tr>", content, re.S).group(1)
    assert re.findall(r"<td>(.*?)</td>", row) == ["Room", "25", "Yes"]


def test_centre_page_lists_the_next_ten_public_activities_only(client, centre_a):
    upcoming = [_activity(centre_a, days, title=f"Spotkanie {days:02d}") for days in range(1, 13)]
    _activity(centre_a, 1, title="Zebranie zarządu", is_public=False)
    _activity(centre_a, -3, title="Dawne warsztaty")
    _activity(factories.CentreFactory(), 1, title="Gdzie indziej")

    response = client.get("/centres/cal-szczepin/")

    assert response.context["upcoming_events"] == upcoming[:10]
    content = response.content.decode()
    assert f'href="/centres/cal-szczepin/events/{upcoming[0].pk}/"' in content
    assert "Zebranie zarządu" not in content
    assert "Dawne warsztaty" not in content
    assert "Gdzie indziej" not in content
    assert "Spotkanie 11" not in content
    assert 'href="/centres/cal-szczepin/events/"' in content


def test_centre_page_shows_an_activity_in_local_time(client, centre_a):
    start = timezone.make_aware(datetime(timezone.localdate().year + 1, 7, 3, 18, 30))
    factories.ActivityFactory(
        centre=centre_a, title="Wieczór filmowy", start=start, end=start + timedelta(hours=2)
    )

    content = client.get("/centres/cal-szczepin/").content.decode()

    assert f'<time datetime="{start.year}-07-03T18:30:00+02:00">' in content
    assert f"July 3, {start.year}, 6:30 p.m." in content


def test_centre_page_offers_the_calendar_subscription(client, centre_a):
    content = client.get("/centres/cal-szczepin/").content.decode()

    assert 'href="webcal://testserver/centres/cal-szczepin/events.ics"' in content
    assert "http://testserver/centres/cal-szczepin/events.ics" in content
    assert "Subscribe to the calendar" in content


def test_centre_page_lists_active_groups(client, centre_a):
    club = factories.GroupFactory(
        centre=centre_a, name="Klub seniora", kind=GroupKind.CLUB, meets="czwartki 10:00"
    )
    factories.GroupFactory(centre=centre_a, name="Dawna grupa", active=False)

    response = client.get("/centres/cal-szczepin/")

    assert response.context["groups"] == [club]
    content = response.content.decode()
    row = re.search(r"<th scope=\"row\">Klub seniora</th>(.*?)</tr>", content, re.S).group(1)
    assert re.findall(r"<td>(.*?)</td>", row) == ["Club or circle", "czwartki 10:00"]
    assert "Dawna grupa" not in content


def test_centre_page_without_records_says_so(client, centre_a):
    content = client.get("/centres/cal-szczepin/").content.decode()

    assert "The centre has not published any upcoming activities." in content
    assert "No groups meet at the centre at the moment." in content
    assert "The centre has not listed its rooms and spaces yet." in content


def test_centre_page_query_count_does_not_grow_with_rows(client, centre_a):
    partner = factories.OrganizationFactory()

    def add(count):
        for index in range(count):
            factories.ResourceFactory(centre=centre_a)
            _activity(centre_a, index + 1, partners=[partner])
            factories.GroupFactory(centre=centre_a)

    add(2)
    at_two = _count_queries(client, "/centres/cal-szczepin/")
    add(18)

    assert _count_queries(client, "/centres/cal-szczepin/") == at_two


# --- the events of a centre ---------------------------------------------------------------


def test_centre_events_are_the_upcoming_public_ones_twenty_a_page(client, centre_a):
    upcoming = [_activity(centre_a, days) for days in range(1, 26)]
    _activity(centre_a, 2, is_public=False)
    _activity(centre_a, -2)

    first = client.get("/centres/cal-szczepin/events/")
    second = client.get("/centres/cal-szczepin/events/?page=2")

    assert first.context["events"] == upcoming[:20]
    assert second.context["events"] == upcoming[20:]
    assert first.context["page_obj"].paginator.count == 25
    assert 'href="?page=2"' in first.content.decode()


def test_centre_events_page_of_an_unknown_centre_is_404(client, db):
    assert client.get("/centres/nie-ma/events/").status_code == 404


def test_centre_events_with_a_page_out_of_range_shows_the_last_page(client, centre_a):
    only = _activity(centre_a, 1)

    response = client.get("/centres/cal-szczepin/events/?page=99")

    assert response.context["events"] == [only]


def test_centre_events_query_count_does_not_grow_with_rows(client, centre_a):
    def add(count):
        for index in range(count):
            _activity(centre_a, index + 1, partners=[factories.OrganizationFactory()])

    add(2)
    at_two = _count_queries(client, "/centres/cal-szczepin/events/")
    add(18)

    assert _count_queries(client, "/centres/cal-szczepin/events/") == at_two


# --- an event's page ------------------------------------------------------------------------


def test_event_page_shows_what_a_resident_needs_and_no_personal_data(client, centre_a):
    volunteer = factories.VolunteerFactory(centre=centre_a, name="Anna Wolontariuszka")
    partner = factories.OrganizationFactory(name="Biblioteka Szczepin")
    activity = _activity(
        centre_a,
        3,
        title="Warsztaty ceramiczne",
        description="Lepimy miski z gliny.",
        place="Pracownia",
        form=ActivityForm.WORKSHOP,
        method=CalMethod.ORGANISING,
        partners=[partner],
    )

    response = client.get(f"/centres/cal-szczepin/events/{activity.pk}/")

    assert response.status_code == 200
    assert response.context["activity"] == activity
    assert response.context["partners"] == [partner]
    content = response.content.decode()
    for text in (
        "Warsztaty ceramiczne",
        "Lepimy miski z gliny.",
        "Pracownia",
        "Biblioteka Szczepin",
        "Organising activity",
        'href="/centres/cal-szczepin/"',
    ):
        assert text in content
    assert volunteer.name not in content
    assert volunteer.email not in content
    assert "This activity has already taken place." not in content


def test_activity_links_to_its_event_page(centre_a):
    activity = _activity(centre_a, 1)

    assert activity.get_absolute_url() == f"/centres/cal-szczepin/events/{activity.pk}/"


def test_a_past_public_event_keeps_its_page_with_a_note(client, centre_a):
    activity = _activity(centre_a, -5)

    response = client.get(f"/centres/cal-szczepin/events/{activity.pk}/")

    assert response.status_code == 200
    assert "This activity has already taken place." in response.content.decode()


def test_event_pages_of_private_activities_closed_centres_and_wrong_slugs_are_404(client, centre_a, centre_b):
    private = _activity(centre_a, 1, is_public=False)
    closed_centre = factories.CentreFactory(slug="cal-zamkniety", status=CentreStatus.CLOSED)
    of_closed = _activity(closed_centre, 1)
    public = _activity(centre_a, 1)

    assert client.get(f"/centres/cal-szczepin/events/{private.pk}/").status_code == 404
    assert client.get(f"/centres/cal-zamkniety/events/{of_closed.pk}/").status_code == 404
    assert client.get(f"/centres/cal-gajowice/events/{public.pk}/").status_code == 404
    assert client.get("/centres/cal-szczepin/events/999999/").status_code == 404
    assert client.get(f"/centres/cal-szczepin/events/{public.pk}/").status_code == 200


# --- the events across the city -----------------------------------------------------------


@pytest.fixture
def city():
    """Two centres in different districts; the second also serves an osiedle of the first's district."""
    krzyki = factories.OsiedleFactory(name="Borek", slug="borek", district=District.KRZYKI)
    psie_pole = factories.OsiedleFactory(name="Zakrzów", slug="zakrzow", district=District.PSIE_POLE)
    served = factories.OsiedleFactory(name="Huby", slug="huby", district=District.KRZYKI)
    south = factories.CentreFactory(name="CAL Borek", slug="cal-borek", primary_osiedle=krzyki)
    north = factories.CentreFactory(name="CAL Zakrzów", slug="cal-zakrzow", primary_osiedle=psie_pole)
    north.served_osiedla.set([served])
    return {
        "workshop": _activity(south, 3, title="Warsztaty", form=ActivityForm.WORKSHOP),
        "meeting": _activity(
            north,
            10,
            title="Spotkanie sąsiedzkie",
            form=ActivityForm.NEIGHBOURS_MEETING,
            method=CalMethod.COMMUNITY,
        ),
        "walk": _activity(north, 20, title="Spacer badawczy", method=CalMethod.NEEDS),
        "private": _activity(south, 4, title="Zebranie", is_public=False),
        "past": _activity(south, -4, title="Dawne"),
    }


def _titles(response):
    assert response.status_code == 200
    return [activity.title for activity in response.context["events"]]


def test_events_lists_upcoming_public_activities_of_every_centre_soonest_first(client, city):
    assert _titles(client.get("/events/")) == ["Warsztaty", "Spotkanie sąsiedzkie", "Spacer badawczy"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("district=psie-pole", ["Spotkanie sąsiedzkie", "Spacer badawczy"]),
        # A centre serving an osiedle of Krzyki counts there too.
        ("district=krzyki", ["Warsztaty", "Spotkanie sąsiedzkie", "Spacer badawczy"]),
        ("osiedle=borek", ["Warsztaty"]),
        ("osiedle=huby", ["Spotkanie sąsiedzkie", "Spacer badawczy"]),
        ("method=rozpoznawanie-potrzeb", ["Spacer badawczy"]),
        ("form=spotkanie-sasiedzkie", ["Spotkanie sąsiedzkie"]),
    ],
)
def test_events_filters_narrow_to_the_exact_activities(client, city, query, expected):
    assert _titles(client.get(f"/events/?{query}")) == expected


def test_events_filter_by_dates(client, city):
    today = timezone.localdate()
    since = (today + timedelta(days=10)).isoformat()
    until = (today + timedelta(days=10)).isoformat()

    assert _titles(client.get(f"/events/?date_from={since}")) == ["Spotkanie sąsiedzkie", "Spacer badawczy"]
    assert _titles(client.get(f"/events/?date_to={until}")) == ["Warsztaty", "Spotkanie sąsiedzkie"]
    assert _titles(client.get(f"/events/?date_from={since}&date_to={until}")) == ["Spotkanie sąsiedzkie"]


def test_events_form_offers_only_the_public_filters(client, city):
    response = client.get("/events/")

    assert list(response.context["filter"].form.fields) == [
        "district",
        "osiedle",
        "method",
        "form",
        "date_from",
        "date_to",
    ]


def test_events_ignore_the_staff_filters(client, city):
    assert _titles(client.get("/events/?is_public=false")) == [
        "Warsztaty",
        "Spotkanie sąsiedzkie",
        "Spacer badawczy",
    ]


@pytest.mark.parametrize(
    "query", ["osiedle=nie-ma", "district=mars", "date_from=jutro", "method=x", "page=abc"]
)
def test_events_with_invalid_filters_are_not_500(client, city, query):
    assert client.get(f"/events/?{query}").status_code == 200


def test_events_without_matches_says_so(client, city):
    content = client.get("/events/?form=szkolenie").content.decode()

    assert "No upcoming event matches the selected criteria." in content


def test_events_pages_keep_the_filters(client, db):
    centre = factories.CentreFactory()
    for days in range(1, 23):
        _activity(centre, days, method=CalMethod.NEEDS)

    content = client.get("/events/?method=rozpoznawanie-potrzeb").content.decode()

    assert 'href="?method=rozpoznawanie-potrzeb&amp;page=2"' in content


def test_events_offer_the_city_calendar(client, db):
    content = client.get("/events/").content.decode()

    assert 'href="webcal://testserver/events.ics"' in content


def test_events_query_count_does_not_grow_with_rows(client, db):
    def add(count):
        for index in range(count):
            _activity(factories.CentreFactory(), index + 1, partners=[factories.OrganizationFactory()])

    add(2)
    at_two = _count_queries(client, "/events/?district=krzyki")
    add(18)

    assert _count_queries(client, "/events/?district=krzyki") == at_two


# --- the home page ----------------------------------------------------------------------------


def test_home_shows_the_next_six_public_events_across_the_city(client, centre_a, centre_b):
    soonest = [
        _activity(centre_a if days % 2 else centre_b, days, title=f"Wydarzenie {days}")
        for days in range(1, 9)
    ]
    _activity(centre_a, 1, title="Prywatne", is_public=False, hour=9)

    response = client.get("/")

    assert response.context["upcoming_events"] == soonest[:6]
    content = response.content.decode()
    assert "Upcoming events across the city" in content
    assert f'href="/centres/cal-szczepin/events/{soonest[0].pk}/"' in content
    assert 'href="/events/"' in content
    assert "Prywatne" not in content
    assert "Wydarzenie 7" not in content
    # the directory and the map are still there
    assert response.context["centres"] == [centre_b, centre_a]
    assert 'id="centres-map"' in content


def test_home_without_upcoming_events_has_no_events_section(client, centre_a):
    response = client.get("/")

    assert response.context["upcoming_events"] == []
    assert "Upcoming events across the city" not in response.content.decode()


def test_home_query_count_does_not_grow_with_events(client, centre_a):
    def add(count):
        for index in range(count):
            _activity(centre_a, index + 1)

    add(2)
    at_two = _count_queries(client, "/")
    add(18)

    assert _count_queries(client, "/") == at_two


@pytest.mark.parametrize("path", ["/events/", "/centres/cal-szczepin/events/"])
def test_events_pages_refuse_post(client, centre_a, path):
    assert client.post(path).status_code == 405
