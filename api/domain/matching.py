"""Provider matching for a consultation: hard filters, then a weighted score (clinical-rules.md §3).

Pure and deterministic: the caller passes ``now`` and each provider's free slots (``availability.free_slots``
over the horizon, minus booked appointments); the same input always gives the same order.

Every rule is declared once, as data: ``HARD_FILTERS`` and ``SCORE_PARTS`` give each filter and score part
its code, the facts it reads (``ProviderFacts``, derived from a provider's records by ``provider_facts``) and
one condition or value written through ``Ops``. ``PLAIN`` evaluates them here, over Python values; the fast
path (api.services.candidates) builds its SQL from the same entries over the stored facts
(api.services.provider_facts stores exactly ``ProviderFacts``). A new rule is one entry; a rule needing a
fact not stored yet adds it to ``ProviderFacts`` and its derivation, with a migration for the column.

Decisions where §3 leaves room:

* Filters run in §3 order; a provider failing several is counted once, under the first (``HardFilter`` order).
* Licence and DEA expiry are judged on a slot's UTC calendar date, ``expires_on`` inclusive. Local dates in
  the states, DC and Puerto Rico are never ahead of UTC, so this is never more lenient than the local date
  there (only in Guam and the Northern Mariana Islands can it be a day late). When the provider has no usable
  slot, they are judged on today's UTC date, so an expired licence counts as ``license``, not ``no_slot``.
* A slot is usable when it starts at or after ``now``, ends within ``now + horizon`` and lasts at least the
  consultation length. Only slots on dates the licence and DEA registration still cover are offered or scored,
  so an offered slot passes the booking re-check.
* Preferred-times fit is the share of the patient's preferred windows that hold at least one offerable slot
  entirely inside them, over the whole horizon, not only the few slots shown. No preference scores 1: every
  time fits such a patient, and the value is the same for every provider, so the order does not change.
* Language match compares BCP 47 primary subtags case-insensitively ("es-MX" matches "es"); no preferred
  language scores 1, for the same reason as preferred times.
* The score is the weighted mean of the components (weights divided by their sum), so it stays in [0, 1]
  whatever the configured weights. It is rounded to ``SCORE_DECIMALS`` and the order uses the rounded score,
  so two providers shown with equal scores are ordered by earliest slot, then by provider id.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache, reduce
from operator import add
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from api.domain.availability import DateException, Slot, WeeklyWindow
from api.domain.eligibility import EligibilityOutcome
from api.domain.protocols import Route
from api.errors import Conflict, FieldError, RuleViolation


class HardFilter(StrEnum):
    """Why a provider is not a candidate, in clinical-rules.md §3 order, which is also the counting order."""

    LICENSE = "license"  # no active licence in the patient's state covering the slot's date
    DEA = "dea"  # no DEA registration in that state covering schedule III on the slot's date
    ROUTE = "route"  # no accepted route the provider can deliver to this patient (site / REMS site)
    CAPACITY = "capacity"  # not accepting new patients, or at the active-patient cap
    NO_SLOT = "no_slot"  # no usable free slot within the horizon (for booking: the chosen slot is not free)
    CREDENTIAL = "credential"  # a reviewed or bipolar case needs an MD/DO in psychiatry


KETAMINE_DEA_SCHEDULE = "III"
PSYCHIATRY_SPECIALTY = "psychiatry"
PHYSICIAN_CREDENTIALS = frozenset({"MD", "DO"})
REVIEW_OUTCOME = EligibilityOutcome.NEEDS_REVIEW
BIPOLAR_CONDITION = "bipolar_depression"


class LicenseStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


ACTIVE_LICENSE_STATUS = LicenseStatus.ACTIVE
SCORE_DECIMALS = 4
# The initial consultation's length, and how far ahead a provider must have a free slot (§3, filter 5).
CONSULTATION_LENGTH = timedelta(minutes=60)
HORIZON = timedelta(days=30)
# Free slots offered with each match.
SLOTS_OFFERED = 3
# How far ahead a provider's free slots are looked for first: most providers have enough in it; only a
# sparse calendar is searched over the whole horizon (both the ranking and the stored first free slot).
SLOT_PROBE = timedelta(days=4)


def primary_language(tag: str) -> str:
    """A BCP 47 tag's primary subtag, lower case: what language matching compares (``es-MX`` is ``es``)."""
    return tag.split("-", 1)[0].lower()


