"""Data minimisation: what people wrote is kept only as long as a rule needs it, in every copy.

A post's text is purged `settings.retention_days` after capture unless a case keeps it: a case keeps its
posts (its own post and those that joined it) while it is open or decided as a violation; a **dismissed**
case keeps them `settings.retention_dismissed_days` after the dismissal, then no longer. A post that may
still become a case (not yet scored, or a score the flag rules have not looked at) keeps its text too.

Purging a post clears every copy of its words: the text and quoted text, the text fields of the raw payload
of the post and of each earlier version (and their versions' text), and the words its scores quote from it
(`Score.spans`, `Score.mentions`). Hashes, ids, offsets, timestamps and URLs stay, so what was collected
can still be counted and matched; `text_purged_at` records when.

Other people's words sent along as thread context (a Bluesky reply's parent and root posts) are kept only as
the context of a case: once the flag rules have looked at every score of a post that is in no case, and the
near-miss window has passed (`flagging.near_miss_days`: a reviewer may still open a case by hand from the
"Hampir ditandai" page), the context is cut down to its references (`context_purged_version`); in a case it goes
with the case's text.
The raw responses archived as WARC records are expired by monitor/privacy/warc_retention.py, from the same marks.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, and_, exists, func, not_, or_
from sqlmodel import Session, col, select

from monitor.config import Settings
from monitor.db import session_scope
from monitor.models import Case, CasePost, CaseStatus, Post, PostVersion, ReviewAction, Score, utcnow
from monitor.privacy.scrub import CONTEXT_PLATFORMS, scrub_spans, strip_payload_text, strip_thread_context

__all__ = ["PurgeSummary", "purge_expired_text", "strip_payload_text"]

log = logging.getLogger(__name__)


@dataclass
class PurgeSummary:
    posts: int = 0  # posts whose text was purged
    versions: int = 0  # their earlier versions
    scores: int = 0  # their scores, without the words they quoted
    dismissed: int = 0  # of `posts`, those kept until now by dismissed cases
    contexts: int = 0  # posts whose thread context (other people's posts) was cut down


def _in_case(condition: Any = None) -> Any:
    """The post is in a case (as the case's own post, or one that joined it) meeting `condition`: two EXISTS,
    each answered from an index (case.post_id, casepost.post_id)."""
    own = select(Case.id).where(Case.post_id == Post.id)
    joined = select(CasePost.id).join(Case, col(Case.id) == CasePost.case_id).where(CasePost.post_id == Post.id)
    if condition is not None:
        own, joined = own.where(condition), joined.where(condition)
    return or_(own.exists(), joined.exists())


def _kept_by_a_case(dismissed_cutoff: datetime) -> Any:
    """The post is in a case that still keeps it: any case but one dismissed before the cutoff."""
    dismissed_at = (
        select(func.max(ReviewAction.created_at))
        .where(ReviewAction.case_id == Case.id, ReviewAction.action == "dismiss")
        .scalar_subquery()
    )
    # A case dismissed without a recorded action (imported data) counts from its last change.
    expired = and_(Case.status == CaseStatus.dismissed, func.coalesce(dismissed_at, Case.updated_at) < dismissed_cutoff)
    return _in_case(not_(expired))


def _may_still_flag() -> Any:
    """Not scored yet, or a score the flag rules have not looked at: it may still open a case."""
    unchecked = exists().where(Score.post_id == Post.id, col(Score.flag_checked_at).is_(None))
    return or_(col(Post.scored_version).is_(None), unchecked)


def _expired_ids(session: Session, cutoff: datetime, dismissed_cutoff: datetime, batch_size: int) -> list[int]:
    stmt = (
        select(Post.id)
        .where(
            col(Post.text_purged_at).is_(None),
            col(Post.captured_at) < cutoff,
            not_(_may_still_flag()),
            not_(_kept_by_a_case(dismissed_cutoff)),
        )
        .order_by(col(Post.id))
        .limit(batch_size)
    )
    return [i for i in session.exec(stmt) if i is not None]


def _locked(session: Session, ids: list[int]) -> list[Post]:
    """The posts, locked until the transaction ends (PostgreSQL; SQLite has one writer), less any edited since
    they were chosen: an edit waits for its own score, and its payload must not be overwritten by the old one."""
    rows = session.exec(select(Post).where(col(Post.id).in_(ids)).order_by(col(Post.id)).with_for_update())
    return [post for post in rows if post.scored_version is not None]


def _purge_posts(session: Session, chosen: list[int], now: datetime, summary: PurgeSummary) -> None:
    """Every copy of these posts' words, in the caller's transaction."""
    posts = _locked(session, chosen)
    ids = [post.id for post in posts]
    in_a_case = set(session.exec(select(Post.id).where(col(Post.id).in_(ids), _in_case())))
    for post in posts:
        post.text = None
        post.quoted_text = None
        post.raw_payload = strip_payload_text(post.raw_payload, post.platform)
        post.text_purged_at = now
        post.context_purged_version = post.version  # the thread context went with the rest
        session.add(post)
        summary.dismissed += post.id in in_a_case
    platforms = {post.id: post.platform for post in posts}
    for version in session.exec(select(PostVersion).where(col(PostVersion.post_id).in_(ids))):
        version.text = None
        version.raw_payload = strip_payload_text(version.raw_payload, platforms.get(version.post_id))
        session.add(version)
        summary.versions += 1
    for score in session.exec(select(Score).where(col(Score.post_id).in_(ids))):
        score.spans = scrub_spans(score.spans)
        score.mentions = scrub_spans(score.mentions)
        session.add(score)
        summary.scores += 1
    summary.posts += len(ids)


def _context_ids(session: Session, near_miss_since: datetime, batch_size: int) -> list[int]:
    """Posts of platforms that send thread context, in no case, past the flag rules and the near-miss window,
    whose stored payload came after the last cut (an edit brings the context back)."""
    near_miss = exists().where(Score.post_id == Post.id, col(Score.created_at) >= near_miss_since)
    stmt = (
        select(Post.id)
        .where(
            col(Post.platform).in_(CONTEXT_PLATFORMS),
            or_(col(Post.context_purged_version).is_(None), col(Post.context_purged_version) < Post.version),
            not_(_may_still_flag()),
            not_(near_miss),
            not_(_in_case()),
        )
        .order_by(col(Post.id))
        .limit(batch_size)
    )
    return [i for i in session.exec(stmt) if i is not None]


def _cut_context(session: Session, chosen: list[int], summary: PurgeSummary) -> None:
    for post in _locked(session, chosen):
        post.raw_payload = strip_thread_context(post.raw_payload, post.platform)
        # By version, not time: an edit (a new version) brings new context and is cut again, whatever the clocks.
        post.context_purged_version = post.version
        session.add(post)
        for version in session.exec(select(PostVersion).where(PostVersion.post_id == post.id)):
            version.raw_payload = strip_thread_context(version.raw_payload, post.platform)
            session.add(version)
        summary.contexts += 1


def purge_expired_text(
    engine: Engine, settings: Settings, *, now: datetime | None = None, batch_size: int = 1000
) -> PurgeSummary:
    """Purge the text of posts no rule keeps any longer, and thread context no case needs. Idempotent."""
    now = now or utcnow()
    cutoff = now - timedelta(days=settings.retention_days)
    dismissed_cutoff = now - timedelta(days=settings.retention_dismissed_days)
    near_miss_since = now - timedelta(days=settings.flagging.near_miss_days)
    summary = PurgeSummary()
    while True:
        with session_scope(engine) as session:
            ids = _expired_ids(session, cutoff, dismissed_cutoff, batch_size)
            if not ids:
                break
            _purge_posts(session, ids, now, summary)
    while True:
        with session_scope(engine) as session:
            ids = _context_ids(session, near_miss_since, batch_size)
            if not ids:
                break
            _cut_context(session, ids, summary)
    if summary.posts or summary.contexts:
        log.info("retention purged post text", extra=vars(summary))
    return summary
