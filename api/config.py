"""Configuration. Every environment variable the service reads is read here, and nowhere else."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from flask import Flask

from api.domain.matching import MatchWeights
from api.domain.telemedicine import (
    BUILT_IN_RULES,
    DEFAULT_PDMP_CHECK_MAX_AGE_HOURS,
    DEFAULT_VISIT_MAX_AGE_DAYS,
    LegalBasisRule,
    RulesTableError,
    parse_rules,
)
from api.http.current import current_flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", PROJECT_ROOT / "instance"))


# Signs cursors and the sign-in page's cookie in development only; a real deployment refuses it.
DEV_SECRET_KEY = "dev-insecure-secret-change-me"
# MACs the audit trail in development only (AUDIT_KEY_FILE); a real deployment refuses it.
DEV_AUDIT_KEY = "dev-insecure-audit-key-change-me"
MIN_SECRET_KEY_LENGTH = 32


class ConfigurationError(Exception):
    """The environment does not describe a service that may start; the message names the variable."""


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def _seconds(name: str, default: float, *, upper: float = 300.0) -> float:
    """A duration in seconds, 0.1 … ``upper``; anything else stops start-up naming the variable."""
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(f"{name}: {raw!r} is not a number of seconds") from None
    if not 0.1 <= value <= upper:
        raise ConfigurationError(f"{name}: {raw!r} must be between 0.1 and {upper:g} seconds")
    return value


@dataclass(frozen=True)
class Settings:
    database_url: str = f"sqlite:///{INSTANCE_DIR / 'telemedical.sqlite3'}"
    redis_url: str | None = None
    secret_key: str = DEV_SECRET_KEY
    jwt_private_key_file: str | None = None
    # Earlier signing keys' public keys, served in the JWKS and accepted during a rotation (PEM blocks).
    jwt_previous_public_keys_file: str | None = None
    issuer: str = "http://127.0.0.1:8000"
    rate_limit: str = "1200/minute"
    max_content_length: int = 1024 * 1024
    # The server's front (api.http.front): a request body must arrive within this many seconds of its
    # headers (REQUEST_BODY_TIMEOUT), and each worker reads at most this many bodies at once
    # (MAX_PENDING_BODIES); the headers must arrive within HEADER_READ_TIMEOUT seconds.
    request_body_timeout: float = 10.0
    max_pending_bodies: int = 64
    header_read_timeout: float = 10.0
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
    # Webhooks (docs/webhooks.md). WEBHOOK_ALLOW_LOOPBACK=1 lets endpoints be http://127.0.0.1 or
    # http://localhost, for development and tests; nothing else private, ever.
    webhook_allow_loopback: bool = False
    # A claimed delivery is the claimant's this long; a worker that dies holding it loses it then.
    webhook_lease_seconds: int = 120
    # Deliveries a worker sends at once, and how often it looks for due ones (at most every 2 s).
    webhook_concurrency: int = 8
    webhook_poll_seconds: float = 1.0
    # Browser origins allowed to call /v1 and /oauth/token (CORS_ORIGINS, comma-separated); none by default.
    cors_origins: tuple[str, ...] = ()
    # The audit chain (docs/audit.md): AUDIT_KEY_FILE holds the key that MACs rows and seals (never in the
    # database; the development key without it), AUDIT_PREVIOUS_KEYS_FILE earlier keys, one a line, to verify
    # what they sealed; AUDIT_ANCHOR_DIR receives the chain's head after each sealing (other storage than the
    # database's; instance/audit-anchors without it).
    audit_key_file: str | None = None
    audit_previous_keys_file: str | None = None
    audit_anchor_dir: str | None = None
    # A read's audit row is group-committed (docs/audit.md): each process's writer commits at most
    # AUDIT_BATCH_MAX_ROWS rows at once, waiting at most AUDIT_BATCH_WAIT_MS after a batch's first row for
    # the rows of reads already under way (0: never), and a read whose row is not committed within
    # AUDIT_COMMIT_TIMEOUT seconds is answered 500, with no data. AUDIT_GROUP_COMMIT=0 commits each read's
    # row on its own.
    audit_group_commit: bool = True
    audit_batch_max_rows: int = 100
    audit_batch_wait_ms: int = 10
    audit_commit_timeout: float = 10.0
    # An escalated consultation or plan not acknowledged this many minutes after its escalation (and at each
    # further multiple) is announced by the worker (ESCALATION_ACK_MINUTES, at least 1; clinical-rules.md §2).
    escalation_ack_minutes: int = 60
    # Telemedicine prescribing (clinical-rules.md §5, docs/prescribing.md): the dated table of legal bases,
    # built in or replaced whole by the JSON file TELEMEDICINE_RULES_FILE (read when the app is created:
    # ``with_telemedicine_rules``); how old the visit a prescription follows and its PDMP check may be.
    telemedicine_rules_file: str | None = None
    telemedicine_rules: tuple[LegalBasisRule, ...] = BUILT_IN_RULES
    prescription_visit_max_age_days: int = DEFAULT_VISIT_MAX_AGE_DAYS
    pdmp_check_max_age_hours: int = DEFAULT_PDMP_CHECK_MAX_AGE_HOURS
    # Pages of GET /v1/providers each process keeps, at most this many bytes (PROVIDER_PAGE_CACHE_BYTES; 0
    # keeps none): api/services/directory_pages.py.
    provider_page_cache_bytes: int = 32 * 1024 * 1024

    @property
    def audit_anchor_path(self) -> Path:
        return Path(self.audit_anchor_dir) if self.audit_anchor_dir else self.instance_dir / "audit-anchors"

    @property
    def is_production(self) -> bool:
        """An https ISSUER is a real deployment (api-contract.md §4)."""
        return self.issuer.startswith("https://")

    @property
    def audience(self) -> str:
        """The resource-server identifier that access tokens must name in ``aud`` (RFC 9068 §3)."""
        return f"{self.issuer.rstrip('/')}/v1"

    @property
    def dev_key_file(self) -> Path:
        return self.instance_dir / "jwt-dev-key.pem"

    def with_overrides(self, **overrides: Any) -> Settings:
        return replace(self, **overrides)


# An origin as a browser sends it: scheme, host (or [IPv6]) and an optional port; nothing else.
ORIGIN = re.compile(r"https?://(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?")


def _origins(name: str) -> tuple[str, ...]:
    """``https://portal.example,http://localhost:5173`` -> origins, each ``scheme://host[:port]`` exactly as a
    browser sends it in ``Origin`` (no path, no trailing slash, no wildcard): a typo fails at start-up."""
    origins = tuple(filter(None, (part.strip() for part in (os.environ.get(name) or "").split(","))))
    for origin in origins:
        if not ORIGIN.fullmatch(origin):
            raise ConfigurationError(
                f"{name}: {origin!r} is not an origin; write scheme://host[:port], e.g. https://portal.example"
            )
    return origins


def _issuer(name: str, default: str) -> str:
    """The service's public base URL, normalised: scheme and host in lower case (``HTTPS://API.Example`` is
    ``https://api.example``, a real deployment), no trailing slash; anything but an http(s) URL of a host,
    with no query, fragment or credentials, stops start-up. Every absolute URL the service writes (token
    ``iss``, links, ``Location``, problem types) is built from it, never from a request's Host."""
    raw = (os.environ.get(name) or default).strip()
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise ConfigurationError(f"{name}: {raw!r} is not a URL") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(f"{name}: {raw!r} must be an http(s) URL, e.g. https://api.example.com")
    if parts.query or parts.fragment or parts.username is not None or parts.password is not None:
        raise ConfigurationError(f"{name}: {raw!r} may not hold a query, a fragment or credentials")
    return urlunsplit((scheme, parts.netloc.lower(), parts.path.rstrip("/"), "", ""))


