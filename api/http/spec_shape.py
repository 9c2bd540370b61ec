"""The OpenAPI document shaped for SDK generators (issue 15), from what flask-smorest and apispec produce.

- **One named component per value set.** apispec writes each ``OneOf`` validator as an inline ``enum``:
  generators then make one enum class per property (9 route enums, 6 US-state enums). Every inline enum
  is replaced by a ``$ref`` to the component named in ``VALUE_SETS``; a nullable one (``review_decision``)
  becomes ``anyOf: [$ref, {type: null}]``. An enum whose values no name covers fails the document's
  generation, so a new value set is named when it is added.
- **What a response always holds is required.** marshmallow dumps every declared field of a response schema
  (``null`` when unset), so each property of a schema reached only from responses is ``required``: a typed
  client reads ``patient.email`` as ``str | None``, not ``str | None | Unset``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from copy import deepcopy
from enum import Enum
from typing import Any, assert_never

from api.auth.principal import PRINCIPAL_KINDS
from api.domain.appointments import AppointmentStatus
from api.domain.audit import Action, Outcome
from api.domain.availability import WEEKDAYS
from api.domain.cohorts import COHORT_INSTRUMENTS, GROUP_KEYS, SEVERITY_BANDS
from api.domain.consultation_status import CONDITIONS, CONSULTATION_STATUSES, ReviewDecision, VisitOutcome
from api.domain.disclosure import AGE_BANDS
from api.domain.eligibility import EligibilityOutcome
from api.domain.escalation import ContactOutcome
from api.domain.matching import LicenseStatus
from api.domain.plan_status import PlanAction, PlanStatus
from api.domain.protocols import ReviewDecision as TaskReviewDecision
from api.domain.protocols import Route, TaskKind, TaskPurpose, TaskStatus, TreatmentProtocol
from api.domain.reference import CONSENT_TYPES, CREDENTIALS, DEA_SCHEDULES, SEX_AT_BIRTH, US_STATES
from api.domain.screening import (
    ANSWER_FORMS,
    ANTIDEPRESSANT_TRIALS,
    CSSRS_BEHAVIOR_QUESTIONS,
    CSSRS_FOLLOW_UPS,
    CSSRS_QUESTIONS,
    CSSRS_RECALL_KEY,
    INSTRUMENTS,
    INTAKE_CONDITION_FIELDS,
    INTAKE_FIELDS,
    INTAKE_MEASUREMENTS,
    ITEM_SCALES,
    LEGACY_INTAKE_FIELDS,
    MAX_ANTIDEPRESSANT_TRIALS,
    MAX_MEDICATION_LENGTH,
    MAX_MEDICATIONS,
    MEDICATION_CLASSES,
    AnswerForm,
    CssrsRecall,
    Instrument,
)
from api.domain.session_monitoring import Dissociation
from api.domain.session_safety import AdverseEventSeverity, AdverseEventType, Disposition
from api.domain.telemedicine import (
    Dispensing,
    IdentityMethod,
    Medication,
    Modality,
    PdmpResult,
    PrescriptionStatus,
)
from api.domain.webhooks import EventType
from api.http.problems import PROBLEM_DOCS
from api.http.webhook_spec import add_webhooks
from api.models.user import ROLES
from api.models.webhook import DeliveryStatus, DisabledReason
from api.services.accounts import GRANT_TYPES


def _values(source: Iterable[Any]) -> list[str]:
    return [item.value if isinstance(item, Enum) else str(item) for item in source]


# Component name -> (the values, in the order the spec lists them; what the set is).
VALUE_SETS: dict[str, tuple[list[str], str]] = {
    "UsState": (sorted(US_STATES), "USPS state or territory code"),
    "Route": (_values(Route), "Route of ketamine administration"),
    "Instrument": (_values(INSTRUMENTS), "Screening instrument"),
    "Condition": (_values(CONDITIONS), "Condition a consultation is requested for"),
    "ConsultationStatus": (_values(CONSULTATION_STATUSES), "Consultation status"),
    "EligibilityOutcome": (_values(EligibilityOutcome), "Eligibility decision"),
    "ReviewDecision": (_values(ReviewDecision), "A clinician's review decision"),
    "VisitOutcome": (_values(VisitOutcome), "Outcome of a completed consultation"),
    "SexAtBirth": (_values(SEX_AT_BIRTH), "Sex assigned at birth"),
    "ConsentType": (_values(CONSENT_TYPES), "Kind of consent"),
    "Credential": (_values(CREDENTIALS), "Provider credential"),
    "LicenseStatus": (_values(LicenseStatus), "Licence status"),
    "DeaSchedule": (_values(DEA_SCHEDULES), "Controlled-substance schedule"),
    "Weekday": (_values(WEEKDAYS), "Day of the week"),
    "AppointmentStatus": (_values(AppointmentStatus), "Appointment status"),
    "TreatmentProtocol": (_values(TreatmentProtocol), "Follow-up treatment protocol"),
    "PlanStatus": (_values(PlanStatus), "Follow-up plan status"),
    "PlanAction": (_values(PlanAction), "Action on a follow-up plan"),
    "TaskKind": (_values(TaskKind), "Kind of follow-up task"),
    "TaskStatus": (_values(TaskStatus), "Follow-up task status"),
    "TaskPurpose": (_values(TaskPurpose), "Why a follow-up task exists"),
    "TaskReviewDecision": (_values(TaskReviewDecision), "A provider's decision on a review task"),
    "AdverseEventType": (_values(AdverseEventType), "Kind of adverse event"),
    "AdverseEventSeverity": (_values(AdverseEventSeverity), "Adverse event severity"),
    "DissociationLevel": (_values(Dissociation), "Dissociation observed at a reading"),
    "Disposition": (_values(Disposition), "How the patient left a session"),
    "EventType": (_values(EventType), "Event type"),
    "VisitModality": (_values(Modality), "How a visit was held"),
    "IdentityMethod": (_values(IdentityMethod), "How the patient's identity was verified"),
    "Medication": (_values(Medication), "Prescribed medication"),
    "Dispensing": (_values(Dispensing), "Who dispenses a prescription"),
    "PdmpResult": (_values(PdmpResult), "What a PDMP check showed"),
    "PrescriptionStatus": (_values(PrescriptionStatus), "Prescription status"),
    "DeliveryStatus": (_values(DeliveryStatus), "Webhook delivery status"),
    "EndpointDisabledReason": (_values(DisabledReason), "Why a webhook endpoint was disabled"),
    "AuditAction": (_values(Action), "What an audited request did"),
    "AuditOutcome": (_values(Outcome), "How an audited request ended"),
    "UserRole": (_values(ROLES), "Role of a user who signs in"),
    "CallerType": (_values(PRINCIPAL_KINDS), "Kind of caller a token speaks for"),
    "GrantType": (_values(GRANT_TYPES), "OAuth grant type of a client"),
    "ContactOutcome": (_values(ContactOutcome), "What came of the urgent contact with an escalated patient"),
    "CssrsRecall": (_values(CssrsRecall), "C-SSRS recall version"),
    "MedicationClass": (_values(MEDICATION_CLASSES), "Medication class that interacts with ketamine"),
    "CohortInstrument": (_values(COHORT_INSTRUMENTS), "Instrument whose outcomes a cohort counts"),
    "CohortGroupKey": (_values(GROUP_KEYS), "What a cohort table is broken down by"),
    "BaselineSeverity": ([name for _, name in SEVERITY_BANDS], "PHQ-9 severity band of the baseline"),
    "AgeBand": ([label for _, label in AGE_BANDS], "Age band (HIPAA Safe Harbor: everyone over 89 in one)"),
}
_BY_VALUES = {frozenset(values): name for name, (values, _) in VALUE_SETS.items()}


class UnnamedValueSet(Exception):
    """An enum in the document that no entry of VALUE_SETS names."""


# The problem document is built by hand (api.http.problems), not dumped: these members are always there;
# ``errors`` and the extension members only where they apply.
PROBLEM_ALWAYS = ["code", "detail", "request_id", "status", "title", "type"]


# Response schemas whose members depend on the case, so none is required: the LOINC codes of a screening
# (the panel, its total, item 9, the risk level, by instrument), the measures of an instrument's outcome
# (PHQ-9 has remission, PCL-5 none), and an event's facts (by event type). tests/conformance.py checks every
# response of the test suite against the document, so a member marked required and left out fails there.
# A stored intake's answers may predate the second edition's questions (api.domain.screening).
SOME_MEMBERS_ONLY = frozenset({"Loinc", "InstrumentOutcome", "EventData", "KetamineIntakeStoredAnswers"})


def shape(document: dict[str, Any], created_with_location: frozenset[str]) -> dict[str, Any]:
    """``created_with_location``: the operations whose 201 sends ``Location`` (those creating a resource
    the API serves, api.http.blueprint.created_with_location)."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    add_webhooks(document)  # before the value sets are named: the payloads' enums are named too
    used = _name_value_sets(document)
    for name in sorted(used):
        values, description = VALUE_SETS[name]
        schemas[name] = {"type": "string", "enum": values, "description": description}
    _declare_headers(document, created_with_location)
    _type_screening_answers(schemas)
    problems = _closure(document, ["Problem"])
    if "Problem" in schemas:
        schemas["Problem"]["required"] = PROBLEM_ALWAYS
        schemas["Problem"]["properties"]["code"] = _problem_code()
    for name in _response_only(document) - problems - SOME_MEMBERS_ONLY:
        schema = schemas[name]
        if schema.get("type") == "object" and schema.get("properties"):
            schema["required"] = sorted(schema["properties"])
    return document


