"""Consultations, visits, appointments and prescriptions as FHIR R4 JSON: ServiceRequest
(us-core-servicerequest), Encounter (us-core-encounter), Appointment (base R4) and MedicationRequest
(us-core-medicationrequest).

Pure functions, as api/fhir/mapping.py: each takes the rows it reads (already loaded and filtered by tenancy)
and what the service looked up beside them (a consultation's conditions, its appointment) and returns a plain
dict. No database, no Flask. docs/fhir.md has the same tables in prose, and what is not mapped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Final

from api.domain.appointments import AppointmentStatus
from api.domain.consultation_status import Condition, ConsultationStatus
from api.domain.protocols import Route
from api.domain.telemedicine import (
    Dispensing,
    Medication,
    Modality,
    PrescriptionStatus,
    prescription_status,
)
from api.fhir.mapping import JSON, UCUM, _resource, instant, reference
from api.fhir.registry import US_CORE

SNOMED: Final = "http://snomed.info/sct"
RXNORM: Final = "http://www.nlm.nih.gov/research/umls/rxnorm"
ACT_CODE: Final = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
PARTICIPATION_TYPE: Final = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
MEDICATION_REQUEST_CATEGORY: Final = "http://terminology.hl7.org/CodeSystem/medicationrequest-category"

# The conditions a consultation is requested for, as SNOMED CT clinical findings (the International Edition's
# concept ids). Where SNOMED CT has no concept as narrow as ours the nearest broader one is sent, with our
# word as the text: treatment-resistant depression is a major depressive disorder that has not responded to
# treatment; bipolar depression the depressive phase of a bipolar disorder.
CONDITION_CODES: Final[Mapping[Condition, tuple[str, str]]] = {
    Condition.TREATMENT_RESISTANT_DEPRESSION: ("370143000", "Major depressive disorder"),
    Condition.MAJOR_DEPRESSION: ("370143000", "Major depressive disorder"),
    Condition.BIPOLAR_DEPRESSION: ("13746004", "Bipolar disorder"),
    Condition.GENERALIZED_ANXIETY: ("21897009", "Generalized anxiety disorder"),
    Condition.SOCIAL_ANXIETY: ("25501002", "Social phobia"),
    Condition.PTSD: ("47505003", "Posttraumatic stress disorder"),
    Condition.OCD: ("191736004", "Obsessive-compulsive disorder"),
    Condition.CHRONIC_PAIN: ("82423001", "Chronic pain"),
}
CONDITION_TEXT: Final[Mapping[Condition, str]] = {
    Condition.TREATMENT_RESISTANT_DEPRESSION: "Treatment-resistant depression",
    Condition.MAJOR_DEPRESSION: "Major depression",
    Condition.BIPOLAR_DEPRESSION: "Bipolar depression",
    Condition.GENERALIZED_ANXIETY: "Generalized anxiety",
    Condition.SOCIAL_ANXIETY: "Social anxiety",
    Condition.PTSD: "PTSD",
    Condition.OCD: "OCD",
    Condition.CHRONIC_PAIN: "Chronic pain",
}

# The service requested (SNOMED CT procedures): a consultation, in US Core's ServiceRequest category
# "Evaluation procedure" (a code of the category's required value set); its visit and the plan's follow-up
# visits as Encounter types.
EVALUATION: Final = ("386053000", "Evaluation procedure")
CONSULTATION: Final = ("11429006", "Consultation")
FOLLOW_UP: Final = ("390906007", "Follow-up encounter")

# request-status (ServiceRequest.status) of each consultation status: open cases are active, a case held for
# a psychiatrist's review of a crisis is on hold, a declined or cancelled one is revoked.
SERVICE_REQUEST_STATUS: Final[Mapping[ConsultationStatus, str]] = {
    ConsultationStatus.SUBMITTED: "active",
    ConsultationStatus.AWAITING_REVIEW: "active",
    ConsultationStatus.READY: "active",
    ConsultationStatus.SCHEDULED: "active",
    ConsultationStatus.IN_PROGRESS: "active",
    ConsultationStatus.ESCALATED: "on-hold",
    ConsultationStatus.COMPLETED: "completed",
    ConsultationStatus.DECLINED: "revoked",
    ConsultationStatus.CANCELLED: "revoked",
}
APPOINTMENT_STATUS: Final[Mapping[AppointmentStatus, str]] = {
    AppointmentStatus.BOOKED: "booked",
    AppointmentStatus.COMPLETED: "fulfilled",
    AppointmentStatus.CANCELLED: "cancelled",
}
# MedicationRequest.status: an expired prescription can no longer be filled — its order is over ("completed");
# whether every fill was dispensed is not ours to know.
MEDICATION_REQUEST_STATUS: Final[Mapping[PrescriptionStatus, str]] = {
    PrescriptionStatus.ACTIVE: "active",
    PrescriptionStatus.CANCELLED: "cancelled",
    PrescriptionStatus.EXPIRED: "completed",
}

# Encounter.class (v3 ActCode): a visit held by video or telephone is virtual; one held in person ambulatory.
# A visit recorded before visits had a modality (a consultation started before they were recorded) was a
# telemedicine visit: virtual.
VIRTUAL: Final = ("VR", "virtual")
AMBULATORY: Final = ("AMB", "ambulatory")


def encounter_class(modality: Modality | None) -> tuple[str, str]:
    return AMBULATORY if modality == Modality.IN_PERSON else VIRTUAL


# The medications, RxNorm (system http://www.nlm.nih.gov/research/umls/rxnorm). A prescription records the
# ingredient, route and dose, not a product: esketamine is one product in the US, Spravato nasal spray, coded
# by its dose form — SCDF 2201623 "esketamine Nasal Spray" and SBDF 2201625 "esketamine Nasal Spray
# [Spravato]" (RxNorm, NLM, release of 2026-06-01; as listed at ndclist.com/rxnorm/rxcui/2201623 and
# /2201625). Ketamine is prescribed as a compounded oral or sublingual form (no RxNorm clinical drug) or as an
# injectable solution whose strength the prescription does not name: it is sent by text only, with the route.
MEDICATION_CODES: Final[Mapping[tuple[Medication, Route], tuple[tuple[str, str], ...]]] = {
    (Medication.ESKETAMINE, Route.INTRANASAL): (
        ("2201623", "esketamine Nasal Spray"),
        ("2201625", "esketamine Nasal Spray [Spravato]"),
    ),
}
# Routes of administration (SNOMED CT qualifier values: the R4 RouteOfAdministration example value set).
ROUTE_CODES: Final[Mapping[Route, tuple[str, str]]] = {
    Route.ORAL: ("26643006", "Oral route"),
    Route.SUBLINGUAL: ("37839007", "Sublingual route"),
    Route.INTRANASAL: ("46713006", "Nasal route"),
    Route.INTRAMUSCULAR: ("78421000", "Intramuscular route"),
    Route.INTRAVENOUS: ("47625008", "Intravenous route"),
}
ROUTE_PHRASES: Final[Mapping[Route, str]] = {
    Route.ORAL: "by mouth",
    Route.SUBLINGUAL: "under the tongue",
    Route.INTRANASAL: "intranasally",
    Route.INTRAMUSCULAR: "by intramuscular injection",
    Route.INTRAVENOUS: "by intravenous infusion",
}
# MedicationRequest.category (the us-core slice, required binding): dispensed by a pharmacy for use at home is
# "community", administered at the clinic "outpatient".
DISPENSING_CATEGORY: Final[Mapping[Dispensing, tuple[str, str]]] = {
    Dispensing.PHARMACY: ("community", "Community"),
    Dispensing.CLINIC_ADMINISTERED: ("outpatient", "Outpatient"),
}
DISPENSING_PHRASES: Final[Mapping[Dispensing, str]] = {
    Dispensing.PHARMACY: "dispensed by the pharmacy",
    Dispensing.CLINIC_ADMINISTERED: "administered at the clinic under supervision",
}


def _snomed(code: tuple[str, str], text: str | None = None) -> JSON:
    concept: JSON = {"coding": [{"system": SNOMED, "code": code[0], "display": code[1]}]}
    if text:
        concept["text"] = text
    return concept


def reason_codes(conditions: Sequence[str]) -> list[JSON]:
    """The conditions as SNOMED CT concepts, our word as the text; one we do not know, by text only."""
    reasons = []
    for name in conditions:
        try:
            condition = Condition(name)
        except ValueError:
            reasons.append({"text": name})
            continue
        reasons.append(_snomed(CONDITION_CODES[condition], CONDITION_TEXT[condition]))
    return reasons


def encounter_identifier_system(issuer: str) -> str:
    return f"{issuer}/fhir/sid/encounter"


# --- ServiceRequest (us-core-servicerequest): the consultation request
# -----------------------------------------


def service_request(row: Any, appointment: Any | None) -> JSON:
    """A consultation as requested: for its conditions, by its partner, performed by the assigned clinician;
    its occurrence the booked (or held) appointment's time."""
    res = _resource("ServiceRequest", row.id, f"{US_CORE}/us-core-servicerequest", row.updated_at)
    res["status"] = SERVICE_REQUEST_STATUS[ConsultationStatus(row.status)]
    res["intent"] = "order"
    res["category"] = [_snomed(EVALUATION)]
    res["code"] = _snomed(CONSULTATION, "Ketamine treatment consultation")
    res["subject"] = reference("Patient", row.patient_id)
    if appointment is not None:
        res["occurrencePeriod"] = {
            "start": instant(appointment.starts_at),
            "end": instant(appointment.ends_at),
        }
    res["authoredOn"] = instant(row.created_at)
    res["requester"] = reference("Organization", row.partner_id)
    if row.provider_id:
        res["performer"] = [reference("Practitioner", row.provider_id)]
    reasons = reason_codes(row.conditions or [])
    if reasons:
        res["reasonCode"] = reasons
    return res