@dataclass(frozen=True, slots=True)
class StateLicense:
    state: str
    status: str
    expires_on: date


@dataclass(frozen=True, slots=True)
class DeaRegistration:
    state: str
    schedules: frozenset[str]
    expires_on: date


@dataclass(frozen=True, slots=True)
class PracticeSite:
    state: str
    rems_certified: bool


@dataclass(frozen=True, slots=True)
class ProviderCandidate:
    """What matching needs to know about a provider; ``free_slots`` come from ``availability.free_slots``."""

    id: str
    credential: str
    specialties: frozenset[str]
    languages: tuple[str, ...]
    routes_offered: frozenset[str]
    sites: tuple[PracticeSite, ...]
    licenses: tuple[StateLicense, ...]
    dea_registrations: tuple[DeaRegistration, ...]
    accepting_new_patients: bool
    max_active_patients: int
    active_patients: int
    free_slots: tuple[Slot, ...]


@dataclass(frozen=True, slots=True)
class MatchRequest:
    """The consultation being matched. Empty ``preferred_routes`` accepts every route."""

    patient_location_state: str
    now: datetime
    conditions: frozenset[str] = frozenset()
    preferred_language: str | None = None
    preferred_routes: frozenset[str] = frozenset()
    preferred_times: tuple[Slot, ...] = ()
    eligibility_outcome: str = "eligible"
    seen_by_provider_ids: frozenset[str] = frozenset()
    consultation_length: timedelta = CONSULTATION_LENGTH
    horizon: timedelta = HORIZON

    def __post_init__(self) -> None:
        if self.now.utcoffset() is None:
            raise ValueError("now must be timezone-aware")
        if self.consultation_length <= timedelta(0) or self.horizon <= timedelta(0):
            raise ValueError("consultation_length and horizon must be positive")


@dataclass(frozen=True, slots=True)
class MatchWeights:
    """Relative weight of each score component; only the ratios matter, the score is their weighted mean."""

    earliest_slot: float = 0.35
    language: float = 0.25
    preferred_times: float = 0.15
    spare_capacity: float = 0.15
    continuity: float = 0.10

    def __post_init__(self) -> None:
        values = asdict(self).values()
        if any(not math.isfinite(value) or value < 0 for value in values) or sum(values) <= 0:
            raise ValueError("weights must be finite, non-negative and not all zero")

    @property
    def total(self) -> float:
        """The sum the weighted mean divides by (field by field: ``asdict`` is slow in the ranking loop)."""
        return float(
            self.earliest_slot + self.language + self.preferred_times + self.spare_capacity + self.continuity
        )


DEFAULT_WEIGHTS = MatchWeights()


# --- what the rules read of a provider: derived once, here, for both paths ----------------------------------
Qualification = Callable[[ProviderCandidate, str], bool]  # something a provider has, or not, in a state


def site_in_state(provider: ProviderCandidate, state: str) -> bool:
    """A practice site in the state: a route given in a clinic needs one."""
    return any(site.state == state for site in provider.sites)


def rems_site_in_state(provider: ProviderCandidate, state: str) -> bool:
    """A Spravato REMS-certified site in the state: intranasal esketamine may only be given at one."""
    return any(site.state == state and site.rems_certified for site in provider.sites)


def physician(provider: ProviderCandidate, state: str) -> bool:
    """An MD or DO."""
    return provider.credential in PHYSICIAN_CREDENTIALS


def is_psychiatrist(credential: str | None, specialties: Iterable[str]) -> bool:
    """An MD or DO with specialty psychiatry: whom filter 6 asks for, and who clears an escalated patient
    (clinical-rules.md §2, §4)."""
    return credential in PHYSICIAN_CREDENTIALS and PSYCHIATRY_SPECIALTY in set(specialties)


def psychiatrist(provider: ProviderCandidate, state: str) -> bool:
    """An MD or DO in psychiatry, whom filter 6 asks for."""
    return is_psychiatrist(provider.credential, provider.specialties)


def licensed_on(licenses: Iterable[StateLicense], state: str, on: date) -> bool:
    """An active state licence in ``state``, not expired on ``on`` (inclusive): filter 1's test, also
    applied to a session's monitoring provider and a prescriber (clinical-rules.md §4, §5)."""
    return any(
        held.state == state and held.status == ACTIVE_LICENSE_STATUS and held.expires_on >= on
        for held in licenses
    )


