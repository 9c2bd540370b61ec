"""Configuration. Every environment variable the service reads is read here, and nowhere else."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from api.domain.matching import MatchWeights

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
    # Appointment join links are this base plus "/" and a random token (VIDEO_BASE_URL).
    video_base_url: str = "https://video.telemedical.example/join"
    # Ranking weights overriding clinical-rules.md §3 defaults, e.g. (("language", 0.4),) (MATCH_WEIGHTS).
    match_weights: tuple[tuple[str, float], ...] = ()

    @property
    def audience(self) -> str:
        """The resource-server identifier that access tokens must name in ``aud`` (RFC 9068 §3)."""
        return f"{self.issuer.rstrip('/')}/v1"

    @property
    def dev_key_file(self) -> Path:
        return self.instance_dir / "jwt-dev-key.pem"

    def with_overrides(self, **overrides: Any) -> Settings:
        return replace(self, **overrides)


def _weights(name: str) -> tuple[tuple[str, float], ...]:
    """``earliest_slot=0.4,language=0.2`` -> pairs of MatchWeights fields (clinical-rules.md §3)."""
    raw = os.environ.get(name) or ""
    pairs = []
    for item in filter(None, (part.strip() for part in raw.split(","))):
        key, _, value = item.partition("=")
        pairs.append((key.strip(), float(value)))
    MatchWeights(**dict(pairs))  # unknown names or invalid values fail at start-up, not per request
    return tuple(pairs)


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
        video_base_url=(os.environ.get("VIDEO_BASE_URL") or defaults.video_base_url).rstrip("/"),
        match_weights=_weights("MATCH_WEIGHTS"),
    )


def test_database_url() -> str | None:
    """The server URL the test suite creates its throw-away databases on (PostgreSQL runs)."""
    return os.environ.get("TEST_DATABASE_URL") or None
