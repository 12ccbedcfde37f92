"""Open cases from new scores: apply the flag rules, one undecided case per original post per ASN.

A flagged post joins the undecided case of its original (reposts of one original share a case). It never
joins a decided case (confirmed, dismissed, forwarded, closed), where nobody would review it: it opens a
new case linked to the last one (`Case.previous_case_id`), audited on both.

Each version of a post's text is judged: an edit scored partisan opens a case, or joins the case its
post is in, like a new post; a version already in a case (scored again by a later model) adds nothing.

Safe under retries and concurrent workers: each score is looked at once (`Score.flag_checked_at`,
claimed with SKIP LOCKED on PostgreSQL), and a race on the same original post ends at the partial unique
index `uq_case_asn_original_undecided`: the loser's batch is rolled back and retried, and on the retry
its post joins the winner's case through `CasePost`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col, select

from monitor import audit, metrics
from monitor.config import Settings
from monitor.db import hold_sqlite_write_lock, session_scope
from monitor.flagging.rules import PARTISAN_LABELS, AsnPlace, ElectionPlace, FlagDecision, FlagRules, ScoreView, decide
from monitor.models import Asn, Case, CasePost, Election, Post, Score, utcnow
from monitor.models.cases import UNDECIDED

__all__ = ["OpenCasesSummary", "open_new_cases", "open_or_join", "original_key"]

log = logging.getLogger(__name__)
_RETRIES = 8


@dataclass
class OpenCasesSummary:
    checked: int = 0  # scores the rules looked at
    opened: int = 0  # new cases
    joined: int = 0  # reposts, and edits of a post in a case, that joined an undecided case
    linked: int = 0  # of the opened: new cases after a decided case of the same original (linked to it)

    def add(self, other: OpenCasesSummary) -> None:
        self.checked += other.checked
        self.opened += other.opened
        self.joined += other.joined
        self.linked += other.linked


def original_key(post: Post) -> str:
    """Reposts and quotes of one original share its key, so they share a case."""
    return f"{post.platform}:{post.original_post_id or post.platform_post_id}"


def _election_places(session: Session) -> dict[str, ElectionPlace]:
    return {
        e.id: ElectionPlace(id=e.id, level=str(e.level), region=e.region, province=e.province)
        for e in session.exec(select(Election))
    }


def _claim(session: Session, batch_size: int) -> list[Score]:
    stmt = select(Score).where(col(Score.flag_checked_at).is_(None)).order_by(col(Score.id)).limit(batch_size)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)  # concurrent workers take disjoint batches
    return list(session.exec(stmt).all())


def _in_a_case(session: Session, post_id: int, version: int) -> bool:
    """Whether this version of the post is already part of a case (as its post, or joined to one): a later
    model version scoring the same text again adds nothing, while an edited text is judged anew."""
    main = select(Case.id).where(Case.post_id == post_id, Case.post_version == version)
    joined = select(CasePost.id).where(CasePost.post_id == post_id, CasePost.post_version == version)
    return session.exec(main).first() is not None or session.exec(joined).first() is not None


def _join(session: Session, case: Case, post: Post, version: int) -> None:
    """Attach this version of `post` to `case`."""
    assert case.id is not None and post.id is not None
    session.add(CasePost(case_id=case.id, post_id=post.id, post_version=version))
    session.flush()


def open_or_join(
    session: Session, score: Score, post: Post, asn: Asn, decision: FlagDecision, rules: FlagRules, now: datetime,
    *, actor: str = "system", label: str | None = None,
) -> tuple[str, Case | None]:  # fmt: skip
    """Open a case for this scored post version, or join the undecided case of its original: ("opened" |
    "linked" | "joined" | "none", the case). `actor` and `label` are a reviewer's and the side they chose
    when a case is opened by hand (monitor/flagging/near_misses.py); the flag rules leave them to the system and the model."""
    assert post.id is not None
    if _in_a_case(session, post.id, score.post_version):
        return "none", None
    key = original_key(post)
    same_original = session.exec(
        select(Case).where(Case.asn_id == asn.id, Case.original_key == key).order_by(col(Case.id).desc())
    ).all()
    undecided = next((c for c in same_original if c.status in UNDECIDED), None)
    if undecided is not None:
        _join(session, undecided, post, score.post_version)
        return "joined", undecided
    # Never into a decided case: nobody would review the post there. A new case, linked to the last one.
    previous = same_original[0] if same_original else None
    case = Case(
        post_id=post.id,
        post_version=score.post_version,
        previous_case_id=previous.id if previous else None,
        asn_id=asn.id,  # type: ignore[arg-type]
        agency_id=asn.agency_id,
        original_key=key,
        score_id=score.id,
        label=label or score.label,
        score=decision.probability,
        election_id=decision.election_id,
        candidate_number=score.target_candidate_number if decision.election_id else None,
        party=score.target_party,
        in_asn_region=decision.in_asn_region,
        detected_at=now,
        deadline=rules.deadline(now),
        updated_at=now,
    )
    session.add(case)
    session.flush()  # raises IntegrityError when another worker opened this case first
    details: dict[str, object] = {
        "post_id": post.id,
        "post_version": score.post_version,
        "score_id": score.id,
        "label": case.label,
        "reason": decision.reason,
    }
    if previous is not None:
        details |= {"previous_case_id": previous.id, "previous_status": str(previous.status)}
    audit.record(session, actor, "case.opened", "case", str(case.id), details)
    if previous is None:
        return "opened", case
    # The decided case's own trail says where the later post went.
    audit.record(
        session,
        "system",
        "case.new_case_linked",
        "case",
        str(previous.id),
        {"new_case_id": case.id, "post_id": post.id, "post_version": score.post_version},
    )
    return "linked", case


def _one_batch(engine: Engine, rules: FlagRules, batch_size: int, now: datetime) -> OpenCasesSummary:
    summary = OpenCasesSummary()
    with session_scope(engine) as session:
        # SQLite has no SKIP LOCKED: two workers may claim the same scores, and one could read "this post
        # is in no case" just before the other commits the case it opened for it. One batch at a time.
        hold_sqlite_write_lock(session)
        scores = _claim(session, batch_size)
        if not scores:
            return summary
        partisan = [s for s in scores if s.label in PARTISAN_LABELS]
        posts = {p.id: p for p in session.exec(select(Post).where(col(Post.id).in_([s.post_id for s in partisan])))}
        asns = {a.id: a for a in session.exec(select(Asn).where(col(Asn.id).in_({p.asn_id for p in posts.values()})))}
        elections = _election_places(session) if partisan else {}
        flagged: list[tuple[Score, Post, Asn, FlagDecision]] = []
        for score in partisan:
            post = posts[score.post_id]
            asn = asns[post.asn_id]
            view = ScoreView(score.label, dict(score.probabilities), score.target_election_id)
            decision = decide(view, AsnPlace(asn.region, asn.province), elections, rules)
            if decision.flag:
                flagged.append((score, post, asn, decision))
        # A fixed order keeps two workers from waiting on each other's keys in opposite order.
        flagged.sort(key=lambda item: (item[2].id or 0, original_key(item[1]), item[1].id or 0))
        for score, post, asn, decision in flagged:
            outcome, _ = open_or_join(session, score, post, asn, decision, rules, now)
            summary.opened += outcome in ("opened", "linked")
            summary.joined += outcome == "joined"
            summary.linked += outcome == "linked"
        for score in scores:
            score.flag_checked_at = now
            session.add(score)
        summary.checked = len(scores)
    return summary


def open_new_cases(
    engine: Engine,
    settings: Settings,
    *,
    batch_size: int = 500,
    limit: int | None = None,
    now: datetime | None = None,
) -> OpenCasesSummary:
    """Apply the flag rules to every score not yet looked at (at most `limit`); returns what happened."""
    rules = FlagRules.from_settings(settings)
    total = OpenCasesSummary()
    while limit is None or total.checked < limit:
        size = batch_size if limit is None else min(batch_size, limit - total.checked)
        for attempt in range(1, _RETRIES + 1):
            try:
                batch = _one_batch(engine, rules, size, now or utcnow())
                break
            except (IntegrityError, OperationalError) as exc:
                # Another worker opened one of these cases first, or the database broke a deadlock:
                # nothing of this batch was written; on the retry the post joins the winner's case.
                if attempt == _RETRIES:
                    raise
                log.info("open_cases batch retried", extra={"attempt": attempt, "error": type(exc).__name__})
        total.add(batch)
        if batch.checked < size:
            break
    metrics.CASES_OPENED.inc(total.opened)
    if total.checked:
        log.info(
            "cases opened",
            extra={"checked": total.checked, "opened": total.opened, "joined": total.joined, "linked": total.linked},
        )
    return total
