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


def nip_is_valid(value: str) -> bool:
    digits = _digits(value)
    if len(digits) != 10 or not digits.isdigit():
        return False
    check = _weighted(digits, (6, 5, 7, 2, 3, 4, 5, 6, 7)) % 11
    return check != 10 and check == int(digits[9])


def regon_is_valid(value: str) -> bool:
    digits = _digits(value)
    if not digits.isdigit():
        return False
    if len(digits) == 9:
        weights: tuple[int, ...] = (8, 9, 2, 3, 4, 5, 6, 7)
    elif len(digits) == 14:
        weights = (2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8)
    else:
        return False
    check = _weighted(digits, weights) % 11 % 10
    return check == int(digits[-1])


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
