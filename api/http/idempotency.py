"""``Idempotency-Key`` for every POST under /v1, per OAuth client and signed-in user, kept 24 hours.

The claim is made by ``Blueprint.operation`` after the token and the operation's scopes are checked, so a
replay is authorised like a new request: a revoked token, a token without the scope or another user of
the same app never sees a recorded response. Keys belong to (client_id, subject): two patients of one app
never share a key space.

The claim is a row with a unique (client_id, subject, key): inserting it is atomic in the database, so
the guarantee holds across any number of server processes. Same key and same request: the recorded
response is replayed. Same key, other request: 422 ``idempotency_key_reused``. Same key while the
first is still running: 409 ``idempotency_key_in_use``. A 5xx releases the key so it can be retried.

Faults (the database or the process failing mid-request) never make a request run twice. The claim's
``committed_at`` is set in the very transaction that commits the request's writes (by the operation's
boundary, ``mark_taken_effect``), so it is known whether the request took effect:

- it did not (the database failed first, or the process died): the claim is released, or, if the database is
  unreachable to release it, taken over by a retry after ``IDEMPOTENCY_LOCK_TIMEOUT`` (60 s);
- it did, but its response was never recorded: a retry gets 409 ``idempotency_record_lost`` (read the
  resource to see the result), never a second run.
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import datetime, timedelta

from flask import Flask, Response, current_app, g, request
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from api.auth.principal import Principal
from api.auth.sealing import InvalidToken, Purpose, seal, unseal
from api.config import get_settings
from api.db import get_session, rows_changed, utcnow
from api.errors import BadRequest, Conflict, RuleViolation
from api.http.current import current_request, request_globals
from api.models import IdempotencyKey

log = logging.getLogger("api.idempotency")
HEADER = "Idempotency-Key"
_ENVIRON_KEY = "HTTP_IDEMPOTENCY_KEY"
MAX_KEY_LENGTH = 255
# 1 to 255 visible ASCII characters (a UUID is the usual choice): what a header carries safely.
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")
# Response headers worth replaying (request-specific ones such as X-Request-ID are set afresh).
_REPLAYED_HEADERS = ("Content-Type", "Location", "ETag", "Link")


def _fingerprint() -> str:
    h = hashlib.sha256()
    h.update(request.method.encode())
    h.update(b"\0" + request.path.encode() + b"\0")
    h.update(request.get_data(cache=True))
    return h.hexdigest()


def _secret_key() -> str:
    key = get_settings().secret_key
    return key


def _replay(row: IdempotencyKey) -> Response:
    body = b""
    if row.response_body:
        try:
            body = unseal(_secret_key(), Purpose.IDEMPOTENT_RESPONSE, row.response_body)
        except InvalidToken as exc:  # sealed under an earlier SECRET_KEY
            raise Conflict(
                "The response recorded for this key can no longer be read (the service's key changed); "
                "send a new Idempotency-Key.",
                code="idempotency_record_lost",
            ) from exc
    response = current_app.response_class(body, status=row.response_status or 200)
    for name, value in (row.response_headers or {}).items():
        response.headers[name] = value
    response.headers["Idempotent-Replayed"] = "true"
    return response


def claim(principal: Principal) -> Response | None:
    """Claim the request's key for ``principal`` (already authorised): None to go on, or the replay."""
    # On every POST: the request itself (api/http/current.py), the header as WSGI carries it.
    key = current_request().environ.get(_ENVIRON_KEY)
    if key is None:
        return None
    if not KEY_PATTERN.fullmatch(key):
        raise BadRequest(
            f"{HEADER} must be 1 to {MAX_KEY_LENGTH} visible ASCII characters (no spaces), e.g. a UUID.",
            code="invalid_idempotency_key",
        )
    session = get_session()
    now = utcnow()
    fingerprint = _fingerprint()
    where = (
        IdempotencyKey.client_id == principal.client_id,
        IdempotencyKey.subject == principal.subject,
        IdempotencyKey.key == key,
    )
    session.execute(delete(IdempotencyKey).where(*where, IdempotencyKey.expires_at <= now))
    if _insert_claim(principal, key, fingerprint, now):
        return None
    existing = session.scalar(select(IdempotencyKey).where(*where))
    if existing is None:  # expired and purged between our two statements: let the client retry
        raise Conflict("The idempotency key is being processed; retry.", code="idempotency_key_in_use")
    if existing.request_fingerprint != fingerprint:
        raise RuleViolation(
            f"This {HEADER} was already used with a different request.", code="idempotency_key_reused"
        )
    if existing.response_status is not None:
        session.rollback()
        return _replay(existing)
    if existing.committed_at is not None and not _running(existing, now):
        raise Conflict(
            "The request with this Idempotency-Key was carried out, but the service failed before its "
            "response was recorded. Read the resource to see the result; send a new key to make another.",
            code="idempotency_record_lost",
        )
    if existing.committed_at is None and _take_over_if_abandoned(existing, now):
        return None
    raise Conflict(
        "A request with this idempotency key is still being processed.",
        code="idempotency_key_in_use",
        headers={"Retry-After": "1"},
    )


