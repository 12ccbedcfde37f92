"""Signed checkpoints of the audit log: what the hash chain alone cannot show.

The chain proves that nothing before its newest entry was changed, inserted or removed. It cannot show that
the newest entries were deleted, nor that someone able to write the database recomputed every hash after an
edit. A checkpoint records how many entries the log held and the newest one's id and hash, signed with
HMAC-SHA256 under a key kept outside the database (`NETRA_AUDIT__KEY_FILE`). Checkpoints are appended to a
JSON Lines file (`NETRA_AUDIT__CHECKPOINT_FILE`) and carried in every weekly digest, so copies leave the
server. `monitor.audit_check` compares them with the chain.

Written by `netra audit checkpoint`, by the daemon (hourly: `NETRA_SCHEDULER__AUDIT_CHECKPOINT_CRON`) and by
every digest run.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from monitor.audit import GENESIS
from monitor.config import Settings
from monitor.models import AuditLog, utcnow

__all__ = [
    "Checkpoint",
    "CheckpointError",
    "current_head",
    "fingerprint",
    "latest",
    "read_checkpoints",
    "read_key",
    "sign",
    "write_checkpoint",
]

log = logging.getLogger(__name__)
VERSION = 1
KEY_MIN_BYTES = 32


class CheckpointError(Exception):
    """A checkpoint or the key cannot be read or written; the message says what to do."""


@dataclass(frozen=True)
class Checkpoint:
    at: datetime  # when the log was read (UTC)
    count: int  # entries the log held
    head_id: int  # the newest entry's id (0 for an empty log)
    head: str  # the newest entry's hash (GENESIS for an empty log)
    key: str  # fingerprint of the signing key: tells "signed with another key" from "edited"
    mac: str  # HMAC-SHA256 of everything above

    def body(self) -> bytes:
        return _body(self.at, self.count, self.head_id, self.head, self.key)

    def line(self) -> str:
        fields = json.loads(self.body())
        return json.dumps(fields | {"mac": self.mac}, sort_keys=True, separators=(",", ":"))

    def signed_by(self, key: bytes) -> bool:
        return hmac.compare_digest(self.mac, hmac.new(key, self.body(), hashlib.sha256).hexdigest())

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """One line as written by `line()`; CheckpointError names what is wrong with it."""
        try:
            fields = json.loads(text)
            if not isinstance(fields, dict) or fields.get("v") != VERSION:
                raise ValueError(f"not a version {VERSION} checkpoint")
            checkpoint = cls(
                at=datetime.fromisoformat(fields["at"]),
                count=int(fields["count"]),
                head_id=int(fields["head_id"]),
                head=str(fields["head"]),
                key=str(fields["key"]),
                mac=str(fields["mac"]),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise CheckpointError(f"not a checkpoint ({type(exc).__name__}: {exc})") from exc
        if checkpoint.at.tzinfo is None or checkpoint.count < 0:
            raise CheckpointError("not a checkpoint (time without timezone, or a negative count)")
        return checkpoint


def _body(at: datetime, count: int, head_id: int, head: str, key: str) -> bytes:
    fields = {"v": VERSION, "at": at.isoformat(), "count": count, "head_id": head_id, "head": head, "key": key}
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def fingerprint(key: bytes) -> str:
    """A short public name for a key (a hash of it; the key cannot be recovered from it)."""
    return hashlib.sha256(b"netra-audit-key\0" + key).hexdigest()[:16]


def sign(key: bytes, at: datetime, count: int, head_id: int, head: str) -> Checkpoint:
    fp = fingerprint(key)
    mac = hmac.new(key, _body(at, count, head_id, head, fp), hashlib.sha256).hexdigest()
    return Checkpoint(at, count, head_id, head, fp, mac)


def read_key(path: Path) -> bytes:
    try:
        key = path.read_bytes().strip()  # `openssl rand -hex 32 > file` leaves a newline
    except FileNotFoundError as exc:
        raise CheckpointError(f"the audit key {path} does not exist") from exc
    except OSError as exc:
        raise CheckpointError(f"cannot read the audit key {path}: {exc}") from exc
    if len(key) < KEY_MIN_BYTES:
        raise CheckpointError(f"the audit key {path} is shorter than {KEY_MIN_BYTES} bytes")
    return key


def _key_for_writing(settings: Settings) -> bytes:
    """The key; created (readable by this user only) when neither it nor any checkpoint exists yet."""
    path = settings.audit_key_file
    if path.exists():
        return read_key(path)
    if read_checkpoints(settings.audit_checkpoint_file):
        # A new key would leave every earlier checkpoint unverifiable: never replace a lost key silently.
        raise CheckpointError(
            f"the audit key {path} is missing but {settings.audit_checkpoint_file} holds checkpoints signed "
            "with it: restore the key from its backup"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole under a temporary name, then linked into place: a process that finds the key finds all of
    # it, and of two processes creating it at once exactly one wins.
    draft = path.with_name(f".{path.name}.{secrets.token_hex(8)}.draft")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_hex(KEY_MIN_BYTES) + "\n")
        out.flush()
        os.fsync(out.fileno())
    try:
        os.link(draft, path)
        log.warning("created the audit key %s: keep a copy away from the database (docs/operations.md)", path)
    except FileExistsError:
        pass  # another process created it a moment ago: use theirs
    finally:
        draft.unlink()
    return read_key(path)


def read_checkpoints(path: Path) -> list[tuple[int, Checkpoint | CheckpointError]]:
    """Every non-blank line of the file with its number, parsed or with what is wrong; [] if no file."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return []
    found: list[tuple[int, Checkpoint | CheckpointError]] = []
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            found.append((number, Checkpoint.parse(text)))
        except CheckpointError as exc:
            found.append((number, exc))
    return found


def latest(path: Path) -> Checkpoint | None:
    """The file's last readable checkpoint, if any."""
    readable = [c for _, c in read_checkpoints(path) if isinstance(c, Checkpoint)]
    return readable[-1] if readable else None


def current_head(session: Session) -> tuple[int, int, str]:
    """(entries, newest id, newest hash), read by one statement so that the three agree."""
    count = select(func.count()).select_from(AuditLog).scalar_subquery()
    row = session.exec(select(count, AuditLog.id, AuditLog.hash).order_by(col(AuditLog.id).desc()).limit(1)).first()
    if row is None:
        return 0, 0, GENESIS
    entries, head_id, head = row
    return int(entries), int(head_id or 0), head


def _append(path: Path, line: str) -> None:
    """One write of one whole line with O_APPEND (concurrent writers never interleave), flushed to disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        torn = os.fstat(fd).st_size > 0 and os.pread(fd, 1, os.fstat(fd).st_size - 1) != b"\n"
        os.write(fd, (("\n" if torn else "") + line + "\n").encode())  # a torn last line stays a line of its own
        os.fsync(fd)
    finally:
        os.close(fd)


def write_checkpoint(engine: Engine, settings: Settings) -> Checkpoint:
    """Sign the log's present head and append it to the checkpoint file."""
    key = _key_for_writing(settings)
    with Session(engine) as session:
        at = utcnow()
        count, head_id, head = current_head(session)
    checkpoint = sign(key, at, count, head_id, head)
    _append(settings.audit_checkpoint_file, checkpoint.line())
    log.info("audit checkpoint written", extra={"entries": count, "head_id": head_id})
    return checkpoint
