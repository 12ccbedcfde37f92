"""What `netra status` shows: is collection running, is anything failing, is work piling up."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from classifiers.versions import active_name
from monitor.digest.deliveries import DigestProblem, digest_problems
from monitor.models import Account, Case, CollectionRun, Post, Score

__all__ = ["PlatformStatus", "StatusReport", "gather_status"]


@dataclass
class PlatformStatus:
    platform: str
    last_started: datetime | None = None
    last_finished: datetime | None = None
    last_ok: int = 0
    last_failed: int = 0
    last_new: int = 0
    accounts: dict[str, int] = field(default_factory=dict)  # Account.last_status -> count

    @property
    def failing(self) -> dict[str, int]:
        return {k: v for k, v in self.accounts.items() if k not in ("ok", "never")}


@dataclass
class StatusReport:
    platforms: list[PlatformStatus]
    unscored: int
    oldest_unscored: datetime | None
    unchecked_scores: int  # scored, waiting for the flag rules
    cases: dict[str, int]
    active_model: str | None  # the version new posts are scored with (models_dir/ACTIVE)
    model_version: str | None  # the model that scored the newest post
    digest_problems: list[DigestProblem]


def gather_status(engine: Engine, models_dir: Path | None = None) -> StatusReport:
    with Session(engine) as session:
        platforms: dict[str, PlatformStatus] = {}
        for platform, status, count in session.exec(
            select(Account.platform, Account.last_status, func.count()).group_by(Account.platform, Account.last_status)
        ):
            platforms.setdefault(platform, PlatformStatus(platform)).accounts[str(status)] = count
        latest = (
            select(CollectionRun.platform, func.max(CollectionRun.id).label("id"))
            .group_by(CollectionRun.platform)
            .subquery()
        )
        for run in session.exec(select(CollectionRun).join(latest, col(CollectionRun.id) == latest.c.id)):
            p = platforms.setdefault(run.platform, PlatformStatus(run.platform))
            p.last_started, p.last_finished = run.started_at, run.finished_at
            p.last_ok, p.last_failed, p.last_new = run.accounts_ok, run.accounts_failed, run.posts_new
        unscored, oldest = session.exec(
            select(func.count(), func.min(Post.captured_at)).where(col(Post.scored_version).is_(None))
        ).one()
        unchecked = session.exec(select(func.count()).where(col(Score.flag_checked_at).is_(None))).one()
        cases = {str(s): n for s, n in session.exec(select(Case.status, func.count()).group_by(Case.status))}
        model = session.exec(select(Score.model_version).order_by(col(Score.id).desc()).limit(1)).first()
        problems = digest_problems(session)
    return StatusReport(
        platforms=sorted(platforms.values(), key=lambda p: p.platform),
        active_model=active_name(models_dir) if models_dir is not None else None,
        unscored=unscored,
        oldest_unscored=oldest,
        unchecked_scores=unchecked,
        cases=cases,
        model_version=model,
        digest_problems=problems,
    )
