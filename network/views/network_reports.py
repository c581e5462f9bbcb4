"""The network's reports: the list, a report (its progress while it is built, then the
report itself) with its PDF and XLSX, and building one on demand.

The animator, the standing team and city staff read them; the animator and city staff
build one on demand. Anyone else signed in gets a 404, an anonymous visitor the login page.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from network.forms import NetworkReportRequestForm
from network.models import NetworkReport, NetworkReportStatus
from network.reports import network as network_reports
from network.views.common import add_service_error


def _guard(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not network_reports.can_view_reports(request.user):
        raise Http404
    return None


def _list_crumbs() -> list[tuple[str, str]]:
    return [(reverse("network:dashboard"), _("Network dashboard"))]


@require_http_methods(["GET", "POST"])
def report_list(request: HttpRequest) -> HttpResponse:
    refused = _guard(request)
    if refused is not None:
        return refused
    can_request = network_reports.can_request_report(request.user)
    form = NetworkReportRequestForm(initial=NetworkReportRequestForm.initial_period())
    if request.method == "POST":
        if not can_request:
            raise Http404
        form = NetworkReportRequestForm(request.POST)
        if form.is_valid():
            try:
                report = network_reports.network_report_request(
                    actor=request.user, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                return redirect(report)
    context = {
        "reports": network_reports.network_report_list(user=request.user),
        "form": form,
        "can_request": can_request,
        "crumbs": _list_crumbs(),
    }
    return render(request, "network/reports/network_report_list.html", context, status=200)


def _status_payload(report: NetworkReport) -> dict[str, object]:
    return {
        "status": report.status,
        "status_label": report.get_status_display(),
        "progress": report.progress,
        "complete": report.is_complete,
        "failed": report.status == NetworkReportStatus.FAILED,
        "url": report.get_absolute_url(),
    }


@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    refused = _guard(request)
    if refused is not None:
        return refused
    report = network_reports.network_report_get(user=request.user, pk=pk)
    context = {
        "report": report,
        "status": _status_payload(report),
        "crumbs": [*_list_crumbs(), (reverse("network:network-report-list"), _("Network reports"))],
    }
    return render(request, "network/reports/network_report_detail.html", context)


@require_GET
def report_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The report's state as JSON, for the page's progress poll."""
    if not request.user.is_authenticated:
        return JsonResponse({"detail": _("Sign in first.")}, status=401)
    if not network_reports.can_view_reports(request.user):
        raise Http404
    report = network_reports.network_report_get(user=request.user, pk=pk)
    response = JsonResponse(_status_payload(report))
    response["Cache-Control"] = "no-store"
    return response


_DOWNLOADS = {
    "pdf": ("application/pdf", "pdf"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


@require_GET
def report_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    refused = _guard(request)
    if refused is not None:
        return refused
    if fmt not in _DOWNLOADS:
        raise Http404
    report = network_reports.network_report_get(user=request.user, pk=pk, files=True)
    if not report.is_complete:
        raise Http404
    content_type, field = _DOWNLOADS[fmt]
    response = HttpResponse(bytes(getattr(report, field)), content_type=content_type)
    filename = f"network-report_{report.period_start.isoformat()}_{report.period_end.isoformat()}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
