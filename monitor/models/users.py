"""People who use the review page and receive the digest."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

from monitor.models._types import UTCDateTime, utcnow


class Role(StrEnum):
    admin = "admin"  # everything, all agencies
    supervisor = "supervisor"  # cases of ASN in their own agency only
    auditor = "auditor"  # read-only: cases and audit log


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(unique=True, index=True, max_length=320)
    name: str
    role: Role = Field(sa_type=String(32))
    agency_id: int | None = Field(default=None, foreign_key="agency.id")  # scope; None for admins
    password_hash: str
    active: bool = True
    digest_when_empty: bool = False  # opt-in to the short "tidak ada kasus baru" mail
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
