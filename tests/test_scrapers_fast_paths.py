"""The cheap readers give exactly what the general ones give: feeds read with lxml (plain_feed) against
feedparser, Mastodon's plain paragraphs against beautifulsoup4, t.me/s and HTML pages read with lxml
(plain_html) against beautifulsoup4 and soupsieve, on the recorded payloads and on tricky ones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup

from scrapers import html as html_scraper
from scrapers import loopback_pages, mastodon, plain_feed, plain_html, rss, telegram
from scrapers.base import HtmlSource, ScrapedPost
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


# --- t.me/s and HTML pages ---------------------------------------------------------------------


def _world_pages() -> tuple[list[str], list[str]]:
    """Loopback t.me/s and HTML pages with every kind of post and the tricky texts."""
    world = World()
    channels, pages = [], []
    for n, text in enumerate(TRICKY_TEXTS):
        channel, page = world.add_account("telegram", f"kanal{n}", posts=2), world.add_account("html", f"hal{n}")
        for kind in ("post", "repost", "reply"):
            world.add_post(channel, text=text, kind=kind)
        world.add_post(page, text=text)
        channels.append(loopback_pages.telegram_page(channel, None))
        pages.append(loopback_pages.html_page(page))
    return channels, pages


def _block(inner: str, *, data_post: str = "c/1", classes: str = "tgme_widget_message") -> str:
    date = '<a class="tgme_widget_message_date" href="#"><time datetime="2024-11-01T10:00:00+07:00">10:00</time></a>'
    return f'<div class="{classes}" data-post="{data_post}"><div class="tgme_widget_message_bubble">{inner}{date}</div></div>'


_TEXT = '<div class="tgme_widget_message_text js-message_text" dir="auto">{}</div>'
TELEGRAM_PAGES = [
    _block(_TEXT.format("satu<br>dua<br/><br />tiga")),
    _block(_TEXT.format(" <b>tebal</b>  <i> miring </i>\n\t<a href='https://x?a=1&amp;b=2'>tautan</a> ")),
    _block(_TEXT.format("&lt;tag&gt; &amp; &quot;kutip&quot; &#39;satu&#39; &nbsp; \u00a0 &copy;")),
    _block(_TEXT.format('<span title="a &quot;b&quot;">x</span><span title="it\'s &quot;q&quot;">y</span>')),
    _block(_TEXT.format('<span class="  a   b  " data-x="" title="&lt;&gt;&amp;">z</span><img src="i.png">')),
    _block(_TEXT.format("<input disabled>boolean</input><option selected=selected>x</option>")),
    _block(_TEXT.format("teks <!-- komentar --> lagi")),
    _block(_TEXT.format("<script>var a = '<b>';</script>skrip")),
    _block(_TEXT.format("<pre>  pra\n  format  </pre>")),
    _block(_TEXT.format("<p>tidak <div>tertutup</p> rapi")),
    _block(
        _TEXT.format("x")
        + '<div class="tgme_widget_message_forwarded_from">dari <a href="https://t.me/lain/">lain</a></div>'
    ),
    _block('<a class="tgme_widget_message_reply" href="https://t.me/c/0">balas</a>' + _TEXT.format("y")),
    _block(_TEXT.format("z"), data_post="c/abc"),
    '<div class="tgme_widget_message" data-post="c/2"><div class="tgme_widget_message_text">tanpa tanggal</div></div>',
    _block(_TEXT.format("z"), classes="tgme_widget_message service_message") + _block(_TEXT.format("w")),
    _block(_TEXT.format("luar") + _block(_TEXT.format("dalam<br>baris"), data_post="c/2")),
    "<div>" + _block("tanpa teks") + "</div>\n\n   " + _block(_TEXT.format("\n\n")),
    "\ufeff" + _block(_TEXT.format("BOM")),
]


def _telegram_by_bs4(page: str) -> list[ScrapedPost] | str:
    try:
        return [telegram.to_post(b, request_url="u", http_status=200) for b in telegram.message_blocks(page)]
    except Exception as exc:  # the same error, if any
        return f"{type(exc).__name__}: {exc}"


def _telegram_fast(page: str) -> list[ScrapedPost] | str:
    try:
        return telegram.page_posts(page, request_url="u", http_status=200)
    except Exception as exc:  # the same error, if any
        return f"{type(exc).__name__}: {exc}"


@pytest.mark.parametrize(
    "page", [(FIXTURES / "telegram/channel_page.html").read_text(), *_world_pages()[0], *TELEGRAM_PAGES]
)
def test_telegram_pages_like_bs4(page: str) -> None:
    # Every field of every post, the evidence (str(block)) included, or the same BadPayload.
    assert _telegram_fast(page) == _telegram_by_bs4(page)


def test_plain_telegram_pages_skip_bs4() -> None:
    assert telegram._lxml_blocks((FIXTURES / "telegram/channel_page.html").read_text()) is not None
    assert all(telegram._lxml_blocks(page) is not None for page in _world_pages()[0])
    assert telegram._lxml_blocks(TELEGRAM_PAGES[0]) is not None
    for unusual in (5, 6, 7, 8, 15):  # boolean attributes, a comment, a script, <pre>, nested blocks
        assert telegram._lxml_blocks(TELEGRAM_PAGES[unusual]) is None


LOOPBACK_SOURCE = HtmlSource(
    url_prefix="http://h/", item="article.post", text="div.content", link="h2 a[href]", time="time[datetime]"
)
HTML_CASES = [
    (
        '<article class="post"><div class="content">a<br>b<br/>c</div><a href="/x">x</a><time>2024-11-01</time></article>',
        LOOPBACK_SOURCE,
    ),
    (
        '<main><article class="post" id="p1"><div class="content"> <b>t</b> &amp; <br></div></article></main>',
        LOOPBACK_SOURCE,
    ),
    (
        '<article class="post"><div class="content">tanpa waktu</div><time datetime="">1 Nov</time></article>',
        LOOPBACK_SOURCE,
    ),
    ('<article class="post"><div class="content">x</div><time datetime="kemarin">x</time></article>', LOOPBACK_SOURCE),
    ('<article class="post"><div class="content">x<time>2024-11-01<br>T10:00</time></div></article>', LOOPBACK_SOURCE),
    ('<article class="post"><time>2024-11-01<br>T10:00</time><div class="content">x</div></article>', LOOPBACK_SOURCE),
    (
        '<article class="post"><div class="content">x<br datetime="2024-01-01">y</div></article>',
        HtmlSource("http://h/", "article.post", "div.content", "a[href]", "[datetime]"),
    ),
    ('<article class="post"><p>tanpa konten</p></article>', LOOPBACK_SOURCE),
    (
        '<article class="post"><div class="content">a</div><article class="post"><div class="content">b<br>c</div></article></article>',
        LOOPBACK_SOURCE,
    ),
    ('<div class="post">bukan artikel</div>', LOOPBACK_SOURCE),
    (
        '<h2 class="x"><article class="post"><div class="content">a</div><a href="/y">y</a></article></h2>',
        LOOPBACK_SOURCE,
    ),
    (
        '<ARTICLE CLASS="post" ID="Z"><DIV class="content" DATA-X>a</DIV><A HREF="q">q</A></ARTICLE>',
        HtmlSource("http://h/", "ARTICLE.post", "DIV[DATA-X]", "A[HREF]", ""),
    ),
    (
        '<section id="s"><div class="c k"><p class="t">a</p><a href="1">1</a></div></section>',
        HtmlSource("http://h/", "#s .c.k", "p.t", "div a", "time"),
    ),
    (
        '<ul><li class="i"><span class="t">a</span><a href="1">1</a></li><li class="i"><span class="t">b</span></li></ul>',
        HtmlSource("http://h/", "ul > li.i", "span.t", "a[href]", ""),
    ),
    (
        '<ul><li class="i"><span class="t">a</span><a href="1">1</a></li></ul>',
        HtmlSource("http://h/", "li:first-child", "span.t, b", 'a[href^="1"]', ""),
    ),
    ('<article class="post"><div class="content">a<!-- k --></div></article>', LOOPBACK_SOURCE),
]


def _html_by_bs4(page: str, source: HtmlSource) -> list[ScrapedPost] | str:
    try:
        items = BeautifulSoup(page, "lxml").select(source.item)
        return [
            html_scraper.to_post(i, source=source, page_url="http://h/p", request_url="u", nth=n)
            for n, i in enumerate(items, start=1)
        ]
    except Exception as exc:  # the same error, if any
        return f"{type(exc).__name__}: {exc}"


def _html_fast(page: str, source: HtmlSource) -> list[ScrapedPost] | str:
    try:
        return html_scraper.page_posts(page, source=source, page_url="http://h/p", request_url="u")
    except Exception as exc:  # the same error, if any
        return f"{type(exc).__name__}: {exc}"


@pytest.mark.parametrize(("page", "source"), [(p, LOOPBACK_SOURCE) for p in _world_pages()[1]] + HTML_CASES)
def test_html_pages_like_bs4(page: str, source: HtmlSource) -> None:
    assert _html_fast(page, source) == _html_by_bs4(page, source)


def test_plain_html_reads_simple_selectors_only() -> None:
    assert html_scraper._selectors(LOOPBACK_SOURCE) is not None
    assert html_scraper._selectors(HTML_CASES[12][1]) is not None
    assert html_scraper._selectors(HTML_CASES[13][1]) is None  # a child combinator
    assert html_scraper._selectors(HTML_CASES[14][1]) is None  # pseudo-classes, lists, attribute values
    assert plain_html.compile_selector("a[href]") == [("a", (), (), ("href",))]
