"""The generic defence of GitHub issue 9, generated from the spec: every operation

1. with no token -> 401 and the bare ``Bearer realm="telemedical"`` challenge;
2. with a token lacking its scope -> 403 ``insufficient_scope`` and its challenge;
3. on another tenant's object -> 404 ``not_found``;
4. with a server-owned field in its body -> 422 pointing at the field;
5. with a NUL byte in a query parameter, a path id or a body string -> a 4xx problem, never a 5xx;
6. with a body over ``MAX_CONTENT_LENGTH``, sized or chunked -> 413;

on SQLite and on PostgreSQL (``make test-postgres``). The operations and what each check sends are read
from the app's own OpenAPI document (tests/security_matrix.py); only how to fill a path and a minimal body
is written by hand, in ``FILLS``.

One world per module (two tenants' objects take a few seconds to build), in an outer transaction rolled
back at the end; every request runs in its own SAVEPOINT, rolled back after it, so no check sees another's
writes and each request meets the objects in the state ``build_tenant`` left them.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from api.app import create_app
from api.auth.scopes import SCOPES
from api.config import Settings
from api.db import Database
from api.domain.audit import action_of
from api.models import AuditEvent
from tests.helpers import bearer, cc_token, token_response
from tests.security_matrix import (
    FILLS,
    NOT_TENANT_OWNED,
    PROVIDER_SCOPES,
    TENANT_OWNED,
    Body,
    Headers,
    Operation,
    Tenant,
    build_tenant,
    collection_spec,
    is_text,
    operations,
    resolve,
    sample,
    server_owned_fields,
    spec_of,
    string_leaves,
    types,
    with_value_at,
)
from tests.world import PARTNER_SCOPES, World, build_world

SPEC = collection_spec()
OPERATIONS = operations(SPEC)
PROBLEM = "application/problem+json"
SMALL_LIMIT = 2048  # MAX_CONTENT_LENGTH of the app the oversize check talks to
OVERSIZE = 3000
NUL = "\x00"


def cases(applies: Callable[[Operation], bool]) -> list[Any]:
    """The operations a check applies to, known to FILLS (the coverage test names the others)."""
    return [pytest.param(op, id=op.id) for op in OPERATIONS if op.id in FILLS and applies(op)]


def secured(op: Operation) -> bool:
    return not op.public


def has_body(op: Operation) -> bool:
    return op.request is not None


def tenant_owned(op: Operation) -> bool:
    return any(p in TENANT_OWNED for p in op.path_params)


# --- the world, once per module -----------------------------------------------------------------------


@dataclass
class Matrix:
    conn: Connection
    client: FlaskClient
    small_client: FlaskClient  # MAX_CONTENT_LENGTH = SMALL_LIMIT
    app: Flask
    world: World
    a: Tenant  # the caller's tenant: the objects the checks act on
    b: Tenant  # another tenant: its objects must stay out of A's reach
    admin: Headers  # a platform admin with every scope
    partner_a: Headers  # partner A's portal with every partner scope
    narrow: dict[tuple[str, tuple[str, ...]], Headers] = field(default_factory=dict)

    @contextmanager
    def isolated(self) -> Iterator[None]:
        savepoint = self.conn.begin_nested()
        try:
            yield
        finally:
            savepoint.rollback()

    @property
    def provider_a(self) -> Headers:
        """Tenant A's provider, signed in with every scope of the clinician app."""
        return self.a.clinician.headers

    def acting(self, actor: str) -> Headers:
        """The headers of the principal ``actor`` names, with every scope: what a minimal call sends."""
        return {"partner": self.partner_a, "provider": self.provider_a}.get(actor, self.admin)

    def without(self, actor: str, scopes: tuple[str, ...]) -> Headers:
        """A real token of ``actor``'s kind granted every scope of its client except ``scopes``."""
        key = (actor, scopes)
        if key not in self.narrow and actor == "provider":
            wanted = " ".join(s for s in PROVIDER_SCOPES.split() if s not in scopes)
            self.narrow[key] = self.a.clinician.sign_in(self.client, wanted)
        if key not in self.narrow:
            creds = self.world.admin if actor == "admin" else self.world.portal_a
            granted = list(SCOPES) if actor == "admin" else PARTNER_SCOPES.split()
            wanted = " ".join(s for s in granted if s not in scopes)
            response = token_response(self.client, creds, scope=wanted)  # kept: the token row must stay
            assert response.status_code == 200, response.get_json()
            assert not set(scopes) & set(response.get_json()["scope"].split())
            self.narrow[key] = bearer(response.get_json()["access_token"])
        return self.narrow[key]

    def call(
        self,
        op: Operation,
        *,
        headers: Headers | None = None,
        tenant: Tenant | None = None,
        ids: Mapping[str, str] | None = None,
        body: Body | None = None,
        query: Mapping[str, str] | None = None,
        if_match: str | None = None,
        audit: list[AuditEvent] | None = None,
        trail: list[dict[str, Any]] | None = None,
    ) -> Any:
        """Call ``op`` on ``tenant``'s objects (A's by default) with its minimal body and query, each
        overridable; in its own savepoint. PATCH sends the object's current ETag unless ``if_match``.
        ``audit`` receives the audit rows the request wrote (read before the savepoint is rolled back);
        ``trail`` the rows about the record it asked for as the caller reads them (GET /v1/audit-events)."""
        tenant = tenant or self.a
        fill = FILLS[op.id]
        path_ids = {name: tenant.id(attribute) for name, attribute in fill.ids.items()}
        path_ids.update(ids or {})
        if body is None and fill.body is not None:
            body = fill.body(tenant)
        if query is None:
            query = fill.query(tenant) if fill.query else {}
        all_headers = dict(headers or {})
        if op.method == "PATCH":
            target = path_ids[op.path_params[-1]]
            all_headers["If-Match"] = if_match or tenant.etags.get(target, '"no-such-etag"')
        elif if_match:
            all_headers["If-Match"] = if_match
        with self.isolated():
            response = self.client.open(  # buffered: a streamed body (the outcomes export) is read here
                op.url(path_ids),
                method=op.method,
                json=body,
                query_string=dict(query),
                headers=all_headers,
                buffered=True,
            )
            if audit is not None:
                audit.extend(self.audit_rows(response))
            if trail is not None:
                asked = path_ids[op.path_params[-1]]
                read = self.client.get(f"/v1/audit-events?limit=100&resource_id={asked}", headers=all_headers)
                assert read.status_code == 200, read.get_json()
                trail.extend(read.get_json()["data"])
            return response

    def audit_rows(self, response: Any) -> list[AuditEvent]:
        with Session(bind=self.conn, join_transaction_mode="create_savepoint", expire_on_commit=False) as db:
            request_id = response.headers["X-Request-ID"]
            rows = list(db.scalars(select(AuditEvent).where(AuditEvent.request_id == request_id)))
            db.expunge_all()
            return rows