HEADERS = {
    "LOCATION": {
        "description": "The new resource's path",
        "required": True,
        "schema": {"type": "string", "example": "/v1/patients/pat_3k7q2x9m4d1p8w6v5n0c2b7a1e"},
    },
    "IDEMPOTENT_REPLAYED": {
        "description": "`true` when this is the recorded answer to an earlier request with the same "
        "Idempotency-Key and body (absent otherwise)",
        "schema": {"type": "string", "enum": ["true"]},
    },
}


def _submission_name(instrument: Instrument) -> str:
    """An instrument's submission, named for SDKs from its code (``ketamine_intake``: ``KetamineIntake``)."""
    return "".join(part.capitalize() for part in instrument.value.split("_"))


def _answers(instrument: Instrument, *, stored: bool = False) -> dict[str, Any]:
    """The JSON Schema of an instrument's answers, from how the domain reads them (``ANSWER_FORMS``)."""
    form = ANSWER_FORMS[instrument]
    if form is AnswerForm.ITEM_SCORES:
        count, highest = ITEM_SCALES[instrument]
        return {
            "type": "array",
            "items": {"type": "integer", "minimum": 0, "maximum": highest},
            "minItems": count,
            "maxItems": count,
            "description": f"{count} item scores from 0 to {highest}, in the questionnaire's order",
        }
    if form is AnswerForm.QUESTIONS:
        behaviour = {key for keys in CSSRS_BEHAVIOR_QUESTIONS.values() for key in keys}
        return {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                CSSRS_RECALL_KEY: {
                    "type": "string",
                    "enum": [str(recall) for recall in CssrsRecall],
                    "default": CssrsRecall.LIFETIME_RECENT.value,
                    "description": "The recall version: lifetime_recent for a consultation (or neither), "
                    "since_last_contact for a plan's check-in (422 recall_mismatch otherwise)",
                },
                **{
                    key: {
                        "type": ["boolean", "null"] if key in CSSRS_FOLLOW_UPS else "boolean",
                        "description": f"The patient {question}",
                    }
                    for key, question in CSSRS_QUESTIONS.items()
                },
            },
            "required": [
                key for key in CSSRS_QUESTIONS if key not in CSSRS_FOLLOW_UPS and key not in behaviour
            ],
            "description": "The screener's answers; questions 3-5 only after a yes to question 2. With "
            "recall lifetime_recent, behavior_lifetime (required) and behavior_past_3_months (only after a "
            "lifetime yes); with since_last_contact, behavior_since_last_contact (required) instead of both",
        }
    if form is AnswerForm.INTAKE:
        return _intake_answers(stored=stored)
    assert_never(form)


