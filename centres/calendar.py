"""iCalendar (RFC 5545) feeds of public activities, built with the ``icalendar`` library.

A feed is a subscription: calendar programs fetch it again and again, so its events keep
their UID (``activity-<pk>@<host>``) and carry SEQUENCE and LAST-MODIFIED, and the same
data always gives the same bytes (DTSTAMP is the activity's last change, not the time of
the request), which lets the view answer with an ETag and a 304.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, vCalAddress, vDuration, vText

from centres.models import Activity, Centre

# Calendar programs may poll a subscription this often (RFC 7986 REFRESH-INTERVAL).
REFRESH_INTERVAL = timedelta(hours=1)


def calendar_tzid() -> str:
    """The city's time zone (Europe/Warsaw for Wrocław): events keep their wall-clock time."""
    return str(settings.TIME_ZONE)


def event_uid(activity: Activity, *, host: str) -> str:
    """Stable across requests and edits, so a subscribed calendar updates the event in place."""
    return f"activity-{activity.pk}@{host}"


def event_location(activity: Activity) -> str:
    """Where to go: the place, then the centre's address. An activity in public space
    happens elsewhere than the centre, so its place stands alone (with the city)."""
    centre = activity.centre
    town = f"{centre.postal_code} {centre.city}".strip()
    if activity.in_public_space and activity.place:
        return ", ".join(part for part in (activity.place, centre.city) if part)
    parts = (activity.place, centre.name, centre.street_address, town)
    return ", ".join(part for part in parts if part)


def event_description(activity: Activity, *, url: str) -> str:
    partners = ", ".join(organization.name for organization in activity.partners.all())
    lines = [activity.description.strip()] if activity.description.strip() else []
    if lines:
        lines.append("")
    lines.append(_("Form: %(form)s") % {"form": activity.get_form_display()})
    lines.append(_("Organised by: %(centre)s") % {"centre": activity.centre.name})
    if partners:
        lines.append(_("Partners: %(names)s") % {"names": partners})
    lines.append(url)
    return "\n".join(lines)


def _event(activity: Activity, *, base_url: str, host: str, tz: ZoneInfo) -> Event:
    url = base_url + activity.get_absolute_url()
    event = Event()
    event.add("uid", event_uid(activity, host=host))
    # The last change of the activity: a deterministic stamp keeps the feed's ETag stable.
    event.add("dtstamp", activity.updated_at)
    event.add("dtstart", activity.start.astimezone(tz))
    event.add("dtend", activity.end.astimezone(tz))
    event.add("summary", activity.title)
    event.add("location", event_location(activity))
    event.add("description", event_description(activity, url=url))
    event.add("url", url)
    event.add("last-modified", activity.updated_at)
    event.add("sequence", max(activity.version - 1, 0))
    event.add("categories", [activity.get_form_display()])
    event.add("class", "PUBLIC")
    event.add("status", "CONFIRMED")
    centre: Centre = activity.centre
    if centre.has_location and not activity.in_public_space:
        event.add("geo", (float(centre.latitude), float(centre.longitude)))  # type: ignore[arg-type]
    if centre.email:
        organizer = vCalAddress(f"mailto:{centre.email}")
        organizer.params["cn"] = vText(centre.name)
        event.add("organizer", organizer)
    return event


def _timezone_span(activities: Sequence[Activity]) -> tuple[date, date]:
    """The years the VTIMEZONE must describe: every event of the feed, with a margin."""
    today = timezone.localdate()
    first = min([today, *(a.start.date() for a in activities)])
    last = max([today, *(a.end.date() for a in activities)])
    return date(first.year - 1, 1, 1), date(last.year + 2, 1, 1)


def activities_calendar(activities: Iterable[Activity], *, name: str, base_url: str, host: str) -> bytes:
    """A VCALENDAR of the given (public) activities, with a VTIMEZONE of the city's zone.

    ``base_url`` is the scheme and host that make event pages absolute, ``host`` the
    domain of the events' UIDs. The caller passes activities with their centre and
    partners loaded (selectors.activity_list_calendar).
    """
    items = list(activities)
    tzid = calendar_tzid()
    tz = ZoneInfo(tzid)
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0].upper()

    calendar = Calendar()
    calendar.add("prodid", f"-//CAL Portal//Activities of Local Activity Centres//{language}")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", tzid)
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL))
    first, last = _timezone_span(items)
    calendar.add_component(Timezone.from_tzid(tzid, first_date=first, last_date=last))
    for activity in items:
        calendar.add_component(_event(activity, base_url=base_url, host=host, tz=tz))
    result: bytes = calendar.to_ical()
    return result


def calendar_name(centre: Centre | None) -> str:
    if centre is None:
        return _("Activities of the Local Activity Centres")
    return _("Activities of %(centre)s") % {"centre": centre.name}
