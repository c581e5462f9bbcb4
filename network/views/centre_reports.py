"""Centre reports (sprawozdania): the list, the report page where the operator writes
the narrative and submits, and its PDF and XLSX. City staff review in the admin."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from centres import selectors as centre_selectors
from centres.services import ConflictError
from centres.views.workspace import centre_page
from network.forms import BudgetFormSet, CentreReportForm
from network.models import CentreReport, CentreReportKind, CentreReportStatus
from network.reports import centre as reports
from network.reports import centre_exports


def _get(request: HttpRequest, pk: int) -> CentreReport:
    try:
        return reports.centre_report_get(user=request.user, pk=pk)
    except CentreReport.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def centre_report_list(request: HttpRequest) -> HttpResponse:
    rows = list(reports.centre_report_list(user=request.user, status=request.GET.get("status", "")))
    return render(
        request,
        "network/reports/centre_list.html",
        {"reports": rows, "statuses": CentreReportStatus.choices, "status": request.GET.get("status", "")},
    )


@login_required
def workspace_centre_reports(request: HttpRequest, slug: str) -> HttpResponse:
    """The reports of one centre, in its operator's workspace (another's centre is a 404)."""
    centre = centre_selectors.centre_get_editable(user=request.user, slug=slug)
    status = request.GET.get("status", "")
    rows = list(reports.centre_report_list(user=request.user, centre_slug=centre.slug, status=status))
    return render(
        request,
        "network/reports/centre_list.html",
        centre_page(centre, reports=rows, statuses=CentreReportStatus.choices, status=status),
    )


def _budget_lines(formset: Any) -> list[dict[str, str]]:
    lines = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data:
            continue
        lines.append(
            {
                "name": data.get("name") or "",
                **{
                    key: "" if data.get(key) is None else str(data[key])
                    for key in ("granted", "spent", "own", "in_kind")
                },
            }
        )
    return lines


@login_required
def centre_report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _get(request, pk)
    can_write = report.is_editable and reports.can_write_centre_report(request.user, report)
    is_final = report.kind == CentreReportKind.FINAL
    form = formset = None
    budget_errors: list[str] = []
    if can_write:
        initial = {name: getattr(report, name) for name in reports.NARRATIVE_FIELDS}
        form = CentreReportForm(
            request.POST if request.method == "POST" else None, initial={**initial, "version": report.version}
        )
        if is_final:
            formset = BudgetFormSet(
                request.POST if request.method == "POST" else None,
                initial=report.budget_lines,
                prefix="budget",
            )
        if request.method == "POST" and form.is_valid() and (formset is None or formset.is_valid()):
            fields: dict[str, Any] = {name: form.cleaned_data[name] for name in reports.NARRATIVE_FIELDS}
            if formset is not None:
                fields["budget_lines"] = _budget_lines(formset)
            service = (
                reports.centre_report_submit if "submit" in request.POST else reports.centre_report_update
            )
            try:
                service(
                    report=report, actor=request.user, expected_version=form.cleaned_data["version"], **fields
                )
            except PermissionDenied:
                raise
            except ConflictError as exc:
                form.add_error(None, exc)
            except ValidationError as exc:
                errors = exc.error_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.error_list}
                for name, items in errors.items():
                    if name == "budget_lines":
                        budget_errors += [message for item in items for message in item.messages]
                    else:
                        form.add_error(name if name in form.fields else None, items)
            else:
                return redirect(report.get_absolute_url())
    elif request.method == "POST":
        raise PermissionDenied
    context = {
        "report": report,
        "form": form,
        "formset": formset,
        "budget_errors": budget_errors,
        "sections": reports.figure_sections(report.figures),
        "budget_totals": reports.budget_totals(report.budget_lines) if report.budget_lines else None,
        "log": list(report.status_log.all()),
        "is_final": is_final,
    }
    return render(request, "network/reports/centre_detail.html", context)


@login_required
def centre_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    report = _get(request, pk)
    response = HttpResponse(centre_exports.centre_report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{centre_exports.file_name(report)}.pdf"'
    return response


@login_required
def centre_report_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    report = _get(request, pk)
    response = HttpResponse(
        centre_exports.centre_report_xlsx(report),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{centre_exports.file_name(report)}.xlsx"'
    return response


__all__ = [
    "centre_report_detail",
    "centre_report_list",
    "centre_report_pdf",
    "centre_report_xlsx",
    "workspace_centre_reports",
]
