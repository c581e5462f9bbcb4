import pytest
from django.core.exceptions import ValidationError

from centres.validators import (
    krs_is_valid,
    nip_is_valid,
    normalise_number,
    regon_is_valid,
    validate_krs,
    validate_nip,
    validate_regon,
)
from tests.factories import valid_nip, valid_regon

pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.parametrize(
    "value",
    [
        "1234563218",  # the usual public example of a valid NIP
        "123-456-32-18",  # as printed on invoices
        "123 456 32 18",
        valid_nip(526000000),
        valid_nip(894000123),
    ],
)
def test_nip_with_a_correct_check_digit_is_valid(value):
    assert nip_is_valid(value) is True
    validate_nip(value)  # does not raise


@pytest.mark.parametrize(
    "value",
    [
        "1234563219",  # wrong check digit
        "1234563217",
        "123456321",  # nine digits
        "12345632181",  # eleven digits
        "12345632a8",
        "1000000160",  # weighted sum % 11 == 10: no NIP has this body
        "PL1234563218",
        "",
    ],
)
def test_nip_with_a_wrong_check_digit_or_length_is_invalid(value):
    assert nip_is_valid(value) is False
    with pytest.raises(ValidationError) as exc_info:
        validate_nip(value)
    assert exc_info.value.code == "invalid_nip"
    assert exc_info.value.messages == ["Enter a valid NIP: 10 digits with a correct check digit."]


@pytest.mark.parametrize(
    "value",
    [
        "123456785",  # nine digits
        "12345678512347",  # fourteen digits
        "100000050",  # weighted sum % 11 == 10 gives check digit 0
        valid_regon(4567),
    ],
)
def test_regon_with_a_correct_check_digit_is_valid(value):
    assert regon_is_valid(value) is True
    validate_regon(value)


@pytest.mark.parametrize(
    "value",
    ["123456784", "12345678512346", "1234567", "1234567890", "12345678a", ""],
)
def test_regon_with_a_wrong_check_digit_or_length_is_invalid(value):
    assert regon_is_valid(value) is False
    with pytest.raises(ValidationError) as exc_info:
        validate_regon(value)
    assert exc_info.value.code == "invalid_regon"


@pytest.mark.parametrize("value", ["0000123456", "0000-123-456", "1234567890"])
def test_krs_of_ten_digits_is_valid(value):
    assert krs_is_valid(value) is True
    validate_krs(value)


@pytest.mark.parametrize("value", ["0000000000", "123456", "00001234567", "000012345a", ""])
def test_krs_not_of_ten_digits_or_all_zeros_is_invalid(value):
    assert krs_is_valid(value) is False
    with pytest.raises(ValidationError) as exc_info:
        validate_krs(value)
    assert exc_info.value.code == "invalid_krs"


def test_normalise_number_drops_spaces_and_hyphens_only():
    assert normalise_number("123-456 32-18") == "1234563218"
    assert normalise_number("") == ""
