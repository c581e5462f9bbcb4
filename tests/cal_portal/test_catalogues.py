"""The Polish and English catalogues are complete and match the strings in the code."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from cal_portal.management.commands.check_catalogues import catalogue_problems

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("cal_portal", "centres", "partnerships", "diagnosis", "network", "templates", "static/js")


def test_every_catalogue_entry_is_translated():
    assert catalogue_problems() == []


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed")
def test_catalogues_hold_every_string_of_the_code(tmp_path):
    # Given a copy of the sources and the committed catalogues
    for name in SOURCES:
        if (ROOT / name).exists():
            shutil.copytree(
                ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "vendor")
            )
    shutil.copytree(ROOT / "locale", tmp_path / "locale")
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")

    # When makemessages extracts the strings afresh
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "pl", "--no-obsolete", "--no-location"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={
            "DJANGO_SETTINGS_MODULE": "cal_portal.settings.test",
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "CAL_DATA_DIR": str(ROOT / ".data"),
        },
    )

    # Then no string is new to the catalogue
    def msgids(path: Path) -> set[str]:
        return {e.msgid for e in polib.pofile(str(path)) if not e.obsolete}

    fresh = msgids(tmp_path / "locale/pl/LC_MESSAGES/django.po")
    committed = msgids(ROOT / "locale/pl/LC_MESSAGES/django.po")
    assert sorted(fresh - committed) == []
