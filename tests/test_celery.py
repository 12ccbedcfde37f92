"""Celery on the real Redis and PostgreSQL: two `netra worker` processes share the work, and killing
one mid-batch loses nothing (at-least-once delivery, idempotent writes)."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from monitor.config import Settings
from monitor.db import make_engine, upgrade
from monitor.flagging.rules import AsnPlace, ElectionPlace, FlagRules, ScoreView, decide
from monitor.models import Account, Asn, Case, CasePost, Election, Post
from monitor.work.runner import CeleryRunner
from scrapers.loopback import LoopbackServer
from tests.utils.factories import make_account, make_asn, make_score
from tests.utils.procs import NetraProcess, wait_for

REDIS_URL = "redis://127.0.0.1:6379/0"
POSTS_PER_ACCOUNT = 3


@pytest.fixture
def pg_engine(pg_schema_url: str) -> Iterator[Engine]:
    engine = make_engine(pg_schema_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def celery_env(pg_schema_url: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    """A queue and Redis key prefix of our own, so parallel runs never see each other's tasks."""
    run = uuid.uuid4().hex[:10]
    env = {
        "NETRA_DATABASE_URL": pg_schema_url,
        "NETRA_DATA_DIR": str(tmp_path),
        "NETRA_RUNNER": "celery",
        "NETRA_BROKER_URL": REDIS_URL,
        "NETRA_CELERY__QUEUE": f"netra-test-{run}",
        "NETRA_CELERY__KEY_PREFIX": f"netra-test-{run}:",
        "NETRA_CELERY__VISIBILITY_TIMEOUT_S": "4",
        "NETRA_CELERY__CONCURRENCY": "1",
    }
    yield env
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"netra-test-{run}:*"))
    if keys:
        client.delete(*keys)


def settings_from(env: dict[str, str], **extra: object) -> Settings:
    return Settings(
        _env_file=None,
        database_url=env["NETRA_DATABASE_URL"],
        runner="celery",
        broker_url=REDIS_URL,
        celery={
            "queue": env["NETRA_CELERY__QUEUE"],
            "key_prefix": env["NETRA_CELERY__KEY_PREFIX"],
            "visibility_timeout_s": 4,
        },
        **extra,  # type: ignore[arg-type]
    )


def _accounts(engine: Engine, loopback: LoopbackServer, n: int) -> list[int]:
    with Session(engine, expire_on_commit=False) as s:
        asn = make_asn(s)
        ids = []
        for i in range(n):
            fake = loopback.world.add_account("bluesky", f"pegawai{i}.bsky.social", posts=POSTS_PER_ACCOUNT)
            ids.append(make_account(s, asn, handle=loopback.handle_for(fake)).id)
        s.commit()
    return ids


def _scraper_env(loopback: LoopbackServer) -> str:
    return json.dumps(loopback.scraper_settings() | {"requests_per_second_per_host": 1000})


def _task_ids(proc: NetraProcess, state: str) -> set[str]:
    return set(re.findall(rf"netra\.collect_batch\[([0-9a-f-]+)\] {state}", proc.text()))


def _count(engine: Engine, model: type) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(model)).one()


