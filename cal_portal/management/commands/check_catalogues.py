"""Fail when a catalogue has an untranslated, fuzzy or obsolete entry."""

from __future__ import annotations

from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cal_portal.management.commands.compile_catalogues import catalogue_paths


def catalogue_problems() -> list[str]:
    problems: list[str] = []
    languages = {code for code, _ in settings.LANGUAGES}
    found = {p.parent.parent.name for p in catalogue_paths()}
    problems += [f"no catalogue for language {code}" for code in sorted(languages - found)]
    for path in catalogue_paths():
        po = polib.pofile(str(path))
        for entry in po.untranslated_entries():
            problems.append(f"{path}: untranslated: {entry.msgid!r}")
        for entry in po.fuzzy_entries():
            problems.append(f"{path}: fuzzy: {entry.msgid!r}")
    return problems


class Command(BaseCommand):
    help = "Check that every catalogue is complete (no untranslated or fuzzy entries)."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = catalogue_problems()
        if problems:
            raise CommandError("\n".join(problems))
        self.stdout.write("catalogues complete")
