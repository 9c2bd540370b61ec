"""Benchmark: population outcomes over 100,000 plans and 500,000 PHQ-9 scores (issue 29).

    .venv/bin/python bench/outcomes.py --database-url postgresql://postgres@127.0.0.1:5432/postgres

Seeds a fresh database (``telemedical_bench_outcomes``) once: one partner, 100,000 activated plans over
2025-2026 (protocols and routes as the templates pair them, patients of every age band, both sexes, states
weighted by population), each with a baseline PHQ-9 in its window (a fifth through the plan's baseline
check-in) and four follow-ups (500,000 scores), and 50,000 adverse events. Then:

- the cohort table (``GET /v1/outcomes/cohorts``' service call, all three keys, the whole window, and the
  totals only): p50 and max of 10 runs after one warm-up; target <= 1 s;
- the export (``GET /v1/outcomes/export`` through the app, its audit row committed, on its own snapshot
  session): rows per second and the process's resident memory while the 100,000 rows stream — sampled every
  10,000 lines — against its level before the request (flat: the rows are never held).

Figures, not assertions: the suite never times anything.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

# Imports start at the project's root, not at bench/ (whose requests.py would shadow the library).
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from sqlalchemy import insert  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from api.app import create_app  # noqa: E402
from api.auth.principal import Principal  # noqa: E402
from api.auth.scopes import SCOPES  # noqa: E402
from api.config import Settings  # noqa: E402
from api.db import Database, make_engine, normalize_database_url  # noqa: E402
from api.domain.cohorts import GROUP_KEYS  # noqa: E402
from api.domain.reference import US_STATES  # noqa: E402
from api.migrate import upgrade  # noqa: E402
from api.models import (  # noqa: E402
    AdverseEvent,
    CheckInAnswer,
    Consultation,
    FollowUpPlan,
    Partner,
    Patient,
    PlanTask,
    Provider,
    Screening,
)
from api.services import accounts, population  # noqa: E402

PLANS = 100_000
FOLLOW_UPS = 4  # with the baseline: 5 scores a plan, 500,000 in all
BATCH = 10_000
PAIRS = [
    ("iv_induction", "intravenous"),
    ("im_induction", "intramuscular"),
    ("intranasal_esketamine", "intranasal"),
    ("oral_at_home", "oral"),
    ("oral_at_home", "sublingual"),
]
ADMIN = Principal(kind="admin", client_id="bench", subject="bench", scopes=frozenset(SCOPES))
# Patients by state, roughly by population: the big states' share per mille, the rest evenly.
BIG_STATES = {
    "CA": 118,
    "TX": 90,
    "FL": 66,
    "NY": 59,
    "PA": 39,
    "IL": 38,
    "OH": 35,
    "GA": 33,
    "NC": 32,
    "MI": 30,
}
STATES = [*BIG_STATES, *(s for s in sorted(US_STATES) if s not in BIG_STATES)]
WEIGHTS = [
    *BIG_STATES.values(),
    *[(1000 - sum(BIG_STATES.values())) / (len(STATES) - len(BIG_STATES))] * (len(STATES) - len(BIG_STATES)),
]


def throwaway_database(server: str, name: str) -> str:
    """A new empty database ``name`` on the PostgreSQL ``server`` (dropped first if it exists); its URL."""
    admin = make_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return database_url(server, name)


def database_url(server: str, name: str) -> str:
    return make_url(normalize_database_url(server)).set(database=name).render_as_string(hide_password=False)


def _rss_mib() -> float:
    """The process's resident memory now (not its peak), from /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _flush(session: Session, rows: dict[Any, list[dict[str, Any]]]) -> None:
    for model in (Patient, Consultation, FollowUpPlan, PlanTask, Screening, CheckInAnswer, AdverseEvent):
        if rows[model]:
            session.execute(insert(model), rows[model])
            rows[model].clear()
    session.commit()


