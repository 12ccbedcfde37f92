"""Mastodon (any instance): accounts/lookup, then accounts/:id/statuses paged with max_id (Link header)."""

from __future__ import annotations

import re
from typing import Any

from bs4 import BeautifulSoup

from scrapers._json import decode, item_payload, mapped
from scrapers.base import AccountRef, FetchResult, PostKind, ScrapedPost, parse_time
from scrapers.capture import CaptureRef, capture_of, json_pointer
from scrapers.errors import BadPayload, NotFound, Private, ScrapeError, Suspended
from scrapers.http import PoliteClient
from scrapers.paging import Walk, fill, walk_timeline

# Most statuses are paragraphs of plain text and line breaks, nothing else: those need no parse
# (a bs4 tree costs ~0.3 ms a status). Control characters and lone surrogates are left to bs4.
_PLAIN = r"[^<>&\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]*"
_ENTITY = r"&amp;|&lt;|&gt;|&quot;|&#39;"
_BR = re.compile(r"<br>|<br/>|<br />")
_SIMPLE = re.compile(rf"(?:<p>{_PLAIN}(?:(?:{_BR.pattern}|{_ENTITY}){_PLAIN})*</p>)+")
_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'"}
_ENTITY_RE = re.compile(_ENTITY)


def _text_node(text: str) -> str:
    """A text node as bs4 keeps it: one of nothing but ASCII whitespace becomes one newline or space."""
    text = _ENTITY_RE.sub(lambda m: _ENTITIES[m.group()], text)
    if text and not text.strip(" \n\t"):
        return "\n" if "\n" in text else " "
    return text


def html_to_text(html: str) -> str:
    """Mastodon's HTML content as plain text: paragraphs become blank-line separated, <br> newlines."""
    if not html:
        return ""
    if not _SIMPLE.fullmatch(html):
        return soup_text(html)
    paragraphs = ["\n".join(map(_text_node, _BR.split(p))) for p in html[3:-4].split("</p><p>")]
    return "\n\n".join(p.strip() for p in paragraphs if p.strip())


def soup_text(html: str) -> str:
    """html_to_text for any HTML, with beautifulsoup4."""
    soup = BeautifulSoup(html, "lxml")
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for quote in soup.select(".quote-inline"):  # the "RE: <link>" fallback of quote posts
        quote.decompose()
    paragraphs = [p.get_text() for p in soup.find_all("p")] or [soup.get_text()]
    return "\n\n".join(p.strip() for p in paragraphs if p.strip())


def split_handle(handle: str) -> tuple[str, str]:
    user, _, instance = handle.removeprefix("@").partition("@")
    if not user or not instance:
        raise NotFound(f"Mastodon handle {handle!r} is not user@instance")
    return user, instance


def to_post(
    status: dict[str, Any],
    *,
    request_url: str = "",
    http_status: int = 200,
    capture: CaptureRef | None = None,
    locator: str | None = None,
) -> ScrapedPost:
    """Map one Status of accounts/:id/statuses (pure). A boost wraps the original in `reblog`."""
    reblog = status.get("reblog")
    shown = reblog or status
    quote = status.get("quote") or {}
    quoted = quote.get("quoted_status") if isinstance(quote, dict) else None
    kind: PostKind
    if reblog:
        kind, original = "repost", str(reblog["id"])
    elif quoted:
        kind, original = "quote", str(quoted.get("uri") or quoted["id"])
    elif status.get("in_reply_to_id"):
        kind, original = "reply", str(status["in_reply_to_id"])
    else:
        kind, original = "post", None
    text = html_to_text(shown["content"])
    if shown.get("spoiler_text"):
        text = f"{shown['spoiler_text']}\n\n{text}"
    return ScrapedPost(
        platform="mastodon",
        platform_post_id=str(status["uri"]),  # the federated URI: unique across instances
        kind=kind,
        url=str(shown.get("url") or shown["uri"]),
        text=text,
        quoted_text=html_to_text(quoted["content"]) if quoted else None,
        original_post_id=str(reblog["uri"]) if reblog else original,
        language=shown.get("language"),
        posted_at=parse_time(status["created_at"]),
        edited_at=parse_time(shown.get("edited_at")),
        author_id=str(status["account"]["id"]),
        author_handle=str(status["account"]["acct"]),
        raw_payload=item_payload(status),
        request_url=request_url,
        http_status=http_status,
        capture=capture,
        locator=locator,
    )


class MastodonScraper:
    platform = "mastodon"

    def base_url(self, client: PoliteClient, instance: str) -> str:
        return client.config.mastodon_urls.get(instance, f"https://{instance}").rstrip("/")

    async def _get(self, client: PoliteClient, url: str, params: dict[str, Any]) -> tuple[Any, Any]:
        response = await client.get(url, params=params)
        if response.status_code == 404:
            raise NotFound(f"Mastodon: HTTP 404 for {response.request.url}")
        if response.status_code == 410:
            raise Suspended(f"Mastodon: HTTP 410 (account suspended) for {response.request.url}")
        if response.status_code in (401, 403):
            raise Private(f"Mastodon: HTTP {response.status_code} for {response.request.url}")
        if response.status_code >= 400:
            raise ScrapeError(f"Mastodon: HTTP {response.status_code} for {response.request.url}")
        return decode(response), response

    async def fetch(self, client: PoliteClient, account: AccountRef, cursor: dict[str, Any]) -> FetchResult:
        user, instance = split_handle(account.handle)
        base = self.base_url(client, instance)
        profile, _ = await self._get(client, f"{base}/api/v1/accounts/lookup", {"acct": user})
        if not isinstance(profile, dict) or "id" not in profile:
            raise BadPayload("accounts/lookup answer has no id")
        if profile.get("suspended"):
            raise Suspended(f"Mastodon account {account.handle} is suspended")
        account_id = str(profile["id"])
        known = str(cursor["newest_id"]) if str(cursor.get("newest_id", "")).isdigit() else None
        result = FetchResult(platform_user_id=account_id, cursor=dict(cursor))
        url = f"{base}/api/v1/accounts/{account_id}/statuses"

        async def walk(token: Any, until: Any, budget: int) -> Walk:
            return await self._walk(client, url, token, int(until) if until else None, budget)

        head, older, gaps = await walk_timeline(
            walk, known, cursor.get("gaps", []), client.config.max_pages_per_account
        )
        fill(result, head, older, gaps)
        if head.newest is not None:
            result.cursor["newest_id"] = str(max(head.newest, int(known or 0)))
        return result

    async def _walk(self, client: PoliteClient, url: str, token: int | None, until: int | None, budget: int) -> Walk:
        walk = Walk(next_token=token)
        for _ in range(budget):
            params: dict[str, Any] = {"limit": min(client.config.page_size, 40)}
            if walk.next_token:
                params["max_id"] = walk.next_token
            page, response = await self._get(client, url, params)
            walk.pages += 1
            if not isinstance(page, list):
                raise BadPayload(f"statuses answer is not a list: {response.request.url}")
            ids = []
            url, capture = str(response.request.url), capture_of(response)
            for index, status in enumerate(page):
                post = mapped(
                    to_post,
                    status,
                    request_url=url,
                    http_status=response.status_code,
                    capture=capture,
                    locator=json_pointer(index),
                )
                walk.posts.append(post)
                ids.append(int(status["id"]))
            if ids:
                walk.newest = max(walk.newest or 0, *ids)
                walk.next_token = min(ids)
            walk.reached = bool(until is not None and ids and min(ids) <= until)
            if not ids or "next" not in response.links:
                walk.reached = True
            if walk.reached:
                break
        return walk
