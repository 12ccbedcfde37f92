"""Helpers shared by the CLI modules: settings, engine, console."""

from __future__ import annotations

from rich.console import Console
from sqlalchemy import Engine

from monitor.config import Settings, get_settings
from monitor.db import get_engine, upgrade

console = Console()
err_console = Console(stderr=True)


def settings() -> Settings:
    return get_settings()


def ready_engine() -> Engine:
    """The configured database, migrated to the newest schema (cheap when already there)."""
    engine = get_engine(settings().db_url)
    upgrade(engine)
    return engine