def seed(session: Session, rng: random.Random) -> str:
    partner = Partner(name="Bench partner")
    provider = Provider(
        npi="1234567893", given_name="Bench", family_name="Clinician", credential="MD",
        max_active_patients=20, timezone="America/Chicago",
    )  # fmt: skip
    session.add_all([partner, provider])
    session.commit()
    rows: dict[Any, list[dict[str, Any]]] = {
        m: [] for m in (Patient, Consultation, FollowUpPlan, PlanTask, Screening, CheckInAnswer, AdverseEvent)
    }
    now = datetime.now(UTC)
    for i in range(PLANS):
        patient, consultation, plan = f"pat_b{i:08d}", f"con_b{i:08d}", f"pln_b{i:08d}"
        start = date(2025, 1, 6) + timedelta(days=rng.randrange(700))
        protocol, route = rng.choice(PAIRS)
        state = rng.choices(STATES, WEIGHTS)[0]
        rows[Patient].append(
            {
                "id": patient, "partner_id": partner.id, "given_name": "Bench", "family_name": f"Patient{i}",
                "birth_date": date(1935, 1, 1) + timedelta(days=rng.randrange(365 * 70)),
                "sex_at_birth": rng.choice(["female", "male"]), "address_state": state,
                "created_at": now, "updated_at": now,
            }
        )  # fmt: skip
        rows[Consultation].append(
            {
                "id": consultation, "partner_id": partner.id, "patient_id": patient, "status": "completed",
                "conditions": ["major_depression"], "patient_location_state": state,
                "provider_id": provider.id,
                "eligibility_outcome": "eligible", "outcome": "treatment_recommended",
                "created_at": now, "updated_at": now,
            }
        )  # fmt: skip
        rows[FollowUpPlan].append(
            {
                "id": plan, "partner_id": partner.id, "patient_id": patient, "consultation_id": consultation,
                "provider_id": provider.id, "status": "completed", "protocol": protocol, "route": route,
                "start_date": start, "end_date": start + timedelta(days=84),
                "check_in_instruments": ["phq9", "cssrs"], "check_in_interval_days": 7,
                "activated_at": datetime.combine(start, clock(9), tzinfo=UTC),
                "held_for_safety": False, "held_for_escalation": False, "created_at": now, "updated_at": now,
            }
        )  # fmt: skip
        baseline = rng.randrange(5, 28)
        by_task = i % 5 == 0
        baseline_id = f"scr_b{i:08d}_0"
        taken = start - timedelta(days=0 if by_task else rng.randrange(31))
        rows[Screening].append(
            _score(
                baseline_id, partner.id, patient, plan if by_task else None, baseline,
                datetime.combine(taken, clock(8), tzinfo=UTC), now,
            )
        )  # fmt: skip
        if by_task:
            task = f"tsk_b{i:08d}"
            rows[PlanTask].append(
                {
                    "id": task, "plan_id": plan, "kind": "check_in", "due_on": start, "sequence": 0,
                    "status": "done", "instructions": [], "instruments": ["phq9", "cssrs"],
                    "purpose": "baseline", "created_at": now, "updated_at": now,
                }
            )  # fmt: skip
            rows[CheckInAnswer].append(
                {"task_id": task, "screening_id": baseline_id, "position": 0, "created_at": now}
            )
        total = baseline
        for week in range(1, FOLLOW_UPS + 1):
            total = max(0, min(27, total + rng.randrange(-7, 3)))
            rows[Screening].append(
                _score(
                    f"scr_b{i:08d}_{week}", partner.id, patient, plan, total,
                    datetime.combine(start + timedelta(weeks=week), clock(10), tzinfo=UTC), now,
                )
            )  # fmt: skip
        if i % 2 == 0:
            rows[AdverseEvent].append(
                {
                    "id": f"ade_b{i:08d}", "plan_id": plan, "partner_id": partner.id, "patient_id": patient,
                    "type": rng.choice(["nausea", "dizziness", "dissociation", "headache"]),
                    "severity": rng.choice(["mild", "moderate"]), "onset_at": now, "reported_by": provider.id,
                    "reported_by_type": "provider", "put_plan_on_hold": False, "created_at": now,
                }
            )  # fmt: skip
        if (i + 1) % BATCH == 0:
            _flush(session, rows)
    _flush(session, rows)
    return partner.id