@pytest.fixture(scope="module")
def matrix(engine: Engine, database_url: str, instance_dir: Path) -> Iterator[Matrix]:
    """Like conftest's ``make_app``, but for the whole module: one outer transaction, rolled back at the end.

    Both apps (the second with a small MAX_CONTENT_LENGTH, for the oversize check) share the connection,
    so they see the same objects; on SQLite a second connection (conftest's per-test one) would wait on
    this one's write lock. The rate limit is lifted: the matrix sends hundreds of requests as one client.
    """
    conn = engine.connect()
    outer = conn.begin()
    settings = Settings(
        database_url=database_url,
        instance_dir=instance_dir,
        testing=True,
        secret_key="test-secret",
        rate_limit="100000/minute",
    )

    def app_for(**overrides: Any) -> Flask:
        database = Database(conn.engine)
        database.join(conn)
        return create_app(settings.with_overrides(**overrides), database=database)

    try:
        app = app_for()
        client = app.test_client()
        with Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False) as db:
            world = build_world(db)
            admin = bearer(cc_token(client, world.admin))
            a = build_tenant(client, db, admin, world.partner_a, world.patient_a1)
            b = build_tenant(client, db, admin, world.partner_b, world.patient_b1)
        yield Matrix(
            conn=conn,
            client=client,
            small_client=app_for(max_content_length=SMALL_LIMIT).test_client(),
            app=app,
            world=world,
            a=a,
            b=b,
            admin=admin,
            partner_a=bearer(cc_token(client, world.portal_a)),
        )
    finally:
        outer.rollback()
        conn.close()


