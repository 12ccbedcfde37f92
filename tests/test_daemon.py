"""The scheduler's decisions, with an injected clock: who is due, how work is spread, which jobs exist."""

from __future__ import annotations

import random
import threading
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from monitor.config import Settings
from monitor.models import Election
from monitor.work.daemon import Daemon, plan_batches
from monitor.work.due import due_accounts
from monitor.work.runner import LocalRunner
from tests.utils.factories import make_account, make_asn
from tests.utils.procs import wait_for

NOW = datetime(2024, 10, 1, 3, 0, tzinfo=UTC)  # 10:00 WIB
SETTINGS = Settings(_env_file=None)


class RecordingRunner:
    def __init__(self) -> None:
        self.submitted: list[tuple[str, float, dict[str, Any]]] = []

    def submit(self, task: str, *, delay_s: float = 0.0, unique: bool = False, **kwargs: Any) -> None:
        self.submitted.append((task, delay_s, kwargs))

    def busy(self, task: str) -> bool:
        return False

    def shutdown(self, *, wait: bool = True) -> None:
        pass


class FakeLeader:
    def __init__(self, held: bool = True) -> None:
        self._held = held

    def try_acquire(self) -> bool:
        return self._held

    def held(self) -> bool:
        return self._held

    def release(self) -> None:
        pass


def test_plan_batches_spreads_slots_with_jitter() -> None:
    plan = plan_batches(list(range(230)), 50, 100.0, random.Random(7))
    assert [len(d.account_ids) for d in plan] == [50, 50, 50, 50, 30]
    assert [i for d in plan for i in d.account_ids] == list(range(230))
    for i, d in enumerate(plan):
        assert i * 20 <= d.delay_s < (i + 1) * 20  # each batch in its own slot of the window
    assert plan_batches([], 50, 100.0, random.Random(1)) == []


def _campaign(session: Session, **kw: Any) -> None:
    fields = {
        "id": "pilwalkot-hj",
        "name": "Pilwalkot Harapan Jaya",
        "level": "walikota",
        "region": "Kota Harapan Jaya",
        "province": "Jawa Barat",
        "campaign_start": date(2024, 9, 25),
        "campaign_end": date(2024, 11, 23),
        "voting_day": date(2024, 11, 27),
    } | kw
    session.add(Election(**fields))


