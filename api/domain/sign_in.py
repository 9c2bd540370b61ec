"""Sign-in throttling: a growing delay per account after repeated wrong passwords, whatever the client's IP.

After ``FAILURES_BEFORE_DELAY`` wrong passwords for one account, each one less than ``FAILURE_WINDOW`` after
the previous, the account's sign-in waits: 30 s after the fifth, then twice as long after each further
failure, at most ``MAX_DELAY`` (15 min). While it waits, attempts are refused (429 with ``Retry-After``)
without the password being checked, so guessing costs time however many addresses the guesser uses. A
right password (after any wait) clears the record. A quiet ``FAILURE_WINDOW`` since the last failure starts
the count again.

The delay is per account rather than per address on purpose (credential stuffing comes from many addresses);
its price is that someone who knows an email can make its owner wait, at most 15 minutes at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

FAILURES_BEFORE_DELAY = 5
FAILURE_WINDOW = timedelta(minutes=15)
FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class Throttle:
    """An account's recent wrong passwords."""

    failures: int
    last_failure_at: datetime
    blocked_until: datetime | None = None


def retry_after(throttle: Throttle | None, now: datetime) -> timedelta | None:
    """How long the account must still wait before a password is checked; None when it need not."""
    if throttle is None or throttle.blocked_until is None or throttle.blocked_until <= now:
        return None
    return throttle.blocked_until - now


def delay_after(failures: int) -> timedelta | None:
    """The wait after ``failures`` consecutive wrong passwords (None below the threshold)."""
    if failures < FAILURES_BEFORE_DELAY:
        return None
    doublings = min(failures - FAILURES_BEFORE_DELAY, 10)  # 30 s * 2**10 is far past the cap already
    delay: timedelta = FIRST_DELAY * (2**doublings)
    return min(MAX_DELAY, delay)


def after_failure(throttle: Throttle | None, now: datetime) -> Throttle:
    """The record after one more wrong password at ``now``."""
    fresh = throttle is None or now - throttle.last_failure_at > FAILURE_WINDOW
    failures = 1 if fresh or throttle is None else throttle.failures + 1
    delay = delay_after(failures)
    return Throttle(failures=failures, last_failure_at=now, blocked_until=now + delay if delay else None)