def schedule_iii_on(registrations: Iterable[DeaRegistration], state: str, on: date) -> bool:
    """A DEA registration in ``state`` covering Schedule III, not expired on ``on``: filter 2's test; a
    practitioner registers in each state where they prescribe or dispense (21 U.S.C. 822(e))."""
    return any(
        held.state == state and KETAMINE_DEA_SCHEDULE in held.schedules and held.expires_on >= on
        for held in registrations
    )


# What a provider needs in the patient's state to give a route there (§3, filter 3); a route not listed
# needs only to be offered. The stored facts keep the routes each provider can give per state, so a new
# need is one entry here, and a migration that refreshes the stored routes.
ROUTE_NEEDS: Mapping[Route, tuple[Qualification, ...]] = {
    Route.INTRANASAL: (rems_site_in_state,),
    Route.INTRAMUSCULAR: (site_in_state,),
    Route.INTRAVENOUS: (site_in_state,),
}


def deliverable_routes(provider: ProviderCandidate, state: str) -> frozenset[Route]:
    """The routes the provider offers and may give in ``state`` (``ROUTE_NEEDS``)."""
    return frozenset(
        route
        for route in Route
        if route in provider.routes_offered
        and all(need(provider, state) for need in ROUTE_NEEDS.get(route, ()))
    )


@dataclass(frozen=True, slots=True)
class ProviderFacts:
    """What the hard filters and the score read of one provider in one state, reduced from their records by
    ``provider_facts``. The pure path derives them per request; api.services.provider_facts stores them for
    every state where the provider holds an active licence (``ProviderStateFacts``, a column per field), and
    the SQL path asks the same rules of those columns."""

    provider_id: str
    license_through: date | None  # the last date an active licence there covers
    dea_through: date | None  # the last date a DEA registration there covers schedule III
    deliverable_routes: frozenset[Route]  # offered, and may be given there (ROUTE_NEEDS)
    languages: frozenset[str]  # primary subtags (``primary_language``)
    psychiatrist: bool
    accepting_new_patients: bool
    active_patients: int
    max_active_patients: int
    # The slot the provider is judged on: their first usable free slot when matching (in SQL, the stored
    # free-slot summary), the chosen slot when it is free at booking; None when there is none.
    first_free_slot_at: datetime | None = None


FACT_NAMES = frozenset(field.name for field in fields(ProviderFacts))


def licensed_states(provider: ProviderCandidate) -> list[str]:
    """The states where the provider holds an active licence, whatever its expiry: where facts are stored."""
    return sorted({held.state for held in provider.licenses if held.status == ACTIVE_LICENSE_STATUS})


def provider_facts(
    provider: ProviderCandidate, state: str, *, first_free_slot_at: datetime | None = None
) -> ProviderFacts:
    """The provider's facts in ``state``: the one place each is derived from their records."""
    return ProviderFacts(
        provider_id=provider.id,
        license_through=max(
            (
                held.expires_on
                for held in provider.licenses
                if held.state == state and held.status == ACTIVE_LICENSE_STATUS
            ),
            default=None,
        ),
        dea_through=max(
            (
                registration.expires_on
                for registration in provider.dea_registrations
                if registration.state == state and KETAMINE_DEA_SCHEDULE in registration.schedules
            ),
            default=None,
        ),
        deliverable_routes=deliverable_routes(provider, state),
        languages=frozenset(primary_language(tag) for tag in provider.languages),
        psychiatrist=psychiatrist(provider, state),
        accepting_new_patients=provider.accepting_new_patients,
        active_patients=provider.active_patients,
        max_active_patients=provider.max_active_patients,
        first_free_slot_at=first_free_slot_at,
    )


# --- what the rules compare the facts with, and how --------------------------------------------------------
@dataclass(frozen=True, slots=True)
class DateSpan:
    """Every date from ``first`` to ``last``: what the SQL path judges on, before any slot is known."""

    first: date
    last: date


