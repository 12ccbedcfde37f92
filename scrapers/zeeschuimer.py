"""Zeeschuimer NDJSON exports (browser-captured timelines): a pure mapping of Instagram, TikTok and X
items. Each line carries `source_platform` and the platform's raw object in `data`."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from scrapers.base import ScrapedPost, parse_time
from scrapers.errors import BadPayload

PLATFORMS = {"instagram.com": "instagram", "tiktok.com": "tiktok", "twitter.com": "x", "x.com": "x"}


def decode_line(data: bytes) -> str:
    """One line of an export as text. NDJSON is UTF-8 (JSON's only encoding between systems, RFC 8259);
    a line that is not (an editor saved it as Windows-1252, say) is that line's BadPayload, not the file's."""
    try:
        return data.decode("utf-8-sig")  # -sig: a byte-order mark an editor put before the first line
    except UnicodeDecodeError as exc:
        raise BadPayload(
            f"not UTF-8 text (column {exc.start + 1}: byte 0x{data[exc.start]:02x}); Zeeschuimer writes UTF-8"
        ) from exc


def parse_line(line: str) -> dict[str, Any]:
    """One NDJSON line to an item; BadPayload says what is wrong with it."""
    try:
        item = json.loads(line)
    except ValueError as exc:
        raise BadPayload(f"not JSON: {exc}") from exc
    if not isinstance(item, dict) or not isinstance(item.get("data"), dict) or "source_platform" not in item:
        raise BadPayload("not a Zeeschuimer item (needs source_platform and data)")
    return item


def platform_of(item: dict[str, Any]) -> str | None:
    return PLATFORMS.get(str(item.get("source_platform", "")).removeprefix("www."))


def _instagram(data: dict[str, Any]) -> dict[str, Any]:
    user = data.get("user") or data.get("owner") or {}
    caption = data.get("caption") or {}
    return {
        "platform_post_id": str(data.get("pk") or data["id"]).split("_")[0],
        "url": f"https://www.instagram.com/p/{data['code']}/",
        "text": str(caption.get("text", "")) if isinstance(caption, dict) else "",
        "posted_at": parse_time(data["taken_at"]),
        "author_id": str(user.get("pk") or user.get("id") or ""),
        "author_handle": str(user["username"]).lower(),
    }


def _tiktok(data: dict[str, Any]) -> dict[str, Any]:
    author = data["author"]
    handle = str(author["uniqueId"]).lower() if isinstance(author, dict) else str(author).lower()
    return {
        "platform_post_id": str(data["id"]),
        "url": f"https://www.tiktok.com/@{handle}/video/{data['id']}",
        "text": str(data.get("desc", "")),
        "posted_at": parse_time(int(data["createTime"])),
        "author_id": str(author.get("id", "")) if isinstance(author, dict) else "",
        "author_handle": handle,
    }


def _x(data: dict[str, Any]) -> dict[str, Any]:
    tweet = data.get("tweet") or data  # "TweetWithVisibilityResults" wraps the tweet
    legacy = tweet["legacy"]
    user = tweet["core"]["user_results"]["result"]
    handle = str((user.get("core") or user.get("legacy") or {})["screen_name"]).lower()
    posted = datetime.strptime(legacy["created_at"], "%a %b %d %H:%M:%S %z %Y")
    fields: dict[str, Any] = {
        "platform_post_id": str(tweet["rest_id"]),
        "url": f"https://x.com/{handle}/status/{tweet['rest_id']}",
        "text": str(
            (tweet.get("note_tweet") or {}).get("note_tweet_results", {}).get("result", {}).get("text")
            or legacy["full_text"]
        ),
        "posted_at": parse_time(posted.isoformat()),
        "author_id": str(user.get("rest_id", "")),
        "author_handle": handle,
    }
    if legacy.get("retweeted_status_result"):
        fields["kind"] = "repost"
        fields["original_post_id"] = str(legacy["retweeted_status_result"]["result"].get("rest_id", ""))
    elif legacy.get("quoted_status_id_str"):
        fields["kind"] = "quote"
        fields["original_post_id"] = legacy["quoted_status_id_str"]
    elif legacy.get("in_reply_to_status_id_str"):
        fields["kind"] = "reply"
        fields["original_post_id"] = legacy["in_reply_to_status_id_str"]
    return fields


_MAPPERS = {"instagram": _instagram, "tiktok": _tiktok, "x": _x}


def to_post(item: dict[str, Any], *, raw: str | None = None) -> ScrapedPost:
    """Map one Zeeschuimer item (pure). `raw` is the NDJSON line as read (kept as evidence)."""
    platform = platform_of(item)
    if platform is None:
        raise BadPayload(f"unsupported source_platform {item.get('source_platform')!r}")
    try:
        fields = _MAPPERS[platform](item["data"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise BadPayload(f"{platform} item lacks an expected field: {type(exc).__name__}: {exc}") from exc
    return ScrapedPost(
        platform=platform,
        kind=fields.pop("kind", "post"),
        raw_payload=raw if raw is not None else json.dumps(item, ensure_ascii=False),
        request_url=str(item.get("source_url", "")),
        http_status=200,
        **fields,
    )
