"""Secrets and sensitive records at rest: encrypted, where they must be read back (a hash would do otherwise).

Fernet (AES-128-CBC with HMAC-SHA256, from ``cryptography``) under a key derived from ``SECRET_KEY`` by HKDF,
one key per purpose, so the key that signs cursors is never used as is and one purpose's key opens nothing
else. Used for webhook signing secrets (the worker signs with them) and the responses recorded for
``Idempotency-Key`` replays (they hold one-time secrets and PHI for 24 hours).

Changing ``SECRET_KEY`` makes what was sealed unreadable: rotate every webhook endpoint's secret after
changing it (docs/webhooks.md); recorded replays are simply lost (a retry then runs as a new request).
"""

from __future__ import annotations

import base64
from enum import StrEnum
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = ["InvalidToken", "Purpose", "seal", "unseal"]


class Purpose(StrEnum):
    WEBHOOK_SECRET = "telemedical webhook signing secrets v1"
    IDEMPOTENT_RESPONSE = "telemedical idempotent responses v1"


@lru_cache(maxsize=8)
def _fernet(secret_key: str, purpose: Purpose) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.value.encode()).derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def seal(secret_key: str, purpose: Purpose, plaintext: bytes) -> bytes:
    return _fernet(secret_key, purpose).encrypt(plaintext)


def unseal(secret_key: str, purpose: Purpose, sealed: bytes) -> bytes:
    """The plaintext; ``InvalidToken`` if it was sealed under another key or changed."""
    return _fernet(secret_key, purpose).decrypt(sealed)
