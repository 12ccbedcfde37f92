"""What retention removes from one stored copy of a post: pure functions over payloads and score details.

- `strip_thread_context`: other people's posts that a platform sends along with one of ours (a Bluesky reply
  arrives with the full post it answers and the thread's first post). They are kept only as the context of a
  case; outside one they are cut down to their references (URI, CID) as soon as the post is known not to be
  a case, and inside one they go with the case's own text.
- `strip_payload_text`: everything people wrote in a payload (text fields emptied, thread context cut down);
  the ids, counts, times and URLs stay, so what was collected can still be counted and matched.
- `scrub_spans`: the words a score quotes from the post (explanation spans, candidate mentions); their
  offsets and kinds stay.
"""

from __future__ import annotations

import json
from collections.abc import Callable

__all__ = ["CONTEXT_PLATFORMS", "TEXT_KEYS", "scrub_spans", "strip_payload_text", "strip_thread_context"]

# Keys whose string values carry what people wrote (or media descriptions of it) in platform payloads.
TEXT_KEYS = frozenset(
    {
        "text",
        "full_text",
        "content",
        "body",
        "message",
        "caption",
        "description",
        "summary",
        "title",
        "spoiler_text",
        "alt",
        "html",
        "quoted_text",
        "note",
        "display_name",
        "displayName",
    }
)
_REFERENCE_KEYS = ("$type", "uri", "cid")  # what identifies a post without saying what it says


def _bluesky_context(item: dict[str, object]) -> dict[str, object]:
    """A getAuthorFeed item with its `reply` block (root and parent posts, the grandparent's author: other
    people's words, names and avatars) cut down to the two posts' references."""
    thread = item.get("reply")
    if not isinstance(thread, dict):
        return item
    references = {
        place: {k: v for k, v in post.items() if k in _REFERENCE_KEYS}
        for place, post in thread.items()
        if place in ("root", "parent") and isinstance(post, dict)
    }
    return {**item, "reply": references}


# Platforms whose stored payloads carry other people's posts as thread context, and how to cut it out.
_CONTEXT: dict[str, Callable[[dict[str, object]], dict[str, object]]] = {"bluesky": _bluesky_context}
CONTEXT_PLATFORMS = tuple(_CONTEXT)


def _load(raw: str) -> object:
    try:
        return json.loads(raw)
    except (ValueError, TypeError):
        return None


def _dump(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def strip_thread_context(raw: str, platform: str) -> str:
    """The payload without other people's thread context; unchanged where the platform sends none."""
    cut = _CONTEXT.get(platform)
    data = _load(raw) if cut else None
    if cut is None or not isinstance(data, dict):
        return raw
    stripped = cut(data)
    return raw if stripped is data else _dump(stripped)


def strip_payload_text(raw: str, platform: str | None = None) -> str:
    """The payload with every text field emptied and the thread context cut down; a payload that is not
    JSON (HTML, XML) is dropped whole: what it says cannot be told apart from what it is."""
    data = _load(raw)
    if data is None:
        return ""
    cut = _CONTEXT.get(platform or "")
    if cut is not None and isinstance(data, dict):
        data = cut(data)

    def scrub(node: object) -> object:
        if isinstance(node, dict):
            return {k: ("" if k in TEXT_KEYS and isinstance(v, str) else scrub(v)) for k, v in node.items()}
        if isinstance(node, list):
            return [scrub(item) for item in node]
        return node

    return json.dumps(scrub(data), ensure_ascii=False, sort_keys=True)


def scrub_spans(items: list[dict[str, object]] | None) -> list[dict[str, object]]:
    """Score spans or mentions without the words they quote (their offsets, kinds and weights stay)."""
    return [{**item, "text": ""} if item.get("text") else dict(item) for item in items or []]
