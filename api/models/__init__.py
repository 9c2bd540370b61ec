"""All models, imported here so that Alembic and the mapper registry see every table."""

from api.models.audit import AuditEvent, AuditPatientRef, AuditPending, AuditSeal
from api.models.consultation import Consultation
from api.models.escalation import Escalation
from api.models.event import Event
from api.models.idempotency import IdempotencyKey
from api.models.oauth import AuthorizationCode, OAuthClient, OAuthToken
from api.models.partner import Partner
from api.models.patient import Consent, Invitation, Patient
from api.models.plan import AdverseEvent, CheckInAnswer, FollowUpPlan, PlanTask, SessionRecord
from api.models.provider import (
    Appointment,
    DeaRegistration,
    DirectoryVersion,
    PracticeSite,
    Provider,
    ProviderDirectorySize,
    ProviderLanguage,
    ProviderLicense,
    ProviderRoute,
    ProviderSpecialty,
    ProviderStateFacts,
)
from api.models.resources import registry
from api.models.screening import Screening
from api.models.telemedicine import InPersonEvaluation, PdmpCheck, Prescription, Visit
from api.models.user import SignInThrottle, User
from api.models.webhook import WebhookAttempt, WebhookDelivery, WebhookEndpoint

__all__ = [
    "AdverseEvent",
    "Appointment",
    "AuditEvent",
    "AuditPatientRef",
    "AuditPending",
    "AuditSeal",
    "AuthorizationCode",
    "CheckInAnswer",
    "Consent",
    "Consultation",
    "DeaRegistration",
    "DirectoryVersion",
    "Escalation",
    "Event",
    "FollowUpPlan",
    "IdempotencyKey",
    "InPersonEvaluation",
    "Invitation",
    "OAuthClient",
    "OAuthToken",
    "Partner",
    "Patient",
    "PdmpCheck",
    "PlanTask",
    "PracticeSite",
    "Prescription",
    "Provider",
    "ProviderDirectorySize",
    "ProviderLanguage",
    "ProviderLicense",
    "ProviderRoute",
    "ProviderSpecialty",
    "ProviderStateFacts",
    "Screening",
    "SessionRecord",
    "SignInThrottle",
    "User",
    "Visit",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
]

# Every model has declared what it is to the API, and the declarations fit the models: checked at import.
registry()
