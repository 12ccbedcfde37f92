"""Failed logins, kept where every web process sees them (the login throttle, `monitor.access.login_throttle`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index
from sqlmodel import Field, SQLModel

from monitor.models._types import UTCDateTime, utcnow


class LoginFailure(SQLModel, table=True):
    """One wrong password (or unknown email). Attempts refused by the throttle check no password and add no row,
    so this table stays small: untrusted clients together cannot fail more than the overall limit per window."""

    __table_args__ = (
        Index("ix_loginfailure_account_at", "account", "at"),
        Index("ix_loginfailure_ip_at", "ip", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, index=True))
    account: str = Field(max_length=128)  # the email as typed, normalised (it may name no user)
    # Who tried: the client address, or "device:<id>" for a browser that has logged in to this account before.
    client: str = Field(max_length=80)
    ip: str = Field(max_length=64)
    known_browser: bool = False  # counted against its own (account, browser) limit only
    cleared: bool = False  # a later successful login by the same client: no longer counts for that pair
    summarised: bool = False  # its window's total is in the audit log (or needed no summary)