# --- reading answers ------------------------------------------------------------------------------------


def described(response: Any) -> str:
    """``404 not_found``, ``500 internal_error``, ``201 (application/json)``: what the server answered."""
    body = response.get_json(silent=True) or {}
    if response.mimetype == PROBLEM:
        pointers = ",".join(e.get("pointer", "?") for e in body.get("errors", []))
        return f"{response.status_code} {body.get('code')}" + (f" [{pointers}]" if pointers else "")
    return f"{response.status_code} ({response.mimetype or 'no body'})"


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert (response.status_code, response.mimetype) == (status, PROBLEM), described(response)
    body: dict[str, Any] = response.get_json()
    assert (body["status"], body["code"]) == (status, code), body
    return body


def challenge(response: Any) -> tuple[str, dict[str, str]]:
    """``WWW-Authenticate: Bearer realm="x", error="y"`` -> ("Bearer", {"realm": "x", "error": "y"})."""
    header = response.headers.get("WWW-Authenticate", "")
    scheme, _, rest = header.partition(" ")
    return scheme, dict(re.findall(r'(\w+)="([^"]*)"', rest))


def fails(failures: list[str], op: Operation) -> None:
    assert not failures, f"{op.id} ({op.method} {op.path}):\n  " + "\n  ".join(failures)


# --- the matrix knows every operation -------------------------------------------------------------------


def test_every_operation_has_a_filler() -> None:
    spec_ids = {op.id for op in OPERATIONS}
    missing, stale = sorted(spec_ids - set(FILLS)), sorted(set(FILLS) - spec_ids)
    assert not missing, (
        f"New operations {missing}: add an entry to FILLS in tests/security_matrix.py — `ids` mapping each "
        "path parameter to the Tenant attribute naming the object (add the object to build_tenant if it is "
        "new), `body` a minimal valid body if it takes one, `query` its required query parameters, and "
        "`actor='admin'` if a partner system may not call it. The security matrix then covers it."
    )
    assert not stale, f"FILLS names operations the spec no longer has: {stale}"
    for op in OPERATIONS:
        fill = FILLS[op.id]
        assert set(fill.ids) == set(op.path_params), f"{op.id}: FILLS ids {set(fill.ids)} != {op.path_params}"
        assert (fill.body is not None) == has_body(op), f"{op.id}: body filler and request body disagree"
        if op.required_query:
            assert fill.query is not None, f"{op.id}: FILLS needs a query giving {sorted(op.required_query)}"
        assert fill.actor in ("partner", "admin", "provider"), op.id
        unknown = set(op.path_params) - TENANT_OWNED - set(NOT_TENANT_OWNED)
        assert not unknown, (
            f"{op.id}: path parameters {unknown} are neither in TENANT_OWNED nor NOT_TENANT_OWNED "
            "(tests/security_matrix.py): say whether another tenant's id must answer 404"
        )


def test_the_matrix_reads_the_spec_the_app_serves(matrix: Matrix) -> None:
    assert spec_of(matrix.app) == SPEC


@pytest.mark.parametrize("op", cases(lambda op: True))
def test_the_filler_reaches_the_operation(matrix: Matrix, op: Operation) -> None:
    """The minimal call succeeds: the other checks' requests differ from a valid one only in what they
    test, and reach the code that looks up and stores their input."""
    response = matrix.call(op, headers=None if op.public else matrix.acting(FILLS[op.id].actor))
    assert 200 <= response.status_code < 300, described(response)


