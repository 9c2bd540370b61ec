"""``telemedical seed-demo``: a demo tenant to try the API with. Idempotent: fixed ids, get-or-create,
and the demo secrets and passwords are reset to the printed values on every run."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.passwords import hash_password
from api.auth.scopes import SCOPES
from api.auth.secrets import digest
from api.config import Settings
from api.db import utcnow
from api.models import Consent, OAuthClient, Partner, Patient, User
from api.models.user import PLATFORM_REALM

DEMO_PARTNER_ID = "par_demo"
PORTAL = ("cli_demo_portal", "demo-portal-secret")
ADMIN_CLIENT = ("cli_demo_admin", "demo-admin-secret")
MOBILE_CLIENT_ID = "cli_demo_mobile"
MOBILE_REDIRECT = "http://127.0.0.1:8765/callback"
PARTNER_SCOPES = " ".join(s for s in SCOPES if s != "admin")
PATIENT_APP_SCOPES = (
    "patients:read patients:write consultations:read consultations:write screenings:read "
    "screenings:write providers:read plans:read plans:write"
)
USERS = {
    "admin": ("usr_demo_admin", "admin@demo.telemedical.test", "demo-admin-password"),
    "provider": ("usr_demo_provider", "provider@demo.telemedical.test", "demo-provider-password"),
    "patient": ("usr_demo_patient", "ada@demo.telemedical.test", "demo-patient-password"),
}
DEMO_CLIENTS: dict[str, dict[str, Any]] = {
    PORTAL[0]: {
        "partner_id": DEMO_PARTNER_ID,
        "name": "Demo partner portal",
        "secret_digest": digest(PORTAL[1]),
        "is_public": False,
        "grant_types": ["client_credentials"],
        "redirect_uris": [],
        "scope": PARTNER_SCOPES,
        "can_introspect": False,
    },
    MOBILE_CLIENT_ID: {
        "partner_id": DEMO_PARTNER_ID,
        "name": "Demo patient app",
        "secret_digest": None,
        "is_public": True,
        "grant_types": ["authorization_code"],
        "redirect_uris": [MOBILE_REDIRECT],
        "scope": PATIENT_APP_SCOPES,
        "can_introspect": False,
    },
    ADMIN_CLIENT[0]: {
        "partner_id": None,
        "name": "Demo platform admin",
        "secret_digest": digest(ADMIN_CLIENT[1]),
        "is_public": False,
        "grant_types": ["client_credentials"],
        "redirect_uris": [],
        "scope": " ".join(SCOPES),
        "can_introspect": True,
    },
}
# What each demo user is: a platform admin, the clinician of provider prv_demo_provider, patient Ada.
USER_LINKS: dict[str, dict[str, str]] = {
    "admin": {},
    "provider": {"provider_id": "prv_demo_provider"},
    "patient": {"partner_id": DEMO_PARTNER_ID, "patient_id": "pat_demo_ada"},
}
PATIENTS: list[dict[str, Any]] = [
    {
        "id": "pat_demo_ada",
        "external_id": "demo-001",
        "given_name": "Ada",
        "family_name": "Rivera",
        "birth_date": date(1987, 4, 12),
        "sex_at_birth": "female",
        "email": "ada@demo.telemedical.test",
        "phone": "+14155550101",
        "preferred_language": "en",
        "address_line1": "1 Market St",
        "address_city": "San Francisco",
        "address_state": "CA",
        "address_postal_code": "94105",
        "timezone": "America/Los_Angeles",
    },
    {
        "id": "pat_demo_luis",
        "external_id": "demo-002",
        "given_name": "Luis",
        "family_name": "Ortega",
        "birth_date": date(1979, 11, 3),
        "sex_at_birth": "male",
        "email": "luis@demo.telemedical.test",
        "phone": "+13055550102",
        "preferred_language": "es",
        "address_line1": "200 Biscayne Blvd",
        "address_city": "Miami",
        "address_state": "FL",
        "address_postal_code": "33131",
        "timezone": "America/New_York",
    },
    {
        "id": "pat_demo_mei",
        "external_id": "demo-003",
        "given_name": "Mei",
        "family_name": "Chen",
        "birth_date": date(1995, 2, 28),
        "sex_at_birth": "female",
        "email": None,
        "phone": None,
        "preferred_language": "en",
        "address_line1": "50 Fulton St",
        "address_city": "New York",
        "address_state": "NY",
        "address_postal_code": "10038",
        "timezone": "America/New_York",
    },
]


def _upsert(session: Session, model: Any, obj_id: str, **fields: Any) -> Any:
    obj = session.get(model, obj_id)
    if obj is None:
        obj = model(id=obj_id, **fields)
        session.add(obj)
    else:
        for name, value in fields.items():
            setattr(obj, name, value)
    return obj


def seed_demo(session: Session, settings: Settings) -> dict[str, Any]:
    _upsert(session, Partner, DEMO_PARTNER_ID, name="Demo Clinic Network")
    session.flush()
    for client_id, fields in DEMO_CLIENTS.items():
        _upsert(session, OAuthClient, client_id, **fields)
    for fields in PATIENTS:
        _upsert(
            session,
            Patient,
            fields["id"],
            partner_id=DEMO_PARTNER_ID,
            **{k: v for k, v in fields.items() if k != "id"},
        )
    session.flush()
    for patient in PATIENTS:
        has_consent = session.scalar(
            select(Consent.id).where(Consent.patient_id == patient["id"], Consent.type == "telehealth")
        )
        if not has_consent:
            session.add(
                Consent(
                    patient_id=patient["id"],
                    type="telehealth",
                    version="2026-01",
                    accepted_at=datetime(2026, 1, 15, 12, 0, tzinfo=utcnow().tzinfo),
                )
            )
    for role, (user_id, email, password) in USERS.items():
        link = {"partner_id": None, "patient_id": None, "provider_id": None, **USER_LINKS[role]}
        _upsert(
            session,
            User,
            user_id,
            realm=link["partner_id"] or PLATFORM_REALM,
            email=email,
            role=role,
            password_hash=hash_password(password),
            **link,
        )
    session.commit()
    issuer = settings.issuer
    return {
        "issuer": issuer,
        "partner_id": DEMO_PARTNER_ID,
        "partner_portal": {
            "client_id": PORTAL[0],
            "client_secret": PORTAL[1],
            "grant_type": "client_credentials",
        },
        "platform_admin_client": {
            "client_id": ADMIN_CLIENT[0],
            "client_secret": ADMIN_CLIENT[1],
            "grant_type": "client_credentials",
            "can_introspect": True,
        },
        "patient_app": {
            "client_id": MOBILE_CLIENT_ID,
            "public": True,
            "grant_type": "authorization_code+PKCE(S256)",
            "redirect_uri": MOBILE_REDIRECT,
            "authorize_url": f"{issuer}/oauth/authorize",
        },
        "users": {
            role: {"email": email, "password": password} for role, (_, email, password) in USERS.items()
        },
        "patients": [p["id"] for p in PATIENTS],
        "get_a_token": (
            f"curl -s -u {PORTAL[0]}:{PORTAL[1]} -d grant_type=client_credentials {issuer}/oauth/token"
        ),
    }