def test_two_workers_share_work_and_a_killed_worker_loses_nothing(
    pg_engine: Engine, celery_env: dict[str, str], tmp_path: Path
) -> None:
    with LoopbackServer() as loopback:
        ids = _accounts(pg_engine, loopback, 24)
        # Every feed request is slow, so each batch is still running when we pull the plug.
        loopback.world.add_fault("slow", "getAuthorFeed", times=-1, delay_s=0.4)
        env = celery_env | {"NETRA_SCRAPERS": _scraper_env(loopback)}
        settings = settings_from(env)
        runner = CeleryRunner(settings)
        for i in range(0, len(ids), 2):
            runner.submit("collect_batch", account_ids=ids[i : i + 2])
        assert runner.queue_length() == 12

        a = NetraProcess(["worker"], env, tmp_path, "worker-a")
        b = NetraProcess(["worker"], env, tmp_path, "worker-b")
        try:
            wait_for(
                lambda: _task_ids(a, "succeeded") and _task_ids(b, "succeeded"), what="both workers to finish a task"
            )
            # Kill worker A (main process and its pool child) while it holds a batch.
            wait_for(lambda: _task_ids(a, "received") - _task_ids(a, "succeeded"), what="worker A mid-batch")
            a.kill_group()
            lost = _task_ids(a, "received") - _task_ids(a, "succeeded")
            assert lost, "worker A was killed holding a batch"
            wait_for(lambda: _count(pg_engine, Post) == 24 * POSTS_PER_ACCOUNT, timeout=90, what="every post stored")
            # The batch A died with was redelivered to B after the visibility timeout.
            wait_for(lambda: lost <= _task_ids(b, "succeeded"), timeout=30, what="B to finish A's lost batch")
        finally:
            a.close()
            b.close()
            runner.shutdown()

    with Session(pg_engine) as s:
        keys = s.exec(select(Post.platform_post_id)).all()
        assert len(keys) == len(set(keys)) == 24 * POSTS_PER_ACCOUNT  # nothing lost, nothing twice
        statuses = s.exec(select(Account.last_status)).all()
        assert set(statuses) == {"ok"}


def test_open_cases_tasks_on_two_workers_open_each_case_once(
    pg_engine: Engine, celery_env: dict[str, str], tmp_path: Path
) -> None:
    from datetime import date

    from monitor.models import Election
    from tests.utils.factories import make_post

    with Session(pg_engine, expire_on_commit=False) as s:
        s.add(
            Election(
                id="pilwalkot-harapanjaya-2024",
                name="Pilwalkot",
                level="walikota",
                region="Kota Harapan Jaya",
                province="Jawa Barat",
                voting_day=date(2024, 11, 27),
            )
        )
        accounts = [make_account(s) for _ in range(4)]
        for i in range(200):
            post = make_post(s, accounts[i % 4], kind="repost", original_post_id=f"o{i % 10}")
            make_score(s, post)
        s.commit()
    settings = settings_from(celery_env)
    runner = CeleryRunner(settings)
    a = NetraProcess(["worker"], celery_env, tmp_path, "worker-a")
    b = NetraProcess(["worker"], celery_env, tmp_path, "worker-b")
    try:
        for _ in range(12):
            runner.submit("open_cases")
        wait_for(lambda: _count(pg_engine, Case) + _count(pg_engine, CasePost) == 200, what="every post in a case")
        wait_for(lambda: runner.queue_length() == 0, what="the queue to drain")
    finally:
        a.close()
        b.close()
        runner.shutdown()
    with Session(pg_engine) as s:
        pairs = s.exec(select(Case.asn_id, Case.original_key)).all()
        assert len(pairs) == len(set(pairs)) == 20  # post i: ASN i % 4, original i % 10 -> 20 distinct pairs


@pytest.fixture(scope="module")
def tiny_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir whose active model is the classifier's tiny randomly initialised one (seconds to build)."""
    from classifiers.corpus.load import generated_data
    from classifiers.training.fit import TrainOptions
    from classifiers.training.run import run_training
    from tests.test_classifier_pipeline import small_corpus
    from tests.utils.tiny_model import build_tiny_base

    data_dir = tmp_path_factory.mktemp("data")
    models = data_dir / "models"
    base = build_tiny_base(models / "tiny-base")
    options = TrainOptions(epochs=1, batch_size=16, train_layers=1, max_length=48)
    # threshold 0: the untrained model calls every post partisan, so the chain below has cases to open
    corpus = small_corpus(data_dir / "c.jsonl")
    run_training(models, base, generated_data(corpus), options=options, threshold=0.0)
    return data_dir