# Path parameters naming one of a patient's records (or an event about one): the audit row names the patient.
PATIENT_RECORDS = TENANT_OWNED - {"endpoint_id"}
# Operations whose body, not their path, names the tenant's patient; and lists of patients' records.
BODY_NAMES_THE_PATIENT = frozenset(
    {"createConsultation", "createScreening", "createFollowUpPlan", "createUser"}
)
LISTS_OF_PATIENT_DATA = frozenset(
    {"listPatients", "listConsultations", "listScreenings", "listFollowUpPlans"}
)


@pytest.mark.parametrize("op", cases(secured))
def test_every_operation_is_audited(matrix: Matrix, op: Operation) -> None:
    """One audit row per request, naming the operation, its caller and outcome; and for a patient's
    records, the patient (api-contract.md §3 Audit; a new operation gets this check by being in the spec)."""
    fill = FILLS[op.id]
    as_partner = fill.actor == "partner" and "admin" not in op.scopes
    as_provider = fill.actor == "provider"
    audit: list[AuditEvent] = []
    headers = matrix.provider_a if as_provider else matrix.partner_a if as_partner else matrix.admin
    response = matrix.call(op, headers=headers, audit=audit)
    assert 200 <= response.status_code < 300, described(response)
    assert len(audit) == 1, [(r.operation, r.outcome) for r in audit]
    row = audit[0]
    client = matrix.world.portal_a if as_partner else matrix.world.admin
    assert (row.operation, row.action, row.outcome, row.status) == (
        op.id,
        action_of(op.method, op.id),
        "success",
        response.status_code,
    )
    if as_provider:
        clinician = matrix.a.clinician
        assert (row.client_id, row.actor_id, row.actor_type) == (
            clinician.app.client_id,
            clinician.user_id,
            "provider",
        )
    else:
        assert (row.client_id, row.actor_id) == (client.client_id, client.client_id)
        assert row.partner_id == (matrix.a.partner if as_partner else None)
    tenant_owned_path = any(p in PATIENT_RECORDS for p in op.path_params)
    if tenant_owned_path or op.id in BODY_NAMES_THE_PATIENT:
        assert row.patient_ids == [matrix.a.patient] and row.patient_id == matrix.a.patient, (
            row.chained_fields()
        )
    elif op.id in LISTS_OF_PATIENT_DATA:
        assert matrix.a.patient in row.patient_ids, row.chained_fields()
    elif op.id == "createPatient":
        assert row.patient_id == response.get_json()["id"] == row.resource_id
    if tenant_owned_path:
        named = FILLS[op.id].ids[op.path_params[-1]]
        assert row.resource_id in (matrix.a.id(named), (response.get_json(silent=True) or {}).get("id"))


# --- 1. no token ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("op", cases(secured))
def test_no_token_is_401(matrix: Matrix, op: Operation) -> None:
    audit: list[AuditEvent] = []
    response = matrix.call(op, audit=audit)
    problem(response, 401, "unauthorized")
    assert response.headers.get("WWW-Authenticate") == 'Bearer realm="telemedical"'
    assert [(r.operation, r.outcome, r.status, r.actor_type) for r in audit] == [
        (op.id, "denied", 401, "anonymous")
    ]


# --- 2. a token lacking the operation's scope --------------------------------------------------------------


@pytest.mark.parametrize("op", cases(lambda op: secured(op) and bool(op.scopes)))
def test_token_without_the_scope_is_403(matrix: Matrix, op: Operation) -> None:
    headers = matrix.without(FILLS[op.id].actor, op.scopes)
    audit: list[AuditEvent] = []
    response = matrix.call(op, headers=headers, audit=audit)
    problem(response, 403, "insufficient_scope")
    expected_actor = {"admin": "admin", "provider": "provider"}.get(FILLS[op.id].actor, "partner_client")
    assert [(r.operation, r.outcome, r.status, r.actor_type) for r in audit] == [
        (op.id, "denied", 403, expected_actor)
    ]
    scheme, params = challenge(response)
    assert scheme == "Bearer", response.headers.get("WWW-Authenticate")
    assert params.get("error") == "insufficient_scope", params
    assert params.get("scope", "").split() == list(op.scopes), params


