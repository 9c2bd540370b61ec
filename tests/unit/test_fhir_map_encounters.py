"""The pure mappings of consultations, visits, appointments and prescriptions to FHIR
(api/fhir/map_encounters.py): every value of our enums has its FHIR code, class VR/AMB by modality, and a
prescription's status as of the moment asked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from api.domain.appointments import AppointmentStatus
from api.domain.consultation_status import Condition, ConsultationStatus
from api.domain.protocols import Route
from api.domain.telemedicine import Dispensing, Modality, PrescriptionStatus
from api.fhir import map_encounters as m

ISSUED = datetime(2026, 1, 12, 15, 0, tzinfo=UTC)


def test_every_value_of_ours_has_its_fhir_code() -> None:
    assert set(m.SERVICE_REQUEST_STATUS) == set(ConsultationStatus)
    assert set(m.APPOINTMENT_STATUS) == set(AppointmentStatus)
    assert set(m.MEDICATION_REQUEST_STATUS) == set(PrescriptionStatus)
    assert set(m.CONDITION_CODES) == set(Condition) == set(m.CONDITION_TEXT)
    assert set(m.ROUTE_CODES) == set(Route) == set(m.ROUTE_PHRASES)
    assert set(m.DISPENSING_CATEGORY) == set(Dispensing) == set(m.DISPENSING_PHRASES)


@pytest.mark.parametrize(
    ("modality", "code"),
    [(Modality.AUDIO_VIDEO, "VR"), (Modality.AUDIO_ONLY, "VR"), (None, "VR"), (Modality.IN_PERSON, "AMB")],
)
def test_encounter_class_by_modality(modality: Modality | None, code: str) -> None:
    assert m.encounter_class(modality)[0] == code


def test_an_unknown_condition_is_sent_by_text() -> None:
    assert m.reason_codes(["ptsd", "insomnia"]) == [
        {
            "coding": [{"system": m.SNOMED, "code": "47505003", "display": "Posttraumatic stress disorder"}],
            "text": "PTSD",
        },
        {"text": "insomnia"},
    ]


def _prescription(**changes: object) -> SimpleNamespace:
    row = SimpleNamespace(
        id="rx_1",
        patient_id="pat_1",
        prescriber_id="prv_1",
        visit_id="vis_1",
        medication="ketamine",
        route="sublingual",
        dose_mg=150.0,
        quantity=8.0,
        days_supply=28,
        refills=0,
        dispensing="pharmacy",
        issued_at=ISSUED,
        active_until=ISSUED + timedelta(days=28),
        cancelled_at=None,
        cancel_reason=None,
        created_at=ISSUED,
    )
    row.__dict__.update(changes)
    return row


def test_a_prescription_status_is_the_one_as_of_the_moment_asked() -> None:
    row = _prescription()
    assert m.medication_request(row, [], ISSUED + timedelta(days=1))["status"] == "active"
    assert m.medication_request(row, [], ISSUED + timedelta(days=28))["status"] == "completed"
    cancelled = _prescription(cancelled_at=ISSUED + timedelta(days=2), cancel_reason="Dose changed")
    request = m.medication_request(cancelled, [], ISSUED + timedelta(days=3))
    assert request["status"] == "cancelled" and request["statusReason"] == {"text": "Dose changed"}
    assert request["meta"]["lastUpdated"] == "2026-01-14T15:00:00Z"


def test_ketamine_is_sent_by_text_and_esketamine_by_rxnorm() -> None:
    assert m.medication_concept(m.Medication.KETAMINE, Route.SUBLINGUAL) == {"text": "ketamine (sublingual)"}
    spravato = m.medication_concept(m.Medication.ESKETAMINE, Route.INTRANASAL)
    assert [c["code"] for c in spravato["coding"]] == ["2201623", "2201625"]
    assert m.dosage_text(_prescription()) == "150 mg ketamine under the tongue, dispensed by the pharmacy"
