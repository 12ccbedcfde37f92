"""One case in full, as the case page, the API and the evidence pack show it (always within scope)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from monitor.models import Agency, Asn, Case, CasePost, CaseStatus, Post, ReviewAction, Score, User
from monitor.review.cases import CaseNotFound, Viewer

__all__ = [
    "EARLIER_CASES",
    "CaseDetail",
    "EarlierCase",
    "case_select",
    "first_confirmer",
    "first_confirmer_id",
    "get_case",
]


class EarlierCase(NamedTuple):
    id: int
    detected_at: datetime
    status: str


@dataclass
class CaseDetail:
    case: Case
    post: Post
    asn: Asn
    agency: Agency
    score: Score | None
    joined_posts: list[Post]
    earlier_cases: list[EarlierCase]
    actions: list[tuple[ReviewAction, str]]  # the action and the reviewer's name
    assignee: User | None
    first_confirmer_id: int | None


def case_select(*columns: Any) -> Any:
    """A select of `columns` from the case (bind parameter `case_id`) with its post, ASN, agency and score."""
    return (
        select(*columns)
        .join(Post, col(Post.id) == Case.post_id)
        .join(Asn, col(Asn.id) == Case.asn_id)
        .join(Agency, col(Agency.id) == Case.agency_id)
        .outerjoin(Score, col(Score.id) == Case.score_id)
        .where(Case.id == bindparam("case_id"))
    )


# Built once with bind parameters: building a statement and matching it to SQLAlchemy's compiled cache
# cost about as much CPU as running it.
_CASE: Any = case_select(Case, Post, Asn, Agency, Score)
_JOINED: Any = (
    select(Post).join(CasePost, col(CasePost.post_id) == Post.id).where(CasePost.case_id == bindparam("case_id"))
)
EARLIER_CASES: Any = (
    select(Case.id, Case.detected_at, Case.status)
    .where(Case.asn_id == bindparam("asn_id"), Case.id != bindparam("case_id"))
    .order_by(col(Case.detected_at).desc())
)
_ACTIONS: Any = (
    select(ReviewAction, User.name)
    .join(User, col(User.id) == ReviewAction.user_id)
    .where(ReviewAction.case_id == bindparam("case_id"))
    .order_by(col(ReviewAction.id))
)
_FIRST_CONFIRMER: Any = (
    select(ReviewAction.user_id)
    .where(ReviewAction.case_id == bindparam("case_id"), ReviewAction.action == "confirm")
    .order_by(col(ReviewAction.id).desc())
    .limit(1)
)


def get_case(session: Session, viewer: Viewer, case_id: int) -> CaseDetail:
    # The case with its post, ASN, agency and score in one round trip; the scope check is the same as
    # `scoped_case`: a case outside the viewer's agency is "not found".
    row = session.exec(_CASE, params={"case_id": case_id}).first()
    if row is None or (viewer.scope is not None and row[0].agency_id != viewer.scope):
        raise CaseNotFound(case_id)
    case, post, asn, agency, score = row
    ids = {"case_id": case.id}
    joined = list(session.exec(_JOINED, params=ids))
    # Only id, date and status are shown: plain columns, no entities (an ASN may have dozens of cases).
    earlier = [
        EarlierCase(*r) for r in session.connection().execute(EARLIER_CASES, {**ids, "asn_id": case.asn_id}).all()
    ]
    actions = [(action, name) for action, name in session.exec(_ACTIONS, params=ids).all()]
    assignee = session.get(User, case.assignee_id) if case.assignee_id else None
    return CaseDetail(
        case, post, asn, agency, score, joined, earlier, actions, assignee, first_confirmer(session, case)
    )


def first_confirmer(session: Session, case: Case) -> int | None:
    """While a case awaits its second reviewer: who confirmed first."""
    assert case.id is not None
    return first_confirmer_id(session, case.id, case.status)


def first_confirmer_id(session: Session, case_id: int, status: str) -> int | None:
    if status != CaseStatus.awaiting_second:
        return None
    return session.exec(_FIRST_CONFIRMER, params={"case_id": case_id}).first()
