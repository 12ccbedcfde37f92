"""HTML pages (blogs, forums, agency news pages): a page URL plus CSS selectors from configuration.
robots.txt is obeyed; conditional GET with ETag / Last-Modified."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag
from lxml import etree

from scrapers import plain_html
from scrapers.base import AccountRef, FetchResult, HtmlSource, ScrapedPost, parse_time
from scrapers.capture import CaptureRef, capture_of, css
from scrapers.errors import BadPayload, NotConfigured, NotFound, ScrapeError
from scrapers.http import PoliteClient, conditional_headers, validators


def source_for(url: str, sources: dict[str, HtmlSource]) -> HtmlSource:
    """The configured selectors whose url_prefix matches `url` (the longest prefix wins)."""
    matches = [s for s in sources.values() if url.startswith(s.url_prefix)]
    if not matches:
        raise NotConfigured(f"no HTML source configured for {url}: add one to NETRA_SCRAPERS__HTML_SOURCES")
    return max(matches, key=lambda s: len(s.url_prefix))


def to_post(
    item: Tag,
    *,
    source: HtmlSource,
    page_url: str,
    request_url: str = "",
    http_status: int = 200,
    capture: CaptureRef | None = None,
    nth: int | None = None,
) -> ScrapedPost:
    """Map one item element of the page (pure); it is the `nth` match of `source.item` (1-based)."""
    text_node = item.select_one(source.text)
    if text_node is None:
        raise BadPayload(f"an item on {page_url} has no element matching {source.text!r}")
    for br in text_node.find_all("br"):
        br.replace_with("\n")
    text = text_node.get_text().strip()
    link = item.select_one(source.link) if source.link else None
    href = urljoin(page_url, str(link["href"])) if link is not None and link.get("href") else ""
    time_node = item.select_one(source.time) if source.time else None
    posted = None
    if time_node is not None:
        stamp = str(time_node.get("datetime") or time_node.get_text()).strip()
        posted = _time(stamp, page_url)
    locator = css(source.item, nth) if nth is not None else None
    evidence = (str(item), request_url, http_status, capture, locator)
    return _post(href, str(item.get("id") or ""), text, posted, page_url, *evidence)


def _time(stamp: str, page_url: str) -> datetime | None:
    try:
        return parse_time(stamp)
    except ValueError as exc:
        raise BadPayload(f"unreadable time {stamp!r} on {page_url}") from exc


def _post(
    href: str,
    item_id: str,
    text: str,
    posted: datetime | None,
    page_url: str,
    raw: str,
    request_url: str,
    http_status: int,
    capture: CaptureRef | None,
    locator: str | None,
) -> ScrapedPost:
    post_id = href or item_id or "sha256:" + hashlib.sha256(text.encode()).hexdigest()
    return ScrapedPost(
        platform="html",
        platform_post_id=post_id,
        kind="post",
        url=href or page_url,
        text=text,
        posted_at=posted,
        author_id=page_url,
        author_handle=page_url,
        raw_payload=raw,
        request_url=request_url,
        http_status=http_status,
        capture=capture,
        locator=locator,
    )


@dataclass(frozen=True)
class _Selectors:
    item: list[plain_html.Compound]
    text: list[plain_html.Compound]
    link: list[plain_html.Compound] | None
    time: list[plain_html.Compound] | None


@functools.cache
def _selectors(source: HtmlSource) -> _Selectors | None:
    """The source's selectors for plain_html, or None if one is beyond what it reads like soupsieve."""
    item, text = plain_html.compile_selector(source.item), plain_html.compile_selector(source.text)
    link = plain_html.compile_selector(source.link) if source.link else None
    time = plain_html.compile_selector(source.time) if source.time else None
    if item is None or text is None or (source.link and link is None) or (source.time and time is None):
        return None
    return _Selectors(item, text, link, time)


