"""Which accounts are due for collection: their platform's poll interval ran out, tighter where an election
that concerns the ASN is hot (campaign and quiet period, and `hot_margin_days` around voting day)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, or_
from sqlmodel import Session, col, select

from monitor.config import Settings
from monitor.flagging.rules import AsnPlace, ElectionPlace, election_concerns
from monitor.models import Account, Asn, Election, utcnow
from monitor.registry.accounts import collectable

__all__ = ["due_accounts", "hot_places"]


def hot_places(session: Session, day: Any, margin_days: int) -> tuple[bool, list[ElectionPlace]]:
    """Elections in their campaign/quiet period or around voting day: (a national one is hot, the others)."""
    hot: list[ElectionPlace] = []
    national = False
    for e in session.exec(select(Election)):
        start = e.campaign_start or e.voting_day - timedelta(days=margin_days)
        if start <= day <= e.voting_day + timedelta(days=margin_days):
            place = ElectionPlace(e.id, str(e.level), e.region, e.province)
            national = national or place.is_national
            hot.append(place)
    return national, hot


def due_accounts(engine: Engine, settings: Settings, platform: str, *, now: datetime | None = None) -> list[int]:
    """Accounts of `platform` whose polling interval has run out, tighter where an election is hot."""
    now = now or utcnow()
    sched = settings.scheduler
    normal = timedelta(minutes=sched.interval_min.get(platform, 120))
    hot_interval = timedelta(minutes=sched.campaign_interval_min.get(platform, sched.interval_min.get(platform, 120)))
    day = now.astimezone(_tz(sched.timezone)).date()
    with Session(engine) as session:
        national_hot, hot = hot_places(session, day, sched.hot_margin_days)
        shortest = min(normal, hot_interval) if hot else normal
        rows = session.exec(
            select(Account.id, Account.last_collected_at, Asn.region, Asn.province)
            .join(Asn, col(Asn.id) == col(Account.asn_id))
            .where(
                Account.platform == platform,
                Asn.status == "active",
                collectable(),  # neither rejected nor removed (monitor.registry.accounts)
                or_(col(Account.last_collected_at).is_(None), col(Account.last_collected_at) <= now - shortest),
            )
            .order_by(col(Account.last_collected_at).asc().nulls_first(), col(Account.id))
        ).all()
    due: list[int] = []
    for account_id, last, region, province in rows:
        if last is None:
            due.append(account_id)
            continue
        place = AsnPlace(region, province)
        is_hot = national_hot or any(election_concerns(e, place) for e in hot)
        if last <= now - (hot_interval if is_hot else normal):
            due.append(account_id)
    return due


def _tz(name: str) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)
