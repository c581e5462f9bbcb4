"""CSV for spreadsheet programs (cal_portal.spreadsheet), the one writer of every CSV download."""

from __future__ import annotations

from decimal import Decimal

from cal_portal.spreadsheet import csv_text


def test_bom_crlf_and_cells_as_a_spreadsheet_reads_them() -> None:
    text = csv_text(
        [
            ["Nazwa", "Liczba", "Godziny", "Uwagi"],
            ["Łąka, sąsiedzka", 12, Decimal("-1.5"), None],
            ['=HYPERLINK("http://x")', -3, "+48 71 000 00 00", "@suma"],
            ["-minus", 0, "\tTab", "zwykły tekst"],
        ]
    )

    assert text.startswith("\ufeff")
    assert text[1:].split("\r\n") == [
        "Nazwa,Liczba,Godziny,Uwagi",
        '"Łąka, sąsiedzka",12,-1.5,',
        '"\'=HYPERLINK(""http://x"")",-3,\'+48 71 000 00 00,\'@suma',
        "'-minus,0,'\tTab,zwykły tekst",
        "",
    ]
