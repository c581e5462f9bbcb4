"""Reads of the centres app; each decides its joins once, so counts stay flat."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, Prefetch, QuerySet
from django.http import Http404

from centres import access
from centres.access import UserLike
from centres.filters import CentreFilter, OperatorTermFilter, OrganizationFilter, OsiedleFilter
from centres.models import Centre, CentreStatus, Membership, OperatorTerm, Organization, Osiedle

_M = TypeVar("_M", bound=Model)


def _filtered(filterset: type[Any], filters: dict[str, Any] | None, qs: QuerySet[_M]) -> QuerySet[_M]:
    """Apply a FilterSet of centres.filters; invalid filter values filter nothing."""
    result: QuerySet[_M] = filterset(filters or {}, queryset=qs).qs
    return result


def current_terms_prefetch(to_attr: str = "current_terms") -> Prefetch[Any]:
    return Prefetch(
        "terms",
        queryset=OperatorTerm.objects.filter(access.current_term_q()).select_related("organization"),
        to_attr=to_attr,
    )


def _centre_public_queryset() -> QuerySet[Centre]:
    return (
        Centre.objects.select_related("primary_osiedle")
        .prefetch_related("served_osiedla", current_terms_prefetch())
        .order_by("name")
    )


def centre_list_public(*, filters: dict[str, Any] | None = None) -> QuerySet[Centre]:
    """Centres shown to the public: all but closed ones."""
    qs = _centre_public_queryset().exclude(status=CentreStatus.CLOSED)
    return _filtered(CentreFilter, filters, qs)


def centre_get_public(*, slug: str) -> Centre:
    """A centre page; closed centres keep their page (their history matters)."""
    try:
        return _centre_public_queryset().get(slug=slug)
    except Centre.DoesNotExist as exc:
        raise Http404 from exc


def centre_list_editable(*, user: UserLike, filters: dict[str, Any] | None = None) -> QuerySet[Centre]:
    """The centres a user may edit (the workspace's "my centres")."""
    qs = (
        access.editable_centres(user)
        .select_related("primary_osiedle")
        .prefetch_related("served_osiedla", current_terms_prefetch())
        .order_by("name")
    )
    return _filtered(CentreFilter, filters, qs)


def centre_get_editable(*, user: UserLike, slug: str) -> Centre:
    """A centre the user may edit, or 404: another operator's centre does not exist for them."""
    try:
        return centre_list_editable(user=user).get(slug=slug)
    except Centre.DoesNotExist as exc:
        raise Http404 from exc


def osiedle_list(*, filters: dict[str, Any] | None = None) -> QuerySet[Osiedle]:
    return _filtered(OsiedleFilter, filters, Osiedle.objects.order_by("name"))


def organization_list(*, user: UserLike, filters: dict[str, Any] | None = None) -> QuerySet[Organization]:
    qs = access.visible_organizations(user).select_related("osiedle").order_by("name")
    return _filtered(OrganizationFilter, filters, qs)


def operator_term_list(*, user: UserLike, filters: dict[str, Any] | None = None) -> QuerySet[OperatorTerm]:
    qs = (
        access.visible_operator_terms(user)
        .select_related("centre", "organization")
        .order_by("centre__name", "-start")
    )
    return _filtered(OperatorTermFilter, filters, qs)


def membership_list_for_user(*, user: UserLike) -> QuerySet[Membership]:
    if user.pk is None:
        return Membership.objects.none()
    return Membership.objects.filter(user_id=user.pk).select_related("organization")
