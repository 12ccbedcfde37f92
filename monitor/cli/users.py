"""`netra users`: people who may use the review page (admins manage them here or on /admin/users)."""

from __future__ import annotations

import typer
from rich.table import Table
from sqlmodel import Session, select

from monitor.auth import UserError, create_user, disable_user, enable_user, list_users, reset_password
from monitor.cli._common import console, err_console, ready_engine
from monitor.db import session_scope
from monitor.models import Agency

app = typer.Typer(help="Review page users: add, disable, enable, reset a password, list.", no_args_is_help=True)
ACTOR = "cli"


def _fail(exc: Exception) -> typer.Exit:
    err_console.print(f"[red]Error:[/red] {exc}", highlight=False)
    return typer.Exit(2)


def _password_option() -> str:
    return typer.Option(
        ...,
        "--password",
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        help="At least 10 characters (prompted, hidden, when not given).",
    )


@app.command("add")
def add(
    email: str = typer.Argument(..., help="Login email."),
    name: str = typer.Option(..., "--name", help="Full name, shown on actions."),
    role: str = typer.Option(..., "--role", help="admin, supervisor or auditor."),
    agency: str | None = typer.Option(None, "--agency", help="Agency code (required for supervisors)."),
    password: str = _password_option(),
) -> None:
    """Add a user."""
    try:
        with session_scope(ready_engine()) as session:
            user = create_user(session, email, name, role, agency_code=agency, password=password, actor=ACTOR)
            console.print(f"Added {user.email} ({user.role})")
    except UserError as exc:
        raise _fail(exc) from exc


@app.command("disable")
def disable(email: str = typer.Argument(..., help="Login email.")) -> None:
    """Disable a user: they can no longer log in, and open sessions end."""
    try:
        with session_scope(ready_engine()) as session:
            disable_user(session, email, actor=ACTOR)
            console.print(f"Disabled {email.strip().lower()}")
    except UserError as exc:
        raise _fail(exc) from exc


@app.command("enable")
def enable(email: str = typer.Argument(..., help="Login email.")) -> None:
    """Enable a disabled user again."""
    try:
        with session_scope(ready_engine()) as session:
            enable_user(session, email, actor=ACTOR)
            console.print(f"Enabled {email.strip().lower()}")
    except UserError as exc:
        raise _fail(exc) from exc


@app.command("reset-password")
def reset(email: str = typer.Argument(..., help="Login email."), password: str = _password_option()) -> None:
    """Set a new password; the user's open sessions end."""
    try:
        with session_scope(ready_engine()) as session:
            reset_password(session, email, password, actor=ACTOR)
            console.print(f"Password reset for {email.strip().lower()}")
    except UserError as exc:
        raise _fail(exc) from exc


@app.command("list")
def list_() -> None:
    """List users with role, agency and whether they are active."""
    with Session(ready_engine()) as session:
        codes = {a.id: a.code for a in session.exec(select(Agency))}
        table = Table("email", "name", "role", "agency", "active")
        for user in list_users(session):
            table.add_row(
                user.email, user.name, user.role, codes.get(user.agency_id, "-"), "yes" if user.active else "no"
            )
        console.print(table)
