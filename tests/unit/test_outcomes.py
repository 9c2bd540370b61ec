"""Outcomes per instrument (percent change, response, remission, PCL-5 change) and overdue tasks."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from api.domain.outcomes import (
    BaselineCandidate,
    InstrumentOutcome,
    ScorePoint,
    is_overdue,
    is_response,
    percent_change,
    phq9_baseline,
    summarize_outcome,
)
from api.domain.protocols import TaskStatus
from api.domain.screening import Instrument

BASELINE_DAY = date(2026, 1, 2)


def outcome(instrument: Instrument, baseline: int | None, *follow_up_totals: int) -> InstrumentOutcome:
    """Follow-ups one week apart from 2026-01-12, in the order given."""
    follow_ups = [
        ScorePoint(date(2026, 1, 12 + 7 * week), total) for week, total in enumerate(follow_up_totals)
    ]
    baseline_point = ScorePoint(BASELINE_DAY, baseline) if baseline is not None else None
    return summarize_outcome(instrument, baseline_point, follow_ups)


def test_phq9_outcome_compares_the_latest_follow_up_with_the_baseline() -> None:
    baseline = ScorePoint(datetime(2026, 1, 2, 9, 30, tzinfo=UTC), 20)
    follow_ups = [
        ScorePoint(date(2026, 2, 2), 12),
        ScorePoint(date(2026, 1, 19), 16),
        ScorePoint(date(2026, 2, 16), 9),
    ]

    result = summarize_outcome(Instrument.PHQ9, baseline, follow_ups)

    assert result == InstrumentOutcome(
        instrument=Instrument.PHQ9,
        baseline=20,
        latest=9,
        series=(baseline, follow_ups[1], follow_ups[0], follow_ups[2]),
        percent_change=-55.0,
        response=True,
        remission=False,
        clinically_meaningful=None,
        relapse=False,
        worsening=False,
    )
    assert [(point.on, point.total) for point in result.series] == [
        (date(2026, 1, 2), 20),
        (date(2026, 1, 19), 16),
        (date(2026, 2, 2), 12),
        (date(2026, 2, 16), 9),
    ]


@pytest.mark.parametrize(
    ("baseline", "latest", "response"),
    [
        (18, 9, True),  # exactly 50 %
        (18, 10, False),  # 44.4 %
        (27, 13, True),  # 51.9 %
        (27, 14, False),  # 48.1 %
        (20, 0, True),
        (12, 15, False),  # worse
    ],
)
@pytest.mark.parametrize("instrument", [Instrument.PHQ9, Instrument.GAD7])
def test_response_is_a_drop_of_at_least_half_the_baseline(
    instrument: Instrument, baseline: int, latest: int, response: bool
) -> None:
    assert outcome(instrument, baseline, latest).response is response


@pytest.mark.parametrize(("latest", "response"), [(50, True), (51, False), (49, True)])
def test_response_boundary_is_exact_at_50_percent_and_not_at_49(latest: int, response: bool) -> None:
    assert is_response(100, latest) is response


@pytest.mark.parametrize(("latest", "remission"), [(4, True), (5, False), (0, True)])
def test_phq9_remission_is_a_latest_score_below_5(latest: int, remission: bool) -> None:
    assert outcome(Instrument.PHQ9, 16, latest).remission is remission


def test_without_a_phq9_baseline_response_remission_and_relapse_are_null_2e() -> None:
    """[2e] No baseline: the course cannot be judged (was: remission needed no baseline)."""
    result = outcome(Instrument.PHQ9, None, 11, 3)

    assert (result.remission, result.response, result.relapse, result.percent_change) == (
        None,
        None,
        None,
        None,
    )
    assert result.worsening is False  # judged on the follow-ups alone


# --- [2e] PHQ-9: the worked cases of clinical-rules.md §4, and each boundary ----------------------------


@pytest.mark.parametrize(
    ("scores", "percent", "response", "remission", "relapse", "worsening"),
    [
        pytest.param((22, 4, 19), -13.6, False, False, True, True, id="22-4-19"),
        pytest.param((24, 12, 11), -54.2, True, False, False, False, id="24-12-11"),
        pytest.param((27, 14), -48.1, False, False, False, False, id="27-14"),
        pytest.param((20, 10), -50.0, True, False, False, False, id="20-10"),
        pytest.param((20, 4), -80.0, True, True, False, False, id="latest-4-remission"),
        pytest.param((20, 5), -75.0, True, False, False, False, id="latest-5-no-remission"),
        pytest.param((8, 3), -62.5, None, True, False, False, id="baseline-8-3"),
    ],
)
def test_phq9_worked_cases(
    scores: tuple[int, ...],
    percent: float,
    response: bool | None,
    remission: bool,
    relapse: bool,
    worsening: bool,
) -> None:
    result = outcome(Instrument.PHQ9, *scores)

    assert (result.percent_change, result.response, result.remission, result.relapse, result.worsening) == (
        percent,
        response,
        remission,
        relapse,
        worsening,
    )


@pytest.mark.parametrize(
    ("baseline", "latest", "response"),
    [
        pytest.param(9, 0, None, id="baseline-9-null"),
        pytest.param(10, 5, True, id="baseline-10-judged"),
        pytest.param(10, 6, False, id="baseline-10-not-half"),
        pytest.param(0, 0, None, id="baseline-0"),
    ],
)
def test_phq9_response_is_null_below_a_baseline_of_10(
    baseline: int, latest: int, response: bool | None
) -> None:
    assert outcome(Instrument.PHQ9, baseline, latest).response is response


def test_gad7_response_is_unchanged_below_10() -> None:
    assert outcome(Instrument.GAD7, 8, 4).response is True


@pytest.mark.parametrize(
    ("scores", "relapse"),
    [
        pytest.param((19, 4, 10), True, id="remission-then-10"),
        pytest.param((19, 4, 9), False, id="remission-then-9"),
        pytest.param((20, 4, 10), False, id="latest-10-is-a-response-from-20"),
        pytest.param((20, 10, 12), True, id="response-then-12"),
        pytest.param((20, 10, 10), False, id="latest-still-a-response"),
        pytest.param((20, 12, 15), False, id="never-met"),
        pytest.param((20, 15), False, id="one-follow-up"),
        pytest.param((8, 4, 10), True, id="low-baseline-remission-then-10"),
        pytest.param((8, 6, 12), False, id="low-baseline-no-remission"),
    ],
)
def test_phq9_relapse(scores: tuple[int, ...], relapse: bool) -> None:
    assert outcome(Instrument.PHQ9, *scores).relapse is relapse


@pytest.mark.parametrize(
    ("scores", "worsening"),
    [
        pytest.param((10, 15), True, id="5-above-baseline"),
        pytest.param((10, 14), False, id="4-above-baseline"),
        pytest.param((20, 6, 11), True, id="5-above-lowest-follow-up"),
        pytest.param((20, 6, 10), False, id="4-above-lowest"),
        pytest.param((20,), None, id="no-follow-up"),
    ],
)
def test_phq9_worsening_is_5_points_above_the_lowest_so_far(
    scores: tuple[int, ...], worsening: bool | None
) -> None:
    assert outcome(Instrument.PHQ9, *scores).worsening is worsening


def test_worsening_without_a_baseline_needs_an_earlier_follow_up() -> None:
    assert outcome(Instrument.PHQ9, None, 14).worsening is None
    assert outcome(Instrument.PHQ9, None, 4, 9).worsening is True


START = date(2026, 2, 1)


def candidate(completed_at: datetime, *, for_this_plan: bool = False, total: int = 15) -> BaselineCandidate:
    return BaselineCandidate(completed_at=completed_at, total=total, for_this_plan=for_this_plan)


@pytest.mark.parametrize(
    ("completed_at", "chosen"),
    [
        pytest.param(datetime(2026, 2, 1, 23, 59, tzinfo=UTC), True, id="on-start-date"),
        pytest.param(datetime(2026, 2, 2, 0, 0, tzinfo=UTC), False, id="day-after-start"),
        pytest.param(datetime(2026, 1, 2, 0, 0, tzinfo=UTC), True, id="30-days-before"),
        pytest.param(datetime(2026, 1, 1, 23, 59, tzinfo=UTC), False, id="31-days-before"),
        # 2026-02-01 20:00 in Chicago is 2026-02-02 02:00 UTC: the UTC date decides.
        pytest.param(
            datetime(2026, 2, 1, 20, 0, tzinfo=ZoneInfo("America/Chicago")), False, id="utc-date-decides"
        ),
    ],
)
def test_the_phq9_baseline_window_is_30_days_up_to_the_start(completed_at: datetime, chosen: bool) -> None:
    found = phq9_baseline([candidate(completed_at)], START)
    assert (found is not None) is chosen


def test_the_latest_in_the_window_is_the_baseline_and_the_plans_own_never_are() -> None:
    older = candidate(datetime(2026, 1, 10, tzinfo=UTC), total=20)
    newer = candidate(datetime(2026, 1, 20, tzinfo=UTC), total=12)
    own = candidate(datetime(2026, 1, 25, tzinfo=UTC), total=3, for_this_plan=True)
    assert phq9_baseline([newer, own, older], START) == newer
    assert phq9_baseline([own], START) is None


@pytest.mark.parametrize(
    ("baseline", "latest", "meaningful"),
    [(50, 40, True), (50, 41, False), (50, 20, True), (40, 45, False), (0, 0, False)],
)
def test_pcl5_change_is_clinically_meaningful_from_a_10_point_drop(
    baseline: int, latest: int, meaningful: bool
) -> None:
    result = outcome(Instrument.PCL5, baseline, latest)

    assert result.clinically_meaningful is meaningful


@pytest.mark.parametrize(
    ("instrument", "response", "remission", "clinically_meaningful"),
    [
        (Instrument.PHQ9, True, False, None),
        (Instrument.GAD7, True, None, None),
        (Instrument.PCL5, None, None, False),
    ],
)
def test_measures_that_do_not_apply_to_an_instrument_are_none(
    instrument: Instrument, response: bool | None, remission: bool | None, clinically_meaningful: bool | None
) -> None:
    result = outcome(instrument, 16, 8)

    assert (result.response, result.remission, result.clinically_meaningful) == (
        response,
        remission,
        clinically_meaningful,
    )


@pytest.mark.parametrize(
    ("baseline", "latest", "expected"),
    [
        (20, 10, -50.0),
        (3, 1, -66.7),
        (3, 2, -33.3),
        (16, 15, -6.3),  # -6.25 rounds away from zero
        (8, 9, 12.5),
        (10, 12, 20.0),  # a worse score is a positive change
        (12, 12, 0.0),
        (0, 5, None),  # no ratio from a baseline of 0
        (0, 0, None),
        (None, 5, None),
        (12, None, None),
    ],
)
def test_percent_change_is_negative_when_the_score_falls(
    baseline: int | None, latest: int | None, expected: float | None
) -> None:
    assert percent_change(baseline, latest) == expected


def test_baseline_of_zero_gives_no_percent_change_and_no_response() -> None:
    result = outcome(Instrument.PHQ9, 0, 3)

    assert (result.percent_change, result.response, result.remission) == (None, None, True)


def test_without_a_follow_up_nothing_is_judged_yet() -> None:
    result = outcome(Instrument.PHQ9, 4)

    assert result == InstrumentOutcome(
        instrument=Instrument.PHQ9,
        baseline=4,
        latest=None,
        series=(ScorePoint(BASELINE_DAY, 4),),
        percent_change=None,
        response=None,
        remission=None,
        clinically_meaningful=None,
    )


def test_without_any_score_the_outcome_is_empty() -> None:
    result = outcome(Instrument.GAD7, None)

    assert (result.baseline, result.latest, result.series) == (None, None, ())


def test_same_day_scores_are_ordered_by_time_and_the_last_one_is_latest() -> None:
    evening = ScorePoint(datetime(2026, 1, 19, 20, 0, tzinfo=UTC), 7)
    day_only = ScorePoint(date(2026, 1, 19), 11)
    morning_naive = ScorePoint(datetime(2026, 1, 19, 8, 0), 9)  # naive: read as UTC

    result = summarize_outcome(
        Instrument.GAD7, ScorePoint(BASELINE_DAY, 14), [evening, day_only, morning_naive]
    )

    assert [point.total for point in result.series] == [14, 11, 9, 7]
    assert result.latest == 7
    assert morning_naive.on == date(2026, 1, 19)


@pytest.mark.parametrize("instrument", [Instrument.CSSRS, Instrument.KETAMINE_INTAKE])
def test_instruments_without_a_total_have_no_outcome(instrument: Instrument) -> None:
    with pytest.raises(ValueError, match="no total"):
        summarize_outcome(instrument, None, [])


TODAY = date(2026, 3, 2)


@pytest.mark.parametrize(
    ("due_on", "status", "overdue"),
    [
        (date(2026, 3, 1), TaskStatus.PENDING, True),
        (date(2026, 2, 1), TaskStatus.PENDING, True),
        (date(2026, 3, 2), TaskStatus.PENDING, False),  # due today is not overdue
        (date(2026, 3, 3), TaskStatus.PENDING, False),
        (date(2026, 3, 1), TaskStatus.OVERDUE, True),
        (date(2026, 3, 1), TaskStatus.DONE, False),
        (date(2026, 3, 1), TaskStatus.CANCELLED, False),
    ],
)
def test_a_task_is_overdue_past_its_due_date_until_done_or_cancelled(
    due_on: date, status: TaskStatus, overdue: bool
) -> None:
    assert is_overdue(due_on, status, TODAY) is overdue
