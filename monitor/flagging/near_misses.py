"""Near misses ("Hampir ditandai"): recent posts the flag rules let pass, whose side score
P(dukungan) + P(serangan) is still at least a lower bound (`flagging.near_miss_floor`).

A missed violation is seen by nobody, so reviewers spot-check these: they open a case by hand (it enters
the normal two-reviewer flow, and its decision feeds training like any case) or mark the post as checked.
Both are audited (`near_miss.opened`, `near_miss.checked`, on the score). Scoped like the queue: a
supervisor sees the posts of their own agency's ASN only.

A near miss is a score the flag rules have looked at (`flag_checked_at`) that opened no case: by the rules
that means under the flag threshold (or under `untargeted_threshold` without a resolved target). Only the
newest score of the post's current version counts, and a post in any case or already checked is left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, and_, bindparam, cast, exists, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from classifiers.labels import SIDES, likelier_side, side_score
from monitor.audit import record
from monitor.flagging.open_cases import open_or_join
from monitor.flagging.rules import FlagDecision, FlagRules
from monitor.models import Agency, Asn, AuditLog, Case, CasePost, Post, ReviewAction, Score, utcnow
from monitor.review.actions import ActionError, NotAllowed, check_reason
from monitor.review.cases import CaseNotFound, Viewer

__all__ = ["NearMiss", "mark_checked", "near_miss_access", "near_misses", "open_by_hand", "side_label", "side_score"]

CHECKED = "near_miss.checked"
OPENED = "near_miss.opened"


# A case opened by hand is about a side even when the model's label was netral: the likelier one.
side_label = likelier_side


@dataclass(frozen=True)
class NearMiss:
    score_id: int
    post_id: int
    label: str  # the model's label (often netral: under the threshold)
    probabilities: dict[str, float]
    election_id: str | None
    candidate_number: int | None
    party: str | None
    skb_category: str | None
    scored_at: datetime
    platform: str
    excerpt: str | None
    url: str
    asn_name: str
    nip: str
    agency_code: str

    @property
    def side(self) -> float:
        return side_score(self.probabilities)


def _side_sql() -> Any:
    def p(label: str) -> Any:
        return func.coalesce(Score.probabilities[label].as_float(), 0.0)  # type: ignore[index]

    dukungan, serangan = SIDES
    return p(dukungan) + p(serangan)  # side_score, in SQL


_NEWER = aliased(Score)
# Scores of the current version of a text-bearing post, in no case, not checked, not superseded by a newer score.
_OPEN_CONDITIONS: Any = and_(
    col(Score.flag_checked_at).is_not(None),
    Score.post_version == Post.version,
    col(Post.text).is_not(None),
    ~exists().where(Case.post_id == Score.post_id, Case.post_version == Score.post_version),
    ~exists().where(CasePost.post_id == Score.post_id, CasePost.post_version == Score.post_version),
    ~exists().where(
        _NEWER.post_id == Score.post_id, _NEWER.post_version == Score.post_version, col(_NEWER.id) > Score.id
    ),
    ~exists().where(
        AuditLog.object_type == "score", AuditLog.action == CHECKED, AuditLog.object_id == cast(Score.id, String)
    ),
)


def _select(*columns: Any) -> Any:
    return (
        select(*columns)
        .join(Post, col(Post.id) == Score.post_id)
        .join(Asn, col(Asn.id) == Post.asn_id)
        .join(Agency, col(Agency.id) == Asn.agency_id)
        .where(_OPEN_CONDITIONS)
    )


def near_misses(session: Session, viewer: Viewer, *, floor: float, since: datetime, limit: int = 100) -> list[NearMiss]:
    """The near misses scored since `since` whose side score is at least `floor`, leaning most first."""
    side = _side_sql()
    stmt = (
        _select(
            Score.id,
            Score.post_id,
            Score.label,
            Score.probabilities,
            Score.target_election_id,
            Score.target_candidate_number,
            Score.target_party,
            Score.skb_category,
            Score.created_at,
            Post.platform,
            func.substr(Post.text, 1, 280),
            Post.url,
            Asn.name,
            Asn.nip,
            Agency.code,
        )
        .where(side >= bindparam("floor"), col(Score.created_at) >= bindparam("since"))
        .order_by(side.desc(), col(Score.id).desc())
        .limit(limit)
    )
    params: dict[str, Any] = {"floor": floor, "since": since}
    if viewer.scope is not None:
        stmt = stmt.where(Asn.agency_id == bindparam("scope"))
        params["scope"] = viewer.scope
    return [NearMiss(*row) for row in session.connection().execute(stmt, params).all()]


def near_miss_access(session: Session, viewer: Viewer, score_id: int) -> tuple[Score, Post, Asn]:
    """The score, post and ASN, for a viewer who may act on them: a post outside the viewer's agency (or no such
    score) is "not found" and a read-only viewer is refused, in that order, as for cases."""
    row = session.exec(
        select(Score, Post, Asn).join(Post, col(Post.id) == Score.post_id).join(Asn, col(Asn.id) == Post.asn_id)
        .where(Score.id == score_id)
    ).first()  # fmt: skip
    if row is None or (viewer.scope is not None and row[2].agency_id != viewer.scope):
        raise CaseNotFound(score_id)
    if not viewer.can_act:
        raise NotAllowed("auditors have read-only access")
    return row[0], row[1], row[2]


def _near_miss(session: Session, viewer: Viewer, score_id: int) -> tuple[Score, Post, Asn]:
    """As `near_miss_access`, and still a near miss (in no case, not checked, the newest score)."""
    found = near_miss_access(session, viewer, score_id)
    if session.exec(_select(Score.id).where(Score.id == score_id)).first() is None:
        raise ActionError("this post is no longer a near miss")
    return found


def mark_checked(session: Session, viewer: Viewer, score_id: int, *, reason: str) -> None:
    """The reviewer looked at this near miss and found nothing to open: it leaves the list, audited."""
    reason = check_reason(reason)
    score, post, _ = _near_miss(session, viewer, score_id)
    details = {"reason": reason, "post_id": post.id, "side_score": round(side_score(score.probabilities), 4)}
    record(session, viewer.email, CHECKED, "score", str(score_id), details)
    session.flush()


def open_by_hand(
    session: Session, viewer: Viewer, score_id: int, *, reason: str, rules: FlagRules, now: datetime | None = None
) -> int:
    """Open a case for a near miss (or join its original's undecided case); returns the case's id.

    The case enters the normal flow (status open, two reviewers to confirm); its label is the likelier side.
    """
    reason = check_reason(reason)
    score, post, asn = _near_miss(session, viewer, score_id)
    side = side_score(score.probabilities)
    decision = FlagDecision(True, f"opened by hand: {reason}", side, score.target_election_id)
    label = side_label(score.probabilities)
    outcome, case = open_or_join(
        session, score, post, asn, decision, rules, now or utcnow(), actor=viewer.email, label=label
    )
    if case is None or case.id is None:
        raise ActionError("this post is already in a case")
    details = {"score_id": score_id, "post_id": post.id, "side_score": round(side, 4), "outcome": outcome}
    session.add(ReviewAction(case_id=case.id, user_id=viewer.user_id, action="open", reason=reason, details=details))
    record(session, viewer.email, OPENED, "score", str(score_id), {"reason": reason, "case_id": case.id, **details})
    session.flush()
    return case.id
