"""`netra audit verify`: check the audit log's hash chain and its signed checkpoints; `netra audit checkpoint`."""

from __future__ import annotations

import typer
from sqlmodel import Session

from monitor.audit_check import check_audit_log
from monitor.audit_checkpoints import CheckpointError, write_checkpoint
from monitor.cli._common import console, err_console, ready_engine, settings

app = typer.Typer(help="The append-only, hash-chained audit log.", no_args_is_help=True)


@app.command("verify")
def verify_cmd(
    checkpoint: list[str] = typer.Option(
        [],
        "--checkpoint",
        help="Also check this signed checkpoint line, e.g. copied from a weekly digest mail (repeatable).",
    ),
) -> None:
    """Walk the whole chain and compare it with every signed checkpoint. Exit 0 when both hold; exit 1 naming
    the first broken entry, deleted newest entries or a rewritten chain."""
    with Session(ready_engine()) as session:
        report = check_audit_log(session, settings(), checkpoint)
    for warning in report.warnings:
        err_console.print(f"[yellow]warning[/yellow] {warning}", highlight=False, soft_wrap=True)
    if report.broken is not None:
        err_console.print(
            f"[red]BROKEN[/red] audit entry #{report.broken.id}: {report.broken.reason}",
            highlight=False,
            soft_wrap=True,
        )
    for problem in report.problems:
        err_console.print(f"[red]CHECKPOINT[/red] {problem}", highlight=False, soft_wrap=True)
    if not report.ok:
        raise typer.Exit(1)
    console.print(f"Audit chain intact: {report.entries} entries verified.")
    if report.newest is not None:
        after = report.entries - report.newest.count
        console.print(
            f"Checkpoints: {report.held} hold; the newest ({report.newest.at:%Y-%m-%d %H:%M:%S} UTC) covers "
            f"{report.newest.count} entries" + (f", {after} newer ones rest on the chain alone." if after else "."),
            soft_wrap=True,
        )


@app.command("checkpoint")
def checkpoint_cmd() -> None:
    """Sign the log's present entry count and newest hash and append it to the checkpoint file."""
    config = settings()
    try:
        written = write_checkpoint(ready_engine(), config)
    except (CheckpointError, OSError) as exc:
        err_console.print(f"[red]Cannot write a checkpoint:[/red] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from exc
    console.print(
        f"Checkpoint appended to {config.audit_checkpoint_file}: {written.count} entries, newest #{written.head_id}.",
        highlight=False,
        soft_wrap=True,
    )
    console.print(written.line(), highlight=False, soft_wrap=True)
