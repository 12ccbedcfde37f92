"""The collection service: one pass over registered accounts, each fetched with its stored cursor,
results stored with evidence, one CollectionRun per platform. Failures stay with their account.
Every response received is archived as it arrived, in one WARC file for the pass (monitor/collection/warc.py)."""

from __future__ import annotations

import asyncio
import json
import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from monitor.collection.store import AccountOutcome, store_failure, store_results
from monitor.collection.warc import WarcRecorder, warc_root
from monitor.config import ScraperSettings, Settings
from monitor.db import session_scope
from monitor.models import Account, Asn, AsnStatus, CollectionRun, utcnow
from monitor.registry.accounts import collectable
from scrapers.base import AccountRef, FetchResult, HtmlSource, ScrapeConfig
from scrapers.errors import ScrapeError
from scrapers.http import PoliteClient
from scrapers.registry import SCRAPERS

log = logging.getLogger(__name__)
Progress = Callable[[AccountOutcome], None]


@dataclass
class CollectSummary:
    accounts_ok: int = 0
    failed: Counter[str] = field(default_factory=Counter)  # status -> accounts
    posts_new: int = 0
    posts_changed: int = 0
    posts_deleted: int = 0
    foreign_skipped: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (account id, status, message)
    item_notes: list[tuple[int, str]] = field(default_factory=list)  # (account id, note): odd items, stored

    @property
    def accounts_failed(self) -> int:
        return sum(self.failed.values())

    def add(self, outcome: AccountOutcome) -> None:
        if outcome.status == "ok":
            self.accounts_ok += 1
        else:
            self.failed[outcome.status] += 1
            self.errors.append((outcome.account_id, outcome.status, outcome.error or ""))
        self.posts_new += outcome.new
        self.posts_changed += outcome.changed
        self.posts_deleted += outcome.deleted
        self.foreign_skipped += outcome.foreign
        self.item_notes.extend((outcome.account_id, note) for note in outcome.notes)


@dataclass(frozen=True)
class _Job:
    account_id: int
    platform: str
    handle: str
    platform_user_id: str | None
    cursor: dict[str, object]


def scrape_config(settings: ScraperSettings) -> ScrapeConfig:
    """monitor's settings as the plain configuration scrapers take (they never import monitor)."""
    return ScrapeConfig(
        user_agent=settings.user_agent,
        timeout_s=settings.timeout_s,
        max_retries=settings.max_retries,
        backoff_base_s=settings.backoff_base_s,
        backoff_max_s=settings.backoff_max_s,
        requests_per_second_per_host=settings.requests_per_second_per_host,
        concurrency_per_host=settings.concurrency_per_host,
        total_concurrency=settings.total_concurrency,
        max_pages_per_account=settings.max_pages_per_account,
        page_size=settings.page_size,
        obey_robots_txt=settings.obey_robots_txt,
        bluesky_url=settings.bluesky_url,
        x_api_url=settings.x_api_url,
        telegram_url=settings.telegram_url,
        x_bearer_token=settings.x_bearer_token,
        mastodon_urls=dict(settings.mastodon_urls),
        html_sources={name: HtmlSource(**src.model_dump()) for name, src in settings.html_sources.items()},
        url_rewrites=dict(settings.url_rewrites),
    )


def _cursor(raw: str | None) -> dict[str, object]:
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return {}  # an unreadable cursor costs one full fetch, never a failure
    return value if isinstance(value, dict) else {}


def _jobs(session: Session, account_ids: Sequence[int] | None, platform: str | None, asn_nip: str | None) -> list[_Job]:
    query = (
        select(Account)
        .join(Asn, col(Asn.id) == col(Account.asn_id))
        .where(col(Account.platform).in_(list(SCRAPERS)), Asn.status == AsnStatus.active)
        .where(collectable())  # neither rejected nor removed (monitor.registry.accounts)
        .order_by(col(Account.id))
    )
    if account_ids is not None:
        query = query.where(col(Account.id).in_(list(account_ids)))
    if platform:
        query = query.where(Account.platform == platform)
    if asn_nip:
        query = query.where(Asn.nip == asn_nip)
    return [
        _Job(a.id, a.platform, a.handle, a.platform_user_id, _cursor(a.cursor))  # type: ignore[arg-type]
        for a in session.exec(query)
    ]


class _Writer:
    """One writer at a time (SQLite allows no more, and it keeps PostgreSQL calm). Results that arrive
    while a batch is being written wait and go together in the next one: one transaction for them all.
    The archived responses the posts point at are made durable first (fsync), then the posts committed."""

    def __init__(self, engine: Engine, recorder: WarcRecorder) -> None:
        self.engine = engine
        self.recorder = recorder
        self.lock = asyncio.Lock()
        self.queue: list[tuple[int, FetchResult, asyncio.Future[AccountOutcome | Exception]]] = []

    async def store(self, account_id: int, result: FetchResult) -> AccountOutcome | Exception:
        done: asyncio.Future[AccountOutcome | Exception] = asyncio.get_running_loop().create_future()
        self.queue.append((account_id, result, done))
        async with self.lock:
            if not done.done():  # else an earlier batch took it along
                batch, self.queue = self.queue, []
                try:
                    outcomes = await asyncio.to_thread(self._store, [(a, r) for a, r, _ in batch])
                except Exception as exc:
                    outcomes = [exc] * len(batch)
                except BaseException:  # cancelled: the accounts waiting on this batch must not wait forever
                    for _, _, future in batch:
                        future.cancel()
                    raise
                for (_, _, future), outcome in zip(batch, outcomes, strict=True):
                    if not future.done():  # done: its account's task was cancelled while it waited
                        future.set_result(outcome)
        return await done

    def _store(self, items: list[tuple[int, FetchResult]]) -> list[AccountOutcome | Exception]:
        self.recorder.sync()  # an OSError here fails the batch's accounts: no post without its record
        return store_results(self.engine, items)

    async def fail(self, account_id: int, status: str, error: str) -> None:
        async with self.lock:
            await asyncio.to_thread(store_failure, self.engine, account_id, status, error)


