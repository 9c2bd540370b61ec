"""Provider matching, booking, rescheduling, and the visit itself (start, complete).

Matching (clinical-rules.md §3) runs in two stages so that its cost grows with the providers licensed in
the patient's state, not with the directory:

1. SQL, one range scan of the matching facts of the patient's state (``ProviderStateFacts``, kept current
   by every write to what they hold): the DEA, route/site, capacity and stored first-free-slot filters
   and the count of providers each removes, under the first filter it fails (the order ``HardFilter``
   declares), and the candidates by an upper bound of their score.
2. The survivors, from the highest bound down (tightened by the provider's slot hours: a cheap, sound
   bound of the preferred-times fit) and only while they can still reach the top ``limit``, go to the pure
   ``api.domain.matching.match_providers`` with the facts of this request (the licence and DEA
   registration in the patient's state, their sites there, the accepted routes they offer, whether they
   are psychiatrists and speak the patient's language) and their free slots. Only the slots the ranking
   can depend on are computed: the first ones (enough for the earliest slot and the slots offered) and
   those inside the patient's preferred windows. Slots are aligned on availability windows,
   not on the range asked for, so the result is the one the whole 30-day horizon would give.

Booking re-checks every hard filter for the chosen slot and writes in one transaction; a database
constraint (see api.models.provider) makes a double booking impossible, and the loser gets 409
``slot_unavailable``. The provider's active-patient count rises with a booking (an atomic conditional
UPDATE, so capacity cannot be overrun either) and falls when the visit is completed or cancelled.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    String,
    and_,
    case,
    cast,
    exists,
    extract,
    false,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.auth.principal import Principal
from api.db import utcnow
from api.domain import matching
from api.domain.availability import Slot, free_slots
from api.domain.consultation_status import ConsultationAction, ConsultationStatus, transition
from api.domain.matching import (
    HardFilter,
    MatchOutcome,
    MatchRequest,
    MatchWeights,
    ProviderCandidate,
    ProviderMatch,
    failing_filters_for_booking,
    match_providers,
)
from api.domain.protocols import Route
from api.errors import Conflict, FieldError, NotFound, RuleViolation
from api.ids import random_secret
from api.models import (
    Appointment,
    Consultation,
    DeaRegistration,
    PracticeSite,
    Provider,
    ProviderDirectorySize,
    ProviderLanguage,
    ProviderLicense,
    ProviderRoute,
    ProviderSpecialty,
    ProviderStateFacts,
)
from api.models.provider import APPOINTMENT_OVERLAP
from api.services.access import require_kind
from api.services.appointments import BOOKED, COMPLETED, release_place
from api.services.consultations import change_status, get_consultation
from api.services.providers import (
    ACTIVE_LICENSE,
    CONSULTATION_LENGTH,
    HORIZON,
    booked_intervals,
    parse_availability,
    refresh_free_slot_summary,
    route_bits,
    with_details,
)

# First look this far ahead for a provider's slots; most providers have enough slots in it.
PROBE = timedelta(days=4)
SLOTS_OFFERED = 3


class SlotUnavailable(Conflict):
    code, title = "slot_unavailable", "Slot unavailable"


class ProviderNotQualified(RuleViolation):
    code, title = "provider_not_qualified", "Provider not qualified"


class ConsultationNotReady(Conflict):
    code, title = "consultation_not_ready", "Consultation not ready for matching"


class AppointmentNotFound(NotFound):
    title = "Appointment not found"


FILTER_MESSAGES: dict[HardFilter, str] = {
    HardFilter.LICENSE: "No active licence in the patient's state covering the slot's date.",
    HardFilter.DEA: "No DEA registration in the patient's state covering schedule III on the slot's date.",
    HardFilter.ROUTE: "No accepted route deliverable in the patient's state (a site; REMS for intranasal).",
    HardFilter.CAPACITY: "Not accepting new patients, or at the active-patient limit.",
    HardFilter.CREDENTIAL: "This case needs an MD or DO in psychiatry.",
}


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


# --- matching ---------------------------------------------------------------------------------------
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
    reviewed = consultation.review_decision == "approve" or consultation.eligibility_outcome == "needs_review"
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
        eligibility_outcome=matching.REVIEW_OUTCOME if reviewed else "eligible",
        seen_by_provider_ids=frozenset(pid for pid in seen_by if pid),
        consultation_length=CONSULTATION_LENGTH,
        horizon=HORIZON,
    )


def rank_providers(
    session: Session, request: MatchRequest, weights: MatchWeights, *, limit: int | None = None
) -> MatchOutcome:
    """Every hard filter over the whole directory and the best ``limit`` matches (every match when None),
    exactly as ``match_providers`` over every provider with all its free slots (see the module docstring)."""
    facts = _StateFacts(request)
    plan = facts.classify(session, weights, _first_batch(limit))
    excluded = {code.value: plan.excluded.get(code.value, 0) for code in HardFilter}
    pool: list[ProviderMatch] = []

    def evaluate(ids: Sequence[str]) -> None:
        for offset in range(0, len(ids), EXACT_CHUNK):
            outcome = facts.evaluate(session, ids[offset : offset + EXACT_CHUNK], weights)
            pool.extend(outcome.matches)
            for code, count in outcome.excluded.items():
                excluded[code] += count

    def kth_score() -> float | None:
        if limit is None or len(pool) < limit:
            return None
        pool.sort(key=_rank_key)
        del pool[limit:]
        return pool[-1].score

    evaluate(plan.exact_ids)
    # Small chunks: the tight bound order puts the top ``limit`` first more often than not.
    chunk_size = EXACT_CHUNK if limit is None else min(EXACT_CHUNK, limit + 2)
    # Candidates read so far, by their tight bound (the SQL bound with the preferred-times fit bounded by
    # the slot hours), best first; the ones not read yet have at most the last SQL bound read.
    waiting: list[tuple[float, str]] = []
    seen: set[str] = set()
    unread_at_most = math.inf

    def read(entries: Sequence[_Bound]) -> None:
        nonlocal unread_at_most
        for entry in entries:
            if entry.provider_id not in seen:
                seen.add(entry.provider_id)
                heapq.heappush(waiting, (-facts.tight_bound(entry, weights), entry.provider_id))
        unread_at_most = entries[-1].bound if entries and len(seen) < plan.candidates else -math.inf

    read(plan.top)
    while waiting or unread_at_most > -math.inf:
        kth = kth_score()
        best_waiting = -waiting[0][0] if waiting else -math.inf
        if kth is not None and not _may_reach(max(best_waiting, unread_at_most), kth):
            break
        if unread_at_most > best_waiting:  # read further down the SQL bound order
            read(facts.top_by_bound(session, weights, min(plan.candidates, max(len(seen), 1) * 4)))
            continue
        chunk: list[str] = []
        while waiting and len(chunk) < chunk_size:
            if kth is not None and not _may_reach(-waiting[0][0], kth):
                break
            chunk.append(heapq.heappop(waiting)[1])
        evaluate(chunk)
    pool.sort(key=_rank_key)
    return MatchOutcome(matches=tuple(pool if limit is None else pool[:limit]), excluded=excluded)


# Exact scores are computed this many providers at a time, from the highest score bound down.
EXACT_CHUNK = 48
# Score bounds come from SQL floats; a bound this much below the true one still stops nothing it should not.
BOUND_MARGIN = 1e-6
_CATEGORY_EXACT, _CATEGORY_CANDIDATE = "~exact", "~candidate"


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


@dataclass(frozen=True)
class _Bound:
    """A candidate's SQL score bound, with what the preferred-times bound needs (its zone, slot hours)."""

    provider_id: str
    bound: float
    timezone: str
    slot_hours: str | None