def _intake_answers(*, stored: bool = False) -> dict[str, Any]:
    """Sent, every answer is required; read back, an intake stored before the second edition may lack its
    new answers (``LEGACY_INTAKE_FIELDS``)."""
    properties: dict[str, Any] = {}
    for key, (low, high, unit, whole) in INTAKE_MEASUREMENTS.items():
        kind = "integer" if whole else "number"
        properties[key] = {"type": kind, "minimum": low, "maximum": high, "description": unit}
    for key, phrase in INTAKE_CONDITION_FIELDS.items():
        properties[key] = {"type": "boolean", "description": f"The patient reports {phrase}"}
    properties["current_medications"] = {
        "type": "array",
        "items": {"type": "string", "minLength": 1, "maxLength": MAX_MEDICATION_LENGTH},
        "maxItems": MAX_MEDICATIONS,
    }
    properties[ANTIDEPRESSANT_TRIALS] = {
        "type": "integer",
        "minimum": 0,
        "maximum": MAX_ANTIDEPRESSANT_TRIALS,
        "description": "Adequate antidepressant trials (an adequate dose for 6 weeks or more) in the current "
        "depressive episode; 0 when not depressed",
    }
    properties["medication_classes"] = {
        "type": "array",
        "items": {"type": "string", "enum": [str(c) for c in MEDICATION_CLASSES]},
        "uniqueItems": True,
        "description": "Classes of the current medications that interact with ketamine; [] when none",
    }
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
        "required": [key for key in INTAKE_FIELDS if not (stored and key in LEGACY_INTAKE_FIELDS)],
    }


