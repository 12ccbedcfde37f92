"""Which rows of the database are about one ASN, found from the schema itself.

A table is about an ASN when it has a foreign key to `asn`, or to a table that is about an ASN (accounts,
posts, their versions and scores, cases, what reviewers did, forwarded packs, ...). Walking the foreign keys
rather than listing tables by hand means a table added later is exported with the rest; it still needs a
description in the export's README (`monitor.privacy.subject_access.DESCRIPTIONS`), which a test checks.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, MetaData, Select, String, Table, Text, cast, or_, select
from sqlalchemy.engine import Connection

__all__ = ["Attachment", "TableRows", "audit_entries", "mentions", "read_rows", "rows_where", "tables_about_asn"]

ROOT = "asn"


def tables_about_asn(metadata: MetaData) -> list[Table]:
    """`asn` and every table that references it, directly or through another such table; referenced first."""
    about: dict[str, Table] = {}
    for table in metadata.sorted_tables:  # dependency order: a referenced table comes before its referrers
        if table.name == ROOT or any(fk.column.table.name in about for fk in table.foreign_keys):
            about[table.name] = table
    return list(about.values())


def _pk(table: Table) -> Column[Any]:
    (column,) = table.primary_key.columns  # every table of Netra has one id column
    return column


def _selections(tables: list[Table], asn_id: int) -> dict[str, Select[Any]]:
    """For each table, a SELECT of the ids of its rows about the ASN: a row is, when any of its foreign keys
    points at such a row (a case by its ASN, its post or its score; a joined post by its case or post)."""
    chosen: dict[str, Select[Any]] = {}
    for table in tables:
        if table.name == ROOT:
            chosen[ROOT] = select(_pk(table)).where(_pk(table) == asn_id)
            continue
        links = [
            fk.parent.in_(chosen[fk.column.table.name])
            for fk in table.foreign_keys
            if fk.column.table.name in chosen and fk.column.table is not table and fk.column.primary_key
        ]
        chosen[table.name] = select(_pk(table)).where(or_(*links))
    return chosen


@dataclass(frozen=True)
class Attachment:
    """A binary column's value (a forwarded evidence pack), written to the ZIP as a file of its own."""

    name: str
    data: bytes


@dataclass
class TableRows:
    table: str
    rows: list[dict[str, object]]
    attachments: list[Attachment]


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _row(table: Table, mapping: Any, attachments: list[Attachment]) -> dict[str, object]:
    out: dict[str, object] = {}
    key = mapping[_pk(table).name]
    for column in table.columns:
        value = mapping[column.name]
        if isinstance(value, bytes | bytearray | memoryview):
            data = bytes(value)
            suffix = ".zip" if data.startswith(b"PK\x03\x04") else ".bin"
            name = f"lampiran/{table.name}-{key}-{column.name}{suffix}"
            attachments.append(Attachment(name, data))
            out[column.name] = {"file": name, "size": len(data)}
        else:
            out[column.name] = _plain(value)
    return out


def rows_where(connection: Connection, table: Table, condition: Any) -> TableRows:
    """The table's rows that meet `condition`, in id order, each column as stored (JSON-able)."""
    pk = _pk(table)
    attachments: list[Attachment] = []
    result = connection.execute(select(table).where(condition).order_by(pk))
    return TableRows(table.name, [_row(table, r._mapping, attachments) for r in result], attachments)


def read_rows(connection: Connection, metadata: MetaData, asn_id: int) -> Iterator[TableRows]:
    """Every row about the ASN, table by table (referenced tables first)."""
    tables = tables_about_asn(metadata)
    chosen = _selections(tables, asn_id)
    for table in tables:
        yield rows_where(connection, table, _pk(table).in_(chosen[table.name]))


def audit_entries(connection: Connection, metadata: MetaData, asn_id: int, nip: str) -> list[dict[str, object]]:
    """Audit entries about the ASN: those naming one of its rows (object type = table name, e.g. a case or
    an account, or the ASN itself by NIP or id), those its rows point at (a forwarded pack's entry), and those
    whose details name the NIP."""
    log = metadata.tables["auditlog"]
    tables = tables_about_asn(metadata)
    chosen = _selections(tables, asn_id)
    about = [
        (log.c.object_type == table.name)
        & log.c.object_id.in_(select(cast(chosen[table.name].subquery().c[0], String)))
        for table in tables
    ]
    about.append((log.c.object_type == ROOT) & log.c.object_id.in_([nip, str(asn_id)]))
    about.append(_names(log.c.details, nip))
    for table in tables:
        for fk in table.foreign_keys:
            if fk.column.table is log:
                about.append(_pk(log).in_(select(fk.parent).where(_pk(table).in_(chosen[table.name]))))
    return rows_where(connection, log, or_(*about)).rows


def _names(column: Any, nip: str) -> Any:
    """The column's text (JSON as its text) holds the NIP."""
    return cast(column, String).contains(nip, autoescape=True)


def mentions(connection: Connection, metadata: MetaData, nip: str, skip: set[str]) -> Iterator[TableRows]:
    """Rows of the other tables (not in `skip`) whose text names the NIP without a foreign key to the ASN: a
    registry import's report of a rejected row, say. Scans every text column: an export is rare, done by hand."""
    for table in metadata.sorted_tables:
        texts = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
        if table.name in skip or not texts:
            continue
        found = rows_where(connection, table, or_(*(_names(c, nip) for c in texts)))
        if found.rows:
            yield found