@dataclass(frozen=True)
class _Plan:
    """What the classifying query found: exclusions settled in SQL, providers needing the exact Python
    path, and the best candidates by score bound (id, bound), best first."""

    excluded: dict[str, int]
    exact_ids: list[str]
    candidates: int
    top: list[_Bound]


class _StateFacts:
    """The SQL pieces of one matching request: what each hard filter means for the patient's state."""

    def __init__(self, request: MatchRequest) -> None:
        self.request = request
        self.state = request.patient_location_state
        self.today = request.now.astimezone(UTC).date()
        # Every usable slot starts on or before this UTC date: a licence or DEA registration covering it
        # covers every slot, so neither can fail on the slot's date rather than today's.
        self.horizon_date = (request.now + request.horizon).astimezone(UTC).date()
        # A usable slot ends within the horizon: the latest start a first free slot may have.
        self.last_start = request.now + request.horizon - request.consultation_length
        self.routes = [
            route for route in Route if not request.preferred_routes or route in request.preferred_routes
        ]

    def licensed_subquery(self, ids: Sequence[str] | None = None) -> Any:
        """Providers with an active licence in the state not expired today, and the last date it covers."""
        stmt = select(
            ProviderLicense.provider_id.label("provider_id"),
            func.max(ProviderLicense.expires_on).label("license_through"),
        ).where(
            ProviderLicense.state == self.state,
            ProviderLicense.status == ACTIVE_LICENSE,
            ProviderLicense.expires_on >= self.today,
        )
        if ids is not None:
            stmt = stmt.where(ProviderLicense.provider_id.in_(ids))
        return stmt.group_by(ProviderLicense.provider_id).subquery("licensed")

    def _site(self, provider_id: Any, *, rems: bool) -> ColumnElement[bool]:
        conditions = [PracticeSite.provider_id == provider_id, PracticeSite.state == self.state]
        if rems:
            conditions.append(PracticeSite.rems_certified.is_(True))
        return exists().where(*conditions)

    def _offers(self, provider_id: Any, routes: Sequence[Route]) -> ColumnElement[bool]:
        if not routes:
            return false()
        return exists().where(
            ProviderRoute.provider_id == provider_id, ProviderRoute.route.in_([str(r) for r in routes])
        )

    def routes_deliverable(self, facts: Any) -> ColumnElement[bool]:
        """At least one accepted route the provider offers and can deliver here (a site, a REMS site), from
        a ``ProviderStateFacts`` row: its routes bitmask and site flags."""
        anywhere = [r for r in self.routes if r not in matching.ROUTES_NEEDING_SITE]
        at_site = [
            r
            for r in self.routes
            if r in matching.ROUTES_NEEDING_SITE and r not in matching.ROUTES_NEEDING_REMS_SITE
        ]
        at_rems_site = [r for r in self.routes if r in matching.ROUTES_NEEDING_REMS_SITE]

        def offers(routes: Sequence[Route]) -> ColumnElement[bool]:
            overlap: ColumnElement[bool] = facts.routes.op("&")(route_bits(routes)) != 0
            return overlap

        ways = []
        if anywhere:
            ways.append(offers(anywhere))
        if at_site:
            ways.append(and_(offers(at_site), facts.has_site.is_(True)))
        if at_rems_site:
            ways.append(and_(offers(at_rems_site), facts.has_rems_site.is_(True)))
        return or_(*ways) if ways else false()

    def _dea_through(self, provider_id: Any) -> Any:
        return (
            select(func.max(DeaRegistration.expires_on))
            .where(
                DeaRegistration.provider_id == provider_id,
                DeaRegistration.state == self.state,
                DeaRegistration.covers_schedule_iii.is_(True),
            )
            .scalar_subquery()
        )

    def _speaks(self, provider_id: Any) -> ColumnElement[bool]:
        wanted = _primary_language(self.request.preferred_language)
        assert wanted
        return exists().where(
            ProviderLanguage.provider_id == provider_id,
            or_(ProviderLanguage.language == wanted, ProviderLanguage.language.startswith(f"{wanted}-")),
        )

    # --- the classifying query ---------------------------------------------------------------------
    def _classified(self) -> Any:
        """Each licensed provider once, under the category that settles it: a hard filter code (excluded
        without any slot: its licence and DEA registration cover the whole horizon, so the first failing
        filter does not depend on the slot's date), ``_CATEGORY_CANDIDATE`` (passes every filter, its stored
        first free slot is valid now) or ``_CATEGORY_EXACT`` (needs its slots computed: a licence or DEA
        registration ending within the horizon, or a free-slot summary not valid now)."""
        request = self.request
        facts = ProviderStateFacts
        base = (
            select(
                facts.provider_id,
                facts.license_through,
                facts.dea_through,
                facts.has_site,
                facts.has_rems_site,
                facts.routes,
                facts.languages,
                facts.psychiatrist,
                facts.accepting_new_patients,
                facts.active_patients,
                facts.max_active_patients,
                facts.first_free_slot_at,
                facts.free_slots_computed_at,
                facts.free_slots_valid_until,
                facts.timezone,
                facts.slot_hours,
            )
            .where(facts.state == self.state, facts.license_through >= self.today)
            .subquery("matching_base")
        )
        c = base.c
        whens: list[tuple[ColumnElement[bool], str]] = [
            (
                or_(
                    c.license_through < self.horizon_date,
                    and_(c.dea_through >= self.today, c.dea_through < self.horizon_date),
                ),
                _CATEGORY_EXACT,
            ),
            (or_(c.dea_through.is_(None), c.dea_through < self.today), HardFilter.DEA.value),
            (~self.routes_deliverable(c), HardFilter.ROUTE.value),
            (
                ~and_(c.accepting_new_patients.is_(True), c.active_patients < c.max_active_patients),
                HardFilter.CAPACITY.value,
            ),
            (
                or_(
                    c.free_slots_computed_at.is_(None),
                    c.free_slots_computed_at > request.now,
                    c.free_slots_valid_until < request.now,
                ),
                _CATEGORY_EXACT,
            ),
            (
                or_(c.first_free_slot_at.is_(None), c.first_free_slot_at > self.last_start),
                HardFilter.NO_SLOT.value,
            ),
        ]
        if matching.needs_psychiatrist(request):
            psychiatrist = c.psychiatrist.is_(True)
            whens.append((~psychiatrist, HardFilter.CREDENTIAL.value))
        return (
            select(
                c.provider_id,
                case(*whens, else_=_CATEGORY_CANDIDATE).label("category"),
                c.first_free_slot_at,
                c.active_patients,
                c.max_active_patients,
                c.languages,
                c.timezone,
                c.slot_hours,
            )
            .cte("matching_classified")
            .prefix_with("MATERIALIZED")
        )

    def _bound(self, classified: Any, weights: MatchWeights, dialect: str) -> ColumnElement[float]:
        """An upper bound of a candidate's unrounded score: every component exact but preferred-times fit,
        taken as 1 (exact when the patient has no preferred times). The earliest-slot component comes from
        the stored first free slot, valid now for a candidate."""
        request = self.request
        c = classified.c
        now_epoch = request.now.timestamp()
        seconds: Any
        if dialect == "sqlite":
            seconds = (func.julianday(c.first_free_slot_at) - 2440587.5) * 86400.0 - now_epoch
        else:
            seconds = cast(extract("epoch", c.first_free_slot_at), Float) - now_epoch
        earliest = 1.0 - seconds / request.horizon.total_seconds()
        language: Any = literal(1.0)
        if request.preferred_language:
            wanted = _primary_language(request.preferred_language)
            speaks = c.languages.contains(f" {wanted} ", autoescape=True)
            language = case((speaks, 1.0), else_=0.0)
        continuity: Any = literal(0.0)
        if request.seen_by_provider_ids:
            continuity = case((c.provider_id.in_(sorted(request.seen_by_provider_ids)), 1.0), else_=0.0)
        spare = 1.0 - cast(c.active_patients, Float) / c.max_active_patients
        total = (
            weights.earliest_slot * earliest
            + weights.language * language
            + weights.preferred_times * 1.0
            + weights.spare_capacity * spare
            + weights.continuity * continuity
        )
        return cast(total / weights.total, Float)

    def _top(self, classified: Any, weights: MatchWeights, dialect: str, count: int | None) -> Any:
        bound = self._bound(classified, weights, dialect).label("bound")
        stmt = (
            select(classified.c.provider_id, bound, classified.c.timezone, classified.c.slot_hours)
            .where(classified.c.category == _CATEGORY_CANDIDATE)
            .order_by(bound.desc(), classified.c.provider_id)
        )
        return stmt if count is None else stmt.limit(count)

    def classify(self, session: Session, weights: MatchWeights, count: int | None) -> _Plan:
        """One statement, one pass over the licensed providers: the count per category, the providers
        needing the exact path, and the ``count`` best candidates by score bound (every one when None)."""
        dialect = session.get_bind().dialect.name
        classified = self._classified()
        no_text, no_float = cast(null(), String), cast(null(), Float)
        counts = select(
            classified.c.category,
            func.count().label("n"),
            no_text.label("provider_id"),
            no_float,
            no_text,
            no_text,
        ).group_by(classified.c.category)
        exact = select(
            literal(_CATEGORY_EXACT, String),
            literal(0, Integer),
            classified.c.provider_id,
            no_float,
            no_text,
            no_text,
        ).where(classified.c.category == _CATEGORY_EXACT)
        top = self._top(classified, weights, dialect, count).subquery("top")
        ranked = select(
            literal(_CATEGORY_CANDIDATE, String),
            literal(0, Integer),
            top.c.provider_id,
            top.c.bound,
            top.c.timezone,
            top.c.slot_hours,
        )
        directory = select(
            literal("~directory", String),
            select(ProviderDirectorySize.providers).where(ProviderDirectorySize.id == 1).scalar_subquery(),
            no_text,
            no_float,
            no_text,
            no_text,
        )
        rows = session.execute(union_all(counts, exact, ranked, directory)).all()
        tally: dict[str, int] = {}
        exact_ids: list[str] = []
        bounds: list[_Bound] = []
        for category, number, provider_id, bound, timezone, hours in rows:
            if provider_id is None:
                tally[category] = number
            elif category == _CATEGORY_EXACT:
                exact_ids.append(provider_id)
            else:
                bounds.append(_Bound(provider_id, bound, timezone, hours))
        bounds.sort(key=lambda entry: (-entry.bound, entry.provider_id))
        directory_size = tally.pop("~directory")
        excluded = {code.value: tally.get(code.value, 0) for code in HardFilter}
        excluded[HardFilter.LICENSE.value] = directory_size - sum(tally.values())
        return _Plan(
            excluded=excluded,
            exact_ids=sorted(exact_ids),
            candidates=tally.get(_CATEGORY_CANDIDATE, 0),
            top=bounds,
        )

    def top_by_bound(self, session: Session, weights: MatchWeights, count: int) -> list[_Bound]:
        dialect = session.get_bind().dialect.name
        rows = session.execute(self._top(self._classified(), weights, dialect, count)).all()
        return [_Bound(*row) for row in rows]

    def tight_bound(self, entry: _Bound, weights: MatchWeights) -> float:
        """``entry.bound`` with the preferred-times fit (taken as 1 there) bounded by the slot hours."""
        request = self.request
        if not request.preferred_times or entry.slot_hours is None or weights.preferred_times == 0:
            return entry.bound
        if request.consultation_length != CONSULTATION_LENGTH:
            return entry.bound
        fit = matching.preferred_times_bound(request, entry.timezone, int(entry.slot_hours, 16))
        return entry.bound - weights.preferred_times * (1.0 - fit) / weights.total

    # --- the exact path ----------------------------------------------------------------------------
    def evaluate(self, session: Session, ids: Sequence[str], weights: MatchWeights) -> MatchOutcome:
        """``match_providers`` over these licensed providers with their free slots, computed now."""
        licensed = self.licensed_subquery(ids)
        rows = session.execute(
            select(*self.candidate_columns(licensed))
            .select_from(licensed)
            .join(Provider, Provider.id == licensed.c.provider_id)
        ).all()
        request = self.request
        booked = booked_intervals(
            session, [row.id for row in rows], request.now, request.now + request.horizon
        )
        candidates = [self.candidate(row, booked.get(row.id, ())) for row in rows]
        return match_providers(request, candidates, weights, slots_offered=SLOTS_OFFERED)

    def candidate_columns(self, licensed: Any) -> list[Any]:
        columns: list[Any] = [
            Provider.id,
            Provider.credential,
            Provider.accepting_new_patients,
            Provider.max_active_patients,
            Provider.active_patients,
            Provider.timezone,
            Provider.availability,
            licensed.c.license_through,
            self._dea_through(Provider.id).label("dea_through"),
            self._site(Provider.id, rems=False).label("has_site"),
            self._site(Provider.id, rems=True).label("has_rems_site"),
            exists()
            .where(
                ProviderSpecialty.provider_id == Provider.id,
                ProviderSpecialty.specialty == matching.PSYCHIATRY_SPECIALTY,
            )
            .label("psychiatry"),
        ]
        columns += [
            self._offers(Provider.id, [route]).label(f"offers_{route.value}") for route in self.routes
        ]
        if self.request.preferred_language:
            columns.append(self._speaks(Provider.id).label("speaks"))
        return columns

    def candidate(self, row: Any, booked: Sequence[tuple[datetime, datetime]]) -> ProviderCandidate:
        """The provider as matching sees it for this state (records of other states cannot matter here)."""
        request = self.request
        wanted = _primary_language(request.preferred_language)
        return ProviderCandidate(
            id=row.id,
            credential=row.credential,
            specialties=frozenset({matching.PSYCHIATRY_SPECIALTY} if row.psychiatry else ()),
            languages=(wanted,) if wanted and row.speaks else (),
            routes_offered=frozenset(str(r) for r in self.routes if getattr(row, f"offers_{r.value}")),
            sites=(matching.PracticeSite(self.state, bool(row.has_rems_site)),) if row.has_site else (),
            licenses=(matching.StateLicense(self.state, ACTIVE_LICENSE, _as_date(row.license_through)),),
            dea_registrations=(
                (
                    matching.DeaRegistration(
                        self.state, frozenset({matching.KETAMINE_DEA_SCHEDULE}), _as_date(row.dea_through)
                    ),
                )
                if row.dea_through is not None
                else ()
            ),
            accepting_new_patients=bool(row.accepting_new_patients),
            max_active_patients=row.max_active_patients,
            active_patients=row.active_patients,
            free_slots=tuple(_ranking_slots(request, row.availability, row.timezone, booked)),
        )


