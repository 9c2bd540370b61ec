"""The last two required screenings arriving at the same moment on PostgreSQL: the case is still decided.

Each screening locks its consultation while it re-decides eligibility, so the second one to commit sees
the first; without the lock, both would see three of four screenings and the case would stay `submitted`.
Requests commit for real on separate connections, as separate server workers would.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from api.models import Consent, Consultation, Patient
from tests.clinical import CSSRS_NONE, GAD7_MILD, PHQ9_MODERATE, intake
from tests.conftest import Race
from tests.helpers import bearer, cc_token

ROUNDS = 6


def test_simultaneous_last_screenings_still_decide_the_case(race: Race) -> None:
    app, partner = race.app, race.partner_id
    with Session(race.engine, expire_on_commit=False) as session:
        patient = Patient(
            partner_id=partner,
            given_name="Noor",
            family_name="Race",
            birth_date=date(1980, 1, 1),
            sex_at_birth="female",
        )
        session.add(patient)
        session.flush()
        session.add(
            Consent(patient_id=patient.id, type="telehealth", version="1", accepted_at=datetime.now(UTC))
        )
        session.commit()
        patient_id = patient.id

    client = app.test_client()
    headers = bearer(cc_token(client, race.portal))

    def screen(consultation_id: str, instrument: str, answers: object) -> Any:
        body = {
            "patient_id": patient_id,
            "consultation_id": consultation_id,
            "instrument": instrument,
            "answers": answers,
            "completed_at": "2026-01-05T10:00:00Z",
        }
        return app.test_client().post("/v1/screenings", json=body, headers=headers)

    for _ in range(ROUNDS):
        request = {
            "patient_id": patient_id,
            "conditions": ["major_depression"],
            "patient_location_state": "NY",
        }
        consultation_id = client.post("/v1/consultations", json=request, headers=headers).get_json()["id"]
        assert screen(consultation_id, "phq9", PHQ9_MODERATE).status_code == 201
        assert screen(consultation_id, "gad7", GAD7_MILD).status_code == 201
        barrier = threading.Barrier(2)
        statuses: list[int] = []

        def last(
            instrument: str,
            answers: object,
            consultation_id: str,
            barrier: threading.Barrier,
            statuses: list[int],
        ) -> None:
            barrier.wait()
            statuses.append(screen(consultation_id, instrument, answers).status_code)

        threads = [
            threading.Thread(target=last, args=(instrument, answers, consultation_id, barrier, statuses))
            for instrument, answers in (("cssrs", CSSRS_NONE), ("ketamine_intake", intake()))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert statuses == [201, 201]
        with Session(race.engine) as session:
            consultation = session.get(Consultation, consultation_id)
            assert consultation is not None
            assert (consultation.status, consultation.eligibility_outcome) == ("ready", "eligible")
