"""Benchmark: the audit trail at scale (issue 28, item 4) — how sealing, the verify from a checkpoint and a
patient's listing grow from 1 to 10 million rows, on PostgreSQL.

    .venv/bin/python bench/audit_scale.py --server postgresql://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/audit_scale.py --sizes 100000,1000000    # quicker

For each size, in a fresh database migrated to head: the trail's history is seeded in SQL (rows spread over a
year, each sealed, as after years of service; one patient per 500 rows, so a patient's history is the same
size whatever the trail's), a checkpoint is taken at its last seal as a verify would leave it, then "a day"
of new rows is written through ``record`` (the request path's function, each with its MAC) and:

- ``seal``: the worker's sealing of that day (``seal_all_pending``: from the queue, migration 0022);
- ``old_search``: one search for rows to seal as the sealer made it before the queue (rows without a seal,
  oldest first), for comparison;
- ``verify``: ``audit verify`` from the checkpoint (the day's seals, their rows, the anchors since);
- ``listing``: one patient's page of ``GET /v1/audit-events?patient_id=`` (admin), median of 50 patients,
  and what its plan reads (index scans, sequential scans, partitions pruned or never executed).

Each size runs in both layouts (``--layouts``): ``partitioned``, at head (migration 0024: monthly partitions,
made for the seeded year as the worker would have made them), and ``unpartitioned``, at migration 0023 (one
table, as before). In the unpartitioned layout the conversion itself is then timed: ``upgrade`` to 0024 on
that trail (what docs/deployment.md tells an operator to expect).

``--archive-rows N`` (default 100,000; 0 to skip) then times ``telemedical audit archive`` on a month of N
rows written seven years ago through the request path's functions and sealed (a valid chain, unlike the
seeded history): the export, the check of the file, the detach; and ``verify-archive`` of that file offline.

Figures, not assertions: the suite never times anything. The seeded history is not a valid chain (its
digests are filler): only the verify from the checkpoint, which never reads it, is meaningful on it.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from api.audit_archive import archive_months, data_name, manifest_name, verify_archive
from api.audit_custody import AnchorDir, AuditChain
from api.auth.principal import Principal
from api.db import make_engine, normalize_database_url
from api.domain.audit import Action, AuditKey, Checkpoint, Keyring, Outcome
from api.migrate import upgrade
from api.models import AuditEvent, AuditSeal
from api.services import audit as trail
from api.services.audit_partitions import Month, ensure_partitions
from api.services.paging import PageRequest
from api.worker import seal_all_pending

ADMIN = Principal(kind="admin", client_id="bench", subject="bench", scopes=frozenset({"admin", "audit:read"}))
ROWS_PER_PATIENT = 500
KEY = AuditKey.of(b"bench-audit-key-" + b"k" * 48)


def fresh_database(server: str, size: int | str) -> str:
    name = f"bench_audit_{size}"
    engine = make_engine(normalize_database_url(server), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return make_url(normalize_database_url(server)).set(database=name).render_as_string(hide_password=False)


def make_history_partitions(engine: Engine) -> None:
    """The partitions of the seeded year's months, as the worker would have made each ahead of its month
    (a no-op on the unpartitioned layout)."""
    month = Month.of(datetime.now(UTC) - timedelta(days=368))
    with Session(engine) as session:
        while month <= Month.of(datetime.now(UTC)):
            ensure_partitions(session, month.start, ahead=0)
            month = month.next()
        session.commit()


def seed_history(engine: Engine, size: int) -> float:
    """``size`` sealed rows over the year before the last two days, in SQL, behind the triggers (as a restore
    would load them)."""
    patients = max(1, size // ROWS_PER_PATIENT)
    make_history_partitions(engine)
    started = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        connection.execute(
            text(
                """
                INSERT INTO audit_events (id, created_at, actor_type, actor_id, client_id, partner_id, action,
                    operation, resource_type, resource_id, resource_ids, patient_id, patient_ids, outcome,
                    status, request_id, ip, key_id, row_mac)
                SELECT 'aud_h' || lpad(g::text, 12, '0'),
                       now() - interval '367 days' + g * (interval '365 days' / :size),
                       'partner_client', 'cli_bench', 'cli_bench', 'par_bench', 'read', 'getPatient',
                       'patient',
                       'pat_' || (g % :patients), '[]'::jsonb, 'pat_' || (g % :patients),
                       jsonb_build_array('pat_' || (g % :patients)), 'success', 200,
                       md5(g::text), '10.0.0.1', 'histkey', md5(g::text) || md5(g::text)
                FROM generate_series(1, :size) AS g
                """
            ),
            {"size": size, "patients": patients},
        )
        connection.execute(
            text(
                """
                INSERT INTO audit_seals (seq, audit_id, row_digest, chain_digest, key_id, sealed_at)
                SELECT g, 'aud_h' || lpad(g::text, 12, '0'), md5(g::text) || md5(g::text),
                       md5((g + 1)::text) || md5(g::text), 'histkey', now() - interval '1 day'
                FROM generate_series(1, :size) AS g
                """
            ),
            {"size": size},
        )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE audit_events"))
        connection.execute(text("VACUUM ANALYZE audit_seals"))
    return time.perf_counter() - started


def write_day(session: Session, keyring: Keyring, rows: int, patients: int) -> None:
    """A day's rows through the request path's ``record``, committed in batches as requests would be."""
    for n in range(rows):
        patient = f"pat_{n % patients}"
        trail.record(
            session,
            trail.Access(
                actor_type="partner_client",
                action=Action.READ,
                outcome=Outcome.SUCCESS,
                actor_id="cli_bench",
                client_id="cli_bench",
                partner_id="par_bench",
                operation="getPatient",
                resource_id=patient,
                patient_ids=[patient],
                status=200,
                request_id=f"req-{n}",
                ip="10.0.0.2",
            ),
            keyring,
        )
        if n % 500 == 499:
            session.commit()
    session.commit()


def timed(action: object) -> float:
    started = time.perf_counter()
    action()  # type: ignore[operator]  # a callable of no arguments
    return (time.perf_counter() - started) * 1000


def old_search_ms(session: Session) -> float:
    """The sealer's search before the queue: rows without a seal, oldest first (what each pass ran)."""
    sealed = select(AuditSeal.audit_id).where(AuditSeal.audit_id == AuditEvent.id).exists()
    stmt = select(AuditEvent.id).where(~sealed).order_by(AuditEvent.created_at, AuditEvent.id).limit(2000)
    session.execute(stmt).all()  # warm
    return timed(lambda: session.execute(stmt).all())


