"""Concurrent requests against a real server (granian, two worker processes) on SQLite or PostgreSQL.

Contract (api-contract.md §2): concurrent requests never produce a 5xx, on either database; of N
simultaneous writes carrying the same ``If-Match`` exactly one succeeds and the others get 412; the same
``Idempotency-Key`` sent N times at once creates one resource (the others replay it or get 409
``idempotency_key_in_use``). Every non-2xx answer is ``application/problem+json``.

The assertions count outcomes, never latencies: a 500, a dropped connection or a second winner fails the
test however the requests happened to interleave.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.models import (
    Appointment,
    Consent,
    Consultation,
    DeaRegistration,
    Event,
    Patient,
    Provider,
    ProviderLicense,
    Screening,
)
from tests.clinical import PHQ9_MODERATE
from tests.concurrency.conftest import Tenant
from tests.concurrency.server import (
    LiveServer,
    Outcome,
    assert_sound,
    call,
    for_a_while,
    simultaneously,
    summary,
)
from tests.directory import all_day_availability, iso, next_whole_hour, provider_body
from tests.helpers import PATIENT_BODY

CONTENDERS = 12
ROUNDS = 3


def patient_body(tag: str) -> dict[str, Any]:
    return {
        **PATIENT_BODY,
        "given_name": f"Grace {tag}",
        "email": f"{tag}@example.test",
        "external_id": f"ext-{tag}",
    }


def stored_patient(session: Session, partner_id: str, tag: str) -> str:
    """An adult patient with an accepted telehealth consent, arranged directly in the database."""
    patient = Patient(
        partner_id=partner_id,
        given_name=f"Pat {tag}",
        family_name="Live",
        birth_date=date(1984, 3, 1),
        sex_at_birth="female",
        preferred_language="en",
        timezone="America/New_York",
    )
    session.add(patient)
    session.flush()
    session.add(Consent(patient_id=patient.id, type="telehealth", version="1", accepted_at=datetime.now(UTC)))
    session.commit()
    return patient.id


def ready_consultation(session: Session, partner_id: str, tag: str) -> str:
    """A consultation whose screenings made it eligible (``ready``), in New York."""
    consultation = Consultation(
        partner_id=partner_id,
        patient_id=stored_patient(session, partner_id, tag),
        status="ready",
        conditions=["major_depression"],
        patient_location_state="NY",
        preferred_language="en",
        preferred_routes=[],
        preferred_times=[],
        eligibility_outcome="eligible",
        eligibility_evaluated_at=datetime.now(UTC),
    )
    session.add(consultation)
    session.commit()
    return consultation.id


def bookable_provider(session: Session, capacity: int) -> str:
    """A UTC provider open around the clock, licensed (and DEA-registered) in New York."""
    provider = Provider(
        npi=provider_body()["npi"],
        given_name="Race",
        family_name="Doctor",
        credential="MD",
        max_active_patients=capacity,
        timezone="UTC",
        availability={**all_day_availability(), "exceptions": []},
    )
    provider.routes_offered = ["oral"]
    provider.languages = ["en"]
    session.add(provider)
    session.flush()
    session.add(
        ProviderLicense(
            provider_id=provider.id,
            state="NY",
            number=f"NY-{provider.npi}",  # a board's number has one holder
            status="active",
            expires_on=date(2099, 1, 1),
        )
    )
    session.add(
        DeaRegistration(
            provider_id=provider.id,
            state="NY",
            number="FR1234563",
            schedules=["III"],
            expires_on=date(2099, 1, 1),
        )
    )
    session.commit()
    return provider.id


def count(session: Session, statement: Any) -> int:
    """Counted in a transaction of its own: on SQLite an open one would keep reading an old snapshot."""
    session.rollback()
    try:
        return int(session.scalar(statement) or 0)
    finally:
        session.rollback()


def with_key(headers: dict[str, str], key: str | None = None) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key or str(uuid.uuid4())}


def etag_of(server: LiveServer, path: str, headers: dict[str, str]) -> str:
    response = call("read", "GET", server.url(path), headers=headers)
    assert response.status == 200, response.brief()
    return response.headers["etag"]


def one_winner(
    outcomes: list[Outcome], winner: int, losers: set[int], loser_codes: set[str], context: str
) -> Outcome:
    """Exactly one ``winner`` status; every other outcome one of ``losers`` with a code in ``loser_codes``."""
    winners = [item for item in outcomes if item.status == winner]
    assert len(winners) == 1, f"{context}: {len(winners)} winners ({summary(outcomes)}): " + ", ".join(
        f"{item.label} (ETag {item.headers.get('etag')})" for item in winners
    )
    others = [item for item in outcomes if item.status != winner]
    wrong = [item for item in others if item.status not in losers or item.code not in loser_codes]
    assert not wrong, f"{context}: unexpected answers ({summary(outcomes)}): " + "; ".join(
        item.brief() for item in wrong[:5]
    )
    return winners[0]


# --- 1. concurrent creates --------------------------------------------------------------------------------


def test_concurrent_creates_all_succeed(live_server: LiveServer, tenant: Tenant, arrange: Session) -> None:
    contenders = 16
    for round_ in range(ROUNDS):
        offset = live_server.log_offset()

        outcomes = simultaneously(
            [
                partial(
                    call,
                    f"create {i}",
                    "POST",
                    live_server.url("/v1/patients"),
                    json=patient_body(f"c{round_}-{i}"),
                    headers=with_key(tenant.headers),
                )
                for i in range(contenders)
            ]
        )
        assert_sound(outcomes, live_server, offset)
        assert [item.status for item in outcomes] == [201] * contenders, summary(outcomes)
        assert len({item.body["id"] for item in outcomes}) == contenders
    created = count(
        arrange, select(func.count()).select_from(Patient).where(Patient.partner_id == tenant.partner_id)
    )
    assert created == contenders * ROUNDS


# --- 2. one Idempotency-Key, sent N times at once ----------------------------------------------------------


def test_same_idempotency_key_creates_one_patient(
    live_server: LiveServer, tenant: Tenant, arrange: Session
) -> None:
    contenders = 16
    for round_ in range(ROUNDS):
        offset = live_server.log_offset()
        key = f"same-key-{round_}-{uuid.uuid4()}"
        body = patient_body(f"idem{round_}")
        headers = with_key(tenant.headers, key)

        post = partial(call, method="POST", url=live_server.url("/v1/patients"), json=body, headers=headers)
        outcomes = simultaneously([partial(post, f"post {i}") for i in range(contenders)])
        assert_sound(outcomes, live_server, offset)
        created = [item for item in outcomes if item.status == 201]
        first = [item for item in created if item.headers.get("idempotent-replayed") != "true"]
        assert len(first) == 1, f"round {round_}: {len(first)} un-replayed 201s ({summary(outcomes)})"
        assert {item.body["id"] for item in created} == {first[0].body["id"]}, summary(outcomes)
        busy = [item for item in outcomes if item.status != 201]
        assert all(item.status == 409 and item.code == "idempotency_key_in_use" for item in busy), summary(
            outcomes
        )
        rows = count(
            arrange,
            select(func.count())
            .select_from(Patient)
            .where(Patient.partner_id == tenant.partner_id, Patient.external_id == body["external_id"]),
        )
        assert rows == 1, f"round {round_}: {rows} patients for one Idempotency-Key"
        retry = post("retry")  # once everything has finished, the key replays the one response
        assert retry.status == 201 and retry.headers.get("idempotent-replayed") == "true", retry.brief()
        assert retry.body["id"] == first[0].body["id"]


# --- 3 and 4. PATCH with one If-Match --------------------------------------------------------------------


def race_patches(
    server: LiveServer,
    path: str,
    headers: dict[str, str],
    bodies: list[dict[str, Any]],
    context: str,
) -> tuple[Outcome, dict[str, Any]]:
    """Send every body at once with the same (current) If-Match; returns the one 200 and the final body."""
    offset = server.log_offset()
    etag = etag_of(server, path, headers)
    outcomes = simultaneously(
        [
            partial(
                call,
                f"patch {i}",
                "PATCH",
                server.url(path),
                json=body,
                headers={**headers, "If-Match": etag},
            )
            for i, body in enumerate(bodies)
        ]
    )
    assert_sound(outcomes, server, offset)
    winner = one_winner(outcomes, 200, {412}, {"precondition_failed"}, context)
    final = call("final", "GET", server.url(path), headers=headers)
    assert final.status == 200
    assert final.headers["etag"] == winner.headers["etag"], f"{context}: the winner's ETag is not the last"
    return winner, final.body


def test_same_if_match_patches_of_a_patient_have_one_winner(
    live_server: LiveServer, tenant: Tenant, arrange: Session
) -> None:
    patient_id = stored_patient(arrange, tenant.partner_id, "patch")
    for round_ in range(ROUNDS):
        bodies = [{"given_name": f"Name{round_}x{i}"} for i in range(CONTENDERS)]
        winner, final = race_patches(
            live_server, f"/v1/patients/{patient_id}", tenant.headers, bodies, f"round {round_}"
        )
        assert final["given_name"] == winner.body["given_name"]


def test_same_if_match_patches_of_a_provider_have_one_winner(live_server: LiveServer, tenant: Tenant) -> None:
    created = call(
        "create provider",
        "POST",
        live_server.url("/v1/providers"),
        json=provider_body(),
        headers=with_key(tenant.admin),
    )
    assert created.status == 201, created.brief()
    path = f"/v1/providers/{created.body['id']}"
    for round_ in range(ROUNDS):
        bodies = [{"max_active_patients": 20 + round_ * CONTENDERS + i} for i in range(CONTENDERS)]
        winner, final = race_patches(live_server, path, tenant.admin, bodies, f"round {round_}")
        assert final["max_active_patients"] == winner.body["max_active_patients"]


# --- 5. everyone books the same slot ------------------------------------------------------------------


def test_booking_race_for_one_slot_has_one_winner(
    live_server: LiveServer, tenant: Tenant, arrange: Session
) -> None:
    for round_ in range(ROUNDS):
        provider_id = bookable_provider(arrange, capacity=CONTENDERS * 2)
        consultations = [
            ready_consultation(arrange, tenant.partner_id, f"book{round_}-{i}") for i in range(CONTENDERS)
        ]
        slot = {"provider_id": provider_id, "slot_start": iso(next_whole_hour(5 + round_))}
        offset = live_server.log_offset()
        outcomes = simultaneously(
            [
                partial(
                    call,
                    cid,
                    "POST",
                    live_server.url(f"/v1/consultations/{cid}/assignment"),
                    json=slot,
                    headers=with_key(tenant.headers),
                )
                for cid in consultations
            ]
        )
        assert_sound(outcomes, live_server, offset)
        winner = one_winner(outcomes, 201, {409}, {"slot_unavailable"}, f"round {round_}")
        appointments = count(
            arrange,
            select(func.count()).select_from(Appointment).where(Appointment.provider_id == provider_id),
        )
        assert appointments == 1, f"round {round_}: {appointments} appointments for one slot"
        scheduled = count(
            arrange,
            select(func.count())
            .select_from(Consultation)
            .where(Consultation.id.in_(consultations), Consultation.status == "scheduled"),
        )
        assert scheduled == 1
        assert winner.label in consultations
        active = count(arrange, select(Provider.active_patients).where(Provider.id == provider_id))
        assert active == 1


# --- 6. one state action, sent N times with the same If-Match --------------------------------------------


def test_same_if_match_cancels_have_one_winner(
    live_server: LiveServer, tenant: Tenant, arrange: Session
) -> None:
    for round_ in range(ROUNDS):
        consultation_id = ready_consultation(arrange, tenant.partner_id, f"cancel{round_}")
        path = f"/v1/consultations/{consultation_id}"
        offset = live_server.log_offset()
        etag = etag_of(live_server, path, tenant.headers)
        outcomes = simultaneously(
            [
                partial(
                    call,
                    f"cancel {i}",
                    "POST",
                    live_server.url(f"{path}/cancel"),
                    json={"reason": f"reason {i}"},
                    headers={**with_key(tenant.headers), "If-Match": etag},
                )
                for i in range(CONTENDERS)
            ]
        )
        assert_sound(outcomes, live_server, offset)
        winner = one_winner(
            outcomes,
            200,
            {409, 412},
            {"precondition_failed", "invalid_transition"},
            f"round {round_}",
        )
        final = call("final", "GET", live_server.url(path), headers=tenant.headers)
        assert (final.body["status"], final.body["cancellation_reason"]) == (
            "cancelled",
            winner.body["cancellation_reason"],
        )
        changes = count(
            arrange,
            select(func.count())
            .select_from(Event)
            .where(Event.object_id == consultation_id, Event.type == "consultation.status_changed"),
        )
        assert changes == 1, f"round {round_}: {changes} status changes for one cancellation"


# --- 7. a mixed write load -------------------------------------------------------------------------------


KINDS = ("patient", "consent", "screening")


def test_mixed_write_load_never_fails(live_server: LiveServer, tenant: Tenant, arrange: Session) -> None:
    threads, seconds = 30, 5.0
    patients = [stored_patient(arrange, tenant.partner_id, f"mix{i}") for i in range(6)]
    completed_at = iso(datetime.now(UTC) - timedelta(hours=1))

    def write(thread: int, n: int) -> Outcome:
        patient_id = patients[(thread + n) % len(patients)]
        kind = (thread + n) % 3
        if kind == 0:
            name, path, body = "patient", "/v1/patients", patient_body(f"mix-{thread}-{n}")
        elif kind == 1:
            name, path = "consent", f"/v1/patients/{patient_id}/consents"
            body = {"type": "data_sharing", "version": f"v{thread}.{n}", "accepted_at": completed_at}
        else:
            name, path = "screening", "/v1/screenings"
            body = {
                "patient_id": patient_id,
                "instrument": "phq9",
                "answers": PHQ9_MODERATE,
                "completed_at": completed_at,
            }
        return call(
            f"{name} {thread}.{n}",
            "POST",
            live_server.url(path),
            json=body,
            # Half with an Idempotency-Key, half without: both paths write under load.
            headers=with_key(tenant.headers) if (thread + n) % 2 else tenant.headers,
        )

    offset = live_server.log_offset()
    outcomes = for_a_while(seconds, threads, write)
    assert_sound(outcomes, live_server, offset)
    assert {item.status for item in outcomes} == {201}, summary(outcomes)
    made = {kind: sum(1 for item in outcomes if item.label.startswith(kind)) for kind in KINDS}
    assert all(made.values()), made  # every kind of write was exercised
    stored = count(
        arrange,
        select(func.count())
        .select_from(Patient)
        .where(Patient.partner_id == tenant.partner_id, Patient.external_id.is_not(None)),
    )
    assert stored == made["patient"]
    screenings = count(
        arrange, select(func.count()).select_from(Screening).where(Screening.patient_id.in_(patients))
    )
    assert screenings == made["screening"]
