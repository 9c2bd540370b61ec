"""Benchmark: one provider-matching call against directories of 10,000 and 100,000 providers.

    .venv/bin/python bench/matching.py                       # SQLite files under /tmp
    .venv/bin/python bench/matching.py --database-url postgresql://postgres@127.0.0.1:5432/postgres

Seeds each directory once (a fresh database per size) and computes every provider's free-slot summary,
slot hours and matching facts as ``telemedical worker`` would, then times ``find_matches`` (SQL filters
and counts, the score-bound order, the exact slots and scores of the providers that can still reach the
top 10, and loading those for the response) and prints p50/p95/p99.

The directory is national: licences spread over every state, weighted by population, 1-3 per provider, so
the patient's state (New York here) holds about 6 % of the licences; DEA registrations for most licences
(some without schedule III, some expired), random routes and sites, 85 % accepting, weekday availability
in the provider's time zone. Figures, not assertions: the suite never times anything.
"""

from __future__ import annotations

import argparse
import random
import secrets
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from api.auth.principal import Principal
from api.db import make_engine, normalize_database_url
from api.domain.matching import DEFAULT_WEIGHTS
from api.migrate import upgrade
from api.models import (
    Consultation,
    DeaRegistration,
    Partner,
    Patient,
    PracticeSite,
    Provider,
    ProviderLanguage,
    ProviderLicense,
    ProviderRoute,
    ProviderSpecialty,
)
from api.services.matching import find_matches
from api.worker import refresh_all_free_slot_summaries

# Approximate share of the US population (per mille) for the largest states; the rest share what is left.
BIG_STATES = {
    "CA": 118, "TX": 90, "FL": 66, "NY": 59, "PA": 39, "IL": 38, "OH": 35, "GA": 33, "NC": 32, "MI": 30,
}  # fmt: skip
OTHER_STATES = [
    "AL", "AK", "AZ", "AR", "CO", "CT", "DE", "HI", "ID", "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA",
    "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "ND", "OK", "OR", "RI", "SC", "SD", "TN", "UT",
    "VT", "VA", "WA", "WV", "WI", "WY", "DC",
]  # fmt: skip
TIMEZONES = ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"]
ROUTES = ["oral", "sublingual", "intranasal", "intramuscular", "intravenous"]
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday"]
SIZES = (10_000, 100_000)
ADMIN = Principal(kind="admin", client_id="bench", subject="bench", scopes=frozenset({"admin"}))


def _states_with_weights() -> tuple[list[str], list[float]]:
    rest = (1000 - sum(BIG_STATES.values())) / len(OTHER_STATES)
    return [*BIG_STATES, *OTHER_STATES], [*BIG_STATES.values(), *([rest] * len(OTHER_STATES))]


def seed(session: Session, count: int, rng: random.Random) -> None:
    states, weights = _states_with_weights()
    today = date.today()
    tables = (Provider, ProviderLicense, DeaRegistration, PracticeSite, ProviderRoute, ProviderLanguage)
    rows: dict[Any, list[dict[str, Any]]] = {table: [] for table in (*tables, ProviderSpecialty)}
    created = datetime.now(UTC)
    for index in range(count):
        pid = f"prv_bench{index:07d}"
        start_hour = rng.choice([7, 8, 9, 10, 12])
        days = rng.sample(WEEKDAYS, rng.randint(3, 5))
        maximum = rng.randint(15, 50)
        rows[Provider].append(
            {
                "id": pid,
                "npi": f"{index:010d}",
                "given_name": "Bench",
                "family_name": f"Provider {index}",
                "credential": rng.choices(["MD", "DO", "NP", "PA"], [5, 1, 3, 1])[0],
                "accepting_new_patients": rng.random() < 0.85,
                "max_active_patients": maximum,
                "active_patients": rng.randint(0, maximum),
                "timezone": rng.choice(TIMEZONES),
                "availability": {
                    "weekly": [
                        {"weekday": d, "start": f"{start_hour:02d}:00", "end": f"{start_hour + 8}:00"}
                        for d in days
                    ],
                    "exceptions": [],
                },
                "created_at": created,
                "updated_at": created,
            }
        )
        held = set(rng.choices(states, weights, k=rng.randint(1, 3)))
        for state in sorted(held):  # not the set's order, which varies with the hash seed
            expired = rng.random() < 0.05
            rows[ProviderLicense].append(
                {
                    "provider_id": pid,
                    "state": state,
                    "number": f"{state}-{index}",
                    "status": "active" if rng.random() < 0.95 else "suspended",
                    "expires_on": today + timedelta(days=-30 if expired else rng.randint(60, 900)),
                }
            )
            if rng.random() < 0.85:
                schedules = ["II", "III", "IV", "V"] if rng.random() < 0.9 else ["II", "IV"]
                rows[DeaRegistration].append(
                    {
                        "provider_id": pid,
                        "state": state,
                        "number": f"F{chr(65 + index % 26)}{index % 10_000_000:07d}",
                        "schedules": schedules,
                        "covers_schedule_iii": "III" in schedules,
                        "expires_on": today + timedelta(days=rng.choice((-10, *range(60, 900, 7)))),
                    }
                )
            if rng.random() < 0.4:
                rows[PracticeSite].append(
                    {
                        "id": f"sit_{secrets.token_hex(10)}",
                        "provider_id": pid,
                        "name": f"Clinic {index}",
                        "state": state,
                        "rems_certified": rng.random() < 0.5,
                        "created_at": created,
                    }
                )
        for route in rng.sample(ROUTES, rng.randint(1, 5)):
            rows[ProviderRoute].append({"provider_id": pid, "route": route})
        for language in {"en", *rng.choices(["es", "zh", "vi", "fr", "ar"], k=rng.randint(0, 1))}:
            rows[ProviderLanguage].append({"provider_id": pid, "language": language})
        if rng.random() < 0.45:
            rows[ProviderSpecialty].append({"provider_id": pid, "specialty": "psychiatry"})
    for table, table_rows in rows.items():
        for offset in range(0, len(table_rows), 5000):
            session.execute(insert(table), table_rows[offset : offset + 5000])
    session.commit()


