"""One case in full, as the case page, the API and the evidence pack show it (always within scope)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from monitor.cases import CaseNotFound, Viewer
from monitor.models import Agency, Asn, Case, CasePost, CaseStatus, Post, ReviewAction, Score, User

__all__ = ["CaseDetail", "first_confirmer", "get_case"]


@dataclass
class CaseDetail:
    case: Case
    post: Post
    asn: Asn
    agency: Agency
    score: Score | None
    joined_posts: list[Post]
    earlier_cases: list[Case]
    actions: list[tuple[ReviewAction, str]]  # the action and the reviewer's name
    assignee: User | None
    first_confirmer_id: int | None


def get_case(session: Session, viewer: Viewer, case_id: int) -> CaseDetail:
    # The case with its post, ASN, agency and score in one round trip; the scope check is the same as
    # `scoped_case`: a case outside the viewer's agency is "not found".
    row = session.exec(
        select(Case, Post, Asn, Agency, Score)
        .join(Post, col(Post.id) == Case.post_id)
        .join(Asn, col(Asn.id) == Case.asn_id)
        .join(Agency, col(Agency.id) == Case.agency_id)
        .outerjoin(Score, col(Score.id) == Case.score_id)
        .where(Case.id == case_id)
    ).first()
    if row is None or (viewer.scope is not None and row[0].agency_id != viewer.scope):
        raise CaseNotFound(case_id)
    case, post, asn, agency, score = row
    joined = list(
        session.exec(select(Post).join(CasePost, col(CasePost.post_id) == Post.id).where(CasePost.case_id == case.id))
    )
    earlier = list(
        session.exec(
            select(Case).where(Case.asn_id == case.asn_id, Case.id != case.id).order_by(col(Case.detected_at).desc())
        )
    )
    actions = [
        (action, name)
        for action, name in session.exec(
            select(ReviewAction, User.name)
            .join(User, col(User.id) == ReviewAction.user_id)
            .where(ReviewAction.case_id == case.id)
            .order_by(col(ReviewAction.id))
        ).all()
    ]
    assignee = session.get(User, case.assignee_id) if case.assignee_id else None
    return CaseDetail(
        case, post, asn, agency, score, joined, earlier, actions, assignee, first_confirmer(session, case)
    )


def first_confirmer(session: Session, case: Case) -> int | None:
    """While a case awaits its second reviewer: who confirmed first."""
    if case.status != CaseStatus.awaiting_second:
        return None
    return session.exec(
        select(ReviewAction.user_id)
        .where(ReviewAction.case_id == case.id, ReviewAction.action == "confirm")
        .order_by(col(ReviewAction.id).desc())
        .limit(1)
    ).first()
