"""Opaque, prefixed, unguessable identifiers (``pat_…``): 128 random bits, base32, lowercase."""

from __future__ import annotations

import base64
import secrets

PREFIXES = {
    "partner": "par",
    "client": "cli",
    "user": "usr",
    "patient": "pat",
    "consent": "cns",
    "invitation": "inv",
    "consultation": "con",
    "screening": "scr",
    "provider": "prv",
    "appointment": "apt",
    "plan": "pln",
    "task": "tsk",
    "adverse_event": "ade",
    "webhook_endpoint": "whe",
    "event": "evt",
    "audit_event": "aud",
}


def new_id(prefix: str) -> str:
    raw = base64.b32encode(secrets.token_bytes(16)).decode("ascii").rstrip("=").lower()
    return f"{prefix}_{raw}"


def random_secret(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)
