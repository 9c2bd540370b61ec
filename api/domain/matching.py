"""Provider matching for a consultation: hard filters, then a weighted score (clinical-rules.md §3).

Pure and deterministic: the caller passes ``now`` and each provider's free slots (``availability.free_slots``
over the horizon, minus booked appointments); the same input always gives the same order.

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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from api.domain.availability import DateException, Slot, WeeklyWindow
from api.domain.eligibility import EligibilityOutcome
from api.domain.protocols import Route


class HardFilter(StrEnum):
    """Why a provider is not a candidate, in clinical-rules.md §3 order, which is also the counting order."""

    LICENSE = "license"  # no active licence in the patient's state covering the slot's date
    DEA = "dea"  # no DEA registration in that state covering schedule III on the slot's date
    ROUTE = "route"  # no accepted route the provider can deliver to this patient (site / REMS site)
    CAPACITY = "capacity"  # not accepting new patients, or at the active-patient cap
    NO_SLOT = "no_slot"  # no usable free slot within the horizon (for booking: the chosen slot is not free)
    CREDENTIAL = "credential"  # a reviewed or bipolar case needs an MD/DO in psychiatry


KETAMINE_DEA_SCHEDULE = "III"
# Routes given in a clinic; intranasal esketamine may only be given at a Spravato REMS-certified site.
ROUTES_NEEDING_SITE = frozenset({Route.INTRAVENOUS, Route.INTRAMUSCULAR, Route.INTRANASAL})
ROUTES_NEEDING_REMS_SITE = frozenset({Route.INTRANASAL})
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


# --- the score, written once for both paths -------------------------------------------------------------
# These take plain numbers here and SQL expressions in api.services.candidates, whose score bound is the same
# arithmetic over stored facts: a change to a component or a weight changes both paths at once.
def weighted_mean(
    weights: MatchWeights,
    *,
    earliest_slot: Any,
    language: Any,
    preferred_times: Any,
    spare_capacity: Any,
    continuity: Any,
) -> Any:
    """The score: each component times its weight, over the weights' total."""
    total = (
        weights.earliest_slot * earliest_slot
        + weights.language * language
        + weights.preferred_times * preferred_times
        + weights.spare_capacity * spare_capacity
        + weights.continuity * continuity
    )
    return total / weights.total


def earliest_slot_fraction(until_slot: Any, horizon: Any) -> Any:
    """The earliest-slot component before clamping: 1 for a slot starting now, 0 at the horizon's end
    (two timedeltas here; seconds in SQL)."""
    return 1 - until_slot / horizon


def spare_capacity_fraction(active_patients: Any, max_active_patients: Any) -> Any:
    """The spare-capacity component: the share of the provider's places still free."""
    return 1 - active_patients / max_active_patients


@dataclass(frozen=True, slots=True)
class ScoreComponents:
    """Each component in [0, 1]; field names match ``MatchWeights`` and the API's ``score_components``."""

    earliest_slot: float
    language: float
    preferred_times: float
    spare_capacity: float
    continuity: float

    def weighted_mean(self, weights: MatchWeights) -> float:
        return float(
            weighted_mean(
                weights,
                earliest_slot=self.earliest_slot,
                language=self.language,
                preferred_times=self.preferred_times,
                spare_capacity=self.spare_capacity,
                continuity=self.continuity,
            )
        )

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
    excluded = {code.value: 0 for code in HardFilter}
    scored: list[tuple[float, datetime, str, ProviderMatch]] = []
    seen_ids: set[str] = set()
    for candidate in candidates:
        if candidate.id in seen_ids:
            raise ValueError(f"provider {candidate.id} is listed twice")
        seen_ids.add(candidate.id)

        usable = _usable_slots(request, candidate)
        judged_on = _utc_date(usable[0].start) if usable else _utc_date(request.now)
        failures = _failing_filters(request, candidate, judged_on, has_slot=bool(usable))
        if failures:
            excluded[failures[0].value] += 1
            continue

        offerable = _slots_within_credentials(request, candidate, usable)
        components = ScoreComponents(
            earliest_slot=_earliest_slot_component(request, offerable[0]),
            language=_language_component(request.preferred_language, candidate.languages),
            preferred_times=_preferred_times_component(request.preferred_times, offerable),
            spare_capacity=spare_capacity_fraction(candidate.active_patients, candidate.max_active_patients),
            continuity=1.0 if candidate.id in request.seen_by_provider_ids else 0.0,
        )
        score = round(components.weighted_mean(weights), SCORE_DECIMALS)
        match = ProviderMatch(
            provider_id=candidate.id,
            score=score,
            score_components=components.rounded(),
            earliest_slots=tuple(offerable[:slots_offered]),
            available_routes=_available_routes(request, candidate),
        )
        scored.append((-score, offerable[0].start, candidate.id, match))

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
    has_slot = any(slot.start == slot_start for slot in _usable_slots(request, candidate))
    return _failing_filters(request, candidate, _utc_date(slot_start), has_slot=has_slot)


