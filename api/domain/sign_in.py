"""Sign-in throttling: a growing delay per account and address, under a generous ceiling per account.

Two records are kept for each attempt, and a password is checked only when neither says wait:

- **Per account and address** (the caller's IP address; for IPv6 its /64, see ``caller``): after
  ``FAILURES_BEFORE_DELAY`` wrong passwords for one account from one address, each less than
  ``FAILURE_WINDOW`` after the previous, that address waits: 30 s after the fifth, then twice as long after
  each further failure, at most ``MAX_DELAY`` (15 min). A quiet ``FAILURE_WINDOW`` since the last failure
  starts the count again; a right password clears the record. This is the rule a person who mistypes meets,
  and it holds a guesser at one address to about 20 guesses an hour.
- **Per account, over every address** (a leaky bucket): ``ACCOUNT_BURST`` (20) wrong passwords may come at
  once; each is forgotten ``ACCOUNT_LEAK`` (90 s) after the one before it, so 40 an hour may follow. While the
  bucket is full every address waits, until one is forgotten. This bounds guessing from any number of
  addresses (credential stuffing, a botnet) to 20 + 40 an hour: at most 980 a day per account.

While a record says wait, attempts are refused (429 with ``Retry-After``) without the password being checked,
so a refusal says nothing about the password, and refused attempts are not counted.

The trade-off, decided on purpose (issue 22): a delay per account alone, the rule before, let anyone who knows
an email lock its owner out from one address. Now one address, or two, can never make the account wait for
anyone else (their pace, about 20 an hour each, stays under the ceiling's 40), so the patient signing in from
their own address is not slowed by a guesser elsewhere. Making the patient wait takes at least three
addresses guessing without pause, and even then the ceiling lets an attempt through every 90 s. The price is
that a distributed guesser gets up to 980 guesses a day instead of about 480. Both rules trust the caller's
address as the server sees it (``request.remote_addr``): behind a proxy that does not pass the client's
address on, every caller shares one address and the first rule becomes a per-account lockout again.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

FAILURES_BEFORE_DELAY = 5
FAILURE_WINDOW = timedelta(minutes=15)
FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(minutes=15)

ACCOUNT_BURST = 20
ACCOUNT_LEAK = timedelta(seconds=90)

# A record older than this (by its last_failure_at) says nothing any more: housekeeping deletes it. The
# address rule restarts after FAILURE_WINDOW (its waits end by then too, MAX_DELAY <= FAILURE_WINDOW); a full
# account bucket has forgotten every failure after ACCOUNT_BURST * ACCOUNT_LEAK (30 min).
FORGET_AFTER = max(FAILURE_WINDOW + MAX_DELAY, ACCOUNT_BURST * ACCOUNT_LEAK)


@dataclass(frozen=True, slots=True)
class Throttle:
    """One record of recent wrong passwords: for an account and address, ``failures`` in a row, the last at
    ``last_failure_at``; for an account's ceiling, the ``failures`` not yet forgotten, the oldest of them to
    be forgotten ``ACCOUNT_LEAK`` after ``last_failure_at``. ``blocked_until``: no password is checked
    before then."""

    failures: int
    last_failure_at: datetime
    blocked_until: datetime | None = None


def caller(address: str) -> str:
    """Who an attempt comes from, for the account-and-address rule: an IPv4 address, or an IPv6 address's /64
    (what one subscriber is usually given: counting each of its addresses apart would give one guesser
    billions of them). Anything else is taken as it is."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def retry_after(throttle: Throttle | None, now: datetime) -> timedelta | None:
    """How long the record still makes attempts wait before a password is checked; None when it need not."""
    if throttle is None or throttle.blocked_until is None or throttle.blocked_until <= now:
        return None
    return throttle.blocked_until - now


def delay_after(failures: int) -> timedelta | None:
    """The wait after ``failures`` consecutive wrong passwords from one address (None below the threshold)."""
    if failures < FAILURES_BEFORE_DELAY:
        return None
    doublings = min(failures - FAILURES_BEFORE_DELAY, 10)  # 30 s * 2**10 is far past the cap already
    delay: timedelta = FIRST_DELAY * (2**doublings)
    return min(MAX_DELAY, delay)


def after_failure(throttle: Throttle | None, now: datetime) -> Throttle:
    """An account-and-address record after one more wrong password at ``now``."""
    fresh = throttle is None or now - throttle.last_failure_at > FAILURE_WINDOW
    failures = 1 if fresh or throttle is None else throttle.failures + 1
    delay = delay_after(failures)
    return Throttle(failures=failures, last_failure_at=now, blocked_until=now + delay if delay else None)


def account_after_failure(ceiling: Throttle | None, now: datetime) -> Throttle:
    """An account's ceiling after one more wrong password at ``now``, from whatever address."""
    failures, since = 0, now
    if ceiling is not None:
        forgotten = max(0, (now - ceiling.last_failure_at) // ACCOUNT_LEAK)  # none if the clock went back
        if ceiling.failures > forgotten:
            failures, since = ceiling.failures - forgotten, ceiling.last_failure_at + forgotten * ACCOUNT_LEAK
    failures += 1
    full = failures >= ACCOUNT_BURST
    return Throttle(
        failures=failures, last_failure_at=since, blocked_until=since + ACCOUNT_LEAK if full else None
    )
