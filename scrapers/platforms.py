"""What Netra knows of each platform besides its scraper: the rule a registered handle follows and how
often an account is polled. Plain data, cheap to import (monitor's settings read the poll intervals);
`scrapers/registry.py` joins it to the scrapers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["PLATFORMS", "HandleRule", "Platform", "PollInterval"]

_URL = re.compile(r"^https?://[^\s/]+\S*$")


@dataclass(frozen=True)
class HandleRule:
    """What a registered handle of the platform looks like."""

    pattern: re.Pattern[str]
    expected: str  # the rule in words, for the registry import's error message
    is_url: bool = False  # a feed or page URL: kept as written (a username loses its "@" and its case)

    def normalise(self, handle: str) -> str:
        handle = handle.strip()
        return handle if self.is_url else handle.removeprefix("@").lower()

    def accepts(self, handle: str) -> bool:
        return self.pattern.match(handle) is not None


@dataclass(frozen=True)
class PollInterval:
    """Minutes between two collections of one account, outside and inside an election's hot period
    (the defaults of `NETRA_SCHEDULER__INTERVAL_MIN` and `…__CAMPAIGN_INTERVAL_MIN`)."""

    normal_min: int
    campaign_min: int


@dataclass(frozen=True)
class Platform:
    handle: HandleRule
    poll: PollInterval | None  # None: no scraper polls it; its posts come in by Zeeschuimer import


def _url_rule(expected: str) -> HandleRule:
    return HandleRule(_URL, expected, is_url=True)


PLATFORMS: dict[str, Platform] = {
    "bluesky": Platform(
        HandleRule(re.compile(r"^[a-z0-9][a-z0-9.-]*\.[a-z]{2,}$"), "a Bluesky handle like name.bsky.social"),
        PollInterval(120, 30),
    ),
    "mastodon": Platform(
        HandleRule(re.compile(r"^[a-z0-9_]+@[a-z0-9.-]+\.[a-z]{2,}$"), "user@instance, e.g. budi@mastodon.social"),
        PollInterval(120, 30),
    ),
    "telegram": Platform(
        HandleRule(re.compile(r"^[a-z][a-z0-9_]{4,31}$"), "a public channel name (5-32 letters, digits, _)"),
        PollInterval(180, 45),
    ),
    "x": Platform(
        HandleRule(re.compile(r"^[a-z0-9_]{1,15}$"), "an X username (1-15 letters, digits, _)"), PollInterval(240, 60)
    ),
    "instagram": Platform(HandleRule(re.compile(r"^[a-z0-9._]{1,30}$"), "an Instagram username"), None),
    "tiktok": Platform(HandleRule(re.compile(r"^[a-z0-9._]{2,24}$"), "a TikTok username"), None),
    "rss": Platform(_url_rule("the feed's http(s) URL"), PollInterval(360, 90)),
    # Every 120 minutes in and out of campaigns: what YouTube feeds were polled at before this table
    # named an interval for every platform (they had none, and fell back to 120).
    "youtube": Platform(
        _url_rule("the channel feed URL (https://www.youtube.com/feeds/videos.xml?channel_id=...)"),
        PollInterval(120, 120),
    ),
    "html": Platform(_url_rule("the page's http(s) URL"), PollInterval(720, 180)),
}
