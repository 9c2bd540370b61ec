"""``telemedical seed-demo``: a demo tenant to try the API with. Idempotent: fixed ids, get-or-create,
and the demo secrets and passwords are reset to the printed values on every run."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.passwords import hash_password
from api.auth.scopes import SCOPES
from api.auth.secrets import digest
from api.config import DOCS_CLIENT_ID, DOCS_REDIRECT_PATH, Settings
from api.db import utcnow
from api.models import Consent, OAuthClient, Partner, Patient, Provider, User
from api.models.user import PLATFORM_REALM
from api.services.inputs import ProviderChanges
from api.services.provider_facts import refresh_free_slot_summary
from api.services.providers import apply_provider_fields

DEMO_PARTNER_ID = "par_demo"
PORTAL = ("cli_demo_portal", "demo-portal-secret")
ADMIN_CLIENT = ("cli_demo_admin", "demo-admin-secret")
MOBILE_CLIENT_ID = "cli_demo_mobile"
# The platform's own public app for clinicians and admins: staff sign in only through platform clients.
CLINICIAN_CLIENT_ID = "cli_demo_clinician"
MOBILE_REDIRECT = "http://127.0.0.1:8765/callback"
PARTNER_SCOPES = " ".join(s for s in SCOPES if s != "admin")
PATIENT_APP_SCOPES = (
    "patients:read patients:write consultations:read consultations:write screenings:read "
    "screenings:write providers:read plans:read plans:write"
)
# patients:write: a clinician records PDMP checks and in-person evaluations (clinical-rules.md §5).
CLINICIAN_APP_SCOPES = (
    "patients:read patients:write consultations:read consultations:write screenings:read screenings:write "
    "providers:read providers:write plans:read plans:write"
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
    CLINICIAN_CLIENT_ID: {
        "partner_id": None,
        "name": "Demo clinician app",
        "secret_digest": None,
        "is_public": True,
        "grant_types": ["authorization_code"],
        "redirect_uris": [MOBILE_REDIRECT],
        "scope": CLINICIAN_APP_SCOPES,
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


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")
_ALL_ROUTES = ["oral", "sublingual", "intranasal", "intramuscular", "intravenous"]
_VALID = "2030-12-31"
_EXPIRED = "2025-06-30"


def _week(start: str, end: str, days: tuple[str, ...] = _WEEKDAYS) -> dict[str, Any]:
    return {"weekly": [{"weekday": day, "start": start, "end": end} for day in days], "exceptions": []}


def _licence(state: str, number: str, status: str = "active", expires_on: str = _VALID) -> dict[str, Any]:
    return {"state": state, "number": number, "status": status, "expires_on": date.fromisoformat(expires_on)}


def _dea(
    state: str, number: str, schedules: tuple[str, ...] = ("II", "III", "IV", "V"), expires_on: str = _VALID
) -> dict[str, Any]:
    return {
        "state": state,
        "number": number,
        "schedules": list(schedules),
        "expires_on": date.fromisoformat(expires_on),
    }


def _site(name: str, state: str, rems: bool) -> dict[str, Any]:
    return {"name": name, "state": state, "rems_certified": rems}


# A directory that shows matching at work: Ada (CA), Luis (FL) and Mei (NY) each find someone, and the
# excluded counts show why others do not (expired or suspended licences, DEA gaps, no sites, full lists).
PROVIDERS: list[dict[str, Any]] = [
    {
        "id": "prv_demo_provider",  # the demo clinician user signs in as this provider
        "npi": "1234567893",
        "given_name": "Rosa",
        "family_name": "Delgado",
        "credential": "MD",
        "specialties": ["psychiatry"],
        "languages": ["en", "es"],
        "routes_offered": _ALL_ROUTES,
        "sites": [_site("Mission Bay Ketamine Clinic", "CA", True)],
        "licenses": [_licence("CA", "A-150233"), _licence("NV", "NV-22871")],
        "dea_registrations": [_dea("CA", "FD2837461"), _dea("NV", "FD2837472")],
        "max_active_patients": 40,
        "timezone": "America/Los_Angeles",
        "availability": _week("08:00", "16:00"),
    },
    {
        "id": "prv_demo_okafor",
        "npi": "1245319599",
        "given_name": "Chidi",
        "family_name": "Okafor",
        "credential": "DO",
        "specialties": ["psychiatry", "addiction_medicine"],
        "languages": ["en"],
        "routes_offered": ["oral", "sublingual", "intramuscular"],
        "sites": [_site("Brooklyn Infusion Center", "NY", False)],
        "licenses": [_licence("NY", "NY-301188"), _licence("NJ", "NJ-25MA09913")],
        "dea_registrations": [_dea("NY", "FO3946152"), _dea("NJ", "FO3946163")],
        "max_active_patients": 30,
        "timezone": "America/New_York",
        "availability": _week("09:00", "17:00"),
    },
    {
        "id": "prv_demo_alvarez",
        "npi": "1093817462",
        "given_name": "Lucia",
        "family_name": "Alvarez",
        "credential": "NP",
        "specialties": ["psychiatric_mental_health"],
        "languages": ["es", "en"],
        "routes_offered": ["oral", "sublingual"],
        "sites": [],
        "licenses": [_licence("FL", "APRN-9301174"), _licence("TX", "TX-AP88213")],
        "dea_registrations": [
            _dea("FL", "MA4821937", ("III", "IV", "V")),
            _dea("TX", "MA4821948", ("III", "IV", "V")),
        ],
        "max_active_patients": 25,
        "timezone": "America/New_York",
        "availability": _week("12:00", "20:00", ("monday", "tuesday", "wednesday", "thursday", "saturday")),
    },
    {
        "id": "prv_demo_nguyen",
        "npi": "1508866112",
        "given_name": "Thanh",
        "family_name": "Nguyen",
        "credential": "MD",
        "specialties": ["psychiatry"],
        "languages": ["en", "vi"],
        "routes_offered": ["intranasal", "intravenous", "oral"],
        "sites": [
            _site("Harbor Spravato Center", "CA", True),
            _site("Houston Med Center Clinic", "TX", True),
        ],
        "licenses": [_licence("CA", "A-177390"), _licence("TX", "TX-Q4410")],
        # The California registration lapsed: matched in Texas only.
        "dea_registrations": [_dea("CA", "BN5521734", expires_on=_EXPIRED), _dea("TX", "BN5521745")],
        "max_active_patients": 35,
        "timezone": "America/Los_Angeles",
        "availability": _week("07:00", "15:00"),
    },
    {
        "id": "prv_demo_schmidt",
        "npi": "1669473286",
        "given_name": "Hannah",
        "family_name": "Schmidt",
        "credential": "PA",
        "specialties": ["family_medicine"],
        "languages": ["en", "de"],
        "routes_offered": ["oral"],
        "sites": [],
        # Expired licence in New York: excluded by `license` there.
        "licenses": [_licence("NY", "NY-288104", expires_on=_EXPIRED), _licence("FL", "PA-9104473")],
        "dea_registrations": [
            _dea("NY", "MS6620193", ("III", "IV", "V")),
            _dea("FL", "MS6620205", ("III", "IV", "V")),
        ],
        "max_active_patients": 20,
        "timezone": "America/New_York",
        "availability": _week("08:00", "12:00"),
    },
    {
        "id": "prv_demo_haddad",
        "npi": "1932104585",
        "given_name": "Omar",
        "family_name": "Haddad",
        "credential": "MD",
        "specialties": ["psychiatry", "pain_medicine"],
        "languages": ["en", "ar", "fr"],
        "routes_offered": _ALL_ROUTES,
        "sites": [_site("Upper West Side Clinic", "NY", True)],
        # Suspended in California; full in New York (not accepting new patients).
        "licenses": [_licence("NY", "NY-270551"), _licence("CA", "A-160042", status="suspended")],
        "dea_registrations": [_dea("NY", "FH7730284"), _dea("CA", "FH7730295")],
        "accepting_new_patients": False,
        "max_active_patients": 15,
        "timezone": "America/New_York",
        "availability": _week("10:00", "18:00"),
    },
    {
        "id": "prv_demo_brooks",
        "npi": "1417953266",
        "given_name": "Keisha",
        "family_name": "Brooks",
        "credential": "NP",
        "specialties": ["psychiatric_mental_health"],
        "languages": ["en"],
        "routes_offered": ["oral", "sublingual"],
        "sites": [],
        "licenses": [_licence("FL", "APRN-9488210"), _licence("GA", "GA-RN338120")],
        # Schedule II and IV only: cannot prescribe ketamine (schedule III).
        "dea_registrations": [_dea("FL", "MB8841027", ("II", "IV"))],
        "max_active_patients": 30,
        "timezone": "America/New_York",
        "availability": _week("08:00", "17:00"),
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


# Long on purpose: one idempotent pass over the demo's tables, read top to bottom like the data it makes. It
# flushes; the command (``telemedical seed-demo``, its boundary) commits.
def seed_demo(session: Session, settings: Settings) -> dict[str, Any]:
    _upsert(session, Partner, DEMO_PARTNER_ID, name="Demo Clinic Network")
    session.flush()
    for client_id, fields in DEMO_CLIENTS.items():
        _upsert(session, OAuthClient, client_id, **fields)
    # The API docs page's client: staff sign in from /v1/docs and try the API as themselves.
    _upsert(
        session,
        OAuthClient,
        DOCS_CLIENT_ID,
        partner_id=None,
        name="API docs (Swagger UI)",
        secret_digest=None,
        is_public=True,
        grant_types=["authorization_code"],
        redirect_uris=[f"{settings.issuer}{DOCS_REDIRECT_PATH}"],
        scope=CLINICIAN_APP_SCOPES,
        can_introspect=False,
    )
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
    seeded: list[Provider] = []
    for fields in PROVIDERS:
        provider = session.get(Provider, fields["id"]) or Provider(id=fields["id"], active_patients=0)
        seeded.append(provider)
        session.add(provider)
        provider.availability = fields["availability"]
        apply_provider_fields(
            provider,
            cast(
                ProviderChanges,
                {
                    "accepting_new_patients": True,
                    **{k: v for k, v in fields.items() if k not in ("id", "availability")},
                },
            ),
        )
    session.flush()
    for provider in seeded:  # the free-slot summary and matching facts, as the directory's services do
        refresh_free_slot_summary(session, provider)
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
    session.flush()
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
            "signs_in": "the partner's patients",
        },
        "clinician_app": {
            "client_id": CLINICIAN_CLIENT_ID,
            "public": True,
            "grant_type": "authorization_code+PKCE(S256)",
            "redirect_uri": MOBILE_REDIRECT,
            "authorize_url": f"{issuer}/oauth/authorize",
            "signs_in": "providers and platform admins",
        },
        "users": {
            role: {"email": email, "password": password} for role, (_, email, password) in USERS.items()
        },
        "patients": [p["id"] for p in PATIENTS],
        "providers": [p["id"] for p in PROVIDERS],
        "get_a_token": (
            f"curl -s -u {PORTAL[0]}:{PORTAL[1]} -d grant_type=client_credentials {issuer}/oauth/token"
        ),
    }
