"""The cheap readers give exactly what the general ones give: feeds read with lxml (plain_feed) against
feedparser, Mastodon's plain paragraphs against beautifulsoup4, on the recorded payloads and on tricky ones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from scrapers import loopback_pages, mastodon, plain_feed, rss
from scrapers.base import ScrapedPost
from scrapers.loopback_state import World

FIXTURES = Path(__file__).parent / "fixtures" / "platforms"
TRICKY_TEXTS = [
    "Rapat R&D pukul 08.00 > jadwal",
    "AT&T; harga &copy; naik",
    "a < b dan 'kutip' \"ganda\"",
    "Selamat   pagi\n\n  Indonesia  ",
    "Ünïcödé — 日本 😀",
    "Ã© bukan é",
    "",
]


def _world_feeds() -> list[tuple[bytes, str]]:
    world = World()
    feeds = []
    for n, text in enumerate(TRICKY_TEXTS):
        account = world.add_account("rss", f"f{n}", posts=2)
        world.add_post(account, text=text)
        channel = world.add_account("youtube", f"y{n}", posts=2)
        world.add_post(channel, text=text)
        feeds.append((loopback_pages.rss_feed(account, "http://h").encode(), "rss"))
        feeds.append((loopback_pages.youtube_feed(channel, "http://h").encode(), "youtube"))
    return feeds


def _rss(items: str, channel: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>{channel}{items}</channel></rss>'.encode()
    )


def _atom(entry: str) -> bytes:
    return (
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">'
        f"<id>yt:channel:c</id><title>c</title><entry>{entry}</entry></feed>"
    ).encode()


# Shapes at the edge of what plain_feed reads: each is either read identically or left to feedparser.
EDGE_FEEDS = [
    (_rss("<item><title>t</title><guid>http://h/1</guid></item>"), "rss"),  # a permalink guid is the link
    (_rss('<item><title>t</title><guid isPermaLink="false">g1</guid></item>'), "rss"),
    (_rss("<item><title>t</title><link>http:///h/1</link><guid>g</guid></item>"), "rss"),
    (_rss("<item><title>A &amp;amp; B</title><guid>g</guid></item>"), "rss"),
    (_rss("<item><title>t</title><description>R&amp;D</description><guid>g</guid></item>"), "rss"),
    (_rss("<item><title>t</title><description>&lt;b&gt;x&lt;/b&gt;</description><guid>g</guid></item>"), "rss"),
    (_rss("<item><title><![CDATA[Judul & isi]]></title><guid>g</guid></item>"), "rss"),
    (_rss("<item><title>t</title><author>budi@contoh.go.id</author><guid>g</guid></item>"), "rss"),
    (_rss("<item><title>t</title><author> Budi </author><guid>g</guid></item>"), "rss"),
    (_rss("<item><title>t</title><pubDate>Fri, 01 Nov 2024 10:00 +0700</pubDate><guid>g</guid></item>"), "rss"),
    (_rss("<item><title>t</title><pubDate>Fri, 01 Nov 24 10:00:00 EST</pubDate><guid>g</guid></item>"), "rss"),
    (_rss("<item><title>t</title><pubDate>31 Feb 2024 10:00:00 GMT</pubDate><guid>g</guid></item>"), "rss"),
    (_rss("<item><title>a</title><title>b</title><guid>g</guid></item>"), "rss"),
    (_rss("<item><title>t</title><guid>g</guid></item>", "<language>id</language>"), "rss"),
    (_atom('<id>urn:x:1</id><title>t</title><link rel="self" href="http://h/self"/>'), "youtube"),
    (
        _atom('<id>urn:x:1</id><title>t</title><link href="http://h/a"/><link rel="alternate" href="http://h/b"/>'),
        "youtube",
    ),
    (_atom("<id>urn:x:1</id><title>t</title><published>2024-11-01T10:00:00.999+07:00</published>"), "youtube"),
    (_atom("<id>urn:x:1</id><title>t</title><updated>2024-11-01</updated>"), "youtube"),
    (_atom("<id>urn:x:1</id><author><name>Budi</name><email>b@c.id</email></author><title>t</title>"), "youtube"),
    (_atom("<id>urn:x:1</id><media:group><media:title>m</media:title></media:group>"), "youtube"),
    (_atom('<id>urn:x:1</id><title type="html">&lt;b&gt;t&lt;/b&gt;</title>'), "youtube"),
]


def _by_feedparser(body: bytes, platform: str) -> list[ScrapedPost]:
    entries, raws = rss.parse_feed(body).entries, rss.raw_entries(body)
    return [rss.to_post(e, feed_url="f", raw=r, platform=platform) for e, r in zip(entries, raws, strict=True)]


def _by_read_feed(body: bytes, platform: str) -> list[ScrapedPost]:
    entries, raws = rss.read_feed(body)
    return [rss.to_post(e, feed_url="f", raw=r, platform=platform) for e, r in zip(entries, raws, strict=True)]


def _recorded_feeds() -> list[tuple[bytes, str]]:
    names = ["rss/feedparser_example_rss20.xml", "rss/feedparser_example_atom10.xml", "youtube/channel_feed.xml"]
    return [((FIXTURES / name).read_bytes(), name.split("/")[0]) for name in names]


@pytest.mark.parametrize(("body", "platform"), _recorded_feeds() + _world_feeds() + EDGE_FEEDS)
def test_read_feed_maps_like_feedparser(body: bytes, platform: str) -> None:
    # ScrapedPost equality covers every field: ids, kind, url, text, posted_at, author, raw payload.
    assert _by_read_feed(body, platform) == _by_feedparser(body, platform)


def test_plain_feeds_skip_feedparser() -> None:
    assert plain_feed.read((FIXTURES / "youtube/channel_feed.xml").read_bytes()) is not None
    world = World()
    feed, channel = world.add_account("rss", "f", posts=5), world.add_account("youtube", "y", posts=5)
    assert plain_feed.read(loopback_pages.rss_feed(feed, "http://h").encode()) is not None
    assert plain_feed.read(loopback_pages.youtube_feed(channel, "http://h").encode()) is not None
    # Markup, xml:base and dates feedparser reads more ways than we do stay with feedparser.
    assert plain_feed.read((FIXTURES / "rss/feedparser_example_rss20.xml").read_bytes()) is None
    assert plain_feed.read((FIXTURES / "rss/feedparser_example_atom10.xml").read_bytes()) is None
    assert plain_feed.read(EDGE_FEEDS[10][0]) is None
    assert plain_feed.read(b"<rss><channel><item><title>rusak") is None


def _statuses() -> list[dict[str, Any]]:
    statuses = [
        json.loads((FIXTURES / "mastodon" / name).read_text())
        for name in ("status_reblog.json", "status_reply.json", "status_remote_reply_with_quote.json")
    ]
    cassette = yaml.safe_load((FIXTURES / "mastodon/account_statuses_paging.yaml").read_text())
    for interaction in cassette["interactions"]:
        body = json.loads(interaction["response"]["body"]["string"])
        statuses.extend(body if isinstance(body, list) else [])
    return statuses


def _contents(status: dict[str, Any]) -> list[str]:
    quoted = ((status.get("quote") or {}).get("quoted_status") or {}).get("content")
    return [
        status["content"],
        *([status["reblog"]["content"]] if status.get("reblog") else []),
        *([quoted] if quoted else []),
    ]


MASTODON_HTML = [
    "<p>Satu<br>dua</p><p>tiga &amp; empat</p>",
    "<p>a<br />\t<br/>b</p><p> \n </p><p>&quot;x&quot; &#39;y&#39; &lt;z&gt;</p>",
    "<p>\xa0spasi\u3000</p><p>\n</p>",
    '<p>Halo <a href="https://x/@budi" class="u-url mention">@budi</a></p>',
    "<p>tanpa akhir",
    "teks polos",
    "<p>a</p>\n<p>b</p>",
    "<p>&nbsp;x</p>",
    "<p>baris\r\nbaru</p>",
]


@pytest.mark.parametrize("html", [c for s in _statuses() for c in _contents(s)] + MASTODON_HTML)
def test_mastodon_plain_paragraphs_like_bs4(html: str) -> None:
    assert mastodon.html_to_text(html) == mastodon.soup_text(html)