def _ranking_slots(
    request: MatchRequest,
    availability: dict[str, Any],
    timezone: str,
    booked: Sequence[tuple[datetime, datetime]],
) -> list[Slot]:
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

    searched_until = min(request.now + PROBE, horizon_end)
    found = slots_in(request.now, searched_until)
    if len(found) < SLOTS_OFFERED and searched_until < horizon_end:
        searched_until = horizon_end  # sparse availability: the whole horizon
        found = slots_in(request.now, searched_until)
    found_set = set(found)
    for window in request.preferred_times:
        start, end = max(window.start, request.now), min(window.end, horizon_end)
        if start < end and end > searched_until:  # a window already searched holds no other slot
            found_set.update(slots_in(start, end))
    return sorted(found_set)


# --- booking ----------------------------------------------------------------------------------------
def assign_provider(
    session: Session,
    principal: Principal,
    consultation_id: str,
    provider_id: str,
    slot_start: datetime,
    *,
    video_base_url: str,
    precondition: Callable[[Consultation], None],
    now: datetime | None = None,
) -> Appointment:
    """Book ``provider_id`` at ``slot_start`` for a ready consultation, which becomes ``scheduled``."""
    require_kind(principal, "partner_client", "patient", "admin", action="book consultations")
    consultation = get_consultation(session, principal, consultation_id, for_update=True)
    precondition(consultation)
    transition(consultation.status, ConsultationAction.SCHEDULE)  # 409 before any work when not ready
    provider = session.get(Provider, provider_id)
    if provider is None:
        raise ProviderNotQualified(
            f"No provider {provider_id}.",
            errors=[FieldError("/provider_id", "not_found", "No such provider in the directory.")],
        )
    request = match_request(session, consultation, now or utcnow())
    _recheck(session, request, provider, slot_start, appointment=None)

    took_a_place = session.execute(
        update(Provider)
        .where(
            Provider.id == provider.id,
            Provider.accepting_new_patients.is_(True),
            Provider.active_patients < Provider.max_active_patients,
        )
        .values(active_patients=Provider.active_patients + 1)
        .execution_options(synchronize_session=False)
    )
    if took_a_place.rowcount == 0:  # type: ignore[attr-defined]
        session.rollback()
        raise _not_qualified([HardFilter.CAPACITY])
    session.expire(provider, ["active_patients"])
    appointment = Appointment(
        partner_id=consultation.partner_id,
        consultation_id=consultation.id,
        provider_id=provider.id,
        starts_at=slot_start,
        ends_at=slot_start + CONSULTATION_LENGTH,
        status=BOOKED,
        video_url=f"{video_base_url.rstrip('/')}/{random_secret(24)}",
    )
    session.add(appointment)
    consultation.provider_id = provider.id
    change_status(session, consultation, ConsultationAction.SCHEDULE, provider_id=provider.id)
    _commit_booking(session, provider)
    return appointment


