"""Walking a newest-first timeline without ever skipping posts.

Each pass reads the head (newest posts) until it meets what the cursor says was already seen. When the
page budget runs out first, the rest of that stretch is remembered as a gap (where to resume, where to
stop) and later passes read it with the pages they have left, so a burst of posts is caught up on,
never skipped."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from scrapers.base import FetchResult, ScrapedPost


@dataclass
class Walk:
    posts: list[ScrapedPost] = field(default_factory=list)
    next_token: Any = None  # where the next (older) page starts
    reached: bool = False  # met a post at or before `until`, or the end of the timeline
    pages: int = 0
    newest: Any = None  # the newest marker (id) seen: the next cursor
    validators: dict[str, str] = field(default_factory=dict)  # ETag / Last-Modified of the newest page
    not_modified: bool = False  # the newest page answered 304


# (start token or None for the newest page, until marker or None, page budget) -> Walk
Walker = Callable[[Any, Any, int], Awaitable[Walk]]


async def walk_timeline(
    walk: Walker, until: Any, gaps: list[dict[str, Any]], budget: int
) -> tuple[Walk, list[ScrapedPost], list[dict[str, Any]]]:
    """The head walk, the posts read from older gaps, and the gaps still open (newest first)."""
    head = await walk(None, until, budget)
    open_gaps = list(gaps)
    if until is not None and not head.reached and head.next_token is not None:
        open_gaps.insert(0, {"resume": head.next_token, "until": until})
    remaining = budget - head.pages
    older: list[ScrapedPost] = []
    still_open = []
    for gap in open_gaps:
        if remaining <= 0:
            still_open.append(gap)
            continue
        part = await walk(gap["resume"], gap["until"], remaining)
        remaining -= part.pages
        older.extend(part.posts)
        if not part.reached and part.next_token is not None:
            still_open.append({"resume": part.next_token, "until": gap["until"]})
    return head, older, still_open


def fill(result: FetchResult, head: Walk, older: list[ScrapedPost], gaps: list[dict[str, Any]]) -> None:
    """Posts, seen ids, the deletion window (the head only: it runs unbroken from now) and open gaps."""
    result.posts = head.posts + older
    result.seen_ids = {p.platform_post_id for p in result.posts}
    times = [p.posted_at for p in head.posts if p.posted_at]
    result.window_start = min(times) if times else None
    if gaps:
        result.cursor["gaps"] = gaps
    else:
        result.cursor.pop("gaps", None)
