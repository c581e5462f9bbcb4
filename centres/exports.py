"""Open-data and admin exports of centres: CSV and GeoJSON, never personal data."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from centres.models import Centre

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
    """UTF-8 CSV (with BOM, so spreadsheet programs read Polish letters)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for centre in centres:
        writer.writerow(centre_row(centre, base_url))
    return buffer.getvalue()


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
