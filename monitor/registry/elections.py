"""The election registry in the database: read a registry file, import a `RegistrySpec`, read it back as one."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from classifiers.elections import CandidateSpec, ElectionSpec, PartySpec, Period, RegistrySpec, parse_registry
from monitor.models import Candidate, Election, ElectionLevel, Party
from monitor.registry.text_input import decode_text


def read_elections_file(data: bytes, *, source: str) -> RegistrySpec:
    """An election registry file as handed in (an upload, a file on disk): decoded as every file people
    hand Netra is, then parsed and checked. Raises `ValueError` (`TextDecodeError`, or `RegistryError`
    naming `source`) when it cannot be read."""
    return parse_registry(decode_text(data), source=source)


@dataclass
class ElectionImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"created {len(self.created)}, updated {len(self.updated)}, unchanged {len(self.unchanged)}"


def _apply(row: object, values: dict[str, object]) -> bool:
    """Set attributes that differ; return whether anything changed."""
    changed = False
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed = True
    return changed


def _tally(report: ElectionImportReport, key: str, created: bool, changed: bool) -> None:
    target = report.created if created else report.updated if changed else report.unchanged
    target.append(key)


def import_elections(session: Session, spec: RegistrySpec) -> ElectionImportReport:
    """Upsert parties, elections and candidates. Idempotent; never deletes what the file omits."""
    report = ElectionImportReport()
    parties = {p.abbr: p for p in session.exec(select(Party)).all()}
    for p in spec.parties:
        row = parties.get(p.abbr)
        values = {"name": p.name, "number": p.number, "aliases": list(p.aliases), "colours": list(p.colours)}
        created = row is None
        if row is None:
            row = Party(abbr=p.abbr, **values)  # type: ignore[arg-type]
            session.add(row)
        _tally(report, f"party {p.abbr}", created, not created and _apply(row, values))

    for e in spec.elections:
        row_e = session.get(Election, e.id)
        values_e: dict[str, object] = {
            "name": e.name,
            "level": ElectionLevel(e.level),
            "region": e.region,
            "province": e.province,
            "voting_day": e.voting_day,
            "candidate_set_date": e.candidate_set,
            "campaign_start": e.campaign.start if e.campaign else None,
            "campaign_end": e.campaign.end if e.campaign else None,
            "quiet_start": e.quiet.start if e.quiet else None,
            "quiet_end": e.quiet.end if e.quiet else None,
        }
        created = row_e is None
        if row_e is None:
            row_e = Election(id=e.id, **values_e)  # type: ignore[arg-type]
            session.add(row_e)
            session.flush()
        changed = not created and _apply(row_e, values_e)
        existing = {c.number: c for c in session.exec(select(Candidate).where(Candidate.election_id == e.id))}
        for c in e.candidates:
            values_c = {
                "names": list(c.names),
                "aliases": list(c.aliases),
                "taglines": list(c.taglines),
                "hashtags": list(c.hashtags),
                "parties": list(c.parties),
                "colours": list(c.colours),
            }
            row_c = existing.get(c.number)
            if row_c is None:
                session.add(Candidate(election_id=e.id, number=c.number, **values_c))  # type: ignore[arg-type]
                changed = True
            else:
                changed = _apply(row_c, values_c) or changed
        _tally(report, f"election {e.id}", created, changed and not created)
    session.flush()
    return report


def registry_from_db(session: Session) -> RegistrySpec:
    """The stored registry as plain data, for the classifier and the flag rules."""
    parties = tuple(
        PartySpec(abbr=p.abbr, name=p.name, number=p.number, aliases=tuple(p.aliases), colours=tuple(p.colours))
        for p in session.exec(select(Party).order_by(Party.abbr))
    )
    candidates: dict[str, list[CandidateSpec]] = {}
    for c in session.exec(select(Candidate).order_by(Candidate.election_id, Candidate.number)):
        candidates.setdefault(c.election_id, []).append(
            CandidateSpec(
                number=c.number,
                names=tuple(c.names),
                aliases=tuple(c.aliases),
                taglines=tuple(c.taglines),
                hashtags=tuple(c.hashtags),
                parties=tuple(c.parties),
                colours=tuple(c.colours),
            )
        )
    elections = tuple(
        ElectionSpec(
            id=e.id,
            name=e.name,
            level=e.level,
            region=e.region,
            province=e.province,
            voting_day=e.voting_day,
            candidate_set=e.candidate_set_date,
            campaign=Period(start=e.campaign_start, end=e.campaign_end)
            if e.campaign_start and e.campaign_end
            else None,
            quiet=Period(start=e.quiet_start, end=e.quiet_end) if e.quiet_start and e.quiet_end else None,
            candidates=tuple(candidates.get(e.id, ())),
        )
        for e in session.exec(select(Election).order_by(Election.id))
    )
    return RegistrySpec(parties=parties, elections=elections)
