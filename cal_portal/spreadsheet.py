"""CSV for spreadsheet programs, written one way everywhere in the portal.

UTF-8 with a byte order mark (so that spreadsheet programs read the Polish letters), CRLF
line ends (RFC 4180), and text that a spreadsheet would run as a formula (CSV injection)
prefixed with an apostrophe, as OWASP advises. Numbers stay numbers: pass them as int,
Decimal or float, not as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

BOM = "\ufeff"
# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(text: str) -> str:
    """Text as a spreadsheet shows it, never run as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_text(rows: Iterable[Sequence[Any]]) -> str:
    """The rows (the first is usually the header) as CSV text, BOM first; None is empty."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow(
            ["" if cell is None else safe_text(cell) if isinstance(cell, str) else cell for cell in row]
        )
    return buffer.getvalue()
