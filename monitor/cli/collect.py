"""`netra collect`, `netra report` and `netra import-zeeschuimer`: bring public posts in now."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from monitor.cli._common import console, err_console, ready_engine, settings
from monitor.collection.manual import ImportFailed, ReportError, import_zeeschuimer, report_url
from monitor.collection.service import CollectSummary, account_labels, collect_pass, count_due
from monitor.collection.warc import warc_root
from monitor.registry.nip import NipError, normalise_nip, parse_nip
from scrapers.registry import SCRAPERS

MAX_ERRORS_SHOWN = 20


def collect(
    platform: str | None = typer.Option(None, "--platform", help=f"Only this platform: {', '.join(sorted(SCRAPERS))}."),
    asn: str | None = typer.Option(None, "--asn", help="Only the accounts of the ASN with this NIP."),
) -> None:
    """Run one collection pass now: fetch new posts of registered accounts, with evidence."""
    if platform is not None and platform not in SCRAPERS:
        err_console.print(
            f"[red]Unknown platform {escape(repr(platform))}.[/red] Use one of: {', '.join(sorted(SCRAPERS))}"
        )
        raise typer.Exit(2)
    nip = _nip(asn) if asn else None
    engine = ready_engine()
    total = count_due(engine, platform=platform, asn_nip=nip)
    if total == 0:
        console.print("No accounts to collect (check --platform / --asn, or import the registry first).")
        return
    with Progress(
        TextColumn("[bold]collecting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    ) as bar:
        task = bar.add_task("collect", total=total)
        summary = collect_pass(
            engine, settings(), platform=platform, asn_nip=nip, progress=lambda _o: bar.advance(task)
        )
    shown = [e[0] for e in summary.errors[:MAX_ERRORS_SHOWN]] + [n[0] for n in summary.item_notes[:MAX_ERRORS_SHOWN]]
    print_collect_summary(summary, account_labels(engine, shown))
    if summary.accounts_ok == 0 and summary.accounts_failed:
        raise typer.Exit(1)


def _nip(value: str) -> str:
    nip = normalise_nip(value)
    try:
        parse_nip(nip)
    except NipError as exc:
        err_console.print(f"[red]Invalid NIP {value!r}:[/red] {exc}")
        raise typer.Exit(2) from exc
    return nip


def print_collect_summary(summary: CollectSummary, labels: dict[int, str]) -> None:
    table = Table("accounts", "count")
    table.add_row("ok", str(summary.accounts_ok))
    for status, count in sorted(summary.failed.items()):
        table.add_row(f"failed: {status}", str(count))
    console.print(table)
    console.print(
        f"posts: {summary.posts_new} new, {summary.posts_changed} changed, {summary.posts_deleted} deleted"
        + (f"; {summary.foreign_skipped} by other authors skipped" if summary.foreign_skipped else "")
    )
    for account_id, status, message in summary.errors[:MAX_ERRORS_SHOWN]:
        label = escape(labels.get(account_id, f"account {account_id}"))
        err_console.print(f"{label}: [yellow]{status}[/yellow] {escape(message)}", highlight=False)
    if len(summary.errors) > MAX_ERRORS_SHOWN:
        err_console.print(f"... and {len(summary.errors) - MAX_ERRORS_SHOWN} more failed accounts")
    for account_id, note in summary.item_notes[:MAX_ERRORS_SHOWN]:  # stored, but not exactly as received
        label = escape(labels.get(account_id, f"account {account_id}"))
        err_console.print(f"{label}: [yellow]odd item[/yellow] {escape(note)}", highlight=False)
    if len(summary.item_notes) > MAX_ERRORS_SHOWN:
        err_console.print(f"... and {len(summary.item_notes) - MAX_ERRORS_SHOWN} more odd items")


def report(
    url: str = typer.Argument(..., help="The public URL of the post or page."),
    asn: str = typer.Option(..., "--asn", help="NIP of the ASN the post belongs to."),
) -> None:
    """Fetch one public URL now and store it, with evidence, as a post of that ASN."""
    nip = _nip(asn)
    try:
        outcome, post = report_url(ready_engine(), url, nip, settings())
    except ReportError as exc:
        err_console.print(f"[red]Not stored:[/red] {escape(str(exc))}", highlight=False)
        raise typer.Exit(2) from exc
    state = (
        "stored" if outcome.new else ("updated (new version kept)" if outcome.changed else "already stored, unchanged")
    )
    console.print(f"{state}: {post.url} (HTTP {post.http_status}, sha256 {post.payload_sha256[:16]}…)", highlight=False)


def import_zeeschuimer_command(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="A Zeeschuimer .ndjson export."),
) -> None:
    """Import a Zeeschuimer export: items by registered instagram/tiktok/x accounts are stored."""
    try:
        result = import_zeeschuimer(ready_engine(), file, warc_root(settings().data_dir))
    except ImportFailed as exc:
        err_console.print(f"[red]Not imported:[/red] {escape(str(exc))}", highlight=False)
        raise typer.Exit(2) from exc
    for number, reason in result.rejected[:MAX_ERRORS_SHOWN]:
        err_console.print(f"[red]line {number} rejected:[/red] {escape(reason)}", highlight=False)
    if len(result.rejected) > MAX_ERRORS_SHOWN:
        err_console.print(f"... and {len(result.rejected) - MAX_ERRORS_SHOWN} more rejected lines")
    table = Table("items", "count")
    for label, value in (
        ("lines read", result.lines),
        ("stored (new)", result.stored_new),
        ("changed (new version kept)", result.changed),
        ("skipped: author not registered", result.unregistered),
        ("skipped: platform not supported", result.unsupported),
        ("rejected (malformed)", len(result.rejected)),
    ):
        table.add_row(label, str(value))
    console.print(table)
    if result.rejected and not (result.stored_new or result.changed or result.unregistered):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("collect")(collect)
    app.command("report")(report)
    app.command("import-zeeschuimer")(import_zeeschuimer_command)
