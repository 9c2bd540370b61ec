"""Matching, booking, rescheduling and the visit, through the HTTP API.

Every provider here is open around the clock (UTC) unless a test says otherwise, so a free slot starts at
every whole hour from now on, and the base provider qualifies for the base consultation (New York).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.domain.availability import free_slots
from api.domain.matching import DEFAULT_WEIGHTS, SLOTS_OFFERED, match_providers
from api.models import Appointment, Consultation, Event, Provider
from api.services import matching
from api.services.provider_facts import full_candidate, parse_availability
from tests.directory import (
    VIDEO_VISIT,
    all_day_availability,
    clinician_client,
    clinician_token,
    create_provider,
    iso,
    next_whole_hour,
    ready_consultation,
)
from tests.helpers import bearer, cc_token
from tests.world import World

FILTERS = ("license", "dea", "route", "capacity", "no_slot", "credential")
NONE_EXCLUDED = dict.fromkeys(FILTERS, 0)
FAR = "2099-01-01"


@pytest.fixture
def partner(client: FlaskClient, world: World) -> dict[str, str]:
    return bearer(cc_token(client, world.portal_a))


@pytest.fixture
def provider_factory(client: FlaskClient, admin: dict[str, str]) -> Callable[..., dict[str, Any]]:
    def make(availability: dict[str, Any] | None = None, **changes: Any) -> dict[str, Any]:
        changes.setdefault("timezone", "UTC")
        return create_provider(client, admin, availability or all_day_availability(), **changes)

    return make


def _matches(client: FlaskClient, headers: dict[str, str], consultation_id: str, limit: int = 10) -> Any:
    response = client.get(
        f"/v1/consultations/{consultation_id}/provider-matches?limit={limit}", headers=headers
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _book(
    client: FlaskClient,
    headers: dict[str, str],
    consultation_id: str,
    provider_id: str,
    start: datetime | str,
) -> Any:
    return client.post(
        f"/v1/consultations/{consultation_id}/assignment",
        json={"provider_id": provider_id, "slot_start": start if isinstance(start, str) else iso(start)},
        headers=headers,
    )


# --- matching: each hard filter on its own -------------------------------------------------------------
def _expired() -> str:
    return (date.today() - timedelta(days=1)).isoformat()


HARD_FILTER_CASES: list[tuple[str, dict[str, Any], dict[str, Any], str]] = [
    (
        "expired licence",
        {"licenses": [{"state": "NY", "number": "L1", "status": "active", "expires_on": _expired()}]},
        {},
        "license",
    ),
    (
        "licence in another state",
        {"licenses": [{"state": "NJ", "number": "L1", "status": "active", "expires_on": FAR}]},
        {},
        "license",
    ),
    (
        "suspended licence",
        {"licenses": [{"state": "NY", "number": "L1", "status": "suspended", "expires_on": FAR}]},
        {},
        "license",
    ),
    (
        "no DEA registration in the state",
        {
            "dea_registrations": [
                {"state": "NJ", "number": "FD1234563", "schedules": ["III"], "expires_on": FAR}
            ]
        },
        {},
        "dea",
    ),
    (
        "DEA without schedule III",
        {
            "dea_registrations": [
                {"state": "NY", "number": "FD1234563", "schedules": ["II", "IV"], "expires_on": FAR}
            ]
        },
        {},
        "dea",
    ),
    (
        "expired DEA registration",
        {
            "dea_registrations": [
                {"state": "NY", "number": "FD1234563", "schedules": ["III"], "expires_on": _expired()}
            ]
        },
        {},
        "dea",
    ),
    ("route not offered", {"routes_offered": ["intravenous"]}, {"preferred_routes": ["oral"]}, "route"),
    (
        "IV without a site in the state",
        {"sites": [{"name": "Newark clinic", "state": "NJ", "rems_certified": True}]},
        {"preferred_routes": ["intravenous"]},
        "route",
    ),
    (
        "intranasal without a REMS site",
        {"sites": [{"name": "Midtown clinic", "state": "NY", "rems_certified": False}]},
        {"preferred_routes": ["intranasal"]},
        "route",
    ),
    ("not accepting new patients", {"accepting_new_patients": False}, {}, "capacity"),
    (
        "review case with an NP",
        {"credential": "NP"},
        {"eligibility_outcome": "needs_review", "review_decision": "approve"},
        "credential",
    ),
    (
        "bipolar case with a non-psychiatrist",
        {"specialties": ["family_medicine"]},
        {"conditions": ["bipolar_depression"]},
        "credential",
    ),
]


@pytest.mark.parametrize(
    ("provider_changes", "consultation_changes", "code"),
    [case[1:] for case in HARD_FILTER_CASES],
    ids=[case[0] for case in HARD_FILTER_CASES],
)
def test_each_hard_filter_alone_excludes_the_provider(
    client: FlaskClient,
    db: Session,
    world: World,
    partner: dict[str, str],
    provider_factory: Callable[..., dict[str, Any]],
    provider_changes: dict[str, Any],
    consultation_changes: dict[str, Any],
    code: str,
) -> None:
    qualified = provider_factory()
    excluded = provider_factory(**provider_changes)
    consultation_id = ready_consultation(db, world.patient_a1, **consultation_changes)
    body = _matches(client, partner, consultation_id)
    assert [m["provider"]["id"] for m in body["data"]] == [qualified["id"]]
    assert body["excluded"] == {**NONE_EXCLUDED, code: 1}
    assert excluded["id"] not in {m["provider"]["id"] for m in body["data"]}


def test_at_capacity_is_excluded(
    client: FlaskClient,
    db: Session,
    world: World,
    partner: dict[str, str],
    provider_factory: Callable[..., dict[str, Any]],
) -> None:
    provider_factory()
    full = provider_factory(max_active_patients=2)
    row = db.get(Provider, full["id"])
    assert row is not None
    row.active_patients = 2
    db.commit()
    body = _matches(client, partner, ready_consultation(db, world.patient_a1))
    assert body["excluded"] == {**NONE_EXCLUDED, "capacity": 1} and len(body["data"]) == 1


def test_no_slot_in_30_days_is_excluded(
    client: FlaskClient,
    db: Session,
    world: World,
    partner: dict[str, str],
    provider_factory: Callable[..., dict[str, Any]],
) -> None:
    provider_factory()
    first_day_after = (datetime.now(UTC) + timedelta(days=32)).date()
    provider_factory(
        availability={
            "weekly": all_day_availability()["weekly"],
            "exceptions": [
                {"date": (first_day_after - timedelta(days=n)).isoformat(), "windows": []} for n in range(34)
            ],
        }
    )
    body = _matches(client, partner, ready_consultation(db, world.patient_a1))
    assert body["excluded"] == {**NONE_EXCLUDED, "no_slot": 1} and len(body["data"]) == 1


def test_a_provider_failing_several_filters_counts_once_under_the_first(
    client: FlaskClient,
    db: Session,
    world: World,
    partner: dict[str, str],
    provider_factory: Callable[..., dict[str, Any]],
) -> None:
    provider_factory(dea_registrations=[], accepting_new_patients=False, routes_offered=[])
    provider_factory(accepting_new_patients=False, credential="PA")
    body = _matches(client, partner, ready_consultation(db, world.patient_a1))
    assert body["data"] == []
    assert body["excluded"] == {**NONE_EXCLUDED, "dea": 1, "capacity": 1}


def test_match_shape_components_and_bookable_slots(
    client: FlaskClient,
    db: Session,
    world: World,
    partner: dict[str, str],
    provider_factory: Callable[..., dict[str, Any]],
) -> None:
    provider = provider_factory()
    consultation_id = ready_consultation(db, world.patient_a1, preferred_routes=["intranasal", "oral"])
    body = _matches(client, partner, consultation_id)
    (match,) = body["data"]
    assert match["provider"] == client.get(f"/v1/providers/{provider['id']}", headers=partner).get_json()
    assert set(match["score_components"]) == {
        "earliest_slot",
        "language",
        "preferred_times",
        "spare_capacity",
        "continuity",
    }
    assert match["score_components"]["language"] == 1.0 and match["score_components"]["continuity"] == 0.0
    assert 0 <= match["score"] <= 1
    assert match["available_routes"] == ["oral", "intranasal"]
    starts = [datetime.fromisoformat(s["start"]) for s in match["earliest_slots"]]
    assert len(starts) == 3 and starts == sorted(starts) and starts[0] >= datetime.now(UTC)
    assert starts[0] - datetime.now(UTC) <= timedelta(hours=1)


def test_matching_needs_a_ready_consultation(
    client: FlaskClient, db: Session, world: World, partner: dict[str, str]
) -> None:
    consultation_id = ready_consultation(
        db, world.patient_a1, status="awaiting_review", eligibility_outcome="needs_review"
    )
    response = client.get(f"/v1/consultations/{consultation_id}/provider-matches", headers=partner)
    assert response.status_code == 409 and response.get_json()["code"] == "consultation_not_ready"


def test_matches_of_another_tenants_consultation_are_404(
    client: FlaskClient, db: Session, world: World, partner: dict[str, str]
) -> None:
    consultation_id = ready_consultation(db, world.patient_b1)
    assert (
        client.get(f"/v1/consultations/{consultation_id}/provider-matches", headers=partner).status_code
        == 404
    )


# --- ranking --------------------------------------------------------------------------------------------
def test_language_ranks_first_then_capacity(
    client: FlaskClient,
    db: Session,
    world: World,
    partner: dict[str, str],
    provider_factory: Callable[..., dict[str, Any]],
) -> None:
    english = provider_factory(languages=["en"])
    spanish_busy = provider_factory(languages=["es-MX"], max_active_patients=10)
    spanish_free = provider_factory(languages=["es"], max_active_patients=10)
    row = db.get(Provider, spanish_busy["id"])
    assert row is not None
    row.active_patients = 5
    db.commit()
    body = _matches(client, partner, ready_consultation(db, world.patient_a1, preferred_language="es"))
    assert [m["provider"]["id"] for m in body["data"]] == [
        spanish_free["id"],
        spanish_busy["id"],
        english["id"],
    ]
    components = [m["score_components"] for m in body["data"]]
    assert [c["language"] for c in components] == [1.0, 1.0, 0.0]
    assert [c["spare_capacity"] for c in components] == [1.0, 0.5, 1.0]


def test_continuity_favours_the_provider_who_saw_the_patient(
    client: FlaskClient,
    db: Session,
    world: World,
    partner: dict[str, str],
    provider_factory: Callable[..., dict[str, Any]],
) -> None:
    first = provider_factory()
    seen = provider_factory()
    ready_consultation(db, world.patient_a1, status="completed", provider_id=seen["id"])
    body = _matches(client, partner, ready_consultation(db, world.patient_a1))
    assert [m["provider"]["id"] for m in body["data"]] == [seen["id"], first["id"]]
    assert body["data"][0]["score_components"]["continuity"] == 1.0


def test_preferred_times_fit(
    client: FlaskClient,
    db: Session,
    world: World,
    partner: dict[str, str],
    provider_factory: Callable[..., dict[str, Any]],
) -> None:
    window_start = next_whole_hour(24 * 10)
    nights_off = [
        {"weekday": d, "start": "08:00", "end": "20:00"}
        for d in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    ]
    daytime = provider_factory(availability={"weekly": nights_off})
    around_the_clock = provider_factory()
    night = window_start.replace(hour=2)
    consultation_id = ready_consultation(
        db, world.patient_a1, preferred_times=[{"start": iso(night), "end": iso(night + timedelta(hours=2))}]
    )
    body = _matches(client, partner, consultation_id)
    fit = {m["provider"]["id"]: m["score_components"]["preferred_times"] for m in body["data"]}
    assert fit == {around_the_clock["id"]: 1.0, daytime["id"]: 0.0}
    assert body["data"][0]["provider"]["id"] == around_the_clock["id"]


def test_ties_break_on_earliest_slot_then_provider_id(
    make_app: Callable[..., Flask], db: Session, world: World
) -> None:
    app = make_app(match_weights=(("earliest_slot", 0.0),))  # equal scores whatever the first slot
    client = app.test_client()
    admin = bearer(cc_token(client, world.admin))
    partner = bearer(cc_token(client, world.portal_a))
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date()
    later = create_provider(
        client,
        admin,
        {
            **all_day_availability(),
            "exceptions": [
                {"date": (tomorrow - timedelta(days=n)).isoformat(), "windows": []} for n in range(2)
            ],
        },
        timezone="UTC",
    )
    twins = sorted(
        create_provider(client, admin, all_day_availability(), timezone="UTC")["id"] for _ in range(2)
    )
    body = _matches(client, partner, ready_consultation(db, world.patient_a1))
    assert len({m["score"] for m in body["data"]}) == 1
    assert [m["provider"]["id"] for m in body["data"]] == [*twins, later["id"]]


def test_limit_returns_the_best_first(
    client: FlaskClient,
    db: Session,
    world: World,
    partner: dict[str, str],
    provider_factory: Callable[..., dict[str, Any]],
) -> None:
    ids = [provider_factory()["id"] for _ in range(3)]
    body = _matches(client, partner, ready_consultation(db, world.patient_a1), limit=2)
    assert [m["provider"]["id"] for m in body["data"]] == sorted(ids)[:2]
    bad = client.get(
        f"/v1/consultations/{ready_consultation(db, world.patient_a1)}/provider-matches?limit=0",
        headers=partner,
    )
    assert bad.status_code == 422


def test_ranking_slots_give_the_whole_horizons_result(
    db: Session, world: World, client: FlaskClient, provider_factory: Callable[..., dict[str, Any]]
) -> None:
    """Matching computes only the slots ranking can depend on; the outcome equals the full computation."""
    sparse_week = {"weekly": [{"weekday": "thursday", "start": "10:00", "end": "12:00"}]}
    for changes in (
        {},
        {"availability": sparse_week},
        {"languages": ["es"]},
        {"availability": sparse_week, "timezone": "America/Los_Angeles"},
    ):
        provider_factory(**changes)
    soon = next_whole_hour(24 * 6)
    consultation_id = ready_consultation(
        db,
        world.patient_a1,
        preferred_language="es",
        preferred_times=[
            {"start": iso(soon), "end": iso(soon + timedelta(hours=3))},
            {"start": iso(soon + timedelta(days=12)), "end": iso(soon + timedelta(days=13))},
        ],
    )
    consultation = db.get(Consultation, consultation_id)
    assert consultation is not None
    request = matching.match_request(db, consultation, datetime.now(UTC))
    fast = matching.rank_providers(db, request, DEFAULT_WEIGHTS)

    full = []
    for provider in db.scalars(select(Provider)):
        availability = parse_availability(provider.availability)
        slots = free_slots(
            availability.weekly,
            availability.exceptions,
            ZoneInfo(provider.timezone),
            request.now,
            request.now + request.horizon,
            request.consultation_length,
            now=request.now,
        )
        full.append(full_candidate(provider, slots))
    slow = match_providers(request, full, DEFAULT_WEIGHTS, slots_offered=SLOTS_OFFERED)
    assert fast.matches == slow.matches and dict(fast.excluded) == dict(slow.excluded)


# --- booking --------------------------------------------------------------------------------------------
def test_book_a_match_and_the_consultation_is_scheduled(
    make_app: Callable[..., Flask], db: Session, world: World
) -> None:
    client = make_app(video_base_url="https://video.test/room").test_client()
    admin = bearer(cc_token(client, world.admin))
    partner = bearer(cc_token(client, world.portal_a))
    provider = create_provider(client, admin, all_day_availability(), timezone="UTC")
    consultation_id = ready_consultation(db, world.patient_a1)
    slot = _matches(client, partner, consultation_id)["data"][0]["earliest_slots"][1]

    response = _book(client, partner, consultation_id, provider["id"], slot["start"])
    assert response.status_code == 201, response.get_json()
    appointment = response.get_json()
    assert appointment["id"].startswith("apt_") and appointment["status"] == "booked"
    assert (appointment["starts_at"], appointment["ends_at"]) == (slot["start"], slot["end"])
    assert (
        appointment["video_url"].startswith("https://video.test/room/") and len(appointment["video_url"]) > 40
    )
    assert response.headers["Location"] == f"/v1/consultations/{consultation_id}/appointment"

    consultation = client.get(f"/v1/consultations/{consultation_id}", headers=partner).get_json()
    assert consultation["status"] == "scheduled" and consultation["provider_id"] == provider["id"]
    assert (
        client.get(f"/v1/consultations/{consultation_id}/appointment", headers=partner).get_json()
        == appointment
    )
    assert client.get(f"/v1/providers/{provider['id']}", headers=partner).get_json()["active_patients"] == 1
    event = db.scalar(
        select(Event)
        .where(Event.object_id == consultation_id, Event.type == "consultation.status_changed")
        .order_by(Event.created_at.desc())
    )
    assert event is not None and event.data["status"] == "scheduled"

    # The slot is gone from the provider's free slots and from the next consultation's matches.
    start = datetime.fromisoformat(slot["start"])
    window = f"from={iso(start - timedelta(hours=1))}&to={iso(start + timedelta(hours=2))}"
    free = client.get(f"/v1/providers/{provider['id']}/slots?{window}", headers=partner).get_json()["data"]
    assert slot not in free and len(free) == 2
    other = ready_consultation(db, world.patient_a2)
    taken = _book(client, partner, other, provider["id"], slot["start"])
    assert taken.status_code == 409 and taken.get_json()["code"] == "slot_unavailable"
    assert taken.get_json()["errors"][0]["pointer"] == "/slot_start"


def test_booking_rechecks_the_hard_filters(
    client: FlaskClient,
    db: Session,
    world: World,
    partner: dict[str, str],
    provider_factory: Callable[..., dict[str, Any]],
) -> None:
    elsewhere = provider_factory(
        licenses=[{"state": "NJ", "number": "L1", "status": "active", "expires_on": FAR}],
        accepting_new_patients=False,
    )
    consultation_id = ready_consultation(db, world.patient_a1)
    response = _book(client, partner, consultation_id, elsewhere["id"], next_whole_hour())
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "provider_not_qualified" and body["failed_filters"] == ["license", "capacity"]
    assert {(e["pointer"], e["code"]) for e in body["errors"]} == {
        ("/provider_id", "license"),
        ("/provider_id", "capacity"),
    }
    unknown = _book(client, partner, consultation_id, "prv_nobody", next_whole_hour())
    assert unknown.status_code == 422 and unknown.get_json()["errors"][0]["pointer"] == "/provider_id"
    consultation = db.get(Consultation, consultation_id)
    assert consultation is not None and consultation.status == "ready"


@pytest.mark.parametrize(
    "start",
    [
        next_whole_hour(2) + timedelta(minutes=30),  # not on the slot grid
        next_whole_hour(-3),  # in the past
        next_whole_hour(24 * 31),  # beyond the 30-day horizon
    ],
    ids=["off-grid", "past", "beyond-horizon"],
)
def test_a_slot_that_is_not_free_is_409(
    client: FlaskClient,
    db: Session,
    world: World,
    partner: dict[str, str],
    provider_factory: Callable[..., dict[str, Any]],
    start: datetime,
) -> None:
    provider = provider_factory()
    response = _book(client, partner, ready_consultation(db, world.patient_a1), provider["id"], start)
    assert response.status_code == 409 and response.get_json()["code"] == "slot_unavailable"


def test_capacity_is_taken_by_bookings(
    client: FlaskClient,
    db: Session,
    world: World,
    partner: dict[str, str],
    provider_factory: Callable[..., dict[str, Any]],
) -> None:
    provider = provider_factory(max_active_patients=1)
    assert (
        _book(
            client, partner, ready_consultation(db, world.patient_a1), provider["id"], next_whole_hour(3)
        ).status_code
        == 201
    )
    second = _book(
        client, partner, ready_consultation(db, world.patient_a2), provider["id"], next_whole_hour(5)
    )
    assert second.status_code == 422 and second.get_json()["failed_filters"] == ["capacity"]


def test_booking_needs_a_ready_consultation_and_the_current_etag(
    client: FlaskClient,
    db: Session,
    world: World,
    partner: dict[str, str],
    provider_factory: Callable[..., dict[str, Any]],
) -> None:
    provider = provider_factory()
    submitted = ready_consultation(db, world.patient_a1, status="submitted", eligibility_outcome="pending")
    response = _book(client, partner, submitted, provider["id"], next_whole_hour())
    assert response.status_code == 409 and response.get_json()["code"] == "invalid_transition"
    consultation_id = ready_consultation(db, world.patient_a1)
    stale = client.post(
        f"/v1/consultations/{consultation_id}/assignment",
        json={"provider_id": provider["id"], "slot_start": iso(next_whole_hour())},
        headers={**partner, "If-Match": '"stale"'},
    )
    assert stale.status_code == 412
    etag = client.get(f"/v1/consultations/{consultation_id}", headers=partner).headers["ETag"]
    fresh = client.post(
        f"/v1/consultations/{consultation_id}/assignment",
        json={"provider_id": provider["id"], "slot_start": iso(next_whole_hour())},
        headers={**partner, "If-Match": etag},
    )
    assert fresh.status_code == 201


def test_another_tenant_cannot_book(
    client: FlaskClient, db: Session, world: World, provider_factory: Callable[..., dict[str, Any]]
) -> None:
    provider = provider_factory()
    other = bearer(cc_token(client, world.portal_b))
    response = _book(
        client, other, ready_consultation(db, world.patient_a1), provider["id"], next_whole_hour()
    )
    assert response.status_code == 404


def test_the_database_refuses_overlapping_appointments(
    db: Session, world: World, client: FlaskClient, provider_factory: Callable[..., dict[str, Any]]
) -> None:
    """The guard is a constraint (PostgreSQL) or a trigger (SQLite), whatever the service checks."""
    provider = provider_factory()
    start = next_whole_hour(30)

    def appointment(consultation_id: str, offset_minutes: int, status: str = "booked") -> Appointment:
        return Appointment(
            partner_id=world.partner_a,
            consultation_id=consultation_id,
            provider_id=provider["id"],
            starts_at=start + timedelta(minutes=offset_minutes),
            ends_at=start + timedelta(minutes=offset_minutes + 60),
            status=status,
            video_url="https://video.test/x",
        )

    first = appointment(ready_consultation(db, world.patient_a1), 0)
    db.add(first)
    db.commit()
    second_consultation = ready_consultation(db, world.patient_a2)
    attempt = db.begin_nested()
    db.add(appointment(second_consultation, 30))
    with pytest.raises(IntegrityError, match="appointment_overlap"):
        db.flush()
    attempt.rollback()
    db.add(appointment(second_consultation, 60))  # touching is fine
    db.add(appointment(ready_consultation(db, world.patient_a2), 15, status="cancelled"))
    db.commit()
    attempt = db.begin_nested()
    first.starts_at += timedelta(minutes=30)
    first.ends_at += timedelta(minutes=30)
    with pytest.raises(IntegrityError, match="appointment_overlap"):
        db.flush()
    attempt.rollback()


# --- reschedule, start, complete ------------------------------------------------------------------------
@pytest.fixture
def booked(
    client: FlaskClient,
    db: Session,
    world: World,
    partner: dict[str, str],
    provider_factory: Callable[..., dict[str, Any]],
) -> dict[str, Any]:
    provider = provider_factory(max_active_patients=3)
    consultation_id = ready_consultation(db, world.patient_a1)
    response = _book(client, partner, consultation_id, provider["id"], next_whole_hour(4))
    assert response.status_code == 201
    clinician = bearer(clinician_token(client, db, clinician_client(db), provider["id"], "doc@example.test"))
    return {
        "provider": provider,
        "consultation_id": consultation_id,
        "appointment": response.get_json(),
        "clinician": clinician,
    }


def test_reschedule_moves_the_appointment(
    client: FlaskClient, partner: dict[str, str], booked: dict[str, Any], db: Session, world: World
) -> None:
    url = f"/v1/consultations/{booked['consultation_id']}/reschedule"
    new_start = next_whole_hour(5)  # overlaps nothing but its own old slot's neighbour
    moved = client.post(url, json={"slot_start": iso(new_start)}, headers=partner)
    assert moved.status_code == 200, moved.get_json()
    body = moved.get_json()
    assert body["id"] == booked["appointment"]["id"] and body["starts_at"] == iso(new_start)
    assert body["video_url"] == booked["appointment"]["video_url"]
    assert (
        client.get(f"/v1/consultations/{booked['consultation_id']}", headers=partner).get_json()["status"]
        == "scheduled"
    )
    # The old slot is free again; another patient books it, then it cannot be rescheduled into.
    other = ready_consultation(db, world.patient_a2)
    assert (
        _book(
            client, partner, other, booked["provider"]["id"], booked["appointment"]["starts_at"]
        ).status_code
        == 201
    )
    back = client.post(url, json={"slot_start": booked["appointment"]["starts_at"]}, headers=partner)
    assert back.status_code == 409 and back.get_json()["code"] == "slot_unavailable"
    assert (
        client.get(f"/v1/providers/{booked['provider']['id']}", headers=partner).get_json()["active_patients"]
        == 2
    )


def test_reschedule_needs_a_scheduled_consultation(
    client: FlaskClient, db: Session, world: World, partner: dict[str, str]
) -> None:
    response = client.post(
        f"/v1/consultations/{ready_consultation(db, world.patient_a1)}/reschedule",
        json={"slot_start": iso(next_whole_hour())},
        headers=partner,
    )
    assert response.status_code == 409 and response.get_json()["code"] == "invalid_transition"


def test_the_assigned_clinician_runs_the_visit(
    client: FlaskClient, partner: dict[str, str], booked: dict[str, Any], db: Session, world: World
) -> None:
    base = f"/v1/consultations/{booked['consultation_id']}"
    clinician = booked["clinician"]
    assert (
        client.post(
            f"{base}/complete", json={"outcome": "referred_out", "summary": "x"}, headers=clinician
        ).status_code
        == 409
    )
    assert client.post(f"{base}/start", json=VIDEO_VISIT, headers=partner).status_code == 403
    started = client.post(f"{base}/start", json=VIDEO_VISIT, headers=clinician)
    assert started.status_code == 200, started.get_json()
    assert started.get_json()["status"] == "in_progress" and started.get_json()["started_at"]
    assert started.headers["ETag"]
    invalid = client.post(f"{base}/complete", json={"outcome": "cured", "summary": "x"}, headers=clinician)
    assert invalid.status_code == 422 and invalid.get_json()["errors"][0]["pointer"] == "/outcome"
    done = client.post(
        f"{base}/complete",
        json={"outcome": "treatment_recommended", "summary": "Good candidate; start IM induction."},
        headers={**clinician, "If-Match": started.headers["ETag"]},
    )
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["status"] == "completed" and done.get_json()["outcome"] == "treatment_recommended"
    assert client.get(f"{base}/appointment", headers=clinician).get_json()["status"] == "completed"
    assert (
        client.get(f"/v1/providers/{booked['provider']['id']}", headers=partner).get_json()["active_patients"]
        == 0
    )


def test_another_clinician_cannot_run_the_visit(
    client: FlaskClient, db: Session, world: World, admin: dict[str, str], booked: dict[str, Any]
) -> None:
    stranger = create_provider(client, admin, all_day_availability())
    token = bearer(clinician_token(client, db, clinician_client(db), stranger["id"], "other@example.test"))
    assert (
        client.post(
            f"/v1/consultations/{booked['consultation_id']}/start", json=VIDEO_VISIT, headers=token
        ).status_code
        == 404
    )


def test_cancelling_a_scheduled_consultation_frees_the_slot_and_the_place(
    client: FlaskClient, db: Session, world: World, partner: dict[str, str], booked: dict[str, Any]
) -> None:
    provider_id = booked["provider"]["id"]
    assert client.get(f"/v1/providers/{provider_id}", headers=partner).get_json()["active_patients"] == 1
    cancelled = client.post(
        f"/v1/consultations/{booked['consultation_id']}/cancel", json={"reason": "moved"}, headers=partner
    )
    assert cancelled.status_code == 200, cancelled.get_json()
    assert cancelled.get_json()["status"] == "cancelled"
    appointment = client.get(f"/v1/consultations/{booked['consultation_id']}/appointment", headers=partner)
    assert appointment.get_json()["status"] == "cancelled"
    assert client.get(f"/v1/providers/{provider_id}", headers=partner).get_json()["active_patients"] == 0
    # The freed time can be booked by another patient.
    other = ready_consultation(db, world.patient_a2)
    slot = booked["appointment"]["starts_at"]
    rebooked = client.post(
        f"/v1/consultations/{other}/assignment",
        json={"provider_id": provider_id, "slot_start": slot},
        headers=partner,
    )
    assert rebooked.status_code == 201, rebooked.get_json()


def test_appointment_is_404_before_booking(
    client: FlaskClient, db: Session, world: World, partner: dict[str, str]
) -> None:
    response = client.get(
        f"/v1/consultations/{ready_consultation(db, world.patient_a1)}/appointment", headers=partner
    )
    assert response.status_code == 404


# --- the review queue -----------------------------------------------------------------------------------
def test_a_clinician_sees_review_cases_where_licensed(
    client: FlaskClient, db: Session, world: World, provider_factory: Callable[..., dict[str, Any]]
) -> None:
    provider = provider_factory()  # licensed in NY only
    token = bearer(clinician_token(client, db, clinician_client(db), provider["id"], "rev@example.test"))
    in_ny = ready_consultation(
        db, world.patient_a1, status="awaiting_review", eligibility_outcome="needs_review"
    )
    in_ca = ready_consultation(
        db,
        world.patient_a2,
        status="awaiting_review",
        eligibility_outcome="needs_review",
        patient_location_state="CA",
    )
    ready_ny = ready_consultation(db, world.patient_a2)
    assert client.get(f"/v1/consultations/{in_ny}", headers=token).status_code == 200
    assert client.get(f"/v1/consultations/{in_ca}", headers=token).status_code == 404
    assert client.get(f"/v1/consultations/{ready_ny}", headers=token).status_code == 404


def test_the_demo_directory_shows_matching_at_work(
    client: FlaskClient, db: Session, settings: Any, partner: dict[str, str], world: World
) -> None:
    from api.demo import seed_demo

    seed_demo(db, settings)
    seed_demo(db, settings)  # idempotent, the directory too
    demo_portal = bearer(cc_token(client, world.portal_a))
    consultation_id = ready_consultation(db, world.patient_a1, patient_location_state="NY")
    body = _matches(client, demo_portal, consultation_id)
    assert [m["provider"]["id"] for m in body["data"]] == ["prv_demo_okafor"]
    assert body["excluded"]["license"] >= 1  # Schmidt's New York licence expired
    assert body["excluded"]["capacity"] == 1  # Haddad is not accepting new patients
    rosa = client.get("/v1/providers/prv_demo_provider", headers=partner).get_json()
    assert rosa["family_name"] == "Delgado"
