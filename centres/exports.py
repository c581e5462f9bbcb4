"""Open-data and admin exports: centres as CSV and GeoJSON, activities as CSV and XLSX.
Never personal data."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Field, Model
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from cal_portal.spreadsheet import csv_text
from centres.models import AGE_BANDS, Activity, Centre, Effect, Osiedle

CSV_COLUMNS = (
    "slug",
    "name",
    "status",
    "street_address",
    "postal_code",
    "city",
    "latitude",
    "longitude",
    "primary_osiedle",
    "district",
    "served_osiedla",
    "operator",
    "area_m2",
    "opening_hours",
    "email",
    "phone",
    "website",
    "url",
)


def _operator_names(centre: Centre) -> str:
    # Uses the prefetched current terms of the selectors.
    terms = getattr(centre, "current_terms", None)
    if terms is None:
        return ""
    return "; ".join(term.organization.name for term in terms)


def centre_row(centre: Centre, base_url: str) -> dict[str, Any]:
    return {
        "slug": centre.slug,
        "name": centre.name,
        "status": centre.status,
        "street_address": centre.street_address,
        "postal_code": centre.postal_code,
        "city": centre.city,
        "latitude": "" if centre.latitude is None else str(centre.latitude),
        "longitude": "" if centre.longitude is None else str(centre.longitude),
        "primary_osiedle": centre.primary_osiedle.name,
        "district": centre.primary_osiedle.get_district_display(),
        "served_osiedla": "; ".join(o.name for o in centre.served_osiedla.all()),
        "operator": _operator_names(centre),
        "area_m2": "" if centre.area_m2 is None else centre.area_m2,
        "opening_hours": centre.opening_hours,
        "email": centre.email,
        "phone": centre.phone,
        "website": centre.website,
        "url": base_url + centre.get_absolute_url(),
    }


def centres_csv(centres: Iterable[Centre], *, base_url: str) -> str:
    """CSV for spreadsheets (cal_portal.spreadsheet): a header of column keys, a row per centre."""
    rows = ([centre_row(centre, base_url)[column] for column in CSV_COLUMNS] for centre in centres)
    return csv_text([CSV_COLUMNS, *rows])


def centres_geojson(centres: Iterable[Centre], *, base_url: str) -> dict[str, Any]:
    """A FeatureCollection (RFC 7946: WGS84, longitude first) of centres with a location."""
    features = []
    for centre in centres:
        if not centre.has_location:
            continue
        props = centre_row(centre, base_url)
        props.pop("latitude")
        props.pop("longitude")
        props["status_label"] = centre.get_status_display()
        features.append(
            {
                "type": "Feature",
                "id": centre.slug,
                "geometry": {
                    "type": "Point",
                    "coordinates": [float(centre.longitude), float(centre.latitude)],  # type: ignore[arg-type]
                },
                "properties": props,
            }
        )
    return {"type": "FeatureCollection", "name": _("CAL centres"), "features": features}


# --- Activities (the admin's exports for city staff) -------------------------------------

Cell = str | int | Decimal | bool | datetime


def _label(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, Field)
    return str(capfirst(field.verbose_name))


def activity_columns() -> list[tuple[str, str]]:
    """(key, header) of every column, headers in the current language (read at call time)."""
    return [
        ("id", "ID"),
        ("centre", _label(Activity, "centre")),
        ("osiedle", str(capfirst(Osiedle._meta.verbose_name))),
        ("district", _label(Osiedle, "district")),
        ("title", _label(Activity, "title")),
        ("start", _label(Activity, "start")),
        ("end", _label(Activity, "end")),
        ("method", _label(Activity, "method")),
        ("form", _label(Activity, "form")),
        ("place", _label(Activity, "place")),
        ("in_public_space", _label(Activity, "in_public_space")),
        ("resident_initiated", _label(Activity, "resident_initiated")),
        *((name, _label(Activity, name)) for name, _band in AGE_BANDS),
        ("participants", _("Participants in total")),
        ("volunteers_involved", _label(Activity, "volunteers_involved")),
        ("volunteer_hours", _label(Activity, "volunteer_hours")),
        ("partners", _label(Activity, "partners")),
        ("effects", _label(Activity, "effects")),
        ("is_public", _label(Activity, "is_public")),
    ]


def activity_values(activity: Activity) -> dict[str, Cell]:
    """Every figure of an activity, typed (numbers, booleans, local wall-clock times).
    Uses the centre, its osiedle and the partners loaded by the caller's queryset."""
    osiedle = activity.centre.primary_osiedle
    return {
        "id": activity.pk,
        "centre": activity.centre.name,
        "osiedle": osiedle.name,
        "district": osiedle.get_district_display(),
        "title": activity.title,
        "start": timezone.localtime(activity.start).replace(tzinfo=None),
        "end": timezone.localtime(activity.end).replace(tzinfo=None),
        "method": activity.get_method_display(),
        "form": activity.get_form_display(),
        "place": activity.place,
        "in_public_space": activity.in_public_space,
        "resident_initiated": activity.resident_initiated,
        **{name: getattr(activity, name) for name, _band in AGE_BANDS},
        "participants": activity.participants,
        "volunteers_involved": activity.volunteers_involved,
        "volunteer_hours": Decimal(activity.volunteer_hours),
        "partners": "; ".join(organization.name for organization in activity.partners.all()),
        "effects": "; ".join(
            str(Effect(value).label) for value in activity.effects if value in Effect.values
        ),
        "is_public": activity.is_public,
    }


def _csv_cell(value: Cell) -> str:
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value if isinstance(value, str) else str(value)


def activities_csv(activities: Iterable[Activity]) -> str:
    """CSV for spreadsheets (cal_portal.spreadsheet): translated headers and labels, local
    times as YYYY-MM-DD HH:MM, decimals with a dot."""
    columns = activity_columns()
    rows = [[str(header) for _key, header in columns]]
    for activity in activities:
        values = activity_values(activity)
        rows.append([_csv_cell(values[key]) for key, _header in columns])
    return csv_text(rows)


def activities_xlsx(activities: Iterable[Activity]) -> bytes:
    """An XLSX workbook of one sheet: numbers as numbers, times as dates, booleans as
    booleans; text is never read as a formula."""
    columns = activity_columns()
    workbook = Workbook()
    sheet = workbook.active
    # A sheet title has at most 31 characters.
    sheet.title = str(capfirst(Activity._meta.verbose_name_plural))[:31]
    bold = Font(bold=True)
    for column, (_key, header) in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=column, value=header)
        cell.font = bold
    row = 1
    for activity in activities:
        row += 1
        values = activity_values(activity)
        for column, (key, _header) in enumerate(columns, start=1):
            value = values[key]
            cell = sheet.cell(row=row, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            elif isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
    for column, (key, header) in enumerate(columns, start=1):
        width = 18 if key in {"start", "end"} else min(max(len(header), 8) + 2, 40)
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
