"""Aggregates for the dashboard: cases per ISO week by agency and by label, and how many
confirmed cases the PPK (the official who decides sanctions) has acted on. Always within scope."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from monitor.models import Agency, Case, CaseStatus, utcnow
from monitor.review.cases import Viewer

__all__ = ["Dashboard", "dashboard"]


@dataclass
class Dashboard:
    weeks: list[str]  # "2024-W45", oldest first
    by_agency: dict[str, dict[str, int]]  # agency code -> week -> count
    by_label: dict[str, dict[str, int]]  # label -> week -> count
    confirmed_total: int  # confirmed, forwarded or closed
    ppk_acted: int  # closed: the PPK's follow-up is recorded
    status_counts: dict[str, int]

    @property
    def ppk_share(self) -> float:
        return self.ppk_acted / self.confirmed_total if self.confirmed_total else 0.0


def _week(moment: date) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def dashboard(session: Session, viewer: Viewer, *, weeks: int = 12, now: datetime | None = None) -> Dashboard:
    now = now or utcnow()
    start = now - timedelta(weeks=weeks - 1, days=now.weekday())
    labels = [_week(start + timedelta(weeks=i)) for i in range(weeks)]
    day = func.date(Case.detected_at)  # grouped by day in the database; weeks are put together here
    stmt = (
        select(day, Agency.code, Case.label, func.count())
        .join(Agency, col(Agency.id) == Case.agency_id)
        .where(col(Case.detected_at) >= start.replace(hour=0, minute=0, second=0, microsecond=0))
        .group_by(day, Agency.code, Case.label)
    )
    totals = select(Case.status, func.count()).select_from(Case)
    if viewer.scope is not None:
        stmt = stmt.where(Case.agency_id == viewer.scope)
        totals = totals.where(Case.agency_id == viewer.scope)
    by_agency: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(labels, 0))
    by_label: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(labels, 0))
    for detected_day, code, label, count in session.exec(stmt):
        as_date = detected_day if isinstance(detected_day, date) else date.fromisoformat(str(detected_day)[:10])
        week = _week(as_date)
        if week in labels:
            by_agency[code][week] += count
            by_label[label][week] += count
    status_counts: Counter[str] = Counter({str(s): int(n) for s, n in session.exec(totals.group_by(Case.status))})
    done = (CaseStatus.confirmed, CaseStatus.forwarded, CaseStatus.closed)
    return Dashboard(
        weeks=labels,
        by_agency=dict(sorted(by_agency.items())),
        by_label=dict(sorted(by_label.items())),
        confirmed_total=sum(status_counts[s.value] for s in done),
        ppk_acted=status_counts[CaseStatus.closed.value],
        status_counts={s.value: status_counts[s.value] for s in CaseStatus},
    )
