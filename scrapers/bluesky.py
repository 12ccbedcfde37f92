"""Bluesky: the public AppView XRPC API, no login. getProfile resolves the handle, getAuthorFeed pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from scrapers._json import decode, item_payload, mapped
from scrapers.base import (
    AccountRef,
    BadPayload,
    FetchResult,
    NotFound,
    ScrapedPost,
    ScrapeError,
    Suspended,
    parse_time,
)
from scrapers.http import PoliteClient

_REPOST = "app.bsky.feed.defs#reasonRepost"
_ERRORS = {
    "AccountTakedown": Suspended,
    "AccountDeactivated": NotFound,
    "ActorNotFound": NotFound,
    "InvalidRequest": NotFound,  # "Profile not found"
}


def _web_url(handle: str, uri: str) -> str:
    return f"https://bsky.app/profile/{handle}/post/{uri.rsplit('/', 1)[-1]}"


def _quoted(post: dict[str, Any]) -> tuple[str | None, str | None]:
    """(quoted post uri, quoted text) of a quote post's hydrated embed, else (None, None)."""
    embed = post.get("embed") or {}
    kind = embed.get("$type", "")
    if kind.startswith("app.bsky.embed.recordWithMedia"):
        embed = embed.get("record") or {}
        kind = "app.bsky.embed.record#view"
    if not kind.startswith("app.bsky.embed.record"):
        return None, None
    record = embed.get("record") or {}
    value = record.get("value") or {}
    return record.get("uri"), value.get("text")


def sort_time(item: dict[str, Any]) -> datetime | None:
    """When the item entered the author's feed: the repost's time for reposts."""
    reason = item.get("reason") or {}
    return parse_time(reason.get("indexedAt") or item["post"].get("indexedAt") or item["post"]["record"]["createdAt"])


def to_post(item: dict[str, Any], *, request_url: str = "", http_status: int = 200) -> ScrapedPost:
    """Map one `feedViewPost` of getAuthorFeed to a ScrapedPost (pure)."""
    post = item["post"]
    record = post["record"]
    reason = item.get("reason") or {}
    quoted_uri, quoted_text = _quoted(post)
    author = post["author"]
    if reason.get("$type") == _REPOST:
        by = reason["by"]
        post_id = reason.get("uri") or f"{post['uri']}#repost:{by['did']}"
        kind, original, actor = "repost", post["uri"], by
    elif quoted_uri:
        post_id, kind, original, actor = post["uri"], "quote", quoted_uri, author
    elif record.get("reply"):
        post_id, kind, original, actor = post["uri"], "reply", record["reply"]["parent"]["uri"], author
    else:
        post_id, kind, original, actor = post["uri"], "post", None, author
    langs = record.get("langs") or []
    return ScrapedPost(
        platform="bluesky",
        platform_post_id=post_id,
        kind=kind,
        url=_web_url(author["handle"], post["uri"]),
        text=str(record.get("text", "")),
        quoted_text=quoted_text,
        original_post_id=original,
        language=langs[0] if langs else None,
        posted_at=sort_time(item),
        author_id=actor["did"],
        author_handle=actor["handle"],
        raw_payload=item_payload(item),
        request_url=request_url,
        http_status=http_status,
    )


class BlueskyScraper:
    platform = "bluesky"

    async def _get(self, client: PoliteClient, method: str, params: dict[str, Any]) -> tuple[Any, str, int]:
        response = await client.get(f"{client.config.bluesky_url.rstrip('/')}/xrpc/{method}", params=params)
        body = decode(response)
        if response.status_code >= 400:
            error = body.get("error", "") if isinstance(body, dict) else ""
            message = body.get("message", "") if isinstance(body, dict) else ""
            exc = _ERRORS.get(error, ScrapeError)
            raise exc(f"Bluesky {method}: HTTP {response.status_code} {error} {message}".strip())
        return body, str(response.request.url), response.status_code

    async def fetch(self, client: PoliteClient, account: AccountRef, cursor: dict[str, Any]) -> FetchResult:
        did = account.platform_user_id  # a known DID saves a request and follows the person across renames
        if not did:
            profile, _, _ = await self._get(client, "app.bsky.actor.getProfile", {"actor": account.handle})
            did = mapped(lambda: str(profile["did"]))
        known = parse_time(cursor.get("newest_at"))
        result = FetchResult(platform_user_id=did, cursor=dict(cursor))
        page_cursor: str | None = None
        newest: datetime | None = known
        oldest: datetime | None = None
        for _ in range(client.config.max_pages_per_account):
            params: dict[str, Any] = {"actor": did, "limit": min(client.config.page_size, 100)}
            if page_cursor:
                params["cursor"] = page_cursor
            body, url, status = await self._get(client, "app.bsky.feed.getAuthorFeed", params)
            if not isinstance(body, dict) or not isinstance(body.get("feed"), list):
                raise BadPayload(f"getAuthorFeed answer has no feed list: {url}")
            reached_known = False
            for item in body["feed"]:
                post = mapped(to_post, item, request_url=url, http_status=status)
                result.posts.append(post)
                result.seen_ids.add(post.platform_post_id)
                if post.posted_at:
                    newest = max(newest, post.posted_at) if newest else post.posted_at
                    oldest = min(oldest, post.posted_at) if oldest else post.posted_at
                    reached_known = reached_known or (known is not None and post.posted_at <= known)
            page_cursor = body.get("cursor")
            if reached_known or not page_cursor or not body["feed"]:
                break
        result.window_start = oldest
        if newest:
            result.cursor["newest_at"] = newest.isoformat()
        return result