async def _run(engine: Engine, jobs: list[_Job], settings: Settings, progress: Progress | None) -> CollectSummary:
    config = scrape_config(settings.scrapers)
    summary = CollectSummary()
    per_platform: dict[str, CollectSummary] = {}
    gate = asyncio.Semaphore(max(1, config.total_concurrency))
    recorder = WarcRecorder(warc_root(settings.data_dir))
    writer = _Writer(engine, recorder)

    async def one(client: PoliteClient, job: _Job) -> None:
        async with gate:
            try:
                result = await SCRAPERS[job.platform].fetch(
                    client, AccountRef(job.platform, job.handle, job.platform_user_id), job.cursor
                )
            except ScrapeError as exc:
                outcome = AccountOutcome(job.account_id, job.platform, status=exc.status, error=str(exc))
            except Exception as exc:  # a scraper bug must not stop the pass for everyone else
                log.exception("collecting account %s failed", job.account_id)
                outcome = AccountOutcome(
                    job.account_id, job.platform, status="error", error=f"{type(exc).__name__}: {exc}"
                )
            else:
                stored = await writer.store(job.account_id, result)
                if isinstance(stored, Exception):
                    log.error("storing account %s failed", job.account_id, exc_info=stored)
                    stored = AccountOutcome(job.account_id, job.platform, status="error", error=f"storing: {stored}")
                outcome = stored
                for note in outcome.notes:
                    log.warning("account %s: %s", job.account_id, note)
            if outcome.status != "ok":
                await writer.fail(job.account_id, outcome.status, outcome.error or "")
        summary.add(outcome)
        per_platform.setdefault(job.platform, CollectSummary()).add(outcome)
        if progress is not None:
            progress(outcome)

    runs = _start_runs(engine, sorted({j.platform for j in jobs}))
    with recorder:
        async with PoliteClient(config, recorder=recorder) as client:
            await asyncio.gather(*(one(client, job) for job in jobs))
    _finish_runs(engine, runs, per_platform)
    return summary


def _start_runs(engine: Engine, platforms: list[str]) -> dict[str, int]:
    with session_scope(engine) as session:
        rows = {p: CollectionRun(platform=p) for p in platforms}
        session.add_all(rows.values())
        session.flush()
        return {p: row.id for p, row in rows.items()}  # type: ignore[misc]


def _finish_runs(engine: Engine, runs: dict[str, int], per_platform: dict[str, CollectSummary]) -> None:
    with session_scope(engine) as session:
        for platform, run_id in runs.items():
            run, part = session.get(CollectionRun, run_id), per_platform.get(platform, CollectSummary())
            if run is None:
                continue
            run.finished_at = utcnow()
            run.accounts_ok, run.accounts_failed = part.accounts_ok, part.accounts_failed
            run.posts_new, run.posts_changed, run.posts_deleted = part.posts_new, part.posts_changed, part.posts_deleted
            session.add(run)


def account_labels(engine: Engine, account_ids: Sequence[int]) -> dict[int, str]:
    """ "platform handle" of each account, for messages."""
    with Session(engine) as session:
        rows = session.exec(select(Account).where(col(Account.id).in_(list(account_ids))))
        return {a.id: f"{a.platform} {a.handle}" for a in rows}  # type: ignore[misc]


def count_due(engine: Engine, *, platform: str | None = None, asn_nip: str | None = None) -> int:
    with Session(engine) as session:
        return len(_jobs(session, None, platform, asn_nip))


def collect_pass(
    engine: Engine,
    settings: Settings,
    *,
    platform: str | None = None,
    asn_nip: str | None = None,
    progress: Progress | None = None,
) -> CollectSummary:
    """Collect every active, not-rejected account (optionally of one platform or one ASN) now."""
    if platform is not None and platform not in SCRAPERS:
        raise ValueError(f"unknown platform {platform!r}; scrapers exist for {', '.join(sorted(SCRAPERS))}")
    with Session(engine) as session:
        jobs = _jobs(session, None, platform, asn_nip)
    return asyncio.run(_run(engine, jobs, settings, progress))


def collect_accounts(
    engine: Engine, account_ids: Sequence[int], settings: Settings, progress: Progress | None = None
) -> CollectSummary:
    """Collect the given accounts now (the scheduler calls this with the accounts that are due)."""
    with Session(engine) as session:
        jobs = _jobs(session, account_ids, None, None)
    return asyncio.run(_run(engine, jobs, settings, progress))
