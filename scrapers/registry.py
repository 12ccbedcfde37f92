"""The explicit map of platform names to scrapers: no discovery, no magic."""

from __future__ import annotations

from scrapers.base import Scraper
from scrapers.bluesky import BlueskyScraper
from scrapers.html import HtmlScraper
from scrapers.mastodon import MastodonScraper
from scrapers.rss import RssScraper
from scrapers.telegram import TelegramScraper
from scrapers.x import XScraper

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
