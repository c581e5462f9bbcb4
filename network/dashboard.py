"""The network dashboard (``/network/``) and the CSV download of each of its figures.

For the animator, the standing team and city staff, and for the users the city grants it
(centres.access.can_view_dashboard); anyone else signed in gets a 404, an anonymous
visitor the login page. Everything shown comes from network.stats: each chart is drawn by
static/js/dashboard.js from the data in a json_script element, and beside it a data table
with the same figures is the real content (it is all there without JavaScript), with a
link to the same table as CSV.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cal_portal.spreadsheet import csv_text
from centres import access
from centres.models import District
from network import permissions as network_permissions
from network import stats
from network.stats import CENTRE_SORTS, StatsFilter, Table
from network.stats_filters import StatsFilterForm

# Columns of the centres table that sort descending on the first click (the biggest first).
_TEXT_SORTS = ("name", "district", "status")


def _guard(request: HttpRequest) -> HttpResponse | None:
    """A login redirect for an anonymous visitor; a 404 for anyone not granted the dashboard."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not access.can_view_dashboard(request.user):
        raise Http404
    return None


def _csv_url(figure: str, f: StatsFilter, extra: dict[str, str] | None = None) -> str:
    query = urlencode({**f.params(), **(extra or {})})
    return f"{reverse('network:stats-csv', kwargs={'figure': figure})}?{query}"


@dataclass(frozen=True)
class Block:
    """One figure on the page: its table, the chart drawn from it (if any) and its CSV."""

    table: Table
    csv_url: str
    chart: dict[str, Any] | None = None
    note: str | Promise = ""

    @property
    def figure(self) -> str:
        return self.table.figure

    @property
    def chart_id(self) -> str:
        return f"chart-data-{self.table.figure}"

    @property
    def body(self) -> list[list[tuple[Any, bool]]]:
        """The table's rows as (value, numeric) cells, for the template."""
        flags = [column.numeric for column in self.table.columns]
        return [list(zip(row, flags, strict=True)) for row in self.table.rows]


def _heading(label: str | Promise) -> str:
    return capfirst(str(label))


def _number(value: Any) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    return int(value)


def _chart(
    table: Table,
    series: list[str],
    *,
    kind: str = "bar",
    horizontal: bool = False,
    max_value: float | None = None,
) -> dict[str, Any]:
    """Chart.js data from a table: its first column labels the bars, ``series`` (column
    keys) are the datasets. Labels are plain strings; JS never parses them as HTML."""
    keys = [column.key for column in table.columns]
    labels = {column.key: _heading(column.label) for column in table.columns}
    return {
        "type": kind,
        "horizontal": horizontal,
        "max": max_value,
        "labels": [_heading(row[0]) for row in table.rows],
        "datasets": [
            {"label": labels[key], "data": [_number(row[keys.index(key)]) for row in table.rows]}
            for key in series
        ],
    }


def _map_geometry(boundary: dict[str, Any] | None) -> dict[str, Any] | None:
    """A GeoJSON geometry from what an osiedle's boundary holds (a geometry, a Feature or a
    FeatureCollection), or None."""
    if not isinstance(boundary, dict):
        return None
    kind = boundary.get("type")
    if kind in ("Polygon", "MultiPolygon", "GeometryCollection"):
        return boundary
    if kind == "Feature":
        return _map_geometry(boundary.get("geometry"))
    if kind == "FeatureCollection":
        geometries = [_map_geometry(feature) for feature in boundary.get("features") or []]
        found = [geometry for geometry in geometries if geometry]
        return {"type": "GeometryCollection", "geometries": found} if found else None
    return None


