"""Flagged posts under review, and what reviewers did with them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Index, String, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from monitor.models._types import UTCDateTime, utcnow


class CaseStatus(StrEnum):
    open = "open"  # waiting for a first reviewer
    awaiting_second = "awaiting_second"  # one reviewer confirmed; a different one must agree
    clarification = "clarification"  # the ASN was asked to explain
    confirmed = "confirmed"
    dismissed = "dismissed"
    forwarded = "forwarded"  # sent to Bawaslu / BKN with an evidence pack
    closed = "closed"  # PPK follow-up recorded


# Still waiting for a judgement: a new post of the same original may join such a case only. A decided case
# (confirmed, dismissed, forwarded, closed) is never joined: the post opens a new case linked to it.
UNDECIDED = (CaseStatus.open, CaseStatus.awaiting_second, CaseStatus.clarification)
_UNDECIDED_SQL = text("status IN ({})".format(", ".join(f"'{s.value}'" for s in UNDECIDED)))


class Case(SQLModel, table=True):
    __table_args__ = (
        # One undecided case per original post per ASN: reposts of the same original join it, and racing
        # workers meet here. Decided cases of the same original may be many (each later one linked back).
        Index(
            "uq_case_asn_original_undecided",
            "asn_id",
            "original_key",
            unique=True,
            sqlite_where=_UNDECIDED_SQL,
            postgresql_where=_UNDECIDED_SQL,
        ),
        Index("ix_case_queue", "agency_id", "status", "score"),
        # The review queue's sort orders, with id as tie-breaker for keyset pagination.
        Index("ix_case_score", "score", "id"),
        Index("ix_case_deadline", "deadline", "id"),
        Index("ix_case_detected", "detected_at", "id"),
        Index("ix_case_agency_detected", "agency_id", "detected_at", "id"),
        # A supervisor's queue is one agency's: its cases in deadline and score order without a scan of all.
        Index("ix_case_agency_deadline", "agency_id", "deadline", "id"),
        Index("ix_case_agency_score", "agency_id", "score", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(foreign_key="post.id", index=True)
    # The version of the post's text that was flagged: the post may be edited after (PostVersion keeps each).
    post_version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    # Opened because a post of the same original arrived after this earlier case was decided.
    previous_case_id: int | None = Field(default=None, foreign_key="case.id", index=True)
    asn_id: int = Field(foreign_key="asn.id", index=True)
    agency_id: int = Field(foreign_key="agency.id")  # copied from the ASN: scope checks need no join
    original_key: str = Field(max_length=320)  # "<platform>:<original post id>"
    score_id: int | None = Field(default=None, foreign_key="score.id")
    label: str = Field(max_length=16)
    score: float
    election_id: str | None = None
    candidate_number: int | None = None
    party: str | None = None
    # Whether the target election is held where the ASN serves (national ones always are); None when no
    # election was resolved. Priority only: the ban holds for every election (the queue's region tab).
    in_asn_region: bool | None = None
    status: CaseStatus = Field(default=CaseStatus.open, index=True, sa_type=String(32))
    assignee_id: int | None = Field(default=None, foreign_key="user.id")
    detected_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    deadline: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class CasePost(SQLModel, table=True):
    """Further flagged posts that joined an existing case: reposts of the same original, and flagged edits
    of a post already in it (each version of a post joins once)."""

    __table_args__ = (UniqueConstraint("case_id", "post_id", "post_version", name="uq_casepost_version"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    post_id: int = Field(foreign_key="post.id", index=True)
    post_version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})  # the version flagged


class ReviewAction(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    user_id: int = Field(foreign_key="user.id")
    action: str = Field(max_length=32)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    details: dict[str, object] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
