"""Every /v1 operation is audited here, once, by ``Blueprint.operation`` (no view calls it), at the
operation's boundary, where its transaction is committed or rolled back (api/http/blueprint.py).

- **A write** is recorded in the transaction that commits it: the boundary reads what the operation's flushes
  wrote (the session's write log, api/db.py), adds the row for the audited records among them, then commits.
  A change and its audit row are committed together or not at all.
- **A read** (nothing written) is recorded after the view, before the response leaves: from what the
  response holds (the serialised body flask-smorest produced: a list's ids, an object's id and patient) and
  the path. A GET's or HEAD's row is group-committed (api/group_commit.py): the process's writer commits
  the rows of many reads at once, on its own connection, and each read is answered only once the commit
  holding its row is done. Served by ``telemedical run``, the thread hands the answer to the server's front,
  which holds it until then (api/http/front.py: ``Hold``) while the thread serves the next request; served
  otherwise, the thread waits. If the row cannot be committed (or not within ``AUDIT_COMMIT_TIMEOUT``), the
  request fails with 500 (503 when the database is unreachable) and no data goes out. Any other read (a
  POST that wrote no audited record) joins its own transaction, as writes do.
- **A refusal or failure** (401, 403, 404 — which hides another tenant's object —, other 4xx, 5xx) is recorded
  after the request's own work is rolled back, in a transaction of its own, naming the record the path asked
  for. Its patient is kept apart (``target_patient_id``): the caller may be another tenant's, and its own
  audit rows must not tell it whose record the 404 hid (api/services/audit.py says who is shown it).

Which records are audited, and which patient an access concerned, each model declares
(api/models/resources.py). Every row carries its own MAC under the audit key (api/audit_custody.py), loaded
once per app.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from flask import Flask, Response, current_app, g, request
from sqlalchemy import inspect
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from api.auth.principal import Principal
from api.config import get_settings
from api.db import READ_ONLY_METHODS, Session, get_db, get_session
from api.domain.audit import Action, Keyring, action_of, outcome_of
from api.errors import DomainError
from api.group_commit import GroupCommit
from api.http.current import current_flask, current_request, request_globals
from api.http.front import ANSWER_HOLD, Answer, Hold
from api.http.problems import handle_unexpected, problem_response
from api.http.request_id import HEADER as REQUEST_ID_HEADER
from api.models import OAuthClient, User
from api.models.resources import is_patient_id, resource_of
from api.services import audit as service

log = logging.getLogger("api.audit")


def _keyring() -> Keyring:
    keyring: Keyring = current_flask().extensions["audit_keyring"]  # loaded by create_app
    return keyring


@dataclass
class Written:
    id: str
    created: bool
    patient_id: str | None


@dataclass
class Context:
    operation: str
    action: Action
    success_status: int  # what the operation answers when it succeeds (its write's row is made before)
    principal: Principal | None = None
    # The group commit this read announced its row to (``GroupCommit.expect``), until it hands the row over.
    expected: GroupCommit[service.Row] | None = None


def begin(operation: str, success_status: int) -> Context:
    """The operation starts: what its flushes write is logged from now on, for ``record_writes``. A read
    whose row will be group-committed announces it, so that a batch being gathered waits for it."""
    method = current_request().method
    context = Context(operation, action_of(method, operation), success_status)
    request_globals().audit = context
    get_session().log_writes()
    if method in READ_ONLY_METHODS:
        commits = _group_commit()
        if commits is not None and commits.gather_seconds:
            commits.expect()
            context.expected = commits
    return context


def end(context: Context) -> None:
    if context.expected is not None:  # its row was not handed over (refused, failed): not coming
        context.expected.withdraw()
        context.expected = None
    request_context = request_globals()
    session: Session | None = request_context.get("db_session")
    if session is not None:
        session.stop_logging_writes()
    request_context.pop("audit", None)
    request_context.pop("audit_dump", None)
    request_context.pop("audit_row_count", None)


def _actor(principal: Principal | None) -> dict[str, Any]:
    if principal is None:
        authenticated: Principal | None = request_globals().get("authenticated")
        principal = authenticated
    if principal is None:
        return {"actor_type": "anonymous"}
    return {
        "actor_type": principal.kind,
        "actor_id": principal.actor_id,
        "client_id": principal.client_id,
        "partner_id": principal.partner_id,
    }


def _path_ids() -> list[str]:
    """The ids the path names, outermost first (``/plans/{plan_id}/tasks/{task_id}`` -> plan, task)."""
    return [str(v) for k, v in (current_request().view_args or {}).items() if k.endswith("_id")]


def _access(context: Context, *, status: int, **facts: Any) -> service.Access:
    return service.Access(
        action=context.action,
        outcome=outcome_of(status),
        operation=context.operation,
        status=status,
        request_id=request_globals().get("request_id"),
        ip=current_request().remote_addr,
        **_actor(context.principal),
        **facts,
    )


# --- writes: in the transaction that commits them ----------------------------------------------------------


def _written(session: Session) -> list[Written]:
    """The audited records the operation's flushes wrote, in the order first written (one entry each)."""
    written: dict[str, Written] = {}
    for row, created in (session.write_log or {}).items():
        resource = resource_of(type(row))
        if resource is None or not resource.audited:
            continue
        identity = inspect(row).identity  # its primary key: a prefixed id, as every audited model's
        if identity is None:  # its insert was rolled back (a savepoint): it was never written
            continue
        row_id = str(identity[0])
        if row_id not in written:
            patient = getattr(row, resource.patient) if resource.patient else None
            written[row_id] = Written(row_id, created, patient)
    return list(written.values())