@dataclass(frozen=True, slots=True)
class RuleTerms:
    """The request as the rules read it, in plain values, and the date a provider is judged on: one date in
    the pure path (their slot's), a ``DateSpan`` in SQL (every date a usable slot may fall on)."""

    now: datetime
    horizon: timedelta
    last_slot_start: datetime  # a usable slot ends within the horizon
    accepted_routes: frozenset[Route]  # every route when the patient named none
    needs_psychiatrist: bool  # a reviewed case or a bipolar one (filter 6)
    wanted_language: str | None  # a primary subtag
    seen_by: frozenset[str]  # providers who completed a consultation with this patient
    preferred_times: tuple[Slot, ...]
    judged_on: date | DateSpan
    # The slots the score may offer (on dates the credentials cover); None in SQL, which has no slots and
    # bounds the preferred-times fit by 1.
    offerable: Sequence[Slot] | None = None

    @classmethod
    def of(cls, request: MatchRequest) -> RuleTerms:
        return cls(
            now=request.now,
            horizon=request.horizon,
            last_slot_start=request.now + request.horizon - request.consultation_length,
            accepted_routes=frozenset(
                route for route in Route if not request.preferred_routes or route in request.preferred_routes
            ),
            needs_psychiatrist=request.eligibility_outcome == REVIEW_OUTCOME
            or BIPOLAR_CONDITION in request.conditions,
            wanted_language=primary_language(request.preferred_language)
            if request.preferred_language
            else None,
            seen_by=request.seen_by_provider_ids,
            preferred_times=request.preferred_times,
            judged_on=_utc_date(request.now),
        )


class Ops(Protocol):
    """How a rule's conditions and numbers are computed. ``PLAIN`` computes them over Python values; the
    SQL path (api.services.candidates) builds SQL expressions from the same calls, where a condition is
    three-valued: it holds for every slot the provider may have, fails for every one, or the exact path
    decides. A fact that may be missing (None, NULL) is compared only through ``at_least`` / ``at_most``."""

    def holds(self, fact: Any) -> Any: ...  # a yes-or-no fact, or a comparison of facts never missing
    def all_of(self, *conditions: Any) -> Any: ...
    def any_of(self, *conditions: Any) -> Any: ...  # a condition may be a plain bool from the request
    def at_least(self, value: Any, bound: Any) -> Any: ...  # known and >= bound
    def at_most(self, value: Any, bound: Any) -> Any: ...  # known and <= bound
    def shares(self, values: Any, wanted: frozenset[Any]) -> Any: ...  # a stored set meets ``wanted``
    def one_of(self, value: Any, choices: frozenset[str]) -> Any: ...
    def when(self, condition: Any, then: float, otherwise: float) -> Any: ...
    def ratio(self, part: Any, whole: Any) -> Any: ...
    def clamp(self, value: Any, low: float, high: float) -> Any: ...
    def elapsed(self, start: datetime, end: Any) -> Any: ...  # from ``start`` to the instant ``end``
    def length(self, span: timedelta) -> Any: ...  # a timedelta in the unit ``elapsed`` answers in


class PlainOps:
    """``Ops`` over Python values."""

    def holds(self, fact: Any) -> bool:
        return bool(fact)

    def all_of(self, *conditions: Any) -> bool:
        return all(conditions)

    def any_of(self, *conditions: Any) -> bool:
        return any(conditions)

    def at_least(self, value: Any, bound: Any) -> bool:
        return value is not None and value >= bound

    def at_most(self, value: Any, bound: Any) -> bool:
        return value is not None and value <= bound

    def shares(self, values: Any, wanted: frozenset[Any]) -> bool:
        return not wanted.isdisjoint(values)

    def one_of(self, value: Any, choices: frozenset[str]) -> bool:
        return value in choices

    def when(self, condition: Any, then: float, otherwise: float) -> float:
        return then if condition else otherwise

    def ratio(self, part: Any, whole: Any) -> float:
        return float(part / whole)

    def clamp(self, value: Any, low: float, high: float) -> float:
        return float(min(high, max(low, value)))

    def elapsed(self, start: datetime, end: Any) -> timedelta:
        elapsed: timedelta = end - start  # ``end`` is a datetime here
        return elapsed

    def length(self, span: timedelta) -> timedelta:
        return span


PLAIN: Ops = PlainOps()
Rule = Callable[[ProviderFacts, RuleTerms, Ops], Any]


# --- the table: every hard filter and score part, once -----------------------------------------------------
@dataclass(frozen=True)
class FilterRule:
    """A hard filter: its code, the facts it reads (all the SQL path selects for it), when a provider passes
    it, and what a refused booking is told."""

    code: HardFilter
    reads: tuple[str, ...]
    passes: Rule
    refusal: str


