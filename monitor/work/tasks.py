"""The units of background work, as plain functions: (engine, settings, **json-able kwargs) -> summary.

The CLI, the scheduler (through a runner), Celery tasks and tests all call these same functions.
Each is safe to run twice (at-least-once delivery): collection upserts by platform post id and keeps
cursors, scoring skips scored posts, case opening is idempotent, digests are exactly-once per week.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, is_dataclass
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from monitor import metrics
from monitor.collection.service import collect_accounts, collect_pass
from monitor.config import Settings
from monitor.digest.service import retry_due_digests, send_weekly_digests
from monitor.flagging.open_cases import open_new_cases
from monitor.model.scoring import NoModelError, score_pending
from monitor.models import Account
from monitor.privacy.retention import purge_expired_text
from monitor.privacy.warc_retention import purge_expired_warcs

__all__ = [
    "TASKS",
    "collect_batch",
    "process_new",
    "purge",
    "retry_digests",
    "run_once",
    "run_task",
    "send_digests",
    "stored_new",
]

log = logging.getLogger(__name__)


def _plain(summary: object) -> dict[str, Any]:
    """A summary as JSON-able data (Celery results, logs): numbers, strings and count maps."""
    if is_dataclass(summary) and not isinstance(summary, type):
        out: dict[str, Any] = {}
        for key, value in vars(summary).items():
            if isinstance(value, str | int | float | bool | None):
                out[key] = value
            elif isinstance(value, dict):
                out[key] = {str(k): v for k, v in value.items()}
        return out
    return {"result": summary} if isinstance(summary, str | int | float | bool | None) else {}


def collect_batch(engine: Engine, settings: Settings, *, account_ids: list[int]) -> dict[str, Any]:
    """Collect a batch of accounts (each from its stored cursor); count posts and errors per platform."""
    summary = collect_accounts(engine, account_ids, settings)
    with Session(engine) as session:
        platforms = dict(
            session.exec(select(Account.id, Account.platform).where(col(Account.id).in_(account_ids))).all()
        )
    kinds = set(platforms.values())
    label = kinds.pop() if len(kinds) == 1 else "mixed"
    metrics.POSTS_COLLECTED.labels(platform=label).inc(summary.posts_new + summary.posts_changed)
    for account_id, status, _message in summary.errors:
        metrics.COLLECT_ERRORS.labels(platform=platforms.get(account_id, "unknown"), reason=status).inc()
    result = _plain(summary)
    log.info("collected", extra={"accounts": len(account_ids), "platform": label, **result})
    return result


@dataclass
class ProcessSummary:
    scored: int = 0
    checked: int = 0
    opened: int = 0
    joined: int = 0


def process_new(engine: Engine, settings: Settings, *, limit: int | None = None, batch: int = 1000) -> dict[str, Any]:
    """Score posts waiting for the model and open cases from the new scores, `batch` posts at a time.

    In batches so that a big backlog (a newly registered agency's first collection) shows its first
    cases within minutes instead of after its last post is scored.
    """
    total = ProcessSummary()
    while limit is None or total.scored < limit:
        take = batch if limit is None else min(batch, limit - total.scored)
        scored = 0
        try:
            # Concurrent workers take disjoint batches (score_pending claims its posts), so no lock here.
            scored = score_pending(engine, settings, limit=take)
        except NoModelError as exc:
            # Collection goes on without a model; posts wait, and cases still open from earlier scores.
            log.warning("no active model: posts wait for scoring", extra={"error": str(exc)})
        metrics.POSTS_SCORED.inc(scored)
        cases = open_new_cases(engine, settings)
        total.scored += scored
        total.checked += cases.checked
        total.opened += cases.opened
        total.joined += cases.joined
        if scored < take:
            break
    return asdict(total)


def run_once(engine: Engine, settings: Settings, *, platform: str | None = None) -> dict[str, Any]:
    """Everything once, here and now (the demo and `netra run`'s first minutes): collect every account,
    score what is new, open cases. Returns the collection summary with the scoring/case counts."""
    summary = collect_pass(engine, settings, platform=platform)
    metrics.POSTS_COLLECTED.labels(platform=platform or "all").inc(summary.posts_new + summary.posts_changed)
    return _plain(summary) | process_new(engine, settings)


def open_cases(engine: Engine, settings: Settings) -> dict[str, Any]:
    return _plain(open_new_cases(engine, settings))


def send_digests(engine: Engine, settings: Settings) -> dict[str, Any]:
    summary = send_weekly_digests(engine, settings)
    log.info("digests sent", extra=_plain(summary))
    return _plain(summary)


def retry_digests(engine: Engine, settings: Settings) -> dict[str, Any]:
    return _plain(retry_due_digests(engine, settings))


def purge(engine: Engine, settings: Settings) -> dict[str, Any]:
    # Text first: the archived responses go once no post still holding its text points at them.
    return _plain(purge_expired_text(engine, settings)) | _plain(purge_expired_warcs(engine, settings))


# The registry of work a runner can be asked to do, by name (Celery task names are "netra.<name>").
TASKS: dict[str, Callable[..., dict[str, Any]]] = {
    "collect_batch": collect_batch,
    "process_new": process_new,
    "open_cases": open_cases,
    "send_digests": send_digests,
    "retry_digests": retry_digests,
    "purge": purge,
}


def run_task(engine: Engine, settings: Settings, task: str, **kwargs: Any) -> dict[str, Any]:
    """Run one named task here and now, counting its outcome."""
    if task not in TASKS:
        raise KeyError(f"unknown task {task!r}; known: {sorted(TASKS)}")
    try:
        result = TASKS[task](engine, settings, **kwargs)
    except Exception:
        metrics.JOBS.labels(job=task, outcome="error").inc()
        raise
    metrics.JOBS.labels(job=task, outcome="ok").inc()
    return result


def stored_new(task: str, result: dict[str, Any]) -> bool:
    """Whether a finished task stored posts that now wait for the model."""
    return task == "collect_batch" and any(int(result.get(k) or 0) > 0 for k in ("posts_new", "posts_changed"))
