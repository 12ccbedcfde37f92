"""Retention: unflagged posts lose their text after the window; evidence survives."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from monitor.config import Settings
from monitor.models import CasePost, Post, PostVersion
from monitor.privacy.retention import purge_expired_text, strip_payload_text
from tests.utils.factories import make_account, make_case, make_post, make_score

NOW = datetime(2025, 3, 1, 0, 0, tzinfo=UTC)
OLD = NOW - timedelta(days=91)
RECENT = NOW - timedelta(days=89)
PAYLOAD = json.dumps(
    {
        "uri": "at://x/1",
        "record": {"text": "Dukung Bang Andi!", "createdAt": "2024-11-01"},
        "likeCount": 3,
        "embed": [{"alt": "foto kampanye", "cid": "abc"}],
    }
)


def test_strip_payload_text_keeps_metadata() -> None:
    stripped = json.loads(strip_payload_text(PAYLOAD))
    assert stripped["record"] == {"text": "", "createdAt": "2024-11-01"}
    assert stripped["uri"] == "at://x/1" and stripped["likeCount"] == 3
    assert stripped["embed"] == [{"alt": "", "cid": "abc"}]
    assert strip_payload_text("<html><p>teks</p></html>") == ""


def test_purges_only_expired_unflagged_scored_posts(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as s:
        account = make_account(s)
        expired = make_post(
            s, account, captured_at=OLD, raw_payload=PAYLOAD, quoted_text="kutipan", scored_version="v1"
        )
        make_score(s, expired, flag_checked_at=OLD)
        s.add(
            PostVersion(
                post_id=expired.id,
                version=1,
                text="versi lama",
                raw_payload=PAYLOAD,
                payload_sha256="a" * 64,
                captured_at=OLD,
            )
        )
        recent = make_post(s, account, captured_at=RECENT, scored_version="v1")
        flagged = make_post(s, account, captured_at=OLD, scored_version="v1")
        make_case(s, flagged)
        joined = make_post(s, account, captured_at=OLD, scored_version="v1", kind="repost")
        s.add(CasePost(case_id=make_case(s).id, post_id=joined.id))
        unscored = make_post(s, account, captured_at=OLD)
        unchecked = make_post(s, account, captured_at=OLD, scored_version="v1")
        make_score(s, unchecked)  # the flag rules have not looked at it yet
        s.commit()
        hashes = (expired.payload_sha256, expired.text_sha256)

    summary = purge_expired_text(engine, Settings(_env_file=None), now=NOW)
    assert (summary.posts, summary.versions) == (1, 1)
    with Session(engine) as s:
        post = s.get(Post, expired.id)
        assert post is not None
        assert post.text is None and post.quoted_text is None and post.text_purged_at == NOW
        assert "Dukung" not in post.raw_payload and json.loads(post.raw_payload)["uri"] == "at://x/1"
        assert (post.payload_sha256, post.text_sha256) == hashes
        assert post.url and post.posted_at is not None
        version = s.get(PostVersion, 1)
        assert version is not None and version.text is None and "Dukung" not in version.raw_payload
        for kept in (recent, flagged, joined, unscored, unchecked):
            row = s.get(Post, kept.id)
            assert row is not None and row.text and row.text_purged_at is None, kept.id

    assert purge_expired_text(engine, Settings(_env_file=None), now=NOW).posts == 0  # idempotent


def test_window_is_configurable(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as s:
        post = make_post(s, captured_at=NOW - timedelta(days=10), scored_version="v1")
        s.commit()
    assert purge_expired_text(engine, Settings(_env_file=None), now=NOW).posts == 0
    assert purge_expired_text(engine, Settings(_env_file=None, retention_days=7), now=NOW).posts == 1
    with Session(engine) as s:
        row = s.get(Post, post.id)
        assert row is not None and row.text is None
