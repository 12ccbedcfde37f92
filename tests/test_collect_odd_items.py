"""One odd item never fails its account: a post id wider than the column, a NUL character, a lone UTF-16
surrogate. PostgreSQL refused each of them and the whole account failed on every run with nothing stored."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from monitor.collection.items import MAX_ID, stored_id
from monitor.collection.service import CollectSummary
from monitor.collection.store import AccountOutcome, store_result, store_results
from monitor.db import session_scope
from monitor.models import Account, Post, PostVersion
from scrapers.base import FetchResult, ScrapedPost
from tests.utils.factories import make_account, make_asn

T0 = datetime(2024, 11, 1, 8, 0, tzinfo=UTC)
LONG_ID = "https://berita.example.go.id/artikel/" + "kabar-kampanye-" * 20 + "?utm_source=rss"  # > 256


def _post(post_id: str, text: str, minutes: int, **kw: Any) -> ScrapedPost:
    fields: dict[str, Any] = {
        "platform": "rss",
        "platform_post_id": post_id,
        "kind": "post",
        "url": f"https://example.test/{minutes}",
        "text": text,
        "posted_at": T0 + timedelta(minutes=minutes),
        "author_id": "https://feed.test/a",
        "author_handle": "https://feed.test/a",
        "raw_payload": f"<item>{text}</item>",
        "request_url": "https://feed.test/a",
        "http_status": 200,
    } | kw
    return ScrapedPost(**fields)


def _batch() -> FetchResult:
    posts = [
        _post("n1", "kabar biasa satu", 1),
        _post(LONG_ID, "artikel dengan alamat panjang", 2),
        _post("n2", "dukung\x00 paslon\x00 nomor 2", 3, quoted_text="kutipan\x00", raw_payload="<item>a\x00b</item>"),
        _post("n3", "rusak \ud800 di tengah", 4, raw_payload='{"text":"rusak \ud800"}'),
        _post("n4", "berbagi ulang", 5, kind="repost", original_post_id=LONG_ID),
        _post("n5", "kabar biasa dua", 6),
    ]
    return FetchResult(posts=posts, cursor={"etag": "x"}, seen_ids={p.platform_post_id for p in posts}, window_start=T0)


def _account(engine: Engine) -> int:
    with session_scope(engine) as session:
        account = make_account(session, make_asn(session), platform="rss", handle="https://feed.test/a")
        return account.id  # type: ignore[return-value]


def _stored(engine: Engine, account_id: int) -> dict[str, Post]:
    with Session(engine) as session:
        return {p.platform_post_id: p for p in session.exec(select(Post).where(Post.account_id == account_id))}


def test_odd_items_are_stored_and_named_and_the_next_run_is_quiet(engine: Engine) -> None:
    account_id = _account(engine)
    [first] = store_results(engine, [(account_id, _batch())])
    assert isinstance(first, AccountOutcome), first
    assert (first.status, first.new) == ("ok", 6)
    stored = _stored(engine, account_id)
    key = stored_id(LONG_ID)
    assert len(key) == MAX_ID and key.endswith(hashlib.sha256(LONG_ID.encode()).hexdigest())
    assert set(stored) == {"n1", key, "n2", "n3", "n4", "n5"}
    # NUL characters are dropped, a lone surrogate becomes U+FFFD; the hashes are of what is stored.
    n2, n3 = stored["n2"], stored["n3"]
    assert (n2.text, n2.quoted_text, n2.raw_payload) == ("dukung paslon nomor 2", "kutipan", "<item>ab</item>")
    assert n2.text_sha256 == hashlib.sha256(b"dukung paslon nomor 2").hexdigest()
    assert n2.payload_sha256 == hashlib.sha256(b"<item>ab</item>").hexdigest()
    assert n3.text == "rusak \ufffd di tengah" and n3.raw_payload == '{"text":"rusak \ufffd"}'
    assert stored["n4"].original_post_id == key  # a repost finds its original under the same key
    # Each altered item is named in the outcome and on the account; the account stays ok.
    assert len(first.notes) == 3
    assert any(LONG_ID[:40] in n and "longer than 256" in n for n in first.notes)
    assert any(n.startswith("post n2:") and "NUL" in n for n in first.notes)
    assert any(n.startswith("post n3:") and "surrogate" in n for n in first.notes)
    summary = CollectSummary()
    summary.add(first)
    assert [account for account, _ in summary.item_notes] == [account_id] * 3
    with Session(engine) as session:
        account = session.get(Account, account_id)
        assert account is not None and account.last_status == "ok"
        assert account.last_error is not None and "3 items stored with changes" in account.last_error

    # The same items again: nothing new, nothing changed, nothing marked deleted, the account still ok.
    again = store_result(engine, account_id, _batch())
    assert (again.status, again.new, again.changed, again.deleted) == ("ok", 0, 0, 0)
    assert len(again.notes) == 3
    with Session(engine) as session:
        assert session.exec(select(PostVersion)).all() == []
        live = session.exec(select(Post.platform_post_id).where(col(Post.deleted_at).is_(None))).all()
        assert len(live) == 6