def reschedule(
    session: Session,
    principal: Principal,
    consultation_id: str,
    slot_start: datetime,
    *,
    precondition: Callable[[Consultation], None],
    now: datetime | None = None,
) -> Appointment:
    """Move the booked appointment to another free slot of the same provider.

    Every hard filter is re-checked for the new slot except capacity: the patient already holds a place.
    """
    require_kind(
        principal, "partner_client", "patient", "provider", "admin", action="reschedule consultations"
    )
    consultation = get_consultation(session, principal, consultation_id, for_update=True)
    precondition(consultation)
    transition(consultation.status, ConsultationAction.RESCHEDULE)
    appointment = _booked_appointment(session, consultation)
    provider = session.get(Provider, appointment.provider_id)
    assert provider is not None  # a foreign key
    request = match_request(session, consultation, now or utcnow())
    _recheck(session, request, provider, slot_start, appointment=appointment)
    appointment.starts_at = slot_start
    appointment.ends_at = slot_start + CONSULTATION_LENGTH
    change_status(session, consultation, ConsultationAction.RESCHEDULE)
    _commit_booking(session, provider)
    return appointment


def start_visit(
    session: Session,
    principal: Principal,
    consultation_id: str,
    *,
    precondition: Callable[[Consultation], None],
) -> Consultation:
    """The assigned clinician (or an admin) starts the video visit: ``scheduled`` -> ``in_progress``."""
    consultation = _clinician_consultation(session, principal, consultation_id, action="start visits")
    precondition(consultation)
    change_status(session, consultation, ConsultationAction.START)
    consultation.started_at = utcnow()
    session.commit()
    return consultation


