"""Consultations of city programmes and tools: the animator opens them; member
organisations answer while they are open (one answer each, editable until closing)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from network import permissions, selectors, services
from network.filters import ConsultationFilter
from network.forms import ConsultationForm, ResponseForm
from network.models import Consultation, ConsultationResponse
from network.views.common import (
    form_page,
    posted,
    require_participant,
    reread,
    serve_file,
    submit_record_form,
)


def _list_crumb() -> tuple[str, str]:
    return (reverse("network:consultation-list"), _("Consultations"))


def _detail_crumb(consultation: Consultation) -> tuple[str, str]:
    return (reverse("network:consultation-detail", args=[consultation.pk]), consultation.title)


@login_required
@require_GET
def consultation_list(request: HttpRequest) -> HttpResponse:
    require_participant(request)
    filterset = ConsultationFilter(
        request.GET or None, queryset=selectors.consultation_list(user=request.user)
    )
    return render(
        request,
        "network/consultations/list.html",
        {
            "filter": filterset,
            "consultations": list(filterset.qs),
            "today": timezone.localdate(),
            "can_run": permissions.can_run_network(request.user),
        },
    )


@login_required
@require_GET
def consultation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = selectors.consultation_get(user=request.user, pk=pk)
    organizations = selectors.responding_organizations(user=request.user)
    responses = selectors.responses_of(user=request.user, consultation=consultation)
    answered = {response.organization_id for response in responses}
    return render(
        request,
        "network/consultations/detail.html",
        {
            "consultation": consultation,
            "responses": responses,
            "is_open": consultation.is_open(timezone.localdate()),
            "can_respond": bool(organizations),
            "unanswered": [org for org in organizations if org.pk not in answered],
            "own_responses": [r for r in responses if r.organization_id in {o.pk for o in organizations}],
            "can_run": permissions.can_run_network(request.user),
            "crumbs": [_list_crumb()],
        },
    )


@login_required
@require_GET
def consultation_document(request: HttpRequest, pk: int) -> FileResponse:
    return serve_file(selectors.consultation_get(user=request.user, pk=pk).document)


@login_required
@require_http_methods(["GET", "POST"])
def consultation_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_run_network(request.user):
        raise PermissionDenied
    form = ConsultationForm(posted(request), request.FILES or None)
    created: list[Consultation] = []

    def save() -> None:
        created.append(
            services.consultation_create(
                actor=request.user, **form.service_fields(services.CONSULTATION_FIELDS)
            )
        )

    saved, _conflict = submit_record_form(request, form, save=save, current=lambda: None, fields=())
    if saved:
        messages.success(request, _("The consultation has been opened."))
        return redirect("network:consultation-detail", pk=created[0].pk)
    return form_page(
        request,
        form=form,
        title=_("New consultation"),
        intro=_(
            "Ask the network's member organisations for their opinion on a city programme or tool. "
            "They answer between the opening and closing dates."
        ),
        submit=_("Open the consultation"),
        cancel_url=reverse("network:consultation-list"),
        crumbs=[_list_crumb()],
        multipart=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def consultation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = selectors.consultation_get(user=request.user, pk=pk)
    if not permissions.can_run_network(request.user):
        raise PermissionDenied
    form = ConsultationForm(posted(request), request.FILES or None, instance=consultation)
    saved, conflict = submit_record_form(
        request,
        form,
        save=lambda: services.consultation_update(
            consultation=consultation,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            **form.service_fields(services.CONSULTATION_FIELDS),
        ),
        current=lambda: reread(lambda: selectors.consultation_get(user=request.user, pk=pk)),
        fields=[name for name in services.CONSULTATION_FIELDS if name != "document"],
    )
    if saved:
        messages.success(request, _("The consultation has been saved."))
        return redirect("network:consultation-detail", pk=consultation.pk)
    return form_page(
        request,
        form=form,
        title=_("Edit the consultation"),
        submit=_("Save"),
        cancel_url=reverse("network:consultation-detail", args=[consultation.pk]),
        crumbs=[_list_crumb(), _detail_crumb(consultation)],
        conflict=conflict,
        multipart=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def consultation_respond(request: HttpRequest, pk: int) -> HttpResponse:
    """Answer on behalf of one's organisation, or change the answer while it is open.
    ``?organization=<id>`` picks the organisation when the user works for several."""
    consultation = selectors.consultation_get(user=request.user, pk=pk)
    organizations = selectors.responding_organizations(user=request.user)
    if not organizations:
        raise PermissionDenied
    wanted = request.POST.get("organization") or request.GET.get("organization")
    chosen = next((org for org in organizations if str(org.pk) == wanted), None)
    if chosen is None and len(organizations) == 1:
        chosen = organizations[0]
    existing = (
        ConsultationResponse.objects.filter(
            pk__in=selectors.response_list(user=request.user).values("pk"),
            consultation=consultation,
            organization=chosen,
        ).first()
        if chosen is not None
        else None
    )
    form = ResponseForm(
        posted(request),
        instance=existing or ConsultationResponse(consultation=consultation),
        organizations=organizations,
    )

    def save() -> None:
        if existing is not None:
            services.consultation_response_update(
                response=existing,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                text=form.cleaned_data["text"],
            )
        else:
            organization = form.cleaned_data["organization"] or chosen
            if organization is None:
                raise ValidationError({"organization": _("Choose the organisation you answer for.")})
            services.consultation_response_submit(
                consultation=consultation,
                organization=organization,
                actor=request.user,
                text=form.cleaned_data["text"],
            )

    saved, conflict = submit_record_form(
        request,
        form,
        save=save,
        current=lambda: (
            reread(lambda: selectors.response_get(user=request.user, pk=existing.pk))
            if existing is not None
            else None
        ),
        fields=["text"],
    )
    if saved:
        messages.success(
            request, _("Your answer has been saved. You can change it until the consultation closes.")
        )
        return redirect("network:consultation-detail", pk=consultation.pk)
    return form_page(
        request,
        form=form,
        title=_("Your answer: %(title)s") % {"title": consultation.title},
        intro=_("Open from %(opens)s to %(closes)s.")
        % {
            "opens": date_format(consultation.opens, "DATE_FORMAT"),
            "closes": date_format(consultation.closes, "DATE_FORMAT"),
        },
        submit=_("Save the answer"),
        cancel_url=reverse("network:consultation-detail", args=[consultation.pk]),
        crumbs=[_list_crumb(), _detail_crumb(consultation)],
        conflict=conflict,
    )
