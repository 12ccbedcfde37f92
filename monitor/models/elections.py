"""The election registry: elections, their candidates, and parties."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlalchemy import JSON, Column, String, UniqueConstraint
from sqlmodel import Field, SQLModel


class ElectionLevel(StrEnum):
    presiden = "presiden"
    gubernur = "gubernur"
    bupati = "bupati"
    walikota = "walikota"
    legislatif = "legislatif"


class Party(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    abbr: str = Field(unique=True, index=True, max_length=32)
    name: str
    number: int | None = None
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    colours: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class Election(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=128)
    name: str
    level: ElectionLevel = Field(sa_type=String(32))
    region: str = ""  # "Indonesia" for national elections, else the province / regency / city
    province: str = ""  # the province the region lies in (empty for national)
    candidate_set_date: date | None = None
    campaign_start: date | None = None
    campaign_end: date | None = None
    quiet_start: date | None = None
    quiet_end: date | None = None
    voting_day: date


class Candidate(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("election_id", "number", name="uq_candidate_election_number"),)

    id: int | None = Field(default=None, primary_key=True)
    election_id: str = Field(foreign_key="election.id", index=True)
    number: int
    names: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    taglines: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    hashtags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    parties: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    colours: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