# --- Encounter (us-core-encounter): a visit
# ---------------------------------------------------------------------------


def encounter(
    row: Any,
    issuer: str,
    *,
    consultation_id: str | None,
    conditions: Sequence[str],
    appointment_id: str | None,
) -> JSON:
    """A visit: a consultation's (``consultation_id`` its own), a plan's follow-up (``consultation_id`` the
    plan's consultation), or a consultation started before visits were recorded (no modality: virtual)."""
    res = _resource("Encounter", row.id, f"{US_CORE}/us-core-encounter", row.completed_at or row.started_at)
    res["identifier"] = [{"system": encounter_identifier_system(issuer), "value": row.id}]
    res["status"] = "finished" if row.completed_at else "in-progress"
    code, display = encounter_class(row.modality)
    res["class"] = {"system": ACT_CODE, "code": code, "display": display}
    follow_up = row.plan_id is not None
    res["type"] = [_snomed(FOLLOW_UP if follow_up else CONSULTATION)]
    res["subject"] = reference("Patient", row.patient_id)
    if consultation_id:
        res["basedOn"] = [reference("ServiceRequest", consultation_id)]
    period: JSON = {"start": instant(row.started_at)}
    if row.completed_at:
        period["end"] = instant(row.completed_at)
    participants = []
    if row.provider_id:
        participants.append(_participant("PPRF", "primary performer", row.provider_id, period))
    if row.present_practitioner_id:
        participants.append(_participant("PART", "Participation", row.present_practitioner_id, period))
    if participants:
        res["participant"] = participants
    if appointment_id:
        res["appointment"] = [reference("Appointment", appointment_id)]
    res["period"] = period
    reasons = reason_codes(conditions)
    if reasons:
        res["reasonCode"] = reasons
    if row.patient_site_id:
        res["location"] = [{"location": reference("Location", row.patient_site_id)}]
    return res


