"""Treatment outcomes per instrument, and when a task is overdue (clinical-rules.md §4).

Scores fall as symptoms improve, so ``percent_change`` is negative for an improvement:
``(latest - baseline) / baseline * 100``, rounded half away from zero to one decimal. ``response`` and the
other thresholds are decided on exact integers, never on the rounded percentage, so "exactly 50 %" is exact.

The baseline is the consultation's screening; ``latest`` is the most recent follow-up score, ``None`` until a
check-in has been answered, so a baseline alone never counts as a response or a remission. ``series`` holds
every score, the baseline included, in chronological order.

A measure that does not apply to an instrument (see ``MEASURES``) is always ``None``; the response schema
should omit it. A measure that applies but cannot be computed yet (no follow-up, no baseline, a baseline of
0 for a percentage) is ``None`` too and should be rendered as ``null``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

from api.domain.protocols import TaskStatus
from api.domain.screening import Instrument

RESPONSE = "response"
REMISSION = "remission"
CLINICALLY_MEANINGFUL = "clinically_meaningful"

# Which threshold measures each scored instrument has, besides percent_change.
MEASURES: Mapping[Instrument, frozenset[str]] = {
    Instrument.PHQ9: frozenset({RESPONSE, REMISSION}),
    Instrument.GAD7: frozenset({RESPONSE}),
    Instrument.PCL5: frozenset({CLINICALLY_MEANINGFUL}),
}

PHQ9_REMISSION_BELOW = 5  # PHQ-9 "minimal" band, 0-4.
# A 10-point drop is the change the National Center for PTSD treats as clinically meaningful.
PCL5_MEANINGFUL_DROP_POINTS = 10

_FINISHED_TASK_STATUSES = frozenset({TaskStatus.DONE, TaskStatus.CANCELLED})


@dataclass(frozen=True, slots=True)
class ScorePoint:
    """One scored screening, taken on a date or at a time (a naive time is read as UTC)."""

    taken_at: date | datetime
    total: int

    @property
    def on(self) -> date:
        return self.taken_at.date() if isinstance(self.taken_at, datetime) else self.taken_at


@dataclass(frozen=True, slots=True)
class InstrumentOutcome:
    instrument: Instrument
    baseline: int | None
    latest: int | None
    series: tuple[ScorePoint, ...]
    percent_change: float | None
    response: bool | None
    remission: bool | None
    clinically_meaningful: bool | None


def summarize_outcome(
    instrument: Instrument, baseline: ScorePoint | None, follow_ups: Iterable[ScorePoint]
) -> InstrumentOutcome:
    """Compare the latest follow-up score with the baseline by the instrument's own thresholds."""
    if instrument not in MEASURES:
        raise ValueError(f"{instrument} has no total to follow over time")
    chronological = sorted(follow_ups, key=_chronological_key)
    baseline_total = baseline.total if baseline is not None else None
    latest_total = chronological[-1].total if chronological else None
    all_points = [baseline, *chronological] if baseline is not None else chronological
    applicable = MEASURES[instrument]

    def if_applicable(measure: str, value: bool | None) -> bool | None:
        return value if measure in applicable else None

    return InstrumentOutcome(
        instrument=instrument,
        baseline=baseline_total,
        latest=latest_total,
        series=tuple(sorted(all_points, key=_chronological_key)),
        percent_change=percent_change(baseline_total, latest_total),
        response=if_applicable(RESPONSE, is_response(baseline_total, latest_total)),
        remission=if_applicable(REMISSION, is_phq9_remission(latest_total)),
        clinically_meaningful=if_applicable(
            CLINICALLY_MEANINGFUL, is_pcl5_clinically_meaningful(baseline_total, latest_total)
        ),
    )


def percent_change(baseline: int | None, latest: int | None) -> float | None:
    """Negative when the score fell; ``None`` without both scores or from a baseline of 0 (no ratio)."""
    if baseline is None or latest is None or baseline == 0:
        return None
    change = Decimal(latest - baseline) * 100 / Decimal(baseline)
    return float(change.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def is_response(baseline: int | None, latest: int | None) -> bool | None:
    """PHQ-9 and GAD-7: a drop of at least half the baseline score; undefined from a baseline of 0."""
    if baseline is None or latest is None or baseline == 0:
        return None
    return (baseline - latest) * 2 >= baseline


def is_phq9_remission(latest: int | None) -> bool | None:
    """Remission is judged on the latest score alone: back in the minimal band."""
    if latest is None:
        return None
    return latest < PHQ9_REMISSION_BELOW


def is_pcl5_clinically_meaningful(baseline: int | None, latest: int | None) -> bool | None:
    if baseline is None or latest is None:
        return None
    return baseline - latest >= PCL5_MEANINGFUL_DROP_POINTS


def _chronological_key(point: ScorePoint) -> datetime:
    """Dates and naive times made comparable with aware ones; a bare date sorts at the start of its day."""
    if not isinstance(point.taken_at, datetime):
        return datetime.combine(point.taken_at, time.min, tzinfo=UTC)
    if point.taken_at.tzinfo is None:
        return point.taken_at.replace(tzinfo=UTC)
    return point.taken_at


def is_overdue(due_on: date, status: TaskStatus, today: date) -> bool:
    """Past its due date and not finished; a task due today is still on time. ``today`` is the caller's."""
    return status not in _FINISHED_TASK_STATUSES and due_on < today