def listing_plan(session: Session, patient: str) -> str:
    """What a patient's page reads, from its EXPLAIN ANALYZE: index and sequential scans, partitions."""
    captured: list[tuple[str, Any]] = []

    def capture(_c: Any, _k: Any, statement: str, parameters: Any, _x: Any, _m: bool) -> None:
        if "FROM audit_events" in statement and "patient_id" in statement:
            captured.append((statement, parameters))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", capture)
    try:
        trail.list_audit_events(session, ADMIN, {"patient_id": patient}, PageRequest(limit=50))
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    statement, parameters = captured[-1]
    lines = session.connection().exec_driver_sql("EXPLAIN ANALYZE " + statement, parameters).scalars().all()
    session.rollback()
    executed = [line for line in lines if "never executed" not in line]
    index = sum("Index Scan" in line or "Index Only Scan" in line for line in executed)
    seq = sum("Seq Scan" in line for line in executed)
    skipped = sum("never executed" in line for line in lines if "Scan" in line)
    return f"{index} index scans, {seq} sequential scans run; {skipped} scans never executed"


def run_size(server: str, size: int, day: int, layout: str = "partitioned") -> dict[str, Any]:
    url = fresh_database(server, size)
    upgrade(url, "head" if layout == "partitioned" else "0023")
    engine = make_engine(url)
    seeded = seed_history(engine, size)
    patients = max(1, size // ROWS_PER_PATIENT)
    keyring = Keyring(KEY)
    with tempfile.TemporaryDirectory() as anchors, Session(engine) as session:
        chain = AuditChain(keyring, AnchorDir(Path(anchors)))
        last = session.execute(
            select(AuditSeal.seq, AuditSeal.audit_id, AuditSeal.chain_digest).order_by(AuditSeal.seq.desc())
        ).first()
        assert last is not None
        now = datetime.now(UTC)
        chain.anchors.record_checkpoint(Checkpoint(last[0], last[1], last[2], "histkey", now.isoformat()))
        write_day(session, keyring, day, patients)
        old_ms = old_search_ms(session)
        session.commit()
        seal_ms = timed(lambda: seal_all_pending(session, chain))
        report: list[trail.ChainReport] = []
        verify_ms = timed(lambda: report.append(trail.verify_chain(session, chain, full=False)))
        (result,) = report
        if result.broken is not None or result.sealed != day:
            raise SystemExit(f"the verify from the checkpoint failed at {size:,}: {result}")
        listings = []
        for n in range(50):
            filters = {"patient_id": f"pat_{(n * 7919) % patients}"}
            session.rollback()
            listings.append(
                timed(lambda f=filters: trail.list_audit_events(session, ADMIN, f, PageRequest(limit=50)))  # type: ignore[misc]
            )
        plan = listing_plan(session, "pat_0")
    engine.dispose()
    conversion_s = None
    if layout == "unpartitioned":
        started = time.perf_counter()
        upgrade(url, "0024")
        conversion_s = time.perf_counter() - started
    return {
        "seed_s": seeded,
        "seal_ms": seal_ms,
        "old_search_ms": old_ms,
        "verify_ms": verify_ms,
        "listing_ms": statistics.median(listings),
        "plan": plan,
        "conversion_s": conversion_s,
    }


def run_archive(server: str, rows: int) -> dict[str, float]:
    """A month of ``rows`` sealed rows, seven years old, archived: the time of each step, the file's size."""
    url = fresh_database(server, "archive")
    upgrade(url)
    engine = make_engine(url)
    keyring = Keyring(KEY)
    when = datetime(datetime.now(UTC).year - 7, 3, 1, tzinfo=UTC)
    month = Month.of(when)
    with tempfile.TemporaryDirectory() as work, Session(engine) as session:
        chain = AuditChain(keyring, AnchorDir(Path(work) / "anchors"))
        ensure_partitions(session, when, ahead=0)
        session.commit()
        written = 0
        real_utcnow = trail.utcnow
        try:
            while written < rows:
                batch = min(1000, rows - written)
                made = []
                for n in range(written, written + batch):
                    stamp = when + timedelta(seconds=n * 2_419_200 / rows)  # spread over 28 days
                    trail.utcnow = lambda stamp=stamp: stamp  # type: ignore[misc]
                    made.append(
                        trail.make_row(
                            trail.Access(
                                actor_type="partner_client",
                                action=Action.READ,
                                outcome=Outcome.SUCCESS,
                                actor_id="cli_bench",
                                operation="getPatient",
                                resource_id=f"pat_{n % 2000}",
                                patient_ids=[f"pat_{n % 2000}"],
                                status=200,
                                ip="10.0.0.3",
                            ),
                            keyring,
                        )
                    )
                trail.insert_rows(session.connection(), made)
                session.commit()
                written += batch
        finally:
            trail.utcnow = real_utcnow  # type: ignore[misc]
        seal_all_pending(session, chain)
        out = Path(work) / "archive"
        started = time.perf_counter()
        (summary,) = archive_months(session, chain, month.next(), out)
        archive_s = time.perf_counter() - started
        if not summary["ok"] or summary["rows"] != rows:
            raise SystemExit(f"the archive failed: {summary}")
        started = time.perf_counter()
        report = verify_archive(out / manifest_name(str(month)), keyring, anchors=chain.anchors.read())
        verify_s = time.perf_counter() - started
        if not report.ok:
            raise SystemExit(f"the archive does not verify offline: {report.problem}")
        size = (out / data_name(str(month))).stat().st_size
    engine.dispose()
    return {"archive_s": archive_s, "verify_s": verify_s, "bytes": size}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--sizes", default="1000000,10000000", help="trail sizes, comma-separated")
    parser.add_argument("--day", type=int, default=20_000, help="new rows written since the checkpoint")
    parser.add_argument(
        "--layouts", default="partitioned", help="partitioned (head), unpartitioned (0023, then converted)"
    )
    parser.add_argument(
        "--archive-rows", type=int, default=100_000, help="rows of the month archived (0: none)"
    )
    args = parser.parse_args()
    if args.archive_rows:
        a = run_archive(args.server, args.archive_rows)
        print(
            f"audit_scale archive of a month of {args.archive_rows:,} rows: exported, checked and detached "
            f"in {a['archive_s']:.1f} s ({args.archive_rows / a['archive_s']:,.0f} rows/s), "
            f"{a['bytes'] / args.archive_rows:.0f} bytes a row gzipped; verify-archive offline "
            f"{a['verify_s']:.1f} s ({args.archive_rows / a['verify_s']:,.0f} rows/s)",
            flush=True,
        )
    sizes = [int(s) for s in args.sizes.split(",") if s]
    for layout in args.layouts.split(","):
        results = {}
        for size in sizes:
            results[size] = run_size(args.server, size, args.day, layout)
            r = results[size]
            converted = (
                f"; converted to monthly partitions (upgrade to 0024) in {r['conversion_s']:.0f} s"
                if r["conversion_s"] is not None
                else ""
            )
            print(
                f"audit_scale {layout} {size:>11,} rows: seeded in {r['seed_s']:.0f} s; sealing {args.day:,} "
                f"new rows {r['seal_ms']:.0f} ms; verify from the checkpoint {r['verify_ms']:.0f} ms; a "
                f"patient's listing {r['listing_ms']:.1f} ms (median of 50; plan: {r['plan']}); the "
                f"sealer's old search {r['old_search_ms']:.0f} ms{converted}",
                flush=True,
            )
        if len(sizes) > 1:
            low, high = results[sizes[0]], results[sizes[-1]]
            print(
                f"audit_scale {layout} growth {sizes[0]:,} -> {sizes[-1]:,} rows (target <= 1.2x): "
                f"verify {high['verify_ms'] / low['verify_ms']:.2f}x, listing "
                f"{high['listing_ms'] / low['listing_ms']:.2f}x, "
                f"sealing {high['seal_ms'] / low['seal_ms']:.2f}x; "
                f"the old search {high['old_search_ms'] / low['old_search_ms']:.2f}x"
            )


if __name__ == "__main__":
    main()
