"""Names for the election registry's ids: what a supervisor reads instead of `pilwalkot-harapanjaya-2026`.

Cases and scores keep the registry's ids (an election slug, a candidate number, a party abbreviation);
every page that shows one resolves it here. The registry is small (tens of rows), so it is read whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from monitor.models import Candidate, Election, Party

__all__ = ["RegistryNames", "Target", "election_title", "pair_names", "registry_names"]

PAIR_JOINER = "–"  # an en dash, as ballots print a pair: "Andi Wijaya–Sari Dewi"


def election_title(name: str, voting_day: date | None) -> str:
    """The election's name with its year, which tells one term's race from the next."""
    if voting_day is None or str(voting_day.year) in name:
        return name
    return f"{name} {voting_day.year}"


def pair_names(names: list[str]) -> str:
    """A candidate's (or a pair's) names as one string."""
    return PAIR_JOINER.join(n.strip() for n in names if n.strip())


@dataclass(frozen=True)
class Target:
    """Whom a post is about, as registry ids: a candidate of an election, an election only, or a party."""

    election_id: str | None = None
    candidate_number: int | None = None
    party: str | None = None

    @property
    def known(self) -> bool:
        return bool(self.election_id or self.party)


@dataclass(frozen=True)
class RegistryNames:
    elections: dict[str, str] = field(default_factory=dict)  # id -> "Pilwalkot Harapan Jaya 2026"
    candidates: dict[tuple[str, int], str] = field(default_factory=dict)  # (election, number) -> names
    parties: dict[str, str] = field(default_factory=dict)  # abbreviation -> full name

    def election(self, election_id: str) -> str:
        """The election's title; its id only when the registry no longer lists it (never blank)."""
        return self.elections.get(election_id, election_id)

    def candidate(self, election_id: str, number: int) -> str | None:
        return self.candidates.get((election_id, number))

    def party(self, abbr: str) -> str:
        """'PKN (Partai Karya Nusantara)'; the abbreviation alone when unknown."""
        name = self.parties.get(abbr)
        return f"{abbr} ({name})" if name and name != abbr else abbr


def registry_names(session: Session) -> RegistryNames:
    elections = session.exec(select(Election.id, Election.name, Election.voting_day)).all()
    candidates = session.exec(
        select(Candidate.election_id, Candidate.number, Candidate.names).order_by(
            col(Candidate.election_id), col(Candidate.number)
        )
    ).all()
    parties = session.exec(select(Party.abbr, Party.name)).all()
    return RegistryNames(
        elections={eid: election_title(name, day) for eid, name, day in elections},
        candidates={(eid, number): pair_names(list(names)) for eid, number, names in candidates},
        parties=dict(parties),
    )
