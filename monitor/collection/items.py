"""Every fetched item made storable on every database, so that one odd item never fails its account.

PostgreSQL refuses what SQLite takes: text holding U+0000 (NUL), and a post id wider than the
`platform_post_id` column; both drivers refuse a lone UTF-16 surrogate (JSON can carry "\\ud800"). Any one
of them used to fail its whole account, on every run, with nothing stored. Each item is now made
storable here, the same way on every database, and every change made to an item is named in a note
(`AccountOutcome.notes`, shown with the run's errors and kept in `Account.last_error`).
"""

from __future__ import annotations

import hashlib
import operator
import re
from collections.abc import Callable
from dataclasses import fields, replace

from scrapers.base import FetchResult, ScrapedPost

MAX_ID = 256  # the width of Post.platform_post_id
_HASH_MARK = "#sha256:"
_SURROGATE = re.compile("[\ud800-\udfff]")
# Ids go through stored_id; the author fields only decide whose item it is and are not stored.
_NOT_TEXT = {"platform", "kind", "author_id", "author_handle", "platform_post_id", "original_post_id"}
_TEXT_FIELDS = tuple(f.name for f in fields(ScrapedPost) if f.name not in _NOT_TEXT)


def clean_text(value: str) -> str:
    """The text as it can be stored everywhere. NUL characters are removed rather than the post
    rejected: PostgreSQL cannot store them, they carry no meaning in a post, and the item as the
    platform sent it stays in the raw payload (JSON payloads escape NUL as \\u0000, so theirs are
    untouched). Lone surrogates, which no UTF encoding can write, become U+FFFD; pairs stay joined."""
    if "\x00" in value:
        value = value.replace("\x00", "")
    if _SURROGATE.search(value):
        value = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return value


def stored_id(platform_id: str) -> str:
    """The key a platform's post id is stored under: the id itself when it fits and is clean text, else a
    readable prefix and the SHA-256 of the whole id, exactly MAX_ID characters.

    Hashed rather than refused: long ids are permalinks (RSS, HTML pages, manual reports), real posts
    that must not be lost. The key is a pure function of the id, so every run finds the stored post
    again; and it is applied wherever an id from a platform meets the database (the posts' own ids,
    the ids of the originals they repost or quote, the ids seen in a fetch), so edits, deletions and
    reposts of such a post are decided exactly as for any other."""
    clean = clean_text(platform_id)
    if clean == platform_id and len(platform_id) <= MAX_ID:
        return platform_id
    digest = hashlib.sha256(platform_id.encode("utf-8", "surrogatepass")).hexdigest()
    return clean[: MAX_ID - len(_HASH_MARK) - len(digest)] + _HASH_MARK + digest


def _storable_post(post: ScrapedPost) -> tuple[ScrapedPost, list[str]]:
    """The post with every stored string made storable, and what that changed."""
    changes: dict[str, object] = {}
    nul, surrogate = [], []
    for name in _TEXT_FIELDS:
        value = getattr(post, name)
        if isinstance(value, str) and (clean := clean_text(value)) != value:
            changes[name] = clean
            (nul if "\x00" in value else surrogate).append(name)
    notes = []
    if nul:
        notes.append(f"NUL characters removed from {', '.join(nul)}")
    if surrogate:
        notes.append(f"invalid UTF-16 surrogates replaced by U+FFFD in {', '.join(surrogate)}")
    key = stored_id(post.platform_post_id)
    if key != post.platform_post_id:
        changes["platform_post_id"] = key
        why = f"longer than {MAX_ID} characters" if len(post.platform_post_id) > MAX_ID else "not clean text"
        notes.append(f"its id is {why}; stored under the key {key}")
    if post.original_post_id is not None and (original := stored_id(post.original_post_id)) != post.original_post_id:
        changes["original_post_id"] = original
    return (replace(post, **changes) if changes else post), notes  # type: ignore[arg-type]


def _shown(post_id: str) -> str:
    return post_id if len(post_id) <= 80 else post_id[:80] + "…"


def storable(result: FetchResult, is_own: Callable[[ScrapedPost], bool]) -> tuple[FetchResult, list[str]]:
    """The fetch with every item made storable, and a note for each of the account's own items that
    had to change (other authors' items are not stored, so they need none)."""
    posts, notes = [], []
    for post in result.posts:
        fixed, changes = _storable_post(post)
        posts.append(fixed)
        if changes and is_own(post):
            notes.append(f"post {_shown(clean_text(post.platform_post_id))}: {'; '.join(changes)}")
    user_id = clean_text(result.platform_user_id) if result.platform_user_id else result.platform_user_id
    seen = {stored_id(i) for i in result.seen_ids}
    if user_id == result.platform_user_id and seen == result.seen_ids and all(map(operator.is_, posts, result.posts)):
        return result, []  # the common case: nothing odd, nothing copied
    return replace(result, posts=posts, seen_ids=seen, platform_user_id=user_id), notes


def notes_summary(notes: list[str]) -> str | None:
    """What Account.last_error says of a run that stored everything but had to change some items."""
    if not notes:
        return None
    return f"{len(notes)} item{'s' if len(notes) > 1 else ''} stored with changes: " + " | ".join(notes)
