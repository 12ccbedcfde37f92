"""Netra's archived copy of a case's post: the text and the raw payload exactly as captured, per version.

The link to the original can die (a deleted post, a platform down, the demo's loopback source stopped);
the copy Netra kept cannot. Reached only through a case, so the viewer's agency scope applies: a case
outside it, or a post that is not in the case, is "not found".
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlmodel import Session, col, select

from monitor.models import CasePost, Post, PostVersion
from monitor.review.cases import CaseNotFound, Viewer, scoped_case

__all__ = ["ArchivedCopy", "ArchivedVersion", "VersionNotFound", "archived_copy", "payload_intact", "pick_version"]


class VersionNotFound(LookupError):
    """The post has no such version."""


class ArchivedVersion(NamedTuple):
    version: int
    text: str | None  # None once purged by retention (the raw payload is kept as evidence)
    raw_payload: str
    payload_sha256: str
    captured_at: datetime
    request_url: str
    http_status: int | None
    current: bool  # the post's latest version


@dataclass(frozen=True)
class ArchivedCopy:
    case_id: int
    post_id: int
    platform: str
    url: str
    posted_at: datetime | None
    shown: ArchivedVersion
    flagged: bool  # `shown` is the version this case is about
    intact: bool  # the raw payload still hashes to the SHA-256 recorded when it was captured
    versions: list[ArchivedVersion]  # every version kept, newest first


def payload_intact(raw_payload: str, recorded_sha256: str) -> bool:
    return hashlib.sha256(raw_payload.encode()).hexdigest() == recorded_sha256


def pick_version(versions: list[ArchivedVersion], wanted: int) -> ArchivedVersion:
    for version in versions:
        if version.version == wanted:
            return version
    raise VersionNotFound(f"no version {wanted}")


def _versions(session: Session, post: Post) -> list[ArchivedVersion]:
    current = ArchivedVersion(
        post.version,
        post.text,
        post.raw_payload,
        post.payload_sha256,
        post.captured_at,
        post.request_url,
        post.http_status,
        True,
    )
    earlier = session.exec(
        select(PostVersion).where(PostVersion.post_id == post.id).order_by(col(PostVersion.version).desc())
    ).all()
    kept = [
        ArchivedVersion(
            v.version, v.text, v.raw_payload, v.payload_sha256, v.captured_at, v.request_url, v.http_status, False
        )
        for v in earlier
        if v.version != post.version
    ]
    return [current, *kept]


def archived_copy(
    session: Session, viewer: Viewer, case_id: int, post_id: int | None = None, version: int | None = None
) -> ArchivedCopy:
    """The case's post (or one joined to the case), at `version` (default: the version the case flagged).

    Raises CaseNotFound outside the viewer's scope or for a post not in the case, VersionNotFound for a
    version the post never had.
    """
    case = scoped_case(session, viewer, case_id)  # first: scope is never leaked
    joined = {
        row.post_id: row.post_version for row in session.exec(select(CasePost).where(CasePost.case_id == case_id))
    }
    flagged = {**joined, case.post_id: case.post_version}  # post id -> the version that is in this case
    wanted_post = post_id if post_id is not None else case.post_id
    if wanted_post not in flagged:
        raise CaseNotFound(case_id)
    post = session.get(Post, wanted_post)
    assert post is not None and post.id is not None  # the case's posts are never deleted
    versions = _versions(session, post)
    shown = pick_version(versions, version if version is not None else flagged[wanted_post])
    assert case.id is not None
    return ArchivedCopy(
        case_id=case.id,
        post_id=post.id,
        platform=post.platform,
        url=post.url,
        posted_at=post.posted_at,
        shown=shown,
        flagged=shown.version == flagged[wanted_post],
        intact=payload_intact(shown.raw_payload, shown.payload_sha256),
        versions=versions,
    )