def record_writes(context: Context) -> bool:
    """Add the row of the records the operation wrote to the transaction that is about to commit them (the
    caller, the operation's boundary, commits); False when it wrote no audited record (a read)."""
    session = get_session()
    session.flush()  # every write reaches the log, and the database, before its row is made
    written = _written(session)
    if not written:
        return False
    path = _path_ids()
    by_id = {w.id: w for w in written}
    primary = next((by_id[i] for i in reversed(path) if i in by_id), None)
    primary = primary or next((w for w in written if w.created), written[0])
    patients = {w.patient_id or service.patient_of(session, w.id) for w in written}
    service.record(
        session,
        _access(
            context,
            status=context.success_status,
            resource_id=primary.id,
            resource_ids=[w.id for w in written] if len(written) > 1 else (),
            patient_ids=[p for p in patients if p],
        ),
        _keyring(),
    )
    return True


# --- reads: after the view, before the response leaves -------------------------------------------------


def capture(dump: Any) -> None:
    """The serialised body of the response (flask-smorest's dump), for the read's row."""
    request_context = request_globals()  # on every read (api/http/current.py)
    if request_context.get("audit") is not None:
        request_context.audit_dump = dump


def _ids_in(items: Iterable[Any]) -> list[str]:
    return [
        str(i.get("id") or i.get("client_id"))
        for i in items
        if isinstance(i, dict) and (i.get("id") or i.get("client_id"))
    ]


def count_rows(count: int) -> None:
    """How many rows the operation releases (a streamed export), for its read's row: the body is produced
    after the row is committed, so the view counts it first (api/http/streaming.py)."""
    if g.get("audit") is not None:
        g.audit_row_count = count


def record_read(context: Context, response: Response) -> bool:
    """Record a successful operation that wrote nothing (a read), from its response: a GET's or HEAD's row
    group-committed (its answer held until the row is committed), any other's added to the transaction the
    caller (the operation's boundary) commits next. True when the caller has that commit to make; False when
    the row went to the process's writer and the session holds nothing to commit (the teardown closes it)."""
    session = get_session()
    request_context, current = request_globals(), current_request()  # no proxies (api/http/current.py)
    dump = request_context.pop("audit_dump", None)
    if dump is None and response.is_json:  # an idempotent replay: the recorded body
        dump = response.get_json(silent=True)
    facts = _read_facts(session, dump)
    row_count = request_context.pop("audit_row_count", None)
    if row_count is not None:
        facts["row_count"] = row_count
    access = _access(context, status=response.status_code, **facts)
    if current.method not in READ_ONLY_METHODS:
        service.record(session, access, _keyring())
        return True
    if session.get_bind().dialect.name == "sqlite":
        session.rollback()  # close the read snapshot; the row is written in a transaction of its own
    commits = _group_commit()
    if commits is None:
        service.record(session, access, _keyring())
        return True
    settings = get_settings()
    done = commits.submit(service.make_row(access, _keyring()), expected=context.expected is commits)
    context.expected = None
    if current.environ.get(ANSWER_HOLD, False) is None:  # the server's front holds the answer
        failure = partial(_unrecorded, current_flask(), request_context.get("request_id"))
        current.environ[ANSWER_HOLD] = Hold(done, settings.audit_commit_timeout, failure)
        return False
    try:
        done.result(settings.audit_commit_timeout)
    except TimeoutError:
        log.error(_NOT_COMMITTED, settings.audit_commit_timeout, request_context.get("request_id"))
        raise
    return False


_NOT_COMMITTED = (
    "the audit row of a read was not committed within %s s (request_id=%s): answered 500, no data sent"
)
_GROUP_COMMIT = "audit_group_commit"
_starting = threading.Lock()


def _group_commit() -> GroupCommit[service.Row] | None:
    """The process's writer of reads' rows; None when reads' rows are written on their own: turned off
    (``AUDIT_GROUP_COMMIT=0``), or sessions that share one connection (tests), which a writer of its own
    could not see."""
    commits: GroupCommit[service.Row] | None = current_flask().extensions.get(_GROUP_COMMIT)
    if commits is not None:
        return commits
    settings = get_settings()
    db = get_db()
    if not settings.audit_group_commit or db.joined:
        return None
    with _starting:
        commits = current_app.extensions.get(_GROUP_COMMIT)
        if commits is None:
            write, one_statement = service.batch_writer(db.engine.dialect.name)
            commits = GroupCommit(
                db.engine,
                write,
                max_rows=settings.audit_batch_max_rows,
                name="audit-commit",
                one_statement=one_statement,
                gather_seconds=settings.audit_batch_wait_ms / 1000,
            )
            current_app.extensions[_GROUP_COMMIT] = commits
    return commits


