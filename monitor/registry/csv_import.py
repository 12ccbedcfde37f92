"""`netra registry import`: agencies, ASN and their accounts from a CSV file.

Bad rows are reported with row, column and reason; good rows still land; importing the same file
again changes nothing. Blank optional cells never erase what is already stored.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, select

from monitor.db import session_scope
from monitor.models import Account, Agency, Asn, AsnStatus, utcnow
from monitor.registry.csv_records import delimiter_of, records
from monitor.registry.rows import ALL_COLUMNS, REQUIRED_COLUMNS, RegistryRow, RowProblem, validate_row
from monitor.registry.text_input import TextDecodeError, decode_text

CHUNK_ROWS = 500  # valid rows stored per transaction (about half a second of work on a busy 2-core machine)
# Told (session of the chunk's transaction, rows done, rows in the file) after each chunk, before its commit.
Progress = Callable[[Session, int, int], None]


class RegistryFileError(ValueError):
    """The file as a whole cannot be read (not the problem of one row)."""


@dataclass
class RejectedRow:
    line: int
    raw: dict[str, str]
    problems: list[RowProblem]

    def message(self) -> str:
        parts = [
            f"{p.column}{f' {p.value!r}' if p.value else ''}: {p.reason}" if p.column else p.reason
            for p in self.problems
        ]
        return f"row {self.line}: " + "; ".join(parts)


@dataclass
class ImportReport:
    rows: Counter[str] = field(default_factory=Counter)  # created / updated / unchanged / rejected
    entities: Counter[str] = field(default_factory=Counter)  # e.g. "asn created"
    rejected: list[RejectedRow] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)

    def summary(self) -> str:
        rows = ", ".join(f"{k} {self.rows[k]}" for k in ("created", "updated", "unchanged", "rejected"))
        return f"rows: {rows}"

    def write_rejects(self, path: Path) -> None:
        """The rejected rows as they were, plus an `error` column, ready to fix and re-import."""
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(out, fieldnames=["row", *ALL_COLUMNS, "error"], extrasaction="ignore")
            writer.writeheader()
            for rej in self.rejected:
                writer.writerow({"row": rej.line, **rej.raw, "error": rej.message()})


def read_rows(text: str) -> tuple[list[tuple[int, dict[str, str]]], list[str], list[RejectedRow]]:
    """Parse CSV text by RFC 4180 (comma, semicolon or tab; BOM tolerated). Returns (line, row) pairs, the
    unknown columns, and the rows that could not be read (broken quoting, more cells than the header)."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise RegistryFileError("the file is empty")
    first_line = text.splitlines()[0]
    found = records(text, delimiter_of(first_line))
    head = next(found)
    if head.error:
        raise RegistryFileError(f"the header (line 1) cannot be read: {head.error}")
    header = [h.strip().lower() for h in head.fields]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise RegistryFileError(
            f"missing required column(s): {', '.join(missing)}; the header must name at least "
            f"{', '.join(REQUIRED_COLUMNS)} (found: {', '.join(header) or 'nothing'})"
        )
    unknown = [h for h in header if h and h not in ALL_COLUMNS]
    rows, unreadable = [], []
    for record in found:
        raw = {k: v for k, v in zip(header, record.fields, strict=False) if k}  # short rows: the rest blank
        if record.error:
            column = header[record.bad_field - 1] if record.bad_field <= len(header) else ""
            unreadable.append(
                RejectedRow(record.line, raw, [RowProblem(column or f"cell {record.bad_field}", "", record.error)])
            )
        elif len(record.fields) > len(header):
            why = f"{len(record.fields)} cells, but the header names {len(header)} columns"
            unreadable.append(RejectedRow(record.line, raw, [RowProblem("", "", why)]))
        elif any(v.strip() for v in raw.values()):  # else a blank line
            rows.append((record.line, raw))
    return rows, unknown, unreadable


def import_registry_text(engine: Engine, text: str, progress: Progress | None = None) -> ImportReport:
    """Validate every row, then store the valid ones `CHUNK_ROWS` at a time, each chunk in its own transaction:
    a long import never holds SQLite's one write lock for long (logins and reviews write in between), and
    `progress(session, rows_done, rows_total)` is told inside each chunk's transaction, before its commit. An
    import cut short leaves its finished chunks stored; importing the same file again completes it (rows already
    stored are unchanged)."""
    rows, unknown, unreadable = read_rows(text)
    total = len(rows) + len(unreadable)
    report = ImportReport(unknown_columns=unknown, rejected=unreadable)
    valid: list[tuple[RegistryRow, dict[str, str]]] = []
    for line, raw in rows:
        result = validate_row(line, raw)
        if isinstance(result, list):
            report.rejected.append(RejectedRow(line, raw, result))
        else:
            valid.append((result, raw))
    checked = len(report.rejected)  # rows rejected before storing count as done
    with session_scope(engine) as session:
        upserter = _Upserter(session, report)
        for start in range(0, len(valid), CHUNK_ROWS):
            upserter.run(valid[start : start + CHUNK_ROWS])
            if progress is not None:
                progress(session, checked + min(start + CHUNK_ROWS, len(valid)), total)
            session.commit()
        if progress is not None and not valid:
            progress(session, total, total)
    report.rows["rejected"] = len(report.rejected)
    report.rejected.sort(key=lambda r: r.line)
    return report


