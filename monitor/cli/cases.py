"""`netra cases evidence`: a case's evidence pack, built now or exactly as it was forwarded."""

from __future__ import annotations

from pathlib import Path

import typer
from sqlmodel import Session

from monitor.audit import record
from monitor.cli._common import console, err_console, ready_engine, write_whole
from monitor.models import Role
from monitor.review.cases import CaseNotFound, Viewer
from monitor.review.evidence.forwarded import ArchiveError, NotForwarded, forwarded_pack
from monitor.review.evidence.pack import build_evidence_pack

app = typer.Typer(help="Cases: evidence packs.", no_args_is_help=True)
ACTOR = "cli"
# Whoever runs the CLI reads the database directly: they see every agency, as an admin does.
CLI_VIEWER = Viewer(0, ACTOR, ACTOR, Role.admin, None)


def _fail(message: str) -> typer.Exit:
    err_console.print(f"[red]Gagal:[/red] {message}", highlight=False, markup=True)
    return typer.Exit(1)


@app.command("evidence")
def evidence(
    case_id: int = typer.Argument(..., help="The case number."),
    output: Path = typer.Option(..., "--output", "-o", dir_okay=False, help="Where to write the ZIP."),
    as_forwarded: bool = typer.Option(
        False, "--as-forwarded", help="The pack exactly as forwarded (its SHA-256 is the one in the audit log)."
    ),
    target: str | None = typer.Option(None, "--target", help="With --as-forwarded: the pack sent to bawaslu or bkn."),
) -> None:
    """Write a case's evidence pack and print its SHA-256; the download is recorded in the audit log."""
    with Session(ready_engine()) as session:
        try:
            if as_forwarded:
                kept = forwarded_pack(session, CLI_VIEWER, case_id, target)
                pack, digest = kept.content, kept.sha256
                details: dict[str, object] = {"as_forwarded": True, "audit_id": kept.audit_id}
            else:
                pack, digest = build_evidence_pack(session, CLI_VIEWER, case_id)
                details = {}
        except CaseNotFound as exc:
            raise _fail(f"kasus {case_id} tidak ada (case {case_id} does not exist)") from exc
        except NotForwarded as exc:
            to = f" ke {target.upper()}" if target else ""
            raise _fail(
                f"kasus {case_id} belum pernah diteruskan{to}: belum ada paket bukti yang diteruskan ({exc})"
            ) from exc
        except ArchiveError as exc:
            raise _fail(f"arsip paket bukti telah diubah ({exc})") from exc
        write_whole(output, pack)
        record(
            session, ACTOR, "case.evidence_download", "case", str(case_id), {"sha256": digest, "via": "cli"} | details
        )
        session.commit()
    console.print(f"{digest}  {output}", highlight=False)