def _unrecorded(app: Flask, request_id: str | None, error: BaseException) -> Answer:
    """The answer of a read whose row was not committed (``error``), instead of its data: the problem the
    application renders for that error (503 when the database is unreachable, 500 otherwise)."""
    with app.app_context():
        g.request_id = request_id
        if isinstance(error, TimeoutError):
            log.error(_NOT_COMMITTED, get_settings().audit_commit_timeout, request_id)
            answer = problem_response(
                500, "internal_error", "Internal server error", "An unexpected error occurred."
            )
        else:
            try:
                raise error
            except Exception as raised:  # rendered, and logged, as any error of a request is
                answer = handle_unexpected(raised)
        answer.headers[REQUEST_ID_HEADER] = request_id or ""
        answer.headers["Cache-Control"] = "no-store"
        answer.headers["X-Content-Type-Options"] = "nosniff"
        return answer.status_code, list(answer.headers.items()), answer.get_data()


def _read_facts(session: Session, dump: Any) -> dict[str, Any]:
    path = _path_ids()
    if isinstance(dump, dict) and isinstance(dump.get("data"), list):
        items = [i for i in dump["data"] if isinstance(i, dict)]
        ids = _ids_in(items)
        patients = {
            i.get("patient_id") or (i.get("id") if is_patient_id(str(i.get("id", ""))) else None)
            for i in items
        }
        patients.discard(None)
        if not patients and path:
            patients = {service.patient_of(session, path[-1])}
        return {
            "resource_type": service.resource_type_of(ids[0])
            if ids
            else service.resource_type_of(path[-1] if path else None),
            "resource_id": path[-1] if path else None,
            "resource_ids": ids,
            "patient_ids": [p for p in patients if p],
        }
    single = None
    if isinstance(dump, dict):
        single = dump.get("id") or dump.get("client_id")
    resource = str(single) if single else (path[-1] if path else None)
    # The response names its patient (or is one) for most records; otherwise the records are read (a
    # task's plan, an appointment's consultation), from the identity map when the request still holds them.
    patient = dump.get("patient_id") if isinstance(dump, dict) else None
    if not patient and single and is_patient_id(resource):
        patient = resource
    patient = (
        patient
        or service.patient_of(session, resource)
        or (service.patient_of(session, path[-1]) if path else None)
    )
    return {"resource_id": resource, "patient_ids": [patient] if patient else []}


# --- refusals and failures: in a transaction of their own --------------------------------------------------


def _status_of(error: BaseException) -> int:
    if isinstance(error, DomainError):
        return error.status
    if isinstance(error, HTTPException) and error.code:
        return error.code
    return 500


def fail(context: Context, error: BaseException) -> None:
    """Record a refused or failed operation after rolling back its work. Never raises: the request's own
    answer (its error) goes out whatever happens here, and a failure to record is logged."""
    status = _status_of(error)  # below 400: 304 Not Modified, a read that disclosed nothing new
    session = get_session()
    try:
        session.rollback()
        path = _path_ids()
        resource = path[-1] if path else None
        patient = service.patient_of(session, resource) if resource else None
        service.record(
            session,
            _access(context, status=status, resource_id=resource, target_patient_id=patient),
            _keyring(),
        )
        session.commit()
    except OperationalError as exc:  # the database is unreachable: one line, not a trace per request
        session.rollback()
        log.warning(
            "could not record the audit row of a refused request (request_id=%s): database unavailable (%s)",
            g.get("request_id"),
            type(exc.orig).__name__,
        )
    except Exception:
        session.rollback()
        log.exception(
            "could not record the audit row of a refused request (request_id=%s)", g.get("request_id")
        )


# --- tokens: issued, refused, revoked (the OAuth endpoints, api/auth/views.py) ----------------------------


def record_token(
    session: Session,
    action: Action,
    status: int,
    *,
    client: OAuthClient | None = None,
    user: User | None = None,
    client_id: str | None = None,
) -> None:
    """Add the row for a token event to ``session`` (the endpoint, the token's boundary, commits it with the
    token's own rows)."""
    if user is not None:
        actor_type, actor_id = user.role, user.id
    elif client is not None:
        actor_type, actor_id = ("partner_client" if client.partner_id else "admin"), client.id
    else:
        actor_type, actor_id = "anonymous", None
    patient = user.patient_id if user is not None else None
    service.record(
        session,
        service.Access(
            actor_type=actor_type,
            actor_id=actor_id,
            client_id=client.id if client is not None else client_id,
            partner_id=(user.partner_id if user is not None else None)
            or (client.partner_id if client else None),
            action=action,
            outcome=outcome_of(status),
            resource_type="token",
            patient_ids=[patient] if patient else [],
            status=status,
            request_id=g.get("request_id"),
            ip=request.remote_addr,
        ),
        _keyring(),
    )
