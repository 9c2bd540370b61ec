"""Follow-up plans as FHIR R4: a session's monitoring readings as vital-sign Observations
(us-core-blood-pressure, us-core-heart-rate, us-core-pulse-oximetry), the plan as a CarePlan
(us-core-careplan), its adverse events as AdverseEvent and the patient's consents as Consent (base R4: US Core
profiles neither).

Pure functions, as api/fhir/mapping.py: the rows they read (already loaded, already filtered by tenancy) in,
plain dicts out. The codes, units and what is not mapped are tabled in docs/fhir.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape
from typing import Any, Final

from api.domain.plan_status import PlanStatus
from api.domain.protocols import TreatmentProtocol
from api.domain.session_safety import AdverseEventSeverity, AdverseEventType
from api.fhir.mapping import JSON, LOINC, OBSERVATION_CATEGORY, UCUM, _resource, day, instant, reference
from api.fhir.registry import US_CORE

# --- vital signs (one Observation per kind per monitoring reading) ---------------------------------------


@dataclass(frozen=True)
class VitalKind:
    """One kind of vital sign a reading holds: its part of the FHIR id, profile, LOINC code(s)."""

    part: str  # after the task's id: ``tsk-abc.bp.40``
    profile: str
    codes: tuple[tuple[str, str], ...]  # (LOINC code, display); the first is the one we search by first
    text: str


BLOOD_PRESSURE: Final = VitalKind(
    "bp",
    f"{US_CORE}/us-core-blood-pressure",
    (("85354-9", "Blood pressure panel with all children optional"),),
    "Blood pressure",
)
HEART_RATE: Final = VitalKind(
    "hr", f"{US_CORE}/us-core-heart-rate", (("8867-4", "Heart rate"),), "Heart rate"
)
PULSE_OXIMETRY: Final = VitalKind(
    "spo2",
    f"{US_CORE}/us-core-pulse-oximetry",
    (
        ("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry"),
        ("2708-6", "Oxygen saturation in Arterial blood"),
    ),
    "Oxygen saturation (pulse oximetry)",
)
VITAL_KINDS: Final[Mapping[str, VitalKind]] = {
    k.part: k for k in (BLOOD_PRESSURE, HEART_RATE, PULSE_OXIMETRY)
}
SYSTOLIC: Final = ("8480-6", "Systolic blood pressure")
DIASTOLIC: Final = ("8462-4", "Diastolic blood pressure")
# UCUM (unit shown, code).
MM_HG: Final = ("mmHg", "mm[Hg]")
PER_MINUTE: Final = ("beats/minute", "/min")
PERCENT: Final = ("%", "%")


def vital_id(task_id: str, kind: VitalKind, minute: int) -> str:
    """Our id of one vital sign of one reading: the session's task, the kind, the reading's minute."""
    return f"{task_id}.{kind.part}.{minute}"


def parse_vital_id(our_id: str) -> tuple[str, VitalKind, int] | None:
    """(task id, kind, minute) of a vital sign's id, or None when it is not one."""
    task_id, _, rest = our_id.partition(".")
    part, _, minute = rest.partition(".")
    kind = VITAL_KINDS.get(part)
    if kind is None or not minute.isdigit():
        return None
    return task_id, kind, int(minute)


def _quantity(value: int | float, unit: tuple[str, str]) -> JSON:
    return {"value": value, "unit": unit[0], "system": UCUM, "code": unit[1]}


def _loinc(codes: Sequence[tuple[str, str]], text: str | None = None) -> JSON:
    concept: JSON = {"coding": [{"system": LOINC, "code": c, "display": d} for c, d in codes]}
    if text:
        concept["text"] = text
    return concept


def reading_kinds(reading: Mapping[str, Any]) -> list[VitalKind]:
    """The vital signs a reading holds: the blood pressure always, heart rate and SpO2 when taken."""
    kinds = [BLOOD_PRESSURE]
    if reading.get("heart_rate") is not None:
        kinds.append(HEART_RATE)
    if reading.get("spo2") is not None:
        kinds.append(PULSE_OXIMETRY)
    return kinds


def effective_at(administered_at: datetime, minute: int) -> datetime:
    return administered_at + timedelta(minutes=minute)


