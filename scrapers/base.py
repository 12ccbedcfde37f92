"""The scraper interface: what every platform module takes and returns.

Fetching (I/O through a `PoliteClient`) is separate from a pure mapping of one raw item to a
`ScrapedPost`. Scrapers know httpx and bs4, never the database: `monitor/collection/service.py` stores results.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from scrapers.errors import BadPayload

if TYPE_CHECKING:
    from scrapers.capture import CaptureRef

PostKind = Literal["post", "repost", "reply", "quote"]


@dataclass(frozen=True)
class HtmlSource:
    """CSS selectors for one family of HTML pages (a blog, a forum, an agency news page)."""

    url_prefix: str  # pages whose URL starts with this use these selectors
    item: str  # one element per post
    text: str  # inside an item: the post's text
    link: str = "a[href]"  # inside an item: the post's permalink (its id)
    time: str = "time[datetime]"  # inside an item: when it was posted (datetime attribute or text)


@dataclass(frozen=True)
class ScrapeConfig:
    """Everything a scraper may be told: politeness and endpoints (built from monitor's settings)."""

    user_agent: str = "Netra/0.1 (+https://github.com/netra-id/netra)"
    timeout_s: float = 20.0
    max_retries: int = 4
    backoff_base_s: float = 1.0
    backoff_max_s: float = 60.0
    requests_per_second_per_host: float = 1.0
    concurrency_per_host: int = 2
    total_concurrency: int = 32
    max_pages_per_account: int = 5
    page_size: int = 50
    obey_robots_txt: bool = True
    bluesky_url: str = "https://public.api.bsky.app"
    x_api_url: str = "https://api.x.com"
    telegram_url: str = "https://t.me"
    x_bearer_token: str | None = None
    mastodon_urls: dict[str, str] = field(default_factory=dict)  # instance domain -> base URL override
    html_sources: dict[str, HtmlSource] = field(default_factory=dict)
    # URL prefix -> replacement prefix: a mirror, or the demo's loopback source standing in for a site.
    url_rewrites: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AccountRef:
    """The registered account to fetch."""

    platform: str
    handle: str
    platform_user_id: str | None = None


@dataclass(frozen=True)
class ScrapedPost:
    platform: str
    platform_post_id: str
    kind: PostKind
    url: str
    text: str
    posted_at: datetime | None
    author_id: str  # who published this item on the account's timeline (the reposter for reposts)
    author_handle: str
    raw_payload: str  # the item (or page) exactly as received
    request_url: str
    http_status: int
    quoted_text: str | None = None
    original_post_id: str | None = None  # reposts, quotes and replies: the original's platform id
    language: str | None = None
    edited_at: datetime | None = None
    # The response this item came from as archived (a WARC record, scrapers/capture.py), and where in its
    # body the item is (a JSON Pointer, an XPath, a CSS selector; None: the whole body).
    capture: CaptureRef | None = None
    locator: str | None = None

    def __post_init__(self) -> None:
        if self.posted_at is not None and self.posted_at.tzinfo is None:
            raise ValueError("posted_at must be timezone-aware")

    @property
    def payload_sha256(self) -> str:
        return hashlib.sha256(self.raw_payload.encode()).hexdigest()

    @property
    def text_sha256(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()


@dataclass
class FetchResult:
    posts: list[ScrapedPost] = field(default_factory=list)
    cursor: dict[str, Any] = field(default_factory=dict)  # JSON-able; stored on the account as is
    platform_user_id: str | None = None
    seen_ids: set[str] = field(default_factory=set)
    # Posts of the account published after this moment must all be in seen_ids; any missing were
    # deleted. None: this fetch says nothing about deletions (a 304, or an incremental `since` query).
    window_start: datetime | None = None
    not_modified: bool = False
    requests: int = 0


def parse_time(value: str | int | float | None) -> datetime | None:
    """ISO-8601 strings (with Z or an offset) or epoch seconds, to aware UTC; None stays None."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def require(mapping: Any, *keys: str) -> Any:
    """Walk nested keys; a missing one is a BadPayload, never a half-parsed post."""
    value = mapping
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            raise BadPayload(f"payload lacks {'.'.join(keys)}")
        value = value[key]
    return value
