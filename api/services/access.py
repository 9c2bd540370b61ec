"""Tenancy: what each Principal may see, expressed once as query filters.

Every service builds its queries through these functions, so a partner only ever reaches its own
patients, and a patient only themselves. Another tenant's object is simply not found (404).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, false

from api.auth.principal import Principal
from api.errors import Forbidden
from api.models import Patient


def scope_patients(stmt: Select[Any], principal: Principal) -> Select[Any]:
    if principal.is_admin:
        return stmt
    if principal.kind == "partner_client":
        return stmt.where(Patient.partner_id == principal.partner_id)
    if principal.kind == "patient":
        return stmt.where(Patient.id == principal.patient_id)
    # Providers see patients through the consultations assigned to them (providers issue).
    return stmt.where(false())


def require_kind(principal: Principal, *kinds: str, action: str) -> None:
    if principal.kind not in kinds:
        raise Forbidden(f"A {principal.kind.replace('_', ' ')} may not {action}.")
