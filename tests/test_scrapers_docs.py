"""Every scraper and every scraper setting is documented in docs/scrapers.md."""

from __future__ import annotations

from pathlib import Path

from monitor.config import ScraperSettings
from scrapers.registry import SCRAPERS

DOC = (Path(__file__).parent.parent / "docs" / "scrapers.md").read_text()


def test_every_platform_is_documented() -> None:
    for platform in SCRAPERS:
        assert f"| `{platform}` |" in DOC, platform


def test_every_setting_is_documented() -> None:
    for name in ScraperSettings.model_fields:
        assert f"NETRA_SCRAPERS__{name.upper()}" in DOC, name
