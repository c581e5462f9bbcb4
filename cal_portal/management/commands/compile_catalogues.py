"""Compile the gettext catalogues (.po -> .mo) in pure Python.

Django's ``compilemessages`` needs GNU gettext's ``msgfmt``, which a fresh machine
may lack; polib does the same work with no system package.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


def catalogue_paths() -> list[Path]:
    return sorted(p for folder in settings.LOCALE_PATHS for p in Path(folder).glob("*/LC_MESSAGES/*.po"))


class Command(BaseCommand):
    help = "Compile the .po catalogues of the project into .mo files."

    def handle(self, *args: Any, **options: Any) -> None:
        for po_path in catalogue_paths():
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            self.stdout.write(f"compiled {po_path.relative_to(settings.BASE_DIR)}")
