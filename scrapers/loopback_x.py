"""X API v2 answers for the loopback server, shaped like the recorded tweepy / twarc payloads."""

from __future__ import annotations

from typing import Any

from scrapers.loopback_render import Response, _page, iso, js
from scrapers.loopback_state import FakeAccount, FakePost


def x_user(account: FakeAccount | None, username: str) -> Response:
    if account is None or account.status == "not_found":
        return js(
            200,
            {
                "errors": [
                    {
                        "value": username,
                        "detail": f"Could not find user with username: [{username}].",
                        "title": "Not Found Error",
                        "resource_type": "user",
                        "parameter": "username",
                        "type": "https://api.twitter.com/2/problems/resource-not-found",
                    }
                ]
            },
        )
    if account.status == "suspended":
        return js(
            200,
            {
                "errors": [
                    {
                        "value": username,
                        "detail": f"User has been suspended: [{username}].",
                        "title": "Forbidden",
                        "resource_type": "user",
                        "parameter": "username",
                        "type": "https://api.twitter.com/2/problems/resource-not-found",
                    }
                ]
            },
        )
    return js(
        200,
        {
            "data": {
                "id": account.user_id,
                "name": account.name.title(),
                "username": account.name,
                "protected": account.status == "private",
            }
        },
    )


def _tweet(account: FakeAccount, post: FakePost) -> tuple[dict[str, Any], dict[str, Any] | None]:
    tweet: dict[str, Any] = {
        "id": str(post.id),
        "text": post.text,
        "created_at": iso(post.created_at),
        "author_id": account.user_id,
        "lang": "in",
        "conversation_id": str(post.id),
        "edit_history_tweet_ids": [str(post.id)],
    }
    ref = {
        "id": str(post.id - 1),
        "text": post.quoted_text or post.text,
        "author_id": "77",
        "created_at": iso(post.created_at),
        "edit_history_tweet_ids": [str(post.id - 1)],
    }
    if post.kind == "repost":
        tweet["text"] = f"RT @{post.other}: {post.text}"[:140]
        ref["text"] = post.text
        tweet["referenced_tweets"] = [{"type": "retweeted", "id": ref["id"]}]
    elif post.kind == "quote":
        tweet["referenced_tweets"] = [{"type": "quoted", "id": ref["id"]}]
    elif post.kind == "reply":
        tweet["referenced_tweets"] = [{"type": "replied_to", "id": ref["id"]}]
        tweet["in_reply_to_user_id"] = "77"
    elif post.kind == "foreign":
        tweet["author_id"] = "77"
        return tweet, None
    else:
        return tweet, None
    return tweet, ref


def x_tweets(account: FakeAccount, query: dict[str, str]) -> Response:
    if account.status == "private":
        return js(200, {"errors": [{"title": "Authorization Error", "detail": "Sorry, you are not authorized."}]})
    if account.status != "ok":
        return x_user(account, account.name)
    limit = max(5, min(int(query.get("max_results", 10)), 100))
    posts = account.visible()
    if "since_id" in query:
        posts = [p for p in posts if p.id > int(query["since_id"])]
    after = int(query["pagination_token"].removeprefix("t")) if "pagination_token" in query else None
    page, more = _page(posts, limit, after)
    if not page:
        return js(200, {"meta": {"result_count": 0}})
    pairs = [_tweet(account, p) for p in page]
    meta: dict[str, Any] = {"result_count": len(page), "newest_id": str(page[0].id), "oldest_id": str(page[-1].id)}
    if more:
        meta["next_token"] = f"t{page[-1].id}"
    body: dict[str, Any] = {"data": [t for t, _ in pairs], "meta": meta}
    refs = [r for _, r in pairs if r]
    if refs:
        body["includes"] = {"tweets": refs}
    return js(200, body)
