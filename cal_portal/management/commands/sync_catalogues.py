"""Extract the strings of the code into the catalogues and keep English complete.

Messages are written in English, so the English catalogue translates each one to
itself; the Polish catalogue is translated by hand (``check_catalogues`` says what is
missing). Needs GNU gettext (xgettext), as ``makemessages`` does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

IGNORE = ["node_modules/*", ".venv/*", "staticfiles/*", "static/vendor/*", ".data/*", "tests/*"]


class Command(BaseCommand):
    help = "Run makemessages for every language and fill the English catalogue."

    def handle(self, *args: Any, **options: Any) -> None:
        languages = [code for code, _ in settings.LANGUAGES]
        call_command("makemessages", locale=languages, ignore_patterns=IGNORE, no_obsolete=True, verbosity=0)
        english = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po"
        po = polib.pofile(str(english))
        for entry in po:
            if entry.msgid_plural:
                entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
            else:
                entry.msgstr = entry.msgid
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        po.save()
        self.stdout.write("catalogues extracted; English filled; translate Polish, then check_catalogues")