def _participant(code: str, display: str, provider_id: str, period: JSON) -> JSON:
    return {
        "type": [{"coding": [{"system": PARTICIPATION_TYPE, "code": code, "display": display}]}],
        "period": period,
        "individual": reference("Practitioner", provider_id),
    }


# --- Appointment (base R4): a booked consultation slot
# ------------------------------------------------------------


def appointment(row: Any, patient_id: str) -> JSON:
    """A booked slot of a consultation, with the patient and the provider. Never the video link (a bearer
    secret of the visit)."""
    res = _resource("Appointment", row.id, None, row.updated_at)
    res["status"] = APPOINTMENT_STATUS[AppointmentStatus(row.status)]
    res["start"] = instant(row.starts_at)
    res["end"] = instant(row.ends_at)
    res["created"] = instant(row.created_at)
    res["basedOn"] = [reference("ServiceRequest", row.consultation_id)]
    res["participant"] = [
        {"actor": reference("Patient", patient_id), "required": "required", "status": "accepted"},
        {"actor": reference("Practitioner", row.provider_id), "required": "required", "status": "accepted"},
    ]
    return res


# --- MedicationRequest (us-core-medicationrequest): a prescription
# ---------------------------------------------


def medication_concept(medication: Medication, route: Route) -> JSON:
    concept: JSON = {}
    codes = MEDICATION_CODES.get((medication, route))
    if codes:
        concept["coding"] = [{"system": RXNORM, "code": code, "display": display} for code, display in codes]
    name = "Spravato (esketamine) nasal spray" if codes else f"{medication} ({route})"
    concept["text"] = name
    return concept


