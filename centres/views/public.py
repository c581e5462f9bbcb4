"""Public pages: the map and directory, centre pages, open data."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from centres import access, selectors
from centres.exports import centres_csv, centres_geojson
from centres.extensions import render_centre_sections
from centres.filters import CentreFilter


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The map and the directory of centres, filterable by osiedle and district."""
    filterset = CentreFilter(request.GET or None, queryset=selectors.centre_list_public())
    centres = list(filterset.qs)
    return render(
        request,
        "centres/home.html",
        {
            "filter": filterset,
            "centres": centres,
            "centres_geojson": centres_geojson(centres, base_url=""),
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
            # Sections that higher apps (partnerships, diagnosis…) add to the page.
            "extra_sections": render_centre_sections(request, centre),
        },
    )


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
