"""The election registry YAML: validation with clear errors, idempotent import, round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from classifiers.elections import RegistryError, RegistrySpec, load_registry, parse_registry
from monitor.models import Candidate
from monitor.registry.elections import import_elections, registry_from_db

DEMO = Path(__file__).resolve().parents[1] / "demo" / "elections.yaml"

ISSUE_EXAMPLE = """
parties:
  - {abbr: PSB, name: Partai Suara Bangsa, number: 4, aliases: [Suara Bangsa]}
elections:
  - id: pilwalkot-harapanjaya-2024
    name: Pemilihan Wali Kota Harapan Jaya 2024
    level: walikota
    region: Kota Harapan Jaya
    voting_day: 2024-11-27
    campaign: {start: 2024-09-25, end: 2024-11-23}
    candidates:
      - number: 1
        names: [Andi Wijaya, Sari Dewi]
        aliases: [AnSa, Bang Andi, Mbak Sari]
        taglines: [HARAPAN BARU]
        hashtags: ["#AnSa01"]
        parties: [PSB]
"""


def test_the_documented_example_parses() -> None:
    spec = parse_registry(ISSUE_EXAMPLE)
    election = spec.elections[0]
    assert election.level == "walikota"
    assert election.campaign is not None and election.campaign.end.isoformat() == "2024-11-23"
    assert election.candidates[0].aliases == ("AnSa", "Bang Andi", "Mbak Sari")
    assert spec.parties[0].number == 4


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (("level: walikota", "level: lurah"), "elections[0](pilwalkot-harapanjaya-2024).level"),
        (("parties: [PSB]", "parties: [XYZ]"), "unknown parties ['XYZ']"),
        (("voting_day: 2024-11-27", "voting_day: 2024-11-31"), "voting_day"),
        (("end: 2024-11-23", "end: 2024-12-23"), "campaign must end before voting_day"),
        (("      - number: 1", "      - number: 0"), "candidates[0](0).number"),
        (("    name: Pemilihan", "    nama: Pemilihan"), "Extra inputs are not permitted"),
        (("parties:\n", "parties: [\n"), "not valid YAML"),
    ],
)
def test_bad_files_are_refused_naming_the_place(change: tuple[str, str], fragment: str) -> None:
    with pytest.raises(RegistryError) as info:
        parse_registry(ISSUE_EXAMPLE.replace(*change), source="pemilu.yaml")
    assert fragment in str(info.value)
    assert str(info.value).startswith("pemilu.yaml")


def test_repeated_candidate_numbers_are_refused() -> None:
    text = ISSUE_EXAMPLE + "      - {number: 1, names: [Lain]}\n"
    with pytest.raises(RegistryError, match=r"candidate numbers repeated: \[1\]"):
        parse_registry(text)


def test_import_is_idempotent_and_round_trips(engine: Engine) -> None:
    spec = load_registry(DEMO)
    with Session(engine) as s:
        first = import_elections(s, spec)
        s.commit()
    assert len(first.created) == len(spec.parties) + len(spec.elections)
    with Session(engine) as s:
        second = import_elections(s, spec)
        s.commit()
        assert second.created == second.updated == []
        assert registry_from_db(s) == sorted_like_db(spec)


def test_changed_candidate_is_updated_not_duplicated(sqlite_engine: Engine) -> None:
    spec = parse_registry(ISSUE_EXAMPLE)
    with Session(sqlite_engine) as s:
        import_elections(s, spec)
        s.commit()
        changed = parse_registry(ISSUE_EXAMPLE.replace("[HARAPAN BARU]", "[HARAPAN BARU, KOTA JUARA]"))
        report = import_elections(s, changed)
        s.commit()
        assert report.updated == ["election pilwalkot-harapanjaya-2024"]
        rows = s.exec(select(Candidate)).all()
        assert len(rows) == 1 and rows[0].taglines == ["HARAPAN BARU", "KOTA JUARA"]


def sorted_like_db(spec: RegistrySpec) -> RegistrySpec:
    """The spec in the order registry_from_db returns it (by abbr, by id, by number)."""

    return RegistrySpec(
        parties=tuple(sorted(spec.parties, key=lambda p: p.abbr)),
        elections=tuple(
            e.model_copy(update={"candidates": tuple(sorted(e.candidates, key=lambda c: c.number))})
            for e in sorted(spec.elections, key=lambda e: e.id)
        ),
    )
