"""Who may see and edit what. Every view, admin and API queryset asks this module.

Roles are Django groups (city staff, network animator, standing team); operator
access follows the grant agreement: a user is a member of an organisation, and the
organisation operates a centre while its ``OperatorTerm`` is current. Querysets are
filtered here, so another centre's record is a 404, never a 403 that leaks its existence.
"""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.utils import timezone

from centres.models import (
    Activity,
    Centre,
    Group,
    OperatorTerm,
    Organization,
    Project,
    Resource,
    Volunteer,
)

CITY_GROUP = "city"
ANIMATOR_GROUP = "network-animator"
TEAM_GROUP = "standing-team"
ROLE_GROUPS = (CITY_GROUP, ANIMATOR_GROUP, TEAM_GROUP)

UserLike = User | AnonymousUser
_W = TypeVar("_W", Activity, Group, Project, Resource)


def _groups(user: UserLike) -> frozenset[str]:
    """The user's role groups, read once per user object (one query per request)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached: frozenset[str] | None = getattr(user, "_cal_groups", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._cal_groups = cached  # type: ignore[attr-defined]
    return cached


def is_city_staff(user: UserLike) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if getattr(user, "is_superuser", False):
        return True
    return bool(getattr(user, "is_staff", False)) and CITY_GROUP in _groups(user)


def is_network_animator(user: UserLike) -> bool:
    return ANIMATOR_GROUP in _groups(user)


def is_team_member(user: UserLike) -> bool:
    return TEAM_GROUP in _groups(user)


def can_view_network(user: UserLike) -> bool:
    """The network dashboard: the animator, the standing team and city staff."""
    return is_city_staff(user) or is_network_animator(user) or is_team_member(user)


def today() -> date:
    return timezone.localdate()


def current_term_q(on: date | None = None) -> Q:
    """Filter for operator terms current on ``on`` (today by default)."""
    on = on or today()
    return Q(start__lte=on) & (Q(end__isnull=True) | Q(end__gte=on))


def operator_organizations(user: UserLike) -> QuerySet[Organization]:
    """Organisations the user works for."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Organization.objects.none()
    return Organization.objects.filter(memberships__user_id=user.pk)


def _editable_centre_ids(user: UserLike) -> frozenset[int]:
    """Ids of the centres an operator may edit, read once per user object (the
    navigation and the page both ask within one request)."""
    cached: frozenset[int] | None = getattr(user, "_cal_editable_ids", None)
    if cached is None:
        cached = frozenset(editable_centres(user).values_list("pk", flat=True))
        if getattr(user, "is_authenticated", False):
            user._cal_editable_ids = cached  # type: ignore[union-attr]
    return cached


def is_operator(user: UserLike) -> bool:
    """An operator user: works for an organisation with a current term."""
    return not is_city_staff(user) and bool(_editable_centre_ids(user))


def editable_centres(user: UserLike) -> QuerySet[Centre]:
    """Centres whose data the user may change: all for city staff; for an operator,
    the centres their organisation operates under a current term."""
    if is_city_staff(user):
        return Centre.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Centre.objects.none()
    term_ids = OperatorTerm.objects.filter(
        current_term_q(), organization__memberships__user_id=user.pk
    ).values("centre_id")
    return Centre.objects.filter(pk__in=term_ids)


def can_edit_centre(user: UserLike, centre: Centre) -> bool:
    return is_city_staff(user) or centre.pk in _editable_centre_ids(user)


def operator_staff(centre: Centre, on: date | None = None) -> QuerySet[User]:
    """The active users who work for the organisation operating the centre under a term
    current on ``on`` (today by default): the centre's staff."""
    organizations = OperatorTerm.objects.filter(current_term_q(on), centre=centre).values("organization_id")
    return User.objects.filter(is_active=True, memberships__organization_id__in=organizations).distinct()


def visible_operator_terms(user: UserLike) -> QuerySet[OperatorTerm]:
    """Grant agreements: city staff, the animator and the standing team see all;
    an operator sees the terms of their own organisations."""
    if can_view_network(user):
        return OperatorTerm.objects.all()
    return OperatorTerm.objects.filter(organization__in=operator_organizations(user))


def visible_organizations(user: UserLike) -> QuerySet[Organization]:
    """The organisation registry is for signed-in users (it holds contact details)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Organization.objects.none()
    return Organization.objects.all()


def can_add_organization(user: UserLike) -> bool:
    """Operators add a missing partner to the registry on the spot (name and kind);
    changing an existing organisation stays with city staff."""
    return is_city_staff(user) or is_operator(user)


# --- What centres have and do -------------------------------------------------------
# Resources, activities and groups are the network's shared picture: the animator and the
# standing team read all of them; an operator reads and edits their own centres' records.
# Volunteers are personal data: only the operators of that centre and city staff see them.


def _centre_work(user: UserLike, qs: QuerySet[_W]) -> QuerySet[_W]:
    if can_view_network(user):
        return qs
    return qs.filter(centre_id__in=_editable_centre_ids(user))


def visible_resources(user: UserLike) -> QuerySet[Resource]:
    return _centre_work(user, Resource.objects.all())


def visible_activities(user: UserLike) -> QuerySet[Activity]:
    return _centre_work(user, Activity.objects.all())


def visible_groups(user: UserLike) -> QuerySet[Group]:
    return _centre_work(user, Group.objects.all())


def visible_projects(user: UserLike) -> QuerySet[Project]:
    """Projects, their amounts and indicators: like the other records of a centre's work,
    the animator and the standing team read all; an operator their own centres'; the
    public sees only the public fields of running projects on the centre's page."""
    return _centre_work(user, Project.objects.all())


def visible_volunteers(user: UserLike) -> QuerySet[Volunteer]:
    """Never the animator, the standing team or the public: only the centre's operators
    and city staff."""
    if is_city_staff(user):
        return Volunteer.objects.all()
    return Volunteer.objects.filter(centre_id__in=_editable_centre_ids(user))


def can_manage_registry(user: UserLike) -> bool:
    """Creating and changing organisations, terms and memberships is city staff's work."""
    return is_city_staff(user)


def roles(user: UserLike) -> list[str]:
    """Role names for `/api/v1/me/` and the navigation."""
    result = [name for name in ROLE_GROUPS if name in _groups(user)]
    if is_city_staff(user) and CITY_GROUP not in result:
        result.insert(0, CITY_GROUP)
    if is_operator(user):
        result.append("operator")
    return result


# --- The network dashboard ------------------------------------------------------------
# The dashboard shows aggregates only (counts, hours, shares; never a volunteer's or a
# resident's data). Besides the network's viewers, the city may open it to others, e.g. the
# operators: city staff add a user to this group in the admin (Users → the user → Groups).
# A group, like the other roles, rather than a model permission: it needs no model of its
# own, the admin shows it as one readable name, and it is read with the role groups in the
# same single query per request.
DASHBOARD_GUEST_GROUP = "dashboard-guests"


def can_view_dashboard(user: UserLike) -> bool:
    """The network dashboard and its figures (pages, CSV and the stats API): the animator,
    the standing team, city staff, and the users the city has granted it."""
    return can_view_network(user) or DASHBOARD_GUEST_GROUP in _groups(user)