@dataclass(frozen=True)
class ScorePart:
    """A score component: its name (a ``MatchWeights`` field and a ``score_components`` key), the facts it
    reads, and its value in [0, 1]. Over the stored facts (SQL) the value is an upper bound, exact but for
    the preferred-times fit, which needs the slots themselves (1 there)."""

    name: str
    reads: tuple[str, ...]
    value: Rule


# §3's hard filters in counting order: a provider failing several is counted under the first.
HARD_FILTERS: tuple[FilterRule, ...] = (
    FilterRule(
        HardFilter.LICENSE,
        ("license_through",),
        lambda f, terms, ops: ops.at_least(f.license_through, terms.judged_on),
        "No active licence in the patient's state covering the slot's date.",
    ),
    FilterRule(
        HardFilter.DEA,
        ("dea_through",),
        lambda f, terms, ops: ops.at_least(f.dea_through, terms.judged_on),
        "No DEA registration in the patient's state covering schedule III on the slot's date.",
    ),
    FilterRule(
        HardFilter.ROUTE,
        ("deliverable_routes",),
        lambda f, terms, ops: ops.shares(f.deliverable_routes, terms.accepted_routes),
        "No accepted route the provider offers and may give in the patient's state.",
    ),
    FilterRule(
        HardFilter.CAPACITY,
        ("accepting_new_patients", "active_patients", "max_active_patients"),
        lambda f, terms, ops: ops.all_of(
            ops.holds(f.accepting_new_patients), ops.holds(f.active_patients < f.max_active_patients)
        ),
        "Not accepting new patients, or at the active-patient limit.",
    ),
    FilterRule(
        HardFilter.NO_SLOT,
        ("first_free_slot_at",),
        lambda f, terms, ops: ops.at_most(f.first_free_slot_at, terms.last_slot_start),
        "No free slot of the consultation's length within the horizon.",
    ),
    FilterRule(
        HardFilter.CREDENTIAL,
        ("psychiatrist",),
        lambda f, terms, ops: ops.any_of(not terms.needs_psychiatrist, ops.holds(f.psychiatrist)),
        "This case needs an MD or DO in psychiatry.",
    ),
)

SCORE_PARTS: tuple[ScorePart, ...] = (
    ScorePart(  # 1 for a slot starting now, falling linearly to 0 at the end of the horizon
        "earliest_slot",
        ("first_free_slot_at",),
        lambda f, terms, ops: ops.clamp(
            1 - ops.elapsed(terms.now, f.first_free_slot_at) / ops.length(terms.horizon), 0.0, 1.0
        ),
    ),
    ScorePart(  # no preferred language: every provider fits, and the order does not change
        "language",
        ("languages",),
        lambda f, terms, ops: (
            1.0
            if terms.wanted_language is None
            else ops.when(ops.shares(f.languages, frozenset({terms.wanted_language})), 1.0, 0.0)
        ),
    ),
    ScorePart(
        "preferred_times",
        (),
        lambda f, terms, ops: (
            1.0
            if terms.offerable is None
            else _preferred_times_component(terms.preferred_times, terms.offerable)
        ),
    ),
    ScorePart(  # the share of the provider's places still free
        "spare_capacity",
        ("active_patients", "max_active_patients"),
        lambda f, terms, ops: 1 - ops.ratio(f.active_patients, f.max_active_patients),
    ),
    ScorePart(
        "continuity",
        ("provider_id",),
        lambda f, terms, ops: ops.when(ops.one_of(f.provider_id, terms.seen_by), 1.0, 0.0),
    ),
)


# What a refused booking is told for each filter it fails.
FILTER_REFUSALS: Mapping[HardFilter, str] = {rule.code: rule.refusal for rule in HARD_FILTERS}


def _check_the_table() -> None:
    """The table covers every filter code in order and every weight, and reads only facts that exist."""
    if [rule.code for rule in HARD_FILTERS] != list(HardFilter):
        raise AssertionError("HARD_FILTERS must list every HardFilter once, in its order")
    if [part.name for part in SCORE_PARTS] != [field.name for field in fields(MatchWeights)]:
        raise AssertionError("SCORE_PARTS must list every MatchWeights field once, in its order")
    reads = [rule.reads for rule in HARD_FILTERS] + [part.reads for part in SCORE_PARTS]
    unknown = {name for names in reads for name in names} - FACT_NAMES
    if unknown:
        raise AssertionError(f"the matching table reads facts ProviderFacts does not have: {sorted(unknown)}")


