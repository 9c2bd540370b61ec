"""Digests for high-entropy secrets (client secrets, codes, refresh and invitation tokens)."""

from __future__ import annotations

import hashlib


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
