"""Helpers for scraper and collector tests: settings that point every platform at a loopback server,
with tiny timeouts and backoff so fault tests stay fast."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from monitor.config import ScraperSettings, Settings
from monitor.db import session_scope
from monitor.models import Account, Asn
from scrapers.loopback import FakeAccount, LoopbackServer
from tests.utils.factories import make_account, make_asn

FAST = {
    "requests_per_second_per_host": 0,
    "concurrency_per_host": 8,
    "timeout_s": 0.5,
    "max_retries": 2,
    "backoff_base_s": 0.01,
    "backoff_max_s": 2.0,
    "page_size": 5,
    "max_pages_per_account": 4,
}


def loopback_settings(server: LoopbackServer, tmp_path: Path, **overrides: Any) -> Settings:
    scrapers = ScraperSettings(**(server.scraper_settings() | FAST | overrides))
    return Settings(_env_file=None, data_dir=tmp_path, scrapers=scrapers)  # type: ignore[call-arg]


def register(engine: Engine, server: LoopbackServer, fake: FakeAccount, **asn_fields: Any) -> Account:
    """Register the loopback account in Netra (a new ASN each time unless asn_id is given)."""
    with session_scope(engine) as session:
        asn_id = asn_fields.pop("asn_id", None)
        asn = session.get(Asn, asn_id) if asn_id else make_asn(session, **asn_fields)
        return make_account(session, asn, platform=fake.platform, handle=server.handle_for(fake))
