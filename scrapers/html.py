"""HTML pages (blogs, forums, agency news pages): a page URL plus CSS selectors from configuration.
robots.txt is obeyed; conditional GET with ETag / Last-Modified."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag

from scrapers.base import (
    AccountRef,
    BadPayload,
    FetchResult,
    HtmlSource,
    NotConfigured,
    NotFound,
    ScrapedPost,
    ScrapeError,
    parse_time,
)
from scrapers.http import PoliteClient, conditional_headers, validators


def source_for(url: str, sources: dict[str, HtmlSource]) -> HtmlSource:
    """The configured selectors whose url_prefix matches `url` (the longest prefix wins)."""
    matches = [s for s in sources.values() if url.startswith(s.url_prefix)]
    if not matches:
        raise NotConfigured(f"no HTML source configured for {url}: add one to NETRA_SCRAPERS__HTML_SOURCES")
    return max(matches, key=lambda s: len(s.url_prefix))


def to_post(
    item: Tag, *, source: HtmlSource, page_url: str, request_url: str = "", http_status: int = 200
) -> ScrapedPost:
    """Map one item element of the page (pure)."""
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
        try:
            posted = parse_time(stamp)
        except ValueError as exc:
            raise BadPayload(f"unreadable time {stamp!r} on {page_url}") from exc
    post_id = href or str(item.get("id") or "") or "sha256:" + hashlib.sha256(text.encode()).hexdigest()
    return ScrapedPost(
        platform="html",
        platform_post_id=post_id,
        kind="post",
        url=href or page_url,
        text=text,
        posted_at=posted,
        author_id=page_url,
        author_handle=page_url,
        raw_payload=str(item),
        request_url=request_url,
        http_status=http_status,
    )


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
        soup = BeautifulSoup(response.text, "lxml")
        items = soup.select(source.item)
        if not items:
            raise BadPayload(f"no element matches {source.item!r} on {account.handle}: page changed or malformed")
        for item in items:
            post = to_post(
                item,
                source=source,
                page_url=account.handle,
                request_url=str(response.request.url),
                http_status=response.status_code,
            )
            result.posts.append(post)
            result.seen_ids.add(post.platform_post_id)
        times = [p.posted_at for p in result.posts if p.posted_at]
        result.window_start = min(times) if times else None
        result.cursor.update(validators(response))
        return result
