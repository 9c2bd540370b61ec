"""The OAuth scopes of the v1 contract."""

from __future__ import annotations

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
    "admin": "Platform administration: partners, clients, users",
}
