"""`netra registry` and `netra elections`: load who is watched and which elections matter."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from classifiers.elections import RegistryError
from monitor.cli._common import console, err_console, ready_engine
from monitor.db import session_scope
from monitor.registry.csv_import import RegistryFileError, import_registry_csv
from monitor.registry.elections import import_elections, read_elections_file
from monitor.registry.text_input import TextDecodeError

registry_app = typer.Typer(help="The ASN registry: agencies, civil servants and their accounts.", no_args_is_help=True)
elections_app = typer.Typer(help="The election registry: elections, candidates, parties.", no_args_is_help=True)

MAX_ERRORS_SHOWN = 50


@registry_app.command("import")
def registry_import(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="Registry CSV (see README)."),
    rejects: Path | None = typer.Option(None, "--rejects", help="Write rejected rows, with reasons, to this CSV."),
) -> None:
    """Import agencies, ASN and accounts from a CSV. Bad rows are reported; good rows land."""
    try:
        report = import_registry_csv(ready_engine(), file)
    except RegistryFileError as exc:
        err_console.print(f"[red]Cannot import {file}:[/red] {exc}")
        raise typer.Exit(2) from exc
    if report.unknown_columns:
        err_console.print(f"[yellow]Ignored unknown column(s):[/yellow] {', '.join(report.unknown_columns)}")
    for rejected in report.rejected[:MAX_ERRORS_SHOWN]:
        err_console.print(f"[red]rejected[/red] {rejected.message()}", markup=True, highlight=False)
    if len(report.rejected) > MAX_ERRORS_SHOWN:
        err_console.print(
            f"... and {len(report.rejected) - MAX_ERRORS_SHOWN} more rejected rows"
            + ("" if rejects else " (use --rejects FILE.csv to get them all)")
        )
    table = Table("rows", "count")
    for key in ("created", "updated", "unchanged", "rejected"):
        table.add_row(key, str(report.rows[key]))
    console.print(table)
    if report.entities:
        console.print(", ".join(f"{k}: {v}" for k, v in sorted(report.entities.items())))
    if rejects is not None:
        report.write_rejects(rejects)
        console.print(f"Rejected rows written to {rejects}")


@elections_app.command("import")
def elections_import(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="Election registry YAML (see README)."),
) -> None:
    """Import elections, candidates and parties from YAML (idempotent)."""
    try:
        # Decoded as the admin page decodes an upload: UTF-8, or UTF-16 with its byte-order mark.
        spec = read_elections_file(file.read_bytes(), source=str(file))
    except OSError as exc:
        err_console.print(f"[red]Cannot import:[/red] {file}: cannot read: {exc.strerror}", highlight=False)
        raise typer.Exit(2) from exc
    except (RegistryError, TextDecodeError) as exc:
        where = f"{file}: " if isinstance(exc, TextDecodeError) else ""  # a RegistryError names the file itself
        err_console.print(f"[red]Cannot import:[/red] {where}{escape(str(exc))}", highlight=False)
        raise typer.Exit(2) from exc
    with session_scope(ready_engine()) as session:
        report = import_elections(session, spec)
    console.print(f"Elections and parties: {report.summary()}")