_check_the_table()


def weighted_mean(weights: MatchWeights, components: Mapping[str, Any]) -> Any:
    """The score: each component times its weight, over the weights' total (numbers here, SQL expressions in
    api.services.candidates: a change to a component or a weight changes both paths at once)."""
    return (
        reduce(add, (getattr(weights, part.name) * components[part.name] for part in SCORE_PARTS))
        / weights.total
    )


@dataclass(frozen=True, slots=True)
class ScoreComponents:
    """Each component in [0, 1]; field names match ``MatchWeights`` and the API's ``score_components``."""

    earliest_slot: float
    language: float
    preferred_times: float
    spare_capacity: float
    continuity: float

    def rounded(self) -> ScoreComponents:
        return ScoreComponents(
            earliest_slot=round(self.earliest_slot, SCORE_DECIMALS),
            language=round(self.language, SCORE_DECIMALS),
            preferred_times=round(self.preferred_times, SCORE_DECIMALS),
            spare_capacity=round(self.spare_capacity, SCORE_DECIMALS),
            continuity=round(self.continuity, SCORE_DECIMALS),
        )

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class ProviderMatch:
    """One ranked candidate. ``available_routes`` are the accepted routes this provider can deliver here."""

    provider_id: str
    score: float
    score_components: ScoreComponents
    earliest_slots: tuple[Slot, ...]
    available_routes: tuple[Route, ...]


@dataclass(frozen=True, slots=True)
class MatchOutcome:
    """Ranked candidates, best first, and how many providers each hard filter excluded (every code listed)."""

    matches: tuple[ProviderMatch, ...]
    excluded: Mapping[str, int]


def match_providers(
    request: MatchRequest,
    candidates: Iterable[ProviderCandidate],
    weights: MatchWeights = DEFAULT_WEIGHTS,
    slots_offered: int = SLOTS_OFFERED,
) -> MatchOutcome:
    """Filter ``candidates`` by every hard filter, score the rest and rank them (see the module docstring)."""
    state = request.patient_location_state
    return match_facts(
        request,
        ((provider_facts(candidate, state), candidate.free_slots) for candidate in candidates),
        weights,
        slots_offered,
    )


def match_facts(
    request: MatchRequest,
    providers: Iterable[tuple[ProviderFacts, Sequence[Slot]]],
    weights: MatchWeights = DEFAULT_WEIGHTS,
    slots_offered: int = SLOTS_OFFERED,
) -> MatchOutcome:
    """``match_providers`` over each provider's facts in the patient's state and their free slots (the fast
    path passes the facts it stored; ``first_free_slot_at`` is taken from the slots)."""
    terms = RuleTerms.of(request)
    excluded = {code.value: 0 for code in HardFilter}
    scored: list[tuple[float, datetime, str, ProviderMatch]] = []
    seen_ids: set[str] = set()
    for stored, free in providers:
        if stored.provider_id in seen_ids:
            raise ValueError(f"provider {stored.provider_id} is listed twice")
        seen_ids.add(stored.provider_id)

        usable = _usable_slots(request, free)
        facts = replace(stored, first_free_slot_at=usable[0].start if usable else None)
        judged = replace(terms, judged_on=_utc_date(usable[0].start)) if usable else terms
        failures = _failing_filters(facts, judged)
        if failures:
            excluded[failures[0].value] += 1
            continue

        offerable = _slots_within_credentials(facts, usable)
        scoring = replace(judged, offerable=offerable)
        values = {part.name: float(part.value(facts, scoring, PLAIN)) for part in SCORE_PARTS}
        score = round(float(weighted_mean(weights, values)), SCORE_DECIMALS)
        match = ProviderMatch(
            provider_id=facts.provider_id,
            score=score,
            score_components=ScoreComponents(**values).rounded(),
            earliest_slots=tuple(offerable[:slots_offered]),
            available_routes=_available_routes(facts, terms),
        )
        scored.append((-score, offerable[0].start, facts.provider_id, match))

    scored.sort(key=lambda entry: entry[:3])
    return MatchOutcome(matches=tuple(entry[3] for entry in scored), excluded=excluded)