def test_collect_score_and_open_cases_across_two_workers(
    pg_engine: Engine, celery_env: dict[str, str], tmp_path: Path, tiny_data_dir: Path
) -> None:
    """The whole chain on workers: collect tasks queue scoring, scoring opens cases; each post scored once."""
    from classifiers.corpus.load import DEFAULT_ELECTIONS
    from classifiers.elections import load_registry
    from monitor.db import session_scope
    from monitor.models import Score
    from monitor.registry.elections import import_elections

    with session_scope(pg_engine) as session:
        import_elections(session, load_registry(DEFAULT_ELECTIONS))
    with LoopbackServer() as loopback:
        ids = _accounts(pg_engine, loopback, 12)
        for fake in loopback.world.accounts.values():
            loopback.world.add_post(fake, "Ayo coblos Andi Wijaya nomor 1, jangan pilih yang lain!")
        env = celery_env | {
            "NETRA_SCRAPERS": _scraper_env(loopback),
            "NETRA_DATA_DIR": str(tiny_data_dir),
            # The tiny model is untrained noise: low thresholds so that its guesses open cases.
            "NETRA_CLASSIFIER__OPERATING_THRESHOLD": "0.0",
            "NETRA_FLAGGING__UNTARGETED_THRESHOLD": "0.0",
        }
        runner = CeleryRunner(settings_from(env))
        a = NetraProcess(["worker"], env, tmp_path, "worker-a")
        b = NetraProcess(["worker"], env, tmp_path, "worker-b")
        try:
            for i in range(0, len(ids), 3):
                runner.submit("collect_batch", account_ids=ids[i : i + 3])
            total = 12 * (POSTS_PER_ACCOUNT + 1)

            def done() -> bool:
                with Session(pg_engine) as s:
                    scored = s.exec(select(func.count()).where(Post.scored_version.is_not(None))).one()  # type: ignore[union-attr]
                    unchecked = s.exec(select(func.count()).where(Score.flag_checked_at.is_(None))).one()  # type: ignore[union-attr]
                return scored == total and unchecked == 0

            wait_for(done, timeout=120, what="every post collected, scored and checked")
        finally:
            a.close()
            b.close()
            runner.shutdown()
    with Session(pg_engine) as s:
        scores = s.exec(select(Score.post_id, Score.model_version)).all()
        assert len(scores) == len(set(scores)) == 12 * (POSTS_PER_ACCOUNT + 1)  # one score per post and version
        cases = s.exec(select(Case.asn_id, Case.original_key)).all()
        assert len(cases) == len(set(cases))
        in_cases = s.exec(select(Case.post_id)).all() + s.exec(select(CasePost.post_id)).all()
        assert len(in_cases) == len(set(in_cases))
        # Thresholds are 0: every post the (random) model labels partisan is in exactly one case, unless its
        # target is an election held outside the ASN's region (the flag rules, applied here by hand).
        asn = s.exec(select(Asn)).one()
        elections = {e.id: ElectionPlace(e.id, str(e.level), e.region, e.province) for e in s.exec(select(Election))}
        rules = FlagRules(operating_threshold=0.0, untargeted_threshold=0.0, deadline_days=7)
        partisan = s.exec(select(Score).where(Score.label != "netral")).all()  # type: ignore[arg-type]
        flagged = [
            score.post_id
            for score in partisan
            if decide(
                ScoreView(score.label, dict(score.probabilities), score.target_election_id),
                AsnPlace(asn.region, asn.province),
                elections,
                rules,
            ).flag
        ]
        # every post went through the rules (the untrained model's P(label) may still round to 0: no case then)
        assert len(partisan) == total
        assert sorted(in_cases) == sorted(flagged)


def test_worker_shares_the_cores_out_between_its_processes_torch_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    from monitor.cli import daemon
    from monitor.config import get_settings
    from monitor.work.celery_app import app as celery_app

    started: list[list[str]] = []
    monkeypatch.setattr(celery_app, "worker_main", started.append)
    monkeypatch.setattr(daemon, "ready_engine", lambda: None)
    monkeypatch.setattr("monitor.logging_setup.configure_logging", lambda *a, **k: None)
    monkeypatch.setattr(daemon.os, "cpu_count", lambda: 8)
    cfg = get_settings()
    monkeypatch.setattr(cfg.classifier, "threads", 0)
    daemon.worker(concurrency=4, loglevel="INFO")
    assert started and started[0][started[0].index("-c") + 1] == "4"
    assert cfg.classifier.threads == 2  # 8 cores / 4 processes, inherited by the forked pool
    monkeypatch.setattr(cfg.classifier, "threads", 3)  # an explicit setting is kept
    daemon.worker(concurrency=4, loglevel="INFO")
    assert cfg.classifier.threads == 3
