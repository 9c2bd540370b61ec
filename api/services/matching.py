"""Provider matching for a consultation (clinical-rules.md §3): the ranked candidates and the exclusions.

Matching runs in two stages so that its cost grows with the providers licensed in the patient's state, not
with the directory:

1. SQL (api.services.candidates, built from api.domain.matching's table): one range scan of the state's
   stored matching facts settles every hard filter it can for every slot a provider may have, counts what
   each removes, sends the rest (a verdict depending on the slot's date, a free-slot summary not valid now)
   to the exact path, and orders the candidates by an upper bound of their score.
2. The exact path: those providers, then the candidates from the highest bound down (tightened by the
   provider's slot hours: a cheap, sound bound of the preferred-times fit) and only while they can still
   reach the top ``limit``, go to the pure ``api.domain.matching.match_facts`` with their stored facts and
   free slots. Only the slots the ranking can depend on are computed: the first ones (enough for the
   earliest slot and the slots offered) and those inside the patient's preferred windows. Slots are aligned
   on availability windows, not on the range asked for, so the result is the one the whole 30-day horizon
   would give.

The exclusion counts come from the SQL for every provider it settled and from the exact path for the rest,
which it always scores whole, so they are the same whatever the ``limit``. The fast path equals the pure
one: tests/http/test_matching_properties.py (hypothesis) and tests/http/test_matching_equivalence.py check
matches, scores, slots and every exclusion count on random directories, at ``limit`` 1 and the maximum.
"""

from __future__ import annotations

import heapq
import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.principal import Principal
from api.db import utcnow
from api.domain import matching
from api.domain.availability import Slot, free_slots
from api.domain.consultation_status import ConsultationStatus, ReviewDecision
from api.domain.eligibility import EligibilityOutcome
from api.domain.matching import (
    CONSULTATION_LENGTH,
    HORIZON,
    SLOT_PROBE,
    SLOTS_OFFERED,
    HardFilter,
    MatchOutcome,
    MatchRequest,
    MatchWeights,
    ProviderMatch,
    match_facts,
)
from api.errors import Conflict
from api.models import Consultation, Provider
from api.services.candidates import CandidateQuery, ScoreBound
from api.services.consultations import get_consultation
from api.services.provider_facts import booked_intervals, parse_availability, stored_facts, with_details

log = logging.getLogger("api.matching")


class ConsultationNotReady(Conflict):
    code, title = "consultation_not_ready", "Consultation not ready for matching"


@dataclass(frozen=True)
class ProviderMatchView:
    provider: Provider
    score: float
    score_components: dict[str, float]
    earliest_slots: list[Slot]
    available_routes: list[str]


@dataclass(frozen=True)
class MatchesView:
    data: list[ProviderMatchView]
    excluded: dict[str, int]


def match_weights(pairs: Iterable[tuple[str, float]]) -> MatchWeights:
    return MatchWeights(**dict(pairs))


def find_matches(
    session: Session,
    principal: Principal,
    consultation_id: str,
    *,
    limit: int,
    weights: MatchWeights,
    now: datetime | None = None,
) -> MatchesView:
    """Ranked candidates for a ``ready`` consultation, the best ``limit``, and exclusions per filter."""
    consultation = get_consultation(session, principal, consultation_id)
    if consultation.status != ConsultationStatus.READY:
        raise ConsultationNotReady(
            f"Providers are matched to a ready consultation; this one is {consultation.status}."
        )
    request = match_request(session, consultation, now or utcnow())
    outcome = rank_providers(session, request, weights, limit=limit)
    top = outcome.matches
    providers = {
        p.id: p
        for p in session.scalars(
            with_details(select(Provider)).where(Provider.id.in_([m.provider_id for m in top]))
        )
    }
    return MatchesView(
        data=[
            ProviderMatchView(
                provider=providers[m.provider_id],
                score=m.score,
                score_components=m.score_components.as_dict(),
                earliest_slots=list(m.earliest_slots),
                available_routes=[str(route) for route in m.available_routes],
            )
            for m in top
        ],
        excluded=dict(outcome.excluded),
    )


