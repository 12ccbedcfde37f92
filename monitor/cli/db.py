"""`netra db`: the database schema."""

from __future__ import annotations

import typer

from monitor.cli._common import console, settings
from monitor.db import current_revision, get_engine, upgrade

app = typer.Typer(help="Database schema: apply migrations, show the current revision.", no_args_is_help=True)


@app.command("upgrade")
def upgrade_cmd(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Apply schema migrations (creates the SQLite database on first use)."""
    engine = get_engine(settings().db_url)
    upgrade(engine, revision)
    console.print(f"Database {engine.url.render_as_string()} at revision {current_revision(engine)}")


@app.command("current")
def current_cmd() -> None:
    """Print the schema revision the database is at."""
    console.print(current_revision(get_engine(settings().db_url)) or "(empty database)")
