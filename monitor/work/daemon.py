"""`netra run`: the scheduler. It decides only WHEN; a runner decides where; `monitor.work.tasks` does the work.

Jobs (timezone Asia/Jakarta, coalesced, with a misfire grace time, one instance at a time):
- `collect:<platform>` every `collect_tick_s`: accounts whose polling interval ran out (tighter where an
  election is in its hot period) are handed out in batches spread over the tick with jitter;
- `process` every `score_every_min`: score waiting posts, open cases;
- `digest` weekly (Monday 07:00 WIB), `digest-retry` every 15 minutes, `retention` daily, `heartbeat`;
- `audit-checkpoint` hourly: the totals of ended failed-login windows (`monitor.access.login_throttle`), then a signed
  checkpoint of the audit log (`monitor.audit_checkpoints`).

Restarts replay nothing: due-ness is computed from each account's stored `last_collected_at`, and the
scrapers resume from stored cursors. Only the leader (see `monitor.work.leader`) runs a scheduler.
"""

from __future__ import annotations

import logging
import random
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine

from monitor.access.login_throttle import LoginThrottle
from monitor.audit_checkpoints import write_checkpoint
from monitor.config import Settings
from monitor.models import utcnow
from monitor.work.due import due_accounts
from monitor.work.leader import Leader
from monitor.work.runner import Runner
from scrapers.registry import SCRAPERS

__all__ = ["Daemon", "Dispatch", "plan_batches"]

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Dispatch:
    account_ids: list[int]
    delay_s: float


def plan_batches(account_ids: list[int], batch_size: int, spread_s: float, rng: random.Random) -> list[Dispatch]:
    """Split accounts into batches, each in its own slot of the spread window at a jittered offset."""
    batches = [account_ids[i : i + batch_size] for i in range(0, len(account_ids), batch_size)]
    if not batches:
        return []
    slot = spread_s / len(batches)
    return [Dispatch(batch, i * slot + rng.uniform(0, slot)) for i, batch in enumerate(batches)]


class Daemon:
    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        runner: Runner,
        leader: Leader,
        *,
        clock: Clock = utcnow,
        rng: random.Random | None = None,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.runner = runner
        self.leader = leader
        self.clock = clock
        self.rng = rng or random.Random()
        self.fired: deque[tuple[str, datetime]] = deque(maxlen=1000)  # the latest fires (tests, debugging)

    # --- what each job does -------------------------------------------------------------------
    def collect_tick(self, platform: str) -> int:
        """Hand out the accounts of `platform` that are due; returns how many."""
        sched = self.settings.scheduler
        due = due_accounts(self.engine, self.settings, platform, now=self.clock())
        spread = min(sched.collect_tick_s * 0.8, max(sched.jitter_s, 1))
        for dispatch in plan_batches(due, sched.collect_batch_size, spread, self.rng):
            self.runner.submit("collect_batch", delay_s=dispatch.delay_s, account_ids=dispatch.account_ids)
        if due:
            log.info("collection dispatched", extra={"platform": platform, "accounts": len(due)})
        return len(due)

    def process_tick(self) -> None:
        self.runner.submit("process_new", unique=True)

    def submit(self, task: str) -> None:
        self.runner.submit(task)

    def heartbeat(self) -> None:
        log.info("heartbeat", extra={"leader": True})

    def audit_checkpoint(self) -> None:
        # Here, not on a worker: one query and one line, and only the scheduler's host needs the key.
        # First the totals of failed-login windows that have ended (otherwise written at the next failed login),
        # so that the checkpoint covers them.
        LoginThrottle(self.engine, self.settings.login).summarise()
        write_checkpoint(self.engine, self.settings)

    # --- wiring time to work -------------------------------------------------------------------
    def _guarded(self, job_id: str, fn: Callable[..., Any], *args: Any) -> Callable[[], None]:
        def fire() -> None:
            if not self.leader.held():  # the lock was lost since the last check: never fire twice
                log.warning("job skipped: not leader", extra={"job": job_id})
                return
            now = self.clock()
            self.fired.append((job_id, now))
            log.info("job fired", extra={"job": job_id, "fired_at": now.isoformat()})
            try:
                fn(*args)
            except Exception:
                log.exception("job failed", extra={"job": job_id})

        return fire

    def build_scheduler(self) -> BackgroundScheduler:
        sched = self.settings.scheduler
        tz = sched.timezone
        scheduler = BackgroundScheduler(
            timezone=tz,
            job_defaults={"coalesce": True, "misfire_grace_time": sched.misfire_grace_s, "max_instances": 1},
        )
        jitter = min(sched.jitter_s, max(sched.collect_tick_s // 2, 0)) or None
        for platform in sorted(SCRAPERS):
            job_id = f"collect:{platform}"
            scheduler.add_job(
                self._guarded(job_id, self.collect_tick, platform),
                IntervalTrigger(seconds=sched.collect_tick_s, jitter=jitter, timezone=tz),
                id=job_id,
                next_run_time=datetime.now(scheduler.timezone),  # first look right away after a (re)start
            )
        scheduler.add_job(
            self._guarded("process", self.process_tick),
            IntervalTrigger(minutes=sched.score_every_min, timezone=tz),
            id="process",
        )
        scheduler.add_job(
            self._guarded("digest", self.submit, "send_digests"),
            CronTrigger.from_crontab(sched.digest_cron, tz),
            id="digest",
        )
        scheduler.add_job(
            self._guarded("digest-retry", self.submit, "retry_digests"),
            IntervalTrigger(minutes=15, timezone=tz),
            id="digest-retry",
        )
        scheduler.add_job(
            self._guarded("retention", self.submit, "purge"),
            CronTrigger.from_crontab(sched.retention_cron, tz),
            id="retention",
        )
        scheduler.add_job(
            self._guarded("audit-checkpoint", self.audit_checkpoint),
            CronTrigger.from_crontab(sched.audit_checkpoint_cron, tz),
            id="audit-checkpoint",
        )
        scheduler.add_job(
            self._guarded("heartbeat", self.heartbeat),
            IntervalTrigger(seconds=sched.heartbeat_s, timezone=tz),
            id="heartbeat",
        )
        return scheduler

    def run(self, stop: threading.Event) -> None:
        """Stand by until leader, schedule while leader, until `stop` is set; then finish in-flight work."""
        sched = self.settings.scheduler
        check_s = min(sched.leader_retry_s, 5.0)
        try:
            while not stop.is_set():
                if not self.leader.try_acquire():
                    stop.wait(sched.leader_retry_s)
                    continue
                log.info("leader: this process schedules")
                scheduler = self.build_scheduler()
                scheduler.start()
                try:
                    while not stop.wait(check_s):
                        if not self.leader.held():
                            log.warning("leader: lock lost; standing by")
                            break
                finally:
                    scheduler.shutdown(wait=True)  # running jobs finish
                    self.leader.release()
        finally:
            log.info("stopping: waiting for in-flight work")
            self.runner.shutdown(wait=True)
            log.info("stopped")
