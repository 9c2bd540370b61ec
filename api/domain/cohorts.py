"""Population outcomes: the cohort table's figures and the export's rows, from each plan's own outcome
(clinical-rules.md §4 as ``api.domain.outcomes`` decides it; api-contract.md, "Population outcomes").

A plan counts in a cohort when it started in the window (it was activated; its ``start_date`` in the
window) and has a PHQ-9 baseline (``outcomes.phq9_baseline``, or its baseline check-in). Per plan, as
``summarize_outcome`` decides: ``with_follow_up`` when it has a latest score, a responder when
``response`` is true (never from a baseline below 10), a remitter when ``remission`` is true; its
``percent_change`` as ``outcomes.percent_change`` gives it (one decimal; none from a baseline of 0).

Per group: rates are over ``with_follow_up``, as percentages to one decimal, rounded half away from zero
(none without a follow-up); ``median_percent_change`` is the median of the plans' percent changes (the
mean of the middle two for an even count), rounded the same way. The database computes the counts and the
median (api/services/population.py); this module holds the rules those queries are built from and the
rounding of what they return.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Final

from api.domain.outcomes import (
    PHQ9_REMISSION_BELOW,
    PHQ9_RESPONSE_BASELINE_MIN,
    InstrumentOutcome,
)
from api.domain.screening import PHQ9_SEVERITY_BANDS, Instrument

# The instruments a cohort can be built on: those whose response and remission clinical-rules.md defines
# against a chosen baseline.
COHORT_INSTRUMENTS: Final = (Instrument.PHQ9,)


class GroupKey(StrEnum):
    """What a cohort table may be broken down by, in the order the keys are applied."""

    PROTOCOL = "protocol"
    ROUTE = "route"
    BASELINE_SEVERITY = "baseline_severity"


GROUP_KEYS: Final = tuple(GroupKey)

# Re-exported for the queries: the thresholds live in api.domain.outcomes and api.domain.screening.
RESPONSE_BASELINE_MIN: Final = PHQ9_RESPONSE_BASELINE_MIN
REMISSION_BELOW: Final = PHQ9_REMISSION_BELOW
SEVERITY_BANDS: Final = PHQ9_SEVERITY_BANDS


def ordered_keys(keys: Iterable[str]) -> tuple[GroupKey, ...]:
    """The keys asked for, in the order they are applied (protocol, route, baseline severity)."""
    asked = set(keys)
    return tuple(key for key in GROUP_KEYS if key in asked)


def baseline_severity(total: int) -> str:
    """The PHQ-9 severity band of a baseline total (api.domain.screening's bands)."""
    return [name for lowest, name in SEVERITY_BANDS if total >= lowest][-1]


@dataclass(frozen=True, slots=True)
class PlanFigures:
    """What one plan adds to its cohort, from its outcome."""

    with_follow_up: bool
    responder: bool
    remitter: bool
    percent_change: float | None

    @classmethod
    def of(cls, outcome: InstrumentOutcome) -> PlanFigures:
        return cls(
            with_follow_up=outcome.latest is not None,
            responder=outcome.response is True,
            remitter=outcome.remission is True,
            percent_change=outcome.percent_change,
        )


def _one_decimal(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def rate(count: int | None, of: int | None) -> float | None:
    """``count`` as a percentage of ``of``, one decimal; None when either is unknown or ``of`` is 0."""
    if count is None or of is None or of == 0:
        return None
    return _one_decimal(Decimal(count) * 100 / Decimal(of))


def percent_change_tenths(baseline: int, latest: int) -> int:
    """A plan's percent change in tenths of a percent, rounded half away from zero — integer arithmetic,
    as the queries compute it (``outcomes.percent_change`` times ten, for a baseline above 0)."""
    change = 1000 * (latest - baseline)
    magnitude = (2 * abs(change) + baseline) // (2 * baseline)
    return magnitude if change >= 0 else -magnitude


def median_from_tenths(tenths: float | int | None) -> float | None:
    """The median percent change from the database's median in tenths of a percent (the mean of the middle
    two is a half-tenth at worst, exact in floating point): one decimal, rounded half away from zero."""
    if tenths is None:
        return None
    return _one_decimal(Decimal(str(tenths)) / 10)


def median_percent_change(changes: Iterable[float | None]) -> float | None:
    """The median of the plans' percent changes (the rule the queries follow), from the plans' outcomes."""
    values = sorted(Decimal(str(c)) for c in changes if c is not None)
    if not values:
        return None
    middle = len(values) // 2
    median = values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2
    return _one_decimal(median)


@dataclass(frozen=True, slots=True)
class CohortCounts:
    plans: int
    with_follow_up: int
    responders: int
    remitters: int

    def as_dict(self) -> dict[str, int]:
        return {
            "plans": self.plans,
            "with_follow_up": self.with_follow_up,
            "responders": self.responders,
            "remitters": self.remitters,
        }


def count_plans(figures: Iterable[PlanFigures]) -> CohortCounts:
    """The counts of a cohort from its plans' figures (what the queries compute in the database)."""
    items = list(figures)
    return CohortCounts(
        plans=len(items),
        with_follow_up=sum(f.with_follow_up for f in items),
        responders=sum(f.responder for f in items),
        remitters=sum(f.remitter for f in items),
    )


# --- the export's rows ----------------------------------------------------------------------------------

DAYS_PER_WEEK: Final = 7


def week_of(days_since_start: int) -> int:
    """Whole weeks since the plan's start (a score the day before the start is week -1): never a date."""
    return days_since_start // DAYS_PER_WEEK


def age_on(birth_date: date, on: date) -> int:
    """Age in whole years on a date."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def adverse_event_counts(rows: Iterable[tuple[str, str, int]]) -> Mapping[str, Mapping[str, int]]:
    """``{type: {severity: n}}`` from (type, severity, n) rows."""
    counts: dict[str, dict[str, int]] = {}
    for kind, severity, n in rows:
        counts.setdefault(kind, {})[severity] = n
    return counts