def _map_data(osiedla: list[stats.OsiedleRow], points: list[stats.CentrePoint]) -> dict[str, Any]:
    features: list[dict[str, Any]] = []
    for row in osiedla:
        geometry = _map_geometry(row.boundary)
        if geometry is None:
            continue
        per_1000 = "—" if row.activities_per_1000 is None else str(row.activities_per_1000)
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "kind": "osiedle",
                    "name": row.name,
                    "served": row.served,
                    "summary": _("%(served)s · activities: %(activities)s · per 1,000 residents: %(per)s")
                    % {
                        "served": _("served") if row.served else _("not served"),
                        "activities": row.activities,
                        "per": per_1000,
                    },
                },
            }
        )
    for point in points:
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [float(point.longitude), float(point.latitude)]},
                "properties": {
                    "kind": "centre",
                    "name": point.name,
                    "status": point.status,
                    "summary": point.status_label,
                    "url": reverse("centres:centre-detail", kwargs={"slug": point.slug}),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _sort_headers(f: StatsFilter, table: Table, sort: str) -> list[dict[str, Any]]:
    """The centres table's column headers: each a link that sorts by it (server-side, so it
    works without JavaScript) and its aria-sort state."""
    current = sort.lstrip("-")
    descending = sort.startswith("-")
    headers = []
    for column in table.columns:
        key = column.key
        if key not in CENTRE_SORTS:
            headers.append({"column": column, "url": "", "aria_sort": ""})
            continue
        if key == current:
            next_sort = key if descending else f"-{key}"
            aria_sort = "descending" if descending else "ascending"
        else:
            next_sort = key if key in _TEXT_SORTS else f"-{key}"
            aria_sort = ""
        query = urlencode({**f.params(), "sort": next_sort})
        headers.append(
            {"column": column, "url": f"?{query}#centres-table", "aria_sort": aria_sort, "next": next_sort}
        )
    return headers


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    refused = _guard(request)
    if refused is not None:
        return refused
    form = StatsFilterForm.for_query(request.GET)
    f = form.to_filter() if not form.is_bound or form.is_valid() else StatsFilter.default()
    sort = stats.normalise_sort(request.GET.get("sort"))

    centres_figure = stats.active_centres(f)
    by_method = stats.activities_by_method(f)
    by_month = stats.activities_by_month(f)
    participants = stats.participants_by_age(f)
    volunteers = stats.volunteers(f)
    resident = stats.resident_initiated(f)
    partners = stats.partners_by_kind(f)
    phases = stats.partnerships_by_phase(f)
    needs = stats.needs(f)
    certificates = stats.certificates_expiring(f)
    assessment = stats.self_assessment(f)
    centre_rows = stats.centres(f, sort=sort)
    osiedla = stats.osiedla(f, with_boundaries=True)
    points = stats.centre_points(f)
    trained = stats.training(f)

    t = {
        "method": stats.table_activities_by_method(by_method),
        "month": stats.table_activities_by_month(by_month),
        "age": stats.table_participants_by_age(participants),
        "partners": stats.table_partners_by_kind(partners),
        "phases": stats.table_partnerships_by_phase(phases),
        "needs": stats.table_needs(needs),
        "assessment": stats.table_self_assessment(assessment),
    }
    charts = [
        Block(
            t["method"],
            _csv_url("activities-by-method", f),
            _chart(t["method"], ["activities"], horizontal=True),
        ),
        Block(
            t["month"],
            _csv_url("activities-by-month", f),
            _chart(t["month"], ["activities", "resident_initiated"]),
        ),
        Block(t["age"], _csv_url("participants-by-age", f), _chart(t["age"], ["participants"])),
        Block(
            t["partners"],
            _csv_url("partners-by-kind", f),
            _chart(t["partners"], ["organisations"], horizontal=True),
            note=_(
                "A partner is an organisation that was a partner of an activity of a centre in the "
                "period, or a member, during the period, of a local partnership a centre leads. "
                "Each organisation counts once."
            ),
        ),
        Block(
            t["phases"],
            _csv_url("partnerships-by-phase", f),
            _chart(t["phases"], ["partnerships"]),
            note=_(
                "Partnerships led by the centres, in the phase they were in on the last day of the period."
            ),
        ),
        Block(
            t["needs"],
            _csv_url("needs", f),
            _chart(t["needs"], ["needs"]),
            note=_(
                "Needs found by the centres' diagnoses, by their status today: in progress while "
                "an activity answers them."
            ),
        ),
        Block(
            t["assessment"],
            _csv_url("self-assessment", f),
            _chart(t["assessment"], ["average"], horizontal=True, max_value=5),
            note=_(
                "Each centre counts once, with its latest submitted self-assessment of the years of the "
                "period (%(count)s centres)."
            )
            % {"count": assessment.centres},
        ),
    ]
    facts_blocks = {
        "centres": Block(stats.table_active_centres(centres_figure), _csv_url("active-centres", f)),
        "volunteers": Block(stats.table_volunteers(volunteers), _csv_url("volunteers", f)),
        "resident": Block(stats.table_resident_initiated(resident), _csv_url("resident-initiated", f)),
        "certificates": Block(
            stats.table_certificates_expiring(certificates), _csv_url("certificates-expiring", f)
        ),
    }
    trained_topics_table = stats.table_trained_by_topic(trained.by_topic)
    training_blocks = [
        Block(
            trained_topics_table,
            _csv_url("trained-by-topic", f),
            _chart(trained_topics_table, ["people"], horizontal=True),
            note=_(
                "People of the centres who completed a training programme of the network in the "
                "period, by the programme's topic. A person trained in two topics counts in both."
            ),
        ),
        Block(
            stats.table_trained_by_centre(trained.by_centre),
            _csv_url("trained-by-centre", f),
            note=_("Centres whose people completed a training programme in the period."),
        ),
    ]
    centres_table = stats.table_centres(centre_rows)
    osiedla_table = stats.table_osiedla(osiedla)
    map_data = _map_data(osiedla, points)
    context = {
        "form": form,
        "filter": f,
        "area_label": _area_label(f, form),
        "centres_figure": centres_figure,
        "participants": participants,
        "volunteers": volunteers,
        "resident": resident,
        "needs": needs,
        "certificates": certificates,
        "charts": charts,
        "facts_blocks": facts_blocks,
        "training_blocks": training_blocks,
        "trained_people": trained.people,
        "centre_rows": centre_rows,
        "centres_block": Block(centres_table, _csv_url("centres", f, {"sort": sort})),
        "centre_headers": _sort_headers(f, centres_table, sort),
        "sort": sort,
        "osiedla": osiedla,
        "osiedla_block": Block(osiedla_table, _csv_url("osiedla", f)),
        "map_data": map_data,
        "has_boundaries": any(feature["properties"]["kind"] == "osiedle" for feature in map_data["features"]),
        "served_count": sum(1 for row in osiedla if row.served),
        "total_activities": participants.activities,
        # The links to the network's shared work, for those who take part in it.
        "show_network_nav": network_permissions.is_network_participant(request.user),
    }
    return render(request, "network/dashboard.html", context)


def _area_label(f: StatsFilter, form: StatsFilterForm) -> str:
    """What the figures cover, in words (the page says it above the figures)."""
    parts: list[str] = []
    if f.centre or f.osiedle:
        names = {}
        if form.is_bound and form.is_valid():
            names = {
                key: str(form.cleaned_data[key])
                for key in ("osiedle", "centre")
                if form.cleaned_data.get(key)
            }
        if f.centre:
            parts.append(names.get("centre", f.centre))
        if f.osiedle:
            parts.append(_("osiedle %(name)s") % {"name": names.get("osiedle", f.osiedle)})
    if f.district:
        parts.append(_("district %(name)s") % {"name": District(f.district).label})
    return ", ".join(parts) if parts else _("the whole network")


def _csv_value(value: Any) -> Any:
    """Dates as YYYY-MM-DD, labels as text; numbers stay numbers."""
    if isinstance(value, date):
        return value.isoformat()
    return value if value is None or isinstance(value, int | float | Decimal) else str(value)


@require_GET
def stats_csv(request: HttpRequest, figure: str) -> HttpResponse:
    """One figure's table as CSV (UTF-8 with a BOM, so that spreadsheets read the Polish
    letters; translated headers; numbers with a decimal point), for the same filters."""
    refused = _guard(request)
    if refused is not None:
        return refused
    if figure not in stats.ALL_FIGURES:
        raise Http404
    form = StatsFilterForm.for_query(request.GET)
    if form.is_bound and not form.is_valid():
        messages = [
            f"{name}: {' '.join(str(error) for error in errors)}" for name, errors in form.errors.items()
        ]
        return HttpResponse("\n".join(messages), status=400, content_type="text/plain; charset=utf-8")
    f = form.to_filter()
    table = stats.figure_table(figure, f, sort=stats.normalise_sort(request.GET.get("sort")))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{figure}_{f.start.isoformat()}_{f.end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    rows: list[list[Any]] = [[_heading(column.label) for column in table.columns]]
    # The row's heading starts with a capital, as in the page's table.
    rows += [[capfirst(_csv_value(row[0])), *(_csv_value(value) for value in row[1:])] for row in table.rows]
    response.write(csv_text(rows))
    return response
