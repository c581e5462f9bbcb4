"""Operator workspace pages for a centre's volunteers and local leaders: personal data.

Only the centre's operators and city staff reach these pages (the centre is read with
``centre_get_editable``: anyone else gets a 404). Nothing here may be kept by a browser
or a proxy cache. A volunteer's data can be exported (GDPR art. 15 and 20) and erased
(art. 17); there is no deletion, so that the centre's figures stay as they were."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from cal_portal.spreadsheet import csv_text
from centres import selectors, services
from centres.filters import VolunteerFilter
from centres.forms import VolunteerForm
from centres.models import Centre, LegalBasis, Volunteer
from centres.views.workspace import centre_page, filter_form_of, posted, reread, submit_record_form

# The filters of the workspace list (the centre is given by the page).
LIST_FILTERS = ("q", "is_leader", "active")
FIELDS = services.VOLUNTEER_FIELDS

_View = TypeVar("_View", bound=Callable[..., HttpResponse])


def _private(view: _View) -> _View:
    """Personal data: never stored by the browser's or a proxy's cache."""
    decorated: _View = cache_control(private=True, no_store=True)(view)
    return decorated


def _list_url(centre: Centre) -> str:
    return reverse("centres:workspace-volunteers", kwargs={"slug": centre.slug})


@_private
@login_required
@require_GET
def volunteer_list(request: HttpRequest, slug: str) -> HttpResponse:
    centre = selectors.centre_get_editable(user=request.user, slug=slug)
    filters = {name: request.GET[name] for name in LIST_FILTERS if request.GET.get(name)}
    volunteers = selectors.volunteer_list(user=request.user, centre=centre, filters=filters)
    return render(
        request,
        "centres/workspace/volunteers/list.html",
        centre_page(
            centre,
            filter_form=filter_form_of(VolunteerFilter, filters, LIST_FILTERS),
            filtered=bool(filters),
            volunteers=volunteers,
        ),
    )


@_private
@login_required
@require_http_methods(["GET", "POST"])
def volunteer_create(request: HttpRequest, slug: str) -> HttpResponse:
    centre = selectors.centre_get_editable(user=request.user, slug=slug)
    form = VolunteerForm(posted(request), instance=Volunteer(centre=centre))
    saved, _conflict = submit_record_form(
        request,
        form,
        save=lambda: services.volunteer_create(
            centre=centre, actor=request.user, **form.service_fields(FIELDS)
        ),
        current=lambda: None,
        fields=FIELDS,
    )
    if saved:
        # No name in the message: messages may travel in a cookie.
        messages.success(request, _("The volunteer has been added."))
        return redirect(_list_url(centre))
    return render(
        request, "centres/workspace/volunteers/form.html", centre_page(centre, form=form, volunteer=None)
    )


def _refuse_erased(request: HttpRequest, centre: Centre) -> HttpResponse:
    messages.warning(
        request, _("This volunteer's personal data has been erased: the record can no longer be changed.")
    )
    return redirect(_list_url(centre))


@_private
@login_required
@require_http_methods(["GET", "POST"])
def volunteer_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    centre = selectors.centre_get_editable(user=request.user, slug=slug)
    volunteer = selectors.volunteer_get_editable(centre=centre, pk=pk)
    if volunteer.erased_at is not None:
        return _refuse_erased(request, centre)
    form = VolunteerForm(posted(request), instance=volunteer)
    saved, conflict = submit_record_form(
        request,
        form,
        save=lambda: services.volunteer_update(
            volunteer=volunteer,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            **form.service_fields(FIELDS),
        ),
        current=lambda: reread(lambda: selectors.volunteer_get_editable(centre=centre, pk=pk)),
        fields=FIELDS,
    )
    if saved:
        messages.success(request, _("The volunteer's data has been saved."))
        return redirect(_list_url(centre))
    return render(
        request,
        "centres/workspace/volunteers/form.html",
        centre_page(centre, form=form, volunteer=volunteer, conflict=conflict),
    )


# --- GDPR: export and erasure -----------------------------------------------------------


def _attachment(body: str | bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@_private
@login_required
@require_GET
def volunteer_export_json(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Everything the portal holds about the volunteer, with its audit history."""
    centre = selectors.centre_get_editable(user=request.user, slug=slug)
    volunteer = selectors.volunteer_get_editable(centre=centre, pk=pk)
    data = selectors.volunteer_personal_data(volunteer=volunteer)
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    return _attachment(
        body, content_type="application/json; charset=utf-8", filename=f"volunteer-{volunteer.pk}.json"
    )


def _label(name: str) -> str:
    """The label of a field of a volunteer (or of its audit snapshot)."""
    if name == "id":
        return "ID"
    try:
        field = Volunteer._meta.get_field(name.removesuffix("_id"))
    except FieldDoesNotExist:
        return name
    return capfirst(str(getattr(field, "verbose_name", name)))


def _cell(name: str, value: Any) -> str:
    """A value as a person reads it; never a formula for a spreadsheet (CSV injection)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = _("yes") if value else _("no")
    elif name == "legal_basis" and value in LegalBasis.values:
        text = str(LegalBasis(value).label)
    else:
        text = str(value)
    return text


def _event_label(label: str) -> str:
    if label == "insert":
        return _("created")
    if label == "update":
        return _("changed")
    if label == "delete":
        return _("deleted")
    return label


def personal_data_csv(data: dict[str, Any]) -> str:
    """The export as a readable table: the record (field, value), then its history, each
    change of the record as the fields it changed (the first with all of them)."""
    rows: list[list[Any]] = []
    rows.append([_("Field"), _("Value")])
    rows.append([_label("centre"), _cell("centre", data["centre"]["name"])])
    for name, value in data["volunteer"].items():
        rows.append([_label(name), _cell(name, value)])
    rows.append([])
    rows.append([_("History: recorded at"), _("Event"), _("Field"), _("Value")])
    previous: dict[str, Any] = {}
    for event in data["history"]:
        snapshot: dict[str, Any] = event["data"] or {}
        for name, value in snapshot.items():
            if name in previous and previous[name] == value:
                continue
            rows.append([event["at"], _event_label(event["event"]), _label(name), _cell(name, value)])
        previous = snapshot
    return csv_text(rows)


@_private
@login_required
@require_GET
def volunteer_export_csv(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    centre = selectors.centre_get_editable(user=request.user, slug=slug)
    volunteer = selectors.volunteer_get_editable(centre=centre, pk=pk)
    body = personal_data_csv(selectors.volunteer_personal_data(volunteer=volunteer))
    return _attachment(
        body.encode("utf-8"), content_type="text/csv; charset=utf-8", filename=f"volunteer-{volunteer.pk}.csv"
    )


@_private
@login_required
@require_http_methods(["GET", "POST"])
def volunteer_erase(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Erase a volunteer's personal data (GDPR art. 17), after a confirmation."""
    centre = selectors.centre_get_editable(user=request.user, slug=slug)
    volunteer = selectors.volunteer_get_editable(centre=centre, pk=pk)
    if volunteer.erased_at is not None:
        messages.info(request, _("This volunteer's personal data had already been erased."))
        return redirect(_list_url(centre))
    if request.method == "POST":
        services.volunteer_erase(volunteer=volunteer, actor=request.user)
        messages.success(
            request, _("The personal data of volunteer #%(id)s has been erased.") % {"id": volunteer.pk}
        )
        return redirect(_list_url(centre))
    return render(
        request, "centres/workspace/volunteers/erase.html", centre_page(centre, volunteer=volunteer)
    )