def match_request(session: Session, consultation: Consultation, now: datetime) -> MatchRequest:
    """The consultation as ``match_providers`` sees it. A case a clinician approved after review counts as
    ``needs_review`` (clinical-rules.md §3, filter 6) whatever its stored outcome says now."""
    reviewed = (
        consultation.review_decision == ReviewDecision.APPROVE
        or consultation.eligibility_outcome == EligibilityOutcome.NEEDS_REVIEW
    )
    seen_by = session.scalars(
        select(Consultation.provider_id).where(
            Consultation.patient_id == consultation.patient_id,
            Consultation.status == ConsultationStatus.COMPLETED,
            Consultation.provider_id.is_not(None),
        )
    )
    return MatchRequest(
        patient_location_state=consultation.patient_location_state,
        now=now,
        conditions=frozenset(consultation.conditions),
        preferred_language=consultation.preferred_language,
        preferred_routes=frozenset(consultation.preferred_routes or ()),
        preferred_times=tuple(
            Slot(_instant(window["start"]), _instant(window["end"]))
            for window in consultation.preferred_times or ()
        ),
        eligibility_outcome=matching.REVIEW_OUTCOME if reviewed else EligibilityOutcome.ELIGIBLE,
        seen_by_provider_ids=frozenset(pid for pid in seen_by if pid),
        consultation_length=CONSULTATION_LENGTH,
        horizon=HORIZON,
    )


# Long on purpose: one search loop (read bounds, score a chunk, stop when no one further can rank)
# whose state (pool, waiting heap, unread bound) the nested helpers share; split, it would be passed around.
def rank_providers(
    session: Session, request: MatchRequest, weights: MatchWeights, *, limit: int | None = None
) -> MatchOutcome:
    """Every hard filter over the whole directory and the best ``limit`` matches (every match when None),
    exactly as ``match_providers`` over every provider with all its free slots (see the module docstring)."""
    query = CandidateQuery(request)
    plan = query.classify(session, weights, _first_batch(limit))
    excluded = {code.value: plan.excluded.get(code.value, 0) for code in HardFilter}
    pool: list[ProviderMatch] = []

    def evaluate(ids: Sequence[str], *, counted_in_sql: bool) -> None:
        for offset in range(0, len(ids), EXACT_CHUNK):
            outcome = _evaluate(session, query, ids[offset : offset + EXACT_CHUNK], weights)
            pool.extend(outcome.matches)
            if counted_in_sql:  # candidates: SQL counted them as passing; how many are read depends on limit
                _report_candidates_excluded(outcome)
                continue
            for code, count in outcome.excluded.items():
                excluded[code] += count

    def kth_score() -> float | None:
        if limit is None or len(pool) < limit:
            return None
        pool.sort(key=_rank_key)
        del pool[limit:]
        return pool[-1].score

    evaluate(plan.exact_ids, counted_in_sql=False)
    # Small chunks: the tight bound order puts the top ``limit`` first more often than not.
    chunk_size = EXACT_CHUNK if limit is None else min(EXACT_CHUNK, limit + 2)
    # Candidates read so far, by their tight bound (the SQL bound with the preferred-times fit bounded by
    # the slot hours), best first; the ones not read yet have at most the last SQL bound read.
    waiting: list[tuple[float, str]] = []
    seen: set[str] = set()
    unread_at_most = math.inf

    def read(entries: Sequence[ScoreBound]) -> None:
        nonlocal unread_at_most
        for entry in entries:
            if entry.provider_id not in seen:
                seen.add(entry.provider_id)
                heapq.heappush(waiting, (-_tight_bound(request, entry, weights), entry.provider_id))
        unread_at_most = entries[-1].bound if entries and len(seen) < plan.candidates else -math.inf

    read(plan.top)
    while waiting or unread_at_most > -math.inf:
        kth = kth_score()
        best_waiting = -waiting[0][0] if waiting else -math.inf
        if kth is not None and not _may_reach(max(best_waiting, unread_at_most), kth):
            break
        if unread_at_most > best_waiting:  # read further down the SQL bound order
            read(query.top_by_bound(session, weights, min(plan.candidates, max(len(seen), 1) * 4)))
            continue
        chunk: list[str] = []
        while waiting and len(chunk) < chunk_size:
            if kth is not None and not _may_reach(-waiting[0][0], kth):
                break
            chunk.append(heapq.heappop(waiting)[1])
        evaluate(chunk, counted_in_sql=True)
    pool.sort(key=_rank_key)
    return MatchOutcome(matches=tuple(pool if limit is None else pool[:limit]), excluded=excluded)


