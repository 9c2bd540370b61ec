"""What each use case takes: the validated request bodies, as typed dictionaries.

The resources' marshmallow schemas (api/schemas) load and validate a body; the service receives it typed as
one of these, so its signature says what it reads and mypy catches a misspelt key. An update's dictionary
holds only the fields the client sent (``total=False``): a key absent means "unchanged", ``None`` means
"clear". Field names are the API's.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, NotRequired, TypedDict


# --- patients ------------------------------------------------------------------------------------------
class Address(TypedDict):
    line1: str
    city: str
    state: str
    postal_code: str


class PatientChanges(TypedDict, total=False):
    external_id: str | None
    given_name: str
    family_name: str
    birth_date: date
    sex_at_birth: str
    email: str | None
    phone: str | None
    preferred_language: str
    address: Address | None
    timezone: str | None


class NewPatient(PatientChanges, total=False):
    partner_id: str  # a platform admin names the partner; a partner's own is implied


class NewConsent(TypedDict):
    type: str
    version: str
    accepted_at: datetime


# --- consultations and screenings ---------------------------------------------------------------------
class TimeWindow(TypedDict):
    start: datetime
    end: datetime


class ConsultationRequest(TypedDict):
    patient_id: str
    conditions: list[str]
    patient_location_state: str
    preferred_language: NotRequired[str]
    preferred_routes: list[str]
    preferred_times: list[TimeWindow]
    notes: NotRequired[str | None]


class ScreeningSubmission(TypedDict):
    patient_id: str
    instrument: str
    answers: Any  # a list or an object per instrument; validated by api.domain.screening
    completed_at: datetime
    consultation_id: NotRequired[str | None]
    plan_id: NotRequired[str | None]


# --- providers ------------------------------------------------------------------------------------------
class License(TypedDict):
    state: str
    number: str
    status: str
    expires_on: date


class DeaRegistration(TypedDict):
    state: str
    number: str
    schedules: list[str]
    expires_on: date


class Site(TypedDict):
    name: str
    state: str
    rems_certified: bool


class ProviderChanges(TypedDict, total=False):
    npi: str
    given_name: str
    family_name: str
    credential: str
    specialties: list[str]
    languages: list[str]
    routes_offered: list[str]
    sites: list[Site]
    licenses: list[License]
    dea_registrations: list[DeaRegistration]
    accepting_new_patients: bool
    max_active_patients: int
    timezone: str


class AvailabilityBody(TypedDict):
    weekly: list[dict[str, str]]
    exceptions: NotRequired[list[dict[str, Any]]]


# --- follow-up plans ------------------------------------------------------------------------------------
class PlanChanges(TypedDict, total=False):
    start_date: date
    end_date: date
    dose_note: str | None
    check_in_instruments: list[str]
    check_in_interval_days: int
    sessions: list[date]
    frequency_override_reason: str | None


class NewPlan(PlanChanges, total=False):
    consultation_id: str
    protocol: str
    route: str


class AdverseEventBody(TypedDict):
    type: str
    severity: str
    onset_at: datetime
    description: NotRequired[str | None]
    task_id: NotRequired[str | None]


class ReadingBody(TypedDict):
    minute: int
    systolic: int
    diastolic: int
    sedation_moaas: int
    dissociation: str
    heart_rate: NotRequired[int | None]
    spo2: NotRequired[int | None]


class SessionRecordBody(TypedDict):
    administered_at: datetime
    pre_systolic: NotRequired[int]
    pre_diastolic: NotRequired[int]
    post_systolic: NotRequired[int]
    post_diastolic: NotRequired[int]
    observation_minutes: NotRequired[int]
    escort_confirmed: NotRequired[bool]
    sitter_present: NotRequired[bool]
    override_reason: NotRequired[str | None]
    adverse_events: list[AdverseEventBody]
    dose_mg: float
    weight_kg: NotRequired[float | None]
    infusion_minutes: NotRequired[int | None]
    dose_override_reason: NotRequired[str | None]
    site_id: NotRequired[str | None]
    monitored_by: NotRequired[str | None]
    onsite_prescriber_id: NotRequired[str | None]
    lot_number: NotRequired[str | None]
    sedating_medications: dict[str, bool]
    readings: list[ReadingBody]
    ready_to_leave_minute: NotRequired[int | None]
    disposition: str
    disposition_reason: NotRequired[str | None]
    discharge_override_reason: NotRequired[str | None]


# --- telemedicine: visits, in-person evaluations, PDMP checks, prescriptions (clinical-rules.md §5) --------
class VisitBody(TypedDict):
    modality: str
    patient_location_state: str
    patient_site_id: NotRequired[str | None]
    present_practitioner_id: NotRequired[str | None]
    identity_verified: bool
    identity_method: str
    note: NotRequired[str]  # plan visits


class InPersonEvaluationBody(TypedDict):
    evaluated_on: date
    site_id: NotRequired[str | None]
    provider_id: NotRequired[str]
    note: str


class PdmpCheckBody(TypedDict):
    state: str
    checked_at: datetime
    result: str
    note: NotRequired[str | None]


class PrescriptionBody(TypedDict):
    visit_id: str
    medication: str
    route: str
    dose_mg: float
    quantity: float
    days_supply: int
    refills: int
    dispensing: str
    site_id: NotRequired[str | None]
    pharmacy_ncpdp_id: NotRequired[str | None]
    pdmp_check_id: str


# --- webhooks ------------------------------------------------------------------------------------------
class WebhookEndpointChanges(TypedDict, total=False):
    url: str
    event_types: list[str]
    enabled: bool
    description: str | None


class NewWebhookEndpoint(WebhookEndpointChanges, total=False):
    partner_id: str  # a platform admin names the partner; a partner's own is implied


class Redelivery(TypedDict, total=False):
    endpoint_id: str  # absent: every enabled endpoint subscribed to the event's type