def _type_screening_answers(schemas: dict[str, Any]) -> None:
    """ScreeningCreate (what is sent) and Screening (what is read back) as unions discriminated by
    ``instrument``, each variant with its answers typed."""
    names = {instrument: _submission_name(instrument) for instrument in INSTRUMENTS}
    for instrument, name in names.items():
        schemas[f"{name}Answers"] = _answers(instrument)
    # An intake read back may predate the second edition's questions (api.domain.screening).
    stored_intake = f"{names[Instrument.KETAMINE_INTAKE]}StoredAnswers"
    schemas[stored_intake] = _answers(Instrument.KETAMINE_INTAKE, stored=True)
    for generic_name, description in (
        (
            "ScreeningCreate",
            "A completed questionnaire; `instrument` says which, and so the shape of `answers`.",
        ),
        ("Screening", "A stored screening, scored; `instrument` says which, and so the shape of `answers`."),
    ):
        generic = schemas.get(generic_name)
        if generic is None:
            continue
        mapping = {}
        for instrument, name in names.items():
            variant = deepcopy(generic)
            variant["properties"]["instrument"] = {"type": "string", "const": instrument.value}
            answers = (
                stored_intake
                if generic_name == "Screening" and instrument is Instrument.KETAMINE_INTAKE
                else f"{name}Answers"
            )
            variant["properties"]["answers"] = {"$ref": f"#/components/schemas/{answers}"}
            schemas[f"{name}{generic_name}"] = variant
            mapping[instrument.value] = f"#/components/schemas/{name}{generic_name}"
        schemas[generic_name] = {
            "oneOf": [{"$ref": ref} for ref in mapping.values()],
            "discriminator": {"propertyName": "instrument", "mapping": mapping},
            "description": description,
        }


def _problem_code() -> dict[str, Any]:
    """Every code documented, as an open string: an enum would make an older SDK reject a code added later."""
    known = "\n".join(f"- `{code}`: {text}" for code, text in sorted(PROBLEM_DOCS.items()))
    return {
        "type": "string",
        "description": "Stable snake_case code of the problem; `type` links to its page, `/problems/{code}`. "
        "An open set: new codes may be added, so treat an unknown one by its HTTP status. The codes "
        f"today:\n\n{known}",
        "examples": sorted(PROBLEM_DOCS),
    }


def _declare_headers(document: dict[str, Any], created_with_location: frozenset[str]) -> None:
    """Location on the 201s that send it, Idempotent-Replayed on every POST's success: typed in SDKs."""
    document["components"].setdefault("headers", {}).update(HEADERS)
    for path in document.get("paths", {}).values():
        operation = path.get("post")
        if not isinstance(operation, dict):
            continue
        for status, response in operation.get("responses", {}).items():
            if not status.startswith("2") or "$ref" in response:
                continue
            headers = response.setdefault("headers", {})
            headers["Idempotent-Replayed"] = {"$ref": "#/components/headers/IDEMPOTENT_REPLAYED"}
            if status == "201" and operation.get("operationId") in created_with_location:
                headers["Location"] = {"$ref": "#/components/headers/LOCATION"}


def _name_value_sets(document: dict[str, Any]) -> set[str]:
    used: set[str] = set()
    for node, where in _enums(document, ""):
        values = [v for v in node["enum"] if v is not None]
        name = _BY_VALUES.get(frozenset(str(v) for v in values))
        if name is None:
            raise UnnamedValueSet(f"{where}: name the value set {values} in api/http/spec_shape.VALUE_SETS")
        used.add(name)
        nullable = None in node["enum"] or "null" in _types(node)
        siblings = {k: v for k, v in node.items() if k not in ("type", "enum")}
        node.clear()
        reference = {"$ref": f"#/components/schemas/{name}"}
        node.update({"anyOf": [reference, {"type": "null"}]} if nullable else reference)
        node.update(siblings)
    return used


def _types(node: dict[str, Any]) -> list[str]:
    kind = node.get("type", [])
    return kind if isinstance(kind, list) else [kind]


_TOP_LEVEL_SCHEMA = re.compile(r"/components/schemas/[^/]+")


def _enums(node: Any, where: str) -> Iterator[tuple[dict[str, Any], str]]:
    if isinstance(node, dict):
        if "enum" in node and not _TOP_LEVEL_SCHEMA.fullmatch(where):  # not a named value set itself
            yield node, where
            return
        for key, value in list(node.items()):
            yield from _enums(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _enums(value, f"{where}/{index}")


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            yield ref.rsplit("/", 1)[1]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _closure(document: dict[str, Any], roots: Iterable[str]) -> set[str]:
    schemas = document["components"]["schemas"]
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen or name not in schemas:
            continue
        seen.add(name)
        todo.extend(_refs(schemas[name]))
    return seen


def _response_only(document: dict[str, Any]) -> set[str]:
    """Schemas reached from responses and never from a request body or parameter."""
    in_responses: list[str] = []
    in_requests: list[str] = []
    for path in document.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            in_responses.extend(_refs(operation.get("responses", {})))
            in_requests.extend(_refs(operation.get("requestBody", {})))
            in_requests.extend(_refs(operation.get("parameters", [])))
    for response in document["components"].get("responses", {}).values():
        in_responses.extend(_refs(response))
    return _closure(document, in_responses) - _closure(document, in_requests)
