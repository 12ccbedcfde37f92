"""A real `netra run` against the loopback source: collects on schedule, serves /healthz and /metrics,
stops cleanly on SIGTERM, and after a restart resumes from the stored cursors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, func, update
from sqlmodel import Session, select

from monitor.models import Account, Post, utcnow
from scrapers.loopback import LoopbackServer
from tests.conftest import sqlite_url
from tests.utils.factories import make_account, make_asn
from tests.utils.procs import NetraProcess, free_port, wait_for


@pytest.fixture
def loopback() -> Iterator[LoopbackServer]:
    with LoopbackServer() as server:
        yield server


def daemon_env(db_url: str, data_dir: Path, loopback: LoopbackServer, **extra: str) -> dict[str, str]:
    scrapers = loopback.scraper_settings() | {"requests_per_second_per_host": 1000, "backoff_base_s": 0.05}
    return {
        "NETRA_DATABASE_URL": db_url,
        "NETRA_DATA_DIR": str(data_dir),
        "NETRA_SCRAPERS": json.dumps(scrapers),
        "NETRA_SCHEDULER__COLLECT_TICK_S": "1",
        "NETRA_SCHEDULER__JITTER_S": "1",
        "NETRA_SCHEDULER__LEADER_RETRY_S": "0.5",
        "NETRA_SCHEDULER__SCORE_EVERY_MIN": "600",
    } | extra


def _posts(engine: Engine) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(Post)).one()


def test_netra_run_collects_serves_metrics_and_stops_cleanly(
    sqlite_engine: Engine, tmp_path: Path, loopback: LoopbackServer
) -> None:
    world = loopback.world
    fakes = [world.add_account("bluesky", f"asn{i}.bsky.social", posts=4) for i in range(3)]
    with Session(sqlite_engine, expire_on_commit=False) as s:
        asn = make_asn(s)
        for fake in fakes:
            make_account(s, asn, platform="bluesky", handle=loopback.handle_for(fake))
        s.commit()
    port = free_port()
    env = daemon_env(sqlite_url(tmp_path), tmp_path, loopback, NETRA_SCHEDULER__METRICS_PORT=str(port))

    run = NetraProcess(["run"], env, tmp_path, "run1")
    try:
        wait_for(lambda: _posts(sqlite_engine) == 12, what="12 posts collected")
        health = wait_for(lambda: _get(f"http://127.0.0.1:{port}/healthz"), what="/healthz")
        assert health.status_code == 200 and health.json()["database"] == "ok"
        metrics = httpx.get(f"http://127.0.0.1:{port}/metrics").text
        assert 'netra_posts_collected_total{platform="bluesky"} 12.0' in metrics
        assert "netra_unscored_posts 12.0" in metrics
        assert run.terminate() == 0
        assert run.messages("stopped") and run.messages("signal received; finishing in-flight work")
    finally:
        run.close()

    # Later: new posts appear and the accounts are due again. A restart collects only what is new.
    for fake in fakes:
        world.add_post(fake)
    with Session(sqlite_engine) as s:
        s.exec(update(Account).values(last_collected_at=utcnow() - timedelta(days=1)))  # type: ignore[call-overload]
        s.commit()
    requests_before = len(world.requests)
    again = NetraProcess(["run"], env | {"NETRA_SCHEDULER__METRICS_PORT": "0"}, tmp_path, "run2")
    try:
        wait_for(lambda: _posts(sqlite_engine) == 15, what="3 new posts collected after restart")
        assert again.terminate() == 0
    finally:
        again.close()
    with Session(sqlite_engine) as s:
        ids = s.exec(select(Post.platform_post_id)).all()
        assert len(ids) == len(set(ids)) == 15
    feed_requests = [r for r in world.requests[requests_before:] if "getAuthorFeed" in r.get("path", "")]
    assert feed_requests and len(feed_requests) <= 3  # one page each: the stored cursor stops at what is known


def _get(url: str) -> httpx.Response | None:
    try:
        return httpx.get(url, timeout=2)
    except httpx.TransportError:
        return None


def test_run_once_collects_scores_and_opens_cases_in_process(
    sqlite_engine: Engine, loopback: LoopbackServer, tmp_path: Path
) -> None:
    """What `netra demo` builds on: one synchronous pass. Without a model, posts wait for scoring."""
    from monitor.config import Settings
    from monitor.work.tasks import run_once

    fake = loopback.world.add_account("bluesky", "sekali.bsky.social", posts=3)
    with Session(sqlite_engine, expire_on_commit=False) as s:
        make_account(s, platform="bluesky", handle=loopback.handle_for(fake))
        s.commit()
    settings = Settings(
        _env_file=None,
        data_dir=tmp_path / "data",  # no model there; the run's archive of responses goes there too
        scrapers=loopback.scraper_settings() | {"requests_per_second_per_host": 1000},
    )
    result = run_once(sqlite_engine, settings)
    assert result["posts_new"] == 3 and result["accounts_ok"] == 1
    assert result["scored"] == 0 and result["opened"] == 0  # no active model in this data dir
    assert run_once(sqlite_engine, settings)["posts_new"] == 0