def _failing_filters(
    request: MatchRequest, candidate: ProviderCandidate, judged_on: date, *, has_slot: bool
) -> list[HardFilter]:
    """The one place the hard filters live, for matching and for booking alike."""
    license_through = _license_valid_through(request, candidate)
    dea_through = _dea_valid_through(request, candidate)
    passes = {
        HardFilter.LICENSE: license_through is not None and judged_on <= license_through,
        HardFilter.DEA: dea_through is not None and judged_on <= dea_through,
        HardFilter.ROUTE: bool(_available_routes(request, candidate)),
        HardFilter.CAPACITY: candidate.accepting_new_patients
        and candidate.active_patients < candidate.max_active_patients,
        HardFilter.NO_SLOT: has_slot,
        HardFilter.CREDENTIAL: not _needs_psychiatrist(request) or _is_psychiatrist(candidate),
    }
    return [code for code in HardFilter if not passes[code]]


def _license_valid_through(request: MatchRequest, candidate: ProviderCandidate) -> date | None:
    """The last date an active licence in the patient's state covers, or None when there is none."""
    return max(
        (
            held.expires_on
            for held in candidate.licenses
            if held.state == request.patient_location_state and held.status == ACTIVE_LICENSE_STATUS
        ),
        default=None,
    )


def _dea_valid_through(request: MatchRequest, candidate: ProviderCandidate) -> date | None:
    """The last date a DEA registration in the patient's state covers schedule III, or None."""
    return max(
        (
            registration.expires_on
            for registration in candidate.dea_registrations
            if registration.state == request.patient_location_state
            and KETAMINE_DEA_SCHEDULE in registration.schedules
        ),
        default=None,
    )


def _available_routes(request: MatchRequest, candidate: ProviderCandidate) -> tuple[Route, ...]:
    """Routes the patient accepts that this provider offers and can deliver in the patient's state."""
    sites_in_state = [site for site in candidate.sites if site.state == request.patient_location_state]
    has_site = bool(sites_in_state)
    has_rems_site = any(site.rems_certified for site in sites_in_state)
    return tuple(
        route
        for route in Route
        if (not request.preferred_routes or route in request.preferred_routes)
        and route in candidate.routes_offered
        and (route not in ROUTES_NEEDING_SITE or has_site)
        and (route not in ROUTES_NEEDING_REMS_SITE or has_rems_site)
    )


def needs_psychiatrist(request: MatchRequest) -> bool:
    """Whether the credential filter applies: a reviewed case or a bipolar one needs an MD/DO psychiatrist."""
    return _needs_psychiatrist(request)


def _needs_psychiatrist(request: MatchRequest) -> bool:
    return request.eligibility_outcome == REVIEW_OUTCOME or BIPOLAR_CONDITION in request.conditions


def _is_psychiatrist(candidate: ProviderCandidate) -> bool:
    return candidate.credential in PHYSICIAN_CREDENTIALS and PSYCHIATRY_SPECIALTY in candidate.specialties


def _usable_slots(request: MatchRequest, candidate: ProviderCandidate) -> list[Slot]:
    """Free slots, sorted, that start no earlier than now, end within the horizon and fit a consultation."""
    horizon_end = request.now + request.horizon
    return sorted(
        slot
        for slot in candidate.free_slots
        if slot.start >= request.now
        and slot.end <= horizon_end
        and slot.end - slot.start >= request.consultation_length
    )


def _slots_within_credentials(
    request: MatchRequest, candidate: ProviderCandidate, usable: Sequence[Slot]
) -> list[Slot]:
    """The usable slots on dates both the licence and the DEA registration still cover."""
    license_through = _license_valid_through(request, candidate)
    dea_through = _dea_valid_through(request, candidate)
    if license_through is None or dea_through is None:
        return []
    covered_through = min(license_through, dea_through)
    return [slot for slot in usable if _utc_date(slot.start) <= covered_through]


def _earliest_slot_component(request: MatchRequest, earliest: Slot) -> float:
    """1 for a slot starting now, falling linearly to 0 at the end of the horizon."""
    return float(min(1.0, max(0.0, earliest_slot_fraction(earliest.start - request.now, request.horizon))))


def _language_component(preferred: str | None, languages: Sequence[str]) -> float:
    if not preferred:
        return 1.0
    wanted = primary_language(preferred)
    return 1.0 if any(primary_language(language) == wanted for language in languages) else 0.0


def _preferred_times_component(preferred_times: Sequence[Slot], offerable: Sequence[Slot]) -> float:
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