# Exact scores are computed this many providers at a time, from the highest score bound down.
EXACT_CHUNK = 48
# Score bounds come from SQL floats; a bound this much below the true one still stops nothing it should not.
BOUND_MARGIN = 1e-6


def _first_batch(limit: int | None) -> int | None:
    return None if limit is None else max(16 * limit, 512)


def _rank_key(match: ProviderMatch) -> tuple[float, datetime, str]:
    """``match_providers``'s order: score (rounded) descending, then earliest slot, then provider id."""
    return (-match.score, match.earliest_slots[0].start, match.provider_id)


def _may_reach(bound: float, kth_score: float) -> bool:
    """Whether a provider whose unrounded score is at most ``bound`` may rank level with or above a match
    scored ``kth_score`` (rounded to ``SCORE_DECIMALS``): rounding adds at most half a unit."""
    half_unit = 0.5 / 10.0**matching.SCORE_DECIMALS
    return bound + BOUND_MARGIN >= kth_score - half_unit


def _tight_bound(request: MatchRequest, entry: ScoreBound, weights: MatchWeights) -> float:
    """``entry.bound`` with the preferred-times fit (taken as 1 there) bounded by the slot hours."""
    if not request.preferred_times or entry.slot_hours is None or weights.preferred_times == 0:
        return entry.bound
    if request.consultation_length != CONSULTATION_LENGTH:
        return entry.bound
    fit = matching.preferred_times_bound(request, entry.timezone, int(entry.slot_hours, 16))
    return entry.bound - weights.preferred_times * (1.0 - fit) / weights.total


def _evaluate(
    session: Session, query: CandidateQuery, ids: Sequence[str], weights: MatchWeights
) -> MatchOutcome:
    """``match_facts`` over these licensed providers' stored facts with their free slots, computed now."""
    request = query.request
    rows = query.exact_rows(session, ids)
    booked = booked_intervals(
        session, [row.provider_id for row in rows], request.now, request.now + request.horizon
    )
    providers = [
        (
            stored_facts(row),
            _ranking_slots(request, row.availability, row.timezone, booked.get(row.provider_id, ())),
        )
        for row in rows
    ]
    return match_facts(request, providers, weights, slots_offered=SLOTS_OFFERED)


def _report_candidates_excluded(outcome: MatchOutcome) -> None:
    """A candidate is a provider SQL found passing every filter over the same stored facts and a free-slot
    summary valid now, so the exact path excludes one only when a stored summary is wrong (a write that
    did not refresh it). It is left out of the matches and not counted, so the counts stay the same at
    every ``limit``, and logged: the summary mends at its next write or when it expires."""
    wrong = {code: count for code, count in outcome.excluded.items() if count}
    if wrong:
        log.warning("matching: candidates of the SQL refused by the rules (a stale summary?): %s", wrong)


def _ranking_slots(
    request: MatchRequest,
    availability: dict[str, Any],
    timezone: str,
    booked: Sequence[tuple[datetime, datetime]],
) -> tuple[Slot, ...]:
    """The free slots ranking depends on: the first ``SLOTS_OFFERED`` or more, those in preferred windows."""
    parsed = parse_availability(availability)
    tz = ZoneInfo(timezone)
    horizon_end = request.now + request.horizon

    def slots_in(start: datetime, end: datetime) -> list[Slot]:
        return free_slots(
            parsed.weekly,
            parsed.exceptions,
            tz,
            start,
            end,
            request.consultation_length,
            booked=booked,
            now=request.now,
        )

    searched_until = min(request.now + SLOT_PROBE, horizon_end)
    found = slots_in(request.now, searched_until)
    if len(found) < SLOTS_OFFERED and searched_until < horizon_end:
        searched_until = horizon_end  # sparse availability: the whole horizon
        found = slots_in(request.now, searched_until)
    found_set = set(found)
    for window in request.preferred_times:
        start, end = max(window.start, request.now), min(window.end, horizon_end)
        if start < end and end > searched_until:  # a window already searched holds no other slot
            found_set.update(slots_in(start, end))
    return tuple(sorted(found_set))


def _instant(value: str | datetime) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment.astimezone(UTC)
