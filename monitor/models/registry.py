"""Who is watched: agencies (instansi), their civil servants (ASN) and the accounts they use."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from monitor.models._types import UTCDateTime, utcnow


class AsnStatus(StrEnum):
    active = "active"
    inactive = "inactive"


class Verification(StrEnum):
    unverified = "unverified"
    verified = "verified"
    rejected = "rejected"


class CollectStatus(StrEnum):
    never = "never"
    ok = "ok"
    not_found = "not_found"
    private = "private"
    suspended = "suspended"
    rate_limited = "rate_limited"
    blocked_by_robots = "blocked_by_robots"
    not_configured = "not_configured"
    bad_payload = "bad_payload"
    error = "error"


class Agency(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True, max_length=64)
    name: str
    region: str = ""
    ppk_name: str = ""
    ppk_email: str = ""
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class Asn(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    nip: str = Field(unique=True, index=True, max_length=18)
    name: str
    agency_id: int = Field(foreign_key="agency.id", index=True)
    unit: str = ""
    position: str = ""
    region: str = ""  # regency or city (kabupaten/kota) where the ASN serves
    province: str = ""
    status: AsnStatus = Field(default=AsnStatus.active, sa_type=String(32))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class Account(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("platform", "handle", name="uq_account_platform_handle"),)

    id: int | None = Field(default=None, primary_key=True)
    asn_id: int = Field(foreign_key="asn.id", index=True)
    platform: str = Field(index=True, max_length=32)
    handle: str  # as registered: a handle, channel name, feed URL or page URL
    platform_user_id: str | None = None
    verification: Verification = Field(default=Verification.unverified, sa_type=String(32))
    cursor: str | None = None  # opaque per-scraper JSON: newest id seen, ETag, Last-Modified ...
    last_collected_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    last_status: CollectStatus = Field(default=CollectStatus.never, sa_type=String(32))
    last_error: str | None = None
    # Set when an admin removes the account from the watch list (monitor.registry.accounts): it is no longer collected,
    # but its posts, their versions and the cases they raised stay, as evidence. None: watched.
    removed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
