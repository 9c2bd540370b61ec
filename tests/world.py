"""Two tenants with their clients and patients, built through the real services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from api.auth.scopes import SCOPES
from api.db import unit_of_work
from api.models import Consent, Patient
from api.services import accounts

PARTNER_SCOPES = " ".join(s for s in SCOPES if s != "admin")
APP_SCOPES = (
    "patients:read patients:write consultations:read consultations:write screenings:read screenings:write"
)
REDIRECT = "http://127.0.0.1:8765/callback"


@dataclass
class Creds:
    client_id: str
    secret: str | None


@dataclass
class World:
    partner_a: str
    partner_b: str
    portal_a: Creds
    portal_b: Creds
    readonly_a: Creds
    admin: Creds
    mobile_a: Creds
    confidential_app_a: Creds
    patient_a1: str
    patient_a2: str
    patient_b1: str


def partner_with_portal(session: Session, name: str) -> tuple[str, Creds]:
    """A new partner and its portal (a confidential client_credentials client with every partner scope),
    committed."""
    system = accounts.system_principal()
    with unit_of_work(session):
        partner = accounts.create_partner(session, system, name).id
        portal, secret = accounts.create_client(
            session,
            system,
            partner,
            name=f"{name} portal",
            grant_type="client_credentials",
            scope=PARTNER_SCOPES,
        )
    return partner, Creds(portal.id, secret)


def _patient(session: Session, partner_id: str, given: str, email: str | None = None) -> str:
    patient = Patient(
        partner_id=partner_id,
        given_name=given,
        family_name="Test",
        birth_date=date(1985, 6, 1),
        sex_at_birth="female",
        preferred_language="en",
        email=email,
    )
    session.add(patient)
    session.flush()
    session.add(Consent(patient_id=patient.id, type="telehealth", version="1", accepted_at=datetime.now(UTC)))
    session.flush()
    return patient.id


def build_world(session: Session) -> World:
    with unit_of_work(session):
        return _world(session)


def _world(session: Session) -> World:
    admin = accounts.system_principal()
    a = accounts.create_partner(session, admin, "Partner A").id
    b = accounts.create_partner(session, admin, "Partner B").id

    def client(
        partner: str | None,
        grant: str,
        scope: str,
        *,
        redirect_uris: list[str] | None = None,
        public: bool = False,
        can_introspect: bool = False,
    ) -> Creds:
        c, secret = accounts.create_client(
            session,
            admin,
            partner,
            name=f"{grant} {scope[:20]}",
            grant_type=grant,
            scope=scope,
            redirect_uris=redirect_uris,
            public=public,
            can_introspect=can_introspect,
        )
        return Creds(c.id, secret)

    return World(
        partner_a=a,
        partner_b=b,
        portal_a=client(a, "client_credentials", PARTNER_SCOPES),
        portal_b=client(b, "client_credentials", PARTNER_SCOPES),
        readonly_a=client(a, "client_credentials", "patients:read"),
        admin=client(None, "client_credentials", " ".join(SCOPES), can_introspect=True),
        mobile_a=client(a, "authorization_code", APP_SCOPES, redirect_uris=[REDIRECT], public=True),
        confidential_app_a=client(a, "authorization_code", APP_SCOPES, redirect_uris=[REDIRECT]),
        patient_a1=_patient(session, a, "Alice", "alice@example.test"),
        patient_a2=_patient(session, a, "Amir", "amir@example.test"),
        patient_b1=_patient(session, b, "Bea", "bea@example.test"),
    )
