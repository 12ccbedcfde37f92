"""Reading what a digest needs from the database: cases as plain rows, recipients, counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from monitor.models import Agency, Asn, Case, CasePost, CaseStatus, Post, Role, User

# Statuses that still wait for somebody's judgement; only these can be overdue.
UNRESOLVED = (CaseStatus.open, CaseStatus.awaiting_second, CaseStatus.clarification)


@dataclass(frozen=True)
class CaseRow:
    id: int
    agency_id: int
    agency_name: str
    asn_id: int
    asn_name: str
    asn_nip: str
    unit: str
    label: str
    score: float
    status: str
    platform: str
    original_key: str
    detected_at: datetime
    deadline: datetime
    reposts: int  # further posts of the same original that joined the case
    previous_case_id: int | None = None  # opened after this decided case of the same original


@dataclass(frozen=True)
class Recipient:
    id: int
    email: str
    name: str
    role: str
    agency_id: int | None
    digest_when_empty: bool
    active: bool

    @property
    def eligible(self) -> bool:
        """Admins, and supervisors with an agency, get a digest while active; auditors never do."""
        if not self.active:
            return False
        return self.role == Role.admin or (self.role == Role.supervisor and self.agency_id is not None)


def _case_rows(session: Session, *conditions: object) -> list[CaseRow]:
    reposts = select(CasePost.case_id, func.count().label("n")).group_by(col(CasePost.case_id)).subquery()
    query = (
        select(Case, Asn.name, Asn.nip, Asn.unit, Agency.name, Post.platform, reposts.c.n)
        .join(Asn, col(Asn.id) == col(Case.asn_id))
        .join(Agency, col(Agency.id) == col(Case.agency_id))
        .join(Post, col(Post.id) == col(Case.post_id))
        .outerjoin(reposts, reposts.c.case_id == col(Case.id))
        .where(*conditions)  # type: ignore[arg-type]
        .order_by(col(Case.id))
    )
    rows = []
    for case, asn_name, nip, unit, agency_name, platform, n in session.exec(query):
        assert case.id is not None
        rows.append(
            CaseRow(
                id=case.id,
                agency_id=case.agency_id,
                agency_name=agency_name,
                asn_id=case.asn_id,
                asn_name=asn_name,
                asn_nip=nip,
                unit=unit,
                label=case.label,
                score=case.score,
                status=str(case.status),
                platform=platform,
                original_key=case.original_key,
                detected_at=case.detected_at,
                deadline=case.deadline,
                reposts=int(n or 0),
                previous_case_id=case.previous_case_id,
            )
        )
    return rows


def _scope(agency_id: int | None) -> list[object]:
    return [] if agency_id is None else [col(Case.agency_id) == agency_id]


def new_cases(session: Session, *, agency_id: int | None, start: datetime, end: datetime) -> list[CaseRow]:
    """Cases detected in [start, end), in one agency or (None) in all of them."""
    return _case_rows(session, col(Case.detected_at) >= start, col(Case.detected_at) < end, *_scope(agency_id))


def urgent_cases(session: Session, *, agency_id: int | None, due_before: datetime) -> list[CaseRow]:
    """Unresolved cases whose deadline falls before `due_before` (overdue ones included)."""
    return _case_rows(session, col(Case.status).in_(UNRESOLVED), col(Case.deadline) < due_before, *_scope(agency_id))


def new_case_counts(session: Session, *, start: datetime, end: datetime) -> dict[int, int]:
    """Cases detected in [start, end) per agency id (for the trend against the previous week)."""
    query = (
        select(Case.agency_id, func.count())
        .where(col(Case.detected_at) >= start, col(Case.detected_at) < end)
        .group_by(col(Case.agency_id))
    )
    return {agency_id: int(n) for agency_id, n in session.exec(query)}


def agency_names(session: Session) -> dict[int, str]:
    return {a.id: a.name for a in session.exec(select(Agency)) if a.id is not None}


def _recipient(user: User) -> Recipient:
    assert user.id is not None
    return Recipient(
        id=user.id,
        email=user.email,
        name=user.name,
        role=str(user.role),
        agency_id=user.agency_id,
        digest_when_empty=user.digest_when_empty,
        active=user.active,
    )


def recipients(session: Session) -> list[Recipient]:
    """Who gets a digest: active admins, and active supervisors that have an agency.

    Auditors get none: they read cases and the audit log, they do not act on cases.
    """
    query = (
        select(User)
        .where(col(User.active).is_(True), col(User.role).in_([Role.admin, Role.supervisor]))
        .order_by(col(User.id))
    )
    return [r for r in map(_recipient, session.exec(query)) if r.eligible]


def recipient_by_id(session: Session, user_id: int) -> Recipient | None:
    user = session.get(User, user_id)
    return _recipient(user) if user is not None else None


def recipient_by_email(session: Session, email: str) -> Recipient | None:
    user = session.exec(select(User).where(func.lower(User.email) == email.strip().lower())).first()
    return _recipient(user) if user is not None else None
