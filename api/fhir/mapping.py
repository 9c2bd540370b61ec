"""Our rows as FHIR R4 JSON (US Core 6.1.0 where a profile exists): pure functions, one per resource type.

Each takes the rows it reads (already loaded and already filtered by tenancy) and the ``issuer`` (the public
base URL, for identifier systems and canonical URLs) and returns a plain dict. No database, no Flask. The
tables of codes and what is not mapped are in docs/fhir.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any, Final

from api.domain.screening import LOINC_CODES, Instrument
from api.fhir.ids import to_fhir_id
from api.fhir.registry import US_CORE

JSON = dict[str, Any]

NPI_SYSTEM: Final = "http://hl7.org/fhir/sid/us-npi"
BIRTH_SEX_URL: Final = f"{US_CORE}/us-core-birthsex"
LANGUAGE_SYSTEM: Final = "urn:ietf:bcp:47"
NUCC_SYSTEM: Final = "http://nucc.org/provider-taxonomy"
# Birth sex (us-core-birthsex, value set Birth Sex: F, M, UNK) and administrative gender derived from it
# (api-contract.md: female/male, else unknown).
BIRTH_SEX: Final[Mapping[str, str]] = {"female": "F", "male": "M"}
GENDER: Final[Mapping[str, str]] = {"female": "female", "male": "male"}
# Our specialties with a NUCC Health Care Provider Taxonomy code (the binding of PractitionerRole.specialty);
# any other is sent as text only.
SPECIALTY_CODES: Final[Mapping[str, tuple[str, str]]] = {
    "psychiatry": ("2084P0800X", "Psychiatry & Neurology, Psychiatry"),
    "anesthesiology": ("207L00000X", "Anesthesiology"),
    "pain_medicine": ("208VP0014X", "Pain Medicine, Interventional Pain Medicine"),
    "family_medicine": ("207Q00000X", "Family Medicine"),
    "internal_medicine": ("207R00000X", "Internal Medicine"),
    "psychiatric_nursing": ("363LP0808X", "Nurse Practitioner, Psych/Mental Health"),
}


def instant(value: datetime) -> str:
    """An R4 instant/dateTime in UTC with ``Z`` (naive values from SQLite are UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def day(value: date) -> str:
    return value.isoformat()


def reference(resource_type: str, our_id: str, display: str | None = None) -> JSON:
    ref: JSON = {"reference": f"{resource_type}/{to_fhir_id(our_id)}"}
    if display:
        ref["display"] = display
    return ref


def _meta(profiles: Iterable[str], updated: datetime | None) -> JSON:
    meta: JSON = {}
    if profiles:
        meta["profile"] = list(profiles)
    if updated is not None:
        meta["lastUpdated"] = instant(updated)
    return meta


def _resource(resource_type: str, our_id: str, profile: str | None, updated: datetime | None) -> JSON:
    return {
        "resourceType": resource_type,
        "id": to_fhir_id(our_id),
        "meta": _meta([profile] if profile else [], updated),
    }


def patient_identifier_system(issuer: str) -> str:
    return f"{issuer}/fhir/sid/patient"


def external_identifier_system(issuer: str, partner_id: str) -> str:
    """The partner's own ids for its patients (``external_id``), one namespace per partner."""
    return f"{issuer}/fhir/sid/{to_fhir_id(partner_id)}/external-id"


# --- Patient (us-core-patient)
# --------------------------------------------------------------------------------


def patient(row: Any, issuer: str) -> JSON:
    res = _resource("Patient", row.id, f"{US_CORE}/us-core-patient", row.updated_at)
    res["extension"] = [{"url": BIRTH_SEX_URL, "valueCode": BIRTH_SEX.get(row.sex_at_birth, "UNK")}]
    identifiers = [{"use": "usual", "system": patient_identifier_system(issuer), "value": row.id}]
    if row.external_id:
        identifiers.append(
            {
                "use": "secondary",
                "system": external_identifier_system(issuer, row.partner_id),
                "value": row.external_id,
                "assigner": reference("Organization", row.partner_id),
            }
        )
    res["identifier"] = identifiers
    res["active"] = True
    res["name"] = [{"use": "official", "family": row.family_name, "given": [row.given_name]}]
    telecom = []
    if row.phone:
        telecom.append({"system": "phone", "value": row.phone, "use": "mobile"})
    if row.email:
        telecom.append({"system": "email", "value": row.email, "use": "home"})
    if telecom:
        res["telecom"] = telecom
    res["gender"] = GENDER.get(row.sex_at_birth, "unknown")
    res["birthDate"] = day(row.birth_date)
    address = _address(row.address_line1, row.address_city, row.address_state, row.address_postal_code)
    if address:
        res["address"] = [{"use": "home", **address}]
    res["communication"] = [
        {
            "language": {"coding": [{"system": LANGUAGE_SYSTEM, "code": row.preferred_language}]},
            "preferred": True,
        }
    ]
    res["managingOrganization"] = reference("Organization", row.partner_id)
    return res


def _address(line: str | None, city: str | None, state: str | None, postal_code: str | None) -> JSON:
    address: JSON = {}
    if line:
        address["line"] = [line]
    if city:
        address["city"] = city
    if state:
        address["state"] = state
    if postal_code:
        address["postalCode"] = postal_code
    if address:
        address["country"] = "US"
    return address


# --- the directory: Practitioner, PractitionerRole, Location, Organization
# ------------------------------------


def practitioner(row: Any, email: str | None) -> JSON:
    """A provider, identified by NPI. The DEA number is never sent (it is not the partner's business)."""
    res = _resource("Practitioner", row.id, f"{US_CORE}/us-core-practitioner", row.updated_at)
    res["identifier"] = [{"system": NPI_SYSTEM, "value": row.npi}]
    res["active"] = True
    res["name"] = [
        {"use": "official", "family": row.family_name, "given": [row.given_name], "suffix": [row.credential]}
    ]
    if email:
        res["telecom"] = [{"system": "email", "value": email, "use": "work"}]
    return res


def practitioner_role(row: Any, email: str) -> JSON:
    """A provider's role. Served only for a provider with a sign-in email: US Core's pd-1 asks for contact
    details or an endpoint, and the email is the one contact we hold (api-contract.md)."""
    res = _resource("PractitionerRole", row.id, f"{US_CORE}/us-core-practitionerrole", row.updated_at)
    res["active"] = True
    res["practitioner"] = reference("Practitioner", row.id, f"{row.given_name} {row.family_name}")
    res["code"] = [
        {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/practitioner-role",
                    "code": "doctor" if row.credential in ("MD", "DO") else "nurse",
                }
            ],
            "text": row.credential,
        }
    ]
    specialties = [_specialty(s) for s in row.specialties]
    if specialties:
        res["specialty"] = specialties
    sites = list(row.sites)
    if sites:
        res["location"] = [reference("Location", site.id, site.name) for site in sites]
    res["telecom"] = [{"system": "email", "value": email, "use": "work"}]
    return res


