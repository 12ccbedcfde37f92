"""Each source's fetch against the loopback server: paging, kinds, cursors, statuses, bad payloads."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from scrapers.base import AccountRef, FetchResult, HtmlSource, ScrapeConfig
from scrapers.errors import BadPayload, NotConfigured, NotFound, Private, Suspended
from scrapers.http import PoliteClient
from scrapers.loopback import FakeAccount, LoopbackServer
from scrapers.registry import SCRAPERS

NAMES = {
    "bluesky": "budi.bsky.social",
    "mastodon": "budi@mastodon.test",
    "telegram": "dinaskabcontoh",
    "rss": "berita",
    "youtube": "UCcontoh",
    "x": "budi_asn",
    "html": "dinas",
}


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


def scrape_config(server: LoopbackServer, **kw: Any) -> ScrapeConfig:
    o = server.scraper_settings()
    base: dict[str, Any] = dict(
        requests_per_second_per_host=0,
        timeout_s=0.5,
        max_retries=1,
        backoff_base_s=0.01,
        page_size=5,
        max_pages_per_account=10,
        bluesky_url=o["bluesky_url"],
        x_api_url=o["x_api_url"],
        telegram_url=o["telegram_url"],
        x_bearer_token=o["x_bearer_token"],
        mastodon_urls=o["mastodon_urls"],
        html_sources={k: HtmlSource(**v) for k, v in o["html_sources"].items()},
    )
    return ScrapeConfig(**(base | kw))


@pytest.fixture
async def client(server: LoopbackServer) -> AsyncIterator[PoliteClient]:
    async with PoliteClient(scrape_config(server)) as c:
        yield c


async def fetch(
    client: PoliteClient, server: LoopbackServer, fake: FakeAccount, cursor: dict[str, Any] | None = None
) -> FetchResult:
    ref = AccountRef(fake.platform, server.handle_for(fake))
    return await SCRAPERS[fake.platform].fetch(client, ref, cursor or {})


@pytest.mark.parametrize("platform", sorted(NAMES))
async def test_every_source_fetches_all_posts_with_evidence(
    platform: str, server: LoopbackServer, client: PoliteClient
) -> None:
    fake = server.world.add_account(platform, NAMES[platform], posts=12)
    result = await fetch(client, server, fake)
    assert len(result.posts) == 12
    assert {p.text for p in result.posts} == {p.text for p in fake.posts}
    assert result.seen_ids == {p.platform_post_id for p in result.posts}
    assert all(p.http_status == 200 and p.request_url.startswith(server.url) and p.raw_payload for p in result.posts)
    assert all(p.posted_at is not None and p.platform == platform for p in result.posts)
    assert result.window_start == min(p.posted_at for p in result.posts)  # type: ignore[type-var]
    assert result.platform_user_id


@pytest.mark.parametrize("platform", ["bluesky", "mastodon", "x", "telegram"])
async def test_kinds(platform: str, server: LoopbackServer, client: PoliteClient) -> None:
    fake = server.world.add_account(platform, NAMES[platform], posts=1)
    server.world.add_post(fake, "Dukung paslon nomor 1", kind="repost")
    server.world.add_post(fake, "Balasan saya", kind="reply")
    if platform != "telegram":
        server.world.add_post(fake, "Setuju!", kind="quote", quoted_text="Pilih nomor 2")
    kinds = {p.text: p for p in (await fetch(client, server, fake)).posts}
    assert kinds["Dukung paslon nomor 1"].kind == "repost"
    if platform == "telegram":
        # "Forwarded from" names only the channel here, as in the recorded payloads: the forward is keyed by
        # itself, never by the channel (tests/test_decided_cases.py covers a link naming the message)
        assert kinds["Dukung paslon nomor 1"].original_post_id is None
    else:
        assert kinds["Dukung paslon nomor 1"].original_post_id
    assert kinds["Balasan saya"].kind == "reply"
    if platform != "telegram":
        assert (kinds["Setuju!"].kind, kinds["Setuju!"].quoted_text) == ("quote", "Pilih nomor 2")


@pytest.mark.parametrize("platform", ["bluesky", "mastodon", "x", "telegram"])
async def test_cursor_stops_paging_at_known_posts(platform: str, server: LoopbackServer, client: PoliteClient) -> None:
    fake = server.world.add_account(platform, NAMES[platform], posts=12 if platform != "telegram" else 45)
    first = await fetch(client, server, fake)
    pages_first = len(server.world.requests)
    server.world.add_post(fake, "baru")
    second = await fetch(client, server, fake, first.cursor)
    assert "baru" in {p.text for p in second.posts}
    assert len(second.posts) < len(first.posts)
    assert len(server.world.requests) - pages_first <= 2  # lookup (where needed) + one page


async def test_bluesky_pages_by_cursor(server: LoopbackServer, client: PoliteClient) -> None:
    fake = server.world.add_account("bluesky", NAMES["bluesky"], posts=12)
    await fetch(client, server, fake)
    feed = [r["path"] for r in server.world.requests if "getAuthorFeed" in r["path"]]
    assert len(feed) == 3 and "cursor=" not in feed[0] and "cursor=" in feed[1]


async def test_mastodon_pages_by_max_id_from_link_header(server: LoopbackServer, client: PoliteClient) -> None:
    fake = server.world.add_account("mastodon", NAMES["mastodon"], posts=7)
    await fetch(client, server, fake)
    statuses = [r["path"] for r in server.world.requests if "/statuses" in r["path"]]
    assert len(statuses) == 2 and "max_id=" in statuses[1]


async def test_telegram_pages_backwards_with_before(server: LoopbackServer, client: PoliteClient) -> None:
    fake = server.world.add_account("telegram", NAMES["telegram"], posts=30)
    result = await fetch(client, server, fake)
    assert len(result.posts) == 30
    pages = [r["path"] for r in server.world.requests if r["path"].startswith("/s/")]
    assert len(pages) == 2 and "before=" in pages[1]


@pytest.mark.parametrize("platform", ["telegram", "rss", "youtube", "html"])
async def test_conditional_request_304_means_not_modified(
    platform: str, server: LoopbackServer, client: PoliteClient
) -> None:
    fake = server.world.add_account(platform, NAMES[platform], posts=3)
    first = await fetch(client, server, fake)
    assert first.cursor.get("etag")
    second = await fetch(client, server, fake, first.cursor)
    assert second.not_modified and second.posts == [] and second.window_start is None
    assert server.world.requests[-1]["status"] == "304"
    assert server.world.requests[-1]["if_none_match"] == first.cursor["etag"]
    server.world.add_post(fake, "berita baru")
    third = await fetch(client, server, fake, first.cursor)
    assert not third.not_modified and "berita baru" in {p.text.split("\n\n")[-1] for p in third.posts}


@pytest.mark.parametrize(
    ("platform", "status", "error"),
    [
        ("bluesky", "not_found", NotFound),
        ("bluesky", "suspended", Suspended),
        ("mastodon", "not_found", NotFound),
        ("mastodon", "suspended", Suspended),
        ("x", "not_found", NotFound),
        ("x", "suspended", Suspended),
        ("x", "private", Private),
        ("telegram", "not_found", NotFound),
    ],
)
async def test_account_problems_are_typed(
    platform: str, status: str, error: type[Exception], server: LoopbackServer, client: PoliteClient
) -> None:
    fake = server.world.add_account(platform, NAMES[platform], posts=2, status=status)
    with pytest.raises(error):
        await fetch(client, server, fake)


@pytest.mark.parametrize(
    ("platform", "match"),
    [
        ("bluesky", "getAuthorFeed"),
        ("mastodon", "/statuses"),
        ("x", "/tweets"),
        ("telegram", "/s/"),
        ("rss", "/feeds/"),
        ("youtube", "/feeds/"),
        ("html", "/pages/"),
    ],
)
async def test_malformed_payload_is_bad_payload(
    platform: str, match: str, server: LoopbackServer, client: PoliteClient
) -> None:
    fake = server.world.add_account(platform, NAMES[platform], posts=2)
    server.world.add_fault("malformed", match)
    with pytest.raises(BadPayload):
        await fetch(client, server, fake)


async def test_x_without_token_is_not_configured(server: LoopbackServer) -> None:
    fake = server.world.add_account("x", NAMES["x"], posts=2)
    async with PoliteClient(scrape_config(server, x_bearer_token=None)) as client:
        with pytest.raises(NotConfigured, match="NETRA_SCRAPERS__X_BEARER_TOKEN"):
            await fetch(client, server, fake)
    assert server.world.requests == []  # nothing was sent
    async with PoliteClient(scrape_config(server, x_bearer_token="wrong")) as client:
        with pytest.raises(NotConfigured, match="401"):
            await fetch(client, server, fake)


async def test_html_page_without_selectors_is_not_configured(server: LoopbackServer) -> None:
    fake = server.world.add_account("html", NAMES["html"], posts=2)
    async with PoliteClient(scrape_config(server, html_sources={})) as client:
        with pytest.raises(NotConfigured):
            await fetch(client, server, fake)


@pytest.mark.parametrize("platform", ["bluesky", "x"])
async def test_known_user_id_skips_the_lookup_and_still_sees_suspension(
    platform: str, server: LoopbackServer, client: PoliteClient
) -> None:
    fake = server.world.add_account(platform, NAMES[platform], posts=3)
    first = await fetch(client, server, fake)
    ref = AccountRef(platform, server.handle_for(fake), first.platform_user_id)
    before = len(server.world.requests)
    again = await SCRAPERS[platform].fetch(client, ref, first.cursor)
    assert again.platform_user_id == first.platform_user_id
    assert len(server.world.requests) - before == 1  # the timeline only
    fake.status = "suspended"
    with pytest.raises(Suspended):
        await SCRAPERS[platform].fetch(client, ref, first.cursor)
