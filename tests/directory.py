"""Providers, clinician sign-in and bookable consultations for the directory and booking tests."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from api.models import Consultation, Patient
from api.services import accounts
from tests.helpers import authorization_code, exchange_code
from tests.world import REDIRECT, Creds

CLINICIAN_SCOPES = (
    "providers:read providers:write consultations:read consultations:write patients:read screenings:read"
)
CLINICIAN_PASSWORD = "clinician-password-1"
EVERY_DAY = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_npi_bases = itertools.count(123456780)


def npi_with_check_digit(base9: str) -> str:
    """The NPI for a 9-digit base: Luhn over ``80840`` + base decides the 10th digit."""
    digits = "80840" + base9
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:  # doubled: these become the odd positions once the check digit is appended
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return base9 + str((10 - total % 10) % 10)


def next_npi() -> str:
    return npi_with_check_digit(str(next(_npi_bases)))


def far_future() -> str:
    return (date.today() + timedelta(days=800)).isoformat()


def provider_body(**changes: Any) -> dict[str, Any]:
    """A psychiatrist (MD) licensed with DEA schedule II-V in New York, every route, a REMS site there."""
    npi = next_npi()
    body: dict[str, Any] = {
        "npi": npi,
        "given_name": "Rosa",
        "family_name": "Delgado",
        "credential": "MD",
        "specialties": ["psychiatry"],
        "languages": ["en", "es"],
        "routes_offered": ["oral", "sublingual", "intranasal", "intramuscular", "intravenous"],
        "sites": [{"name": "Midtown clinic", "state": "NY", "rems_certified": True}],
        # A board issues a number to one licensee: each provider's is its own (here, from its NPI).
        "licenses": [{"state": "NY", "number": f"NY-{npi}", "status": "active", "expires_on": far_future()}],
        "dea_registrations": [
            {
                "state": "NY",
                "number": "FD1234563",
                "schedules": ["II", "III", "IV", "V"],
                "expires_on": far_future(),
            }
        ],
        "accepting_new_patients": True,
        "max_active_patients": 10,
        "timezone": "America/New_York",
    }
    body.update(changes)
    return body


def all_day_availability() -> dict[str, Any]:
    """Open 00:00-24:00 every day, so a slot exists at every whole hour from now on."""
    return {"weekly": [{"weekday": day, "start": "00:00", "end": "24:00"} for day in EVERY_DAY]}


def create_provider(
    client: FlaskClient, admin: dict[str, str], availability: dict[str, Any] | None = None, **changes: Any
) -> dict[str, Any]:
    response = client.post("/v1/providers", json=provider_body(**changes), headers=admin)
    assert response.status_code == 201, response.get_json()
    provider: dict[str, Any] = response.get_json()
    if availability is not None:
        put = client.put(f"/v1/providers/{provider['id']}/availability", json=availability, headers=admin)
        assert put.status_code == 200, put.get_json()
    return provider


def clinician_client(db: Session) -> Creds:
    """The platform's clinician app (no partner): providers and admins sign in only through such clients."""
    client, _ = accounts.create_client(
        db,
        accounts.system_principal(),
        None,
        name="Clinician app",
        grant_type="authorization_code",
        scope=CLINICIAN_SCOPES,
        redirect_uris=[REDIRECT],
        public=True,
    )
    return Creds(client.id, None)


def clinician_token(client: FlaskClient, db: Session, creds: Creds, provider_id: str, email: str) -> str:
    """Sign a clinician in through the real authorization-code + PKCE flow."""
    accounts.create_user(
        db,
        accounts.system_principal(),
        role="provider",
        email=email,
        password=CLINICIAN_PASSWORD,
        provider_id=provider_id,
    )
    code, verifier = authorization_code(client, creds, email, CLINICIAN_PASSWORD, scope=CLINICIAN_SCOPES)
    response = exchange_code(client, creds, code, verifier)
    assert response.status_code == 200, response.get_json()
    return str(response.get_json()["access_token"])


def ready_consultation(db: Session, patient_id: str, **changes: Any) -> str:
    """A consultation whose screenings made it eligible (status ready), arranged directly in the database."""
    patient = db.get(Patient, patient_id)
    assert patient is not None
    fields: dict[str, Any] = {
        "partner_id": patient.partner_id,
        "patient_id": patient_id,
        "status": "ready",
        "conditions": ["major_depression"],
        "patient_location_state": "NY",
        "preferred_language": "en",
        "preferred_routes": [],
        "preferred_times": [],
        "eligibility_outcome": "eligible",
        "eligibility_evaluated_at": datetime.now(UTC),
    }
    fields.update(changes)
    consultation = Consultation(**fields)
    db.add(consultation)
    db.commit()
    return consultation.id


def next_whole_hour(hours_ahead: int = 2) -> datetime:
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    return now + timedelta(hours=hours_ahead)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


# The body of POST /v1/consultations/{id}/start for a video visit with the patient where the consultation
# says (New York, as ``ready_consultation``), identity checked (clinical-rules.md §5).
VIDEO_VISIT = {
    "modality": "audio_video",
    "patient_location_state": "NY",
    "identity_verified": True,
    "identity_method": "photo_id",
}
