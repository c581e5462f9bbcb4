"""A centre report as a PDF laid out like the statutory form (header; Part I, the
substantive part; Part II, the financial part; Part III, additional information) and
as an XLSX workbook with the same content."""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any

from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from network.models import CentreReport, CentreReportKind
from network.reports import centre as reports


def _sheet_title(text: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", text)[:31].strip() or "-"


def file_name(report: CentreReport) -> str:
    period = f"{report.period_start.isoformat()}-{report.period_end.isoformat()}"
    return f"sprawozdanie-{report.centre.slug}-{report.kind}-{period}"


def _context(report: CentreReport) -> dict[str, Any]:
    return {
        "report": report,
        "term": report.term,
        "sections": reports.figure_sections(report.figures),
        "budget_lines": report.budget_lines,
        "budget_totals": reports.budget_totals(report.budget_lines) if report.budget_lines else None,
        "is_final": report.kind == CentreReportKind.FINAL,
    }


def centre_report_html(report: CentreReport) -> str:
    return render_to_string("network/reports/centre_pdf.html", _context(report))


def centre_report_pdf(report: CentreReport) -> bytes:
    from weasyprint import HTML  # imported here: a heavy module only the exports need

    pdf: bytes = HTML(string=centre_report_html(report)).write_pdf()
    return pdf


def _header_rows(report: CentreReport) -> list[tuple[str, Any]]:
    term = report.term
    return [
        (_("Report"), report.get_kind_display()),
        (_("Period"), reports.period_text(report)),
        (_("Public task"), report.centre.name),
        (_("Grantee"), term.organization.name),
        (_("Agreement number"), term.agreement_number or "—"),
        (_("Agreement date"), date_format(term.start, "SHORT_DATE_FORMAT")),
        (_("Status"), report.get_status_display()),
    ]


def centre_report_xlsx(report: CentreReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _sheet_title(_("Report"))
    for label, value in _header_rows(report):
        sheet.append([str(label), str(value)])
    sheet.append([])
    sheet.append([_("Part I. Substantive report")])
    sheet.cell(row=sheet.max_row, column=1).font = bold
    for section in reports.figure_sections(report.figures):
        sheet.append([str(section.title)])
        sheet.cell(row=sheet.max_row, column=1).font = bold
        for row in section.rows:
            value = row.value
            sheet.append([str(row.label), value if isinstance(value, int) else str(value)])
    for label, text in (
        (_("Results achieved"), report.results),
        (_("Actions carried out"), report.actions),
        (_("Deviations from the plan"), report.deviations),
    ):
        sheet.append([str(label), text])
    sheet.append([])
    sheet.append([_("Part III. Additional information")])
    sheet.cell(row=sheet.max_row, column=1).font = bold
    sheet.append([_("Additional information"), report.additional_info])
    sheet.column_dimensions["A"].width = 48
    sheet.column_dimensions["B"].width = 60

    budget = book.create_sheet(_sheet_title(_("Part II. Financial report")))
    budget.append(
        [
            _("Cost"),
            _("Grant (zł)"),
            _("Grant spent (zł)"),
            _("Own contribution (zł)"),
            _("In-kind contribution (zł)"),
        ]
    )
    for cell in budget[1]:
        cell.font = bold
    for line in report.budget_lines:
        budget.append([line["name"], *(float(line[key]) for key in ("granted", "spent", "own", "in_kind"))])
    if report.budget_lines:
        totals = reports.budget_totals(report.budget_lines)
        budget.append(
            [_("Total"), float(totals.granted), float(totals.spent), float(totals.own), float(totals.in_kind)]
        )
        for cell in budget[budget.max_row]:
            cell.font = bold
    budget.column_dimensions["A"].width = 40
    output = BytesIO()
    book.save(output)
    return output.getvalue()