def dosage_text(row: Any) -> str:
    how = DISPENSING_PHRASES[Dispensing(row.dispensing)]
    return f"{row.dose_mg:g} mg {row.medication} {ROUTE_PHRASES[Route(row.route)]}, {how}"


def medication_request(row: Any, conditions: Sequence[str], now: datetime) -> JSON:
    """A prescription as issued, its status as of ``now`` (active until ``active_until``, then completed;
    cancelled with its reason)."""
    updated = row.cancelled_at or row.created_at
    res = _resource("MedicationRequest", row.id, f"{US_CORE}/us-core-medicationrequest", updated)
    status = prescription_status(
        cancelled=row.cancelled_at is not None, active_until=row.active_until, now=now
    )
    res["status"] = MEDICATION_REQUEST_STATUS[status]
    if status == PrescriptionStatus.CANCELLED and row.cancel_reason:
        res["statusReason"] = {"text": row.cancel_reason}
    res["intent"] = "order"
    code, display = DISPENSING_CATEGORY[Dispensing(row.dispensing)]
    res["category"] = [
        {"coding": [{"system": MEDICATION_REQUEST_CATEGORY, "code": code, "display": display}]}
    ]
    res["reportedBoolean"] = False
    res["medicationCodeableConcept"] = medication_concept(Medication(row.medication), Route(row.route))
    res["subject"] = reference("Patient", row.patient_id)
    res["encounter"] = reference("Encounter", row.visit_id)
    res["authoredOn"] = instant(row.issued_at)
    res["requester"] = reference("Practitioner", row.prescriber_id)
    reasons = reason_codes(conditions)
    if reasons:
        res["reasonCode"] = reasons
    route_code, route_display = ROUTE_CODES[Route(row.route)]
    res["dosageInstruction"] = [
        {
            "text": dosage_text(row),
            "route": {"coding": [{"system": SNOMED, "code": route_code, "display": route_display}]},
            "doseAndRate": [
                {"doseQuantity": {"value": row.dose_mg, "unit": "mg", "system": UCUM, "code": "mg"}}
            ],
        }
    ]
    res["dispenseRequest"] = {
        "validityPeriod": {"start": instant(row.issued_at), "end": instant(row.active_until)},
        "numberOfRepeatsAllowed": row.refills,
        "quantity": {"value": row.quantity},
        "expectedSupplyDuration": {"value": row.days_supply, "unit": "days", "system": UCUM, "code": "d"},
    }
    return res
