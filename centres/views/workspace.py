"""The operator workspace: where operators keep their centres' records.

This module holds the workspace home and the centre's profile, and the helpers the pages
of a centre's records share: the centre's navigation, turning a service's refusal into
form errors, and showing what someone else saved meanwhile (optimistic locking)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from centres import access, extensions, selectors, services
from centres.forms import CentreProfileForm
from centres.forms import add_service_error as add_service_error  # also used by the other apps' pages
from centres.models import Centre

# --- Helpers of the pages of one centre's workspace -----------------------------------


def posted(request: HttpRequest) -> QueryDict | None:
    """A form's data: the POST, even an empty one (so that a missing field is an error)."""
    return request.POST if request.method == "POST" else None


def centre_nav_links(centre: Centre) -> list[dict[str, Any]]:
    """The links that higher apps add to a centre's workspace navigation."""
    return [
        {"url": reverse(link.url_name, args=[centre.slug]), "label": link.label, "name": link.url_name}
        for link in extensions.workspace_links()
    ]


def centre_page(centre: Centre, **context: Any) -> dict[str, Any]:
    """The context of a page of one centre's workspace: the centre, the links of its
    navigation (``centres/workspace/includes/centre_nav.html``) and the page's own."""
    return {"centre": centre, "workspace_links": centre_nav_links(centre), **context}


def filter_form_of(filterset: type[Any], filters: dict[str, Any], names: Iterable[str]) -> forms.Form:
    """The form of a FilterSet with only the filters a workspace list offers (the centre
    is given by the page); the selector applies the same filters."""
    form: forms.Form = filterset(filters or None).form
    for name in list(form.fields):
        if name not in names:
            del form.fields[name]
    return form


def display_value(model: type[Model], name: str, value: Any) -> str:
    """A field's value as a page shows it: labels of choices, yes/no, local dates."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "DATE_FORMAT")
    field = model._meta.get_field(name)
    choices = getattr(field, "flatchoices", None)
    if choices:
        return str(dict(choices).get(value, value))
    return str(value)


def carry_version(form: forms.BaseForm, version: int) -> None:
    """The posted form, shown again, carries ``version``: saving or confirming it again
    acts on the record as the page now shows it."""
    data = cast(QueryDict, form.data).copy()
    data["version"] = str(version)
    form.data = data


def record_conflict(
    form: forms.BaseModelForm,  # type: ignore[type-arg]
    *,
    current: Model | None,
    fields: Iterable[str],
) -> dict[str, Any]:
    """After a conflict: the saved values that differ from the user's input, so that
    nothing is lost. The form keeps the input and now carries the saved version, so that
    saving it again, after comparing, replaces what is saved with what the form shows."""
    if current is None:
        return {"deleted": True, "differences": []}
    model = type(current)
    differences = []
    for name in fields:
        if name not in form.fields or name not in form.cleaned_data:
            continue
        saved, yours = getattr(current, name), form.cleaned_data[name]
        if saved != yours:
            differences.append(
                {
                    "label": form.fields[name].label,
                    "saved": display_value(model, name, saved),
                    "yours": display_value(model, name, yours),
                }
            )
    carry_version(form, current.version)  # type: ignore[attr-defined]
    return {"deleted": False, "differences": differences}


def reread(get: Callable[[], Model]) -> Model | None:
    """A record read again after a conflict; None if someone deleted it meanwhile."""
    try:
        return get()
    except Http404:
        return None


def submit_record_form(
    request: HttpRequest,
    form: forms.BaseModelForm,  # type: ignore[type-arg]
    *,
    save: Callable[[], object],
    current: Callable[[], Model | None],
    fields: Iterable[str],
) -> tuple[bool, dict[str, Any] | None]:
    """Validate a posted form and ``save`` it through a service.

    Returns (saved, conflict): a service's refusal becomes form errors and nothing is
    saved; a conflict also returns what is saved now (see ``record_conflict``)."""
    if request.method != "POST" or not form.is_valid():
        return False, None
    try:
        save()
    except services.ConflictError as exc:
        add_service_error(form, exc)
        return False, record_conflict(form, current=current(), fields=fields)
    except ValidationError as exc:
        add_service_error(form, exc)
        return False, None
    return True, None


# How a confirmed deletion went (``submit_delete``).
DELETED = "deleted"
ALREADY_DELETED = "already-deleted"
NOT_DELETED = "not-deleted"


def submit_delete(
    request: HttpRequest,
    form: forms.Form,
    *,
    delete: Callable[[int], object],
    current: Callable[[], Model | None],
) -> tuple[str, Model | None]:
    """Delete a record through a service with the version its confirmation was shown at.

    Returns the outcome and, after a conflict, the record as saved now: the form then
    carries its version, so that confirming again deletes what the page shows."""
    if request.method != "POST" or not form.is_valid():
        return NOT_DELETED, None
    try:
        delete(form.cleaned_data["version"])
    except services.ConflictError as exc:
        record = current()
        if record is None:
            return ALREADY_DELETED, None
        add_service_error(form, exc)
        carry_version(form, record.version)  # type: ignore[attr-defined]
        return NOT_DELETED, record
    except ValidationError as exc:
        add_service_error(form, exc)
        return NOT_DELETED, None
    return DELETED, None


# --- Pages ------------------------------------------------------------------------------


@login_required
def after_login(request: HttpRequest) -> HttpResponse:
    """Send each role where its work is."""
    if access.is_city_staff(request.user):
        return redirect("admin:index")
    if access.is_operator(request.user):
        return redirect("centres:workspace")
    for link in extensions.nav_links():
        if link.landing and link.visible(request.user):
            return redirect(link.url_name)
    return redirect("centres:home")


@login_required
@require_GET
def workspace(request: HttpRequest) -> HttpResponse:
    """The user's centres, each with its areas and short figures."""
    centres = selectors.centre_list_workspace(user=request.user)
    memberships = selectors.membership_list_for_user(user=request.user)
    return render(request, "centres/workspace/home.html", {"centres": centres, "memberships": memberships})


@login_required
@require_http_methods(["GET", "POST"])
def workspace_centre_edit(request: HttpRequest, slug: str) -> HttpResponse:
    centre: Centre = selectors.centre_get_editable(user=request.user, slug=slug)
    form = CentreProfileForm(posted(request), instance=centre)
    fields = services.CENTRE_PROFILE_FIELDS
    saved, conflict = submit_record_form(
        request,
        form,
        save=lambda: services.centre_update_profile(
            centre=centre,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            **{name: form.cleaned_data[name] for name in fields},
        ),
        current=lambda: reread(lambda: selectors.centre_get_editable(user=request.user, slug=slug)),
        fields=fields,
    )
    if saved:
        messages.success(request, _("The profile of %(centre)s has been saved.") % {"centre": centre.name})
        return redirect(reverse("centres:workspace"))
    return render(
        request, "centres/workspace/centre_edit.html", centre_page(centre, form=form, conflict=conflict)
    )
