"""The election registry as plain data: the YAML format, its validation, and lookups.

This is what the classifier sees at inference time (it never touches the database), and what
`netra elections import` reads. The YAML shape, readable by hand:

    parties:
      - {abbr: PSB, name: Partai Suara Bangsa, number: 4, aliases: [Suara Bangsa]}
    elections:
      - id: pilwalkot-harapanjaya-2024
        name: Pemilihan Wali Kota Harapan Jaya 2024
        level: walikota
        region: Kota Harapan Jaya
        province: Jawa Barat
        voting_day: 2024-11-27
        campaign: {start: 2024-09-25, end: 2024-11-23}
        candidates:
          - number: 1
            names: [Andi Wijaya, Sari Dewi]
            aliases: [AnSa, Bang Andi, Mbak Sari]
            taglines: [HARAPAN BARU]
            hashtags: ["#AnSa01"]
            parties: [PSB]
            colours: [oranye]
            roles: [petahana wakil wali kota, "mantan Kadis PU", "\"Bang Insinyur\""]
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

Level = Literal["presiden", "gubernur", "bupati", "walikota", "legislatif"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PartySpec(_Strict):
    abbr: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1)
    number: int | None = Field(default=None, ge=1)
    aliases: tuple[str, ...] = ()
    colours: tuple[str, ...] = ()


class CandidateSpec(_Strict):
    number: int = Field(ge=1, le=999)
    names: tuple[str, ...] = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    taglines: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    parties: tuple[str, ...] = ()
    colours: tuple[str, ...] = ()
    # Who the candidate is, in the words people use for them ("petahana", "mantan Kadis PU",
    # "pak jenderal"): posts often name a candidate only this way, so target resolution reads them.
    roles: tuple[str, ...] = ()

    @field_validator("hashtags")
    @classmethod
    def _hashtags_start_with_hash(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(tag if tag.startswith("#") else f"#{tag}" for tag in value)


class Period(_Strict):
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class ElectionSpec(_Strict):
    id: str = Field(min_length=1, max_length=128, pattern=r"^[a-z0-9][a-z0-9._-]*$")
    name: str = Field(min_length=1)
    level: Level
    region: str = "Indonesia"
    province: str = ""
    voting_day: dt.date
    candidate_set: dt.date | None = None
    campaign: Period | None = None
    quiet: Period | None = None
    candidates: tuple[CandidateSpec, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> ElectionSpec:
        numbers = [c.number for c in self.candidates]
        duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
        if duplicates:
            raise ValueError(f"candidate numbers repeated: {duplicates}")
        if self.campaign and self.campaign.end >= self.voting_day:
            raise ValueError("campaign must end before voting_day")
        return self

    @property
    def is_national(self) -> bool:
        return self.level == "presiden" or self.region.strip().lower() in {"indonesia", "nasional", ""}

    def covers(self, region: str | None) -> bool:
        """Whether an ASN serving in `region` ("Kabupaten Banyukerep, Jawa Tengah") votes in this election:
        national ones, the region's own, a dapil listing it, and province-wide ones of its province."""
        if self.is_national:
            return True
        if not region:
            return False
        here, there = _core(region), _core(self.region)
        if there and (there in here or here.split(",")[0].strip() in there):
            return True
        province = _core(self.province)
        return bool(province) and there == province and province in here

    def in_hot_period(self, day: dt.date, margin_days: int = 3) -> bool:
        """Campaign, quiet period and the days around voting day: when polling tightens."""
        start = self.campaign.start if self.campaign else self.voting_day - dt.timedelta(days=margin_days)
        return start <= day <= self.voting_day + dt.timedelta(days=margin_days)


def _core(region: str) -> str:
    """A region's name without its kind: "Kabupaten Banyukerep" -> "banyukerep"."""
    return re.sub(r"\b(?:provinsi|kabupaten|kab\.|kota)\s+", "", region.strip().lower())


class RegistrySpec(_Strict):
    parties: tuple[PartySpec, ...] = ()
    elections: tuple[ElectionSpec, ...] = ()

    @model_validator(mode="after")
    def _references_resolve(self) -> RegistrySpec:
        known = {p.abbr for p in self.parties}
        ids = [e.id for e in self.elections]
        if len(ids) != len(set(ids)):
            raise ValueError(f"election ids repeated: {sorted({i for i in ids if ids.count(i) > 1})}")
        for election in self.elections:
            for candidate in election.candidates:
                unknown = [abbr for abbr in candidate.parties if abbr not in known]
                if unknown:
                    raise ValueError(
                        f"election {election.id}, candidate {candidate.number}: unknown parties {unknown} "
                        "(declare them under 'parties')"
                    )
        return self

    def election(self, election_id: str) -> ElectionSpec | None:
        return next((e for e in self.elections if e.id == election_id), None)

    def merged(self, other: RegistrySpec) -> RegistrySpec:
        """This registry with `other`'s parties and elections added or replacing same-keyed ones."""
        parties = {p.abbr: p for p in self.parties} | {p.abbr: p for p in other.parties}
        elections = {e.id: e for e in self.elections} | {e.id: e for e in other.elections}
        return RegistrySpec(parties=tuple(parties.values()), elections=tuple(elections.values()))


class _DatesAsText(yaml.SafeLoader):
    """Leave dates as text so pydantic validates them and the error names the field."""


_DatesAsText.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class RegistryError(ValueError):
    """A registry file that cannot be read; the message names where and why."""


def _describe(error: ValidationError, data: object) -> str:
    lines = []
    for item in error.errors():
        where = _path_label(item["loc"], data)
        lines.append(f"{where}: {item['msg']}")
    return "\n".join(lines)


def _path_label(loc: tuple[int | str, ...], data: object) -> str:
    """Turn ('elections', 0, 'candidates', 1, 'number') into a path naming the election id."""
    parts: list[str] = []
    node: object = data
    for key in loc:
        if isinstance(key, int) and isinstance(node, list) and key < len(node):
            node = node[key]
            ident = node.get("id") or node.get("abbr") or node.get("number") if isinstance(node, dict) else None
            parts.append(f"[{key}]" + (f"({ident})" if ident is not None else ""))
        else:
            node = node.get(key) if isinstance(node, dict) else None
            parts.append(f".{key}" if parts else str(key))
    return "".join(parts) or "(top level)"


def parse_registry(text: str, source: str = "<text>") -> RegistrySpec:
    try:
        data = yaml.load(text, Loader=_DatesAsText)  # a SafeLoader subclass: safe
    except yaml.YAMLError as exc:
        raise RegistryError(f"{source}: not valid YAML: {exc}") from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise RegistryError(f"{source}: the top level must be a mapping with 'parties' and 'elections'")
    try:
        return RegistrySpec.model_validate(data)
    except ValidationError as exc:
        raise RegistryError(f"{source}:\n{_describe(exc, data)}") from exc


def load_registry(path: Path | str) -> RegistrySpec:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RegistryError(f"{path}: cannot read: {exc.strerror}") from exc
    return parse_registry(text, source=str(path))
