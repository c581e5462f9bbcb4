"""Operator workspace pages for a centre's groups: self-help, informal, neighbours', clubs."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from centres import selectors, services
from centres.filters import GroupFilter
from centres.forms import GroupForm, VersionForm
from centres.models import Centre, Group
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
LIST_FILTERS = ("kind", "active")
FIELDS = services.GROUP_FIELDS


def _list_url(centre: Centre) -> str:
    return reverse("centres:workspace-groups", kwargs={"slug": centre.slug})


@login_required
@require_GET
def group_list(request: HttpRequest, slug: str) -> HttpResponse:
    centre = selectors.centre_get_editable(user=request.user, slug=slug)
    filters = {name: request.GET[name] for name in LIST_FILTERS if request.GET.get(name)}
    groups = selectors.group_list(user=request.user, centre=centre, filters=filters)
    return render(
        request,
        "centres/workspace/groups/list.html",
        centre_page(
            centre,
            filter_form=filter_form_of(GroupFilter, filters, LIST_FILTERS),
            filtered=bool(filters),
            groups=groups,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_create(request: HttpRequest, slug: str) -> HttpResponse:
    centre = selectors.centre_get_editable(user=request.user, slug=slug)
    form = GroupForm(posted(request), instance=Group(centre=centre))
    saved, _conflict = submit_record_form(
        request,
        form,
        save=lambda: services.group_create(centre=centre, actor=request.user, **form.service_fields(FIELDS)),
        current=lambda: None,
        fields=FIELDS,
    )
    if saved:
        messages.success(
            request, _("The group “%(name)s” has been added.") % {"name": form.cleaned_data["name"]}
        )
        return redirect(_list_url(centre))
    return render(request, "centres/workspace/groups/form.html", centre_page(centre, form=form, group=None))


@login_required
@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    centre = selectors.centre_get_editable(user=request.user, slug=slug)
    group = selectors.group_get_editable(centre=centre, pk=pk)
    form = GroupForm(posted(request), instance=group)
    saved, conflict = submit_record_form(
        request,
        form,
        save=lambda: services.group_update(
            group=group,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            **form.service_fields(FIELDS),
        ),
        current=lambda: reread(lambda: selectors.group_get_editable(centre=centre, pk=pk)),
        fields=FIELDS,
    )
    if saved:
        messages.success(
            request, _("The group “%(name)s” has been saved.") % {"name": form.cleaned_data["name"]}
        )
        return redirect(_list_url(centre))
    return render(
        request,
        "centres/workspace/groups/form.html",
        centre_page(centre, form=form, group=group, conflict=conflict),
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    centre = selectors.centre_get_editable(user=request.user, slug=slug)
    group = selectors.group_get_editable(centre=centre, pk=pk)
    form = VersionForm(posted(request), initial={"version": group.version})
    outcome, current = submit_delete(
        request,
        form,
        delete=lambda version: services.group_delete(
            group=group, actor=request.user, expected_version=version
        ),
        current=lambda: reread(lambda: selectors.group_get_editable(centre=centre, pk=pk)),
    )
    if outcome == DELETED:
        messages.success(request, _("The group “%(name)s” has been deleted.") % {"name": group.name})
        return redirect(_list_url(centre))
    if outcome == ALREADY_DELETED:
        messages.info(request, _("The group had already been deleted by someone else."))
        return redirect(_list_url(centre))
    return render(
        request,
        "centres/workspace/groups/delete.html",
        centre_page(centre, form=form, group=current or group),
    )
