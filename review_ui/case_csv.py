"""The queue as CSV for a spreadsheet: UTF-8 with a byte order mark (Excel reads it as UTF-8 only then),
RFC 4180 quoting and line ends, and no cell a spreadsheet would run as a formula.

The cells are built by pure functions; `csv_response` reads the rows and records the export.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from fastapi.responses import Response
from sqlmodel import Session

from monitor.audit import record
from monitor.models import utcnow
from monitor.registry.names import RegistryNames, registry_names
from monitor.review.cases import CaseFilters, QueueRow, Viewer, queue
from monitor.wib import WIB, wib
from review_ui.i18n import translate

__all__ = ["MAX_ROWS", "case_cells", "csv_bytes", "csv_response", "nip_text", "safe_cell"]

MAX_ROWS = 50_000  # one export; the queue pages through the same rows 500 at a time
# A cell starting with one of these is a formula to Excel and LibreOffice (CSV/formula injection): a post's
# text or an ASN's name is written by the public, so such a cell gets a leading apostrophe (OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HEADER_KEYS = (
    "col_case",
    "col_status",
    "col_label",
    "col_score",
    "detected_at",
    "col_deadline",
    "overdue",
    "name",
    "nip",
    "unit",
    "col_agency",
    "filter_platform",
    "filter_election",
    "filter_candidate",
    "col_post",
    "csv_link",
)


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def nip_text(nip: str) -> str:
    """An 18-digit NIP written the official way, "19800101 200604 1 001": a spreadsheet keeps it as text,
    where as a number it would lose its last three digits (15 significant digits)."""
    if len(nip) == 18 and nip.isdigit():
        return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
    return nip


def case_cells(row: QueueRow, lang: str, base_url: str, names: RegistryNames) -> list[object]:
    """One case's cells, in the order of `HEADER_KEYS`, in the reader's words (the election by its name)."""
    return [
        row.id,
        translate(lang, f"status_{row.status}"),
        translate(lang, f"label_{row.label}"),
        f"{row.score:.2f}",
        wib(row.detected_at),
        wib(row.deadline),
        translate(lang, "yes" if row.overdue else "no"),
        row.asn_name,
        nip_text(row.nip),
        row.unit,
        row.agency_code,
        row.platform,
        names.election(row.election_id) if row.election_id else None,
        row.candidate_number,
        row.excerpt,
        f"{base_url.rstrip('/')}/cases/{row.id}",
    ]


def csv_bytes(header: Iterable[object], rows: Iterable[Iterable[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)  # RFC 4180: CRLF, "" inside ""
    writer.writerow([safe_cell(cell) for cell in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode()


def _all_rows(session: Session, v: Viewer, filters: CaseFilters) -> list[QueueRow]:
    rows: list[QueueRow] = []
    cursor: str | None = None
    while len(rows) < MAX_ROWS:
        page = queue(session, v, filters, cursor=cursor, limit=min(500, MAX_ROWS - len(rows)))
        rows += page.rows
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    return rows


def csv_response(
    session: Session, v: Viewer, filters: CaseFilters, filter_params: dict[str, str], *, lang: str, base_url: str
) -> Response:
    """Every case matching the filters (in the queue's order, up to `MAX_ROWS`) as a CSV download.

    Audited: the file holds names and NIPs of many ASN (`cases.export_csv`, with the filters and the count).
    """
    rows = _all_rows(session, v, filters)
    names = registry_names(session)
    body = csv_bytes(
        [translate(lang, key) for key in HEADER_KEYS], (case_cells(r, lang, base_url, names) for r in rows)
    )
    record(session, v.email, "cases.export_csv", "queue", "csv", {"filters": filter_params, "rows": len(rows)})
    session.commit()
    day = (utcnow() + WIB).date().isoformat()
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="netra-kasus-{day}.csv"'},
    )
