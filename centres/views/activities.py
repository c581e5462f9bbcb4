"""Operator workspace pages for a centre's activities: the list, recording one activity or
a weekly or monthly series, editing one occurrence, deleting. Every write goes through the
services, changes and deletions with the version the page was read at (optimistic locking)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from centres import selectors, services
from centres.extensions import render_activity_sections
from centres.filters import ActivityFilter
from centres.forms import ONCE, ActivityCreateForm, ActivityEditForm, VersionForm
from centres.models import Activity, Centre, Effect
from centres.views.workspace import (
    ALREADY_DELETED,
    DELETED,
    add_service_error,
    carry_version,
    centre_page,
    display_value,
    filter_form_of,
    reread,
    submit_delete,
)

PAGE_SIZE = 25

# The filters of the workspace list (the centre is given by the page).
LIST_FILTERS = ("method", "form", "effect", "date_from", "date_to", "resident_initiated", "q")


def _list_url(centre: Centre) -> str:
    return reverse("centres:workspace-activities", kwargs={"slug": centre.slug})


@login_required
@require_GET
def activity_list(request: HttpRequest, slug: str) -> HttpResponse:
    """A centre's activities, newest first, filterable and paginated."""
    centre = selectors.centre_get_editable(user=request.user, slug=slug)
    filters = {name: request.GET[name] for name in LIST_FILTERS if request.GET.get(name)}
    activities = selectors.activity_list(user=request.user, centre=centre, filters=filters)
    return render(
        request,
        "centres/workspace/activities/list.html",
        centre_page(
            centre,
            filter_form=filter_form_of(ActivityFilter, filters, LIST_FILTERS),
            filtered=bool(filters),
            page_obj=Paginator(activities, PAGE_SIZE).get_page(request.GET.get("page")),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request: HttpRequest, slug: str) -> HttpResponse:
    """One activity, or a weekly or monthly series created whole or not at all."""
    centre = selectors.centre_get_editable(user=request.user, slug=slug)
    form = ActivityCreateForm(request.POST or None, instance=Activity(centre=centre))
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        frequency = form.cleaned_data["frequency"]
        try:
            if frequency == ONCE:
                services.activity_create(centre=centre, actor=request.user, **fields)
                message = _("The activity “%(title)s” has been recorded.") % {"title": fields["title"]}
            else:
                series = services.activity_series_create(
                    centre=centre,
                    actor=request.user,
                    frequency=frequency,
                    until=form.cleaned_data["until"],
                    **fields,
                )
                message = ngettext(
                    "A series of %(count)s activity “%(title)s” has been recorded.",
                    "A series of %(count)s activities “%(title)s” has been recorded.",
                    series.occurrences,
                ) % {"count": series.occurrences, "title": fields["title"]}
        except ValidationError as exc:
            # A rule of the service shows on its field; nothing was saved.
            add_service_error(form, exc)
        else:
            messages.success(request, message)
            return redirect(_list_url(centre))
    return render(
        request, "centres/workspace/activities/form.html", centre_page(centre, form=form, activity=None)
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One activity; in a series, this occurrence only."""
    centre = selectors.centre_get_editable(user=request.user, slug=slug)
    activity = selectors.activity_get_editable(centre=centre, pk=pk)
    form = ActivityEditForm(request.POST or None, instance=activity)
    conflict: dict[str, Any] | None = None
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(
                activity=activity,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                **form.service_fields(),
            )
        except services.ConflictError as exc:
            add_service_error(form, exc)
            current = reread(lambda: selectors.activity_get_editable(centre=centre, pk=pk))
            conflict = _conflict(form, current if isinstance(current, Activity) else None)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request, _("The activity “%(title)s” has been saved.") % {"title": form.cleaned_data["title"]}
            )
            return redirect(_list_url(centre))
    return render(
        request,
        "centres/workspace/activities/form.html",
        centre_page(
            centre,
            form=form,
            activity=activity,
            conflict=conflict,
            # Sections that higher apps add (e.g. the needs this activity answers).
            extra_sections=render_activity_sections(request, activity),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A confirmation; in a series, only this occurrence is deleted."""
    centre = selectors.centre_get_editable(user=request.user, slug=slug)
    activity = selectors.activity_get_editable(centre=centre, pk=pk)
    form = VersionForm(request.POST or None, initial={"version": activity.version})
    outcome, current = submit_delete(
        request,
        form,
        delete=lambda version: services.activity_delete(
            activity=activity, actor=request.user, expected_version=version
        ),
        current=lambda: reread(lambda: selectors.activity_get_editable(centre=centre, pk=pk)),
    )
    if outcome == DELETED:
        messages.success(request, _("The activity “%(title)s” has been deleted.") % {"title": activity.title})
        return redirect(_list_url(centre))
    if outcome == ALREADY_DELETED:
        messages.info(request, _("The activity had already been deleted by someone else."))
        return redirect(_list_url(centre))
    return render(
        request,
        "centres/workspace/activities/delete.html",
        centre_page(centre, form=form, activity=current or activity),
    )


def _difference(form: ActivityEditForm, current: Activity, name: str) -> dict[str, str] | None:
    """One field saved now and as the user entered it, if they differ, as the page shows them."""
    yours = form.cleaned_data[name]
    if name == "partners":
        saved_partners = sorted(current.partners.all(), key=lambda organization: organization.name)
        your_partners = sorted(yours, key=lambda organization: organization.name)
        if [o.pk for o in saved_partners] == [o.pk for o in your_partners]:
            return None
        shown = [", ".join(o.name for o in values) or "—" for values in (saved_partners, your_partners)]
        return {"label": str(form.fields[name].label), "saved": shown[0], "yours": shown[1]}
    saved = getattr(current, name)
    if name == "effects":
        if sorted(saved) == sorted(yours):
            return None
        shown = [", ".join(str(Effect(value).label) for value in values) or "—" for values in (saved, yours)]
    else:
        if saved == yours:
            return None
        shown = [display_value(Activity, name, value) for value in (saved, yours)]
    # The model's names: the form's are short under their fieldset's legend ("aged 0–12").
    label = str(capfirst(cast(models.Field[Any, Any], Activity._meta.get_field(name)).verbose_name))
    return {"label": label, "saved": shown[0], "yours": shown[1]}


def _conflict(form: ActivityEditForm, current: Activity | None) -> dict[str, Any]:
    """What someone else saved meanwhile, where it differs from the user's input (shown by
    centres/workspace/includes/conflict.html). The form keeps the input and now carries
    the saved version: saving it again, after comparing, replaces the saved values."""
    if current is None:
        return {"deleted": True, "differences": []}
    differences = [
        difference
        for name in (*services.ACTIVITY_FIELDS, "partners")
        if (difference := _difference(form, current, name)) is not None
    ]
    carry_version(form, current.version)
    return {"deleted": False, "differences": differences, "current": current}
