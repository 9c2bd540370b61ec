"""Concurrent bookings of one slot on PostgreSQL: exactly one appointment, every other request 409.

Not inside the per-test outer transaction: each request runs on its own pooled connection and commits for
real, as separate server workers would, so this test makes (and drops) its own database.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.models import Appointment, Consultation, DeaRegistration, Patient, Provider, ProviderLicense
from tests.conftest import Race
from tests.directory import all_day_availability, iso, next_whole_hour, provider_body
from tests.helpers import bearer, cc_token

CONTENDERS = 8


def test_concurrent_bookings_of_one_slot_end_with_one_appointment(race: Race) -> None:
    app, partner = race.app, race.partner_id
    with Session(race.engine, expire_on_commit=False) as session:
        body = provider_body(timezone="UTC", max_active_patients=CONTENDERS * 2)
        provider = Provider(
            npi=body["npi"],
            given_name="Race",
            family_name="Doctor",
            credential="MD",
            max_active_patients=body["max_active_patients"],
            timezone="UTC",
            availability={**all_day_availability(), "exceptions": []},
        )
        provider.routes_offered = ["oral"]
        provider.languages = ["en"]
        session.add(provider)
        session.flush()
        session.add(
            ProviderLicense(
                provider_id=provider.id, state="NY", number="R1", status="active", expires_on=date(2099, 1, 1)
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
        consultation_ids = []
        for index in range(CONTENDERS):
            patient = Patient(
                partner_id=partner,
                given_name=f"P{index}",
                family_name="Race",
                birth_date=date(1980, 1, 1),
                sex_at_birth="female",
            )
            session.add(patient)
            session.flush()
            consultation = Consultation(
                partner_id=partner,
                patient_id=patient.id,
                status="ready",
                conditions=["major_depression"],
                patient_location_state="NY",
                eligibility_outcome="eligible",
                eligibility_evaluated_at=datetime.now(UTC),
            )
            session.add(consultation)
            session.flush()
            consultation_ids.append(consultation.id)
        session.commit()
        provider_id = provider.id

    client = app.test_client()
    headers = bearer(cc_token(client, race.portal))
    slot_start = iso(next_whole_hour(5))
    barrier = threading.Barrier(CONTENDERS)
    results: list[tuple[int, Any]] = []
    lock = threading.Lock()

    def book(consultation_id: str) -> None:
        own_client = app.test_client()
        barrier.wait()
        response = own_client.post(
            f"/v1/consultations/{consultation_id}/assignment",
            json={"provider_id": provider_id, "slot_start": slot_start},
            headers=headers,
        )
        with lock:
            results.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=book, args=(cid,)) for cid in consultation_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    statuses = sorted(status for status, _ in results)
    assert statuses == [201] + [409] * (CONTENDERS - 1), results
    assert {body["code"] for status, body in results if status == 409} == {"slot_unavailable"}
    with Session(race.engine) as session:
        assert session.scalar(select(func.count()).select_from(Appointment)) == 1
        assert session.scalar(select(func.count()).where(Consultation.status == "scheduled")) == 1
        assert session.scalar(select(Provider.active_patients).where(Provider.id == provider_id)) == 1