def vital_sign(record: Any, patient_id: str, reading: Mapping[str, Any], kind: VitalKind) -> JSON:
    """One vital sign of one reading of a session record (``record``: a SessionRecord row)."""
    minute = int(reading["minute"])
    res = _resource("Observation", vital_id(record.task_id, kind, minute), kind.profile, record.created_at)
    res["status"] = "final"
    res["category"] = [
        {"coding": [{"system": OBSERVATION_CATEGORY, "code": "vital-signs", "display": "Vital Signs"}]}
    ]
    res["code"] = _loinc(kind.codes, kind.text)
    res["subject"] = reference("Patient", patient_id)
    res["effectiveDateTime"] = instant(effective_at(record.administered_at, minute))
    res["issued"] = instant(record.created_at)
    if record.monitored_by:
        res["performer"] = [reference("Practitioner", record.monitored_by)]
    if kind is BLOOD_PRESSURE:
        res["component"] = [
            {"code": _loinc([SYSTOLIC]), "valueQuantity": _quantity(reading["systolic"], MM_HG)},
            {"code": _loinc([DIASTOLIC]), "valueQuantity": _quantity(reading["diastolic"], MM_HG)},
        ]
    elif kind is HEART_RATE:
        res["valueQuantity"] = _quantity(reading["heart_rate"], PER_MINUTE)
    else:
        res["valueQuantity"] = _quantity(reading["spo2"], PERCENT)
    res["note"] = [{"text": f"Session monitoring reading at minute {minute} after the first dose."}]
    return res


def vital_signs(record: Any, patient_id: str) -> list[JSON]:
    """Every vital sign of a session record, reading by reading."""
    return [
        vital_sign(record, patient_id, reading, kind)
        for reading in record.readings or []
        for kind in reading_kinds(reading)
    ]


# --- CarePlan (us-core-careplan) --------------------------------------------------------------------------

CAREPLAN_CATEGORY: Final = "http://hl7.org/fhir/us/core/CodeSystem/careplan-category"
# Our plan status as FHIR request-status (the same words).
CAREPLAN_STATUS: Final[Mapping[PlanStatus, str]] = {
    PlanStatus.DRAFT: "draft",
    PlanStatus.ACTIVE: "active",
    PlanStatus.ON_HOLD: "on-hold",
    PlanStatus.COMPLETED: "completed",
    PlanStatus.REVOKED: "revoked",
}
PROTOCOL_TITLES: Final[Mapping[TreatmentProtocol, str]] = {
    TreatmentProtocol.IV_INDUCTION: "Intravenous ketamine induction",
    TreatmentProtocol.IM_INDUCTION: "Intramuscular ketamine induction",
    TreatmentProtocol.INTRANASAL_ESKETAMINE: "Intranasal esketamine (Spravato)",
    TreatmentProtocol.ORAL_AT_HOME: "Oral ketamine at home",
    TreatmentProtocol.CUSTOM: "Custom ketamine protocol",
}
XHTML: Final = "http://www.w3.org/1999/xhtml"


def care_plan_narrative(plan: Any) -> str:
    """The generated narrative: what the plan says, every value escaped (a dose note is free text)."""
    rows = [
        ("Protocol", PROTOCOL_TITLES[TreatmentProtocol(plan.protocol)]),
        ("Route", str(plan.route)),
        ("Status", CAREPLAN_STATUS[PlanStatus(plan.status)]),
        ("Period", f"{day(plan.start_date)} to {day(plan.end_date)}"),
    ]
    if plan.check_in_instruments:
        instruments = ", ".join(str(i) for i in plan.check_in_instruments)
        rows.append(("Check-ins", f"{instruments} every {plan.check_in_interval_days} days"))
    if plan.dose_note:
        rows.append(("Dose note", plan.dose_note))
    items = "".join(f"<li><b>{escape(label)}</b>: {escape(value)}</li>" for label, value in rows)
    return f'<div xmlns="{XHTML}"><p>Ketamine follow-up plan</p><ul>{items}</ul></div>'


def care_plan(plan: Any) -> JSON:
    res = _resource("CarePlan", plan.id, f"{US_CORE}/us-core-careplan", plan.updated_at)
    res["text"] = {"status": "generated", "div": care_plan_narrative(plan)}
    res["status"] = CAREPLAN_STATUS[PlanStatus(plan.status)]
    res["intent"] = "plan"
    res["category"] = [{"coding": [{"system": CAREPLAN_CATEGORY, "code": "assess-plan"}]}]
    res["title"] = PROTOCOL_TITLES[TreatmentProtocol(plan.protocol)]
    res["subject"] = reference("Patient", plan.patient_id)
    res["period"] = {"start": day(plan.start_date), "end": day(plan.end_date)}
    res["created"] = instant(plan.created_at)
    res["author"] = reference("Practitioner", plan.provider_id)
    return res


# --- AdverseEvent (base R4) -------------------------------------------------------------------------------

