"""All models, imported here so that Alembic and the mapper registry see every table."""

from api.models.consultation import Consultation
from api.models.event import Event
from api.models.idempotency import IdempotencyKey
from api.models.oauth import AuthorizationCode, OAuthClient, OAuthToken
from api.models.partner import Partner
from api.models.patient import Consent, Invitation, Patient
from api.models.screening import Screening
from api.models.user import User

__all__ = [
    "AuthorizationCode",
    "Consent",
    "Consultation",
    "Event",
    "IdempotencyKey",
    "Invitation",
    "OAuthClient",
    "OAuthToken",
    "Partner",
    "Patient",
    "Screening",
    "User",
]