def _insert_claim(principal: Principal, key: str, fingerprint: str, now: datetime) -> bool:
    """Insert the claim row (committed at once, so other processes see it); False if the key is taken."""
    session = get_session()
    ttl = timedelta(seconds=get_settings().idempotency_ttl)
    try:
        with session.begin_nested():
            row = IdempotencyKey(
                client_id=principal.client_id,
                subject=principal.subject,
                key=key,
                request_fingerprint=fingerprint,
                locked_at=now,
                expires_at=now + ttl,
            )
            session.add(row)
        session.commit()
    except IntegrityError:
        return False
    g.idempotency_row_id = row.id
    return True


def _running(claim: IdempotencyKey, now: datetime) -> bool:
    """Whether the claim's request may still be running (locked, and not for longer than the timeout)."""
    timeout = timedelta(seconds=get_settings().idempotency_lock_timeout)
    return claim.locked_at is not None and claim.locked_at > now - timeout


def _take_over_if_abandoned(existing: IdempotencyKey, now: datetime) -> bool:
    """A claim whose first attempt died before committing anything (a crashed worker, or a database outage
    that kept the claim from being released) is taken over, atomically."""
    if existing.locked_at is None or _running(existing, now):
        return False
    session = get_session()
    taken = rows_changed(
        session,
        update(IdempotencyKey)
        .where(
            IdempotencyKey.id == existing.id,
            IdempotencyKey.locked_at == existing.locked_at,
            IdempotencyKey.committed_at.is_(None),
        )
        .values(locked_at=now),
    )
    session.commit()
    if taken != 1:
        return False
    g.idempotency_row_id = existing.id
    return True


def mark_taken_effect() -> None:
    """The claimed request has taken effect: called by the operation's boundary (``Blueprint.operation``) in
    the transaction that commits the request's writes, just before it commits, so that the claim says so
    exactly when the writes are there. A retry then never runs the request again."""
    row_id = request_globals().get("idempotency_row_id")
    if row_id is None:
        return
    get_session().execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.id == row_id, IdempotencyKey.committed_at.is_(None))
        .values(committed_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def _record(response: Response) -> Response:
    row_id = request_globals().pop("idempotency_row_id", None)  # after every request: no proxy
    if row_id is None:
        return response
    session = get_session()
    try:
        session.rollback()  # never persist what a failed handler left uncommitted
        if response.status_code >= 500 or response.is_streamed:
            # Released for a retry, unless the request's writes were committed before it failed: then the
            # claim stays, unlocked and unrecorded, and a retry learns the request took effect.
            session.execute(
                delete(IdempotencyKey).where(
                    IdempotencyKey.id == row_id, IdempotencyKey.committed_at.is_(None)
                )
            )
            session.execute(update(IdempotencyKey).where(IdempotencyKey.id == row_id).values(locked_at=None))
        else:
            headers = {h: response.headers[h] for h in _REPLAYED_HEADERS if h in response.headers}
            session.execute(
                update(IdempotencyKey)
                .where(IdempotencyKey.id == row_id)
                .values(
                    response_status=response.status_code,
                    response_headers=headers,
                    # Sealed: it may hold a one-time secret (a client's, a webhook endpoint's) or PHI.
                    response_body=seal(_secret_key(), Purpose.IDEMPOTENT_RESPONSE, response.get_data()),
                    locked_at=None,
                )
            )
        session.commit()
    except SQLAlchemyError as exc:
        # The database went away after the request was answered: the claim stays locked (not committed:
        # taken over by a retry after the lock timeout; committed: a retry gets idempotency_record_lost).
        session.rollback()
        log.warning(
            "could not record the idempotent response (request_id=%s): %s",
            g.get("request_id"),
            type(getattr(exc, "orig", None) or exc).__name__,
        )
    return response


def init_idempotency(app: Flask) -> None:
    """Record each claimed request's response (the claim itself is made by ``Blueprint.operation``)."""
    app.after_request(_record)
