"""A network report's figures (the JSON that network.reports.network stores) as HTML, PDF
and XLSX. The charts are drawn on the server as SVG (no JavaScript in a PDF); each has
its data table beside it, which is the real content."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils.text import capfirst
from django.utils.translation import gettext as _

# The figures drawn as a bar chart: the column drawn and the scale's maximum (None: the
# largest value).
CHARTS: dict[str, tuple[str, float | None]] = {
    "activities-by-method": ("activities", None),
    "participants-by-age": ("participants", None),
    "partners-by-kind": ("organisations", None),
    "partnerships-by-phase": ("partnerships", None),
    "needs": ("needs", None),
    "self-assessment": ("average", 5.0),
}

CHART_WIDTH = 640
LABEL_WIDTH = 260
VALUE_WIDTH = 60
BAR_HEIGHT = 18
BAR_GAP = 8


@dataclass(frozen=True)
class Bar:
    label: str
    value: str
    y: int
    text_y: int
    width: int
    value_x: int


@dataclass(frozen=True)
class Chart:
    title: str
    height: int
    label_width: int
    bars: list[Bar]


def _number(value: Any) -> float:
    if value is None:
        return 0.0
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _display(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def chart(table: dict[str, Any]) -> Chart | None:
    """A horizontal bar chart of one table, or None for a table drawn as a table only."""
    spec = CHARTS.get(table["figure"])
    if spec is None or not table["rows"]:
        return None
    key, maximum = spec
    keys = [column["key"] for column in table["columns"]]
    index = keys.index(key)
    values = [_number(row[index]) for row in table["rows"]]
    top = maximum or max(values) or 1.0
    room = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = []
    for position, row in enumerate(table["rows"]):
        width = round(room * _number(row[index]) / top)
        y = position * (BAR_HEIGHT + BAR_GAP)
        bars.append(
            Bar(
                label=capfirst(str(row[0])),
                value=_display(row[index]),
                y=y,
                text_y=y + BAR_HEIGHT - 4,
                width=width,
                value_x=LABEL_WIDTH + width + 6,
            )
        )
    title = _("%(caption)s: %(column)s") % {
        "caption": table["caption"],
        "column": table["columns"][index]["label"],
    }
    return Chart(
        title=title,
        height=len(bars) * (BAR_HEIGHT + BAR_GAP),
        label_width=LABEL_WIDTH,
        bars=bars,
    )


@dataclass(frozen=True)
class Section:
    figure: str
    caption: str
    columns: list[dict[str, Any]]
    rows: list[list[tuple[str, bool]]]
    chart: Chart | None


def sections(figures: dict[str, Any]) -> list[Section]:
    result = []
    for table in figures.get("tables", []):
        flags = [column["numeric"] for column in table["columns"]]
        rows = [
            [
                (capfirst(_display(value)) if position == 0 else _display(value), flag)
                for position, (value, flag) in enumerate(zip(row, flags, strict=True))
            ]
            for row in table["rows"]
        ]
        result.append(
            Section(
                figure=table["figure"],
                caption=table["caption"],
                columns=[{**column, "label": capfirst(column["label"])} for column in table["columns"]],
                rows=rows,
                chart=chart(table),
            )
        )
    return result


def _context(figures: dict[str, Any]) -> dict[str, Any]:
    return {
        "figures": figures,
        "headline": [{**item, "value": _display(item["value"])} for item in figures.get("headline", [])],
        "sections": sections(figures),
        "chart_width": CHART_WIDTH,
    }


def render_html(figures: dict[str, Any]) -> str:
    """The report's body (headline figures, then each figure's chart and table), shown in
    the portal's page and in the PDF."""
    return render_to_string("network/reports/network_report_body.html", _context(figures))


def render_pdf(figures: dict[str, Any]) -> bytes:
    """The report as a PDF (WeasyPrint): the same body with a print style sheet."""
    from weasyprint import HTML

    document = render_to_string(
        "network/reports/network_report_pdf.html", {**_context(figures), "body": render_html(figures)}
    )
    pdf: bytes = HTML(string=document).write_pdf()
    return pdf


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(text: str, used: set[str]) -> str:
    title = _SHEET_FORBIDDEN.sub(" ", capfirst(text))[:31].strip() or "-"
    candidate, n = title, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate = title[: 31 - len(suffix)] + suffix
        n += 1
    used.add(candidate.lower())
    return candidate


def render_xlsx(figures: dict[str, Any]) -> bytes:
    """The report as a workbook: a summary sheet of the headline figures, then one sheet
    per figure with its table (numbers as numbers)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    summary = workbook.active
    used: set[str] = set()
    summary.title = _sheet_title(_("Summary"), used)
    bold = Font(bold=True)
    summary.append([_("CAL network report")])
    summary["A1"].font = bold
    summary.append([_("Period"), figures.get("period", "")])
    summary.append([_("From"), figures.get("start", ""), _("To"), figures.get("end", "")])
    summary.append([])
    for item in figures.get("headline", []):
        summary.append([capfirst(item["label"]), item["value"]])
    summary.column_dimensions["A"].width = 45
    for table in figures.get("tables", []):
        sheet = workbook.create_sheet(_sheet_title(table["caption"], used))
        sheet.append([table["caption"]])
        sheet["A1"].font = bold
        sheet.append([capfirst(column["label"]) for column in table["columns"]])
        for cell in sheet[2]:
            cell.font = bold
        for row in table["rows"]:
            sheet.append([capfirst(str(row[0])) if row[0] is not None else "", *row[1:]])
        sheet.column_dimensions["A"].width = 45
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
