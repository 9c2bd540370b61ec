"""Configuration. Every environment variable the service reads is read here, and nowhere else."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", PROJECT_ROOT / "instance"))


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


@dataclass(frozen=True)
class Settings:
    database_url: str = f"sqlite:///{INSTANCE_DIR / 'telemedical.sqlite3'}"
    redis_url: str | None = None
    secret_key: str = "dev-insecure-secret-change-me"
    jwt_private_key_file: str | None = None
    issuer: str = "http://127.0.0.1:8000"
    rate_limit: str = "1200/minute"
    max_content_length: int = 1024 * 1024
    access_token_ttl: int = 15 * 60
    refresh_token_ttl: int = 30 * 24 * 3600
    authorization_code_ttl: int = 5 * 60
    invitation_ttl: int = 72 * 3600
    idempotency_ttl: int = 24 * 3600
    # An in-flight idempotency claim older than this is treated as abandoned (crashed worker).
    idempotency_lock_timeout: int = 60
    instance_dir: Path = INSTANCE_DIR
    testing: bool = False
    log_level: str = "INFO"

    @property
    def audience(self) -> str:
        """The resource-server identifier that access tokens must name in ``aud`` (RFC 9068 §3)."""
        return f"{self.issuer.rstrip('/')}/v1"

    @property
    def dev_key_file(self) -> Path:
        return self.instance_dir / "jwt-dev-key.pem"

    def with_overrides(self, **overrides: Any) -> Settings:
        return replace(self, **overrides)


def load_settings() -> Settings:
    """Read the process environment once, at start-up."""
    defaults = Settings()
    return Settings(
        database_url=os.environ.get("DATABASE_URL") or defaults.database_url,
        redis_url=os.environ.get("REDIS_URL") or None,
        secret_key=os.environ.get("SECRET_KEY") or defaults.secret_key,
        jwt_private_key_file=os.environ.get("JWT_PRIVATE_KEY_FILE") or None,
        issuer=(os.environ.get("ISSUER") or defaults.issuer).rstrip("/"),
        rate_limit=os.environ.get("RATE_LIMIT") or defaults.rate_limit,
        max_content_length=_int("MAX_CONTENT_LENGTH", defaults.max_content_length),
        access_token_ttl=_int("ACCESS_TOKEN_TTL", defaults.access_token_ttl),
        log_level=os.environ.get("LOG_LEVEL") or defaults.log_level,
    )


def test_database_url() -> str | None:
    """The server URL the test suite creates its throw-away databases on (PostgreSQL runs)."""
    return os.environ.get("TEST_DATABASE_URL") or None
