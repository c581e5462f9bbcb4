"""Public pages: a published diagnosis with its conclusions and map, the city-wide map of
needs and resources, and the residents' form (no account, no personal data).

The residents' form is guarded by CSRF (Django's middleware), a honeypot field, length
limits (the form and the service) and a per-address limit counted in the cache: a flood
gets 429, not a 500. A filled honeypot looks like success to the program that filled it,
and nothing is saved.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from centres import access
from centres.forms import add_service_error
from diagnosis import ratelimit, selectors, services
from diagnosis.forms import SubmissionForm
from diagnosis.models import Diagnosis
from diagnosis.views.maps import CITY_MAP_FILTERS, MAP_FILTERS, findings_map_context

CITY_MAP_PAGE_SIZE = 50


@require_GET
def diagnosis_public(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A published diagnosis: its scope, methods, conclusions and findings on a map."""
    diagnosis = selectors.diagnosis_get_public(slug=slug, pk=pk)
    filters = {name: request.GET[name] for name in MAP_FILTERS if request.GET.get(name)}
    findings = list(selectors.finding_list_public(diagnosis=diagnosis, filters=filters))
    return render(
        request,
        "diagnosis/public/diagnosis.html",
        {
            "centre": diagnosis.centre,
            "diagnosis": diagnosis,
            "osiedla": list(diagnosis.osiedla.all()),
            "methods": list(selectors.method_list(diagnosis=diagnosis)),
            "can_edit": access.can_edit_centre(request.user, diagnosis.centre),
            **findings_map_context(
                request,
                findings=findings,
                filters={**filters, "diagnosis": str(diagnosis.pk)},
                show_centre=False,
                public=True,
            ),
        },
    )


@require_GET
def needs_map(request: HttpRequest) -> HttpResponse:
    """The city-wide map of needs and resources: the findings of published diagnoses (and,
    for the signed-in, those of the diagnoses they may see), filterable by kind, theme,
    status and place."""
    filters = {name: request.GET[name] for name in CITY_MAP_FILTERS if request.GET.get(name)}
    findings = selectors.finding_list(user=request.user, filters=filters)
    page = Paginator(findings, CITY_MAP_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    return render(
        request,
        "diagnosis/public/needs_map.html",
        {
            "page_obj": page,
            "sees_unpublished": access.can_view_network(request.user) or access.is_operator(request.user),
            "query_without_page": _query_without_page(request),
            **findings_map_context(
                request,
                findings=rows,
                filters=filters,
                show_centre=True,
                names=CITY_MAP_FILTERS,
                public=not access.can_view_network(request.user),
            ),
        },
    )


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _submission_context(diagnosis: Diagnosis, form: SubmissionForm, **extra: Any) -> dict[str, Any]:
    return {"centre": diagnosis.centre, "diagnosis": diagnosis, "form": form, **extra}


@require_http_methods(["GET", "POST"])
def submission_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A resident sends a need, an asset or an idea, without an account."""
    diagnosis = selectors.diagnosis_get_for_submissions(slug=slug, pk=pk)
    template = "diagnosis/public/submission_form.html"
    if request.method != "POST":
        form = SubmissionForm(diagnosis=diagnosis)
        return render(request, template, _submission_context(diagnosis, form))
    if not ratelimit.allow(request, scope="submission"):
        form = SubmissionForm(request.POST, diagnosis=diagnosis)
        return render(request, template, _submission_context(diagnosis, form, too_many=True), status=429)
    form = SubmissionForm(request.POST, diagnosis=diagnosis)
    thanks = reverse("diagnosis:submission-thanks", kwargs={"slug": slug, "pk": diagnosis.pk})
    if form.is_trap:
        return redirect(thanks)
    if not diagnosis.accepts_submissions:
        form.add_error(
            None, _("This diagnosis is not collecting residents' ideas at the moment. Nothing was sent.")
        )
        return render(request, template, _submission_context(diagnosis, form), status=409)
    if form.is_valid():
        try:
            services.submission_create(
                diagnosis=diagnosis,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                osiedle=form.cleaned_data["osiedle"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            return redirect(thanks)
    return render(request, template, _submission_context(diagnosis, form), status=400)


@require_GET
def submission_thanks(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    diagnosis = selectors.diagnosis_get_for_submissions(slug=slug, pk=pk)
    return render(
        request,
        "diagnosis/public/submission_thanks.html",
        {"centre": diagnosis.centre, "diagnosis": diagnosis},
    )