def _score(
    sid: str, partner: str, patient: str, plan: str | None, total: int, at: datetime, now: datetime
) -> dict[str, Any]:
    return {
        "id": sid, "partner_id": partner, "patient_id": patient, "plan_id": plan, "instrument": "phq9",
        "answers": [], "total": total, "severity": "bench", "flags": [], "loinc": {}, "completed_at": at,
        "created_at": now,
    }  # fmt: skip


def time_cohorts(engine: Any) -> None:
    for label, keys in (("all three keys", GROUP_KEYS), ("totals only", ())):
        query = population.CohortQuery("phq9", tuple(keys), population.Window(None, None))
        timings = []
        for run in range(11):
            with Session(engine) as session:
                began = time.perf_counter()
                table = population.cohort_table(session, ADMIN, query)
                if run:
                    timings.append(time.perf_counter() - began)
        print(
            f"cohorts, {label:15} groups={len(table['groups']):3}  plans={table['totals']['plans']}  "
            f"p50={statistics.median(timings) * 1000:.0f} ms  max={max(timings) * 1000:.0f} ms "
            "(target <= 1000)",
            flush=True,
        )


def time_export(url: str, engine: Any) -> None:
    with TemporaryDirectory() as instance:
        app = create_app(
            Settings(database_url=url, instance_dir=Path(instance), secret_key="bench-" * 6),
            database=Database(engine),
        )
        with Session(engine, expire_on_commit=False) as session:
            creds, secret = accounts.create_client(
                session, accounts.system_principal(), None, name="bench", grant_type="client_credentials",
                scope=" ".join(SCOPES),
            )  # fmt: skip
            session.commit()
        client = app.test_client()
        token = client.post(
            "/oauth/token", data={"grant_type": "client_credentials"}, auth=(creds.id, secret or "")
        ).get_json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        client.get(
            "/v1/outcomes/export?instrument=phq9&started_to=2025-01-20", headers=headers
        ).close()  # warm-up
        before, peak_before = _rss_mib(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        began = time.perf_counter()
        response = client.get("/v1/outcomes/export?instrument=phq9", headers=headers, buffered=False)
        lines, samples, pending = 0, [], b""
        for chunk in response.response:
            pending += chunk
            *complete, pending = pending.split(b"\n")
            lines += len(complete)
            if lines and lines % 10_000 < len(complete):
                samples.append(_rss_mib() - before)
        response.close()
        elapsed = time.perf_counter() - began
        peak_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - peak_before
        print(
            f"export: {lines} rows in {elapsed:.1f} s ({lines / elapsed:,.0f} rows/s)  resident memory vs "
            f"before, every 10,000 rows: {' '.join(f'{s:+.1f}' for s in samples)} MiB  "
            f"peak growth {peak_growth:+.1f} MiB",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a PostgreSQL server URL")
    parser.add_argument("--reuse", action="store_true", help="the database seeded by an earlier run")
    args = parser.parse_args()
    name = "telemedical_bench_outcomes"
    if args.reuse:
        url = database_url(args.database_url, name)
    else:
        url = throwaway_database(args.database_url, name)
        upgrade(url)
    engine = make_engine(url)
    if not args.reuse:
        began = time.perf_counter()
        with Session(engine) as session:
            seed(session, random.Random(29))
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
        print(
            f"seeded {PLANS} plans, {PLANS * (FOLLOW_UPS + 1)} scores in {time.perf_counter() - began:.0f} s"
        )
    time_cohorts(engine)
    time_export(url, engine)
    engine.dispose()


if __name__ == "__main__":
    main()