def _first(
    item: etree._Element, selector: list[plain_html.Compound] | None, text_node: etree._Element
) -> etree._Element | None:
    """select_one in the item as to_post makes it: after the <br>s of the text node were replaced."""
    if selector is None:
        return None
    for element in plain_html.select(item, selector):
        if element.tag == "br" and any(p is text_node for p in element.iterancestors()):
            continue
        return element
    return None


def _nested(items: list[etree._Element]) -> bool:
    members = set(items)
    return any(p in members for i in items for p in i.iterancestors())


def page_posts(
    html: str,
    *,
    source: HtmlSource,
    page_url: str,
    request_url: str = "",
    http_status: int = 200,
    capture: CaptureRef | None = None,
) -> list[ScrapedPost]:
    """The posts of a page: read with lxml where plain_html covers the markup and selectors, else (and
    the same) with beautifulsoup4 and soupsieve."""
    selectors = _selectors(source)
    root = plain_html.parse(html) if selectors is not None else None
    if root is not None and plain_html.has_template(root):
        root = None
    items = plain_html.select(root, selectors.item, document=True) if selectors and root is not None else None
    if (
        selectors is None
        or items is None
        or not all(plain_html.plain(i) for i in items)
        or _nested(items)  # one item's <br>s would be rewritten before the other is serialised
    ):
        soup = BeautifulSoup(html, "lxml")
        return [
            to_post(
                item,
                source=source,
                page_url=page_url,
                request_url=request_url,
                http_status=http_status,
                capture=capture,
                nth=nth,
            )
            for nth, item in enumerate(soup.select(source.item), start=1)
        ]
    posts = []
    for nth, item in enumerate(items, start=1):
        found = plain_html.select(item, selectors.text)
        if not found:
            raise BadPayload(f"an item on {page_url} has no element matching {source.text!r}")
        text_node = found[0]
        text = plain_html.text(text_node).strip()
        link = _first(item, selectors.link, text_node)
        href = urljoin(page_url, link.attrib["href"]) if link is not None and link.get("href") else ""
        time_node = _first(item, selectors.time, text_node)
        posted = None
        if time_node is not None:
            stamp = (time_node.get("datetime") or plain_html.text(time_node, within=text_node)).strip()
            posted = _time(stamp, page_url)
        raw = plain_html.serialise(item, br="\n", within=text_node)
        evidence = (raw, request_url, http_status, capture, css(source.item, nth))
        posts.append(_post(href, item.get("id") or "", text, posted, page_url, *evidence))
    return posts


class HtmlScraper:
    platform = "html"

    async def fetch(self, client: PoliteClient, account: AccountRef, cursor: dict[str, Any]) -> FetchResult:
        source = source_for(account.handle, client.config.html_sources)
        response = await client.get(account.handle, headers=conditional_headers(cursor), check_robots=True)
        result = FetchResult(platform_user_id=account.handle, cursor=dict(cursor))
        if response.status_code == 304:
            result.not_modified = True
            return result
        if response.status_code in (404, 410):
            raise NotFound(f"page {account.handle}: HTTP {response.status_code}")
        if response.status_code >= 300:
            raise ScrapeError(f"page {account.handle}: HTTP {response.status_code}")
        if "html" not in response.headers.get("content-type", "text/html"):
            raise BadPayload(f"page {account.handle} is {response.headers.get('content-type')}, not HTML")
        posts = page_posts(
            response.text,
            source=source,
            page_url=account.handle,
            request_url=str(response.request.url),
            http_status=response.status_code,
            capture=capture_of(response),
        )
        if not posts:
            raise BadPayload(f"no element matches {source.item!r} on {account.handle}: page changed or malformed")
        for post in posts:
            result.posts.append(post)
            result.seen_ids.add(post.platform_post_id)
        times = [p.posted_at for p in result.posts if p.posted_at]
        result.window_start = min(times) if times else None
        result.cursor.update(validators(response))
        return result