def _weights(name: str) -> tuple[tuple[str, float], ...]:
    """``earliest_slot=0.4,language=0.2`` -> pairs of MatchWeights fields (clinical-rules.md §3)."""
    raw = os.environ.get(name) or ""
    pairs = []
    for item in filter(None, (part.strip() for part in raw.split(","))):
        key, _, value = item.partition("=")
        pairs.append((key.strip(), float(value)))
    MatchWeights(**dict(pairs))  # unknown names or invalid values fail at start-up, not per request
    return tuple(pairs)


def _whole_number(name: str, default: int, *, upper: int, lower: int = 0) -> int:
    """A whole number ``lower`` … ``upper``; anything else stops start-up naming the variable."""
    raw = (os.environ.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not lower <= int(raw) <= upper:
        raise ConfigurationError(f"{name}: {raw!r} must be a whole number from {lower} to {upper}")
    return int(raw)


def _positive_int(name: str, default: int, *, upper: int) -> int:
    """A whole number 1 … ``upper``; anything else stops start-up naming the variable."""
    return _whole_number(name, default, upper=upper, lower=1)


def load_telemedicine_rules(path: str) -> tuple[LegalBasisRule, ...]:
    """The rules table in the file ``path`` (TELEMEDICINE_RULES_FILE); ``ConfigurationError`` naming the
    file and what is wrong with it when it cannot be read or is malformed: the service does not start on a
    table it cannot trust."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigurationError(f"TELEMEDICINE_RULES_FILE {path}: cannot be read ({error})") from None
    try:
        return parse_rules(text)
    except RulesTableError as error:
        raise ConfigurationError(f"TELEMEDICINE_RULES_FILE {path}: {error}") from None


def with_telemedicine_rules(settings: Settings) -> Settings:
    """``settings`` with the rules table of its TELEMEDICINE_RULES_FILE (the built-in table without one):
    read once, when the app is created."""
    if not settings.telemedicine_rules_file:
        return settings
    rules = load_telemedicine_rules(settings.telemedicine_rules_file)
    return settings.with_overrides(telemedicine_rules=rules)


def production_problems(settings: Settings) -> list[str]:
    """What a real deployment (an https ISSUER) is missing; empty in development."""
    if not settings.is_production:
        return []
    problems = []
    if settings.secret_key == DEV_SECRET_KEY:
        problems.append("SECRET_KEY is not set (the development default signs cursors and sign-in cookies)")
    elif len(settings.secret_key) < MIN_SECRET_KEY_LENGTH:
        problems.append(f"SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters")
    if not settings.jwt_private_key_file:
        problems.append("JWT_PRIVATE_KEY_FILE is not set (a generated development key would sign tokens)")
    if settings.webhook_allow_loopback:
        problems.append("WEBHOOK_ALLOW_LOOPBACK is set (it lets webhooks reach this machine's own services)")
    if not settings.audit_key_file:
        problems.append("AUDIT_KEY_FILE is not set (the development key would seal the audit trail)")
    if not settings.audit_anchor_dir:
        problems.append(
            "AUDIT_ANCHOR_DIR is not set (the audit chain's head must be anchored on storage other than the "
            "database's)"
        )
    return problems


def check_production_settings(settings: Settings) -> None:
    """Refuse to serve or work with development secrets when ISSUER says this is a real deployment."""
    problems = production_problems(settings)
    if problems:
        raise ConfigurationError(
            f"refusing to start: ISSUER is {settings.issuer}, a real deployment, but " + "; ".join(problems)
        )


def load_settings() -> Settings:
    """Read the process environment once, at start-up."""
    defaults = Settings()
    return Settings(
        database_url=os.environ.get("DATABASE_URL") or defaults.database_url,
        redis_url=os.environ.get("REDIS_URL") or None,
        secret_key=os.environ.get("SECRET_KEY") or defaults.secret_key,
        jwt_private_key_file=os.environ.get("JWT_PRIVATE_KEY_FILE") or None,
        jwt_previous_public_keys_file=os.environ.get("JWT_PREVIOUS_PUBLIC_KEYS_FILE") or None,
        issuer=_issuer("ISSUER", defaults.issuer),
        rate_limit=os.environ.get("RATE_LIMIT") or defaults.rate_limit,
        max_content_length=_int("MAX_CONTENT_LENGTH", defaults.max_content_length),
        request_body_timeout=_seconds("REQUEST_BODY_TIMEOUT", defaults.request_body_timeout),
        max_pending_bodies=max(1, _int("MAX_PENDING_BODIES", defaults.max_pending_bodies)),
        header_read_timeout=_seconds("HEADER_READ_TIMEOUT", defaults.header_read_timeout, upper=60.0),
        access_token_ttl=_int("ACCESS_TOKEN_TTL", defaults.access_token_ttl),
        idempotency_lock_timeout=max(1, _int("IDEMPOTENCY_LOCK_TIMEOUT", defaults.idempotency_lock_timeout)),
        log_level=os.environ.get("LOG_LEVEL") or defaults.log_level,
        video_base_url=(os.environ.get("VIDEO_BASE_URL") or defaults.video_base_url).rstrip("/"),
        match_weights=_weights("MATCH_WEIGHTS"),
        webhook_allow_loopback=os.environ.get("WEBHOOK_ALLOW_LOOPBACK", "") in ("1", "true", "yes"),
        webhook_lease_seconds=_int("WEBHOOK_LEASE_SECONDS", defaults.webhook_lease_seconds),
        webhook_concurrency=max(1, _int("WEBHOOK_CONCURRENCY", defaults.webhook_concurrency)),
        cors_origins=_origins("CORS_ORIGINS"),
        audit_key_file=os.environ.get("AUDIT_KEY_FILE") or None,
        audit_previous_keys_file=os.environ.get("AUDIT_PREVIOUS_KEYS_FILE") or None,
        audit_anchor_dir=os.environ.get("AUDIT_ANCHOR_DIR") or None,
        audit_group_commit=os.environ.get("AUDIT_GROUP_COMMIT", "1") not in ("0", "false", "no"),
        audit_batch_max_rows=_positive_int("AUDIT_BATCH_MAX_ROWS", defaults.audit_batch_max_rows, upper=1000),
        audit_batch_wait_ms=_whole_number("AUDIT_BATCH_WAIT_MS", defaults.audit_batch_wait_ms, upper=100),
        audit_commit_timeout=_seconds("AUDIT_COMMIT_TIMEOUT", defaults.audit_commit_timeout, upper=60.0),
        escalation_ack_minutes=_positive_int(
            "ESCALATION_ACK_MINUTES", defaults.escalation_ack_minutes, upper=7 * 24 * 60
        ),
        telemedicine_rules_file=os.environ.get("TELEMEDICINE_RULES_FILE") or None,
        prescription_visit_max_age_days=_positive_int(
            "PRESCRIPTION_VISIT_MAX_AGE_DAYS", defaults.prescription_visit_max_age_days, upper=365
        ),
        pdmp_check_max_age_hours=_positive_int(
            "PDMP_CHECK_MAX_AGE_HOURS", defaults.pdmp_check_max_age_hours, upper=24 * 30
        ),
        webhook_poll_seconds=min(
            2.0, float(os.environ.get("WEBHOOK_POLL_SECONDS") or defaults.webhook_poll_seconds)
        ),
        provider_page_cache_bytes=max(
            0, _int("PROVIDER_PAGE_CACHE_BYTES", defaults.provider_page_cache_bytes)
        ),
    )


def get_settings(app: Flask | None = None) -> Settings:
    """The settings ``app`` was created with (``create_app`` keeps them), by default the current app's: the
    one way code that runs in an app (a request, a command) reads them."""
    settings = (app or current_flask()).extensions["settings"]
    if not isinstance(settings, Settings):
        raise RuntimeError("the app holds no Settings: it was not made by api.app.create_app")
    return settings


def test_database_url() -> str | None:
    """The server URL the test suite creates its throw-away databases on (PostgreSQL runs)."""
    return os.environ.get("TEST_DATABASE_URL") or None


# The API docs page (Swagger UI at /v1/docs): the public client its "Authorize" dialog signs in with, and
# the redirect page served with its assets. `telemedical seed-demo` registers it for the ISSUER; an operator
# registers the same client to offer the flow in a deployment's docs (docs/oauth.md).
DOCS_CLIENT_ID = "cli_docs"
DOCS_REDIRECT_PATH = "/v1/docs/assets/oauth2-redirect.html"
