"""What this app adds to the centres' pages through centres.extensions (registered in
DiagnosisConfig.ready): a section of a centre's public page (its published diagnoses, and
a diagnosis asking residents for their ideas) and a section of an activity's workspace page
(the needs it answers, with a link to choose them)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from centres import access
from centres.models import Activity, Centre
from diagnosis import selectors
from diagnosis.models import DiagnosisStatus


def centre_section_context(request: HttpRequest, centre: Centre) -> dict[str, Any] | None:
    diagnoses = list(selectors.diagnosis_list_public(centre=centre))
    if not diagnoses:
        return None
    return {
        "published_diagnoses": [d for d in diagnoses if d.status == DiagnosisStatus.PUBLISHED],
        "collecting_diagnoses": [d for d in diagnoses if d.accepts_submissions],
    }


def activity_section_context(request: HttpRequest, activity: Activity) -> dict[str, Any] | None:
    if not access.can_edit_centre(request.user, activity.centre):
        return None
    return {
        "answered_findings": list(selectors.finding_list_of_activity(activity=activity)),
        "manage_url": reverse(
            "diagnosis:workspace-activity-findings", kwargs={"slug": activity.centre.slug, "pk": activity.pk}
        ),
    }