def _specialty(specialty: str) -> JSON:
    coded = SPECIALTY_CODES.get(specialty)
    if coded is None:
        return {"text": specialty}
    code, display = coded
    return {"coding": [{"system": NUCC_SYSTEM, "code": code, "display": display}], "text": specialty}


def location(row: Any) -> JSON:
    """A practice site. We hold its name and state, not its street address."""
    res = _resource("Location", row.id, f"{US_CORE}/us-core-location", None)
    res["status"] = "active"
    res["name"] = row.name
    res["address"] = {"state": row.state, "country": "US"}
    if row.rems_certified:
        res["description"] = "Spravato REMS-certified healthcare setting"
    return res


def organization(row: Any) -> JSON:
    """A partner (the tenant). We hold its name only."""
    res = _resource("Organization", row.id, f"{US_CORE}/us-core-organization", None)
    res["active"] = True
    res["name"] = row.name
    return res


# --- screenings: Questionnaire, QuestionnaireResponse, Observation
# (us-core-observation-screening-assessment) ---

LOINC: Final = "http://loinc.org"
UCUM: Final = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY: Final = "http://terminology.hl7.org/CodeSystem/observation-category"
# The instruments served as FHIR questionnaires, with their LOINC panel and the LOINC code of each item where
# LOINC has one (PHQ-9 and GAD-7 items; the PCL-5's and the C-SSRS screener's are sent by text).
QUESTIONNAIRE_TITLES: Final[Mapping[str, str]] = {
    "phq9": "Patient Health Questionnaire-9 (PHQ-9)",
    "gad7": "Generalized Anxiety Disorder-7 (GAD-7)",
    "pcl5": "PTSD Checklist for DSM-5 (PCL-5)",
    "cssrs": "Columbia-Suicide Severity Rating Scale, screener (C-SSRS)",
}
ITEM_CODES: Final[Mapping[str, tuple[str, ...]]] = {
    "phq9": (
        "44250-9",
        "44255-8",
        "44259-0",
        "44254-1",
        "44251-7",
        "44258-2",
        "44252-5",
        "44253-3",
        "44260-8",
    ),
    "gad7": ("69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"),
}
ITEM_COUNTS: Final[Mapping[str, int]] = {"phq9": 9, "gad7": 7, "pcl5": 20}


