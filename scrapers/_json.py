"""Helpers for JSON APIs: decode a response, or say clearly why it is not what we expected."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import httpx

from scrapers.errors import BadPayload

T = TypeVar("T")


def decode(response: httpx.Response) -> Any:
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadPayload(f"malformed JSON from {response.request.url} (HTTP {response.status_code}): {exc}") from exc


def item_payload(item: Any) -> str:
    """One item of a JSON page, re-serialised canonically (compact, key order as received)."""
    return json.dumps(item, ensure_ascii=False, separators=(",", ":"))


def mapped(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a pure mapper; a missing key or wrong type becomes a BadPayload (no half-parsed post)."""
    try:
        return fn(*args, **kwargs)
    except BadPayload:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        raise BadPayload(f"unexpected item shape: {type(exc).__name__}: {exc}") from exc