def failing_filters_for_booking(
    request: MatchRequest, candidate: ProviderCandidate, slot_start: datetime
) -> list[HardFilter]:
    """Every hard filter refusing to book ``candidate`` at ``slot_start``, in §3 order; empty means bookable.

    Licence and DEA are judged on the slot's own date. ``NO_SLOT`` means the slot is not one of the
    candidate's usable free slots (taken, outside availability, in the past or beyond the horizon): the caller
    answers that with 409 ``slot_unavailable`` and any other code with 422.
    """
    is_free = any(slot.start == slot_start for slot in _usable_slots(request, candidate.free_slots))
    facts = provider_facts(
        candidate, request.patient_location_state, first_free_slot_at=slot_start if is_free else None
    )
    return _failing_filters(facts, replace(RuleTerms.of(request), judged_on=_utc_date(slot_start)))


def _failing_filters(facts: ProviderFacts, terms: RuleTerms) -> list[HardFilter]:
    """Every hard filter ``facts`` fail under ``terms``, in order: the one loop over ``HARD_FILTERS``, for
    matching and for booking alike."""
    return [rule.code for rule in HARD_FILTERS if not rule.passes(facts, terms, PLAIN)]


class SlotUnavailable(Conflict):
    code, title = "slot_unavailable", "Slot unavailable"


class ProviderNotQualified(RuleViolation):
    code, title = "provider_not_qualified", "Provider not qualified"


def check_booking(
    request: MatchRequest, candidate: ProviderCandidate, slot_start: datetime, *, holds_place: bool = False
) -> None:
    """Refuse to book ``candidate`` at ``slot_start`` unless every hard filter holds: 409 ``slot_unavailable``
    when only the slot fails (not one of their free slots), else 422 ``provider_not_qualified`` with every
    other filter failed. ``holds_place``: rescheduling, the patient already holds one of their places, so
    capacity is not asked."""
    failures = failing_filters_for_booking(request, candidate, slot_start)
    if holds_place:
        failures = [code for code in failures if code != HardFilter.CAPACITY]
    if failures == [HardFilter.NO_SLOT]:
        raise SlotUnavailable(
            "This slot is not free: taken, outside the availability, in the past or beyond "
            f"{request.horizon.days} days.",
            errors=[FieldError("/slot_start", "slot_unavailable", "Pick one of the provider's free slots.")],
        )
    if failures:
        raise not_qualified([code for code in failures if code != HardFilter.NO_SLOT])


def not_qualified(failures: Sequence[HardFilter]) -> ProviderNotQualified:
    """The 422 for a booking refused by these filters, each with its ``refusal``."""
    return ProviderNotQualified(
        "The provider does not qualify for this consultation: " + ", ".join(failures) + ".",
        errors=[FieldError("/provider_id", str(code), FILTER_REFUSALS[code]) for code in failures],
        extra={"failed_filters": [str(code) for code in failures]},
    )


def _available_routes(facts: ProviderFacts, terms: RuleTerms) -> tuple[Route, ...]:
    """Routes the patient accepts that this provider can give in the patient's state, in ``Route`` order."""
    return tuple(
        route for route in Route if route in terms.accepted_routes and route in facts.deliverable_routes
    )


def _usable_slots(request: MatchRequest, free_slots: Iterable[Slot]) -> list[Slot]:
    """Free slots, sorted, that start no earlier than now, end within the horizon and fit a consultation."""
    horizon_end = request.now + request.horizon
    return sorted(
        slot
        for slot in free_slots
        if slot.start >= request.now
        and slot.end <= horizon_end
        and slot.end - slot.start >= request.consultation_length
    )


def _slots_within_credentials(facts: ProviderFacts, usable: Sequence[Slot]) -> list[Slot]:
    """The usable slots on dates both the licence and the DEA registration still cover."""
    if facts.license_through is None or facts.dea_through is None:
        return []
    covered_through = min(facts.license_through, facts.dea_through)
    return [slot for slot in usable if _utc_date(slot.start) <= covered_through]


def _preferred_times_component(preferred_times: Sequence[Slot], offerable: Sequence[Slot]) -> float:
    """The share of preferred windows holding an offerable slot entirely inside them; no preference is 1."""
    if not preferred_times:
        return 1.0
    starts = [slot.start for slot in offerable]
    met = sum(1 for window in preferred_times if _has_slot_within(window, offerable, starts))
    return met / len(preferred_times)