# --- 3. another tenant's object ---------------------------------------------------------------------------


def nonexistent(real_id: str) -> str:
    prefix, _, _ = real_id.partition("_")
    return f"{prefix}_{'z' * 26}"


@pytest.mark.parametrize("op", cases(tenant_owned))
def test_another_tenants_object_is_404(matrix: Matrix, op: Operation) -> None:
    """Partner A (every scope) names partner B's objects: not found, whatever the method, exactly as for an
    id that exists nowhere — so the answer reveals nothing about B."""
    fill, a, b = FILLS[op.id], matrix.a, matrix.b
    foreign = {name: b.id(attribute) for name, attribute in fill.ids.items()}
    ghost = {name: nonexistent(value) for name, value in foreign.items()}
    # (what, caller, path ids, If-Match, the same call on ids that exist nowhere)
    variants: list[tuple[str, Headers, dict[str, str], str | None, dict[str, str]]] = []
    if op.method == "PATCH":
        target = foreign[op.path_params[-1]]
        variants += [
            ("B's ids, If-Match: B's current ETag", matrix.partner_a, foreign, b.etags[target], ghost),
            ("B's ids, If-Match: a stale ETag", matrix.partner_a, foreign, '"stale"', ghost),
        ]
    else:
        variants.append(("B's ids", matrix.partner_a, foreign, None, ghost))
    if len(op.path_params) > 1:
        # A's own plan with B's task, by a principal that may act on A's plan: the child must be the
        # parent's (a platform admin sees both, so only that binding can answer 404).
        parent, child = op.path_params
        caller = matrix.acting(fill.actor)
        mixed = {parent: a.id(fill.ids[parent]), child: foreign[child]}
        variants.append(("A's parent, B's child", caller, mixed, None, {**mixed, child: ghost[child]}))
    failures = []
    for label, caller, ids, if_match, control in variants:
        audit: list[AuditEvent] = []
        trail: list[dict[str, Any]] = []
        response = matrix.call(
            op,
            headers=caller,
            tenant=b,
            ids=ids,
            if_match=if_match,
            audit=audit,
            trail=trail if caller is matrix.partner_a else None,  # a provider reads no audit trail
        )
        asked = ids[op.path_params[-1]]
        patient = b.patient if op.path_params[-1] in PATIENT_RECORDS else None
        # B's patient is kept apart from the row's patient_id (issue 22, finding 4): A must not learn whose
        # record its 404 hid, from its own audit rows.
        seen = [(r.operation, r.outcome, r.resource_id, r.patient_id, r.target_patient_id) for r in audit]
        if seen != [(op.id, "not_found", asked, None, patient)]:
            failures.append(f"{label}: audit rows {seen}, expected not_found of {asked} (B's patient apart)")
        if caller is matrix.partner_a:
            shown = json.dumps([{k: v for k, v in r.items() if k != "resource_id"} for r in trail])
            of_b = (b.patient, b.partner, *(v for v in ids.values() if v in foreign.values()))
            leaked = [x for x in of_b if x in shown]
            if not trail or leaked:
                failures.append(f"{label}: A's own trail of {asked} shows B's {leaked} ({len(trail)} rows)")
        body = response.get_json(silent=True) or {}
        if (response.status_code, response.mimetype, body.get("code")) != (404, PROBLEM, "not_found"):
            same_for_ghost = described(
                matrix.call(op, headers=caller, tenant=b, ids=control, if_match=if_match)
            )
            failures.append(f"{label}: {described(response)} (ids that exist nowhere: {same_for_ghost})")
    fails(failures, op)


