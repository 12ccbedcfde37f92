"""`netra accounts`: the registered social-media accounts of ASN; verify, reject, remove or restore one."""

from __future__ import annotations

from collections.abc import Callable

import typer
from rich.table import Table
from sqlmodel import Session

from monitor.cli._common import console, err_console, ready_engine
from monitor.db import session_scope
from monitor.registry.accounts import ERRORS_ID, STATUSES, AccountError, account_status, change_account, list_accounts

app = typer.Typer(
    help="Registered accounts of ASN: list, verify, reject, remove (stops collection, keeps posts), restore.",
    no_args_is_help=True,
)
ACTOR = "cli"
ACCOUNT_HELP = "The account: its id (netra accounts list) or PLATFORM:HANDLE, e.g. bluesky:budi.bsky.social."


def _fail(exc: AccountError) -> typer.Exit:
    message = str(exc)
    err_console.print(f"[red]Gagal:[/red] {ERRORS_ID.get(message, message)} ({message})", highlight=False)
    return typer.Exit(2)


def _reason_option() -> str:
    return typer.Option(..., "--reason", help="Why (required; recorded in the audit log).")


def _change(ref: str, change: str, reason: str) -> None:
    try:
        with session_scope(ready_engine()) as session:
            account = change_account(session, ref, change, reason=reason, actor=ACTOR)
            console.print(
                f"{account.platform} {account.handle} (#{account.id}): {account_status(account)}", highlight=False
            )
    except AccountError as exc:
        raise _fail(exc) from exc


COMMANDS = {
    "verify": "Mark the account as confirmed to be this ASN's.",
    "reject": "Mark the account as not this ASN's: it is no longer collected.",
    "remove": "Take the account off the watch list: no longer collected; its posts and cases stay as evidence.",
    "restore": "Put a removed account back on the watch list.",
}


def _command(change: str) -> Callable[[str, str], None]:
    def command(account: str = typer.Argument(..., help=ACCOUNT_HELP), reason: str = _reason_option()) -> None:
        _change(account, change, reason)

    return command


for _name, _help in COMMANDS.items():
    app.command(_name, help=_help)(_command(_name))


@app.command("list")
def list_(
    q: str = typer.Option("", "--q", help="An 18-digit NIP, or part of a handle or of an ASN's name."),
    platform: str | None = typer.Option(None, "--platform", help="Only this platform."),
    status: str | None = typer.Option(None, "--status", help=f"One of {', '.join(STATUSES)} (default: all watched)."),
    limit: int = typer.Option(100, "--limit", min=1, help="At most this many rows."),
) -> None:
    """List accounts with their ASN, agency, status and last collection."""
    try:
        with Session(ready_engine()) as session:
            rows, more = list_accounts(session, q=q, platform=platform, status=status, limit=limit)
    except AccountError as exc:
        raise _fail(exc) from exc
    table = Table("id", "nip", "name", "agency", "platform", "handle", "status", "last collection")
    for r in rows:
        when = r.last_collected_at.strftime("%Y-%m-%d %H:%M") if r.last_collected_at else "-"
        table.add_row(
            str(r.id), r.nip, r.asn_name, r.agency_code, r.platform, r.handle, r.status, f"{when} {r.last_status}"
        )
    console.print(table)
    if more is not None:
        console.print("(more: raise --limit, or narrow with --q / --platform / --status)")
