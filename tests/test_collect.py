"""The collection service on SQLite and PostgreSQL, against the loopback server."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from monitor.collection.service import collect_accounts, collect_pass
from monitor.collection.store import store_results
from monitor.models import Account, Asn, CollectionRun, Post, PostVersion
from scrapers.base import FetchResult, ScrapedPost
from scrapers.loopback import LoopbackServer
from tests.utils.scrape_support import loopback_settings, register


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


def posts_of(engine: Engine, account_id: int) -> list[Post]:
    with Session(engine) as session:
        return list(session.exec(select(Post).where(Post.account_id == account_id).order_by(Post.id)))


def account(engine: Engine, account_id: int) -> Account:
    with Session(engine) as session:
        row = session.get(Account, account_id)
        assert row is not None
        return row


def test_first_pass_stores_posts_with_evidence(engine: Engine, server: LoopbackServer, tmp_path: Path) -> None:
    fake = server.world.add_account("bluesky", "budi.bsky.social", posts=7)
    registered = register(engine, server, fake)
    summary = collect_pass(engine, loopback_settings(server, tmp_path))
    assert (summary.accounts_ok, summary.posts_new, summary.accounts_failed) == (1, 7, 0)
    posts = posts_of(engine, registered.id)  # type: ignore[arg-type]
    assert len(posts) == 7
    for post in posts:
        assert post.payload_sha256 == hashlib.sha256(post.raw_payload.encode()).hexdigest()
        assert post.request_url.startswith(f"{server.url}/xrpc/app.bsky.feed.getAuthorFeed")
        assert post.http_status == 200 and post.captured_at.tzinfo is not None
        assert post.asn_id == registered.asn_id and post.scored_version is None
        assert post.text_sha256 == hashlib.sha256((post.text or "").encode()).hexdigest()
    row = account(engine, registered.id)  # type: ignore[arg-type]
    assert row.last_status == "ok" and row.last_error is None and row.last_collected_at is not None
    assert row.platform_user_id == f"did:plc:{fake.user_id}"
    assert json.loads(row.cursor or "{}")["newest_at"]
    with Session(engine) as session:
        run = session.exec(select(CollectionRun)).one()
    assert (run.platform, run.accounts_ok, run.posts_new) == ("bluesky", 1, 7) and run.finished_at


def test_idempotent_second_pass_stores_nothing_twice(engine: Engine, server: LoopbackServer, tmp_path: Path) -> None:
    for platform, name in [("mastodon", "budi@mastodon.test"), ("telegram", "dinascontoh"), ("rss", "berita")]:
        register(engine, server, server.world.add_account(platform, name, posts=6))
    settings = loopback_settings(server, tmp_path)
    assert collect_pass(engine, settings).posts_new == 18
    again = collect_pass(engine, settings)
    assert (again.posts_new, again.posts_changed, again.posts_deleted, again.accounts_ok) == (0, 0, 0, 3)
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Post)).one() == 18


def test_edit_keeps_the_old_version(engine: Engine, server: LoopbackServer, tmp_path: Path) -> None:
    fake = server.world.add_account("mastodon", "budi@mastodon.test", posts=3)
    registered = register(engine, server, fake)
    settings = loopback_settings(server, tmp_path)
    collect_pass(engine, settings)
    old_text = fake.posts[1].text
    server.world.edit(fake.posts[1], "Teks yang sudah diubah")
    summary = collect_pass(engine, settings)
    assert (summary.posts_new, summary.posts_changed) == (0, 1)
    edited = next(p for p in posts_of(engine, registered.id) if p.text == "Teks yang sudah diubah")  # type: ignore[arg-type]
    assert edited.version == 2 and edited.edited_at is not None and edited.scored_version is None
    with Session(engine) as session:
        version = session.exec(select(PostVersion).where(PostVersion.post_id == edited.id)).one()
    assert (version.version, version.text) == (1, old_text)
    assert old_text in version.raw_payload and version.payload_sha256 != edited.payload_sha256


def test_deleted_post_is_marked_and_evidence_kept(engine: Engine, server: LoopbackServer, tmp_path: Path) -> None:
    fake = server.world.add_account("telegram", "dinascontoh", posts=5)
    registered = register(engine, server, fake)
    settings = loopback_settings(server, tmp_path)
    collect_pass(engine, settings)
    gone = fake.posts[2]
    server.world.delete(gone)
    summary = collect_pass(engine, settings)
    assert summary.posts_deleted == 1
    rows = {p.text: p for p in posts_of(engine, registered.id)}  # type: ignore[arg-type]
    assert rows[gone.text].deleted_at is not None and gone.text in rows[gone.text].raw_payload
    assert sum(1 for p in rows.values() if p.deleted_at) == 1
    assert collect_pass(engine, settings).posts_deleted == 0  # counted once


def test_incremental_second_pass_fetches_only_new(
    sqlite_engine: Engine, server: LoopbackServer, tmp_path: Path
) -> None:
    fake = server.world.add_account("bluesky", "budi.bsky.social", posts=18)
    register(sqlite_engine, server, fake)
    settings = loopback_settings(server, tmp_path)  # 5 per page, 4 pages at most
    first = collect_pass(sqlite_engine, settings)
    assert first.posts_new == 18
    feed_requests = lambda: [r for r in server.world.requests if "getAuthorFeed" in r["path"]]  # noqa: E731
    assert len(feed_requests()) == 4
    server.world.add_post(fake, "Postingan baru")
    second = collect_pass(sqlite_engine, settings)
    assert second.posts_new == 1
    assert len(feed_requests()) == 5  # one page was enough


def test_crash_mid_page_refetches_and_skips_nothing(
    sqlite_engine: Engine, server: LoopbackServer, tmp_path: Path
) -> None:
    fake = server.world.add_account("bluesky", "budi.bsky.social", posts=12)
    registered = register(sqlite_engine, server, fake)
    settings = loopback_settings(server, tmp_path)
    server.world.add_fault("status:500", "cursor=", times=-1)  # page 2 keeps failing
    summary = collect_pass(sqlite_engine, settings)
    assert summary.failed == {"error": 1} and summary.posts_new == 0
    row = account(sqlite_engine, registered.id)  # type: ignore[arg-type]
    assert row.cursor is None and row.last_status == "error" and "HTTP 500" in (row.last_error or "")
    server.world.faults.clear()
    assert collect_pass(sqlite_engine, settings).posts_new == 12
    assert len(posts_of(sqlite_engine, registered.id)) == 12  # type: ignore[arg-type]


def test_one_bad_account_does_not_stop_the_others(engine: Engine, server: LoopbackServer, tmp_path: Path) -> None:
    good = register(engine, server, server.world.add_account("bluesky", "baik.bsky.social", posts=3))
    missing = register(engine, server, server.world.add_account("bluesky", "hilang.bsky.social", status="not_found"))
    suspended = register(
        engine, server, server.world.add_account("mastodon", "skors@mastodon.test", status="suspended")
    )
    garbage = register(engine, server, server.world.add_account("x", "rusak", posts=3))
    server.world.add_fault("malformed", f"/2/users/{server.world.get('x', 'rusak').user_id}/tweets", times=-1)  # type: ignore[union-attr]
    limited = register(engine, server, server.world.add_account("telegram", "dibatasi", posts=3))
    server.world.add_fault("429", "/s/dibatasi", times=-1, retry_after=0)
    summary = collect_pass(engine, loopback_settings(server, tmp_path))
    assert summary.accounts_ok == 1 and summary.posts_new == 3
    assert summary.failed == {"not_found": 1, "suspended": 1, "bad_payload": 1, "rate_limited": 1}
    statuses = {a.id: account(engine, a.id).last_status for a in (good, missing, suspended, garbage, limited)}  # type: ignore[arg-type]
    assert statuses == {
        good.id: "ok",
        missing.id: "not_found",
        suspended.id: "suspended",
        garbage.id: "bad_payload",
        limited.id: "rate_limited",
    }
    assert posts_of(engine, garbage.id) == []  # type: ignore[arg-type]
    assert "malformed JSON" in (account(engine, garbage.id).last_error or "")  # type: ignore[arg-type]


def test_only_registered_authors_are_stored(engine: Engine, server: LoopbackServer, tmp_path: Path) -> None:
    fakes = []
    for platform, name in [
        ("bluesky", "budi.bsky.social"),
        ("mastodon", "budi@mastodon.test"),
        ("x", "budi_asn"),
        ("telegram", "dinascontoh"),
    ]:
        fake = server.world.add_account(platform, name, posts=2)
        server.world.add_post(fake, "Postingan orang lain di utas", kind="foreign")
        server.world.add_post(fake, "Repost milik saya", kind="repost")
        fakes.append(register(engine, server, fake))
    summary = collect_pass(engine, loopback_settings(server, tmp_path))
    assert (summary.posts_new, summary.foreign_skipped) == (12, 4)
    with Session(engine) as session:
        texts = [p.text for p in session.exec(select(Post))]
    assert "Postingan orang lain di utas" not in texts and texts.count("Repost milik saya") == 4


def test_x_without_token_is_not_configured_and_the_run_goes_on(
    sqlite_engine: Engine, server: LoopbackServer, tmp_path: Path
) -> None:
    x = register(sqlite_engine, server, server.world.add_account("x", "budi_asn", posts=2))
    register(sqlite_engine, server, server.world.add_account("rss", "berita", posts=2))
    summary = collect_pass(sqlite_engine, loopback_settings(server, tmp_path, x_bearer_token=None))
    assert (summary.accounts_ok, summary.failed, summary.posts_new) == (1, {"not_configured": 1}, 2)
    assert account(sqlite_engine, x.id).last_status == "not_configured"  # type: ignore[arg-type]


def test_filters_and_collect_accounts(sqlite_engine: Engine, server: LoopbackServer, tmp_path: Path) -> None:
    a = register(sqlite_engine, server, server.world.add_account("rss", "satu", posts=1))
    b = register(sqlite_engine, server, server.world.add_account("html", "dua", posts=1))
    settings = loopback_settings(server, tmp_path)
    assert collect_pass(sqlite_engine, settings, platform="html").posts_new == 1
    with Session(sqlite_engine) as session:
        asn = session.get(Asn, a.asn_id)
        assert asn is not None
    assert collect_pass(sqlite_engine, settings, asn_nip=asn.nip).posts_new == 1
    summary = collect_accounts(sqlite_engine, [a.id, b.id], settings)  # type: ignore[list-item]
    assert summary.accounts_ok == 2 and summary.posts_new == 0
    with pytest.raises(ValueError, match="unknown platform"):
        collect_pass(sqlite_engine, settings, platform="myspace")


def test_robots_disallow_gives_a_clear_status(sqlite_engine: Engine, server: LoopbackServer, tmp_path: Path) -> None:
    server.world.robots_disallow.append("/pages/tertutup")
    blocked = register(sqlite_engine, server, server.world.add_account("html", "tertutup", posts=2))
    register(sqlite_engine, server, server.world.add_account("html", "terbuka", posts=2))
    summary = collect_pass(sqlite_engine, loopback_settings(server, tmp_path))
    assert (summary.accounts_ok, summary.failed, summary.posts_new) == (1, {"blocked_by_robots": 1}, 2)
    assert "robots.txt" in (account(sqlite_engine, blocked.id).last_error or "")  # type: ignore[arg-type]
    assert not [r for r in server.world.requests if r["path"] == "/pages/tertutup"]


@pytest.mark.parametrize(
    ("platform", "name", "burst"),
    [
        ("bluesky", "budi.bsky.social", 30),
        ("mastodon", "budi@mastodon.test", 30),
        ("x", "budi_asn", 30),
        ("telegram", "dinascontoh", 100),
    ],
)
def test_a_burst_longer_than_the_page_budget_is_caught_up_not_skipped(
    sqlite_engine: Engine, server: LoopbackServer, tmp_path: Path, platform: str, name: str, burst: int
) -> None:
    fake = server.world.add_account(platform, name, posts=3)
    registered = register(sqlite_engine, server, fake)
    settings = loopback_settings(server, tmp_path)  # at most 4 pages a pass
    collect_pass(sqlite_engine, settings)
    for n in range(burst):
        server.world.add_post(fake, f"Beruntun {n}")
    second = collect_pass(sqlite_engine, settings)
    assert 0 < second.posts_new < burst  # the budget ran out: the rest is a gap in the cursor
    assert json.loads(account(sqlite_engine, registered.id).cursor or "{}")["gaps"]  # type: ignore[arg-type]
    third = collect_pass(sqlite_engine, settings)
    assert second.posts_new + third.posts_new == burst
    assert len(posts_of(sqlite_engine, registered.id)) == 3 + burst  # type: ignore[arg-type]
    assert "gaps" not in json.loads(account(sqlite_engine, registered.id).cursor or "{}")  # type: ignore[arg-type]
    assert collect_pass(sqlite_engine, settings).posts_deleted == 0


def test_a_batch_that_fails_stores_each_account_alone(engine: Engine, server: LoopbackServer) -> None:
    """Accounts stored together (one transaction) keep their failures apart: a bad one fails alone."""
    first, second = (register(engine, server, server.world.add_account("rss", name, posts=0)) for name in ("a", "b"))

    def result(account: Account, text: str) -> FetchResult:
        post = ScrapedPost(
            platform="rss",
            platform_post_id=f"{account.handle}#1",
            kind="post",
            url=account.handle,
            text=text,
            posted_at=None,
            author_id=account.handle,
            author_handle=account.handle,
            raw_payload=f"<item>{text}</item>",
            request_url=account.handle,
            http_status=200,
        )
        return FetchResult(posts=[post], cursor={"etag": text}, platform_user_id=account.handle)

    outcomes = store_results(
        engine,
        [(first.id, result(first, "satu")), (999_999, result(first, "hilang")), (second.id, result(second, "dua"))],  # type: ignore[list-item]
    )
    assert isinstance(outcomes[1], LookupError)
    assert [o.new for o in (outcomes[0], outcomes[2])] == [1, 1]  # type: ignore[union-attr]
    assert [p.text for p in posts_of(engine, first.id)] == ["satu"]  # type: ignore[arg-type]
    assert [p.text for p in posts_of(engine, second.id)] == ["dua"]  # type: ignore[arg-type]
    assert json.loads(account(engine, second.id).cursor or "{}") == {"etag": "dua"}  # type: ignore[arg-type]
    assert account(engine, second.id).last_status == "ok"  # type: ignore[arg-type]
