"""Public pages: the map and directory, centre pages, events and their calendars, open data."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.http.request import split_domain_port
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET

from centres import access, selectors
from centres.calendar import activities_calendar, calendar_name
from centres.exports import centres_csv, centres_geojson
from centres.extensions import render_centre_sections
from centres.filters import ActivityFilter, CentreFilter
from centres.models import Activity, Centre

# How many upcoming activities the home page and a centre's page show.
HOME_EVENTS = 6
CENTRE_PAGE_EVENTS = 10
EVENTS_PER_PAGE = 20
# Calendar programs poll a subscription; a short cache spares the database.
CALENDAR_MAX_AGE = 15 * 60


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _calendar_links(request: HttpRequest, path: str) -> dict[str, str]:
    """The feed's https address (to paste into a calendar program) and its webcal:// twin
    (which opens the visitor's calendar program and subscribes)."""
    url = request.build_absolute_uri(path)
    return {"calendar_url": url, "webcal_url": "webcal://" + url.split("://", 1)[1]}


class EventFilter(ActivityFilter):
    """The public events form: where, what kind and when. The other filters of
    ActivityFilter (effects, figures, visibility) are for the workspace and the API."""

    PUBLIC_FILTERS = ("district", "osiedle", "method", "form", "date_from", "date_to")
    filters: dict[str, Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters = {name: self.filters[name] for name in self.PUBLIC_FILTERS}


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The map and the directory of centres, filterable by osiedle and district, and
    the next activities across the city."""
    filterset = CentreFilter(request.GET or None, queryset=selectors.centre_list_public())
    centres = list(filterset.qs)
    return render(
        request,
        "centres/home.html",
        {
            "filter": filterset,
            "centres": centres,
            "centres_geojson": centres_geojson(centres, base_url=""),
            "upcoming_events": list(selectors.activity_list_upcoming()[:HOME_EVENTS]),
        },
    )


@require_GET
def centre_detail(request: HttpRequest, slug: str) -> HttpResponse:
    centre = selectors.centre_get_public(slug=slug)
    return render(
        request,
        "centres/centre_detail.html",
        {
            "centre": centre,
            "centre_geojson": centres_geojson([centre], base_url=""),
            "can_edit": access.can_edit_centre(request.user, centre),
            "resources": list(selectors.resource_list_public(centre=centre)),
            "upcoming_events": list(selectors.activity_list_upcoming(centre=centre)[:CENTRE_PAGE_EVENTS]),
            "groups": list(selectors.group_list_public(centre=centre)),
            "projects": list(selectors.project_list_public(centre=centre)),
            **_calendar_links(request, reverse("centres:centre-calendar", kwargs={"slug": centre.slug})),
            # Sections that higher apps (partnerships, diagnosis…) add to the page.
            "extra_sections": render_centre_sections(request, centre),
        },
    )


def _page(request: HttpRequest, activities: QuerySet[Activity]) -> Page[Activity]:
    return Paginator(activities, EVENTS_PER_PAGE).get_page(request.GET.get("page"))


@require_GET
def centre_events(request: HttpRequest, slug: str) -> HttpResponse:
    """The upcoming public activities of one centre, soonest first."""
    centre = selectors.centre_get_public(slug=slug)
    page = _page(request, selectors.activity_list_upcoming(centre=centre))
    return render(
        request,
        "centres/centre_events.html",
        {
            "centre": centre,
            "page_obj": page,
            "events": list(page.object_list),
            **_calendar_links(request, reverse("centres:centre-calendar", kwargs={"slug": centre.slug})),
        },
    )


@require_GET
def event_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A public activity of an open centre; private ones and those of closed centres are 404."""
    activity = selectors.activity_get_public(slug=slug, pk=pk)
    return render(
        request,
        "centres/event_detail.html",
        {
            "activity": activity,
            "centre": activity.centre,
            "partners": list(activity.partners.all()),
            "is_past": activity.end < timezone.now(),
            **_calendar_links(
                request, reverse("centres:centre-calendar", kwargs={"slug": activity.centre.slug})
            ),
        },
    )


@require_GET
def events(request: HttpRequest) -> HttpResponse:
    """Upcoming public activities across the city, filterable by where, what and when."""
    filterset = EventFilter(request.GET or None, queryset=selectors.activity_list_upcoming())
    page = _page(request, filterset.qs)
    return render(
        request,
        "centres/events.html",
        {
            "filter": filterset,
            "page_obj": page,
            "events": list(page.object_list),
            "filtered": any(request.GET.get(name) for name in EventFilter.PUBLIC_FILTERS),
            **_calendar_links(request, reverse("centres:calendar")),
        },
    )


def _calendar_response(request: HttpRequest, centre: Centre | None, filename: str) -> HttpResponseBase:
    body = activities_calendar(
        selectors.activity_list_calendar(centre=centre),
        name=calendar_name(centre),
        base_url=_base_url(request),
        host=split_domain_port(request.get_host())[0],
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # The same data gives the same bytes, so their hash is the ETag; a 304 saves the transfer.
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=CALENDAR_MAX_AGE)
    # The names and labels follow the language switch's cookie.
    patch_vary_headers(response, ("Cookie",))
    return get_conditional_response(request, etag=etag, response=response) or response


@require_GET
def centre_calendar(request: HttpRequest, slug: str) -> HttpResponseBase:
    """A centre's public activities as an iCalendar feed (a closed centre's is empty)."""
    centre = selectors.centre_get_public(slug=slug)
    return _calendar_response(request, centre, f"{centre.slug}.ics")


@require_GET
def calendar(request: HttpRequest) -> HttpResponseBase:
    """Every centre's public activities as one iCalendar feed."""
    return _calendar_response(request, None, "cal-events.ics")


@require_GET
def open_data(request: HttpRequest) -> HttpResponse:
    return render(request, "centres/open_data.html", {"centre_count": selectors.centre_list_public().count()})


@require_GET
def open_data_centres_csv(request: HttpRequest) -> HttpResponse:
    body = centres_csv(selectors.centre_list_public(), base_url=_base_url(request))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="centres.csv"'
    return response


@require_GET
def open_data_centres_geojson(request: HttpRequest) -> HttpResponse:
    data = centres_geojson(selectors.centre_list_public(), base_url=_base_url(request))
    return JsonResponse(data, content_type="application/geo+json", json_dumps_params={"ensure_ascii": False})
