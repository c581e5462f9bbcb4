"""Good practices: operators propose them for their centres (drafts), the animator
publishes them; the public list at /practices/ shows the published ones with the centres
that adopted them (no personal data)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from centres import access
from centres.models import Centre
from network import permissions, selectors, services
from network.filters import PracticeFilter, PracticeManageFilter
from network.forms import AdoptionForm, PracticeForm, VersionForm
from network.models import Adoption, GoodPractice
from network.views.common import (
    add_service_error,
    form_page,
    posted,
    require_participant,
    reread,
    serve_file,
    submit_record_form,
)

PRACTICES_PER_PAGE = 20


def _list_crumb() -> tuple[str, str]:
    return (reverse("network:practice-list"), _("Good practices"))


def _detail_crumb(practice: GoodPractice) -> tuple[str, str]:
    return (reverse("network:practice-detail", args=[practice.pk]), practice.title)


def _proposing_centres(request: HttpRequest) -> QuerySet[Centre]:
    if permissions.can_run_network(request.user):
        return Centre.objects.order_by("name")
    return access.editable_centres(request.user).order_by("name")


# --- Public ---------------------------------------------------------------------------------


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    """Published good practices: searchable, filterable by CAL method and effect."""
    filterset = PracticeFilter(request.GET or None, queryset=selectors.practice_list_public())
    page = Paginator(filterset.qs, PRACTICES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "network/practices/public_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "practices": list(page.object_list),
            "filtered": any(request.GET.get(name) for name in PracticeFilter.base_filters),
        },
    )


@require_GET
def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    practice = selectors.practice_get_public(pk=pk)
    return render(
        request,
        "network/practices/public_detail.html",
        {"practice": practice, "adoptions": list(practice.adoptions.all())},
    )


@require_GET
def public_attachment(request: HttpRequest, pk: int) -> FileResponse:
    return serve_file(selectors.practice_get_public(pk=pk).attachment)


# --- Managing -------------------------------------------------------------------------------


@login_required
@require_GET
def practice_list(request: HttpRequest) -> HttpResponse:
    require_participant(request)
    filterset = PracticeManageFilter(request.GET or None, queryset=selectors.practice_list(user=request.user))
    page = Paginator(filterset.qs, PRACTICES_PER_PAGE).get_page(request.GET.get("page"))
    can_propose = permissions.can_run_network(request.user) or access.is_operator(request.user)
    return render(
        request,
        "network/practices/list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "practices": list(page.object_list),
            "filtered": any(request.GET.get(name) for name in PracticeManageFilter.base_filters),
            "can_propose": can_propose,
        },
    )


@login_required
@require_GET
def practice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    practice = selectors.practice_get(user=request.user, pk=pk)
    user = request.user
    can_run = permissions.can_run_network(user)
    return render(
        request,
        "network/practices/detail.html",
        {
            "practice": practice,
            "adoptions": list(practice.adoptions.all()),
            "can_edit": permissions.can_edit_practice(user, practice),
            "can_publish": permissions.can_publish_practice(user),
            "can_adopt": practice.is_published
            and (can_run or selectors.adoptable_centres(user=user, practice=practice).exists()),
            "version_form": VersionForm(initial={"version": practice.version}),
            "crumbs": [_list_crumb()],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def practice_create(request: HttpRequest) -> HttpResponse:
    centres = _proposing_centres(request)
    if not centres.exists():
        raise PermissionDenied
    form = PracticeForm(posted(request), request.FILES or None, centres=centres)
    created: list[GoodPractice] = []

    def save() -> None:
        created.append(
            services.practice_create(
                centre=form.cleaned_data["centre"],
                actor=request.user,
                **form.service_fields(services.PRACTICE_FIELDS),
            )
        )

    saved, _conflict = submit_record_form(request, form, save=save, current=lambda: None, fields=())
    if saved:
        messages.success(
            request,
            _("The practice has been saved as a draft. The network animator publishes it."),
        )
        return redirect("network:practice-detail", pk=created[0].pk)
    return form_page(
        request,
        form=form,
        title=_("Propose a good practice"),
        intro=_(
            "Describe a way of working of your centre that others could take up. It stays a draft "
            "until the network animator publishes it on the portal."
        ),
        submit=_("Save the draft"),
        cancel_url=reverse("network:practice-list"),
        crumbs=[_list_crumb()],
        multipart=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def practice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    practice = selectors.practice_get(user=request.user, pk=pk)
    if not permissions.can_edit_practice(request.user, practice):
        raise PermissionDenied
    form = PracticeForm(
        posted(request), request.FILES or None, instance=practice, centres=Centre.objects.none()
    )
    saved, conflict = submit_record_form(
        request,
        form,
        save=lambda: services.practice_update(
            practice=practice,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            **form.service_fields(services.PRACTICE_FIELDS),
        ),
        current=lambda: reread(lambda: selectors.practice_get(user=request.user, pk=pk)),
        fields=[name for name in services.PRACTICE_FIELDS if name != "attachment"],
    )
    if saved:
        messages.success(request, _("The practice has been saved."))
        return redirect("network:practice-detail", pk=practice.pk)
    return form_page(
        request,
        form=form,
        title=_("Edit the practice"),
        submit=_("Save"),
        cancel_url=reverse("network:practice-detail", args=[practice.pk]),
        crumbs=[_list_crumb(), _detail_crumb(practice)],
        conflict=conflict,
        multipart=True,
    )


def _publication(request: HttpRequest, pk: int, *, publish: bool) -> HttpResponse:
    practice = selectors.practice_get(user=request.user, pk=pk)
    if not permissions.can_publish_practice(request.user):
        raise PermissionDenied
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The page was out of date: nothing was changed. Try again."))
        return redirect("network:practice-detail", pk=pk)
    action = services.practice_publish if publish else services.practice_unpublish
    try:
        action(practice=practice, actor=request.user, expected_version=form.cleaned_data["version"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if publish:
            messages.success(request, _("The practice is published on the portal."))
        else:
            messages.success(request, _("The practice is a draft again and no longer public."))
    return redirect("network:practice-detail", pk=pk)


@login_required
@require_POST
def practice_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _publication(request, pk, publish=True)


@login_required
@require_POST
def practice_unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    return _publication(request, pk, publish=False)


@login_required
@require_GET
def practice_attachment(request: HttpRequest, pk: int) -> FileResponse:
    return serve_file(selectors.practice_get(user=request.user, pk=pk).attachment)


@login_required
@require_http_methods(["GET", "POST"])
def adoption_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Record that another centre took up the practice, and how it went."""
    practice = selectors.practice_get(user=request.user, pk=pk)
    if permissions.can_run_network(request.user):
        # Every centre is offered to the animator: the service explains why one is refused.
        choices = Centre.objects.order_by("name")
    else:
        choices = selectors.adoptable_centres(user=request.user, practice=practice)
        if not choices.exists():
            raise PermissionDenied
    form = AdoptionForm(posted(request), instance=Adoption(practice=practice), centres=choices)
    if request.method == "POST" and form.is_valid():
        try:
            services.adoption_create(
                practice=practice,
                centre=form.cleaned_data["centre"],
                actor=request.user,
                adopted_on=form.cleaned_data["adopted_on"],
                outcome=form.cleaned_data["outcome"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The adoption has been recorded."))
            return redirect("network:practice-detail", pk=practice.pk)
    return form_page(
        request,
        form=form,
        title=_("Record an adoption"),
        intro=_("Another centre took up “%(title)s”: when, and with what outcome.")
        % {"title": practice.title},
        submit=_("Record the adoption"),
        cancel_url=reverse("network:practice-detail", args=[practice.pk]),
        crumbs=[_list_crumb(), _detail_crumb(practice)],
    )
