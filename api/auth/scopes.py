"""The OAuth scopes of the v1 contract."""

from __future__ import annotations

from api.fhir.registry import SERVED  # plain data: what the FHIR API serves

SCOPES: dict[str, str] = {
    "patients:read": "Read patients and their consents",
    "patients:write": "Create and update patients, consents and invitations",
    "consultations:read": "Read consultations, eligibility, matches and appointments",
    "consultations:write": "Request, review, book and progress consultations",
    "screenings:read": "Read screenings",
    "screenings:write": "Submit screenings",
    "providers:read": "Read the provider directory",
    "providers:write": "Create and update providers and availability",
    "plans:read": "Read follow-up plans, tasks and outcomes",
    "plans:write": "Create and progress follow-up plans",
    "webhooks:manage": "Manage webhook endpoints and events",
    "audit:read": "Read the audit trail",
    "outcomes:read": "Read population outcomes: cohort figures and the de-identified export",
    "admin": "Platform administration: partners, clients, users",
}


# --- SMART App Launch v2 resource scopes of the FHIR API (api-contract.md, "FHIR R4 read API") --------------

# Whose data a SMART scope reaches: ``system/`` a client's own (client credentials), ``patient/`` the
# signed-in
# patient's, ``user/`` what the signed-in provider or admin may see. Enforced per request
# (api/fhir/access.py).
SMART_CONTEXTS: tuple[str, ...] = ("system", "patient", "user")
# Read and search (``.rs``) is all the API grants: it is read-only.
SMART_PERMISSIONS = "rs"


def smart_scopes(resource_types: list[str]) -> tuple[str, ...]:
    """Every SMART scope a client may be registered with: each served type, and ``*``, in each context."""
    return tuple(f"{c}/{t}.{SMART_PERMISSIONS}" for c in SMART_CONTEXTS for t in (*resource_types, "*"))


SMART_SCOPES: tuple[str, ...] = smart_scopes(list(SERVED))


def is_known_scope(scope: str) -> bool:
    """A scope a client may be registered with and granted: a /v1 scope or a SMART resource scope."""
    return scope in SCOPES or scope in SMART_SCOPES


def supported_scopes() -> list[str]:
    """What the authorization server grants (``scopes_supported``, RFC 8414)."""
    return [*SCOPES, *SMART_SCOPES]