def complete_visit(
    session: Session,
    principal: Principal,
    consultation_id: str,
    outcome: str,
    summary: str,
    *,
    precondition: Callable[[Consultation], None],
) -> Consultation:
    """``in_progress`` -> ``completed`` with the clinician's outcome; frees the provider's place."""
    consultation = _clinician_consultation(session, principal, consultation_id, action="complete visits")
    precondition(consultation)
    change_status(session, consultation, ConsultationAction.COMPLETE, outcome=outcome)
    consultation.outcome = outcome
    consultation.summary = summary
    consultation.completed_at = utcnow()
    appointment = _booked_appointment(session, consultation)
    appointment.status = COMPLETED
    release_place(session, appointment.provider_id)
    session.commit()
    return consultation


def get_appointment(session: Session, principal: Principal, consultation_id: str) -> Appointment:
    """The consultation's latest appointment, whatever its status."""
    consultation = get_consultation(session, principal, consultation_id)
    appointment: Appointment | None = session.scalar(
        select(Appointment)
        .where(Appointment.consultation_id == consultation.id)
        .order_by(Appointment.created_at.desc(), Appointment.id.desc())
        .limit(1)
    )
    if appointment is None:
        raise AppointmentNotFound(f"Consultation {consultation_id} has no appointment.")
    return appointment


