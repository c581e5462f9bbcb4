"""The map of needs and resources, shared by the workspace, the public diagnosis page and
the city-wide map: a filter form (kind, theme, status, where), a Leaflet map fed by the
API's GeoJSON with the same filters, and the table of the same findings beside it, which
is the map's text alternative (and all there is without JavaScript)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Page
from django.http import HttpRequest
from django.urls import reverse

from centres import access
from diagnosis.filters import FindingFilter
from diagnosis.models import Finding, FindingKind

# The filters a map offers; the city-wide map adds where.
MAP_FILTERS = ("kind", "theme", "status")
CITY_MAP_FILTERS = (*MAP_FILTERS, "district", "osiedle", "centre")


def map_filter_form(filters: dict[str, Any], names: tuple[str, ...]) -> forms.Form:
    form: forms.Form = FindingFilter(filters or None).form
    for name in list(form.fields):
        if name not in names:
            del form.fields[name]
    return form


def _add_links(request: HttpRequest, finding: Finding, *, public: bool) -> None:
    """Where a finding's title leads: its workspace page for those who edit it (outside the
    public pages), else the public page of its diagnosis once published."""
    diagnosis = finding.diagnosis
    centre = diagnosis.centre
    finding.edit_url = (  # type: ignore[attr-defined]
        reverse("diagnosis:workspace-finding-edit", kwargs={"slug": centre.slug, "pk": finding.pk})
        if not public and access.can_edit_centre(request.user, centre)
        else None
    )
    finding.public_url = (  # type: ignore[attr-defined]
        reverse("diagnosis:diagnosis-public", kwargs={"slug": centre.slug, "pk": diagnosis.pk})
        if diagnosis.is_published
        else None
    )


def findings_map_context(
    request: HttpRequest,
    *,
    findings: list[Finding] | Page[Finding],
    filters: dict[str, Any],
    show_centre: bool,
    names: tuple[str, ...] = MAP_FILTERS,
    public: bool = False,
) -> dict[str, Any]:
    """The context of templates/diagnosis/includes/findings_map.html."""
    for finding in findings:
        _add_links(request, finding, public=public)
    shown = {name: value for name, value in filters.items() if name in names}
    query = urlencode(sorted(filters.items()))
    return {
        "map_filter_form": map_filter_form(shown, names),
        "map_filtered": bool(shown),
        "map_findings": findings,
        "map_geojson_url": reverse("diagnosis-api:finding-geojson") + (f"?{query}" if query else ""),
        "map_show_centre": show_centre,
        "map_public": public,
        "map_kinds": FindingKind,
        "map_located": sum(1 for finding in findings if finding.has_location),
    }
