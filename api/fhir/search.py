"""Reading a FHIR search's query string (R4 §3.1.1): which parameters, their values, and the checks FHIR asks
for — an unknown parameter is an error unless the client asks for lenient handling (``Prefer:
handling=lenient``), and a value of the wrong form is an error. Pure: no Flask, no database.

A parameter repeated is AND, a comma inside one value is OR: ``given=a,b&family=c``. No modifier
(``name:exact``) is supported: one is refused as an unknown parameter, which tells the client so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Final

from api.errors import DomainError, FieldError
from api.fhir.ids import FHIR_ID, from_fhir_id
from api.fhir.registry import ParamType, Served

DEFAULT_COUNT: Final = 20
MAX_COUNT: Final = 100
FORMATS: Final = frozenset({"json", "application/json", "application/fhir+json"})
DATE_PREFIXES: Final = ("eq", "ge", "le", "gt", "lt")
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:\d{2}))?)?)?")


class InvalidSearch(DomainError):
    """400: FHIR's answer to a search it cannot run as asked (R4 §3.1.1.4: unknown parameters, bad values)."""

    status, code, title = 400, "invalid_search", "Invalid search"


@dataclass(frozen=True)
class Search:
    """A search as parsed: each parameter's values (outer list AND, inner list OR), the page size and
    cursor."""

    params: dict[str, list[list[str]]]
    count: int
    cursor: str | None


def parse(served: Served, args: Iterable[tuple[str, str]], *, lenient: bool) -> Search:
    params: dict[str, list[list[str]]] = {}
    errors: list[FieldError] = []
    count, cursor = DEFAULT_COUNT, None
    for name, value in args:
        if name == "_count":
            if not value.isdigit() or int(value) < 1:
                errors.append(FieldError(f"/{name}", "invalid", "_count is a whole number from 1 to 100."))
            else:
                count = min(int(value), MAX_COUNT)
        elif name == "_cursor":
            cursor = value
        elif name == "_format":
            if value not in FORMATS:
                errors.append(FieldError(f"/{name}", "invalid", "This server speaks JSON only."))
        elif name in served.searches:
            values = [v for v in value.split(",") if v]
            if not values:
                errors.append(FieldError(f"/{name}", "invalid", f"{name} has no value."))
            else:
                params.setdefault(name, []).append(values)
        elif not lenient:
            takes = ", ".join(sorted(served.parameters))
            errors.append(
                FieldError(
                    f"/{name}",
                    "unknown_parameter",
                    f"{served.type} is not searched by {name}; it takes {takes}.",
                )
            )
    for name, groups in params.items():
        kind = served.searches[name].type
        for value in (v for group in groups for v in group):
            problem = _value_problem(kind, value)
            if problem:
                errors.append(FieldError(f"/{name}", "invalid", problem))
    if errors:
        raise InvalidSearch("The search cannot be run as asked; see errors.", errors=errors)
    return Search(params, count, cursor)


def _value_problem(kind: ParamType, value: str) -> str | None:
    if kind is ParamType.DATE:
        try:
            date_range(value)
        except ValueError as exc:
            return str(exc)
    if kind is ParamType.REFERENCE and not FHIR_ID.fullmatch(value.rsplit("/", 1)[-1]):
        return f"{value!r} is not a reference (Type/id or id)."
    return None


def reference_id(value: str) -> str:
    """Our id from a reference parameter's value: ``Patient/pat-abc`` or ``pat-abc``."""
    return from_fhir_id(value.rsplit("/", 1)[-1])


def token(value: str) -> tuple[str | None, str]:
    """A token's (system, code): ``system|code``, ``|code`` (no system), ``code`` (any system)."""
    if "|" in value:
        system, _, code = value.partition("|")
        return system, code
    return None, value


@dataclass(frozen=True)
class DateRange:
    """A date search value: the prefix and the instants [start, end) its value covers."""

    prefix: str
    start: datetime
    end: datetime


def date_range(value: str) -> DateRange:
    """``ge2026-01-05``: a prefix and a date or dateTime at any precision (R4 §3.1.1.4.2)."""
    prefix = value[:2] if value[:2] in DATE_PREFIXES else "eq"
    text = value[2:] if value[:2] in DATE_PREFIXES else value
    match = _DATE.fullmatch(text)
    if not match:
        raise ValueError(
            f"{value!r} is not a date (YYYY, YYYY-MM, YYYY-MM-DD or a dateTime, after eq/ge/le/gt/lt)."
        )
    year, month, dom, hour, minute, second, zone = match.groups()
    try:
        if hour is not None:
            start = datetime.fromisoformat(f"{year}-{month}-{dom}T{hour}:{minute}:{second or '00'}")
            offset = (
                0 if zone == "Z" else (1 if zone[0] == "+" else -1) * (int(zone[1:3]) * 60 + int(zone[4:]))
            )
            start = (start - timedelta(minutes=offset)).replace(tzinfo=UTC)
            end = start + timedelta(seconds=1)
        elif dom is not None:
            start = datetime.combine(date(int(year), int(month), int(dom)), datetime.min.time(), UTC)
            end = start + timedelta(days=1)
        elif month is not None:
            start = datetime(int(year), int(month), 1, tzinfo=UTC)
            end = datetime(int(year) + (int(month) == 12), int(month) % 12 + 1, 1, tzinfo=UTC)
        else:
            start = datetime(int(year), 1, 1, tzinfo=UTC)
            end = datetime(int(year) + 1, 1, 1, tzinfo=UTC)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"{value!r} is not a valid date.") from exc
    return DateRange(prefix, start, end)
