"""A centre's yearly self-assessment against the five CAL standards, in the operator
workspace. Another operator's centre is a 404 (centres.selectors.centre_get_editable)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from centres import selectors as centre_selectors
from centres.views.workspace import centre_page
from network import selectors, services
from network.forms import SelfAssessmentForm
from network.models import CAL_STANDARDS, SelfAssessment
from network.views.common import posted, reread, submit_record_form

FIRST_YEAR = 2015


@login_required
@require_GET
def self_assessment_index(request: HttpRequest, slug: str) -> HttpResponse:
    centre = centre_selectors.centre_get_editable(user=request.user, slug=slug)
    assessments = selectors.self_assessments_of_centre(centre=centre)
    done = {assessment.year for assessment in assessments}
    this_year = timezone.localdate().year
    return render(
        request,
        "network/self_assessment/index.html",
        centre_page(
            centre,
            assessments=assessments,
            missing_years=[year for year in (this_year - 1, this_year) if year not in done],
            standards=CAL_STANDARDS,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def self_assessment_year(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    centre = centre_selectors.centre_get_editable(user=request.user, slug=slug)
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404
    existing = selectors.self_assessment_of_year(centre=centre, year=year)
    if existing is not None and existing.submitted and request.method == "POST":
        messages.error(request, _("This self-assessment has been submitted and can no longer be changed."))
        return redirect("network:workspace-self-assessment-year", slug=slug, year=year)
    form = SelfAssessmentForm(
        None if existing is not None and existing.submitted else posted(request),
        instance=existing or SelfAssessment(centre=centre, year=year),
    )
    submit = SelfAssessmentForm.SUBMIT in request.POST

    def save() -> None:
        fields = form.service_fields(services.SELF_ASSESSMENT_FIELDS)
        if existing is None:
            services.self_assessment_create(
                centre=centre, year=year, actor=request.user, submit=submit, **fields
            )
        else:
            services.self_assessment_update(
                assessment=existing,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                submit=submit,
                **fields,
            )

    def current() -> SelfAssessment | None:
        found: SelfAssessment | None = reread(  # type: ignore[assignment]
            lambda: selectors.self_assessment_get(user=request.user, pk=existing.pk if existing else 0)
        )
        return found

    saved, conflict = submit_record_form(
        request, form, save=save, current=current, fields=services.SELF_ASSESSMENT_FIELDS
    )
    if saved:
        if submit:
            messages.success(
                request, _("The self-assessment for %(year)s has been submitted.") % {"year": year}
            )
        else:
            messages.success(
                request, _("The self-assessment for %(year)s has been saved as a draft.") % {"year": year}
            )
        return redirect("network:workspace-self-assessment-year", slug=slug, year=year)
    return render(
        request,
        "network/self_assessment/form.html",
        centre_page(
            centre,
            form=form,
            year=year,
            assessment=existing,
            read_only=existing is not None and existing.submitted,
            conflict=conflict,
            active="network:workspace-self-assessment",
        ),
    )