SNOMED: Final = "http://snomed.info/sct"
SEVERITY_SYSTEM: Final = "http://terminology.hl7.org/CodeSystem/adverse-event-severity"
SERIOUSNESS_SYSTEM: Final = "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness"
# SNOMED CT findings for the event types that have an unambiguous one; the others carry our code and text.
EVENT_SNOMED: Final[Mapping[AdverseEventType, tuple[str, str]]] = {
    AdverseEventType.NAUSEA: ("422587007", "Nausea"),
    AdverseEventType.VOMITING: ("422400008", "Vomiting"),
    AdverseEventType.DIZZINESS: ("404640003", "Dizziness"),
    AdverseEventType.HEADACHE: ("25064002", "Headache"),
    AdverseEventType.ANXIETY: ("48694002", "Anxiety"),
    AdverseEventType.HYPERTENSION: ("24184005", "Finding of increased blood pressure"),
}
# Our severity as FHIR's (mild | moderate | severe); ``serious`` is a seriousness, not a severity.
EVENT_SEVERITY: Final[Mapping[AdverseEventSeverity, str]] = {
    AdverseEventSeverity.MILD: "mild",
    AdverseEventSeverity.MODERATE: "moderate",
    AdverseEventSeverity.SEVERE: "severe",
}
SUSPECT_DRUG: Final[Mapping[TreatmentProtocol, str]] = {TreatmentProtocol.INTRANASAL_ESKETAMINE: "esketamine"}


def adverse_event_type_system(issuer: str) -> str:
    return f"{issuer}/fhir/CodeSystem/adverse-event-type"


def adverse_event(row: Any, protocol: TreatmentProtocol, issuer: str) -> JSON:
    """An adverse event of a plan. The suspected drug is known for an event reported with a session (the
    dose given there): the plan's drug, by name."""
    res = _resource("AdverseEvent", row.id, None, row.created_at)  # base R4: no profile
    event_type = AdverseEventType(row.type)
    res["identifier"] = {"system": f"{issuer}/fhir/sid/adverse-event", "value": row.id}
    res["actuality"] = "actual"
    coding = [{"system": adverse_event_type_system(issuer), "code": str(event_type)}]
    if event_type in EVENT_SNOMED:
        code, display = EVENT_SNOMED[event_type]
        coding.insert(0, {"system": SNOMED, "code": code, "display": display})
    res["event"] = {"coding": coding, "text": row.description or event_type.replace("_", " ")}
    res["subject"] = reference("Patient", row.patient_id)
    res["date"] = instant(row.onset_at)
    res["recordedDate"] = instant(row.created_at)
    severity = AdverseEventSeverity(row.severity)
    serious = severity is AdverseEventSeverity.SERIOUS
    res["seriousness"] = {
        "coding": [
            {
                "system": SERIOUSNESS_SYSTEM,
                "code": "serious" if serious else "non-serious",
                "display": "Serious" if serious else "Non-serious",
            }
        ]
    }
    if severity in EVENT_SEVERITY:
        res["severity"] = {"coding": [{"system": SEVERITY_SYSTEM, "code": EVENT_SEVERITY[severity]}]}
    if row.task_id:
        drug = SUSPECT_DRUG.get(protocol, "ketamine")
        res["suspectEntity"] = [{"instance": {"display": f"{drug} given at the session"}}]
    return res


# --- Consent (base R4) ------------------------------------------------------------------------------------

CONSENT_SCOPE_SYSTEM: Final = "http://terminology.hl7.org/CodeSystem/consentscope"
# Each consent type: its scope (consentscope) and category (LOINC, the R4 consent-category value set).
CONSENT_CODES: Final[Mapping[str, tuple[str, tuple[str, str]]]] = {
    "telehealth": ("treatment", ("59284-0", "Patient Consent")),
    "ketamine_treatment": ("treatment", ("59284-0", "Patient Consent")),
    "data_sharing": ("patient-privacy", ("64292-6", "Release of information consent")),
}
CONSENT_TITLES: Final[Mapping[str, str]] = {
    "telehealth": "Consent to telehealth",
    "ketamine_treatment": "Consent to ketamine treatment",
    "data_sharing": "Consent to data sharing",
}


def consent_policy(issuer: str, consent_type: str, version: str) -> str:
    """The name of the text the patient accepted (its type and version): a URI, not a page."""
    return f"{issuer}/fhir/consent-policy/{consent_type}/{version}"


def consent(row: Any, partner_id: str, issuer: str) -> JSON:
    """A patient's consent: active until withdrawn, then inactive, its provision ending at the withdrawal."""
    res = _resource("Consent", row.id, None, row.withdrawn_at or row.created_at)  # base R4
    scope, (category, display) = CONSENT_CODES[row.type]
    res["status"] = "inactive" if row.withdrawn_at else "active"
    res["scope"] = {"coding": [{"system": CONSENT_SCOPE_SYSTEM, "code": scope}]}
    res["category"] = [
        {
            "coding": [{"system": LOINC, "code": category, "display": display}],
            "text": CONSENT_TITLES[row.type],
        }
    ]
    res["patient"] = reference("Patient", row.patient_id)
    res["dateTime"] = instant(row.accepted_at)
    res["performer"] = [reference("Patient", row.patient_id)]
    res["organization"] = [reference("Organization", partner_id)]
    res["policy"] = [{"uri": consent_policy(issuer, row.type, row.version)}]
    period = {"start": instant(row.accepted_at)}
    if row.withdrawn_at:
        period["end"] = instant(row.withdrawn_at)
    res["provision"] = {"type": "permit", "period": period}
    return res
