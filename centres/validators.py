"""Checksums of the Polish registry numbers (KRS, NIP, REGON)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_DIGITS = re.compile(r"\d+")


def _digits(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


def _weighted(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False))


NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)
REGON9_WEIGHTS = (8, 9, 2, 3, 4, 5, 6, 7)
REGON14_WEIGHTS = (2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8)


def nip_check_digit(body: str) -> int | None:
    """The check digit of a 9-digit NIP body; None when the body has none (sum % 11 == 10)."""
    check = _weighted(body, NIP_WEIGHTS) % 11
    return None if check == 10 else check


def regon_check_digit(body: str) -> int:
    """The check digit of an 8-digit (REGON-9) or 13-digit (REGON-14) body."""
    weights = REGON9_WEIGHTS if len(body) == 8 else REGON14_WEIGHTS
    return _weighted(body, weights) % 11 % 10


def nip_is_valid(value: str) -> bool:
    digits = _digits(value)
    if len(digits) != 10 or not digits.isdigit():
        return False
    return nip_check_digit(digits[:9]) == int(digits[9])


def regon_is_valid(value: str) -> bool:
    digits = _digits(value)
    if not digits.isdigit() or len(digits) not in (9, 14):
        return False
    return regon_check_digit(digits[:-1]) == int(digits[-1])


def krs_is_valid(value: str) -> bool:
    # KRS numbers carry no checksum: ten digits, leading zeros kept.
    digits = _digits(value)
    return len(digits) == 10 and digits.isdigit() and digits != "0" * 10


def validate_nip(value: str) -> None:
    if not nip_is_valid(value):
        raise ValidationError(
            _("Enter a valid NIP: 10 digits with a correct check digit."), code="invalid_nip"
        )


def validate_regon(value: str) -> None:
    if not regon_is_valid(value):
        raise ValidationError(
            _("Enter a valid REGON: 9 or 14 digits with a correct check digit."), code="invalid_regon"
        )


def validate_krs(value: str) -> None:
    if not krs_is_valid(value):
        raise ValidationError(_("Enter a valid KRS number: 10 digits."), code="invalid_krs")


def normalise_number(value: str) -> str:
    return _digits(value)
