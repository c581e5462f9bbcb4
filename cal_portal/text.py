"""Small text helpers shared by the apps."""

from __future__ import annotations

from django.utils.text import slugify


def polish_slug(text: str) -> str:
    """``slugify`` for Polish text: "ł" has no ASCII decomposition, so slugify alone would
    drop it ("Szkoła" -> "szkoa"); it is spelt out first ("szkola")."""
    return slugify(text.replace("ł", "l").replace("Ł", "L"))