@pytest.mark.parametrize("op", cases(lambda op: tenant_owned(op) and op.method == "PATCH"))
def test_patch_without_if_match_says_nothing_about_another_tenants_object(
    matrix: Matrix, op: Operation
) -> None:
    """Without If-Match, PATCH answers 428 before looking anything up; that must not depend on whether
    the object exists or is another tenant's (no enumeration oracle)."""
    fill = FILLS[op.id]
    foreign = {name: matrix.b.id(attribute) for name, attribute in fill.ids.items()}
    ghost = {name: nonexistent(value) for name, value in foreign.items()}
    answers = []
    for ids in (foreign, ghost):
        path_ids = {**ids}
        body = fill.body(matrix.b) if fill.body else None
        with matrix.isolated():
            response = matrix.client.open(
                op.url(path_ids), method=op.method, json=body, headers=matrix.partner_a
            )
        answers.append(described(response))
    assert answers[0] == answers[1], f"B's object: {answers[0]}; an id that exists nowhere: {answers[1]}"
    assert answers[0].split()[0] in ("404", "428"), answers


# --- 4. server-owned fields in the body -------------------------------------------------------------------


@pytest.mark.parametrize("op", cases(lambda op: has_body(op) and bool(server_owned_fields(op))))
def test_server_owned_fields_are_refused_with_a_pointer(matrix: Matrix, op: Operation) -> None:
    """Each field the response shows but the request schema does not accept (id, created_at, status,
    score, ...), added alone to a minimal valid body: 422 with an error at its pointer."""
    response_properties = op.properties("response")
    make_body = FILLS[op.id].body
    assert make_body is not None, f"{op.id} takes a body: its FILLS entry needs one"
    minimal = make_body(matrix.a)
    failures = []
    for name in server_owned_fields(op):
        body = {**minimal, name: sample(SPEC, response_properties[name])}
        response = matrix.call(op, headers=matrix.admin, body=body)
        pointers = [e.get("pointer") for e in (response.get_json(silent=True) or {}).get("errors", [])]
        if response.status_code != 422 or response.mimetype != PROBLEM or f"/{name}" not in pointers:
            failures.append(f"/{name} = {json.dumps(body[name])}: {described(response)}")
    fails(failures, op)


# --- 5. NUL bytes ------------------------------------------------------------------------------------------


def is_4xx_problem(response: Any) -> bool:
    return 400 <= response.status_code < 500 and response.mimetype == PROBLEM


def with_nul(value: Any) -> str:
    return f"{value}{NUL}" if isinstance(value, str) else f"x{NUL}y"


@pytest.mark.parametrize("op", cases(lambda op: any(is_text(SPEC, s) for s in op.query.values())))
def test_nul_in_a_query_parameter_is_a_4xx(matrix: Matrix, op: Operation) -> None:
    fill = FILLS[op.id]
    valid = fill.query(matrix.a) if fill.query else {}
    a_ids = {
        "patient_id": matrix.a.patient,
        "provider_id": matrix.a.provider,
        "plan_id": matrix.a.plan_active,
    }
    a_ids["consultation_id"] = matrix.a.con_ready
    failures = []
    for name, schema in op.query.items():
        if not is_text(SPEC, schema):
            continue
        query = {**valid, name: with_nul(valid.get(name, a_ids.get(name)))}
        response = matrix.call(op, headers=matrix.admin, query=query)
        if not is_4xx_problem(response):
            failures.append(f"?{name}={query[name]!r}: {described(response)}")
    fails(failures, op)


