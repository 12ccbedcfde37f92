"""Accounts stored together (store_results: one query of each kind for the whole batch) end exactly as
they would stored one after the other (store_result), whatever the batch holds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from monitor.collection import store as collect_store
from monitor.collection.store import store_result, store_results
from monitor.db import make_engine, session_scope, upgrade
from monitor.models import Account, Post, PostVersion
from scrapers.base import FetchResult, ScrapedPost
from tests.utils.factories import make_account, make_asn, make_post

T0 = datetime(2024, 11, 1, 8, 0, tzinfo=UTC)


def _scraped(account: dict[str, Any], post_id: str, text: str, minutes: int, author: str | None = None) -> ScrapedPost:
    return ScrapedPost(
        platform=account["platform"],
        platform_post_id=post_id,
        kind="post",
        url=f"https://example.test/{post_id}",
        text=text,
        posted_at=T0 + timedelta(minutes=minutes),
        author_id=author or account["handle"],
        author_handle=author or account["handle"],
        raw_payload=f"<item>{post_id} {text}</item>",
        request_url=account["handle"],
        http_status=200,
    )


def _setup(engine: Engine) -> dict[str, dict[str, Any]]:
    """Four accounts (two of them the same feed) with stored posts: live, deleted, purged."""
    with session_scope(engine) as session:
        asn = make_asn(session, nip="198503122010011001")
        accounts = {
            "a": make_account(session, asn, platform="rss", handle="https://feed.test/a"),
            "b": make_account(session, asn, platform="rss", handle="https://feed.test/b"),
            "c": make_account(session, asn, platform="bluesky", handle="c.bsky.social", platform_user_id="did:c"),
            "d": make_account(session, asn, platform="rss", handle="https://mirror.test/a"),
        }
        for key in ("a", "b", "c"):
            account = accounts[key]
            for n, extra in enumerate([{}, {}, {"deleted_at": T0}, {}, {"text_purged_at": T0, "text": ""}]):
                fields = {"text": f"teks {key}{n}", "raw_payload": f"<item>{key}{n}</item>"} | extra
                make_post(
                    session,
                    account,
                    platform_post_id=f"{key}{n}",
                    posted_at=T0 + timedelta(minutes=n),
                    url=f"https://example.test/{key}{n}",
                    request_url=account.handle,
                    **fields,
                )
        return {k: {"id": a.id, "platform": a.platform, "handle": a.handle} for k, a in accounts.items()}


def _result(account: dict[str, Any], posts: list[ScrapedPost], **kw: Any) -> FetchResult:
    seen = kw.pop("seen", {p.platform_post_id for p in posts})
    return FetchResult(posts=posts, cursor={"n": len(posts)}, seen_ids=seen, platform_user_id=None, **kw)


def _batch(accounts: dict[str, dict[str, Any]], shape: str) -> list[tuple[int, FetchResult]]:
    a, b, c, d = (accounts[k] for k in "abcd")
    items = [
        # a: one unchanged, one gone (a1), one back (a2), one edited (a3), one purged and edited (a4), one new
        (
            a["id"],
            _result(
                a,
                [
                    _scraped(a, "a0", "teks a0", 0),
                    _scraped(a, "a2", "kembali", 2),
                    _scraped(a, "a3", "diubah", 3),
                    _scraped(a, "a4", "dibersihkan", 4),
                    _scraped(a, "a9", "baru", 9),
                    _scraped(a, "a9", "baru", 9),  # a pinned post, twice on the page
                    _scraped(a, "x1", "orang lain", 5, author="https://other.test"),
                ],
                window_start=T0 - timedelta(minutes=1),
            ),
        ),
        # b: everything new, no window (an incremental fetch)
        (b["id"], _result(b, [_scraped(b, f"b{n}", f"b baru {n}", 10 + n) for n in range(5, 8)])),
        # c: nothing fetched at all (a 304), then a window that says c0 and c1 are gone
        (c["id"], _result(c, [], not_modified=True)),
    ]
    if shape == "window":
        items.append((c["id"] + 0, _result(c, [_scraped(c, "c3", "c", 3)], window_start=T0 - timedelta(minutes=1))))
        del items[2]
    if shape == "shared":  # d is the same feed as a: a stores a9 first, d finds it stored for a
        items.append((d["id"], _result(d, [_scraped(d, "a9", "baru", 9), _scraped(d, "d1", "d", 1)])))
    if shape == "unseen":  # a stored post that the fetch's seen ids leave out: marked deleted after it is stored
        items.append((b["id"] + 0, _result(b, [_scraped(b, "b1", "lagi", 1)], seen=set(), window_start=T0)))
        del items[1]
    if shape == "twice":
        items.append((b["id"], _result(b, [_scraped(b, "b8", "kedua", 8)], window_start=T0)))
    return items


def _state(engine: Engine) -> tuple[list[Any], list[Any], list[Any]]:
    """Everything storing writes, timestamps written as "set" or None (they differ by microseconds)."""

    def when(value: Any) -> Any:
        return None if value is None else "set"

    with Session(engine) as session:
        posts = [
            (
                p.id,
                p.account_id,
                p.platform,
                p.platform_post_id,
                p.text,
                p.raw_payload,
                p.payload_sha256,
                p.text_sha256,
                p.kind,
                p.url,
                when(p.captured_at),
                p.version,
                when(p.deleted_at),
                when(p.edited_at),
                p.posted_at,
                p.text_purged_at,
                p.scored_version,
                p.request_url,
            )
            for p in session.exec(select(Post).order_by(Post.id))
        ]
        versions = [
            (v.post_id, v.version, v.text, v.raw_payload)
            for v in session.exec(select(PostVersion).order_by(PostVersion.id))
        ]
        accounts = [
            (a.id, a.cursor, a.platform_user_id, a.last_status, a.last_error, when(a.last_collected_at))
            for a in session.exec(select(Account).order_by(Account.id))
        ]
    return posts, versions, accounts


def _outcomes(outcomes: list[Any]) -> list[Any]:
    return [(o.account_id, o.status, o.new, o.changed, o.deleted, o.foreign) for o in outcomes]


@pytest.mark.parametrize(
    ("shape", "together"), [("plain", True), ("window", True), ("shared", False), ("unseen", False), ("twice", False)]
)
def test_store_results_equals_one_after_the_other(
    shape: str, together: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engines = []
    for name in ("together", "alone"):
        (tmp_path / name).mkdir()
        engine = make_engine(f"sqlite:///{tmp_path / name / 'netra.db'}")
        upgrade(engine)
        engines.append(engine)
    calls: list[int] = []
    real: Callable[..., None] = collect_store._store_together
    monkeypatch.setattr(collect_store, "_store_together", lambda s, p: (calls.append(len(p)), real(s, p))[1])

    accounts = _setup(engines[0])
    assert _setup(engines[1]) == accounts
    batched = store_results(engines[0], _batch(accounts, shape))
    alone = [store_result(engines[1], account_id, result) for account_id, result in _batch(accounts, shape)]

    assert _outcomes(batched) == _outcomes(alone)
    assert _state(engines[0]) == _state(engines[1])
    assert bool(calls) == together
    for engine in engines:
        engine.dispose()
