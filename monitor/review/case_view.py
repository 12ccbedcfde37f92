"""The case page's read of one case: only the columns the page shows, as plain rows, no ORM entities.

`monitor.review.case_detail.get_case` loads the same case as entities for the API and the evidence pack. The
page is opened on every click, and loading entities cost about twice the CPU of these Core selects
(~0.3 ms per query, on five queries; docs/benchmarks.md). Same scope rule: a case outside the viewer's
agency is "not found".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import and_, bindparam
from sqlalchemy import case as when
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from monitor.models import Agency, Asn, Case, CasePost, Post, PostVersion, ReviewAction, Score, User
from monitor.review.case_detail import EARLIER_CASES, EarlierCase, case_select, first_confirmer_id
from monitor.review.cases import CaseNotFound, Viewer

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
    post_id: int
    previous_case_id: int | None


class PostRow(NamedTuple):
    """The post as flagged: text, capture time and evidence are those of the version the model flagged,
    which an edit after the fact does not change (`version` of `current_version`)."""

    text: str | None
    quoted_text: str | None
    kind: str
    platform: str
    posted_at: datetime | None
    captured_at: datetime
    url: str
    payload_sha256: str
    raw_payload: str
    version: int
    current_version: int


class VersionRow(NamedTuple):
    """Another version of the case's post, kept as evidence (an edit before or after the flagged one)."""

    version: int
    text: str | None
    captured_at: datetime
    payload_sha256: str
    current: bool


class ScoreRow(NamedTuple):
    spans: list[dict[str, object]]
    probabilities: dict[str, float]
    model_version: str
    skb_category: str | None
    mentions: list[dict[str, object]]  # the registry mentions the matcher found (shown apart from `spans`)


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
    version: int  # the version that joined (an edit of a post in the case joins as its new version)
    current_version: int


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
    other_versions: list[VersionRow]  # the post's other versions, newest first; empty if never edited
    # A post of the same original arrived after a case was decided: the earlier case, and the later ones.
    previous_case: EarlierCase | None
    next_cases: list[EarlierCase]


_ASSIGNEE = aliased(User)
_FLAGGED = aliased(PostVersion)  # the flagged version's row, when the post was edited after it


def _as_flagged(current: Any, earlier: Any, name: str) -> Any:
    """A column of the flagged version: the post's own while it is still that version, else the PostVersion's."""
    return when((Case.post_version == Post.version, current), else_=earlier).label(name)


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
            Case.post_id,
            Case.previous_case_id,
        ),
    ),
    (
        PostRow,
        (
            _as_flagged(Post.text, _FLAGGED.text, "text"),
            Post.quoted_text,
            Post.kind,
            Post.platform,
            Post.posted_at,
            _as_flagged(Post.captured_at, _FLAGGED.captured_at, "captured_at"),
            Post.url,
            _as_flagged(Post.payload_sha256, _FLAGGED.payload_sha256, "payload_sha256"),
            _as_flagged(Post.raw_payload, _FLAGGED.raw_payload, "raw_payload"),
            Case.post_version,
            Post.version,
        ),
    ),
    (ScoreRow, (Score.spans, Score.probabilities, Score.model_version, Score.skb_category, Score.mentions)),
    (AsnRow, (Asn.name, Asn.nip, Asn.position, Asn.unit)),
    (AgencyRow, (Agency.name, Agency.code, Agency.ppk_name)),
)
# All of them, whether there is a score, and the assignee's name, in one round trip; built once.
_CASE: Any = (
    case_select(*(c for _, columns in _GROUPS for c in columns), Score.id, _ASSIGNEE.name)
    .outerjoin(_ASSIGNEE, col(_ASSIGNEE.id) == Case.assignee_id)
    .outerjoin(_FLAGGED, and_(col(_FLAGGED.post_id) == Case.post_id, _FLAGGED.version == Case.post_version))
)
_JOINED_VERSION = aliased(PostVersion)
_JOINED: Any = (
    select(
        Post.platform,
        Post.posted_at,
        when((CasePost.post_version == Post.version, Post.payload_sha256), else_=_JOINED_VERSION.payload_sha256),
        when((CasePost.post_version == Post.version, Post.text), else_=_JOINED_VERSION.text),
        CasePost.post_version,
        Post.version,
    )
    .join(CasePost, col(CasePost.post_id) == Post.id)
    .outerjoin(
        _JOINED_VERSION,
        and_(col(_JOINED_VERSION.post_id) == Post.id, _JOINED_VERSION.version == CasePost.post_version),
    )
    .where(CasePost.case_id == bindparam("case_id"))
    .order_by(col(CasePost.id))
)
_LINKED: Any = select(Case.id, Case.detected_at, Case.status)
_PREVIOUS: Any = _LINKED.where(Case.id == bindparam("previous_id"))
_NEXT: Any = _LINKED.where(Case.previous_case_id == bindparam("case_id")).order_by(col(Case.id))
_VERSIONS: Any = select(
    PostVersion.version, PostVersion.text, PostVersion.captured_at, PostVersion.payload_sha256
).where(PostVersion.post_id == bindparam("post_id"))
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
        other_versions=_other_versions(session, case.post_id, post) if post.current_version > 1 else [],
        previous_case=_previous(conn, case.previous_case_id),
        next_cases=[EarlierCase(*r) for r in conn.execute(_NEXT, ids).all()],
    )


def _previous(conn: Any, previous_id: int | None) -> EarlierCase | None:
    row = conn.execute(_PREVIOUS, {"previous_id": previous_id}).first() if previous_id is not None else None
    return EarlierCase(*row) if row is not None else None


def _other_versions(session: Session, post_id: int, post: PostRow) -> list[VersionRow]:
    """Every version of the post but the flagged one, newest first (only asked for edited posts)."""
    rows = [VersionRow(*r, current=False) for r in session.connection().execute(_VERSIONS, {"post_id": post_id})]
    if post.version != post.current_version:
        current = (
            session.connection()
            .execute(select(Post.text, Post.captured_at, Post.payload_sha256).where(Post.id == post_id))
            .one()
        )
        rows.append(VersionRow(post.current_version, *current, current=True))
    return sorted((r for r in rows if r.version != post.version), key=lambda r: r.version, reverse=True)
