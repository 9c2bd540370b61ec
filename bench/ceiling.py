"""The ceilings the HTTP benchmark divides by: a bare Flask app on the same server, workers, pool and driver.

Served exactly as ``telemedical run`` serves the service (granian, the same workers and threads), it does
the least each scenario could: ``/ping`` answers without the database; ``/ceiling/<id>`` reads one patient
row by primary key with raw SQL; ``/ceiling_audited/<id>`` reads it and inserts an audit-sized row in the
same transaction, then commits (what an audited read must at least do). No middleware, no token, no JSON
schema: a ratio of 1.0 to these would mean the service adds nothing to the stack.

    DATABASE_URL=postgresql://… python -m api.serving bench.ceiling:app --port 8001
"""

from __future__ import annotations

import json
import os
import secrets
from datetime import UTC, datetime

from flask import Flask, Response
from sqlalchemy import Connection, text

from api.db import make_engine

engine = make_engine(os.environ["DATABASE_URL"])
app = Flask(__name__)

_READ = text("SELECT id, given_name, family_name, birth_date, partner_id FROM patients WHERE id = :id")
_AUDIT = text(
    "INSERT INTO audit_events (id, created_at, actor_type, actor_id, client_id, partner_id, action,"
    " operation, resource_type, resource_id, resource_ids, patient_id, patient_ids, outcome, status,"
    " request_id, ip)"
    " VALUES (:id, :now, 'partner_client', 'cli_bench', 'cli_bench', 'par_demo', 'read', 'getPatient',"
    " 'patient', :pid, CAST('[]' AS JSONB), :pid, CAST(:pids AS JSONB), 'success', 200, :rid, '127.0.0.1')"
)


def _row(conn: Connection, patient_id: str) -> Response:
    row = conn.execute(_READ, {"id": patient_id}).one()
    body = {"id": row.id, "given_name": row.given_name, "family_name": row.family_name}
    return Response(json.dumps(body), mimetype="application/json")


@app.get("/ping")
def ping() -> Response:
    return Response('{"status":"ok"}', mimetype="application/json")


@app.get("/ceiling/<patient_id>")
def ceiling(patient_id: str) -> Response:
    with engine.connect() as conn:
        return _row(conn, patient_id)


@app.get("/ceiling_audited/<patient_id>")
def ceiling_audited(patient_id: str) -> Response:
    with engine.begin() as conn:
        response = _row(conn, patient_id)
        conn.execute(
            _AUDIT,
            {
                "id": f"aud_{secrets.token_hex(13)}",
                "now": datetime.now(UTC),
                "pid": patient_id,
                "pids": json.dumps([patient_id]),
                "rid": secrets.token_hex(16),
            },
        )
    return response