def questionnaire_url(issuer: str, instrument: str) -> str:
    return f"{issuer}/fhir/R4/Questionnaire/{instrument}"


def questionnaire(instrument: str, issuer: str, panel: str | None, questions: Mapping[str, str]) -> JSON:
    """The questionnaire of an instrument, at its canonical URL (served there)."""
    res: JSON = {
        "resourceType": "Questionnaire",
        "id": instrument,
        "url": questionnaire_url(issuer, instrument),
        "name": instrument.upper(),
        "title": QUESTIONNAIRE_TITLES[instrument],
        "status": "active",
        "subjectType": ["Patient"],
    }
    if panel:
        res["code"] = [{"system": LOINC, "code": panel}]
    if instrument in ITEM_COUNTS:
        codes = ITEM_CODES.get(instrument, ())
        items = []
        for n in range(ITEM_COUNTS[instrument]):
            item: JSON = {"linkId": str(n + 1), "text": f"Item {n + 1}", "type": "integer", "required": True}
            if n < len(codes):
                item["code"] = [{"system": LOINC, "code": codes[n]}]
            items.append(item)
        res["item"] = items
    else:
        res["item"] = [{"linkId": key, "text": text, "type": "boolean"} for key, text in questions.items()]
    return res


def questionnaire_response(row: Any, issuer: str) -> JSON:
    res = _resource(
        "QuestionnaireResponse", row.id, f"{US_CORE}/us-core-questionnaireresponse", row.created_at
    )
    instrument = str(row.instrument)
    res["identifier"] = {"system": f"{issuer}/fhir/sid/screening", "value": row.id}
    res["questionnaire"] = questionnaire_url(issuer, instrument)
    res["status"] = "completed"
    res["subject"] = reference("Patient", row.patient_id)
    res["authored"] = instant(row.completed_at)
    if isinstance(row.answers, list):
        res["item"] = [
            {"linkId": str(n + 1), "text": f"Item {n + 1}", "answer": [{"valueInteger": int(score)}]}
            for n, score in enumerate(row.answers)
        ]
    elif isinstance(row.answers, dict):
        res["item"] = [
            {"linkId": key, "answer": [{"valueBoolean": value}]}
            for key, value in row.answers.items()
            if isinstance(value, bool)
        ]
    return res


def screening_observation(row: Any, issuer: str) -> JSON:
    """A screening's score: the total (PHQ-9, GAD-7, PCL-5) or the C-SSRS risk level, from its response."""
    res = _resource(
        "Observation", row.id, f"{US_CORE}/us-core-observation-screening-assessment", row.created_at
    )
    res["status"] = "final"
    res["category"] = [
        {"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]},
    ]
    codes = LOINC_CODES[Instrument(row.instrument)]
    code = codes.total or codes.risk_level
    title = QUESTIONNAIRE_TITLES.get(str(row.instrument), str(row.instrument))
    res["code"] = {"coding": [{"system": LOINC, "code": code}], "text": title}
    res["subject"] = reference("Patient", row.patient_id)
    res["effectiveDateTime"] = instant(row.completed_at)
    res["issued"] = instant(row.created_at)
    if row.total is not None:
        res["valueQuantity"] = {"value": row.total, "unit": "{score}", "system": UCUM, "code": "{score}"}
        if row.severity:
            res["interpretation"] = [{"text": row.severity}]
    else:
        res["valueCodeableConcept"] = {"text": row.severity}
    res["derivedFrom"] = [reference("QuestionnaireResponse", row.id)]
    return res
