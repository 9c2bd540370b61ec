"""The fast matching path (SQL classification, stored free-slot summaries, score-bound order) gives exactly
what the pure domain gives over every provider with all its free slots: matches, scores, components,
earliest slots, available routes and the exclusion counts."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.domain.availability import WEEKDAYS, free_slots, validate_availability
from api.domain.matching import DEFAULT_WEIGHTS, SLOTS_OFFERED, MatchWeights, match_providers
from api.models import (
    Appointment,
    Consultation,
    DeaRegistration,
    PracticeSite,
    Provider,
    ProviderLicense,
    ProviderStateFacts,
)
from api.services import booking, candidates, matching
from api.services.provider_facts import (
    booked_intervals,
    matching_facts,
    parse_availability,
    refresh_free_slot_summary,
    sync_matching_facts,
    with_details,
)
from tests.directory import (
    all_day_availability,
    create_provider,
    iso,
    next_npi,
    next_whole_hour,
    ready_consultation,
)
from tests.helpers import bearer, cc_token
from tests.world import World

STATES = ("NY", "CA", "TX")
TIMEZONES = ("America/New_York", "America/Los_Angeles", "America/Chicago", "UTC")
ROUTES = ("oral", "sublingual", "intranasal", "intramuscular", "intravenous")


def _availability(rng: random.Random, today: datetime) -> dict[str, Any]:
    weekly = []
    for weekday in rng.sample(WEEKDAYS, rng.choice((0, 1, 2, 5, 7))):
        start = rng.randint(0, 20)
        end = min(24, start + rng.choice((1, 2, 4, 8)))
        weekly.append(
            {"weekday": weekday, "start": f"{start:02d}:{rng.choice(('00', '30'))}", "end": f"{end:02d}:00"}
        )
    exceptions = []
    for offset in sorted(rng.sample(range(-2, 40), rng.choice((0, 0, 1, 3, 8)))):
        windows = []
        if rng.random() < 0.6:
            start = rng.randint(0, 20)
            windows.append({"start": f"{start:02d}:00", "end": f"{start + rng.randint(1, 3):02d}:00"})
        exceptions.append({"date": (today + timedelta(days=offset)).date().isoformat(), "windows": windows})
    return validate_availability({"weekly": weekly, "exceptions": exceptions}).as_dict()


def _expiry(rng: random.Random, now: datetime) -> Any:
    return (now + timedelta(days=rng.choice((-5, -1, 0, 1, 3, 10, 29, 30, 31, 45, 400)))).date()


def _build_directory(db: Session, world: World, rng: random.Random, size: int) -> None:
    now = datetime.now(UTC)
    providers: list[Provider] = []
    for index in range(size):
        maximum = rng.randint(1, 5)
        provider = Provider(
            npi=next_npi(),
            given_name="Eq",
            family_name=f"Provider {index}",
            credential=rng.choice(("MD", "DO", "NP", "PA")),
            accepting_new_patients=rng.random() < 0.85,
            max_active_patients=maximum,
            active_patients=rng.choice((0, 0, 1, maximum)) if maximum > 1 else 0,
            timezone=rng.choice(TIMEZONES),
            availability=_availability(rng, now),
        )
        provider.languages = rng.sample(("en", "es", "es-MX", "fr"), rng.randint(0, 2))
        provider.specialties = ["psychiatry"] if rng.random() < 0.5 else []
        provider.routes_offered = rng.sample(ROUTES, rng.randint(0, 3))
        for state in rng.sample(STATES, rng.randint(0, 2)):
            for number in range(rng.choice((1, 1, 2))):
                provider.license_rows.append(
                    ProviderLicense(
                        state=state,
                        number=f"{state}-{index}-{number}",
                        status="active" if rng.random() < 0.85 else "suspended",
                        expires_on=_expiry(rng, now),
                    )
                )
            if rng.random() < 0.8:
                provider.dea_rows.append(
                    DeaRegistration(
                        state=state,
                        number=f"F{index:07d}"[:9],
                        schedules=["II", "III"] if rng.random() < 0.85 else ["II"],
                        expires_on=_expiry(rng, now),
                    )
                )
            if rng.random() < 0.4:
                provider.site_rows.append(
                    PracticeSite(name=f"Site {index}", state=state, rems_certified=rng.random() < 0.5)
                )
        db.add(provider)
        providers.append(provider)
    db.flush()

    # Bookings (booked, completed, cancelled) on whole hours, which availability windows often start on.
    hour = now.replace(minute=0, second=0, microsecond=0)
    for provider in rng.sample(providers, size // 3):
        for start in {hour + timedelta(hours=rng.randint(1, 24 * 12)) for _ in range(rng.randint(1, 6))}:
            consultation_id = ready_consultation(db, world.patient_a1, status="scheduled")
            db.add(
                Appointment(
                    partner_id=world.partner_a,
                    consultation_id=consultation_id,
                    provider_id=provider.id,
                    starts_at=start,
                    ends_at=start + timedelta(hours=1),
                    status=rng.choice(("booked", "booked", "completed", "cancelled")),
                    video_url="https://video.test/x",
                )
            )
    db.flush()

    # Summaries: most maintained, some never computed, some passed (a first free slot gone by, a
    # "no slot" older than its day), as the worker would find them.
    for provider in providers:
        kind = rng.random()
        if kind < 0.7:
            refresh_free_slot_summary(db, provider)
        elif kind < 0.8:
            provider.free_slots_computed_at = provider.first_free_slot_at = (
                provider.free_slots_valid_until
            ) = None
        elif kind < 0.9:
            passed = now - timedelta(hours=rng.randint(1, 30))
            provider.first_free_slot_at = provider.free_slots_valid_until = passed
            provider.free_slots_computed_at = passed - timedelta(days=1)
        else:
            provider.first_free_slot_at = None
            provider.free_slots_computed_at = now - timedelta(days=2)
            provider.free_slots_valid_until = now - timedelta(days=1)
    sync_matching_facts(db, providers)  # what the worker does after writing summaries
    db.commit()


def _pure(db: Session, request: Any, weights: MatchWeights) -> Any:
    """``match_providers`` over every provider with every free slot of the horizon."""
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
        candidates.append(booking.full_candidate(provider, tuple(slots)))
    return match_providers(request, candidates, weights, slots_offered=SLOTS_OFFERED)


@pytest.mark.parametrize("seed", [4, 2027])
def test_fast_matching_equals_the_pure_domain(db: Session, world: World, seed: int) -> None:
    rng = random.Random(seed)
    _build_directory(db, world, rng, 240)
    soon = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
    window = [{"start": soon.isoformat(), "end": (soon + timedelta(hours=6)).isoformat()}]
    later = soon + timedelta(days=9)
    windows = [*window, {"start": later.isoformat(), "end": (later + timedelta(hours=30)).isoformat()}]
    seen = db.scalars(select(Provider.id).order_by(Provider.id).limit(5)).all()
    cases: list[dict[str, Any]] = [
        {},
        {"preferred_language": "es", "preferred_times": windows},
        {"preferred_language": None, "preferred_routes": ["oral", "intranasal"]},
        {"preferred_language": "fr", "preferred_times": window, "eligibility_outcome": "needs_review"},
        {"conditions": ["bipolar_depression"], "preferred_routes": ["intravenous"]},
        {"patient_location_state": "CA", "preferred_language": "es-MX", "preferred_times": windows},
        {"patient_location_state": "TX", "review_decision": "approve"},
        {"patient_location_state": "WY"},
    ]
    weights = (DEFAULT_WEIGHTS, MatchWeights(earliest_slot=1, language=0, preferred_times=3, continuity=2))
    totals = {"matches": 0, "exact": 0, "candidates": 0, "no_slot": 0, "credential": 0}
    for changes in cases:
        consultation_id = ready_consultation(db, world.patient_a1, **changes)
        consultation = db.get(Consultation, consultation_id)
        assert consultation is not None
        request = matching.match_request(db, consultation, datetime.now(UTC))
        request = type(request)(
            **{**{f: getattr(request, f) for f in request.__slots__}, "seen_by_provider_ids": frozenset(seen)}
        )
        plan = candidates.CandidateQuery(request).classify(db, DEFAULT_WEIGHTS, None)
        totals["exact"] += len(plan.exact_ids)
        totals["candidates"] += plan.candidates
        for weight in weights:
            slow = _pure(db, request, weight)
            totals["matches"] += len(slow.matches)
            totals["no_slot"] += slow.excluded["no_slot"]
            totals["credential"] += slow.excluded["credential"]
            assert sum(slow.excluded.values()) + len(slow.matches) == 240
            for limit in (1, 3, 10, None):
                fast = matching.rank_providers(db, request, weight, limit=limit)
                expected = slow.matches if limit is None else slow.matches[:limit]
                assert fast.matches == expected, (changes, limit)
                assert dict(fast.excluded) == dict(slow.excluded), (changes, limit)
        db.rollback()
    # The directory exercises both paths and every way out.
    assert all(totals.values()), totals


# --- the matching facts follow every write through the services ----------------------------------------
def _assert_facts_current(db: Session, world: World) -> None:
    """The stored ``ProviderStateFacts`` are what the providers derive now, and matching still equals the
    pure domain."""
    db.expire_all()
    stored = [dict(row) for row in db.execute(select(ProviderStateFacts.__table__)).mappings()]
    derived = [row for p in db.scalars(with_details(select(Provider))) for row in matching_facts(p)]

    def key(row: dict[str, Any]) -> tuple[str, str]:
        return row["state"], row["provider_id"]

    assert sorted(stored, key=key) == sorted(derived, key=key)
    consultation_id = ready_consultation(
        db,
        world.patient_a2,
        preferred_language="es",
        preferred_times=[
            {
                "start": (start := next_whole_hour(30)).isoformat(),
                "end": (start + timedelta(hours=5)).isoformat(),
            }
        ],
    )
    consultation = db.get(Consultation, consultation_id)
    assert consultation is not None
    request = matching.match_request(db, consultation, datetime.now(UTC))
    for state in ("NY", "CA"):
        request = replace(request, patient_location_state=state)
        slow = _pure(db, request, DEFAULT_WEIGHTS)
        for limit in (1, None):
            fast = matching.rank_providers(db, request, DEFAULT_WEIGHTS, limit=limit)
            assert fast.matches == (slow.matches if limit is None else slow.matches[:limit])
            assert dict(fast.excluded) == dict(slow.excluded)
    db.rollback()


def test_matching_facts_follow_every_write(client: FlaskClient, db: Session, world: World) -> None:
    admin = bearer(cc_token(client, world.admin))
    partner = bearer(cc_token(client, world.portal_a))
    first = create_provider(client, admin, all_day_availability(), timezone="UTC")
    second = create_provider(client, admin, all_day_availability(), timezone="America/Chicago")
    _assert_facts_current(db, world)
    far = (date.today() + timedelta(days=400)).isoformat()
    changes: list[tuple[str, dict[str, Any]]] = [
        (
            first["id"],
            {
                "licenses": [
                    {"state": "NY", "number": "NY-1", "status": "suspended", "expires_on": far},
                    {"state": "CA", "number": "CA-1", "status": "active", "expires_on": far},
                ]
            },
        ),
        (first["id"], {"routes_offered": ["intranasal"], "languages": ["es-MX"]}),
        (first["id"], {"sites": [{"name": "LA", "state": "CA", "rems_certified": True}]}),
        (
            second["id"],
            {
                "dea_registrations": [
                    {"state": "NY", "number": "FD1234563", "schedules": ["II"], "expires_on": far}
                ]
            },
        ),
        (second["id"], {"dea_registrations": []}),
        (second["id"], {"specialties": [], "credential": "NP", "max_active_patients": 2}),
        (second["id"], {"accepting_new_patients": False}),
        (second["id"], {"accepting_new_patients": True, "timezone": "Asia/Kathmandu"}),
    ]
    for provider_id, change in changes:
        etag = client.get(f"/v1/providers/{provider_id}", headers=admin).headers["ETag"]
        patched = client.patch(
            f"/v1/providers/{provider_id}", json=change, headers={**admin, "If-Match": etag}
        )
        assert patched.status_code == 200, patched.get_json()
        _assert_facts_current(db, world)
    etag = client.get(f"/v1/providers/{second['id']}", headers=admin).headers["ETag"]
    put = client.put(
        f"/v1/providers/{second['id']}/availability",
        json={"weekly": [{"weekday": "monday", "start": "09:00", "end": "12:00"}]},
        headers={**admin, "If-Match": etag},
    )
    assert put.status_code == 200, put.get_json()
    _assert_facts_current(db, world)

    # Booking takes a place, rescheduling moves the first free slot, completing and cancelling free them.
    third = create_provider(client, admin, all_day_availability(), timezone="UTC")
    consultations = [ready_consultation(db, world.patient_a1) for _ in range(2)]
    for hours, consultation_id in zip((3, 5), consultations, strict=True):
        booked = client.post(
            f"/v1/consultations/{consultation_id}/assignment",
            json={"provider_id": third["id"], "slot_start": iso(next_whole_hour(hours))},
            headers=partner,
        )
        assert booked.status_code == 201, booked.get_json()
        _assert_facts_current(db, world)
    base = f"/v1/consultations/{consultations[0]}"
    moved = client.post(f"{base}/reschedule", json={"slot_start": iso(next_whole_hour(8))}, headers=partner)
    assert moved.status_code == 200, moved.get_json()
    _assert_facts_current(db, world)
    assert client.post(f"{base}/start", headers=admin).status_code == 200
    done = client.post(f"{base}/complete", json={"outcome": "referred_out", "summary": "x"}, headers=admin)
    assert done.status_code == 200, done.get_json()
    _assert_facts_current(db, world)
    cancelled = client.post(
        f"/v1/consultations/{consultations[1]}/cancel", json={"reason": "moved"}, headers=partner
    )
    assert cancelled.status_code == 200, cancelled.get_json()
    _assert_facts_current(db, world)
