"""Bluesky: the public AppView XRPC API, no login. getProfile resolves the handle, getAuthorFeed pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx

from scrapers._json import decode, item_payload, mapped
from scrapers.base import AccountRef, FetchResult, PostKind, ScrapedPost, parse_time
from scrapers.capture import CaptureRef, capture_of, json_pointer
from scrapers.errors import BadPayload, NotFound, ScrapeError, Suspended
from scrapers.http import PoliteClient
from scrapers.paging import Walk, fill, walk_timeline

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


def to_post(
    item: dict[str, Any],
    *,
    request_url: str = "",
    http_status: int = 200,
    capture: CaptureRef | None = None,
    locator: str | None = None,
) -> ScrapedPost:
    """Map one `feedViewPost` of getAuthorFeed to a ScrapedPost (pure)."""
    post = item["post"]
    record = post["record"]
    reason = item.get("reason") or {}
    quoted_uri, quoted_text = _quoted(post)
    author = post["author"]
    kind: PostKind
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
        capture=capture,
        locator=locator,
    )


class BlueskyScraper:
    platform = "bluesky"

    async def _get(self, client: PoliteClient, method: str, params: dict[str, Any]) -> tuple[Any, httpx.Response]:
        response = await client.get(f"{client.config.bluesky_url.rstrip('/')}/xrpc/{method}", params=params)
        body = decode(response)
        if response.status_code >= 400:
            error = body.get("error", "") if isinstance(body, dict) else ""
            message = body.get("message", "") if isinstance(body, dict) else ""
            exc = _ERRORS.get(error, ScrapeError)
            raise exc(f"Bluesky {method}: HTTP {response.status_code} {error} {message}".strip())
        return body, response

    async def fetch(self, client: PoliteClient, account: AccountRef, cursor: dict[str, Any]) -> FetchResult:
        did = account.platform_user_id  # a known DID saves a request and follows the person across renames
        if not did:
            profile, _ = await self._get(client, "app.bsky.actor.getProfile", {"actor": account.handle})
            did = mapped(lambda: str(profile["did"]))
        known = cursor.get("newest_at")
        result = FetchResult(platform_user_id=did, cursor=dict(cursor))

        async def walk(token: Any, until: Any, budget: int) -> Walk:
            return await self._walk(client, did, token, parse_time(until), budget)

        head, older, gaps = await walk_timeline(
            walk, known, cursor.get("gaps", []), client.config.max_pages_per_account
        )
        fill(result, head, older, gaps)
        times = [p.posted_at for p in head.posts if p.posted_at]
        known_at = parse_time(known) if known else None
        if times:
            result.cursor["newest_at"] = max([*times, *([known_at] if known_at else [])]).isoformat()
        return result

    async def _walk(
        self, client: PoliteClient, did: str, token: str | None, until: datetime | None, budget: int
    ) -> Walk:
        walk = Walk(next_token=token)
        for _ in range(budget):
            params: dict[str, Any] = {"actor": did, "limit": min(client.config.page_size, 100)}
            if walk.next_token:
                params["cursor"] = walk.next_token
            body, response = await self._get(client, "app.bsky.feed.getAuthorFeed", params)
            url, status, capture = str(response.request.url), response.status_code, capture_of(response)
            walk.pages += 1
            if not isinstance(body, dict) or not isinstance(body.get("feed"), list):
                raise BadPayload(f"getAuthorFeed answer has no feed list: {url}")
            for index, item in enumerate(body["feed"]):
                post = mapped(
                    to_post,
                    item,
                    request_url=url,
                    http_status=status,
                    capture=capture,
                    locator=json_pointer("feed", index),
                )
                walk.posts.append(post)
                if until is not None and post.posted_at is not None and post.posted_at <= until:
                    walk.reached = True
            walk.next_token = body.get("cursor")
            if not walk.next_token or not body["feed"]:
                walk.reached = True
            if walk.reached:
                break
        return walk
