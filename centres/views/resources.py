"""Operator workspace pages for a centre's resources: rooms, equipment, skills, contacts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from centres import selectors, services
from centres.filters import ResourceFilter
from centres.forms import ResourceForm, VersionForm
from centres.models import Centre, Resource
from centres.views.workspace import (
    ALREADY_DELETED,
    DELETED,
    centre_page,
    filter_form_of,
    posted,
    reread,
    submit_delete,
    submit_record_form,
)

# The filters of the workspace list (the centre is given by the page).
LIST_FILTERS = ("kind", "category", "shareable")
FIELDS = services.RESOURCE_FIELDS


def _list_url(centre: Centre) -> str:
    return reverse("centres:workspace-resources", kwargs={"slug": centre.slug})


@login_required
@require_GET
def resource_list(request: HttpRequest, slug: str) -> HttpResponse:
    centre = selectors.centre_get_editable(user=request.user, slug=slug)
    filters = {name: request.GET[name] for name in LIST_FILTERS if request.GET.get(name)}
    resources = selectors.resource_list(user=request.user, centre=centre, filters=filters)
    return render(
        request,
        "centres/workspace/resources/list.html",
        centre_page(
            centre,
            filter_form=filter_form_of(ResourceFilter, filters, LIST_FILTERS),
            filtered=bool(filters),
            resources=resources,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def resource_create(request: HttpRequest, slug: str) -> HttpResponse:
    centre = selectors.centre_get_editable(user=request.user, slug=slug)
    form = ResourceForm(posted(request), instance=Resource(centre=centre))
    saved, _conflict = submit_record_form(
        request,
        form,
        save=lambda: services.resource_create(
            centre=centre, actor=request.user, **form.service_fields(FIELDS)
        ),
        current=lambda: None,
        fields=FIELDS,
    )
    if saved:
        messages.success(
            request, _("The resource “%(name)s” has been added.") % {"name": form.cleaned_data["name"]}
        )
        return redirect(_list_url(centre))
    return render(
        request, "centres/workspace/resources/form.html", centre_page(centre, form=form, resource=None)
    )


@login_required
@require_http_methods(["GET", "POST"])
def resource_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    centre = selectors.centre_get_editable(user=request.user, slug=slug)
    resource = selectors.resource_get_editable(centre=centre, pk=pk)
    form = ResourceForm(posted(request), instance=resource)
    saved, conflict = submit_record_form(
        request,
        form,
        save=lambda: services.resource_update(
            resource=resource,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            **form.service_fields(FIELDS),
        ),
        current=lambda: reread(lambda: selectors.resource_get_editable(centre=centre, pk=pk)),
        fields=FIELDS,
    )
    if saved:
        messages.success(
            request, _("The resource “%(name)s” has been saved.") % {"name": form.cleaned_data["name"]}
        )
        return redirect(_list_url(centre))
    return render(
        request,
        "centres/workspace/resources/form.html",
        centre_page(centre, form=form, resource=resource, conflict=conflict),
    )


@login_required
@require_http_methods(["GET", "POST"])
def resource_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    centre = selectors.centre_get_editable(user=request.user, slug=slug)
    resource = selectors.resource_get_editable(centre=centre, pk=pk)
    form = VersionForm(posted(request), initial={"version": resource.version})
    outcome, current = submit_delete(
        request,
        form,
        delete=lambda version: services.resource_delete(
            resource=resource, actor=request.user, expected_version=version
        ),
        current=lambda: reread(lambda: selectors.resource_get_editable(centre=centre, pk=pk)),
    )
    if outcome == DELETED:
        messages.success(request, _("The resource “%(name)s” has been deleted.") % {"name": resource.name})
        return redirect(_list_url(centre))
    if outcome == ALREADY_DELETED:
        messages.info(request, _("The resource had already been deleted by someone else."))
        return redirect(_list_url(centre))
    return render(
        request,
        "centres/workspace/resources/delete.html",
        centre_page(centre, form=form, resource=current or resource),
    )