def import_registry_bytes(engine: Engine, data: bytes, progress: Progress | None = None) -> ImportReport:
    """A registry file as uploaded or read from disk: the command line and the page both come here."""
    try:
        text = decode_text(data, legacy=True)  # Windows-1252: old Excel exports
    except TextDecodeError as exc:
        raise RegistryFileError(str(exc)) from exc
    return import_registry_text(engine, text, progress)


def import_registry_csv(engine: Engine, path: Path) -> ImportReport:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RegistryFileError(f"{path}: cannot read: {exc.strerror}") from exc
    return import_registry_bytes(engine, data)


class _Upserter:
    """Applies valid rows against everything already stored, loaded once up front."""

    def __init__(self, session: Session, report: ImportReport) -> None:
        self.session = session
        self.report = report
        self.agencies = {a.code: a for a in session.exec(select(Agency))}
        self.asns = {a.nip: a for a in session.exec(select(Asn))}
        self.accounts = {(a.platform, a.handle): a for a in session.exec(select(Account))}
        self.first_line: dict[tuple[str, str], tuple[int, tuple[str, ...]]] = {}

    def run(self, valid: list[tuple[RegistryRow, dict[str, str]]]) -> None:
        for row, raw in valid:
            conflict = self._conflict(row)
            if conflict:
                self.report.rejected.append(RejectedRow(row.line, raw, [conflict]))
                continue
            outcomes = [self._agency(row), self._asn(row), self._account(row)]
            outcome = "created" if "created" in outcomes else "updated" if "updated" in outcomes else "unchanged"
            self.report.rows[outcome] += 1
        self.session.flush()

    def _conflict(self, row: RegistryRow) -> RowProblem | None:
        """Rows of one file must agree about the same agency / ASN, and an account has one owner."""
        checks = [
            (
                ("agency", row.agency_code),
                (row.agency_name, row.agency_region, row.ppk_name, row.ppk_email),
                "agency_code",
                row.agency_code,
            ),
            (
                ("asn", row.nip),
                (row.name, row.agency_code, row.unit, row.position, row.region, row.status),
                "nip",
                row.nip,
            ),
        ]
        for key, values, column, value in checks:
            seen = self.first_line.setdefault(key, (row.line, values))
            if any(a and b and a != b for a, b in zip(seen[1], values, strict=True)):
                return RowProblem(column, value, f"details differ from row {seen[0]} for the same {key[0]}")
        if row.platform:
            account = self.accounts.get((row.platform, row.handle))
            owner = self.asns.get(row.nip)
            if account is not None and (owner is None or account.asn_id != owner.id):
                holder = next((a.nip for a in self.asns.values() if a.id == account.asn_id), "another ASN")
                return RowProblem(
                    "handle", row.handle, f"this {row.platform} account is already registered to NIP {holder}"
                )
        if row.nip not in self.asns and row.agency_code not in self.agencies and not row.agency_name:
            return RowProblem("agency_name", "", f"is required for a new agency ({row.agency_code})")
        return None

    def _set(self, obj: object, values: dict[str, object]) -> bool:
        changed = False
        for key, value in values.items():
            if value in ("", None):
                continue  # blank cells keep what is stored
            if getattr(obj, key) != value:
                setattr(obj, key, value)
                changed = True
        if changed and hasattr(obj, "updated_at"):
            obj.updated_at = utcnow()  # type: ignore[attr-defined]
        return changed

    def _tally(self, kind: str, created: bool, changed: bool) -> str:
        outcome = "created" if created else "updated" if changed else "unchanged"
        self.report.entities[f"{kind} {outcome}"] += 1
        return outcome

    def _agency(self, row: RegistryRow) -> str:
        agency = self.agencies.get(row.agency_code)
        values: dict[str, object] = {
            "name": row.agency_name,
            "region": row.agency_region,
            "ppk_name": row.ppk_name,
            "ppk_email": row.ppk_email,
        }
        if agency is None:
            agency = Agency(code=row.agency_code, name=row.agency_name)
            self._set(agency, values)
            self.session.add(agency)
            self.session.flush()
            self.agencies[row.agency_code] = agency
            return self._tally("agency", True, False)
        return self._tally("agency", False, self._set(agency, values))

    def _asn(self, row: RegistryRow) -> str:
        agency = self.agencies[row.agency_code]
        asn = self.asns.get(row.nip)
        values: dict[str, object] = {
            "name": row.name,
            "agency_id": agency.id,
            "unit": row.unit,
            "position": row.position,
            "region": row.region,
            "province": row.province,
            "status": AsnStatus(row.status) if row.status else None,
        }
        if asn is None:
            asn = Asn(nip=row.nip, name=row.name, agency_id=agency.id)  # type: ignore[arg-type]
            self._set(asn, values)
            self.session.add(asn)
            self.session.flush()
            self.asns[row.nip] = asn
            return self._tally("asn", True, False)
        return self._tally("asn", False, self._set(asn, values))

    def _account(self, row: RegistryRow) -> str:
        if not row.platform:
            return "unchanged"
        if (row.platform, row.handle) in self.accounts:
            return self._tally("account", False, False)
        account = Account(asn_id=self.asns[row.nip].id, platform=row.platform, handle=row.handle)  # type: ignore[arg-type]
        self.session.add(account)
        self.accounts[(row.platform, row.handle)] = account
        return self._tally("account", True, False)
