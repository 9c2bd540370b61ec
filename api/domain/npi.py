"""National Provider Identifier (NPI) check.

CMS defines the NPI check digit as the ISO/IEC 7812 Luhn digit of the 9-digit identifier prefixed with the
card-issuer code ``80840``, so an NPI is valid when Luhn holds over ``80840`` + all 10 digits. Source: CMS,
"Requirements for Check Digit Algorithm for the National Provider Identifier" (2004).
"""

from __future__ import annotations

import re

_NPI_PATTERN = re.compile(r"[0-9]{10}")
_ISSUER_PREFIX = "80840"


def is_valid_npi(npi: str) -> bool:
    """True when ``npi`` is exactly ten ASCII digits whose last digit is the CMS Luhn check digit."""
    if not _NPI_PATTERN.fullmatch(npi):
        return False
    return _luhn_holds(_ISSUER_PREFIX + npi)


def _luhn_holds(digits: str) -> bool:
    """Luhn: doubling every second digit from the right (the check digit is not doubled) sums to 0 mod 10."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0
