"""What the FHIR API serves, declared once: each resource type with its profiles, the ``/v1`` scope that reads
the data it is built from, and its search parameters. The CapabilityStatement (api/fhir/capability.py), the
SMART scope vocabulary (api/auth/scopes.py), the scope check and the search parser (api/resources/fhir.py)
and the generated tests (tests/fhir/) all read this table: a type added here is served, advertised, granted
and tested; one left out is none of these.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Final

FHIR_VERSION: Final = "4.0.1"
US_CORE: Final = "http://hl7.org/fhir/us/core/StructureDefinition"
# Parameters every search takes beside its own: paging and the response format.
CONTROL_PARAMETERS: Final = frozenset({"_count", "_cursor", "_format"})


class ParamType(StrEnum):
    """FHIR search parameter types (R4 §3.1.1.4), those our parameters use."""

    TOKEN = "token"
    STRING = "string"
    DATE = "date"
    REFERENCE = "reference"


@dataclass(frozen=True)
class SearchParam:
    type: ParamType
    definition: str  # the canonical SearchParameter (base R4 or US Core)
    documentation: str = ""


def _base(resource: str, name: str) -> str:
    return f"http://hl7.org/fhir/SearchParameter/{resource}-{name}"


def _us_core(resource: str, name: str) -> str:
    return f"http://hl7.org/fhir/us/core/SearchParameter/us-core-{resource.lower()}-{name}"


ID = SearchParam(ParamType.TOKEN, "http://hl7.org/fhir/SearchParameter/Resource-id", "The resource's id")


@dataclass(frozen=True)
class Served:
    """One resource type of the API."""

    type: str
    profiles: tuple[str, ...]  # empty: base R4 (no US Core profile exists for it)
    scope: str  # the /v1 scope whose data it is built from (api-contract.md, "FHIR R4 read API")
    searches: Mapping[str, SearchParam] = field(default_factory=dict)
    patient_param: str | None = "patient"  # the search parameter naming the patient, for patient/ scopes
    documentation: str = ""
    # US Core must-support elements we hold no data for (sent by no resource; docs/fhir.md names each).
    not_mapped: tuple[str, ...] = ()
    # The same, per profile, for a type served under several (Observation): that profile's elements only.
    not_mapped_in: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Further /v1 scopes, each reading the part of the type built from its data (Observation: screenings'
    # scores with screenings:read, session vital signs with plans:read).
    more_scopes: tuple[str, ...] = ()

    @property
    def parameters(self) -> frozenset[str]:
        return frozenset(self.searches) | CONTROL_PARAMETERS

    @property
    def scopes(self) -> tuple[str, ...]:
        return (self.scope, *self.more_scopes)

    def unmapped(self, profile: str) -> tuple[str, ...]:
        """The must-support elements of ``profile`` we hold no data for."""
        return self.not_mapped + self.not_mapped_in.get(profile, ())


def _served(*types: Served) -> Mapping[str, Served]:
    return MappingProxyType({t.type: t for t in types})


SERVED: Final[Mapping[str, Served]] = _served(
    Served(
        "Patient",
        (f"{US_CORE}/us-core-patient",),
        "patients:read",
        {
            "_id": ID,
            "identifier": SearchParam(ParamType.TOKEN, _us_core("Patient", "identifier")),
            "name": SearchParam(ParamType.STRING, _us_core("Patient", "name")),
            "family": SearchParam(ParamType.STRING, _us_core("Patient", "family")),
            "given": SearchParam(ParamType.STRING, _us_core("Patient", "given")),
            "birthdate": SearchParam(ParamType.DATE, _us_core("Patient", "birthdate")),
            "gender": SearchParam(ParamType.TOKEN, _us_core("Patient", "gender")),
        },
        patient_param="_id",
        documentation="The partner's patients.",
        not_mapped=(
            "name.suffix",
            "name.period.end",
            "deceasedDateTime",
            "address.period.end",
            "extension:http://hl7.org/fhir/us/core/StructureDefinition/us-core-race",
            "extension:http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity",
            "extension:http://hl7.org/fhir/us/core/StructureDefinition/us-core-tribal-affiliation",
            "extension:http://hl7.org/fhir/us/core/StructureDefinition/us-core-sex",
        ),
    ),
    Served(
        "Practitioner",
        (f"{US_CORE}/us-core-practitioner",),
        "providers:read",
        {
            "_id": ID,
            "name": SearchParam(ParamType.STRING, _us_core("Practitioner", "name")),
            "identifier": SearchParam(ParamType.TOKEN, _us_core("Practitioner", "identifier")),
        },
        patient_param=None,
        documentation="The provider directory (NPI; never a DEA number).",
    ),
    Served(
        "PractitionerRole",
        (f"{US_CORE}/us-core-practitionerrole",),
        "providers:read",
        {
            "_id": ID,
            "specialty": SearchParam(ParamType.TOKEN, _us_core("PractitionerRole", "specialty")),
            "practitioner": SearchParam(ParamType.REFERENCE, _us_core("PractitionerRole", "practitioner")),
        },
        patient_param=None,
        documentation="A provider's role: specialties, sites, contact (the provider's sign-in email).",
        not_mapped=("organization", "endpoint"),
    ),
    Served(
        "Organization",
        (f"{US_CORE}/us-core-organization",),
        "providers:read",
        {
            "_id": ID,
            "name": SearchParam(ParamType.STRING, _us_core("Organization", "name")),
            "address": SearchParam(ParamType.STRING, _us_core("Organization", "address")),
        },
        patient_param=None,
        documentation="The partner (the tenant): a partner's own, a patient's or provider's partners.",
        not_mapped=(
            "identifier",
            "identifier.system",
            "identifier.value",
            "telecom",
            "telecom.system",
            "telecom.value",
            "address",
            "address.line",
            "address.city",
            "address.state",
            "address.postalCode",
            "address.country",
        ),
    ),
    Served(
        "Location",
        (f"{US_CORE}/us-core-location",),
        "providers:read",
        {
            "_id": ID,
            "name": SearchParam(ParamType.STRING, _us_core("Location", "name")),
            "address": SearchParam(ParamType.STRING, _us_core("Location", "address")),
            "address-city": SearchParam(ParamType.STRING, _us_core("Location", "address-city")),
            "address-state": SearchParam(ParamType.STRING, _us_core("Location", "address-state")),
            "address-postalcode": SearchParam(ParamType.STRING, _us_core("Location", "address-postalcode")),
        },
        patient_param=None,
        documentation="Practice sites where in-person routes are given.",
    ),
    Served(
        "Observation",
        (
            f"{US_CORE}/us-core-observation-screening-assessment",
            f"{US_CORE}/us-core-blood-pressure",
            f"{US_CORE}/us-core-heart-rate",
            f"{US_CORE}/us-core-pulse-oximetry",
        ),
        "screenings:read",
        {
            "_id": ID,
            "patient": SearchParam(ParamType.REFERENCE, _us_core("Observation", "patient")),
            "category": SearchParam(ParamType.TOKEN, _us_core("Observation", "category")),
            "code": SearchParam(ParamType.TOKEN, _us_core("Observation", "code")),
            "date": SearchParam(ParamType.DATE, _us_core("Observation", "date")),
        },
        documentation="Screening scores (survey): PHQ-9, GAD-7 and PCL-5 totals, the C-SSRS risk level "
        "(screenings:read); session monitoring readings (vital-signs): blood pressure, heart rate, SpO2 "
        "(plans:read).",
        not_mapped_in={
            f"{US_CORE}/us-core-observation-screening-assessment": ("performer", "valueString", "hasMember"),
            f"{US_CORE}/us-core-blood-pressure": (
                "component.dataAbsentReason",
                "component:systolic.dataAbsentReason",
                "component:diastolic.dataAbsentReason",
            ),
            f"{US_CORE}/us-core-pulse-oximetry": (
                "component",
                "component.code",
                "component.valueQuantity",
                "component:FlowRate.code",
                "component:FlowRate.valueQuantity",
                "component:FlowRate.valueQuantity.value",
                "component:FlowRate.valueQuantity.unit",
                "component:FlowRate.valueQuantity.system",
                "component:FlowRate.valueQuantity.code",
                "component:Concentration.code",
                "component:Concentration.valueQuantity",
                "component:Concentration.valueQuantity.value",
                "component:Concentration.valueQuantity.unit",
                "component:Concentration.valueQuantity.system",
                "component:Concentration.valueQuantity.code",
            ),
        },
        more_scopes=("plans:read",),
    ),
    Served(
        "QuestionnaireResponse",
        (f"{US_CORE}/us-core-questionnaireresponse",),
        "screenings:read",
        {
            "_id": ID,
            "patient": SearchParam(ParamType.REFERENCE, _us_core("QuestionnaireResponse", "patient")),
        },
        documentation="A screening's answers, pointing at the served Questionnaire of its instrument.",
        not_mapped=(
            "author",
            "item.answer.valueDecimal",
            "item.answer.valueString",
            "item.answer.valueCoding",
            "item.answer.item",
            "item.item",
            "extension:http://hl7.org/fhir/StructureDefinition/display",
            "extension:http://hl7.org/fhir/us/core/StructureDefinition/us-core-extension-questionnaire-uri",
        ),
    ),
    Served(
        "ServiceRequest",
        (f"{US_CORE}/us-core-servicerequest",),
        "consultations:read",
        {
            "_id": ID,
            "patient": SearchParam(ParamType.REFERENCE, _us_core("ServiceRequest", "patient")),
            "category": SearchParam(ParamType.TOKEN, _us_core("ServiceRequest", "category")),
            "code": SearchParam(ParamType.TOKEN, _us_core("ServiceRequest", "code")),
            "authored": SearchParam(ParamType.DATE, _us_core("ServiceRequest", "authored")),
            "status": SearchParam(ParamType.TOKEN, _us_core("ServiceRequest", "status")),
        },
        documentation="A consultation request: its conditions (SNOMED CT), status, assigned clinician.",
        not_mapped=("reasonReference",),
    ),
    Served(
        "Encounter",
        (f"{US_CORE}/us-core-encounter",),
        "consultations:read",
        {
            "_id": ID,
            "patient": SearchParam(ParamType.REFERENCE, _us_core("Encounter", "patient")),
            "date": SearchParam(ParamType.DATE, _us_core("Encounter", "date")),
            "identifier": SearchParam(ParamType.TOKEN, _us_core("Encounter", "identifier")),
            "class": SearchParam(ParamType.TOKEN, _us_core("Encounter", "class")),
            "status": SearchParam(ParamType.TOKEN, _us_core("Encounter", "status")),
            "type": SearchParam(ParamType.TOKEN, _us_core("Encounter", "type")),
        },
        documentation="A visit: a consultation's or a plan's follow-up (class VR by video or phone, AMB in "
        "person).",
        not_mapped=(
            "reasonReference",
            "hospitalization",
            "hospitalization.dischargeDisposition",
            "serviceProvider",
        ),
    ),
    Served(
        "Appointment",
        (),
        "consultations:read",
        {
            "_id": ID,
            "patient": SearchParam(ParamType.REFERENCE, _base("Appointment", "patient")),
            "practitioner": SearchParam(ParamType.REFERENCE, _base("Appointment", "practitioner")),
            "date": SearchParam(ParamType.DATE, _base("Appointment", "date")),
            "status": SearchParam(ParamType.TOKEN, _base("Appointment", "status")),
        },
        documentation="A consultation's booked slot with its provider.",
    ),
    Served(
        "MedicationRequest",
        (f"{US_CORE}/us-core-medicationrequest",),
        "plans:read",
        {
            "_id": ID,
            "patient": SearchParam(ParamType.REFERENCE, _us_core("MedicationRequest", "patient")),
            "intent": SearchParam(ParamType.TOKEN, _us_core("MedicationRequest", "intent")),
            "status": SearchParam(ParamType.TOKEN, _us_core("MedicationRequest", "status")),
            "encounter": SearchParam(ParamType.REFERENCE, _us_core("MedicationRequest", "encounter")),
            "authoredon": SearchParam(ParamType.DATE, _us_core("MedicationRequest", "authoredon")),
        },
        documentation="A ketamine or esketamine prescription of a follow-up plan (RxNorm where a code "
        "exists).",
        not_mapped=("reportedReference", "reasonReference", "dosageInstruction.timing"),
    ),
    Served(
        "Questionnaire",
        (),
        "screenings:read",
        {"_id": ID, "url": SearchParam(ParamType.STRING, _base("Questionnaire", "url"))},
        patient_param=None,
        documentation="The instruments, each at its canonical URL /fhir/R4/Questionnaire/{instrument}.",
    ),
    Served(
        "CarePlan",
        (f"{US_CORE}/us-core-careplan",),
        "plans:read",
        {
            "_id": ID,
            "patient": SearchParam(ParamType.REFERENCE, _us_core("CarePlan", "patient")),
            "category": SearchParam(ParamType.TOKEN, _us_core("CarePlan", "category")),
            "status": SearchParam(ParamType.TOKEN, _us_core("CarePlan", "status")),
            "date": SearchParam(ParamType.DATE, _us_core("CarePlan", "date")),
        },
        documentation="Follow-up plans (assess-plan): protocol, route, period, status, narrative.",
    ),
    Served(
        "AdverseEvent",
        (),
        "plans:read",
        {
            "_id": ID,
            "patient": SearchParam(ParamType.REFERENCE, _base("clinical", "patient")),
            "date": SearchParam(ParamType.DATE, _base("AdverseEvent", "date")),
            "seriousness": SearchParam(ParamType.TOKEN, _base("AdverseEvent", "seriousness")),
            "severity": SearchParam(ParamType.TOKEN, _base("AdverseEvent", "severity")),
        },
        documentation="Adverse events of follow-up plans (reported, or drawn from session readings).",
    ),
    Served(
        "Consent",
        (),
        "plans:read",
        {
            "_id": ID,
            "patient": SearchParam(ParamType.REFERENCE, _base("clinical", "patient")),
            "status": SearchParam(ParamType.TOKEN, _base("Consent", "status")),
            "category": SearchParam(ParamType.TOKEN, _base("Consent", "category")),
            "date": SearchParam(ParamType.DATE, _base("clinical", "date")),
        },
        documentation="The patient's consents (telehealth, ketamine treatment, data sharing); inactive once "
        "withdrawn.",
    ),
)


def served(resource_type: str) -> Served | None:
    return SERVED.get(resource_type)
