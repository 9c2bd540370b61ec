"""Reference data and format rules shared by every resource (pure; no I/O)."""

from __future__ import annotations

import re
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

# USPS codes of the 50 states, DC and the inhabited territories (licensing is per jurisdiction).
# fmt: off
US_STATES: frozenset[str] = frozenset({
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN",
    "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV",
    "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN",
    "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "DC", "PR", "GU", "VI", "AS", "MP",
})
# fmt: on

SEX_AT_BIRTH: tuple[str, ...] = ("female", "male", "intersex", "unknown")
CONSENT_TYPES: tuple[str, ...] = ("telehealth", "ketamine_treatment", "data_sharing")
# A provider's credential (matching's rules name some of them: api.domain.matching.PHYSICIAN_CREDENTIALS).
CREDENTIALS: tuple[str, ...] = ("MD", "DO", "NP", "PA")
# The DEA's controlled-substance schedules a registration may cover (ketamine is in III).
DEA_SCHEDULES: tuple[str, ...] = ("II", "III", "IV", "V")

# BCP 47 language tag: language, optional script, region and variants (RFC 5646 §2.1, simplified).
BCP47 = re.compile(
    r"^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?(-([A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*$"
)
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
US_POSTAL_CODE = re.compile(r"^[0-9]{5}(-[0-9]{4})?$")

_TIMEZONES = frozenset(available_timezones())


def canonical_license_number(number: str) -> str:
    """A state licence number as stored and compared: boards print them in capitals, so ``ny-209311 `` and
    ``NY-209311`` are one licence, which one provider holds (issue 22, finding 16)."""
    return number.strip().upper()


def is_valid_timezone(name: str) -> bool:
    if name not in _TIMEZONES:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def age_on(birth_date: date, on: date) -> int:
    """Completed years of age on a date (a birthday on 29 February counts on 1 March in common years)."""
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years
