"""Review page sessions, kept on the server so that they can be ended (logout, a disabled user)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from monitor.models._types import UTCDateTime, utcnow


class LoginSession(SQLModel, table=True):
    """One login. The signed cookie carries a random token; only its SHA-256 is stored, so reading this
    table (a backup, a leaked dump) gives nobody a session."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    # Absolute end: re-signing the cookie (each flash message does) never stretches a session past it.
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
