"""The append-only, hash-chained audit log.

Each entry's hash covers its content and the previous entry's hash, so changing, inserting or
deleting an old entry breaks the chain from there on; `verify` names the first broken entry. Deleting the
newest entries, or recomputing every hash after an edit, leaves a chain that holds: signed checkpoints
(`monitor.audit_checkpoints`) catch those.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam, text
from sqlmodel import Session, col, select

from monitor.db import hold_sqlite_write_lock
from monitor.models import AuditLog, utcnow

__all__ = [
    "GENESIS",
    "BrokenEntry",
    "ChainWalk",
    "TrailEntry",
    "entries",
    "entry_hash",
    "record",
    "trail",
    "verify",
    "walk",
]

GENESIS = "0" * 64
_PG_LOCK_KEY = 0x6E657472  # "netr": serialises writers so the chain never forks


@dataclass(frozen=True)
class BrokenEntry:
    id: int
    reason: str


def _plain(details: dict[str, object] | None) -> dict[str, object]:
    """JSON-safe details, exactly as they will read back from the database."""
    return json.loads(json.dumps(details or {}, default=str))


def entry_hash(
    prev_hash: str, at: datetime, actor: str, action: str, object_type: str, object_id: str, details: dict[str, object]
) -> str:
    body = json.dumps(
        {
            "prev": prev_hash,
            "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor": actor,
            "action": action,
            "type": object_type,
            "id": object_id,
            "details": details,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


def _lock_appends(session: Session) -> None:
    """Hold the log's write lock until the caller's transaction ends, so that no other writer reads the
    same head between our read and our commit (two entries with one parent fork the chain)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.exec(text("SELECT pg_advisory_xact_lock(:k)").bindparams(k=_PG_LOCK_KEY))  # type: ignore[call-overload]
    else:
        hold_sqlite_write_lock(session)


def record(
    session: Session,
    actor: str,
    action: str,
    object_type: str,
    object_id: str | int,
    details: dict[str, object] | None = None,
) -> AuditLog:
    """Append one entry in the caller's transaction (it commits with the change it describes)."""
    _lock_appends(session)
    last = session.exec(select(AuditLog.hash).order_by(col(AuditLog.id).desc()).limit(1)).first()
    prev = last or GENESIS
    at = utcnow()
    plain = _plain(details)
    entry = AuditLog(
        at=at,
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        details=plain,
        prev_hash=prev,
        hash=entry_hash(prev, at, actor, action, object_type, str(object_id), plain),
    )
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class ChainWalk:
    """What a walk of the chain found."""

    verified: int  # entries that hold, counted from the first (all of them when the chain is intact)
    broken: BrokenEntry | None
    heads: dict[int, tuple[int, str]]  # for each position asked for and reached: (entry id, hash); 0: empty log


def walk(session: Session, positions: Collection[int] = (), batch: int = 5000) -> ChainWalk:
    """Walk the chain in id order up to the first entry whose links or hash do not hold.

    `positions` (1-based, in id order; ids may have gaps) are where checkpoints say which entry ends the log:
    the id and hash found there are returned, so that the caller can compare without a second walk.
    """
    wanted = set(positions)
    heads = {0: (0, GENESIS)} if 0 in wanted else {}
    prev, last_id, count = GENESIS, 0, 0
    while True:
        rows = session.exec(
            select(AuditLog).where(col(AuditLog.id) > last_id).order_by(col(AuditLog.id)).limit(batch)
        ).all()
        if not rows:
            return ChainWalk(count, None, heads)
        for row in rows:
            assert row.id is not None
            if row.prev_hash != prev:
                broken = BrokenEntry(row.id, "prev_hash does not match the hash of the entry before it")
                return ChainWalk(count, broken, heads)
            expected = entry_hash(
                row.prev_hash, row.at, row.actor, row.action, row.object_type, row.object_id, row.details
            )
            if row.hash != expected:
                return ChainWalk(
                    count, BrokenEntry(row.id, "content does not match its hash (entry was changed)"), heads
                )
            prev, last_id, count = row.hash, row.id, count + 1
            if count in wanted:
                heads[count] = (row.id, row.hash)
        session.expunge_all()


def verify(session: Session, batch: int = 5000) -> BrokenEntry | None:
    """Walk the chain in order; the first entry whose links or hash do not hold, or None."""
    return walk(session, batch=batch).broken


def entries(
    session: Session,
    *,
    object_type: str | None = None,
    object_ids: list[str] | None = None,
    before_id: int | None = None,
    limit: int = 100,
) -> list[AuditLog]:
    """Newest first; optionally only for some objects; keyset-paginated by id."""
    stmt = select(AuditLog)
    if object_type is not None:
        stmt = stmt.where(AuditLog.object_type == object_type)
    if object_ids is not None:
        stmt = stmt.where(col(AuditLog.object_id).in_(object_ids))
    if before_id is not None:
        stmt = stmt.where(col(AuditLog.id) < before_id)
    return list(session.exec(stmt.order_by(col(AuditLog.id).desc()).limit(limit)))


class TrailEntry(NamedTuple):
    id: int
    at: datetime
    actor: str
    action: str
    hash: str


# One object's trail, as the case page lists it: built once, plain columns (no details, no entities).
_TRAIL: Any = (
    select(AuditLog.id, AuditLog.at, AuditLog.actor, AuditLog.action, AuditLog.hash)
    .where(AuditLog.object_type == bindparam("object_type"), AuditLog.object_id == bindparam("object_id"))
    .order_by(col(AuditLog.id).desc())
    .limit(bindparam("limit"))
)


def trail(session: Session, object_type: str, object_id: str, limit: int = 200) -> list[TrailEntry]:
    """One object's entries, newest first (the summary columns of `entries`)."""
    params = {"object_type": object_type, "object_id": object_id, "limit": limit}
    return [TrailEntry(*r) for r in session.connection().execute(_TRAIL, params).all()]
