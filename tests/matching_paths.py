"""The two paths of matching side by side, for the tests that hold them equal: the pure domain over every
provider with every free slot of the horizon, and the fast path (SQL over the stored facts, then the exact
path) at a given ``limit``."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.domain.availability import free_slots
from api.domain.matching import SLOTS_OFFERED, MatchOutcome, MatchRequest, MatchWeights, match_providers
from api.models import Provider
from api.services import matching
from api.services.provider_facts import booked_intervals, full_candidate, parse_availability, with_details

# The API's largest ``limit``: at it, every provider that can match in the tests' directories is read.
MAX_LIMIT = 50


def pure_outcome(db: Session, request: MatchRequest, weights: MatchWeights) -> MatchOutcome:
    """``match_providers`` over every provider with every free slot of the horizon, from their rows."""
    end = request.now + request.horizon
    providers = list(db.scalars(with_details(select(Provider))))
    booked = booked_intervals(db, [p.id for p in providers], request.now, end)
    candidates = []
    for provider in providers:
        availability = parse_availability(provider.availability)
        slots = free_slots(
            availability.weekly,
            availability.exceptions,
            ZoneInfo(provider.timezone),
            request.now,
            end,
            request.consultation_length,
            booked=booked.get(provider.id, ()),
            now=request.now,
        )
        candidates.append(full_candidate(provider, slots))
    return match_providers(request, candidates, weights, slots_offered=SLOTS_OFFERED)


def assert_fast_equals_pure(
    db: Session, request: MatchRequest, weights: MatchWeights, limits: tuple[int | None, ...]
) -> MatchOutcome:
    """The fast path gives the pure path's best ``limit`` matches and every exclusion count, at each limit;
    answers the pure outcome."""
    slow = pure_outcome(db, request, weights)
    for limit in limits:
        fast = matching.rank_providers(db, request, weights, limit=limit)
        assert fast.matches == (slow.matches if limit is None else slow.matches[:limit]), limit
        assert dict(fast.excluded) == dict(slow.excluded), limit
    return slow
