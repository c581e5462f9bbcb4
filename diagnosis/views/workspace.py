"""Workspace pages of a centre's community diagnoses: plan and run a diagnosis, record the
methods used, add findings (placing them on the map), link the activities that answer
them, mark them met, moderate residents' submissions and publish the diagnosis.

Every page first asks centres.selectors.centre_get_editable: another operator's centre
(and so its diagnoses) is a 404; an anonymous visitor is sent to log in. Every write goes
through diagnosis.services; a change names the version the page was read at.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from centres import selectors as centre_selectors
from centres.forms import VersionForm
from centres.models import Centre
from centres.services import ConflictError
from centres.views.workspace import (
    ALREADY_DELETED,
    DELETED,
    add_service_error,
    centre_page,
    posted,
    record_conflict,
    reread,
    submit_delete,
)
from diagnosis import selectors, services
from diagnosis.forms import (
    ActionForm,
    ActivityFindingsForm,
    DiagnosisForm,
    FindingForm,
    FindingLinkForm,
    FindingStatusForm,
    MethodUseForm,
    SubmissionAcceptForm,
)
from diagnosis.models import (
    Diagnosis,
    DiagnosisStatus,
    Finding,
    FindingStatus,
    SubmissionStatus,
)
from diagnosis.views.maps import MAP_FILTERS, findings_map_context

_T = TypeVar("_T")


def _centre(request: HttpRequest, slug: str) -> Centre:
    return centre_selectors.centre_get_editable(user=request.user, slug=slug)


def _diagnosis(request: HttpRequest, slug: str, pk: int) -> tuple[Centre, Diagnosis]:
    centre = _centre(request, slug)
    return centre, selectors.diagnosis_get_editable(centre=centre, pk=pk)


def _finding(request: HttpRequest, slug: str, pk: int) -> tuple[Centre, Finding]:
    centre = _centre(request, slug)
    return centre, selectors.finding_get_editable(centre=centre, pk=pk)


def diagnosis_url(diagnosis: Diagnosis) -> str:
    return reverse(
        "diagnosis:workspace-diagnosis-detail", kwargs={"slug": diagnosis.centre.slug, "pk": diagnosis.pk}
    )


def finding_url(finding: Finding) -> str:
    return reverse(
        "diagnosis:workspace-finding-edit", kwargs={"slug": finding.diagnosis.centre.slug, "pk": finding.pk}
    )


def _page(centre: Centre, **context: Any) -> dict[str, Any]:
    return centre_page(centre, **context)


def _submit(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    save: Callable[[], _T],
    current: Callable[[], Model | None] | None = None,
    fields: tuple[str, ...] = (),
) -> tuple[_T | None, dict[str, Any] | None]:
    """Validate a posted form and save it through a service: (what was saved, conflict).
    A service's refusal becomes form errors and nothing is saved; after a conflict the
    form shows what is saved now (centres.views.workspace.record_conflict)."""
    if request.method != "POST" or not form.is_valid():
        return None, None
    try:
        return save(), None
    except ConflictError as exc:
        add_service_error(form, exc)
        if current is not None and isinstance(form, forms.BaseModelForm):
            return None, record_conflict(form, current=current(), fields=fields)
        return None, None
    except ValidationError as exc:
        add_service_error(form, exc)
        return None, None


# --- Diagnoses -------------------------------------------------------------------------------


@login_required
@require_GET
def diagnosis_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The centre's diagnoses, with what waits for the operator, and the traceability of
    its needs and assets."""
    centre = _centre(request, slug)
    return render(
        request,
        "diagnosis/workspace/list.html",
        _page(
            centre,
            diagnoses=list(selectors.diagnosis_list_workspace(centre=centre)),
            unanswered_count=selectors.finding_list_unanswered_needs(
                user=request.user, centre=centre
            ).count(),
            unused_count=selectors.finding_list_unused_assets(user=request.user, centre=centre).count(),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def diagnosis_create(request: HttpRequest, slug: str) -> HttpResponse:
    centre = _centre(request, slug)
    form = DiagnosisForm(posted(request), instance=Diagnosis(centre=centre), centre=centre)
    saved, _conflict = _submit(
        request,
        form,
        save=lambda: services.diagnosis_create(
            centre=centre,
            actor=request.user,
            osiedla=form.cleaned_data["osiedla"],
            **form.service_fields(services.DIAGNOSIS_FIELDS),
        ),
    )
    if saved is not None:
        messages.success(request, _("The diagnosis “%(title)s” has been created.") % {"title": saved.title})
        return redirect(diagnosis_url(saved))
    return render(
        request, "diagnosis/workspace/diagnosis_form.html", _page(centre, form=form, diagnosis=None)
    )


@login_required
@require_GET
def diagnosis_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    centre, diagnosis = _diagnosis(request, slug, pk)
    return render(request, "diagnosis/workspace/detail.html", _detail_context(request, centre, diagnosis))


def _detail_context(
    request: HttpRequest, centre: Centre, diagnosis: Diagnosis, *, method_form: MethodUseForm | None = None
) -> dict[str, Any]:
    filters = {name: request.GET[name] for name in MAP_FILTERS if request.GET.get(name)}
    findings = list(selectors.finding_list(user=request.user, diagnosis=diagnosis, filters=filters))
    return _page(
        centre,
        diagnosis=diagnosis,
        osiedla=list(diagnosis.osiedla.all()),
        methods=list(selectors.method_list(diagnosis=diagnosis)),
        method_form=method_form or MethodUseForm(),
        findings=findings,
        action_version=diagnosis.version,
        statuses=DiagnosisStatus,
        **findings_map_context(
            request, findings=findings, filters={**filters, "diagnosis": str(diagnosis.pk)}, show_centre=False
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def diagnosis_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    centre, diagnosis = _diagnosis(request, slug, pk)
    form = DiagnosisForm(posted(request), instance=diagnosis, centre=centre)
    saved, conflict = _submit(
        request,
        form,
        save=lambda: services.diagnosis_update(
            diagnosis=diagnosis,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            osiedla=form.cleaned_data["osiedla"],
            **form.service_fields(services.DIAGNOSIS_FIELDS),
        ),
        current=lambda: reread(lambda: selectors.diagnosis_get_editable(centre=centre, pk=pk)),
        fields=services.DIAGNOSIS_FIELDS,
    )
    if saved is not None:
        messages.success(request, _("The diagnosis “%(title)s” has been saved.") % {"title": saved.title})
        return redirect(diagnosis_url(saved))
    return render(
        request,
        "diagnosis/workspace/diagnosis_form.html",
        _page(centre, form=form, diagnosis=diagnosis, conflict=conflict),
    )


@login_required
@require_http_methods(["GET", "POST"])
def diagnosis_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    centre, diagnosis = _diagnosis(request, slug, pk)
    form = VersionForm(posted(request), initial={"version": diagnosis.version})
    outcome, current = submit_delete(
        request,
        form,
        delete=lambda version: services.diagnosis_delete(
            diagnosis=diagnosis, actor=request.user, expected_version=version
        ),
        current=lambda: reread(lambda: selectors.diagnosis_get_editable(centre=centre, pk=pk)),
    )
    list_url = reverse("diagnosis:workspace-diagnoses", kwargs={"slug": centre.slug})
    if outcome == DELETED:
        messages.success(
            request, _("The diagnosis “%(title)s” has been deleted.") % {"title": diagnosis.title}
        )
        return redirect(list_url)
    if outcome == ALREADY_DELETED:
        messages.info(request, _("The diagnosis had already been deleted by someone else."))
        return redirect(list_url)
    return render(
        request,
        "diagnosis/workspace/diagnosis_delete.html",
        _page(centre, form=form, diagnosis=current or diagnosis),
    )


_ACTIONS: dict[str, dict[str, Any]] = {
    "start": {"status": DiagnosisStatus.RUNNING},
    "finish": {"status": DiagnosisStatus.FINISHED},
    "publish": {"status": DiagnosisStatus.PUBLISHED},
    "unpublish": {"status": DiagnosisStatus.FINISHED},
    "open-input": {"submissions_open": True},
    "close-input": {"submissions_open": False},
}


def _action_message(action: str) -> str:
    messages_of = {
        "start": _("The diagnosis is now in progress."),
        "finish": _("The diagnosis is finished."),
        "publish": _("The diagnosis is published: its conclusions and findings are on a public page."),
        "unpublish": _("The diagnosis is no longer published."),
        "open-input": _("Residents can now send their needs, assets and ideas."),
        "close-input": _("Residents' input is closed."),
    }
    return messages_of[action]


@login_required
@require_POST
def diagnosis_action(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The buttons of a diagnosis' page: start, finish, publish, withdraw, open or close
    residents' input. A refusal (e.g. publishing without conclusions) is said at the top."""
    _centre_obj, diagnosis = _diagnosis(request, slug, pk)
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That action is not possible. Reload the page and try again."))
        return redirect(diagnosis_url(diagnosis))
    action = form.cleaned_data["action"]
    changes = _ACTIONS[action]
    try:
        services.diagnosis_update(
            diagnosis=diagnosis, actor=request.user, expected_version=form.cleaned_data["version"], **changes
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _action_message(action))
    return redirect(diagnosis_url(diagnosis))


# --- Methods used -------------------------------------------------------------------------------


@login_required
@require_POST
def method_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    centre, diagnosis = _diagnosis(request, slug, pk)
    form = MethodUseForm(request.POST)
    saved, _conflict = _submit(
        request,
        form,
        save=lambda: services.method_use_add(
            diagnosis=diagnosis, actor=request.user, **form.service_fields(services.METHOD_FIELDS)
        ),
    )
    if saved is not None:
        messages.success(
            request, _("The method “%(method)s” has been recorded.") % {"method": saved.get_method_display()}
        )
        return redirect(diagnosis_url(diagnosis) + "#methods-title")
    return render(
        request,
        "diagnosis/workspace/detail.html",
        _detail_context(request, centre, diagnosis, method_form=form),
    )


@login_required
@require_POST
def method_delete(request: HttpRequest, slug: str, pk: int, methoduse_pk: int) -> HttpResponse:
    _centre_obj, diagnosis = _diagnosis(request, slug, pk)
    method_use = selectors.method_get(diagnosis=diagnosis, pk=methoduse_pk)
    services.method_use_delete(method_use=method_use, actor=request.user)
    messages.success(
        request, _("The method “%(method)s” has been removed.") % {"method": method_use.get_method_display()}
    )
    return redirect(diagnosis_url(diagnosis) + "#methods-title")


# --- Findings ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def finding_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    centre, diagnosis = _diagnosis(request, slug, pk)
    form = FindingForm(posted(request), instance=Finding(diagnosis=diagnosis), diagnosis=diagnosis)
    saved, _conflict = _submit(
        request,
        form,
        save=lambda: services.finding_create(
            diagnosis=diagnosis, actor=request.user, **form.service_fields(services.FINDING_FIELDS)
        ),
    )
    if saved is not None:
        messages.success(
            request,
            _("The finding “%(title)s” has been added. Link the activities that answer it below.")
            % {"title": saved.title},
        )
        return redirect(finding_url(saved))
    return render(
        request,
        "diagnosis/workspace/finding_form.html",
        _page(centre, form=form, diagnosis=diagnosis, finding=None, **_pick_context(centre, form)),
    )


def _pick_context(centre: Centre, form: FindingForm) -> dict[str, Any]:
    """Where the map to place a finding starts: the finding's point, else the centre's."""
    return {
        # Strings, so that the page's language never writes a decimal comma into them.
        "pick_centre": {
            "latitude": "" if centre.latitude is None else str(centre.latitude),
            "longitude": "" if centre.longitude is None else str(centre.longitude),
        },
        "latitude_id": form["latitude"].id_for_label,
        "longitude_id": form["longitude"].id_for_label,
    }


def _finding_page(
    request: HttpRequest,
    centre: Centre,
    finding: Finding,
    *,
    form: FindingForm | None = None,
    conflict: dict[str, Any] | None = None,
    link_form: FindingLinkForm | None = None,
    status: int = 200,
) -> HttpResponse:
    activities = selectors.activity_choices(centre=centre)
    linked = {response.activity_id for response in finding.responses.all()}
    link_form = link_form or FindingLinkForm(activities=activities.exclude(pk__in=linked))
    form = form or FindingForm(instance=finding)
    return render(
        request,
        "diagnosis/workspace/finding_edit.html",
        _page(
            centre,
            finding=finding,
            diagnosis=finding.diagnosis,
            form=form,
            conflict=conflict,
            link_form=link_form,
            status_form=FindingStatusForm(initial={"version": finding.version}),
            responses=list(finding.responses.all()),
            statuses=FindingStatus,
            **_pick_context(centre, form),
        ),
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def finding_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A finding: its fields and point, its status, and the activities that answer it."""
    centre, finding = _finding(request, slug, pk)
    form = FindingForm(posted(request), instance=finding)
    saved, conflict = _submit(
        request,
        form,
        save=lambda: services.finding_update(
            finding=finding,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            **form.service_fields(services.FINDING_FIELDS),
        ),
        current=lambda: reread(lambda: selectors.finding_get_editable(centre=centre, pk=pk)),
        fields=services.FINDING_FIELDS,
    )
    if saved is not None:
        messages.success(request, _("The finding “%(title)s” has been saved.") % {"title": saved.title})
        return redirect(finding_url(saved))
    return _finding_page(request, centre, finding, form=form, conflict=conflict)


@login_required
@require_POST
def finding_status(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Mark a finding met or dropped, or open it again."""
    _centre_obj, finding = _finding(request, slug, pk)
    form = FindingStatusForm(request.POST)
    if form.is_valid():
        try:
            saved = services.finding_set_status(
                finding=finding,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                status=form.cleaned_data["status"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("The finding “%(title)s” is now: %(status)s.")
                % {"title": saved.title, "status": saved.current_status_label},
            )
    else:
        messages.error(request, _("Choose a status."))
    return redirect(finding_url(finding))


@login_required
@require_POST
def finding_link(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Link an activity of the centre that answers the finding."""
    centre, finding = _finding(request, slug, pk)
    form = FindingLinkForm(request.POST, activities=selectors.activity_choices(centre=centre))
    saved, _conflict = _submit(
        request,
        form,
        save=lambda: services.finding_response_create(
            finding=finding, activity=form.cleaned_data["activity"], actor=request.user
        ),
    )
    if saved is None:
        return _finding_page(request, centre, finding, link_form=form)
    messages.success(
        request,
        _("“%(activity)s” now answers “%(finding)s”.")
        % {"activity": saved.activity.title, "finding": finding.title},
    )
    return redirect(finding_url(finding) + "#responses-title")


@login_required
@require_POST
def finding_unlink(request: HttpRequest, slug: str, pk: int, activity_pk: int) -> HttpResponse:
    centre, finding = _finding(request, slug, pk)
    activity = centre_selectors.activity_get_editable(centre=centre, pk=activity_pk)
    if services.finding_response_delete(finding=finding, activity=activity, actor=request.user):
        messages.success(
            request,
            _("“%(activity)s” no longer answers “%(finding)s”.")
            % {"activity": activity.title, "finding": finding.title},
        )
    return redirect(finding_url(finding) + "#responses-title")


@login_required
@require_http_methods(["GET", "POST"])
def finding_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    centre, finding = _finding(request, slug, pk)
    form = VersionForm(posted(request), initial={"version": finding.version})
    outcome, current = submit_delete(
        request,
        form,
        delete=lambda version: services.finding_delete(
            finding=finding, actor=request.user, expected_version=version
        ),
        current=lambda: reread(lambda: selectors.finding_get_editable(centre=centre, pk=pk)),
    )
    if outcome in (DELETED, ALREADY_DELETED):
        messages.success(request, _("The finding “%(title)s” has been deleted.") % {"title": finding.title})
        return redirect(diagnosis_url(finding.diagnosis) + "#findings-title")
    return render(
        request,
        "diagnosis/workspace/finding_delete.html",
        _page(centre, form=form, finding=current or finding, diagnosis=finding.diagnosis),
    )


# --- Residents' submissions ----------------------------------------------------------------------


@login_required
@require_GET
def submission_list(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """What residents sent: waiting ones first, to accept as findings or reject."""
    centre, diagnosis = _diagnosis(request, slug, pk)
    submissions = list(selectors.submission_list(user=request.user, diagnosis=diagnosis))
    return render(
        request,
        "diagnosis/workspace/submissions.html",
        _page(
            centre,
            diagnosis=diagnosis,
            pending=[s for s in submissions if s.status == SubmissionStatus.PENDING],
            moderated=[s for s in submissions if s.status != SubmissionStatus.PENDING],
        ),
    )


def _submissions_url(diagnosis: Diagnosis) -> str:
    return reverse(
        "diagnosis:workspace-submissions", kwargs={"slug": diagnosis.centre.slug, "pk": diagnosis.pk}
    )


@login_required
@require_http_methods(["GET", "POST"])
def submission_accept(request: HttpRequest, slug: str, pk: int, residentsubmission_pk: int) -> HttpResponse:
    centre, diagnosis = _diagnosis(request, slug, pk)
    submission = selectors.submission_get_editable(diagnosis=diagnosis, pk=residentsubmission_pk)
    if submission.status != SubmissionStatus.PENDING:
        messages.info(request, _("This submission has already been moderated."))
        return redirect(_submissions_url(diagnosis))
    text = " ".join(submission.text.split())
    initial = {
        "kind": submission.kind,
        "title": text if len(text) <= 80 else text[:79].rstrip() + "…",
        "description": submission.text,
        "osiedle": submission.osiedle_id,
        "priority": 3,
    }
    form = SubmissionAcceptForm(posted(request), initial=initial)
    saved, _conflict = _submit(
        request,
        form,
        save=lambda: services.submission_accept(
            submission=submission, actor=request.user, **form.service_fields(services.ACCEPT_FIELDS)
        ),
    )
    if saved is not None:
        messages.success(
            request, _("The submission is now the finding “%(title)s”.") % {"title": saved.title}
        )
        return redirect(_submissions_url(diagnosis))
    return render(
        request,
        "diagnosis/workspace/submission_accept.html",
        _page(centre, diagnosis=diagnosis, submission=submission, form=form),
    )


@login_required
@require_POST
def submission_reject(request: HttpRequest, slug: str, pk: int, residentsubmission_pk: int) -> HttpResponse:
    _centre_obj, diagnosis = _diagnosis(request, slug, pk)
    submission = selectors.submission_get_editable(diagnosis=diagnosis, pk=residentsubmission_pk)
    try:
        services.submission_reject(submission=submission, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The submission has been rejected."))
    return redirect(_submissions_url(diagnosis))


# --- The centre's map of needs and resources --------------------------------------------------------


@login_required
@require_GET
def centre_map(request: HttpRequest, slug: str) -> HttpResponse:
    """All the centre's findings on a map and in a table (its text alternative), filterable
    by kind, theme and status; beside them, the needs no activity answers and the assets no
    activity uses."""
    centre = _centre(request, slug)
    filters = {name: request.GET[name] for name in MAP_FILTERS if request.GET.get(name)}
    findings = list(selectors.finding_list(user=request.user, centre=centre, filters=filters))
    return render(
        request,
        "diagnosis/workspace/map.html",
        _page(
            centre,
            unanswered=list(selectors.finding_list_unanswered_needs(user=request.user, centre=centre)),
            unused=list(selectors.finding_list_unused_assets(user=request.user, centre=centre)),
            **findings_map_context(
                request, findings=findings, filters={**filters, "centre": centre.slug}, show_centre=False
            ),
        ),
    )


# --- From an activity: the findings it answers ----------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def activity_findings(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Choose the findings an activity answers (reached from the activity's page)."""
    centre = _centre(request, slug)
    activity = centre_selectors.activity_get_editable(centre=centre, pk=pk)
    choices = selectors.finding_choices_for_activity(activity=activity)
    linked = [finding.pk for finding in selectors.finding_list_of_activity(activity=activity)]
    data: QueryDict | None = posted(request)
    form = ActivityFindingsForm(data, choices=choices, initial={"findings": linked})

    def save() -> bool:
        services.activity_findings_set(
            activity=activity, findings=form.cleaned_data["findings"], actor=request.user
        )
        return True

    saved, _conflict = _submit(request, form, save=save)
    if saved:
        messages.success(
            request,
            _("The findings that “%(title)s” answers have been saved.") % {"title": activity.title},
        )
        return redirect(
            reverse("centres:workspace-activity-edit", kwargs={"slug": centre.slug, "pk": activity.pk})
        )
    return render(
        request,
        "diagnosis/workspace/activity_findings.html",
        _page(centre, activity=activity, form=form, has_choices=choices.exists()),
    )
