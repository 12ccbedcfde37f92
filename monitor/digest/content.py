"""What one recipient's digest says: a pure function from case rows to a digest model."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlencode

from monitor.digest.audit_note import AuditNote
from monitor.digest.labels import due_text, label_name, local_time, status_name, week_span
from monitor.digest.queries import CaseRow, Recipient
from monitor.digest.week import IsoWeek


@dataclass(frozen=True)
class ScopeData:
    """Everything read from the database for one scope (one agency, or all of them) and week."""

    scope_name: str
    new: list[CaseRow]  # detected during the week
    urgent: list[CaseRow]  # unresolved, overdue or due soon (any week)
    previous_count: int  # cases detected the week before, for the trend
    previous_by_agency: dict[int, int] = field(default_factory=dict)  # admins only
    agency_names: dict[int, str] = field(default_factory=dict)  # admins only


@dataclass(frozen=True)
class CaseLine:
    id: int
    url: str
    asn_name: str
    asn_nip: str
    unit: str
    agency_name: str
    label: str
    score_pct: int
    status: str
    platform: str
    detected: str
    deadline: str
    due: str
    overdue: bool
    reposts: int


@dataclass(frozen=True)
class AsnGroup:
    name: str
    nip: str
    cases: list[CaseLine]


@dataclass(frozen=True)
class UnitGroup:
    unit: str
    asns: list[AsnGroup]


@dataclass(frozen=True)
class Trend:
    current: int
    previous: int

    @property
    def text(self) -> str:
        delta = self.current - self.previous
        if delta == 0:
            return f"sama dengan minggu sebelumnya ({self.previous})"
        word = "naik" if delta > 0 else "turun"
        return f"{word} {abs(delta)} dari minggu sebelumnya ({self.previous} → {self.current})"


@dataclass(frozen=True)
class AgencyLine:
    name: str
    new: int
    previous: int
    urgent: int


@dataclass(frozen=True)
class Digest:
    recipient: Recipient
    week: str
    week_span: str
    scope_name: str
    is_admin: bool
    subject: str
    new_total: int
    urgent: list[CaseLine]
    urgent_total: int
    groups: list[UnitGroup]  # new cases not already listed as urgent, by unit then ASN
    grouped_total: int
    grouped_shown: int
    by_status: list[tuple[str, int]]
    by_label: list[tuple[str, int]]
    trend: Trend
    agencies: list[AgencyLine]  # admins: one line per agency with activity
    agencies_total: int
    queue_url: str  # the filtered queue of the week's new cases ("lihat semua")
    urgent_url: str  # the queue of cases still waiting for a judgement, by deadline
    generated: str
    due_soon_days: int
    audit: AuditNote | None = None  # the audit log's signed checkpoint, carried by every mail

    @property
    def is_empty(self) -> bool:
        return self.new_total == 0 and self.urgent_total == 0


def case_url(base_url: str, case_id: int) -> str:
    return f"{base_url.rstrip('/')}/cases/{case_id}"


def queue_url(base_url: str, **filters: object) -> str:
    query = urlencode({k: v for k, v in filters.items() if v is not None})
    return f"{base_url.rstrip('/')}/cases" + (f"?{query}" if query else "")


def collapse_reposts(rows: list[CaseRow]) -> list[CaseRow]:
    """One row per (ASN, original post): further reposts only add to its repost count. A case opened after
    a decided case of the same original is a review of its own and keeps its own row."""
    kept: dict[tuple[int, str, int | None], CaseRow] = {}
    for row in sorted(rows, key=lambda r: (r.detected_at, r.id)):
        key = (row.asn_id, row.original_key, row.id if row.previous_case_id is not None else None)
        if key in kept:
            first = kept[key]
            kept[key] = CaseRow(**{**first.__dict__, "reposts": first.reposts + row.reposts + 1})
        else:
            kept[key] = row
    return list(kept.values())


def _line(row: CaseRow, *, base_url: str, now: datetime, tz: str) -> CaseLine:
    return CaseLine(
        id=row.id,
        url=case_url(base_url, row.id),
        asn_name=row.asn_name,
        asn_nip=row.asn_nip,
        unit=row.unit or "(tanpa unit)",
        agency_name=row.agency_name,
        label=label_name(row.label),
        score_pct=round(row.score * 100),
        status=status_name(row.status),
        platform=row.platform,
        detected=local_time(row.detected_at, tz),
        deadline=local_time(row.deadline, tz),
        due=due_text(row.deadline, now),
        overdue=row.deadline < now,
        reposts=row.reposts,
    )


def _groups(rows: list[CaseRow], lines: dict[int, CaseLine]) -> list[UnitGroup]:
    by_unit: dict[str, dict[tuple[str, str, int], list[CaseLine]]] = {}
    for row in sorted(rows, key=lambda r: (r.unit.lower(), r.asn_name.lower(), r.asn_id, -r.score)):
        by_unit.setdefault(lines[row.id].unit, {}).setdefault((row.asn_name, row.asn_nip, row.asn_id), [])
        by_unit[lines[row.id].unit][(row.asn_name, row.asn_nip, row.asn_id)].append(lines[row.id])
    return [
        UnitGroup(unit, [AsnGroup(name, nip, cases) for (name, nip, _), cases in asns.items()])
        for unit, asns in by_unit.items()
    ]


def _agency_lines(data: ScopeData, new: list[CaseRow], urgent: list[CaseRow]) -> list[AgencyLine]:
    names = data.agency_names | {r.agency_id: r.agency_name for r in [*new, *urgent]}
    new_n, urgent_n = Counter(r.agency_id for r in new), Counter(r.agency_id for r in urgent)
    ids = {r.agency_id for r in [*new, *urgent]} | {a for a, n in data.previous_by_agency.items() if n}
    lines = [
        AgencyLine(names.get(a, f"Instansi #{a}"), new_n[a], data.previous_by_agency.get(a, 0), urgent_n[a])
        for a in ids
    ]
    return sorted(lines, key=lambda a: (-a.urgent, -a.new, a.name))


def build_digest(
    recipient: Recipient,
    data: ScopeData,
    *,
    week: IsoWeek,
    now: datetime,
    tz: str,
    base_url: str,
    max_cases: int = 50,
    due_soon_days: int = 2,
    audit: AuditNote | None = None,
) -> Digest:
    """The digest for one recipient. Rows must already be limited to the recipient's scope."""
    is_admin = recipient.role == "admin"
    new = collapse_reposts(data.new)
    due_before = now + timedelta(days=due_soon_days)
    urgent = sorted(
        (r for r in collapse_reposts(data.urgent) if r.deadline < due_before),
        key=lambda r: (r.deadline, -r.score, r.id),
    )
    urgent_ids = {r.id for r in urgent}
    rest = [r for r in new if r.id not in urgent_ids]
    rest_shown = [] if is_admin else sorted(rest, key=lambda r: (r.unit.lower(), r.asn_name.lower()))[:max_cases]
    # Lines only for what is shown: an admin's week can hold thousands of cases.
    lines = {r.id: _line(r, base_url=base_url, now=now, tz=tz) for r in [*urgent[:max_cases], *rest_shown]}
    agencies = _agency_lines(data, new, urgent) if is_admin else []
    count = len(new)
    subject = (
        f"Netra {week}: {count} kasus baru" + (f", {len(urgent)} perlu segera ditangani" if urgent else "")
        if count or urgent
        else f"Netra {week}: tidak ada kasus baru"
    )
    return Digest(
        recipient=recipient,
        week=str(week),
        week_span=week_span(week.monday, week.sunday),
        scope_name=data.scope_name,
        is_admin=is_admin,
        subject=subject,
        new_total=count,
        urgent=[lines[r.id] for r in urgent[:max_cases]],
        urgent_total=len(urgent),
        groups=_groups(rest_shown, lines),
        grouped_total=len(rest),
        grouped_shown=len(rest_shown),
        by_status=sorted(Counter(status_name(r.status) for r in new).items(), key=lambda kv: (-kv[1], kv[0])),
        by_label=sorted(Counter(label_name(r.label) for r in new).items(), key=lambda kv: (-kv[1], kv[0])),
        trend=Trend(count, data.previous_count),
        agencies=agencies[:max_cases],
        agencies_total=len(agencies),
        queue_url=queue_url(
            base_url, **{"from": week.monday.isoformat(), "to": week.sunday.isoformat()}, status="all", sort="date"
        ),
        urgent_url=queue_url(base_url, sort="deadline"),  # the queue shows active cases by default
        generated=local_time(now, tz),
        due_soon_days=due_soon_days,
        audit=audit,
    )
