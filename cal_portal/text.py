"""Small text helpers shared by the apps."""

from __future__ import annotations

from datetime import date

from django.utils.formats import date_format
from django.utils.text import slugify


def polish_slug(text: str) -> str:
    """``slugify`` for Polish text: "ł" has no ASCII decomposition, so slugify alone would
    drop it ("Szkoła" -> "szkoa"); it is spelt out first ("szkola")."""
    return slugify(text.replace("ł", "l").replace("Ł", "L"))


def day_text(value: date) -> str:
    """A date as the pages and messages write it, in the active language ("5 grudnia 2026")."""
    return date_format(value, "DATE_FORMAT")
