"""Platform-shaped responses for the loopback server, modelled on the recorded payloads in
/work/shared/data/platforms (Bluesky XRPC, Mastodon v1, t.me/s pages, RSS/Atom, X API v2, HTML)."""

from __future__ import annotations

import json
import zlib
from datetime import datetime
from html import escape
from typing import Any

from scrapers.loopback_state import FakeAccount, FakePost

Response = tuple[int, dict[str, str], bytes]
JSON = {"Content-Type": "application/json; charset=utf-8"}


def js(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    return status, JSON | (headers or {}), json.dumps(body, ensure_ascii=False).encode()


def iso(when: datetime) -> str:
    return when.isoformat().replace("+00:00", "Z")


def _page(posts: list[FakePost], limit: int, after: int | None) -> tuple[list[FakePost], bool]:
    """Posts older than id `after` (newest first), at most `limit`, and whether more remain."""
    older = [p for p in posts if after is None or p.id < after]
    return older[:limit], len(older) > limit


# --- Bluesky -------------------------------------------------------------------------------------


def _bsky_author(account: FakeAccount) -> dict[str, Any]:
    return {
        "did": f"did:plc:{account.user_id}",
        "handle": account.name,
        "displayName": account.name.title(),
        "viewer": {"muted": False, "blockedBy": False},
        "labels": [],
    }


def _other(handle: str) -> dict[str, Any]:
    return {"did": f"did:plc:other{zlib.crc32(handle.encode())}", "handle": f"{handle}.bsky.social", "labels": []}


def _bsky_uri(author: dict[str, Any], post_id: int) -> str:
    return f"at://{author['did']}/app.bsky.feed.post/3k{post_id:011d}"


def bluesky_profile(account: FakeAccount) -> Response:
    if account.status == "suspended":
        return js(400, {"error": "AccountTakedown", "message": "Account has been suspended"})
    if account.status in ("not_found", "private"):
        return js(400, {"error": "InvalidRequest", "message": "Profile not found"})
    return js(
        200,
        _bsky_author(account)
        | {
            "followersCount": 12,
            "followsCount": 3,
            "postsCount": len(account.visible()),
            "indexedAt": "2024-01-01T00:00:00Z",
        },
    )


def _bsky_item(account: FakeAccount, post: FakePost) -> dict[str, Any]:
    me = _bsky_author(account)
    author = _other(post.other) if post.kind in ("repost", "foreign") else me
    record: dict[str, Any] = {
        "$type": "app.bsky.feed.post",
        "text": post.text,
        "createdAt": iso(post.created_at),
        "langs": ["id"],
    }
    view: dict[str, Any] = {
        "uri": _bsky_uri(author, post.id),
        "cid": f"bafyrei{post.id:020d}",
        "author": author,
        "record": record,
        "replyCount": 0,
        "repostCount": 0,
        "likeCount": 0,
        "indexedAt": iso(post.created_at),
        "viewer": {},
        "labels": [],
    }
    item: dict[str, Any] = {"post": view}
    other = _other(post.other)
    ref = {"uri": _bsky_uri(other, post.id - 1), "cid": f"bafyrei{post.id - 1:020d}"}
    if post.kind == "reply":
        record["reply"] = {"root": ref, "parent": ref}
    elif post.kind == "quote":
        record["embed"] = {"$type": "app.bsky.embed.record", "record": ref}
        view["embed"] = {
            "$type": "app.bsky.embed.record#view",
            "record": {
                "$type": "app.bsky.embed.record#viewRecord",
                **ref,
                "author": other,
                "value": {
                    "$type": "app.bsky.feed.post",
                    "text": post.quoted_text or "",
                    "createdAt": iso(post.created_at),
                },
                "indexedAt": iso(post.created_at),
            },
        }
    elif post.kind == "repost":
        item["reason"] = {"$type": "app.bsky.feed.defs#reasonRepost", "by": me, "indexedAt": iso(post.created_at)}
    return item


def bluesky_feed(account: FakeAccount, limit: int, cursor: str | None) -> Response:
    if account.status != "ok":
        return bluesky_profile(account)
    after = int(cursor.split("::")[1]) if cursor and "::" in cursor else None
    page, more = _page(account.visible(), limit, after)
    body: dict[str, Any] = {"feed": [_bsky_item(account, p) for p in page]}
    if more and page:
        body["cursor"] = f"{int(page[-1].created_at.timestamp() * 1000)}::{page[-1].id}"
    return js(200, body)


# --- Mastodon ------------------------------------------------------------------------------------


def _masto_account(account: FakeAccount, instance: str, base: str) -> dict[str, Any]:
    user = account.name.split("@")[0]
    return {
        "id": account.user_id,
        "username": user,
        "acct": user,
        "display_name": user.title(),
        "locked": False,
        "bot": False,
        "created_at": "2023-01-01T00:00:00.000Z",
        "note": "<p>ASN</p>",
        "url": f"{base}/@{user}",
        "uri": f"{base}/users/{user}",
        "followers_count": 1,
        "following_count": 1,
        "statuses_count": len(account.visible()),
        "emojis": [],
        "fields": [],
    }


def mastodon_lookup(account: FakeAccount | None, instance: str, base: str) -> Response:
    if account is None or account.status in ("not_found", "private"):
        return js(404, {"error": "Record not found"})
    body = _masto_account(account, instance, base)
    if account.status == "suspended":
        body["suspended"] = True
    return js(200, body)


def _masto_status(account: FakeAccount, post: FakePost, instance: str, base: str) -> dict[str, Any]:
    me = _masto_account(account, instance, base)
    status: dict[str, Any] = {
        "id": str(post.id),
        "created_at": iso(post.created_at),
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": "id",
        "uri": f"{me['uri']}/statuses/{post.id}",
        "url": f"{me['url']}/{post.id}",
        "content": f"<p>{escape(post.text)}</p>",
        "reblog": None,
        "account": me,
        "media_attachments": [],
        "mentions": [],
        "tags": [],
        "emojis": [],
        "edited_at": iso(post.edited_at) if post.edited_at else None,
    }
    other = {"id": "99", "username": post.other, "acct": f"{post.other}@lain.example", "url": "", "uri": ""}
    if post.kind == "repost":
        original = dict(
            status,
            id=str(post.id - 1),
            account=other,
            uri=f"https://lain.example/users/{post.other}/statuses/{post.id - 1}",
        )
        status.update(content="", reblog=original, uri=f"{me['uri']}/statuses/{post.id}/activity")
    elif post.kind == "reply":
        status.update(in_reply_to_id=str(post.id - 1), in_reply_to_account_id="99")
    elif post.kind == "quote":
        status["quote"] = {
            "state": "accepted",
            "quoted_status": dict(
                status,
                id=str(post.id - 1),
                account=other,
                content=f"<p>{escape(post.quoted_text or '')}</p>",
                uri=f"https://lain.example/users/{post.other}/statuses/{post.id - 1}",
            ),
        }
    elif post.kind == "foreign":
        status["account"] = other
    return status


def mastodon_statuses(account: FakeAccount, instance: str, base: str, query: dict[str, str]) -> Response:
    limit = min(int(query.get("limit", 20)), 40)
    posts = account.visible()
    if "since_id" in query:
        posts = [p for p in posts if p.id > int(query["since_id"])]
    after = int(query["max_id"]) if "max_id" in query else None
    page, more = _page(posts, limit, after)
    headers = {}
    if page:
        path = f"{base}/api/v1/accounts/{account.user_id}/statuses"
        links = [f'<{path}?limit={limit}&min_id={page[0].id}>; rel="prev"']
        if more:
            links.insert(0, f'<{path}?limit={limit}&max_id={page[-1].id}>; rel="next"')
        headers["Link"] = ", ".join(links)
    return js(200, [_masto_status(account, p, instance, base) for p in page], headers)
