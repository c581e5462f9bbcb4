"""Load the Wrocław demo network and print the demo accounts."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from centres.demo import DEFAULT_PASSWORD, DemoNetwork, DemoSeedError
from network.demo import seed_demo


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Load the Wrocław demo network (osiedla, organisations, centres, operator terms, accounts, "
        "each centre's resources, groups, volunteers and activities of the past year and the next two "
        "months, and local partnerships). Idempotent: a second run adds and changes nothing, except "
        "resetting the accounts' password; a run in a later week moves the activities with the calendar."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=_positive,
            default=1,
            help=(
                "Multiply the network: N-1 further sets of eight synthetic centres, each with its own "
                "records (default 1)."
            ),
        )
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"Password of every demo account (default {DEFAULT_PASSWORD}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scale: int = options["scale"]
        password: str = options["password"]
        if not password:
            raise CommandError("--password must not be empty")
        try:
            network = seed_demo(scale=scale, password=password)
        except (DemoSeedError, ValidationError) as error:
            raise CommandError(f"demo data not loaded (nothing was saved): {error}") from error
        self._report(network, scale)

    def _report(self, network: DemoNetwork, scale: int) -> None:
        self.stdout.write(f"Demo network, scale {scale}:")
        for line in network.tally.lines():
            self.stdout.write(f"  {line}")
        if network.tally.changed == 0:
            self.stdout.write("  nothing to change")
        self.stdout.write("")
        rows = [("username", "role", "password", "organisation", "centres")]
        rows += [
            (a.username, a.role, a.password, a.organization or "—", ", ".join(a.centres) or "—")
            for a in network.accounts
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
        for index, row in enumerate(rows):
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            self.stdout.write("  ".join([*cells, row[-1]]).rstrip())
            if index == 0:
                self.stdout.write("  ".join("-" * w for w in [*widths, len(row[-1])]))
        self.stdout.write(self.style.SUCCESS("Demo accounts ready."))
