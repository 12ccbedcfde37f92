"""`netra digest`: send the weekly digest by hand, or preview one user's digest without sending."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer
from rich.table import Table

from monitor.cli._common import console, err_console, ready_engine, settings
from monitor.digest import (
    DigestRunSummary,
    DigestUserError,
    IsoWeek,
    WeekError,
    preview_digest,
    reopen_delivery,
    retry_due_digests,
    send_weekly_digests,
    set_digest_when_empty,
)
from monitor.models import utcnow

app = typer.Typer(help="The weekly digest email to supervisors and admins.", no_args_is_help=True)

WEEK_HELP = "ISO week, e.g. 2024-W47 (default: the week that ended last Sunday, in WIB)."


def _week(text: str | None, now: datetime) -> IsoWeek:
    if text is None:
        return IsoWeek.last_finished(now, settings().scheduler.timezone)
    try:
        return IsoWeek.parse(text)
    except WeekError as exc:
        raise typer.BadParameter(str(exc), param_hint="--week") from exc


def _report(summary: DigestRunSummary) -> None:
    table = Table("digest " + (summary.week or "retries"), "count")
    for key, label in [
        ("sent", "sent"),
        ("retry_later", "failed for now, retried later"),
        ("failed", "failed permanently"),
        ("empty_not_sent", "nothing new (not opted in)"),
        ("already_handled", "already sent, or not due for a retry yet"),
        ("skipped", "retries no longer needed"),
    ]:
        table.add_row(label, str(getattr(summary, key)))
    console.print(table)
    for error in summary.errors:
        err_console.print(f"[red]error[/red] {error}", highlight=False)
    if summary.failed or summary.retry_later:
        raise typer.Exit(1)


@app.command("send")
def send_cmd(week: str | None = typer.Option(None, "--week", help=WEEK_HELP)) -> None:
    """Send the week's digests now (each recipient at most once per week), then retry earlier failures."""
    now = utcnow()
    _report(send_weekly_digests(ready_engine(), settings(), week=_week(week, now), now=now))


@app.command("retry")
def retry_cmd(
    user: str | None = typer.Option(None, "--user", help="Also retry this user's failed digest now (with --week)."),
    week: str | None = typer.Option(None, "--week", help="The week of the failed digest, e.g. 2024-W47."),
) -> None:
    """Retry deliveries whose backoff is over; with --user and --week, first reopen that failed one."""
    engine = ready_engine()
    if user is not None or week is not None:
        if user is None or week is None:
            err_console.print("[red]--user and --week go together[/red]")
            raise typer.Exit(2)
        try:
            reopen_delivery(engine, email=user, week=_week(week, utcnow()))
        except DigestUserError as exc:
            err_console.print(f"[red]Cannot retry:[/red] {exc}", highlight=False)
            raise typer.Exit(2) from exc
    _report(retry_due_digests(engine, settings()))


@app.command("preview")
def preview_cmd(
    user: str = typer.Option(..., "--user", help="Email of the supervisor or admin."),
    week: str | None = typer.Option(None, "--week", help=WEEK_HELP),
    out: Path | None = typer.Option(None, "--out", dir_okay=False, help="Write the HTML part to this file."),
) -> None:
    """Render one user's digest without sending it or recording anything; prints the plain-text part."""
    now = utcnow()
    try:
        _digest, mail = preview_digest(ready_engine(), settings(), email=user, week=_week(week, now), now=now)
    except DigestUserError as exc:
        err_console.print(f"[red]Cannot preview:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from exc
    console.print(f"To: {mail.to}\nSubject: {mail.subject}\n", highlight=False, markup=False)
    console.print(mail.text, highlight=False, markup=False)
    if out is not None:
        out.write_text(mail.html, encoding="utf-8")
        console.print(f"HTML part written to {out}")


@app.command("when-empty")
def when_empty_cmd(
    user: str = typer.Option(..., "--user", help="Email of the supervisor or admin."),
    enabled: bool = typer.Option(..., "--on/--off", help="Send a short mail in weeks without new cases, or not."),
) -> None:
    """Choose whether a user gets the short "tidak ada kasus baru" mail in quiet weeks (default: off)."""
    try:
        set_digest_when_empty(ready_engine(), email=user, enabled=enabled)
    except DigestUserError as exc:
        err_console.print(f"[red]Cannot change:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from exc
    state = "will" if enabled else "will not"
    console.print(f"{user} {state} get a digest in weeks without new cases.", highlight=False)
