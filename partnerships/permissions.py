"""Who may see and edit partnerships. The decisions are centres.access's; this module
only applies them to partnerships, so that views, the API and services ask one place.

- Reading: city staff, the network animator and the standing team see every partnership;
  an operator sees the partnerships of the centres they edit. Another centre's
  partnership is a 404 for them (the public page shows its public data only).
- Editing: the operators of the lead centre and city staff.
"""

from __future__ import annotations

from django.db.models import QuerySet

from centres import access
from centres.access import UserLike
from centres.models import Centre
from partnerships.models import Partnership


def visible_partnerships(user: UserLike) -> QuerySet[Partnership]:
    if access.can_view_network(user):
        return Partnership.objects.all()
    return Partnership.objects.filter(lead_centre__in=access.editable_centres(user).values("pk"))


def editable_partnerships(user: UserLike) -> QuerySet[Partnership]:
    if access.is_city_staff(user):
        return Partnership.objects.all()
    return Partnership.objects.filter(lead_centre__in=access.editable_centres(user).values("pk"))


def can_create_partnership(user: UserLike, centre: Centre) -> bool:
    return access.can_edit_centre(user, centre)


def can_edit_partnership(user: UserLike, partnership: Partnership) -> bool:
    return access.can_edit_centre(user, partnership.lead_centre)


def can_view_coverage(user: UserLike) -> bool:
    """The coverage of the whole network is the dashboard's (city staff, animator, team)."""
    return access.can_view_network(user)
