"""Writes of the centres app. Every write: keyword-only, atomic, validated, audited.

Audit rows are written by database triggers (django-pghistory); ``_audited`` attaches
the acting user to them when the write does not come through a web request.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import pghistory
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from centres import access
from centres.access import UserLike
from centres.models import (
    SECTOR_OF_KIND,
    Centre,
    Membership,
    OperatorTerm,
    Organization,
    Osiedle,
)
from centres.validators import normalise_number

# What an operator may change on the public profile of their centre; status,
# operator and location belong to the city.
CENTRE_PROFILE_FIELDS = ("description", "opening_hours", "email", "phone", "website", "accessibility_notes")


# The fields of an organisation that people fill in (admin form, API).
ORGANIZATION_FIELDS = (
    "name",
    "kind",
    "sector",
    "legal_form",
    "krs",
    "nip",
    "regon",
    "street_address",
    "postal_code",
    "city",
    "email",
    "phone",
    "website",
    "osiedle",
)


class ConflictError(ValidationError):
    """Someone else saved the record since it was read (optimistic locking)."""


@contextmanager
def _audited(actor: UserLike | None, action: str) -> Iterator[None]:
    with pghistory.context(user=getattr(actor, "pk", None), action=action):
        yield


def _set_fields(instance: Any, fields: dict[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(instance, name, value)


# --- Centres --------------------------------------------------------------------


@transaction.atomic
def centre_update_profile(*, centre: Centre, actor: UserLike, expected_version: int, **fields: Any) -> Centre:
    """An operator (or city staff) edits the public profile of a centre.

    Refuses a save based on an outdated read, so that a colleague's change is not lost.
    """
    if not access.can_edit_centre(actor, centre):
        raise PermissionDenied
    locked = Centre.objects.select_for_update().get(pk=centre.pk)
    if locked.version != expected_version:
        raise ConflictError(
            _(
                "Someone else changed this centre while you were editing it. "
                "Your changes were not saved: reload the page to see the current version."
            ),
            code="conflict",
        )
    _set_fields(locked, fields, CENTRE_PROFILE_FIELDS)
    locked.version += 1
    locked.full_clean()
    with _audited(actor, "centre.update_profile"):
        locked.save()
    return locked


@transaction.atomic
def centre_save(
    *, centre: Centre, actor: UserLike | None, served_osiedla: Iterable[Osiedle] | None = None
) -> Centre:
    """City staff create or change a centre in full (the admin, seed data)."""
    if actor is not None and not access.is_city_staff(actor):
        raise PermissionDenied
    if centre.pk:
        centre.version += 1
    centre.full_clean()
    with _audited(actor, "centre.save"):
        centre.save()
        if served_osiedla is not None:
            centre.served_osiedla.set(served_osiedla)
    return centre


# --- Organisations --------------------------------------------------------------


@transaction.atomic
def organization_save(*, organization: Organization, actor: UserLike | None) -> Organization:
    """Create or change an organisation of the registry (city staff)."""
    if actor is not None and not access.can_manage_registry(actor):
        raise PermissionDenied
    for field in ("krs", "nip", "regon"):
        setattr(organization, field, normalise_number(getattr(organization, field)))
    if not organization.sector:
        organization.sector = SECTOR_OF_KIND[organization.kind]
    organization.full_clean()
    try:
        # A savepoint: a concurrent save of the same number loses the race cleanly.
        with transaction.atomic(), _audited(actor, "organization.save"):
            organization.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("An organisation with the same KRS, NIP or REGON was saved a moment ago."), code="unique"
        ) from exc
    return organization


# --- Operator terms and memberships -----------------------------------------------


@transaction.atomic
def operator_term_save(*, term: OperatorTerm, actor: UserLike | None) -> OperatorTerm:
    """Record a grant agreement; no two terms of one centre may overlap."""
    if actor is not None and not access.can_manage_registry(actor):
        raise PermissionDenied
    term.full_clean()
    with _audited(actor, "operator_term.save"):
        term.save()
    return term


@transaction.atomic
def membership_save(*, membership: Membership, actor: UserLike | None) -> Membership:
    if actor is not None and not access.can_manage_registry(actor):
        raise PermissionDenied
    membership.full_clean()
    with _audited(actor, "membership.save"):
        membership.save()
    return membership


@transaction.atomic
def role_groups_ensure() -> list[Group]:
    """The role groups exist (idempotent)."""
    return [Group.objects.get_or_create(name=name)[0] for name in access.ROLE_GROUPS]
