"""Sign-in throttling (api/domain/sign_in.py): the growing delay per account and address, and the account's
generous ceiling over every address."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from api.domain.sign_in import (
    ACCOUNT_BURST,
    ACCOUNT_LEAK,
    FAILURE_WINDOW,
    FORGET_AFTER,
    MAX_DELAY,
    Throttle,
    account_after_failure,
    after_failure,
    caller,
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


# --- the account's ceiling, over every address --------------------------------------------------------------
def test_the_ceiling_takes_twenty_failures_at_once_then_one_every_ninety_seconds() -> None:
    ceiling = None
    for _ in range(ACCOUNT_BURST - 1):
        ceiling = account_after_failure(ceiling, NOW)
    assert retry_after(ceiling, NOW) is None
    ceiling = account_after_failure(ceiling, NOW)
    assert retry_after(ceiling, NOW) == ACCOUNT_LEAK == timedelta(seconds=90)
    assert retry_after(ceiling, NOW + ACCOUNT_LEAK) is None
    ceiling = account_after_failure(ceiling, NOW + ACCOUNT_LEAK)
    assert retry_after(ceiling, NOW + ACCOUNT_LEAK) == ACCOUNT_LEAK


def test_the_ceiling_forgets_one_failure_every_ninety_seconds() -> None:
    ceiling = Throttle(failures=10, last_failure_at=NOW)
    later = account_after_failure(ceiling, NOW + 4 * ACCOUNT_LEAK + timedelta(seconds=89))
    assert later.failures == 10 - 4 + 1
    assert later.last_failure_at == NOW + 4 * ACCOUNT_LEAK  # the next one is forgotten 90 s after this
    assert account_after_failure(ceiling, NOW + 10 * ACCOUNT_LEAK) == Throttle(1, NOW + 10 * ACCOUNT_LEAK)


def test_a_clock_that_went_back_forgets_nothing() -> None:
    ceiling = Throttle(failures=3, last_failure_at=NOW)
    assert account_after_failure(ceiling, NOW - timedelta(minutes=5)).failures == 4


def test_every_record_is_spent_once_housekeeping_forgets_it() -> None:
    """Housekeeping deletes a record FORGET_AFTER its last_failure_at: by then neither rule needs it."""
    assert FORGET_AFTER >= FAILURE_WINDOW + MAX_DELAY
    full = Throttle(failures=ACCOUNT_BURST, last_failure_at=NOW, blocked_until=NOW + ACCOUNT_LEAK)
    assert account_after_failure(full, NOW + FORGET_AFTER) == account_after_failure(None, NOW + FORGET_AFTER)
    waiting = Throttle(failures=12, last_failure_at=NOW, blocked_until=NOW + MAX_DELAY)
    assert after_failure(waiting, NOW + FORGET_AFTER) == after_failure(None, NOW + FORGET_AFTER)


# --- what an attacker gets: a day simulated, each address trying again the moment it may -------------------
DAY = timedelta(days=1)


def _a_day_of_guessing(addresses: int) -> tuple[int, datetime | None]:
    """Guessers at ``addresses`` addresses try one account's password, each again as soon as its own record
    and the account's ceiling let it, for a day: how many passwords were checked, and when the ceiling
    first made one of them wait (None: never)."""
    own: list[Throttle | None] = [None] * addresses
    ceiling: Throttle | None = None
    checked, ceiling_first_waited = 0, None
    now = NOW
    while True:
        own_ready = [_restarted(own[a], now) for a in range(addresses)]
        address = min(range(addresses), key=own_ready.__getitem__)
        now = _ready(ceiling, own_ready[address])
        if now > own_ready[address] and ceiling_first_waited is None:
            ceiling_first_waited = own_ready[address]
        if now >= NOW + DAY:
            return checked, ceiling_first_waited
        own[address] = after_failure(own[address], now)
        ceiling = account_after_failure(ceiling, now)
        checked += 1


def _ready(throttle: Throttle | None, now: datetime) -> datetime:
    return max(now, throttle.blocked_until) if throttle and throttle.blocked_until else now


def _restarted(own: Throttle | None, now: datetime) -> datetime:
    """When an address's guesser tries next: as soon as it may, except that once its waits reach the cap it
    keeps quiet a moment past FAILURE_WINDOW, which starts its count again (five quick guesses, not one)."""
    if own is not None and own.blocked_until and own.blocked_until - own.last_failure_at >= MAX_DELAY:
        return max(now, own.last_failure_at + FAILURE_WINDOW + timedelta(seconds=1))
    return _ready(own, now)


@pytest.mark.parametrize("addresses", [1, 2])
def test_one_or_two_addresses_never_reach_the_ceiling_that_would_make_others_wait(addresses: int) -> None:
    checked, ceiling_first_waited = _a_day_of_guessing(addresses)
    assert ceiling_first_waited is None
    assert checked <= addresses * 20 * 24  # about 20 an hour each


@pytest.mark.parametrize("addresses", [3, 50, 1000])
def test_any_number_of_addresses_gets_no_more_than_the_ceiling(addresses: int) -> None:
    checked, ceiling_first_waited = _a_day_of_guessing(addresses)
    assert ceiling_first_waited is not None
    assert checked <= ACCOUNT_BURST + DAY // ACCOUNT_LEAK  # 20, then 40 an hour: 980 a day


@pytest.mark.parametrize(
    ("address", "counted_as"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("::ffff:203.0.113.9", "203.0.113.9"),  # the same IPv4 caller through a dual-stack socket
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),  # a subscriber holds a whole /64
        ("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
        ("unknown", "unknown"),
    ],
)
def test_an_ipv6_caller_is_counted_by_its_64(address: str, counted_as: str) -> None:
    assert caller(address) == counted_as
