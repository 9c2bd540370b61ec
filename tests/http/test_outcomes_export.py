"""GET /v1/outcomes/export through HTTP: de-identified NDJSON, generalised cells, no PHI, audited."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from api import config
from api.app import create_app
from api.config import Settings
from api.db import Database, make_engine
from api.migrate import upgrade
from api.models import AdverseEvent, AuditEvent, Consultation, FollowUpPlan, Patient, Screening
from api.schemas.outcomes import ExportRowSchema
from tests.conftest import throwaway_postgres_database
from tests.helpers import bearer, cc_token
from tests.outcomes_data import START, Arranged, PlanSpec, arrange, many, provider
from tests.world import World, partner_with_portal

URL = "/v1/outcomes/export?instrument=phq9&started_from=2026-03-01&started_to=2026-03-31"

# Born 1980-06-15: 45 on 2026-03-02.
IV_TX = PlanSpec(
    follow_ups=(14, 6), sex="female", state="TX", adverse_events=(("dizziness", "mild"), ("nausea", "mild"))
)

ORAL_MEN = PlanSpec("oral_at_home", "oral", sex="male", follow_ups=(3,))
NASAL_MILD = PlanSpec("intranasal_esketamine", "intranasal", baseline=8, follow_ups=(3,))


def export_plans() -> list[PlanSpec]:
    return [
        # 12 in one cell: published as they are.
        *many(12, IV_TX),
        # 5 in California and 6 in New York: each cell under 11, 11 once their state is dropped.
        *many(5, replace(IV_TX, state="CA", adverse_events=())),
        *many(6, replace(IV_TX, state="NY", adverse_events=())),
        # Oral at home, men: 8 aged 30 in Florida and 4 aged 85 in Texas; 12 once state and age are dropped.
        *many(8, replace(ORAL_MEN, state="FL", birth_date=date(1995, 5, 1))),
        *many(4, replace(ORAL_MEN, state="TX", birth_date=date(1940, 1, 1))),
        # 11 over 89: one band, 90+.
        *many(11, replace(NASAL_MILD, birth_date=date(1930, 1, 1))),
        # 3 that no generalisation brings to 11: left out.
        *many(3, PlanSpec("im_induction", "intramuscular", sex="intersex", state="OR", follow_ups=(3,))),
    ]  # fmt: skip


def lines(response: Any) -> list[dict[str, Any]]:
    return [json.loads(line) for line in response.get_data(as_text=True).splitlines()]


@pytest.fixture
def arranged(db: Session, world: World) -> Arranged:
    provider_id = provider(db)
    arrange(
        db, world.partner_b, provider_id, many(12, IV_TX)
    )  # another tenant's: never in partner A's export
    return arrange(db, world.partner_a, provider_id, export_plans())


def test_the_export_is_ndjson_one_de_identified_row_per_plan(
    client: FlaskClient, world: World, arranged: Arranged
) -> None:
    response = client.get(URL, headers=bearer(cc_token(client, world.portal_a)))

    assert response.status_code == 200
    assert response.mimetype == "application/x-ndjson"
    rows = lines(response)
    assert len(rows) == 12 + 11 + 12 + 11
    assert all(not ExportRowSchema().validate(row) for row in rows)
    cells: dict[tuple[Any, ...], int] = {}
    for row in rows:
        key = (row["protocol"], row["route"], row["age_band"], row["sex_at_birth"], row["state"])
        cells[key] = cells.get(key, 0) + 1
    assert cells == {
        ("iv_induction", "intravenous", "45-54", "female", "TX"): 12,
        ("iv_induction", "intravenous", "45-54", "female", None): 11,
        ("oral_at_home", "oral", None, "male", None): 12,
        ("intranasal_esketamine", "intranasal", "90+", "female", "TX"): 11,
    }
    iv_tx = next(row for row in rows if row["state"] == "TX" and row["route"] == "intravenous")
    assert {k: v for k, v in iv_tx.items() if k != "row_id"} == {
        "age_band": "45-54",
        "sex_at_birth": "female",
        "state": "TX",
        "protocol": "iv_induction",
        "route": "intravenous",
        "start_year": 2026,
        "baseline_total": 20,
        "series": [{"week": 1, "total": 14}, {"week": 2, "total": 6}],
        "response": True,
        "remission": False,
        "adverse_events": {"dizziness": {"mild": 1}, "nausea": {"mild": 1}},
    }
    over_89 = next(row for row in rows if row["age_band"] == "90+")
    assert (over_89["baseline_total"], over_89["response"], over_89["remission"]) == (8, None, True)


def test_row_ids_are_random_in_each_export(client: FlaskClient, world: World, arranged: Arranged) -> None:
    headers = bearer(cc_token(client, world.portal_a))

    first = {row["row_id"] for row in lines(client.get(URL, headers=headers))}
    second = {row["row_id"] for row in lines(client.get(URL, headers=headers))}

    assert len(first) == len(second) == 46
    assert not first & second


def phi_of(db: Session, arranged: Arranged) -> set[str]:
    """Every identifying value behind the exported plans, as text."""
    values: set[str] = set()
    for patient_id in arranged.patient_ids:
        patient = db.get(Patient, patient_id)
        assert patient is not None
        values |= {patient.id, patient.given_name, patient.family_name, patient.birth_date.isoformat()}
        values |= {v for v in (patient.email, patient.phone, patient.external_id, patient.address_line1,
                               patient.address_city, patient.address_postal_code) if v}  # fmt: skip
        for plan in db.scalars(select(FollowUpPlan).where(FollowUpPlan.patient_id == patient_id)):
            values |= {plan.id, plan.consultation_id, plan.provider_id, plan.start_date.isoformat()}
            values |= {plan.end_date.isoformat(), plan.start_date.strftime("%m/%d")}
            assert plan.activated_at is not None
            values.add(plan.activated_at.date().isoformat())
        for screening in db.scalars(select(Screening).where(Screening.patient_id == patient_id)):
            values |= {screening.id, screening.completed_at.date().isoformat()}
        for event in db.scalars(select(AdverseEvent).where(AdverseEvent.patient_id == patient_id)):
            values |= {event.id, event.onset_at.date().isoformat(), str(event.description)}
        for consultation in db.scalars(select(Consultation).where(Consultation.patient_id == patient_id)):
            assert consultation.completed_at is not None
            values |= {consultation.id, consultation.completed_at.date().isoformat()}
    return values


def scalars(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (str(k), *scalars(v))]
    if isinstance(value, list):
        return [s for item in value for s in scalars(item)]
    return [str(value)]


def test_no_exported_value_is_phi(client: FlaskClient, db: Session, world: World, arranged: Arranged) -> None:
    response = client.get(URL, headers=bearer(cc_token(client, world.portal_a)))
    body = response.get_data(as_text=True)
    phi = phi_of(db, arranged)

    assert len(phi) > 500
    # Every byte of the body is scanned, except each row's random row_id: 32 hex digits hold a given
    # five-digit ZIP code or phone fragment by chance in a few percent of runs.
    scanned = body
    for row_id in (row["row_id"] for row in lines(response)):
        assert len(row_id) == 32 and int(row_id, 16) >= 0
        scanned = scanned.replace(f'"row_id":"{row_id}"', "")
    assert '"row_id"' not in scanned
    leaked = {value for value in phi if value in scanned}
    assert not leaked
    exported = {s for row in lines(response) for s in scalars(row)}
    assert not exported & phi
    # No date of any kind, and nothing that looks like a ZIP code or an identifier.
    assert not [s for s in exported if len(s) >= 8 and s[:4].isdigit() and s[4] == "-"]
    assert not [s for s in exported if s.startswith(("pat_", "pln_", "con_", "scr_", "prv_", "ade_"))]


def test_the_audit_row_records_the_row_count(
    client: FlaskClient, db: Session, world: World, arranged: Arranged
) -> None:
    headers = bearer(cc_token(client, world.portal_a))
    response = client.get(URL, headers=headers)
    sent = len(lines(response))

    row = db.scalars(select(AuditEvent).where(AuditEvent.operation == "exportOutcomes")).one()
    assert (row.row_count, row.partner_id, row.outcome, row.patient_ids) == (
        sent,
        world.partner_a,
        "success",
        [],
    )
    # The partner reads it back from its own trail; other requests carry no count.
    trail = client.get("/v1/audit-events?limit=100", headers=headers)
    assert trail.status_code == 200, trail.get_json()
    counts = {event["operation"]: event["row_count"] for event in trail.get_json()["data"]}
    assert counts["exportOutcomes"] == sent > 0
    assert {operation: n for operation, n in counts.items() if operation != "exportOutcomes"} == {
        operation: None for operation in counts if operation != "exportOutcomes"
    }


def test_an_admin_exports_every_partner(
    client: FlaskClient, world: World, admin: dict[str, str], arranged: Arranged
) -> None:
    rows = lines(client.get(URL, headers=admin))

    # Partner B's 12 join partner A's 12 in Texas.
    assert len(rows) == 46 + 12
    assert sum(1 for r in rows if r["state"] == "TX" and r["route"] == "intravenous") == 24


def test_an_empty_window_exports_nothing(client: FlaskClient, world: World, arranged: Arranged) -> None:
    later = START + timedelta(days=365)
    response = client.get(
        f"/v1/outcomes/export?instrument=phq9&started_from={later.isoformat()}",
        headers=bearer(cc_token(client, world.portal_a)),
    )

    assert response.status_code == 200 and response.get_data() == b""


# --- outside the test transaction: a second connection, its own snapshot, the audit row committed first -----


@pytest.fixture
def committed_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, Engine]]:
    """An app whose requests commit for real (no shared test connection): the export reads its own
    snapshot session (REPEATABLE READ on PostgreSQL, a deferred read transaction on SQLite)."""
    server = config.test_database_url()
    context = (
        throwaway_postgres_database(server, "telemedical_export")
        if server
        else nullcontext(f"sqlite:///{tmp_path_factory.mktemp('export') / 'export.sqlite3'}")
    )
    with context as url:
        if not server:
            upgrade(url)
        settings = Settings(
            database_url=url, instance_dir=tmp_path_factory.mktemp("instance"), testing=True, secret_key="x"
        )
        database = Database(make_engine(url))
        yield create_app(settings, database=database), database.engine
        database.dispose()


def test_a_committed_export_streams_what_its_audit_row_counted(committed_app: tuple[Flask, Engine]) -> None:
    app, engine = committed_app
    with Session(engine, expire_on_commit=False) as db:
        partner, portal = partner_with_portal(db, "Export partner")
        arrange(db, partner, provider(db), [*many(12, IV_TX), *many(3, replace(IV_TX, state="OR"))])
    client = app.test_client()

    response = client.get(URL, headers=bearer(cc_token(client, portal)))
    rows = lines(response)
    response.close()

    assert response.status_code == 200
    assert len(rows) == 12  # Oregon's 3 are under 11 without state and age band too: left out
    with Session(engine) as db:
        audited = db.scalars(select(AuditEvent).where(AuditEvent.operation == "exportOutcomes")).one()
    assert (audited.row_count, audited.partner_id) == (12, partner)
    # The snapshot's connection went back when the stream ended; the only one still out is the audit writer's,
    # which it keeps between batches (api/group_commit.py) and gives back when it stops.
    commits = app.extensions.get("audit_group_commit")
    assert engine.pool.checkedout() == (1 if commits is not None and commits.batches else 0)
    if commits is not None:
        commits.close()
    assert engine.pool.checkedout() == 0