def _has_slot_within(window: Slot, slots: Sequence[Slot], starts: Sequence[datetime]) -> bool:
    index = bisect.bisect_left(starts, window.start)
    while index < len(slots) and slots[index].start < window.end:
        if slots[index].end <= window.end:
            return True
        index += 1
    return False


def _utc_date(instant: datetime) -> date:
    return instant.astimezone(UTC).date()


# --- a cheap upper bound of the preferred-times component --------------------------------------------
# A provider's *slot hours*: a 168-bit mask over the local week (bit ``weekday * 24 + hour``) of the local
# hours in which one of their consultation-length slots may start, from the weekly windows and every dated
# exception's windows (an exception only ever adds bits here, so the mask holds whatever the date). A slot
# starts at its window's UTC start plus whole steps and ends by the window's UTC end; when a DST change
# falls inside the window its real length differs from the wall-clock one by the change, at most
# ``SLOT_HOURS_DST_MARGIN``, so each window marks its starts up to that much later than wall-clock allows.
WEEK_HOURS = 7 * 24
ALL_SLOT_HOURS = (1 << WEEK_HOURS) - 1
SLOT_HOURS_DST_MARGIN = 60  # minutes; a window whose zone moves more than this around it is never pruned


def slot_hours(weekly: Iterable[WeeklyWindow], exceptions: Iterable[DateException], length: timedelta) -> int:
    """The mask of local week hours in which a slot of ``length`` may start (see above)."""
    minutes = int(length.total_seconds() // 60)
    spans = [(window.weekday, window.window) for window in weekly]
    spans += [(exception.on.weekday(), window) for exception in exceptions for window in exception.windows]
    mask = 0
    for weekday, window in spans:
        last_start = window.end_minute - minutes + SLOT_HOURS_DST_MARGIN
        if last_start < window.start_minute:
            continue
        first_hour, last_hour = window.start_minute // 60, last_start // 60
        for hour in range(first_hour, min(last_hour, first_hour + WEEK_HOURS - 1) + 1):
            mask |= 1 << ((weekday * 24 + hour) % WEEK_HOURS)
    return mask


def window_hours(window: Slot, timezone: str, request: MatchRequest) -> int:
    """The local week hours (in ``timezone``) in which a usable slot inside ``window`` may start, whatever
    the offset the zone had when the slot's availability window began; ``ALL_SLOT_HOURS`` when the zone
    moves more than ``SLOT_HOURS_DST_MARGIN`` around it, 0 when no usable slot fits in it."""
    return _window_hours(
        window.start, window.end, timezone, request.now, request.horizon, request.consultation_length
    )


@lru_cache(maxsize=256)
def _window_hours(
    start: datetime, end: datetime, timezone: str, now: datetime, horizon: timedelta, length: timedelta
) -> int:
    first = max(start, now).astimezone(UTC)
    last = (min(end, now + horizon) - length).astimezone(UTC)
    if last < first:
        return 0
    tz = ZoneInfo(timezone)
    # A slot's availability window began at most a day (and a DST change) before the slot.
    probe, offsets = first - timedelta(hours=26), set()
    while probe <= last + timedelta(hours=1):
        offset = probe.astimezone(tz).utcoffset()
        assert offset is not None
        offsets.add(offset)
        probe += timedelta(hours=1)
    if max(offsets) - min(offsets) > timedelta(minutes=SLOT_HOURS_DST_MARGIN):
        return ALL_SLOT_HOURS
    mask = 0
    for offset in offsets:
        local_first = (first + offset).replace(tzinfo=None, minute=0, second=0, microsecond=0)
        local_last = (last + offset).replace(tzinfo=None)
        hour, steps = local_first, 0
        while hour <= local_last and steps < WEEK_HOURS:
            mask |= 1 << (hour.weekday() * 24 + hour.hour)
            hour += timedelta(hours=1)
            steps += 1
    return mask


def preferred_times_bound(request: MatchRequest, timezone: str, hours: int | None) -> float:
    """An upper bound of the preferred-times component of a provider in ``timezone`` whose slot hours are
    ``hours`` (None: unknown, bound 1): the share of windows in which the mask lets a slot start."""
    if not request.preferred_times:
        return 1.0
    if hours is None:
        return 1.0
    met = sum(1 for window in request.preferred_times if hours & window_hours(window, timezone, request))
    return met / len(request.preferred_times)
