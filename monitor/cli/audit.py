"""`netra audit verify`: check the audit log's hash chain; names the first broken entry."""

from __future__ import annotations

import typer
from sqlalchemy import func
from sqlmodel import Session, select

from monitor.audit import verify
from monitor.cli._common import console, err_console, ready_engine
from monitor.models import AuditLog

app = typer.Typer(help="The append-only, hash-chained audit log.", no_args_is_help=True)


@app.command("verify")
def verify_cmd() -> None:
    """Walk the whole chain. Exit 0 when intact; exit 1 naming the first broken entry."""
    with Session(ready_engine()) as session:
        total = session.exec(select(func.count()).select_from(AuditLog)).one()
        broken = verify(session)
    if broken is not None:
        err_console.print(f"[red]BROKEN[/red] audit entry #{broken.id}: {broken.reason}", highlight=False)
        raise typer.Exit(1)
    console.print(f"Audit chain intact: {total} entries verified.")
