"""Helpers shared by the CLI modules: settings, engine, console, files written whole."""

from __future__ import annotations

import os
from pathlib import Path

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


def write_whole(path: Path, data: bytes) -> None:
    """All or nothing: a half-written pack or export must never look complete."""
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    os.replace(partial, path)
