"""What the audit chain keeps outside the database: its keys and its anchors (docs/audit.md).

- **The key** (``AUDIT_KEY_FILE``) MACs every audit row at insert and every seal. Earlier keys
  (``AUDIT_PREVIOUS_KEYS_FILE``, one per line) verify what they sealed and never seal again. Without
  ``AUDIT_KEY_FILE`` a development key is used; a real deployment refuses to start without one
  (api/config.production_problems).
- **The anchors** (``AUDIT_ANCHOR_DIR``, by default ``instance/audit-anchors`` in development): after each
  sealing the chain's head is appended as one JSON line to the day's file,
  ``audit-anchors-YYYY-MM-DD.jsonl`` (UTC). A line is written with one ``write`` on a descriptor opened
  ``O_APPEND`` and flushed to disk before the sealer goes on, so concurrent sealers never interleave and a
  line is whole or, after a crash mid-write, an unterminated tail that readers ignore. Nothing here ever
  rewrites or deletes a file: the directory can be append-only (``chattr +a``) or a mounted write-once
  bucket.
- **The checkpoints** (``audit-verified.jsonl`` in the same directory, appended the same way): the head of
  the chain each time ``telemedical audit verify`` found it whole. The next verify walks only the seals
  after the last checkpoint, linked to its MAC, and the anchors of the days since; ``--full`` walks all.
  A checkpoint lives outside the database for the anchors' reason: whoever can rewrite the database cannot
  move it.
- **The archived months** (``audit-archived.jsonl``, appended the same way): one line per month that
  ``telemedical audit archive`` exported and took out of the database (``ArchivedMonth``). ``audit verify``
  reads it to tell a row that was archived from one that is gone; kept outside the database so that whoever
  can delete rows cannot declare them archived.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from api.config import DEV_AUDIT_KEY, ConfigurationError, Settings
from api.domain.audit import MIN_KEY_LENGTH, Anchor, ArchivedMonth, AuditKey, Checkpoint, Keyring

log = logging.getLogger("api.audit")
_PATTERN = "audit-anchors-*.jsonl"
_CHECKPOINTS = "audit-verified.jsonl"
_ARCHIVED = "audit-archived.jsonl"


class AnchorError(Exception):
    """The anchors cannot be read as anchors (a damaged line, two that disagree)."""


class AnchorDir:
    """The append-only anchor files of one deployment's chain."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, anchor: Anchor) -> None:
        self._append(self.path / f"audit-anchors-{anchor.anchored_at[:10]}.jsonl", anchor.line())

    def record_checkpoint(self, checkpoint: Checkpoint) -> None:
        self._append(self.path / _CHECKPOINTS, checkpoint.line())

    def last_checkpoint(self) -> Checkpoint | None:
        """The latest checkpoint (None: no verify has found the chain whole yet); a damaged line raises
        ``AnchorError``."""
        target = self.path / _CHECKPOINTS
        if not target.is_file():
            return None
        lines = [line for line in target.read_text(encoding="utf-8").split("\n")[:-1] if line.strip()]
        if not lines:
            return None
        try:
            return Checkpoint.parse(lines[-1])
        except (ValueError, KeyError, TypeError) as exc:
            raise AnchorError(f"{_CHECKPOINTS} line {len(lines)} is not a checkpoint ({exc})") from None

    def record_archive(self, archived: ArchivedMonth) -> None:
        self._append(self.path / _ARCHIVED, archived.line())

    def archived(self) -> list[ArchivedMonth]:
        """The months archived, oldest first; a month archived twice (a run that stopped after recording it,
        then ran again) is listed once, by its last record. A damaged line raises ``AnchorError``."""
        target = self.path / _ARCHIVED
        if not target.is_file():
            return []
        months: dict[str, ArchivedMonth] = {}
        lines = target.read_text(encoding="utf-8").split("\n")[:-1]  # the last is "" or a torn tail
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                archived = ArchivedMonth.parse(line)
            except (ValueError, KeyError, TypeError) as exc:
                raise AnchorError(f"{_ARCHIVED} line {number} is not an archived month ({exc})") from None
            months[archived.month] = archived
        return sorted(months.values(), key=lambda a: a.month)

    def _append(self, target: Path, line: str) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        new = not target.exists()
        data = (line + "\n").encode()
        fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            written = os.write(fd, data)  # one write of one short line: atomic under O_APPEND
            if written != len(data):
                raise OSError(f"short write to {target}: {written} of {len(data)} bytes")
            os.fsync(fd)
        finally:
            os.close(fd)
        if new:  # the file's name must survive a crash too
            directory = os.open(self.path, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)

    def _lines(self, since: date | None) -> Iterator[tuple[Path, int, str]]:
        for path in sorted(self.path.glob(_PATTERN)):
            if since is not None and path.name < f"audit-anchors-{since.isoformat()}.jsonl":
                continue  # a day before the walk starts: its anchors name seals already verified
            text = path.read_text(encoding="utf-8")
            lines = text.split("\n")
            for number, line in enumerate(lines[:-1], start=1):  # the last is "" or a torn write's tail
                if line.strip():
                    yield path, number, line

    def read(self, since: date | None = None) -> dict[int, Anchor]:
        """Every anchor (from the day ``since`` on), by seal number. A line that is not an anchor, or two
        anchors of one seal that disagree, raise ``AnchorError`` naming the file and line."""
        anchors: dict[int, Anchor] = {}
        if not self.path.is_dir():
            return anchors
        for path, number, line in self._lines(since):
            try:
                anchor = Anchor.parse(line)
            except (ValueError, KeyError, TypeError) as exc:
                raise AnchorError(f"{path.name} line {number} is not an anchor ({exc})") from None
            known = anchors.setdefault(anchor.seq, anchor)
            if (known.mac, known.key_id, known.audit_id) != (anchor.mac, anchor.key_id, anchor.audit_id):
                raise AnchorError(f"{path.name} line {number}: two anchors of seal {anchor.seq} disagree")
        return anchors


@dataclass(frozen=True)
class AuditChain:
    """What sealing and verifying need from outside the database."""

    keyring: Keyring
    anchors: AnchorDir


def _key(text: str, variable: str, where: str) -> AuditKey:
    secret = text.strip().encode()
    if len(secret) < MIN_KEY_LENGTH:
        raise ConfigurationError(
            f"{variable}: the key in {where} is shorter than {MIN_KEY_LENGTH} characters "
            "(make one with: openssl rand -hex 32)"
        )
    return AuditKey.of(secret)


def _read(path: str, variable: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"{variable}: cannot read {path} ({exc.strerror})") from None


def load_keyring(settings: Settings) -> Keyring:
    """The current audit key and the previous ones; a missing, unreadable or short key stops start-up."""
    if settings.audit_key_file:
        current = _key(
            _read(settings.audit_key_file, "AUDIT_KEY_FILE"), "AUDIT_KEY_FILE", settings.audit_key_file
        )
    else:
        current = AuditKey.of(DEV_AUDIT_KEY.encode())
    previous: list[AuditKey] = []
    if settings.audit_previous_keys_file:
        path = settings.audit_previous_keys_file
        for number, line in enumerate(_read(path, "AUDIT_PREVIOUS_KEYS_FILE").splitlines(), start=1):
            if line.strip() and not line.lstrip().startswith("#"):
                key = _key(line, "AUDIT_PREVIOUS_KEYS_FILE", f"{path} line {number}")
                if key.id != current.id:
                    previous.append(key)
    return Keyring(current, tuple(previous))


def audit_chain(settings: Settings) -> AuditChain:
    return AuditChain(load_keyring(settings), AnchorDir(settings.audit_anchor_path))
