"""What was collected: posts with their evidence, earlier versions, and the model's scores."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, Column, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from monitor.models._types import UTCDateTime, utcnow


class PostKind(StrEnum):
    post = "post"
    repost = "repost"
    reply = "reply"
    quote = "quote"


class WarcRef(SQLModel):
    """Where the response a post (version) came from is archived as received: a WARC record (monitor/collection/warc.py).

    `warc_file` is relative to <NETRA_DATA_DIR>/warc; offset and length are the record's bytes (one gzip
    member) there; `warc_locator` says where in the body the post is (docs/scrapers.md); `body_sha256` is
    the SHA-256 of the content-decoded body (`warcio extract --payload`). All None for posts collected
    before responses were archived, and for imports that came without one (Zeeschuimer). Retention clears
    file, offset and length when it deletes the record; id, locator and hash stay.
    """

    warc_file: str | None = Field(default=None, max_length=255, index=True)
    warc_record_id: str | None = Field(default=None, max_length=64)
    warc_offset: int | None = Field(default=None, sa_type=BigInteger)
    warc_length: int | None = Field(default=None, sa_type=BigInteger)
    warc_locator: str | None = Field(default=None, sa_type=Text)
    body_sha256: str | None = Field(default=None, max_length=64)


class Post(WarcRef, table=True):
    __table_args__ = (
        UniqueConstraint("platform", "platform_post_id", name="uq_post_platform_id"),
        Index("ix_post_unscored", "scored_version"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    asn_id: int = Field(foreign_key="asn.id", index=True)
    platform: str = Field(max_length=32)
    platform_post_id: str = Field(max_length=256)
    kind: PostKind = Field(default=PostKind.post, sa_type=String(32))
    # For reposts and quotes: the platform id of the original, so reposts of one original share a case.
    original_post_id: str | None = None
    url: str = ""
    text: str | None = Field(default=None, sa_column=Column(Text))  # None once purged by retention
    quoted_text: str | None = Field(default=None, sa_column=Column(Text))
    language: str | None = None
    posted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    captured_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    edited_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    deleted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    text_purged_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    # The `version` whose payload retention cut other people's posts (thread context) out of (monitor/privacy/retention.py);
    # below `version`: an edit stored a newer payload, which still has them. None: never cut.
    context_purged_version: int | None = None
    version: int = 1
    # Evidence: the payload exactly as received, its SHA-256, and how it was fetched.
    raw_payload: str = Field(sa_column=Column(Text, nullable=False))
    payload_sha256: str = Field(max_length=64)
    text_sha256: str = Field(default="", max_length=64)
    request_url: str = ""
    http_status: int | None = None
    # Model version that last scored this post; None means it waits for scoring.
    scored_version: str | None = None


class PostVersion(WarcRef, table=True):
    """An earlier version of a post whose text changed; kept as evidence."""

    __table_args__ = (UniqueConstraint("post_id", "version", name="uq_postversion_post_version"),)

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(foreign_key="post.id", index=True)
    version: int
    text: str | None = Field(default=None, sa_column=Column(Text))
    raw_payload: str = Field(sa_column=Column(Text, nullable=False))
    payload_sha256: str = Field(max_length=64)
    request_url: str = ""
    http_status: int | None = None
    captured_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Score(SQLModel, table=True):
    __table_args__ = (
        # One score per model version per version of the post's text: an edit is scored again.
        UniqueConstraint("post_id", "model_version", "post_version", name="uq_score_post_model_version"),
        Index("ix_score_unchecked", "flag_checked_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(foreign_key="post.id", index=True)
    model_version: str = Field(max_length=64)
    post_version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})  # the Post.version scored
    label: str = Field(max_length=16)
    probabilities: dict[str, float] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    target_election_id: str | None = None
    target_candidate_number: int | None = None
    target_party: str | None = None
    spans: list[dict[str, object]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    mentions: list[dict[str, object]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    skb_category: str | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    # When the flag rules looked at this score (monitor/flagging/open_cases.py); None means not yet.
    flag_checked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
