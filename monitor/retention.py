"""Data minimisation: posts that were never flagged keep their text only `settings.retention_days`.

After that window the text, the quoted text, and the text fields of the raw payload (and of earlier
versions) are cleared; the hashes, ids, timestamps and URLs stay, so what was collected can still be
counted and matched. Evidence survives untouched: a post that is part of a case (as its post or as a
repost that joined it) keeps everything, and so does a post that may still become one (not yet
scored, or scored but not yet looked at by the flag rules).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, exists
from sqlmodel import col, select

from monitor.config import Settings
from monitor.db import session_scope
from monitor.models import Case, CasePost, Post, PostVersion, Score, utcnow

__all__ = ["PurgeSummary", "purge_expired_text", "strip_payload_text"]

log = logging.getLogger(__name__)

# Keys whose string values carry what people wrote (or media descriptions of it) in platform payloads.
TEXT_KEYS = frozenset(
    {
        "text",
        "full_text",
        "content",
        "body",
        "message",
        "caption",
        "description",
        "summary",
        "title",
        "spoiler_text",
        "alt",
        "html",
        "quoted_text",
        "note",
        "display_name",
        "displayName",
    }
)


def strip_payload_text(raw: str) -> str:
    """The payload with every text field emptied; a payload that is not JSON (HTML, XML) is dropped."""
    try:
        data = json.loads(raw)
    except (ValueError, TypeError):
        return ""

    def scrub(node: object) -> object:
        if isinstance(node, dict):
            return {k: ("" if k in TEXT_KEYS and isinstance(v, str) else scrub(v)) for k, v in node.items()}
        if isinstance(node, list):
            return [scrub(item) for item in node]
        return node

    return json.dumps(scrub(data), ensure_ascii=False, sort_keys=True)


@dataclass
class PurgeSummary:
    posts: int = 0
    versions: int = 0


def _expired_ids(session: object, cutoff: datetime, batch_size: int) -> list[int]:
    in_case = exists().where(Case.post_id == Post.id)
    joined_case = exists().where(CasePost.post_id == Post.id)
    unchecked_score = exists().where(Score.post_id == Post.id, col(Score.flag_checked_at).is_(None))
    stmt = (
        select(Post.id)
        .where(
            col(Post.text_purged_at).is_(None),
            col(Post.captured_at) < cutoff,
            col(Post.scored_version).is_not(None),
            ~in_case,
            ~joined_case,
            ~unchecked_score,
        )
        .order_by(col(Post.id))
        .limit(batch_size)
    )
    return list(session.exec(stmt).all())  # type: ignore[attr-defined]


def purge_expired_text(
    engine: Engine, settings: Settings, *, now: datetime | None = None, batch_size: int = 1000
) -> PurgeSummary:
    """Clear the text of unflagged posts captured more than `retention_days` ago. Idempotent."""
    now = now or utcnow()
    cutoff = now - timedelta(days=settings.retention_days)
    summary = PurgeSummary()
    while True:
        with session_scope(engine) as session:
            ids = _expired_ids(session, cutoff, batch_size)
            if not ids:
                break
            for post in session.exec(select(Post).where(col(Post.id).in_(ids))):
                post.text = None
                post.quoted_text = None
                post.raw_payload = strip_payload_text(post.raw_payload)
                post.text_purged_at = now
                session.add(post)
            for version in session.exec(select(PostVersion).where(col(PostVersion.post_id).in_(ids))):
                version.text = None
                version.raw_payload = strip_payload_text(version.raw_payload)
                session.add(version)
                summary.versions += 1
            summary.posts += len(ids)
    if summary.posts:
        log.info("retention purged post text", extra={"posts": summary.posts, "versions": summary.versions})
    return summary
