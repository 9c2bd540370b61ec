"""User passwords: argon2id (argon2-cffi's RFC 9106 low-memory profile)."""

from __future__ import annotations

from argon2 import Parameters, PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD_LENGTH = 12


class _Hashing:
    """The hasher and the hash verified when no account matches (so a missing one costs the same time)."""

    def __init__(self, parameters: Parameters) -> None:
        self.hasher = PasswordHasher.from_parameters(parameters)
        self.dummy_hash = self.hasher.hash("not-a-real-password")


_hashing = _Hashing(profiles.RFC_9106_LOW_MEMORY)


def use_parameters(parameters: Parameters) -> None:
    """Hash new passwords with other argon2 parameters. The test suite uses argon2-cffi's cheapest profile
    (hashes still verify, they only cost less to make); the service never calls this."""
    global _hashing
    _hashing = _Hashing(parameters)


def hash_password(password: str) -> str:
    return _hashing.hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        verified = _hashing.hasher.verify(password_hash or _hashing.dummy_hash, password)
        return verified and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
