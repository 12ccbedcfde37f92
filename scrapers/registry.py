"""The explicit map of platform names to scrapers: no discovery, no magic."""

from __future__ import annotations

from typing import Any, Protocol

from scrapers.base import AccountRef, FetchResult
from scrapers.bluesky import BlueskyScraper
from scrapers.html import HtmlScraper
from scrapers.http import PoliteClient
from scrapers.mastodon import MastodonScraper
from scrapers.rss import RssScraper
from scrapers.telegram import TelegramScraper
from scrapers.x import XScraper


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
IMPORT_ONLY = ("instagram", "tiktok")
