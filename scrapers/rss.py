"""RSS 2.0 and Atom feeds, YouTube channel feeds included; conditional GET with ETag / Last-Modified."""

from __future__ import annotations

import calendar
import html
from datetime import UTC, datetime
from typing import Any
from xml.sax import SAXException

import feedparser
from bs4 import BeautifulSoup
from lxml import etree

from scrapers import plain_feed
from scrapers.base import AccountRef, FetchResult, ScrapedPost
from scrapers.capture import CaptureRef, capture_of, xpath
from scrapers.errors import BadPayload, NotFound, ScrapeError
from scrapers.http import PoliteClient, conditional_headers, validators


def _plain(text: str) -> str:
    """Feed text is HTML: tags dropped and entities decoded (`&quot;` is a quote) whether or not it holds
    a tag; BeautifulSoup only where there is one to drop (it costs far more than unescaping)."""
    if "<" in (text or ""):
        return BeautifulSoup(text, "lxml").get_text(" ").strip()
    return html.unescape(text or "").strip()


def _when(entry: Any) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC) if parsed else None


def raw_entries(body: bytes) -> list[str]:
    """Each <item>/<entry> element as it appears in the feed (serialised from the parsed tree)."""
    return _located_entries(body)[0]


def _located_entries(body: bytes) -> tuple[list[str], str | None]:
    """raw_entries, and the XPath 1.0 selecting those elements in the body (in document order)."""
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(recover=True, resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return [], None
    if root is None:
        return [], None
    # Entries in any namespace; else items in none; else items in any (RSS 1.0). XPath's `//*[local-name()=
    # 'item']` is the same set as `.//{*}item` here: that is only read when no item is in no namespace.
    for path, where in (
        (".//{*}entry", plain_feed.ATOM_ENTRIES),
        (".//item", plain_feed.RSS_ITEMS),
        (".//{*}item", "//*[local-name()='item']"),
    ):
        nodes = root.findall(path)
        if nodes:
            return [etree.tostring(node, encoding="unicode") for node in nodes], where
    return [], None


def parse_feed(body: bytes) -> Any:
    """Parse a feed; broken XML or a page that is no feed at all is a BadPayload (no half-parsed entries)."""
    parsed = feedparser.parse(body)
    problem = getattr(parsed, "bozo_exception", None)
    if isinstance(problem, SAXException):
        raise BadPayload(f"malformed feed XML: {problem}")
    if not parsed.get("version"):
        raise BadPayload(f"not an RSS/Atom feed: {problem or 'no feed element found'}")
    return parsed


def read_feed(body: bytes) -> tuple[list[Any], list[str]]:
    """The entries (with the keys `to_post` reads) and each one's raw XML: plain feeds through lxml
    (plain_feed), the rest through feedparser. Broken XML or no feed at all is a BadPayload."""
    entries, raws, _ = read_located(body)
    return entries, raws


def read_located(body: bytes) -> tuple[list[Any], list[str], str | None]:
    """read_feed, and the XPath selecting the entries' elements in the body (None: not known)."""
    plain = plain_feed.read(body)
    if plain is not None:
        return plain
    entries = parse_feed(body).entries
    raws, where = _located_entries(body)
    return entries, raws, where


def to_post(
    entry: Any,
    *,
    feed_url: str,
    raw: str,
    request_url: str = "",
    http_status: int = 200,
    platform: str = "rss",
    capture: CaptureRef | None = None,
    locator: str | None = None,
) -> ScrapedPost:
    """Map one entry of `read_feed` (pure). Title and summary become the text."""
    entry_id = entry.get("id") or entry.get("link")
    if not entry_id:
        raise BadPayload("feed entry has neither id nor link")
    title = _plain(entry.get("title", ""))
    summary = _plain(entry.get("summary", ""))
    # Many feeds repeat the title as the summary's first words: keep it once.
    text = summary if title and summary.startswith(title) else "\n\n".join(p for p in (title, summary) if p)
    return ScrapedPost(
        platform=platform,
        platform_post_id=str(entry_id),
        kind="post",
        url=str(entry.get("link") or ""),
        text=text,
        language=(entry.get("title_detail") or {}).get("language"),
        posted_at=_when(entry),
        author_id=feed_url,
        author_handle=str(entry.get("author") or feed_url),
        raw_payload=raw,
        request_url=request_url,
        http_status=http_status,
        capture=capture,
        locator=locator,
    )


class RssScraper:
    """Any feed; registered as "rss" and as "youtube" (channel feeds are Atom)."""

    def __init__(self, platform: str = "rss") -> None:
        self.platform = platform

    async def fetch(self, client: PoliteClient, account: AccountRef, cursor: dict[str, Any]) -> FetchResult:
        response = await client.get(account.handle, headers=conditional_headers(cursor))
        result = FetchResult(platform_user_id=account.handle, cursor=dict(cursor))
        if response.status_code == 304:
            result.not_modified = True
            return result
        if response.status_code in (404, 410):
            raise NotFound(f"feed {account.handle}: HTTP {response.status_code}")
        if response.status_code >= 300:
            raise ScrapeError(f"feed {account.handle}: HTTP {response.status_code}")
        entries, raws, where = read_located(response.content)
        located = len(raws) == len(entries)  # else each entry's element is not known: the whole body is its
        capture = capture_of(response)
        for index, entry in enumerate(entries):
            raw = raws[index] if located else response.text
            post = to_post(
                entry,
                feed_url=account.handle,
                raw=raw,
                request_url=str(response.request.url),
                http_status=response.status_code,
                platform=self.platform,
                capture=capture,
                locator=xpath(f"({where})[{index + 1}]") if located and where else None,
            )
            result.posts.append(post)
            result.seen_ids.add(post.platform_post_id)
        times = [p.posted_at for p in result.posts if p.posted_at]
        result.window_start = min(times) if times else None
        result.cursor.update(validators(response))
        return result
