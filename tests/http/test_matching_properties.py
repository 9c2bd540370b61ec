"""Properties of matching over random directories (hypothesis): the fast path (SQL built from the matching
table over the stored facts, then the exact path) gives exactly the pure domain's ranked matches and every
exclusion count, at ``limit`` 1 and at the largest limit; the counts never depend on the limit.

Each example builds its directory inside a savepoint of the test's transaction and rolls it back, so the
examples share one database and stay independent. Directories are small (a few providers around the
patient's state) and hit every boundary a rule has: licences and DEA registrations expiring today, within
the horizon or after it, suspended licences, schedules without III, sites with and without REMS, routes,
capacity at its cap, sparse or empty calendars, bookings, and free-slot summaries fresh, never computed or
passed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from api.domain.availability import WEEKDAYS, Slot, validate_availability
from api.domain.matching import DEFAULT_WEIGHTS, MatchRequest, MatchWeights
from api.domain.protocols import Route
from api.models import Appointment, Consultation, DeaRegistration, PracticeSite, Provider, ProviderLicense
from api.services.candidates import CandidateQuery
from api.services.provider_facts import refresh_free_slot_summary, sync_matching_facts
from tests.directory import next_npi
from tests.matching_paths import MAX_LIMIT, assert_fast_equals_pure
from tests.world import World

STATES = ("NY", "CA")
TIMEZONES = ("America/New_York", "America/Los_Angeles", "UTC", "Asia/Kathmandu")
# Days from today: expired, today, within the 30-day horizon, at its end, after it; mostly well after.
EXPIRIES = (-2, 0, 1, 12, 29, 30, 31, 90)
expiries = st.sampled_from((400,) * 3 * len(EXPIRIES) + EXPIRIES)
LANGUAGES = ("en", "es", "es-MX", "fr")


@dataclass(frozen=True)
class ProviderSpec:
    credential: str
    psychiatry: bool
    languages: list[str]
    routes: list[Route]
    licences: list[tuple[str, str, int]]  # state, status, expiry (days)
    dea: list[tuple[str, bool, int]]  # state, covers schedule III, expiry (days)
    sites: list[tuple[str, bool]]  # state, REMS-certified
    accepting: bool
    maximum: int
    active: int
    timezone: str
    weekly: list[tuple[str, int, int]]  # weekday, start hour, hours
    exceptions: list[tuple[int, int | None]]  # day offset, start hour of a 2-hour window or closed
    bookings: list[tuple[int, str]]  # hours from now, status
    summary: str  # fresh, never (computed), passed (its slot is gone), or stale (a "no slot" out of date)


def mostly(usual: Any, *others: Any) -> st.SearchStrategy[Any]:
    """``usual`` five times as often as each of ``others``: most providers qualify, so many directories rank
    someone, and every way out still comes up."""
    return st.sampled_from((usual,) * 5 + others)


@st.composite
def provider_specs(draw: st.DrawFn) -> ProviderSpec:
    maximum = draw(st.integers(1, 3))
    licences = [
        (state, draw(mostly("active", "suspended")), draw(expiries))
        for state in STATES
        for _ in range(draw(mostly(1, 0, 2)))
    ]
    dea = [
        (state, draw(mostly(True, False)), draw(expiries)) for state in STATES if draw(mostly(True, False))
    ]
    return ProviderSpec(
        credential=draw(mostly("MD", "DO", "NP", "PA")),
        psychiatry=draw(st.booleans()),
        languages=draw(st.lists(st.sampled_from(LANGUAGES), unique=True, max_size=2)),
        routes=draw(
            st.lists(mostly(Route.ORAL, *Route), unique=True, min_size=draw(mostly(1, 0)), max_size=3)
        ),
        licences=licences,
        dea=dea,
        sites=draw(st.lists(st.tuples(st.sampled_from(STATES), st.booleans()), max_size=2)),
        accepting=draw(mostly(True, False)),
        maximum=maximum,
        active=draw(mostly(0, *range(1, maximum + 1))),
        timezone=draw(st.sampled_from(TIMEZONES)),
        weekly=draw(
            st.lists(
                st.tuples(st.sampled_from(WEEKDAYS), st.integers(0, 22), mostly(8, 1, 2)),
                min_size=draw(mostly(1, 0)),
                max_size=4,
                unique_by=lambda window: window[0],
            )
        ),
        exceptions=draw(
            st.lists(
                st.tuples(st.integers(-1, 33), st.one_of(st.none(), st.integers(0, 22))),
                max_size=2,
                unique_by=lambda exception: exception[0],
            )
        ),
        bookings=draw(
            st.lists(
                st.tuples(st.integers(1, 24 * 12), st.sampled_from(("booked", "cancelled"))),
                max_size=3,
                unique_by=lambda booking: booking[0],  # whole hours apart: bookings never overlap
            )
        ),
        summary=draw(mostly("fresh", "never", "passed", "stale")),
    )


@dataclass(frozen=True)
class RequestSpec:
    state: str
    language: str | None
    routes: list[Route]
    preferred_times: list[tuple[int, int]]  # hours from now, length in hours
    reviewed: bool
    bipolar: bool
    seen: list[int]  # indexes of providers who saw the patient


request_specs = st.builds(
    RequestSpec,
    state=st.sampled_from(STATES),
    language=st.one_of(st.none(), st.sampled_from(LANGUAGES)),
    routes=st.one_of(
        st.just([]), st.lists(st.sampled_from(list(Route)), unique=True, min_size=1, max_size=2)
    ),
    preferred_times=st.lists(st.tuples(st.integers(-2, 24 * 31), st.sampled_from((1, 3, 30))), max_size=2),
    reviewed=mostly(False, True),
    bipolar=mostly(False, True),
    seen=st.lists(st.integers(0, 7), max_size=2),
)
weightings = st.sampled_from(
    (DEFAULT_WEIGHTS, MatchWeights(earliest_slot=1, language=0, preferred_times=3, spare_capacity=0))
)


@pytest.fixture
def example_savepoint(db: Session) -> Iterator[Any]:
    """A factory of savepoints: each example builds its directory in one and rolls it back."""

    def begin() -> Any:
        return db.begin_nested()

    yield begin
    db.rollback()


def _build(db: Session, world: World, specs: list[ProviderSpec], now: datetime) -> list[str]:
    """The providers of ``specs`` with their records, bookings and free-slot summaries; their ids."""
    today = now.date()
    providers: list[Provider] = []
    for index, spec in enumerate(specs):
        availability = validate_availability(
            {
                "weekly": [
                    {"weekday": day, "start": f"{start:02d}:00", "end": f"{min(24, start + hours):02d}:00"}
                    for day, start, hours in spec.weekly
                ],
                "exceptions": [
                    {
                        "date": (today + timedelta(days=offset)).isoformat(),
                        "windows": []
                        if start is None
                        else [{"start": f"{start:02d}:00", "end": f"{start + 2:02d}:00"}],
                    }
                    for offset, start in sorted(spec.exceptions)
                ],
            }
        ).as_dict()
        provider = Provider(
            npi=next_npi(),
            given_name="Prop",
            family_name=f"Provider {index}",
            credential=spec.credential,
            accepting_new_patients=spec.accepting,
            max_active_patients=spec.maximum,
            active_patients=spec.active,
            timezone=spec.timezone,
            availability=availability,
        )
        provider.languages = spec.languages
        provider.specialties = ["psychiatry"] if spec.psychiatry else []
        provider.routes_offered = [str(route) for route in spec.routes]
        for number, (state, status, days) in enumerate(spec.licences):
            provider.license_rows.append(
                ProviderLicense(
                    state=state,
                    number=f"{state}-P{provider.npi}-{number}",
                    status=status,
                    expires_on=today + timedelta(days=days),
                )
            )
        for state, schedule_iii, days in spec.dea:
            provider.dea_rows.append(
                DeaRegistration(
                    state=state,
                    number="FP1234563",
                    schedules=["II", "III"] if schedule_iii else ["II", "IV"],
                    expires_on=today + timedelta(days=days),
                )
            )
        for number, (state, rems) in enumerate(spec.sites):
            provider.site_rows.append(PracticeSite(name=f"Site {number}", state=state, rems_certified=rems))
        db.add(provider)
        providers.append(provider)
    db.flush()

    hour = now.replace(minute=0, second=0, microsecond=0)
    for provider, spec in zip(providers, specs, strict=True):
        for hours, status in spec.bookings:
            consultation = Consultation(
                partner_id=world.partner_a,
                patient_id=world.patient_a1,
                status="scheduled",
                conditions=["major_depression"],
                patient_location_state="NY",
                eligibility_outcome="eligible",
            )
            db.add(consultation)
            db.flush()
            start = hour + timedelta(hours=hours)
            db.add(
                Appointment(
                    partner_id=world.partner_a,
                    consultation_id=consultation.id,
                    provider_id=provider.id,
                    starts_at=start,
                    ends_at=start + timedelta(hours=1),
                    status=status,
                    video_url="https://video.test/x",
                )
            )
    db.flush()

    for provider, spec in zip(providers, specs, strict=True):
        if spec.summary == "fresh":
            refresh_free_slot_summary(db, provider, now - timedelta(minutes=5))
        elif spec.summary == "never":
            provider.first_free_slot_at = provider.free_slots_computed_at = (
                provider.free_slots_valid_until
            ) = None
        elif spec.summary == "passed":
            provider.first_free_slot_at = provider.free_slots_valid_until = now - timedelta(hours=2)
            provider.free_slots_computed_at = now - timedelta(days=1)
        else:
            provider.first_free_slot_at = None
            provider.free_slots_computed_at = now - timedelta(days=2)
            provider.free_slots_valid_until = now - timedelta(days=1)
    sync_matching_facts(db, providers)  # as the worker does after writing summaries
    return [provider.id for provider in providers]


def _request(spec: RequestSpec, ids: list[str], now: datetime) -> MatchRequest:
    return MatchRequest(
        patient_location_state=spec.state,
        now=now,
        conditions=frozenset({"bipolar_depression"} if spec.bipolar else {"major_depression"}),
        preferred_language=spec.language,
        preferred_routes=frozenset(str(route) for route in spec.routes),
        preferred_times=tuple(
            Slot(now + timedelta(hours=start), now + timedelta(hours=start + hours))
            for start, hours in spec.preferred_times
        ),
        eligibility_outcome="needs_review" if spec.reviewed else "eligible",
        seen_by_provider_ids=frozenset(ids[index] for index in spec.seen if index < len(ids)),
    )


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    directory=st.lists(provider_specs(), min_size=1, max_size=6),
    asked=request_specs,
    weights=weightings,
)
def test_fast_matching_equals_the_pure_domain_at_every_limit(
    db: Session,
    world: World,
    example_savepoint: Any,
    caplog: pytest.LogCaptureFixture,
    directory: list[ProviderSpec],
    asked: RequestSpec,
    weights: MatchWeights,
) -> None:
    savepoint = example_savepoint()
    try:
        now = datetime.now(UTC)
        ids = _build(db, world, directory, now)
        request = _request(asked, ids, now)
        with caplog.at_level(logging.WARNING, logger="api.matching"):
            slow = assert_fast_equals_pure(db, request, weights, limits=(1, MAX_LIMIT))
        assert sum(slow.excluded.values()) + len(slow.matches) == len(ids)
        plan = CandidateQuery(request).classify(db, weights, None)
        event("some match" if slow.matches else "no match")
        event("SQL found candidates" if plan.candidates else "no candidate in SQL")
        event("the exact path judged some" if plan.exact_ids else "the exact path judged none")
        for code, count in slow.excluded.items():
            if count:
                event(f"excluded: {code}")
        # The SQL never takes a provider for a candidate that the rules then refuse.
        assert not caplog.records
    finally:
        savepoint.rollback()
