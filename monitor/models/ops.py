"""Operational records: collection runs and digest deliveries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from monitor.models._types import UTCDateTime, utcnow


class CollectionRun(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(index=True, max_length=32)
    started_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    accounts_ok: int = 0
    accounts_failed: int = 0
    posts_new: int = 0
    posts_changed: int = 0
    posts_deleted: int = 0


class DigestDelivery(SQLModel, table=True):
    """One row per (recipient, ISO week): the record that makes digests exactly-once."""

    __table_args__ = (UniqueConstraint("user_id", "week", name="uq_digest_user_week"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    week: str = Field(max_length=10)  # e.g. "2024-W47"
    status: str = Field(default="pending", max_length=16)  # pending, sent, failed
    attempts: int = 0
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    next_attempt_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
