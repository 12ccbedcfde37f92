"""Every scraper and every scraper setting is documented in docs/scrapers.md."""

from __future__ import annotations

from pathlib import Path

from monitor.config import SchedulerSettings, ScraperSettings
from scrapers.registry import IMPORT_ONLY, PLATFORMS, SCRAPERS

DOC = (Path(__file__).parent.parent / "docs" / "scrapers.md").read_text()


def test_every_platform_is_documented() -> None:
    for platform in SCRAPERS:
        assert f"| `{platform}` |" in DOC, platform


def test_every_setting_is_documented() -> None:
    for name in ScraperSettings.model_fields:
        assert f"NETRA_SCRAPERS__{name.upper()}" in DOC, name


def test_every_platform_has_its_handle_rule_poll_interval_and_docs() -> None:
    # A platform is added in scrapers/ alone: its scraper in SCRAPERS, its facts in scrapers/platforms.py.
    assert set(SCRAPERS) | set(IMPORT_ONLY) == set(PLATFORMS)
    assert not set(SCRAPERS) & set(IMPORT_ONLY)
    for name, platform in PLATFORMS.items():
        assert platform.handle.expected, name
        assert f"`{name}`" in DOC, name
        if name in SCRAPERS:
            assert platform.poll is not None and platform.poll.normal_min > 0 and platform.poll.campaign_min > 0, name
            assert f"| `{name}` |" in DOC, name


def test_the_scheduler_polls_each_platform_at_its_own_interval_by_default() -> None:
    scheduler = SchedulerSettings()
    for name in SCRAPERS:
        poll = PLATFORMS[name].poll
        assert poll is not None
        assert (scheduler.interval_min[name], scheduler.campaign_interval_min[name]) == (
            poll.normal_min,
            poll.campaign_min,
        ), name
