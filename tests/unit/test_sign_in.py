"""Sign-in throttling: the growing delay per account (api/domain/sign_in.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from api.domain.sign_in import (
    FAILURE_WINDOW,
    MAX_DELAY,
    Throttle,
    after_failure,
    delay_after,
    retry_after,
)

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("failures", "delay"),
    [
        (1, None),
        (4, None),
        (5, timedelta(seconds=30)),
        (6, timedelta(seconds=60)),
        (7, timedelta(seconds=120)),
        (9, timedelta(seconds=480)),
        (10, MAX_DELAY),  # 960 s would pass the 15-minute cap
        (11, MAX_DELAY),
        (10_000, MAX_DELAY),
    ],
)
def test_the_delay_starts_after_five_failures_doubles_and_is_capped(
    failures: int, delay: timedelta | None
) -> None:
    assert delay_after(failures) == delay


def test_five_failures_in_a_row_make_the_account_wait() -> None:
    throttle = None
    for minute in range(5):
        assert retry_after(throttle, NOW + timedelta(minutes=minute)) is None
        throttle = after_failure(throttle, NOW + timedelta(minutes=minute))
    assert throttle is not None and throttle.failures == 5
    assert retry_after(throttle, NOW + timedelta(minutes=4)) == timedelta(seconds=30)
    assert retry_after(throttle, NOW + timedelta(minutes=4, seconds=29)) == timedelta(seconds=1)
    assert retry_after(throttle, NOW + timedelta(minutes=4, seconds=30)) is None


def test_a_quiet_window_since_the_last_failure_starts_the_count_again() -> None:
    throttle = Throttle(failures=4, last_failure_at=NOW)
    assert after_failure(throttle, NOW + FAILURE_WINDOW).failures == 5
    restarted = after_failure(throttle, NOW + FAILURE_WINDOW + timedelta(seconds=1))
    assert (restarted.failures, restarted.blocked_until) == (1, None)


def test_failing_again_after_a_wait_waits_longer() -> None:
    throttle = Throttle(failures=5, last_failure_at=NOW, blocked_until=NOW + timedelta(seconds=30))
    later = after_failure(throttle, NOW + timedelta(seconds=31))
    assert later.failures == 6
    assert later.blocked_until == NOW + timedelta(seconds=31 + 60)
