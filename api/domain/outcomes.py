"""Treatment outcomes per instrument, and when a task is overdue (clinical-rules.md §4).

Scores fall as symptoms improve, so ``percent_change`` is negative for an improvement:
``(latest - baseline) / baseline * 100``, rounded half away from zero to one decimal. ``response`` and the
other thresholds are decided on exact integers, never on the rounded percentage, so "exactly 50 %" is exact.

The baseline is the consultation's screening (GAD-7, PCL-5); **[2e]** for PHQ-9 it is chosen by
``phq9_baseline`` from a window before the start (or the plan's baseline check-in). ``latest`` is the most
recent follow-up score, ``None`` until a check-in has been answered, so a baseline alone never counts as a
response or a remission. ``series`` holds every score, the baseline included, in chronological order.

**[2e] PHQ-9** (clinical-rules.md §4): no baseline → ``response``, ``remission`` and ``relapse`` are ``None``;
``response`` is ``None`` from a baseline below 10 (a drop from a mild score is not a response); ``relapse``
and ``worsening`` as their functions say.

A measure that does not apply to an instrument (see ``MEASURES``) is always ``None``; the response schema
should omit it. A measure that applies but cannot be computed yet (no follow-up, no baseline, a baseline of
0 for a percentage) is ``None`` too and should be rendered as ``null``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from api.domain.protocols import TaskStatus
from api.domain.screening import Instrument

RESPONSE = "response"
REMISSION = "remission"
CLINICALLY_MEANINGFUL = "clinically_meaningful"
RELAPSE = "relapse"
WORSENING = "worsening"

# Which threshold measures each scored instrument has, besides percent_change.
MEASURES: Mapping[Instrument, frozenset[str]] = {
    Instrument.PHQ9: frozenset({RESPONSE, REMISSION, RELAPSE, WORSENING}),
    Instrument.GAD7: frozenset({RESPONSE}),
    Instrument.PCL5: frozenset({CLINICALLY_MEANINGFUL}),
}

PHQ9_REMISSION_BELOW = 5  # PHQ-9 "minimal" band, 0-4.
# [2e] A response is judged only from at least moderate depression: halving a mild score is not a response
# (the trials that define response, e.g. STAR*D and the esketamine trials, enrolled moderate-to-severe).
PHQ9_RESPONSE_BASELINE_MIN = 10
# [2e] Relapse: the latest score is back at 10 or more (moderate depression) after a remission or response
# (SUSTAIN-1 asked two consecutive scores; one is enough to flag, the clinician confirms).
PHQ9_RELAPSE_AT_LEAST = 10
# [2e] Worsening: 5 points above the lowest score so far, the PHQ-9's minimal clinically important difference
# (Löwe et al., Med Care 2004).
PHQ9_WORSENING_POINTS = 5
# [2e] The baseline PHQ-9 is the patient's latest completed at most 30 days before the start (a score older
# than a month no longer describes the episode being treated).
BASELINE_WINDOW_DAYS = 30
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
    relapse: bool | None = None
    worsening: bool | None = None


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

    follow_up_totals = [point.total for point in chronological]
    if instrument == Instrument.PHQ9:
        response = is_phq9_response(baseline_total, latest_total)
        # [2e] Without a baseline the course cannot be judged: remission is null too.
        remission = is_phq9_remission(latest_total) if baseline_total is not None else None
    else:
        response = is_response(baseline_total, latest_total)
        remission = is_phq9_remission(latest_total)
    return InstrumentOutcome(
        instrument=instrument,
        baseline=baseline_total,
        latest=latest_total,
        series=tuple(sorted(all_points, key=_chronological_key)),
        percent_change=percent_change(baseline_total, latest_total),
        response=if_applicable(RESPONSE, response),
        remission=if_applicable(REMISSION, remission),
        clinically_meaningful=if_applicable(
            CLINICALLY_MEANINGFUL, is_pcl5_clinically_meaningful(baseline_total, latest_total)
        ),
        relapse=if_applicable(RELAPSE, is_phq9_relapse(baseline_total, follow_up_totals)),
        worsening=if_applicable(WORSENING, is_phq9_worsening(baseline_total, follow_up_totals)),
    )


def is_phq9_response(baseline: int | None, latest: int | None) -> bool | None:
    """[2e] PHQ-9: a drop of at least half the baseline, judged only from a baseline of 10 or more (below it,
    ``None``: not false, there was no moderate depression to respond)."""
    if baseline is None or baseline < PHQ9_RESPONSE_BASELINE_MIN:
        return None
    return is_response(baseline, latest)


def is_phq9_relapse(baseline: int | None, follow_ups: Sequence[int]) -> bool | None:
    """[2e] An earlier follow-up met remission or response, and the latest is 10 or more and does not meet
    response. ``None`` without a baseline or before the first follow-up."""
    if baseline is None or not follow_ups:
        return None
    *earlier, latest = follow_ups
    met_before = any(
        is_phq9_remission(score) or is_phq9_response(baseline, score) is True for score in earlier
    )
    return met_before and latest >= PHQ9_RELAPSE_AT_LEAST and is_phq9_response(baseline, latest) is not True


def is_phq9_worsening(baseline: int | None, follow_ups: Sequence[int]) -> bool | None:
    """[2e] The latest is at least 5 points above the lowest earlier score (the baseline included); ``None``
    before the first follow-up, or when the latest has no earlier score to compare with."""
    if not follow_ups:
        return None
    *earlier, latest = follow_ups
    before = [*([baseline] if baseline is not None else []), *earlier]
    if not before:
        return None
    return latest - min(before) >= PHQ9_WORSENING_POINTS


@dataclass(frozen=True, slots=True)
class BaselineCandidate:
    """A PHQ-9 of the patient that might be a plan's baseline."""

    completed_at: datetime
    total: int
    for_this_plan: bool
    key: str = ""  # the caller's identifier, handed back


def phq9_baseline(candidates: Iterable[BaselineCandidate], start_date: date) -> BaselineCandidate | None:
    """[2e] The latest PHQ-9 of the patient whose ``completed_at`` date (UTC) is on or before the plan's
    ``start_date`` and at most 30 days before it, not submitted for this plan (a plan's own check-ins are
    never its baseline — its baseline check-in is taken by the caller instead). None: no baseline."""
    earliest = start_date - timedelta(days=BASELINE_WINDOW_DAYS)
    eligible = [
        candidate
        for candidate in candidates
        if not candidate.for_this_plan and earliest <= _utc_date(candidate.completed_at) <= start_date
    ]
    return max(eligible, key=lambda c: _chronological_key(ScorePoint(c.completed_at, c.total)), default=None)


def _utc_date(moment: datetime) -> date:
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(UTC).date()


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
