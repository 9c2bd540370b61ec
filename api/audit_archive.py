"""A month of the audit trail as files outside the database: written by ``telemedical audit archive``, checked
offline by ``telemedical audit verify-archive`` (docs/audit.md, "Partitions and archives").

Three files per month in the archive directory:

- ``audit-events-YYYY-MM.ndjson.gz``: gzip of one JSON line per seal from the first to the last seal that
  chains a row of the month, in seal order: ``{"seal": {seq, audit_id, row_digest, chain_digest, key_id,
  sealed_at}, "row": {...} | null}``. ``row`` is the month's row as its digest covers it (every column,
  ``occurred_at`` for ``created_at``, its own MAC); null for a row of another month sealed among them (kept
  in the database, or in its own month's archive). With the seal before the first (``previous_mac`` in the
  manifest) the lines are a piece of the chain: every link is checked with the audit key, no database.
- ``audit-events-YYYY-MM.ndjson.gz.sha256``: its SHA-256, in ``sha256sum`` format (``sha256sum -c`` reads it).
- ``audit-events-YYYY-MM.manifest.json``: the month, its row count, the seal range and the runs of seals
  whose rows are the month's, the MACs before and at the end of the range, the file's SHA-256.

The archive holds every column of the rows, IP addresses included: it is PHI, stored and moved as such.

``archive_months`` is the command's operation: for each month, in a transaction of its own (the boundary,
as ``unit_of_work`` is for any command), the services' export, this module's files and check, the record
beside the anchors, then the services' detach.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from sqlalchemy.orm import Session

from api.audit_custody import AuditChain
from api.db import unit_of_work
from api.domain.audit import Anchor, ArchivedMonth, Keyring, SealedRow, first_broken_link, runs_of
from api.services import audit_partitions as partitions

FORMAT: Final = 1
# zlib's own default level: gzip's 9 took 1.7x its time on 50,000 archive lines for 0.3 % smaller files
# (their digests and MACs do not compress).
GZIP_LEVEL: Final = 6


def data_name(month: str) -> str:
    return f"audit-events-{month}.ndjson.gz"


def manifest_name(month: str) -> str:
    return f"audit-events-{month}.manifest.json"


def _write_atomically(target: Path, data: bytes) -> None:
    partial = target.with_name(target.name + ".partial")
    with partial.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    partial.replace(target)


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class Written:
    manifest: dict[str, Any]
    path: Path  # the manifest's


def write_month(
    out: Path,
    *,
    month: str,
    partition: str,
    previous_mac: str | None,
    previous_key_id: str | None,
    records: Iterable[Mapping[str, Any]],
) -> Written:
    """Write ``records`` (``audit_partitions.archive_records``) as the month's archive in ``out``; each file
    is written whole, flushed to disk, then renamed into place (a crash leaves a ``.partial`` file, never a
    short archive under the real name). gzip's header carries no time: the same rows give the same bytes."""
    out.mkdir(parents=True, exist_ok=True)
    target = out / data_name(month)
    partial = target.with_name(target.name + ".partial")
    rows, seqs, first, last, last_mac, last_key = 0, [], None, None, None, None
    keys: set[str] = set()
    with partial.open("wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=GZIP_LEVEL) as packed:
            for record in records:
                seal = record["seal"]
                first = seal["seq"] if first is None else first
                last, last_mac, last_key = seal["seq"], seal["chain_digest"], seal["key_id"]
                if record["row"] is not None:
                    rows += 1
                    seqs.append(seal["seq"])
                    if seal["key_id"]:
                        keys.add(seal["key_id"])
                line = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
                packed.write(line.encode() + b"\n")
        raw.flush()
        os.fsync(raw.fileno())
    partial.replace(target)
    sha256 = _sha256_of(target)
    _write_atomically(out / (target.name + ".sha256"), f"{sha256}  {target.name}\n".encode())
    runs = runs_of(seqs)
    manifest = {
        "format": FORMAT,
        "month": month,
        "partition": partition,
        "rows": rows,
        "first_seal": first,
        "last_seal": last,
        "runs": [list(run) for run in runs],
        "previous_mac": previous_mac,
        "previous_key_id": previous_key_id,
        "last_mac": last_mac,
        "last_key_id": last_key,
        "key_ids": sorted(keys),
        "file": target.name,
        "sha256": sha256,
        "exported_at": datetime.now(UTC).isoformat(),
    }
    path = out / manifest_name(month)
    _write_atomically(path, (json.dumps(manifest, indent=2) + "\n").encode())
    return Written(manifest, path)


def archived_month(written: Written, mac_at: Mapping[int, str]) -> ArchivedMonth:
    """The record of ``written`` kept beside the anchors (``mac_at``: the chain digest at its runs' ends)."""
    manifest = written.manifest
    runs = tuple((a, b) for a, b in manifest["runs"])
    return ArchivedMonth(
        month=manifest["month"],
        runs=runs,
        rows=manifest["rows"],
        last_mac=mac_at.get(runs[-1][1]) if runs else None,
        sha256=manifest["sha256"],
        file=manifest["file"],
        archived_at=datetime.now(UTC).isoformat(),
    )


@dataclass
class ArchiveReport:
    month: str | None
    rows: int = 0
    first_seal: int | None = None
    last_seal: int | None = None
    problem: str | None = None
    seal_macs: dict[int, str] = field(default_factory=dict, repr=False)  # run ends -> chain digest

    @property
    def ok(self) -> bool:
        return self.problem is None

    def summary(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "rows": self.rows,
            "first_seal": self.first_seal,
            "last_seal": self.last_seal,
            "ok": self.ok,
            **({"problem": self.problem} if self.problem else {}),
        }


class _ArchiveProblem(Exception):
    pass


def verify_archive(
    manifest_path: Path,
    keyring: Keyring,
    *,
    anchors: Mapping[int, Anchor] | None = None,
    archived: Iterable[ArchivedMonth] = (),
) -> ArchiveReport:
    """Check a month's archive without the database: the file's SHA-256 against the manifest and the
    ``.sha256`` file; every row against its seal's digest and its own MAC; every seal's link to the one
    before, from the manifest's ``previous_mac``, under the audit keys; the anchors outside the database that
    fall in its range; the count and runs of the month's rows; and, if the month's record is among
    ``archived`` (``audit-archived.jsonl``), the checksum and the last MAC it recorded."""
    report = ArchiveReport(month=None)
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        report.month = str(manifest["month"])
        data = manifest_path.parent / str(manifest["file"])
        sha256 = _sha256_of(data)
        if sha256 != manifest["sha256"]:
            raise _ArchiveProblem(
                f"{data.name}'s SHA-256 is {sha256}, the manifest says {manifest['sha256']}"
            )
        listed = (data.parent / (data.name + ".sha256")).read_text(encoding="utf-8").split()
        if listed[:1] != [sha256]:
            raise _ArchiveProblem(f"{data.name}.sha256 does not hold the file's SHA-256")
        _check_chain(data, manifest, keyring, anchors or {}, report)
        record = next((a for a in archived if a.month == report.month), None)
        if record is not None:
            runs = tuple((a, b) for a, b in manifest["runs"])
            if (record.sha256, record.runs, record.rows) != (sha256, runs, report.rows):
                raise _ArchiveProblem("the archive differs from the record of its month beside the anchors")
            if record.last_seq is not None and report.seal_macs.get(record.last_seq) != record.last_mac:
                raise _ArchiveProblem("the archive's seals differ from the ones recorded beside the anchors")
    except _ArchiveProblem as exc:
        report.problem = str(exc)
    except (OSError, ValueError, KeyError, TypeError, EOFError, gzip.BadGzipFile) as exc:
        report.problem = f"the archive cannot be read: {exc}"
    return report


def _check_chain(
    data: Path,
    manifest: Mapping[str, Any],
    keyring: Keyring,
    anchors: Mapping[int, Anchor],
    report: ArchiveReport,
) -> None:
    first, last = manifest["first_seal"], manifest["last_seal"]
    start = datetime.fromisoformat(f"{manifest['month']}-01T00:00:00+00:00")
    end = datetime(start.year + start.month // 12, start.month % 12 + 1, 1, tzinfo=UTC)
    seqs: list[int] = []
    seen: list[int] = []
    macs: dict[int, str] = {}

    def rows() -> Iterator[SealedRow]:
        with gzip.open(data, "rt", encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                record = json.loads(line)
                seal, row = record["seal"], record["row"]
                if row is not None:
                    if row.get("id") != seal["audit_id"]:
                        raise _ArchiveProblem(
                            f"line {number}: the row is not the one seal {seal['seq']} names"
                        )
                    if not start <= datetime.fromisoformat(row["occurred_at"]) < end:
                        raise _ArchiveProblem(f"line {number}: row {row['id']} is not of {manifest['month']}")
                    seqs.append(seal["seq"])
                seen.append(seal["seq"])
                macs[seal["seq"]] = seal["chain_digest"]
                yield SealedRow(
                    seal["seq"],
                    seal["audit_id"],
                    seal["row_digest"],
                    seal["chain_digest"],
                    row,
                    seal["key_id"],
                    archived=row is None,
                )

    in_range = {seq: a for seq, a in anchors.items() if first is not None and first <= seq <= last}
    broken = first_broken_link(
        rows(),
        keyring,
        in_range,
        previous=manifest["previous_mac"],
        expected_seq=first or 1,
        keyed=manifest["previous_key_id"] is not None,
    )
    if broken is not None:
        raise _ArchiveProblem(f"seal {broken.seq} ({broken.audit_id}): {broken.reason}")
    report.rows, report.first_seal, report.last_seal = len(seqs), first, last
    report.seal_macs = {b: macs[b] for _, b in runs_of(seqs)}
    if (seen[:1], seen[-1:]) != ([first] if first else [], [last] if last else []):
        raise _ArchiveProblem(f"the file holds seals {seen[:1]}..{seen[-1:]}, the manifest {first}..{last}")
    if len(seqs) != manifest["rows"] or [list(r) for r in runs_of(seqs)] != manifest["runs"]:
        raise _ArchiveProblem(
            f"the file holds {len(seqs)} rows of the month, the manifest {manifest['rows']}"
        )
    if seen and macs[seen[-1]] != manifest["last_mac"]:
        raise _ArchiveProblem("the last seal's MAC differs from the manifest's")


def archive_months(
    session: Session, chain: AuditChain, before: partitions.Month, out: Path
) -> Iterator[dict[str, Any]]:
    """Archive each month before ``before`` (``telemedical audit archive``; docs/audit.md): its summary as
    each is done. ``partitions.ArchiveRefused`` stops it: the month refused is left whole, and those done
    before it stay done."""
    with unit_of_work(session):
        months = partitions.archive_plan(session, before)
    for month in months:
        # One transaction per month: its partition is locked against writes from the count to the drop.
        with unit_of_work(session):
            seals = partitions.month_seals(session, month)
            written = write_month(
                out,
                month=str(month),
                partition=month.partition,
                previous_mac=seals.previous_mac,
                previous_key_id=seals.previous_key_id,
                records=partitions.archive_records(session, seals, chain.keyring, chain.anchors.archived()),
            )
            if written.manifest["rows"] != seals.rows:
                raise partitions.ArchiveRefused(
                    f"{month}: {seals.rows} rows in the database, {written.manifest['rows']} written"
                )
            report = verify_archive(written.path, chain.keyring, anchors=chain.anchors.read())
            if not report.ok:
                raise partitions.ArchiveRefused(
                    f"{month}: the archive written does not verify: {report.problem}"
                )
            chain.anchors.record_archive(archived_month(written, report.seal_macs))
            partitions.drop_month(session, month)
        yield {
            **report.summary(),
            "file": str(out / written.manifest["file"]),
            "sha256": written.manifest["sha256"],
        }
