"""Registry imports started from the admin page, run in the background (`monitor.registry.import_jobs`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel

from monitor.models._types import UTCDateTime, utcnow


class ImportJob(SQLModel, table=True):
    """One upload: its progress while it runs and its result after, in the database so that whichever web
    process answers the progress page (four replicas behind the proxy) sees it."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(default="registry", max_length=16)
    filename: str = Field(max_length=255)
    actor: str = Field(max_length=320)  # the admin who uploaded it
    status: str = Field(default="running", max_length=16, index=True)  # running, done, failed
    rows_total: int = 0  # 0 until the file has been read
    rows_done: int = 0
    # done: {"rows": {...}, "entities": {...}, "unknown_columns": [...], "rejected": [...], "rejected_total": n}
    result: dict[str, object] | None = Field(default=None, sa_column=Column(JSON))
    error: str | None = Field(default=None, sa_column=Column(Text))  # failed: why (the file as a whole)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    # Moves with every chunk: a running job whose process died stops moving (shown as interrupted).
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
