"""Webhook signing secrets at rest: encrypted, not hashed (the worker signs with them).

Fernet (AES-128-CBC with HMAC-SHA256, from ``cryptography``) under a key derived from ``SECRET_KEY`` by
HKDF with its own label, so the key that signs cursors is never used as is. Changing ``SECRET_KEY`` makes
the stored secrets unreadable: rotate every endpoint's secret after changing it (docs/webhooks.md).
"""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


@lru_cache(maxsize=4)
def _fernet(secret_key: str) -> Fernet:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"telemedical webhook signing secrets v1"
    ).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def seal(secret_key: str, plaintext: str) -> str:
    return _fernet(secret_key).encrypt(plaintext.encode()).decode("ascii")


def unseal(secret_key: str, sealed: str) -> str:
    return _fernet(secret_key).decrypt(sealed.encode("ascii")).decode()
