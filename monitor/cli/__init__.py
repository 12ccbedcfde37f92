"""The `netra` command line. Each command group lives in its own module and is registered here."""

from __future__ import annotations

import typer
from pydantic import ValidationError

from monitor.cli import accounts as accounts_cli
from monitor.cli import asn as asn_cli
from monitor.cli import audit as audit_cli
from monitor.cli import cases as cases_cli
from monitor.cli import collect as collect_cli
from monitor.cli import daemon as daemon_cli
from monitor.cli import db as db_cli
from monitor.cli import demo as demo_cli
from monitor.cli import digest as digest_cli
from monitor.cli import model as model_cli
from monitor.cli import registry as registry_cli
from monitor.cli import serve as serve_cli
from monitor.cli import users as users_cli
from monitor.cli._common import err_console
from monitor.config import get_settings

app = typer.Typer(
    name="netra",
    help="Netra: finds public posts in which civil servants (ASN) take sides in an election.",
    no_args_is_help=True,
    add_completion=False,
)
app.command("demo")(demo_cli.demo)
app.add_typer(db_cli.app, name="db")
app.add_typer(registry_cli.registry_app, name="registry")
app.add_typer(registry_cli.elections_app, name="elections")
app.add_typer(accounts_cli.app, name="accounts")
app.add_typer(asn_cli.app, name="asn")
app.add_typer(model_cli.model_app, name="model")
app.command("classify")(model_cli.classify_cmd)
app.add_typer(digest_cli.app, name="digest")
app.command("run")(daemon_cli.run)
app.command("worker")(daemon_cli.worker)
app.command("status")(daemon_cli.status)
collect_cli.register(app)
app.add_typer(users_cli.app, name="users")
app.add_typer(audit_cli.app, name="audit")
app.add_typer(cases_cli.app, name="cases")
app.command("serve")(serve_cli.serve)


def main() -> None:
    try:
        get_settings()  # a bad setting is named here, not as a traceback (whose locals could show a secret)
    except ValidationError as exc:
        err_console.print("[red]Konfigurasi tidak valid (invalid configuration):[/red]")
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"]) or "NETRA_*"
            err_console.print(f"  {where}: {error['msg']}", markup=False, highlight=False)
        raise SystemExit(2) from None
    app()
