"""`netra asn export`: everything Netra holds on one ASN (subject access, UU PDP 27/2022), as one ZIP."""

from __future__ import annotations

from pathlib import Path

import typer
from sqlmodel import Session

from monitor.cli._common import console, err_console, ready_engine, write_whole
from monitor.privacy.subject_access import SubjectError, check_reason, export_asn, record_export

app = typer.Typer(help="ASN: export everything held on one NIP (subject access).", no_args_is_help=True)
ACTOR = "cli"


@app.command("export")
def export(
    nip: str = typer.Argument(..., help="The ASN's 18-digit NIP."),
    output: Path = typer.Option(..., "--output", "-o", dir_okay=False, help="Where to write the ZIP."),
    reason: str = typer.Option(..., "--reason", help="Why (e.g. the request's number); recorded in the audit log."),
) -> None:
    """Write every row held on the NIP (registry, accounts, posts and versions, scores, cases, actions, forwarded
    evidence packs, audit entries) with a README, and print the ZIP's SHA-256; the export is audited."""
    try:
        why = check_reason(reason)
        with Session(ready_engine()) as session:
            made = export_asn(session, nip, actor=ACTOR)
            write_whole(output, made.content)
            record_export(session, made, actor=ACTOR, reason=why, via="cli")
            session.commit()
    except SubjectError as exc:
        err_console.print(f"[red]Gagal:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from exc
    rows = ", ".join(f"{table} {n}" for table, n in made.rows.items() if n)
    console.print(f"{made.sha256}  {output}", highlight=False)
    console.print(f"{made.nip} {made.name}: {rows}", highlight=False, markup=False)
