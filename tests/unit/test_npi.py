"""NPI check digit (CMS Luhn over the prefix 80840 + the first nine digits)."""

import pytest

from api.domain.npi import is_valid_npi


# 1234567893 is the worked example in the CMS check-digit paper: doubling alternate digits of 123456789 from
# the right gives 1+8 + 1+4 + 1+0 + 6 + 2 = 23, the others 8+6+4+2 = 20, plus 24 for the 80840 prefix = 67;
# the next multiple of ten is 70, so the check digit is 3. The others were checked the same way.
def in_other_digits(ascii_digits: str, first: int) -> str:
    """The same number written with the Unicode digits that start at code point ``first``."""
    return "".join(chr(first + int(digit)) for digit in ascii_digits)


VALID_NPIS = ["1234567893", "1245319599", "1003000126", "1679576722", "1497758544"]


@pytest.mark.parametrize("npi", VALID_NPIS)
def test_valid_npis_pass(npi: str) -> None:
    assert is_valid_npi(npi)


@pytest.mark.parametrize(
    ("npi", "why"),
    [
        ("1234567890", "wrong check digit"),
        ("1234567894", "check digit off by one"),
        ("1234567839", "last two digits transposed"),
        ("2134567893", "first two digits transposed"),
        ("1245319595", "wrong check digit"),
        # Plain Luhn over the ten digits holds (sum 43 + 7 = 50), but not with the 80840 prefix (+24).
        ("1234567897", "plain Luhn without the CMS prefix"),
        ("123456789", "nine digits"),
        ("12345678931", "eleven digits"),
        ("", "empty"),
        (" 1234567893", "leading space"),
        ("1234567893 ", "trailing space"),
        ("1234567893\n", "trailing newline"),
        ("123-456-7893", "separators"),
        ("123456789O", "letter O for zero"),
        ("+234567893", "sign"),
        # str.isdigit() accepts these; an NPI is ASCII digits only.
        (in_other_digits("1234567893", first=0xFF10), "full-width digits"),
        (in_other_digits("1234567893", first=0x0660), "Arabic-Indic digits"),
    ],
)
def test_near_misses_fail(npi: str, why: str) -> None:
    assert not is_valid_npi(npi), why


@pytest.mark.parametrize("position", range(10))
def test_any_single_digit_change_is_caught(position: int) -> None:
    # Luhn detects every single-digit substitution, so each one-digit edit of a valid NPI must fail.
    valid = VALID_NPIS[0]
    for digit in "0123456789":
        if digit != valid[position]:
            assert not is_valid_npi(valid[:position] + digit + valid[position + 1 :])
