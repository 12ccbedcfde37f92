"""Reading cases: who may see what (agency scope), the queue with filters and keyset pagination, and
counts per status. One case in full: `monitor.case_detail`; actions: `monitor.case_actions`.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from threading import Lock
from typing import Any, Literal

from sqlalchemy import and_, event, func, or_
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, select

from monitor.models import (
    Account,
    Agency,
    Asn,
    Case,
    CaseStatus,
    Post,
    Role,
    User,
    utcnow,
)

__all__ = [
    "ACTIVE_STATUSES",
    "CaseFilters",
    "CaseNotFound",
    "CountCache",
    "QueuePage",
    "QueueRow",
    "Viewer",
    "count_by_status",
    "filter_options",
    "queue",
    "scoped_case",
]

ACTIVE_STATUSES = (CaseStatus.open, CaseStatus.awaiting_second, CaseStatus.clarification)
SortKey = Literal["score", "deadline", "date"]


class CaseNotFound(LookupError):
    """No such case, or not one this viewer may see (the two are indistinguishable on purpose)."""


@dataclass(frozen=True)
class Viewer:
    """Who is asking. Supervisors (and auditors with an agency) see only their own agency."""

    user_id: int
    email: str
    name: str
    role: Role
    agency_id: int | None

    @classmethod
    def of(cls, user: User) -> Viewer:
        assert user.id is not None
        return cls(user.id, user.email, user.name, Role(user.role), user.agency_id)

    @property
    def scope(self) -> int | None:
        """The only agency this viewer may see, or None for all agencies."""
        if self.role == Role.admin:
            return None
        if self.role == Role.supervisor:
            return self.agency_id if self.agency_id is not None else -1  # no agency: sees nothing
        return self.agency_id

    @property
    def can_act(self) -> bool:
        return self.role in (Role.admin, Role.supervisor)


@dataclass
class CaseFilters:
    agency_id: int | None = None
    unit: str | None = None
    election_id: str | None = None
    candidate_number: int | None = None
    label: str | None = None
    platform: str | None = None
    score_min: float | None = None
    score_max: float | None = None
    statuses: list[CaseStatus] = field(default_factory=lambda: list(ACTIVE_STATUSES))
    date_from: datetime | None = None
    date_to: datetime | None = None
    overdue: bool = False
    q: str | None = None  # NIP or part of the ASN's name
    sort: SortKey = "score"


@dataclass(frozen=True)
class QueueRow:
    id: int
    status: str
    label: str
    score: float
    detected_at: datetime
    deadline: datetime
    asn_name: str
    nip: str
    unit: str
    agency_code: str
    platform: str
    excerpt: str
    candidate_number: int | None
    election_id: str | None

    @property
    def overdue(self) -> bool:
        return self.status in ACTIVE_STATUSES and self.deadline < utcnow()


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    next_cursor: str | None


def _scope(stmt: Any, viewer: Viewer) -> Any:
    return stmt if viewer.scope is None else stmt.where(Case.agency_id == viewer.scope)


def _apply_filters(stmt: Any, f: CaseFilters, now: datetime) -> Any:
    conditions: list[Any] = []
    if f.agency_id is not None:
        conditions.append(Case.agency_id == f.agency_id)
    if f.unit:
        conditions.append(Asn.unit == f.unit)
    if f.election_id:
        conditions.append(Case.election_id == f.election_id)
    if f.candidate_number is not None:
        conditions.append(Case.candidate_number == f.candidate_number)
    if f.label:
        conditions.append(Case.label == f.label)
    if f.platform:
        conditions.append(Post.platform == f.platform)
    if f.score_min is not None:
        conditions.append(Case.score >= f.score_min)
    if f.score_max is not None:
        conditions.append(Case.score <= f.score_max)
    if f.statuses:
        conditions.append(col(Case.status).in_([s.value for s in f.statuses]))
    if f.date_from is not None:
        conditions.append(col(Case.detected_at) >= f.date_from)
    if f.date_to is not None:
        conditions.append(col(Case.detected_at) < f.date_to)
    if f.overdue:
        conditions.append(col(Case.deadline) < now)
        conditions.append(col(Case.status).in_([s.value for s in ACTIVE_STATUSES]))
    if f.q and f.q.strip():
        term = f.q.strip()
        conditions.append(or_(Asn.nip == term, func.lower(Asn.name).contains(term.lower())))
    return stmt.where(and_(*conditions)) if conditions else stmt


_SORTS: dict[str, tuple[Any, bool]] = {  # column, descending
    "score": (Case.score, True),
    "deadline": (Case.deadline, False),
    "date": (Case.detected_at, True),
}


def _encode_cursor(value: Any, case_id: int) -> str:
    plain = value.isoformat() if isinstance(value, datetime) else value
    return base64.urlsafe_b64encode(json.dumps([plain, case_id]).encode()).decode()


def _decode_cursor(cursor: str, sort: str) -> tuple[Any, int]:
    try:
        value, case_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        value = datetime.fromisoformat(value).astimezone(UTC) if sort in ("deadline", "date") else float(value)
        return value, int(case_id)
    except (ValueError, TypeError, json.JSONDecodeError) as exc:
        raise ValueError("invalid page cursor") from exc


def queue(
    session: Session, viewer: Viewer, filters: CaseFilters, *, cursor: str | None = None, limit: int = 50
) -> QueuePage:
    """One page of the queue, in the chosen order, strictly after `cursor` (keyset pagination)."""
    column, desc = _SORTS[filters.sort]
    excerpt = func.substr(Post.text, 1, 240)
    stmt = (
        select(
            Case.id,
            Case.status,
            Case.label,
            Case.score,
            Case.detected_at,
            Case.deadline,
            Asn.name,
            Asn.nip,
            Asn.unit,
            Agency.code,
            Post.platform,
            excerpt,
            Case.candidate_number,
            Case.election_id,
        )
        .join(Asn, col(Asn.id) == Case.asn_id)
        .join(Agency, col(Agency.id) == Case.agency_id)
        .join(Post, col(Post.id) == Case.post_id)
    )
    stmt = _apply_filters(_scope(stmt, viewer), filters, utcnow())
    if cursor:
        value, last_id = _decode_cursor(cursor, filters.sort)
        if desc:
            stmt = stmt.where(or_(column < value, and_(column == value, col(Case.id) < last_id)))
        else:
            stmt = stmt.where(or_(column > value, and_(column == value, col(Case.id) > last_id)))
    order = (column.desc(), col(Case.id).desc()) if desc else (column.asc(), col(Case.id).asc())
    rows = [QueueRow(*r) for r in session.exec(stmt.order_by(*order).limit(limit + 1)).all()]
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        sort_value = {"score": last.score, "deadline": last.deadline, "date": last.detected_at}[filters.sort]
        next_cursor = _encode_cursor(sort_value, last.id)
    return QueuePage(rows, next_cursor)


def count_by_status(session: Session, viewer: Viewer, filters: CaseFilters | None = None) -> dict[str, int]:
    """Cases per status within scope (and the filters other than status), every status present."""
    stmt = select(Case.status, func.count()).select_from(Case)
    if filters is not None:
        f = CaseFilters(**{**filters.__dict__, "statuses": []})
        if f.unit or f.q:
            stmt = stmt.join(Asn, col(Asn.id) == Case.asn_id)
        if f.platform:
            stmt = stmt.join(Post, col(Post.id) == Case.post_id)
        stmt = _apply_filters(stmt, f, utcnow())
    counts = dict(session.exec(_scope(stmt, viewer).group_by(Case.status)).all())
    return {s.value: int(counts.get(s.value, 0)) for s in CaseStatus}


# Every commit in this process that inserted, changed or deleted a case bumps this generation, which
# empties every `CountCache` of the process (other processes' changes show once the entry's TTL is over).
_generation = 0
_generation_lock = Lock()


@event.listens_for(OrmSession, "after_flush")
def _note_case_changes(session: Any, _flush_context: Any) -> None:
    if any(isinstance(o, Case) for o in (*session.new, *session.dirty, *session.deleted)):
        session.info["cases_changed"] = True


@event.listens_for(OrmSession, "after_commit")
def _bump_generation(session: Any) -> None:
    global _generation
    if session.info.pop("cases_changed", False):
        with _generation_lock:
            _generation += 1


@event.listens_for(OrmSession, "after_rollback")
def _forget_case_changes(session: Any) -> None:
    session.info.pop("cases_changed", None)


class CountCache:
    """`count_by_status` per (scope, filters other than status and sort), kept for `ttl_s` seconds.

    Only the tab counts come from here; the queue's rows are always read live, so a stale count never
    hides a case. A case change committed in this process empties the cache at once; changes made by
    other processes (other web workers, the pipeline) show within `ttl_s`.
    """

    def __init__(self, ttl_s: float = 5.0, max_entries: int = 1024) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._entries: dict[tuple[Any, ...], tuple[int, float, dict[str, int]]] = {}
        self._lock = Lock()

    def counts(self, session: Session, viewer: Viewer, filters: CaseFilters) -> dict[str, int]:
        key = (viewer.scope, *(v for k, v in vars(filters).items() if k not in ("statuses", "sort")))
        now = time.monotonic()
        hit = self._entries.get(key)
        if hit is not None and hit[0] == _generation and now - hit[1] < self.ttl_s:
            return dict(hit[2])
        generation = _generation  # read before counting: a change committed meanwhile makes this entry stale
        counts = count_by_status(session, viewer, filters)
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[key] = (generation, now, counts)
        return dict(counts)


def scoped_case(session: Session, viewer: Viewer, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None or (viewer.scope is not None and case.agency_id != viewer.scope):
        raise CaseNotFound(case_id)
    return case


def filter_options(session: Session, viewer: Viewer) -> dict[str, list[Any]]:
    """Values for the queue's drop-downs, within scope."""
    agencies = select(Agency.id, Agency.code, Agency.name).order_by(Agency.code)
    units = select(Asn.unit).distinct().order_by(Asn.unit)
    elections = select(Case.election_id).distinct().where(col(Case.election_id).is_not(None))
    if viewer.scope is not None:
        agencies = agencies.where(Agency.id == viewer.scope)
        units = units.where(Asn.agency_id == viewer.scope)
        elections = elections.where(Case.agency_id == viewer.scope)
    return {
        "agencies": list(session.exec(agencies).all()),
        "units": [u for u in session.exec(units).all() if u],
        "elections": sorted(session.exec(elections).all()),
        "platforms": sorted(session.exec(select(Account.platform).distinct()).all()),
    }