def consultation(session: Session) -> str:
    session.add(Partner(id="par_bench", name="Bench"))
    session.flush()
    session.add(
        Patient(
            id="pat_bench",
            partner_id="par_bench",
            given_name="B",
            family_name="P",
            birth_date=date(1980, 1, 1),
            sex_at_birth="female",
        )
    )
    session.flush()
    soon = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=3)
    row = Consultation(
        id="con_bench",
        partner_id="par_bench",
        patient_id="pat_bench",
        status="ready",
        conditions=["major_depression"],
        patient_location_state="NY",
        preferred_language="es",
        preferred_routes=["oral", "intranasal"],
        preferred_times=[
            {"start": soon.isoformat(), "end": (soon + timedelta(hours=4)).isoformat()},
            {
                "start": (week := soon + timedelta(days=7)).isoformat(),
                "end": (week + timedelta(hours=4)).isoformat(),
            },
        ],
        eligibility_outcome="eligible",
    )
    session.add(row)
    session.commit()
    return row.id


def database_for(size: int, server: str | None) -> str:
    if server is None:
        path = f"/tmp/telemedical_bench_matching_{size}.sqlite3"
        import pathlib

        for suffix in ("", "-wal", "-shm"):
            pathlib.Path(path + suffix).unlink(missing_ok=True)
        return f"sqlite:///{path}"
    return throwaway_database(server, f"telemedical_bench_{size}")


def throwaway_database(server: str, name: str) -> str:
    """A new empty database ``name`` on the PostgreSQL ``server`` (dropped first if it exists); its URL."""
    admin = make_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return make_url(normalize_database_url(server)).set(database=name).render_as_string(hide_password=False)


def run(size: int, server: str | None, iterations: int) -> dict[str, float]:
    url = database_for(size, server)
    upgrade(url)
    engine = make_engine(url)
    started = time.perf_counter()
    with Session(engine) as session:
        seed(session, size, random.Random(size))
        consultation_id = consultation(session)
    summarised = time.perf_counter()
    with Session(engine) as session:
        refresh_all_free_slot_summaries(session)  # as ``telemedical worker`` does for rows inserted directly
    summarised = time.perf_counter() - summarised
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    else:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    seeded = time.perf_counter() - started
    timings: list[float] = []
    with Session(engine) as session:
        for iteration in range(iterations + 5):
            begin = time.perf_counter()
            view = find_matches(session, ADMIN, consultation_id, limit=10, weights=DEFAULT_WEIGHTS)
            elapsed = (time.perf_counter() - begin) * 1000
            session.rollback()
            if iteration >= 5:  # warm-up
                timings.append(elapsed)
    engine.dispose()
    quantiles = statistics.quantiles(timings, n=100)
    result = {"p50": quantiles[49], "p95": quantiles[94], "p99": quantiles[98]}
    print(
        f"{engine.dialect.name:10} {size:>7} providers  seeded in {seeded:5.1f} s "
        f"(free-slot summaries {summarised:4.1f} s)  "
        f"matches={len(view.data)} excluded={view.excluded}  "
        f"p50={result['p50']:.1f} ms  p95={result['p95']:.1f} ms  p99={result['p99']:.1f} ms",
        flush=True,
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a PostgreSQL server URL; SQLite files under /tmp when absent")
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    args = parser.parse_args()
    results = {size: run(size, args.database_url, args.iterations) for size in args.sizes}
    if len(results) == 2:
        small, large = (results[size] for size in sorted(results))
        print(f"p95 ratio {max(results)} / {min(results)}: {large['p95'] / small['p95']:.2f}x (target <= 3x)")


if __name__ == "__main__":
    main()
