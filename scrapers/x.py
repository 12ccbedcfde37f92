"""X API v2 with a bearer token: user lookup by username, then /2/users/:id/tweets with since_id and
pagination tokens. Retweets, replies and quotes are typed from `referenced_tweets`."""

from __future__ import annotations

from typing import Any

import httpx

from scrapers._json import decode, item_payload, mapped
from scrapers.base import AccountRef, FetchResult, PostKind, ScrapedPost, parse_time
from scrapers.capture import CaptureRef, capture_of, json_pointer
from scrapers.errors import BadPayload, NotConfigured, NotFound, Private, ScrapeError, Suspended
from scrapers.http import PoliteClient
from scrapers.paging import Walk, fill, walk_timeline

TWEET_FIELDS = "created_at,lang,author_id,referenced_tweets,edit_history_tweet_ids,conversation_id"


def _api_error(body: Any, context: str) -> ScrapeError:
    errors = body.get("errors") if isinstance(body, dict) else None
    first = errors[0] if errors else {}
    title, detail = str(first.get("title", "")), str(first.get("detail", first.get("message", "")))
    message = f"X {context}: {title} {detail}".strip()
    if "suspended" in detail.lower():
        return Suspended(message)
    if "Not Found" in title or "Could not find" in detail:
        return NotFound(message)
    if "Authorization" in title or "protected" in detail.lower():
        return Private(message)
    return ScrapeError(message)


def to_post(
    tweet: dict[str, Any],
    *,
    username: str,
    user_id: str | None = None,
    included: dict[str, dict[str, Any]] | None = None,
    request_url: str = "",
    http_status: int = 200,
    capture: CaptureRef | None = None,
    locator: str | None = None,
) -> ScrapedPost:
    """Map one tweet object of /2/users/:id/tweets (pure); `included` is includes.tweets by id.

    `username` names the timeline's owner; a tweet whose author_id is not `user_id` keeps only its id."""
    included = included or {}
    author_id = str(tweet.get("author_id") or user_id or "")
    refs = {ref["type"]: str(ref["id"]) for ref in tweet.get("referenced_tweets") or []}
    text = str(tweet["text"])
    quoted_text = None
    kind: PostKind
    if "retweeted" in refs:
        kind, original = "repost", refs["retweeted"]
        text = str(included.get(original, {}).get("text", text))  # the RT text is truncated
    elif "quoted" in refs:
        kind, original = "quote", refs["quoted"]
        quoted_text = included.get(original, {}).get("text")
    elif "replied_to" in refs:
        kind, original = "reply", refs["replied_to"]
    else:
        kind, original = "post", None
    return ScrapedPost(
        platform="x",
        platform_post_id=str(tweet["id"]),
        kind=kind,
        url=f"https://x.com/{username}/status/{tweet['id']}",
        text=text,
        quoted_text=quoted_text,
        original_post_id=original,
        language=tweet.get("lang"),
        posted_at=parse_time(tweet.get("created_at")),
        author_id=author_id,
        author_handle=username if user_id is None or author_id == user_id else "",
        raw_payload=item_payload(tweet),
        request_url=request_url,
        http_status=http_status,
        capture=capture,
        locator=locator,
    )


class XScraper:
    platform = "x"

    async def _get(
        self, client: PoliteClient, path: str, params: dict[str, Any] | None = None
    ) -> tuple[Any, httpx.Response]:
        token = client.config.x_bearer_token
        if not token:
            raise NotConfigured("X API v2 needs a bearer token: set NETRA_SCRAPERS__X_BEARER_TOKEN")
        url = f"{client.config.x_api_url.rstrip('/')}{path}"
        response = await client.get(url, params=params, headers={"Authorization": f"Bearer {token}"})
        if response.status_code == 401:
            raise NotConfigured("X API rejected the bearer token (HTTP 401)")
        body = decode(response)
        if response.status_code >= 400 or (isinstance(body, dict) and "data" not in body and body.get("errors")):
            raise _api_error(body, f"HTTP {response.status_code} for {path}")
        return body, response

    async def fetch(self, client: PoliteClient, account: AccountRef, cursor: dict[str, Any]) -> FetchResult:
        username = account.handle.removeprefix("@")
        user_id = account.platform_user_id  # known: the lookup (a rate-limited call) is skipped
        if not user_id:
            user, _ = await self._get(client, f"/2/users/by/username/{username}", {"user.fields": "protected"})
            user_id = mapped(lambda: str(user["data"]["id"]))
            if user["data"].get("protected"):
                raise Private(f"X account @{username} is protected")
        since = cursor.get("since_id")
        result = FetchResult(platform_user_id=user_id, cursor=dict(cursor))

        async def walk(token: Any, until: Any, budget: int) -> Walk:
            return await self._walk(client, user_id, username, token, until, budget)

        head, older, gaps = await walk_timeline(
            walk, since, cursor.get("gaps", []), client.config.max_pages_per_account
        )
        fill(result, head, older, gaps)
        if since:
            result.window_start = None  # a since_id query lists new tweets only: it says nothing of deletions
        if head.newest:
            result.cursor["since_id"] = str(max(head.newest, int(since or 0)))
        return result

    async def _walk(
        self, client: PoliteClient, user_id: str, username: str, token: str | None, until: str | None, budget: int
    ) -> Walk:
        walk = Walk(next_token=token)
        params: dict[str, Any] = {
            "max_results": max(5, min(client.config.page_size, 100)),
            "tweet.fields": TWEET_FIELDS,
            "expansions": "referenced_tweets.id",
        }
        if until:
            params["since_id"] = until  # the API stops at it: the end of the results is "reached"
        for _ in range(budget):
            if walk.next_token:
                params["pagination_token"] = walk.next_token
            body, response = await self._get(client, f"/2/users/{user_id}/tweets", params)
            url, status, capture = str(response.request.url), response.status_code, capture_of(response)
            walk.pages += 1
            if not isinstance(body, dict) or not isinstance(body.get("data", []), list):
                raise BadPayload(f"users/:id/tweets answer has no data list: {url}")
            included = {str(t["id"]): t for t in (body.get("includes") or {}).get("tweets", [])}
            for index, tweet in enumerate(body.get("data", [])):
                post = mapped(
                    to_post,
                    tweet,
                    username=username,
                    user_id=user_id,
                    included=included,
                    request_url=url,
                    http_status=status,
                    capture=capture,
                    locator=json_pointer("data", index),
                )
                walk.posts.append(post)
                walk.newest = max(walk.newest or 0, int(post.platform_post_id))
            walk.next_token = (body.get("meta") or {}).get("next_token")
            if not walk.next_token:
                walk.reached = True
                break
        return walk
