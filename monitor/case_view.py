"""The case page's read of one case: only the columns the page shows, as plain rows, no ORM entities.

`monitor.case_detail.get_case` loads the same case as entities for the API and the evidence pack. The
page is opened on every click, and loading entities cost about twice the CPU of these Core selects
(~0.3 ms per query, on five queries; docs/benchmarks.md). Same scope rule: a case outside the viewer's
agency is "not found".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from monitor.case_detail import EARLIER_CASES, EarlierCase, case_select, first_confirmer_id
from monitor.cases import CaseNotFound, Viewer
from monitor.models import Agency, Asn, Case, CasePost, Post, ReviewAction, Score, User

__all__ = ["CaseView", "case_view"]


class CaseRow(NamedTuple):
    id: int
    status: str
    deadline: datetime
    detected_at: datetime
    label: str
    score: float
    election_id: str | None
    candidate_number: int | None
    party: str | None
    agency_id: int
    asn_id: int


class PostRow(NamedTuple):
    text: str | None
    quoted_text: str | None
    kind: str
    platform: str
    posted_at: datetime | None
    captured_at: datetime
    url: str
    payload_sha256: str
    raw_payload: str


class ScoreRow(NamedTuple):
    spans: list[dict[str, object]]
    probabilities: dict[str, float]
    model_version: str
    skb_category: str | None


class AsnRow(NamedTuple):
    name: str
    nip: str
    position: str | None
    unit: str | None


class AgencyRow(NamedTuple):
    name: str
    code: str
    ppk_name: str | None


class JoinedPost(NamedTuple):
    platform: str
    posted_at: datetime | None
    payload_sha256: str
    text: str | None


class ActionRow(NamedTuple):
    action: str
    created_at: datetime
    reason: str
    details: dict[str, object]


class Assignee(NamedTuple):
    name: str


@dataclass
class CaseView:
    case: CaseRow
    post: PostRow
    asn: AsnRow
    agency: AgencyRow
    score: ScoreRow | None
    joined_posts: list[JoinedPost]
    earlier_cases: list[EarlierCase]
    actions: list[tuple[ActionRow, str]]  # the action and the reviewer's name
    assignee: Assignee | None
    first_confirmer_id: int | None


_ASSIGNEE = aliased(User)
# The page's columns of the case and of its post, score, ASN and agency, in the order of the row types.
_GROUPS: tuple[tuple[Any, tuple[Any, ...]], ...] = (
    (
        CaseRow,
        (
            Case.id,
            Case.status,
            Case.deadline,
            Case.detected_at,
            Case.label,
            Case.score,
            Case.election_id,
            Case.candidate_number,
            Case.party,
            Case.agency_id,
            Case.asn_id,
        ),
    ),
    (
        PostRow,
        (
            Post.text,
            Post.quoted_text,
            Post.kind,
            Post.platform,
            Post.posted_at,
            Post.captured_at,
            Post.url,
            Post.payload_sha256,
            Post.raw_payload,
        ),
    ),
    (ScoreRow, (Score.spans, Score.probabilities, Score.model_version, Score.skb_category)),
    (AsnRow, (Asn.name, Asn.nip, Asn.position, Asn.unit)),
    (AgencyRow, (Agency.name, Agency.code, Agency.ppk_name)),
)
# All of them, whether there is a score, and the assignee's name, in one round trip; built once.
_CASE: Any = case_select(*(c for _, columns in _GROUPS for c in columns), Score.id, _ASSIGNEE.name).outerjoin(
    _ASSIGNEE, col(_ASSIGNEE.id) == Case.assignee_id
)
_JOINED: Any = (
    select(Post.platform, Post.posted_at, Post.payload_sha256, Post.text)
    .join(CasePost, col(CasePost.post_id) == Post.id)
    .where(CasePost.case_id == bindparam("case_id"))
)
_ACTIONS: Any = (
    select(ReviewAction.action, ReviewAction.created_at, ReviewAction.reason, ReviewAction.details, User.name)
    .join(User, col(User.id) == ReviewAction.user_id)
    .where(ReviewAction.case_id == bindparam("case_id"))
    .order_by(col(ReviewAction.id))
)


def _split(row: Any) -> list[Any]:
    """The row types of `_GROUPS`, cut from one result row."""
    parts, start = [], 0
    for kind, columns in _GROUPS:
        parts.append(kind(*row[start : start + len(columns)]))
        start += len(columns)
    return parts


def case_view(session: Session, viewer: Viewer, case_id: int) -> CaseView:
    conn = session.connection()
    row = conn.execute(_CASE, {"case_id": case_id}).first()
    if row is None or (viewer.scope is not None and row.agency_id != viewer.scope):
        raise CaseNotFound(case_id)
    case, post, score, asn, agency = _split(row)
    score_id, assignee_name = row[-2], row[-1]
    ids = {"case_id": case.id}
    return CaseView(
        case=case,
        post=post,
        asn=asn,
        agency=agency,
        score=score if score_id is not None else None,
        joined_posts=[JoinedPost(*r) for r in conn.execute(_JOINED, ids).all()],
        earlier_cases=[EarlierCase(*r) for r in conn.execute(EARLIER_CASES, {**ids, "asn_id": case.asn_id}).all()],
        actions=[(ActionRow(*r[:4]), r[4]) for r in conn.execute(_ACTIONS, ids).all()],
        assignee=Assignee(assignee_name) if assignee_name is not None else None,
        first_confirmer_id=first_confirmer_id(session, case.id, case.status),
    )