def _recheck(
    session: Session,
    request: MatchRequest,
    provider: Provider,
    slot_start: datetime,
    *,
    appointment: Appointment | None,
) -> None:
    """Every hard filter for ``provider`` at ``slot_start``: 409 when the slot is not free, 422 otherwise."""
    slot_end = slot_start + request.consultation_length
    booked = booked_intervals(
        session,
        [provider.id],
        slot_start,
        slot_end,
        except_appointment_id=appointment.id if appointment is not None else None,
    )
    availability = parse_availability(provider.availability)
    slots = free_slots(
        availability.weekly,
        availability.exceptions,
        ZoneInfo(provider.timezone),
        slot_start,
        slot_end,
        request.consultation_length,
        booked=booked.get(provider.id, ()),
        now=request.now,
    )
    failures = failing_filters_for_booking(request, full_candidate(provider, tuple(slots)), slot_start)
    if appointment is not None:  # rescheduling: the patient already holds a place with this provider
        failures = [code for code in failures if code != HardFilter.CAPACITY]
    if HardFilter.NO_SLOT in failures and len(failures) == 1:
        raise SlotUnavailable(
            "This slot is not free: taken, outside the availability, in the past or beyond 30 days.",
            errors=[FieldError("/slot_start", "slot_unavailable", "Pick one of the provider's free slots.")],
        )
    if failures:
        raise _not_qualified([code for code in failures if code != HardFilter.NO_SLOT])


