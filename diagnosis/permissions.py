"""Who may see and edit diagnoses. The decisions are centres.access's; this module only
applies them to the records of this app, so that views, the API, the admin and the
services ask one place.

- Diagnoses, their methods and findings: city staff, the network animator and the
  standing team read all of them (the network's shared picture); an operator reads the
  diagnoses of the centres they edit; everyone, the public included, reads published
  diagnoses and their findings. Another centre's unpublished diagnosis is a 404.
- Editing: the centre's operators and city staff.
- Residents' submissions: only the centre's operators and city staff, until accepted (an
  accepted one is a finding, seen as findings are). Never the animator, the team or the
  public: a resident's words are not published before the operator has read them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from centres import access
from centres.access import UserLike
from centres.models import Activity, Centre
from diagnosis.models import Diagnosis, DiagnosisStatus, Finding, FindingResponse, ResidentSubmission

PUBLISHED = Q(status=DiagnosisStatus.PUBLISHED)


def _editable_centre_ids(user: UserLike) -> QuerySet[Centre, Any]:
    return access.editable_centres(user).values("pk")


def visible_diagnoses(user: UserLike) -> QuerySet[Diagnosis]:
    if access.can_view_network(user):
        return Diagnosis.objects.all()
    if getattr(user, "is_authenticated", False):
        return Diagnosis.objects.filter(PUBLISHED | Q(centre__in=_editable_centre_ids(user)))
    return Diagnosis.objects.filter(PUBLISHED)


def editable_diagnoses(user: UserLike) -> QuerySet[Diagnosis]:
    if access.is_city_staff(user):
        return Diagnosis.objects.all()
    return Diagnosis.objects.filter(centre__in=_editable_centre_ids(user))


def visible_findings(user: UserLike) -> QuerySet[Finding]:
    if access.can_view_network(user):
        return Finding.objects.all()
    published = Q(diagnosis__status=DiagnosisStatus.PUBLISHED)
    if getattr(user, "is_authenticated", False):
        return Finding.objects.filter(published | Q(diagnosis__centre__in=_editable_centre_ids(user)))
    return Finding.objects.filter(published)


def editable_findings(user: UserLike) -> QuerySet[Finding]:
    if access.is_city_staff(user):
        return Finding.objects.all()
    return Finding.objects.filter(diagnosis__centre__in=_editable_centre_ids(user))


def visible_responses(user: UserLike) -> QuerySet[FindingResponse]:
    """Which activity answers which finding: seen with the finding (the activity's title
    is shown only where the activity itself may be seen: see the serializers)."""
    return FindingResponse.objects.filter(finding__in=visible_findings(user).values("pk"))


def visible_submissions(user: UserLike) -> QuerySet[ResidentSubmission]:
    """Only the centre's operators and city staff (not the animator, the team, the public)."""
    if access.is_city_staff(user):
        return ResidentSubmission.objects.all()
    return ResidentSubmission.objects.filter(diagnosis__centre__in=_editable_centre_ids(user))


def can_edit_diagnosis(user: UserLike, diagnosis: Diagnosis) -> bool:
    return access.can_edit_centre(user, diagnosis.centre)


def can_see_activity(user: UserLike, activity: Activity) -> bool:
    """An activity's title is shown with a finding only to those who may see the activity,
    or to everyone when the activity is public."""
    return (
        activity.is_public or access.can_view_network(user) or access.can_edit_centre(user, activity.centre)
    )
