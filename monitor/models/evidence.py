"""Evidence packs exactly as they were forwarded to Bawaslu / BKN."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, LargeBinary
from sqlmodel import Field, SQLModel

from monitor.models._types import UTCDateTime, utcnow


class ForwardedPack(SQLModel, table=True):
    """The ZIP's bytes as sent: a pack built later differs (its audit trail has grown), so this is the copy
    whose SHA-256 matches the one the forwarding's audit entry (`audit_id`) recorded.

    Kept in the database, not in a file store: it is then in every database backup, shared by every web
    replica, and written in the same transaction as the forwarding it proves (never one without the other).
    """

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    audit_id: int = Field(foreign_key="auditlog.id", unique=True)  # the `case.forward` entry
    target: str = Field(max_length=32)  # bawaslu, bkn
    sha256: str = Field(max_length=64)
    size: int
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    forwarded_by: str = Field(max_length=320)
    forwarded_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
