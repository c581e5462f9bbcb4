"""The map of needs and resources as GeoJSON (RFC 7946): one Point feature per finding
placed on the map, coordinates in WGS84 as [longitude, latitude]. Findings without a
point are left out of the map; the list beside it (its text alternative) has them all."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from diagnosis.models import Finding, FindingKind, FindingStatus, Theme

GEOJSON_MEDIA_TYPE = "application/geo+json"


def finding_properties(finding: Finding) -> dict[str, Any]:
    """What a marker shows; labels in the current language."""
    diagnosis = finding.diagnosis
    centre = diagnosis.centre
    status = finding.current_status
    url = (
        reverse("diagnosis:diagnosis-public", kwargs={"slug": centre.slug, "pk": diagnosis.pk})
        if diagnosis.is_published
        else None
    )
    return {
        "id": finding.pk,
        "kind": finding.kind,
        "kind_label": str(FindingKind(finding.kind).label),
        "theme": finding.theme,
        "theme_label": str(Theme(finding.theme).label),
        "title": finding.title,
        "description": finding.description,
        "priority": finding.priority,
        "status": status,
        "status_label": str(FindingStatus(status).label),
        "osiedle": finding.osiedle.name if finding.osiedle_id and finding.osiedle else None,
        "centre": centre.slug,
        "centre_name": centre.name,
        "diagnosis": diagnosis.pk,
        "diagnosis_title": diagnosis.title,
        "answering_activities": int(getattr(finding, "response_count", 0) or 0),
        "url": url,
    }


def finding_feature(finding: Finding) -> dict[str, Any]:
    geometry = None
    if finding.has_location:
        geometry = {
            "type": "Point",
            "coordinates": [round(float(finding.longitude), 6), round(float(finding.latitude), 6)],  # type: ignore[arg-type]
        }
    return {
        "type": "Feature",
        "id": finding.pk,
        "geometry": geometry,
        "properties": finding_properties(finding),
    }


def findings_geojson(findings: Iterable[Finding]) -> dict[str, Any]:
    """A FeatureCollection of the findings that have a point."""
    return {
        "type": "FeatureCollection",
        "features": [finding_feature(finding) for finding in findings if finding.has_location],
    }
