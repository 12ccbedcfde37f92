"""Flag rules: which scored posts open a case. Pure functions over plain values, no database.

A post opens a case when the model labels it `dukungan` (support) or `serangan` (attack) with a
probability above the operating threshold (by default the model's own, recall-first threshold decides).

The ban on taking sides holds for **every** election (SKB 2/2022), so where the election is held never
decides whether a case exists: an ASN in Surabaya praising a candidate for mayor of Medan takes sides too.
Whether the election concerns the ASN (national, their province, their regency/city) is kept with the
decision (`in_asn_region`) for priority. A post whose target the matcher could not resolve (a role, a colour,
a nickname the registry does not list) opens a case on the model's label too; an agency may ask a higher
probability of such posts (`flagging.untargeted_threshold`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from classifiers.labels import SIDES

if TYPE_CHECKING:
    from monitor.config import Settings

PARTISAN_LABELS = frozenset(SIDES)
NATIONAL_NAMES = frozenset({"", "indonesia", "nasional", "republik indonesia"})

# Leading words that say what kind of region a name is; "Kota Bandung" and "Kabupaten Bandung" differ,
# but a bare "Bandung" may mean either.
_PREFIXES: tuple[tuple[str, str], ...] = (
    ("kota administrasi ", "kota"),
    ("kota adm. ", "kota"),
    ("kota ", "kota"),
    ("kabupaten administrasi ", "kabupaten"),
    ("kabupaten ", "kabupaten"),
    ("kab. ", "kabupaten"),
    ("kab ", "kabupaten"),
    ("provinsi ", "provinsi"),
    ("prov. ", "provinsi"),
    ("prov ", "provinsi"),
)


@dataclass(frozen=True)
class Region:
    kind: str | None  # "kota", "kabupaten", "provinsi", or None when the name carries no prefix
    name: str  # lower case, single spaces, prefix removed

    def same_place(self, other: Region) -> bool:
        if not self.name or self.name != other.name:
            return False
        return self.kind is None or other.kind is None or self.kind == other.kind


def parse_region(text: str | None) -> Region:
    """'  KOTA  Harapan Jaya' -> Region('kota', 'harapan jaya'); 'DKI Jakarta' -> Region(None, 'dki jakarta')."""
    cleaned = re.sub(r"\s+", " ", (text or "").strip().lower())
    for prefix, kind in _PREFIXES:
        if cleaned.startswith(prefix):
            return Region(kind, cleaned[len(prefix) :].strip())
    return Region(None, cleaned)


@dataclass(frozen=True)
class ElectionPlace:
    """Where an election is held: enough of an `Election` row to decide whom it concerns."""

    id: str
    level: str  # presiden, gubernur, bupati, walikota, legislatif
    region: str
    province: str = ""

    @property
    def is_national(self) -> bool:
        return self.level == "presiden" or self.region.strip().lower() in NATIONAL_NAMES


@dataclass(frozen=True)
class AsnPlace:
    region: str  # regency or city where the ASN serves
    province: str


def election_concerns(election: ElectionPlace, asn: AsnPlace) -> bool:
    """Whether the ASN serves where this election is held."""
    if election.is_national:
        return True
    region = parse_region(election.region)
    asn_region = parse_region(asn.region)
    asn_province = parse_region(asn.province)
    if election.level == "gubernur" or (election.level == "legislatif" and not election.province.strip()):
        # A province-wide election (governor, provincial legislature): its region is the province.
        return region.same_place(asn_province) or region.same_place(asn_region)
    if not region.same_place(asn_region):
        return False
    # Same regency/city name: when both provinces are known they must agree too.
    election_province = parse_region(election.province)
    if election_province.name and asn_province.name:
        return election_province.same_place(asn_province)
    return True


@dataclass(frozen=True)
class FlagRules:
    operating_threshold: float | None  # the label's probability must be above this (None: trust the model's label)
    untargeted_threshold: float | None  # ... and above this when no target election was resolved (None: no more)
    deadline_days: int

    @classmethod
    def from_settings(cls, settings: Settings) -> FlagRules:
        return cls(
            operating_threshold=settings.classifier.operating_threshold,
            untargeted_threshold=settings.flagging.untargeted_threshold,
            deadline_days=settings.case_deadline_days,
        )

    def deadline(self, detected_at: datetime) -> datetime:
        """The legal reporting window closes this long after detection."""
        return detected_at + timedelta(days=self.deadline_days)


@dataclass(frozen=True)
class ScoreView:
    """What the rules read from a `Score` row."""

    label: str
    probabilities: dict[str, float]
    target_election_id: str | None


@dataclass(frozen=True)
class FlagDecision:
    flag: bool
    reason: str  # why (or why not), for logs and the audit trail
    probability: float
    election_id: str | None = None
    in_asn_region: bool | None = None  # the target election concerns the ASN (None: no target resolved)


def decide(score: ScoreView, asn: AsnPlace, elections: dict[str, ElectionPlace], rules: FlagRules) -> FlagDecision:
    """Apply the flag rules to one score of one post by one ASN."""
    probability = float(score.probabilities.get(score.label, 0.0))
    if score.label not in PARTISAN_LABELS:
        return FlagDecision(False, f"label {score.label} is not partisan", probability)
    if rules.operating_threshold is not None and probability <= rules.operating_threshold:
        return FlagDecision(False, f"p={probability:.3f} not above {rules.operating_threshold}", probability)
    election = elections.get(score.target_election_id) if score.target_election_id else None
    if election is None:
        bar = rules.untargeted_threshold
        if bar is not None and probability <= bar:
            return FlagDecision(False, f"no target resolved and p={probability:.3f} not above {bar}", probability)
        return FlagDecision(True, "no target resolved; the model's label decides", probability)
    if election_concerns(election, asn):
        return FlagDecision(True, f"targets {election.id}, which concerns the ASN", probability, election.id, True)
    return FlagDecision(
        True, f"targets {election.id}, held elsewhere (the ban holds for every election)", probability, election.id,
        False,
    )  # fmt: skip