def full_candidate(provider: Provider, slots: tuple[Slot, ...]) -> ProviderCandidate:
    """A provider with all their records, as the pure matching module takes it."""
    return ProviderCandidate(
        id=provider.id,
        credential=provider.credential,
        specialties=frozenset(provider.specialties),
        languages=tuple(provider.languages),
        routes_offered=frozenset(provider.routes_offered),
        sites=tuple(matching.PracticeSite(site.state, site.rems_certified) for site in provider.site_rows),
        licenses=tuple(
            matching.StateLicense(row.state, row.status, row.expires_on) for row in provider.license_rows
        ),
        dea_registrations=tuple(
            matching.DeaRegistration(row.state, frozenset(row.schedules), row.expires_on)
            for row in provider.dea_rows
        ),
        accepting_new_patients=provider.accepting_new_patients,
        max_active_patients=provider.max_active_patients,
        active_patients=provider.active_patients,
        free_slots=slots,
    )


def _not_qualified(failures: Sequence[HardFilter]) -> ProviderNotQualified:
    return ProviderNotQualified(
        "The provider does not qualify for this consultation: " + ", ".join(failures) + ".",
        errors=[FieldError("/provider_id", str(code), FILTER_MESSAGES[code]) for code in failures],
        extra={"failed_filters": [str(code) for code in failures]},
    )


