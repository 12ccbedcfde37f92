"""Mastodon (any instance): accounts/lookup, then accounts/:id/statuses paged with max_id (Link header)."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup

from scrapers._json import decode, item_payload, mapped
from scrapers.base import (
    AccountRef,
    BadPayload,
    FetchResult,
    NotFound,
    Private,
    ScrapedPost,
    ScrapeError,
    Suspended,
    parse_time,
)
from scrapers.http import PoliteClient


def html_to_text(html: str) -> str:
    """Mastodon's HTML content as plain text: paragraphs become blank-line separated, <br> newlines."""
    soup = BeautifulSoup(html or "", "lxml")
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


def to_post(status: dict[str, Any], *, request_url: str = "", http_status: int = 200) -> ScrapedPost:
    """Map one Status of accounts/:id/statuses (pure). A boost wraps the original in `reblog`."""
    reblog = status.get("reblog")
    shown = reblog or status
    quote = status.get("quote") or {}
    quoted = quote.get("quoted_status") if isinstance(quote, dict) else None
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
        known = int(cursor["newest_id"]) if str(cursor.get("newest_id", "")).isdigit() else None
        result = FetchResult(platform_user_id=account_id, cursor=dict(cursor))
        params: dict[str, Any] = {"limit": min(client.config.page_size, 40)}
        newest, oldest = known, None
        for _ in range(client.config.max_pages_per_account):
            page, response = await self._get(client, f"{base}/api/v1/accounts/{account_id}/statuses", params)
            if not isinstance(page, list):
                raise BadPayload(f"statuses answer is not a list: {response.request.url}")
            for status in page:
                post = mapped(to_post, status, request_url=str(response.request.url), http_status=response.status_code)
                result.posts.append(post)
                result.seen_ids.add(post.platform_post_id)
                local_id = int(status["id"])
                newest = max(newest or local_id, local_id)
                if post.posted_at:
                    oldest = min(oldest, post.posted_at) if oldest else post.posted_at
            next_link = response.links.get("next", {}).get("url")
            ids = [int(s["id"]) for s in page]
            if not page or not next_link or (known is not None and min(ids) <= known):
                break
            params = {"limit": params["limit"], "max_id": min(ids)}
        result.window_start = oldest
        if newest is not None:
            result.cursor["newest_id"] = str(newest)
        return result