@pytest.mark.parametrize("op", cases(secured))
def test_an_unknown_query_parameter_is_422_naming_it(matrix: Matrix, op: Operation) -> None:
    """``?emial=`` next to the operation's own valid query: refused before anything runs, never ignored
    (a list filtered by nothing would be handed back). The error names the parameter; where one the
    operation takes is close, it is suggested."""
    fill = FILLS[op.id]
    valid = fill.query(matrix.a) if fill.query else {}
    response = matrix.call(op, headers=matrix.admin, query={**valid, "emial": "ada@example.com"})
    body = problem(response, 422, "unknown_parameter")
    assert [(e["pointer"], e["code"]) for e in body["errors"]] == [("/emial", "unknown_parameter")], body
    if "email" in op.query:
        assert "Did you mean 'email'?" in body["errors"][0]["message"], body


@pytest.mark.parametrize("op", cases(lambda op: bool(op.path_params)))
def test_nul_in_a_path_id_is_a_4xx(matrix: Matrix, op: Operation) -> None:
    fill = FILLS[op.id]
    failures = []
    for name in op.path_params:
        value = matrix.a.id(fill.ids[name]) + "%00"
        response = matrix.call(op, headers=matrix.admin, ids={name: value})
        if not is_4xx_problem(response):
            failures.append(f"{{{name}}} = {value}: {described(response)}")
    fails(failures, op)


@pytest.mark.parametrize("op", cases(lambda op: bool(op.properties("request"))))
def test_nul_in_a_body_string_is_a_4xx(matrix: Matrix, op: Operation) -> None:
    """A NUL in every string of the minimal body, and in every top-level string property it leaves out."""
    make_body = FILLS[op.id].body
    assert make_body is not None, f"{op.id} takes a body: its FILLS entry needs one"
    minimal = make_body(matrix.a)
    changes: dict[str, Any] = dict.fromkeys(string_leaves(minimal), with_nul)
    for name, schema in op.properties("request").items():
        if name not in minimal and is_text(SPEC, schema):
            strings = "string" not in types(resolve(SPEC, schema))  # an array of strings
            changes[f"/{name}"] = (lambda _old: [f"x{NUL}"]) if strings else with_nul
    if not changes:
        pytest.skip("the body has no string field")
    failures = []
    for pointer, change in changes.items():
        body = with_value_at(minimal, pointer, change)
        response = matrix.call(op, headers=matrix.admin, body=body)
        if not is_4xx_problem(response):
            failures.append(f"{pointer}: {described(response)}")
    fails(failures, op)


# --- 6. oversize bodies ----------------------------------------------------------------------------------


def oversize_body() -> bytes:
    data = json.dumps({"padding": "x" * OVERSIZE}).encode()
    assert len(data) > SMALL_LIMIT
    return data


def target(matrix: Matrix, op: Operation) -> tuple[str, Headers]:
    fill = FILLS[op.id]
    ids = {name: matrix.a.id(attribute) for name, attribute in fill.ids.items()}
    headers = {**matrix.admin, "Content-Type": "application/json"}
    if op.method == "PATCH":
        headers["If-Match"] = matrix.a.etags[ids[op.path_params[-1]]]
    return op.url(ids), headers


@pytest.mark.parametrize("op", cases(has_body))
def test_oversize_body_is_413(matrix: Matrix, op: Operation) -> None:
    url, headers = target(matrix, op)
    with matrix.isolated():
        response = matrix.small_client.open(url, method=op.method, data=oversize_body(), headers=headers)
    problem(response, 413, "payload_too_large")


@pytest.mark.parametrize("op", cases(has_body))
def test_oversize_chunked_body_is_413(matrix: Matrix, op: Operation) -> None:
    """``Transfer-Encoding: chunked`` and no Content-Length, as granian hands a chunked request over
    (``wsgi.input_terminated``: the server de-chunks and ends the stream)."""
    url, headers = target(matrix, op)
    environ = EnvironBuilder(
        path=url,
        method=op.method,
        input_stream=io.BytesIO(oversize_body()),
        headers={**headers, "Transfer-Encoding": "chunked"},
    ).get_environ()
    environ.pop("CONTENT_LENGTH", None)
    environ["wsgi.input_terminated"] = True
    with matrix.isolated():
        response = matrix.small_client.open(Request(environ))
    problem(response, 413, "payload_too_large")