def _commit_booking(session: Session, provider: Provider) -> None:
    """Write the booking and, in the same transaction, the provider's free-slot summary it moved."""
    try:
        session.flush()  # the overlap guard speaks here, before the summary reads the appointments
        refresh_free_slot_summary(session, provider)
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        if APPOINTMENT_OVERLAP in str(exc.orig):
            raise SlotUnavailable(
                "Another booking took this provider's time first. Pick another slot.",
                errors=[FieldError("/slot_start", "slot_unavailable", "Taken by a concurrent booking.")],
            ) from None
        raise Conflict(
            "The consultation was booked by a concurrent request.", code="invalid_transition"
        ) from None


def _booked_appointment(session: Session, consultation: Consultation) -> Appointment:
    appointment: Appointment | None = session.scalar(
        select(Appointment).where(
            Appointment.consultation_id == consultation.id, Appointment.status == BOOKED
        )
    )
    if appointment is None:  # a scheduled consultation always has one; guard against hand-edited data
        raise AppointmentNotFound(f"Consultation {consultation.id} has no booked appointment.")
    return appointment


def _clinician_consultation(
    session: Session, principal: Principal, consultation_id: str, *, action: str
) -> Consultation:
    # Looked up before the role check: another tenant's case is 404 (never 403) to every caller.
    consultation = get_consultation(session, principal, consultation_id, for_update=True)
    require_kind(principal, "provider", "admin", action=action)
    if principal.kind == "provider" and consultation.provider_id != principal.provider_id:
        # A reviewer may see a case in the review queue; only the assigned clinician runs the visit.
        raise NotFound(f"No consultation {consultation_id} assigned to you.")
    return consultation


def _instant(value: str | datetime) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment.astimezone(UTC)


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _primary_language(tag: str | None) -> str | None:
    return tag.split("-", 1)[0].lower() if tag else None