def test_due_accounts_tighter_where_an_election_is_hot(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as s:
        _campaign(s)
        here = make_asn(s)  # Kota Harapan Jaya: in campaign on NOW
        there = make_asn(s, region="Kota Medan", province="Sumatera Utara")
        never = make_account(s, here)
        hot_60 = make_account(s, here, last_collected_at=NOW - timedelta(minutes=60))
        cold_60 = make_account(s, there, last_collected_at=NOW - timedelta(minutes=60))
        cold_130 = make_account(s, there, last_collected_at=NOW - timedelta(minutes=130))
        hot_10 = make_account(s, here, last_collected_at=NOW - timedelta(minutes=10))
        make_account(s, make_asn(s, status="inactive"))
        make_account(s, here, verification="rejected")
        make_account(s, here, platform="telegram", handle="kanal_uji")
        s.commit()

    due = due_accounts(engine, SETTINGS, "bluesky", now=NOW)
    # bluesky: 120 min normally, 30 min during the campaign
    assert due == [never.id, cold_130.id, hot_60.id]
    assert cold_60.id not in due and hot_10.id not in due
    # Outside the hot period (a month after voting day) the normal interval applies to everyone.
    later = NOW + timedelta(days=60)
    assert set(due_accounts(engine, SETTINGS, "bluesky", now=later)) == {
        never.id,
        hot_60.id,
        cold_60.id,
        cold_130.id,
        hot_10.id,
    }


def test_national_election_makes_everyone_hot_around_voting_day(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as s:
        _campaign(
            s,
            id="pilpres",
            level="presiden",
            region="Indonesia",
            province="",
            campaign_start=None,
            campaign_end=None,
            voting_day=date(2024, 10, 2),
        )
        medan = make_account(s, make_asn(s, region="Kota Medan"), last_collected_at=NOW - timedelta(minutes=45))
        s.commit()
    assert due_accounts(engine, SETTINGS, "bluesky", now=NOW) == [medan.id]  # voting day tomorrow: 30 min
    assert due_accounts(engine, SETTINGS, "bluesky", now=NOW - timedelta(days=10)) == []  # 120 min


def test_collect_tick_hands_out_due_accounts_in_jittered_batches(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as s:
        asn = make_asn(s)
        ids = [make_account(s, asn).id for _ in range(12)]
        s.commit()
    settings = Settings(_env_file=None, scheduler={"collect_batch_size": 5, "collect_tick_s": 100, "jitter_s": 60})
    runner = RecordingRunner()
    daemon = Daemon(engine, settings, runner, FakeLeader(), clock=lambda: NOW, rng=random.Random(3))
    assert daemon.collect_tick("bluesky") == 12
    assert [t for t, _, _ in runner.submitted] == ["collect_batch"] * 3
    assert sorted(i for _, _, kw in runner.submitted for i in kw["account_ids"]) == sorted(ids)
    delays = [d for _, d, _ in runner.submitted]
    assert all(0 <= d < 60 for d in delays) and delays == sorted(delays)


def test_scheduler_jobs_timezone_coalescing_and_digest_time(engine: Engine) -> None:
    daemon = Daemon(engine, SETTINGS, RecordingRunner(), FakeLeader(), clock=lambda: NOW)
    scheduler = daemon.build_scheduler()
    scheduler.start(paused=True)  # job defaults are applied when the scheduler starts
    jobs = {job.id: job for job in scheduler.get_jobs()}
    scheduler.shutdown(wait=False)
    assert {"process", "digest", "digest-retry", "retention", "heartbeat", "collect:bluesky", "collect:x"} <= set(jobs)
    assert str(scheduler.timezone) == "Asia/Jakarta"
    for job in jobs.values():
        assert job.coalesce is True
        assert job.misfire_grace_time == SETTINGS.scheduler.misfire_grace_s
        assert job.max_instances == 1
    # From a Wednesday, the digest fires next Monday at 07:00 WIB (00:00 UTC).
    next_digest = jobs["digest"].trigger.get_next_fire_time(None, NOW.astimezone(scheduler.timezone))
    assert next_digest.weekday() == 0 and (next_digest.hour, next_digest.minute) == (7, 0)
    assert next_digest.astimezone(UTC) == datetime(2024, 10, 7, 0, 0, tzinfo=UTC)
    next_purge = jobs["retention"].trigger.get_next_fire_time(None, NOW.astimezone(scheduler.timezone))
    assert next_purge - NOW <= timedelta(days=1)


def test_jobs_never_fire_without_leadership(engine: Engine) -> None:
    runner = RecordingRunner()
    leader = FakeLeader(held=False)
    daemon = Daemon(engine, SETTINGS, runner, leader, clock=lambda: NOW)
    daemon._guarded("process", daemon.process_tick)()
    assert runner.submitted == [] and not daemon.fired
    leader._held = True
    daemon._guarded("process", daemon.process_tick)()
    assert runner.submitted == [("process_new", 0.0, {})] and list(daemon.fired) == [("process", NOW)]


def test_local_runner_finishes_in_flight_work_and_drops_delayed(engine: Engine, monkeypatch: Any) -> None:
    from monitor.work import tasks as pipeline

    started, release, done = threading.Event(), threading.Event(), []

    def slow(engine: Engine, settings: Settings, **kw: Any) -> dict[str, Any]:
        started.set()
        release.wait(10)
        done.append(kw)
        return {}

    monkeypatch.setitem(pipeline.TASKS, "purge", slow)
    runner = LocalRunner(engine, SETTINGS, workers=2)
    runner.submit("purge", tag="now")
    runner.submit("purge", delay_s=30, tag="later")
    assert started.wait(10) and runner.busy("purge")
    stopper = threading.Thread(target=runner.shutdown)
    stopper.start()
    release.set()
    stopper.join(10)
    assert not stopper.is_alive()
    assert done == [{"tag": "now"}]  # in-flight work finished; the delayed batch was not started
    runner.submit("purge", tag="after")  # ignored once closed
    assert done == [{"tag": "now"}]


def test_local_runner_scores_after_collecting_one_scorer_at_a_time(engine: Engine, monkeypatch: Any) -> None:
    from monitor.work import tasks as pipeline

    release, runs = threading.Event(), []

    def collect(engine: Engine, settings: Settings, **kw: Any) -> dict[str, Any]:
        return {"posts_new": 2}

    def process(engine: Engine, settings: Settings, **kw: Any) -> dict[str, Any]:
        runs.append(1)
        release.wait(10)
        return {}

    monkeypatch.setitem(pipeline.TASKS, "collect_batch", collect)
    monkeypatch.setitem(pipeline.TASKS, "process_new", process)
    runner = LocalRunner(engine, SETTINGS, workers=3)
    runner.submit("collect_batch", account_ids=[1])
    wait_for(lambda: runs, what="scoring to start after the collect batch stored posts")
    runner._run("collect_batch", {"account_ids": [2]})  # a second batch finishes while scoring runs
    release.set()
    runner.shutdown()
    assert runs == [1]  # not a second scorer at the same time
