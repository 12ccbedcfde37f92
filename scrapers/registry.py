"""The explicit map of platform names to scrapers: no discovery, no magic.

Each platform has its scraper here and its handle rule and poll interval in `scrapers/platforms.py`
(kept apart so that monitor's settings can read the intervals without importing every scraper).
A new platform touches scrapers/ only: its module, this map, `platforms.py`, plus docs/scrapers.md and
its tests (docs/architecture.md).
"""

from __future__ import annotations

from typing import Any, Protocol

from scrapers.base import AccountRef, FetchResult
from scrapers.bluesky import BlueskyScraper
from scrapers.html import HtmlScraper
from scrapers.http import PoliteClient
from scrapers.mastodon import MastodonScraper
from scrapers.platforms import PLATFORMS
from scrapers.rss import RssScraper
from scrapers.telegram import TelegramScraper
from scrapers.x import XScraper

__all__ = ["IMPORT_ONLY", "PLATFORMS", "SCRAPERS", "Scraper"]


class Scraper(Protocol):
    platform: str

    async def fetch(self, client: PoliteClient, account: AccountRef, cursor: dict[str, Any]) -> FetchResult:
        """Fetch the account's newest posts, stopping at what `cursor` says was already seen."""
        ...


SCRAPERS: dict[str, Scraper] = {
    "bluesky": BlueskyScraper(),
    "mastodon": MastodonScraper(),
    "telegram": TelegramScraper(),
    "rss": RssScraper("rss"),
    "youtube": RssScraper("youtube"),
    "x": XScraper(),
    "html": HtmlScraper(),
}
# Instagram and TikTok have no public interface we may poll: they come in by Zeeschuimer import.
IMPORT_ONLY = tuple(name for name, platform in PLATFORMS.items() if platform.poll is None)
