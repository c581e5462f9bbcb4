"""Operator workspace pages for a centre's projects: the list, recording and editing a
project (partners, the activities carried out under it), its page with the result
indicators (target, achieved, share), the indicators themselves, deleting. Every write
goes through the services, changes and deletions with the version the page was read at."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from centres import selectors, services
from centres.filters import ProjectFilter
from centres.forms import ProjectForm, ProjectIndicatorForm, VersionForm
from centres.models import Centre, Project, ProjectIndicator
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
LIST_FILTERS = ("status", "funder_kind", "q")
FIELDS = services.PROJECT_FIELDS
INDICATOR_FIELDS = services.PROJECT_INDICATOR_FIELDS


def _list_url(centre: Centre) -> str:
    return reverse("centres:workspace-projects", kwargs={"slug": centre.slug})


def _detail_url(centre: Centre, project: Project) -> str:
    return reverse("centres:workspace-project-detail", kwargs={"slug": centre.slug, "pk": project.pk})


@login_required
@require_GET
def project_list(request: HttpRequest, slug: str) -> HttpResponse:
    """A centre's projects, latest first, filterable by status and kind of funder."""
    centre = selectors.centre_get_editable(user=request.user, slug=slug)
    filters = {name: request.GET[name] for name in LIST_FILTERS if request.GET.get(name)}
    projects = selectors.project_list(user=request.user, centre=centre, filters=filters)
    return render(
        request,
        "centres/workspace/projects/list.html",
        centre_page(
            centre,
            filter_form=filter_form_of(ProjectFilter, filters, LIST_FILTERS),
            filtered=bool(filters),
            projects=list(projects),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest, slug: str) -> HttpResponse:
    centre = selectors.centre_get_editable(user=request.user, slug=slug)
    form = ProjectForm(posted(request), instance=Project(centre=centre))
    created: list[Project] = []
    saved, _conflict = submit_record_form(
        request,
        form,
        save=lambda: created.append(
            services.project_create(centre=centre, actor=request.user, **form.service_fields())
        ),
        current=lambda: None,
        fields=FIELDS,
    )
    if saved:
        messages.success(
            request,
            _("The project “%(title)s” has been recorded. Now link its activities and add its indicators.")
            % {"title": created[0].title},
        )
        return redirect(_detail_url(centre, created[0]))
    return render(
        request, "centres/workspace/projects/form.html", centre_page(centre, form=form, project=None)
    )


@login_required
@require_GET
def project_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A project with its partners, linked activities and result indicators."""
    centre = selectors.centre_get_editable(user=request.user, slug=slug)
    project = selectors.project_get_editable(centre=centre, pk=pk)
    return render(
        request,
        "centres/workspace/projects/detail.html",
        centre_page(
            centre,
            project=project,
            indicators=list(project.indicators.all()),
            activities=list(project.activities.all()),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    centre = selectors.centre_get_editable(user=request.user, slug=slug)
    project = selectors.project_get_editable(centre=centre, pk=pk)
    form = ProjectForm(posted(request), instance=project)
    saved, conflict = submit_record_form(
        request,
        form,
        save=lambda: services.project_update(
            project=project,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            **form.service_fields(),
        ),
        current=lambda: reread(lambda: selectors.project_get_editable(centre=centre, pk=pk)),
        fields=FIELDS,
    )
    if saved:
        messages.success(
            request, _("The project “%(title)s” has been saved.") % {"title": form.cleaned_data["title"]}
        )
        return redirect(_detail_url(centre, project))
    return render(
        request,
        "centres/workspace/projects/form.html",
        centre_page(centre, form=form, project=project, conflict=conflict),
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A confirmation; the project goes with its indicators, the activities stay."""
    centre = selectors.centre_get_editable(user=request.user, slug=slug)
    project = selectors.project_get_editable(centre=centre, pk=pk)
    form = VersionForm(posted(request), initial={"version": project.version})
    outcome, current = submit_delete(
        request,
        form,
        delete=lambda version: services.project_delete(
            project=project, actor=request.user, expected_version=version
        ),
        current=lambda: reread(lambda: selectors.project_get_editable(centre=centre, pk=pk)),
    )
    if outcome == DELETED:
        messages.success(request, _("The project “%(title)s” has been deleted.") % {"title": project.title})
        return redirect(_list_url(centre))
    if outcome == ALREADY_DELETED:
        messages.info(request, _("The project had already been deleted by someone else."))
        return redirect(_list_url(centre))
    shown = current if isinstance(current, Project) else project
    return render(
        request,
        "centres/workspace/projects/delete.html",
        centre_page(centre, form=form, project=shown),
    )


# --- Indicators -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def indicator_create(request: HttpRequest, slug: str, project_pk: int) -> HttpResponse:
    centre = selectors.centre_get_editable(user=request.user, slug=slug)
    project = selectors.project_get_editable(centre=centre, pk=project_pk)
    form = ProjectIndicatorForm(posted(request), instance=ProjectIndicator(project=project))
    saved, _conflict = submit_record_form(
        request,
        form,
        save=lambda: services.project_indicator_create(
            project=project, actor=request.user, **form.service_fields(INDICATOR_FIELDS)
        ),
        current=lambda: None,
        fields=INDICATOR_FIELDS,
    )
    if saved:
        messages.success(
            request, _("The indicator “%(name)s” has been added.") % {"name": form.cleaned_data["name"]}
        )
        return redirect(_detail_url(centre, project))
    return render(
        request,
        "centres/workspace/projects/indicator_form.html",
        centre_page(centre, form=form, project=project, indicator=None),
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request: HttpRequest, slug: str, project_pk: int, pk: int) -> HttpResponse:
    centre = selectors.centre_get_editable(user=request.user, slug=slug)
    project = selectors.project_get_editable(centre=centre, pk=project_pk)
    indicator = selectors.project_indicator_get_editable(project=project, pk=pk)
    form = ProjectIndicatorForm(posted(request), instance=indicator)
    saved, conflict = submit_record_form(
        request,
        form,
        save=lambda: services.project_indicator_update(
            indicator=indicator,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            **form.service_fields(INDICATOR_FIELDS),
        ),
        current=lambda: reread(lambda: selectors.project_indicator_get_editable(project=project, pk=pk)),
        fields=INDICATOR_FIELDS,
    )
    if saved:
        messages.success(
            request, _("The indicator “%(name)s” has been saved.") % {"name": form.cleaned_data["name"]}
        )
        return redirect(_detail_url(centre, project))
    return render(
        request,
        "centres/workspace/projects/indicator_form.html",
        centre_page(centre, form=form, project=project, indicator=indicator, conflict=conflict),
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_delete(request: HttpRequest, slug: str, project_pk: int, pk: int) -> HttpResponse:
    centre = selectors.centre_get_editable(user=request.user, slug=slug)
    project = selectors.project_get_editable(centre=centre, pk=project_pk)
    indicator = selectors.project_indicator_get_editable(project=project, pk=pk)
    form = VersionForm(posted(request), initial={"version": indicator.version})
    outcome, current = submit_delete(
        request,
        form,
        delete=lambda version: services.project_indicator_delete(
            indicator=indicator, actor=request.user, expected_version=version
        ),
        current=lambda: reread(lambda: selectors.project_indicator_get_editable(project=project, pk=pk)),
    )
    if outcome == DELETED:
        messages.success(request, _("The indicator “%(name)s” has been deleted.") % {"name": indicator.name})
        return redirect(_detail_url(centre, project))
    if outcome == ALREADY_DELETED:
        messages.info(request, _("The indicator had already been deleted by someone else."))
        return redirect(_detail_url(centre, project))
    shown = current if isinstance(current, ProjectIndicator) else indicator
    return render(
        request,
        "centres/workspace/projects/indicator_delete.html",
        centre_page(centre, form=form, project=project, indicator=shown),
    )
