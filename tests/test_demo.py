"""`netra demo` end to end on the bundled demo data: registry, elections, the loopback demo source through
the real scrapers, scoring with an active model (a tiny one, so the test trains in seconds), cases, users."""

from __future__ import annotations

import socket
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, select

from classifiers.corpus.load import generated_data
from classifiers.training.fit import TrainOptions
from classifiers.training.run import run_training
from monitor.db import make_engine
from monitor.models import Account, Case, Post, Score, User
from monitor.work.demo import DEMO_DIR
from tests.test_classifier_pipeline import small_corpus
from tests.utils.cli import netra
from tests.utils.tiny_model import build_tiny_base


def seed_tiny_model(data_dir: Path) -> None:
    models = data_dir / "models"
    base = build_tiny_base(models / "tiny-base")
    options = TrainOptions(epochs=1, batch_size=16, train_layers=1, max_length=48)
    # Threshold 0: the tiny random model labels every post by its likelier side, so cases open.
    corpus = small_corpus(data_dir / "c.jsonl")
    run_training(models, base, generated_data(corpus), options=options, threshold=0.0)


def test_demo_collects_scores_and_opens_cases_then_reuses_everything(tmp_path: Path) -> None:
    seed_tiny_model(tmp_path)
    port = free_port()
    first = netra("demo", "--no-serve", "--source-port", str(port), data_dir=tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "admin@netra.demo" in first.stdout and "pengawas.disdik-hj@netra.demo" in first.stdout

    engine = make_engine(f"sqlite:///{tmp_path / 'netra.db'}")
    with Session(engine) as s:
        posts = s.exec(select(Post)).all()
        accounts = s.exec(select(Account)).all()
        cases = s.exec(select(func.count()).select_from(Case)).one()
        scores = s.exec(select(func.count()).select_from(Score)).one()
        users = s.exec(select(func.count()).select_from(User)).one()
    served = sum(len(v) for k, v in _demo_posts().items() if k != "deden_k")  # deden_k: an inactive ASN
    assert len(posts) == served
    assert {p.platform for p in posts} == {"bluesky", "mastodon", "telegram", "rss", "x"}
    assert all(p.payload_sha256 and p.raw_payload and p.request_url for p in posts)
    assert [a.last_status for a in accounts if a.handle != "deden_k"] == ["ok"] * (len(accounts) - 1)
    assert scores == len(posts)
    assert cases > 0
    assert users == 5  # admin, auditor, one supervisor per demo agency

    again = netra("demo", "--no-serve", "--source-port", str(port), data_dir=tmp_path)
    assert again.returncode == 0, again.stderr
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(Post)).one() == served
        assert s.exec(select(func.count()).select_from(Case)).one() == cases
        assert s.exec(select(func.count()).select_from(User)).one() == 5
    engine.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _demo_posts() -> dict[str, list[object]]:
    import yaml

    return yaml.safe_load((DEMO_DIR / "posts.yaml").read_text(encoding="utf-8"))
