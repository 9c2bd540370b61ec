"""Opaque, prefixed, unguessable identifiers (``pat_…``): 128 random bits, base32, lowercase."""

from __future__ import annotations

import base64
import secrets


def new_id(prefix: str) -> str:
    raw = base64.b32encode(secrets.token_bytes(16)).decode("ascii").rstrip("=").lower()
    return f"{prefix}_{raw}"


def random_secret(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)
