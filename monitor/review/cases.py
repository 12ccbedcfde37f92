"""Reading cases: who may see what (agency scope), the queue with filters and keyset pagination, and
counts per status. One case in full: `monitor.review.case_detail`; actions: `monitor.review.actions`.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Literal, NamedTuple

from sqlalchemy import and_, bindparam, func, or_
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
from monitor.models.cases import UNDECIDED
from monitor.review.change_generation import ChangeGeneration, GenerationCache

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

ACTIVE_STATUSES = UNDECIDED  # waiting for a judgement: the queue's default tab, the only ones that can be late
SortKey = Literal["score", "deadline", "date"]
# The region tab: cases whose election is held where the ASN serves, held elsewhere, or not resolved.
RegionChoice = Literal["own", "other", "unknown"]


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
    region: RegionChoice | None = None
    sort: SortKey = "score"


class QueueRow(NamedTuple):  # not a frozen dataclass: 51 are built per page, a tuple at a sixth of the cost
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
    in_asn_region: bool | None  # the election is held where the ASN serves (None: no election resolved)

    @property
    def overdue(self) -> bool:
        return self.status in ACTIVE_STATUSES and self.deadline < utcnow()


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    next_cursor: str | None


# The scope and filters as conditions on bind parameters, so that the queue's statement is built (and
# matched to SQLAlchemy's compiled cache) once per combination of filters in use instead of on every
# request: that cost ~0.5 ms of CPU per request, more than running the query.
_CONDITIONS: dict[str, Any] = {
    "scope": lambda: Case.agency_id == bindparam("scope"),
    "agency_id": lambda: Case.agency_id == bindparam("agency_id"),
    "unit": lambda: Asn.unit == bindparam("unit"),
    "election_id": lambda: Case.election_id == bindparam("election_id"),
    "candidate_number": lambda: Case.candidate_number == bindparam("candidate_number"),
    "label": lambda: Case.label == bindparam("label"),
    "platform": lambda: Post.platform == bindparam("platform"),
    "score_min": lambda: Case.score >= bindparam("score_min"),
    "score_max": lambda: Case.score <= bindparam("score_max"),
    "statuses": lambda: col(Case.status).in_(bindparam("statuses", expanding=True)),
    "date_from": lambda: col(Case.detected_at) >= bindparam("date_from"),
    "date_to": lambda: col(Case.detected_at) < bindparam("date_to"),
    "overdue_at": lambda: and_(
        col(Case.deadline) < bindparam("overdue_at"), col(Case.status).in_([s.value for s in ACTIVE_STATUSES])
    ),
    "q": lambda: or_(Asn.nip == bindparam("q"), func.lower(Asn.name).contains(bindparam("q_lower"))),
    "in_asn_region": lambda: Case.in_asn_region == bindparam("in_asn_region"),
    "region_unknown": lambda: col(Case.in_asn_region).is_(None),
}


def _filter_params(viewer: Viewer, f: CaseFilters, now: datetime) -> dict[str, Any]:
    """The bound values of the viewer's scope and of the filters in use, by bind parameter name."""
    term = f.q.strip() if f.q else ""
    values: dict[str, Any] = {
        "scope": viewer.scope,
        "agency_id": f.agency_id,
        "unit": f.unit or None,
        "election_id": f.election_id or None,
        "candidate_number": f.candidate_number,
        "label": f.label or None,
        "platform": f.platform or None,
        "score_min": f.score_min,
        "score_max": f.score_max,
        "statuses": [s.value for s in f.statuses] or None,
        "date_from": f.date_from,
        "date_to": f.date_to,
        "overdue_at": now if f.overdue else None,
        "q": term or None,
        "q_lower": term.lower() or None,
        "in_asn_region": {"own": True, "other": False}.get(f.region or ""),
        "region_unknown": True if f.region == "unknown" else None,
    }
    return {k: v for k, v in values.items() if v is not None}


def _apply_filters(stmt: Any, names: Iterable[str]) -> Any:
    conditions = [_CONDITIONS[name]() for name in _CONDITIONS if name in names]
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


@lru_cache(maxsize=512)
def _queue_statement(names: frozenset[str], sort: str, after: bool, limit: int) -> Any:
    """The queue's query for one combination of filters in use (`names`), sort and cursor presence."""
    column, desc = _SORTS[sort]
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
            func.substr(Post.text, 1, 240),
            Case.candidate_number,
            Case.election_id,
            Case.in_asn_region,
        )
        .join(Asn, col(Asn.id) == Case.asn_id)
        .join(Agency, col(Agency.id) == Case.agency_id)
        .join(Post, col(Post.id) == Case.post_id)
    )
    stmt = _apply_filters(stmt, names)
    if after:
        value, last_id = bindparam("after_value"), bindparam("after_id")
        if desc:
            stmt = stmt.where(or_(column < value, and_(column == value, col(Case.id) < last_id)))
        else:
            stmt = stmt.where(or_(column > value, and_(column == value, col(Case.id) > last_id)))
    order = (column.desc(), col(Case.id).desc()) if desc else (column.asc(), col(Case.id).asc())
    return stmt.order_by(*order).limit(limit + 1)


def queue(
    session: Session, viewer: Viewer, filters: CaseFilters, *, cursor: str | None = None, limit: int = 50
) -> QueuePage:
    """One page of the queue, in the chosen order, strictly after `cursor` (keyset pagination)."""
    params = _filter_params(viewer, filters, utcnow())
    stmt = _queue_statement(frozenset(params), filters.sort, bool(cursor), limit)
    if cursor:
        params["after_value"], params["after_id"] = _decode_cursor(cursor, filters.sort)
    # Plain columns: Core execution skips the ORM's per-query set-up (~0.25 ms), as no entity is loaded;
    # `.all()` fetches the rows with one fetchall instead of a driver call per row.
    rows = [QueueRow._make(r) for r in session.connection().execute(stmt, params).all()]
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
    f = CaseFilters(**{**(filters or CaseFilters()).__dict__, "statuses": []})
    params = _filter_params(viewer, f, utcnow())
    if "unit" in params or "q" in params:
        stmt = stmt.join(Asn, col(Asn.id) == Case.asn_id)
    if "platform" in params:
        stmt = stmt.join(Post, col(Post.id) == Case.post_id)
    counts = dict(session.exec(_apply_filters(stmt, params).group_by(Case.status), params=params).all())
    return {s.value: int(counts.get(s.value, 0)) for s in CaseStatus}


CASE_CHANGES = ChangeGeneration(Case)  # empties every cache below of this process


class CountCache:
    """`count_by_status` per (scope, filters other than status and sort), kept for `ttl_s` seconds.

    Only the tab counts come from here; the queue's rows are always read live, so a stale count never
    hides a case. A case change committed in this process empties the cache at once; changes made by
    other processes (other web workers, the pipeline) show within `ttl_s`.
    """

    def __init__(self, ttl_s: float = 5.0, max_entries: int = 1024) -> None:
        self._cache: GenerationCache[tuple[Any, ...], dict[str, int]] = GenerationCache(
            CASE_CHANGES, ttl_s, max_entries
        )

    def counts(self, session: Session, viewer: Viewer, filters: CaseFilters) -> dict[str, int]:
        key = (viewer.scope, *(v for k, v in vars(filters).items() if k not in ("statuses", "sort")))
        return dict(self._cache.get(key, lambda: count_by_status(session, viewer, filters)))


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
