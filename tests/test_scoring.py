"""`score_pending`: scores unscored posts with the active model, once per version, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from classifiers.corpus.load import DEFAULT_ELECTIONS, generated_data
from classifiers.elections import load_registry
from classifiers.training.fit import TrainOptions
from classifiers.training.run import run_training
from monitor.config import Settings
from monitor.db import session_scope
from monitor.model.scoring import NoModelError, reviewed_examples, score_pending
from monitor.models import Post, Score
from monitor.registry.elections import import_elections
from tests.test_classifier_pipeline import small_corpus
from tests.utils.concurrency import run_concurrently
from tests.utils.factories import make_case, make_post, make_score
from tests.utils.tiny_model import build_tiny_base


@pytest.fixture(scope="module")
def trained_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("data")
    models = data_dir / "models"
    base = build_tiny_base(models / "tiny-base")
    options = TrainOptions(epochs=1, batch_size=16, train_layers=1, max_length=48)
    run_training(models, base, generated_data(small_corpus(data_dir / "c.jsonl")), options=options)
    return data_dir


def test_score_pending_scores_each_post_once_per_version(engine: Engine, trained_data_dir: Path) -> None:
    settings = Settings(data_dir=trained_data_dir)
    with session_scope(engine) as session:
        import_elections(session, load_registry(DEFAULT_ELECTIONS))
        posts = [make_post(session, text=t) for t in ("Ayo coblos Andi Wijaya no 1 ☝️", "makan siang dulu", "x")]
        purged = make_post(session, text="dihapus oleh retensi")
        purged.text = None  # purged by retention: nothing left to score
        session.add(purged)
        old = make_post(session, text="Jangan pilih Teguh Santosa", scored_version="v-old")
        ids = [p.id for p in [*posts, old]]
    assert score_pending(engine, settings, batch_size=2) == 4
    assert score_pending(engine, settings) == 0  # idempotent
    with Session(engine) as session:
        scores = session.exec(select(Score)).all()
        assert sorted(s.post_id for s in scores) == sorted(ids)
        version = scores[0].model_version
        assert all(s.model_version == version and s.label in {"netral", "dukungan", "serangan"} for s in scores)
        assert session.get(Post, purged.id).scored_version is None
        first = next(s for s in scores if s.post_id == posts[0].id)
        assert {m["kind"] for m in first.mentions} >= {"name", "number"}
        assert abs(sum(first.probabilities.values()) - 1) < 1e-3


def test_score_pending_respects_limit_and_existing_rows(engine: Engine, trained_data_dir: Path) -> None:
    settings = Settings(data_dir=trained_data_dir)
    version = (trained_data_dir / "models" / "ACTIVE").read_text().strip()
    with session_scope(engine) as session:
        posts = [make_post(session, text=f"postingan {i}") for i in range(3)]
        make_score(session, posts[0], model_version=version)  # scored earlier, but the post was not marked
    assert score_pending(engine, settings, limit=2) == 2
    assert score_pending(engine, settings) == 1
    with Session(engine) as session:
        assert len(session.exec(select(Score).where(Score.post_id == posts[0].id)).all()) == 1


def test_no_active_model_is_a_clear_error(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(NoModelError, match="netra model train"):
        score_pending(engine, Settings(data_dir=tmp_path))


def test_reviewed_cases_become_training_examples(engine: Engine) -> None:
    with session_scope(engine) as session:
        confirmed = make_case(session, post=make_post(session, text="coblos 2"), status="confirmed")
        make_case(session, post=make_post(session, text="info TPS"), status="dismissed")
        make_case(session, post=make_post(session, text="masih dibuka"), status="open")
        label = confirmed.label
    examples = sorted((e.text, e.label) for e in reviewed_examples(engine))
    assert examples == [("coblos 2", label), ("info TPS", "netral")]
    assert json.dumps([e.text for e in reviewed_examples(engine)])


def test_ensure_default_model_trains_once_on_a_configured_base(tmp_path: Path) -> None:
    from monitor.config import ClassifierSettings
    from monitor.model.scoring import ensure_default_model

    base = build_tiny_base(tmp_path / "tiny-base")
    settings = Settings(data_dir=tmp_path / "data", classifier=ClassifierSettings(base=str(base), max_length=32))
    seen: list[tuple[str, int, int]] = []
    first = ensure_default_model(settings, lambda stage, done, total: seen.append((stage, done, total)))
    assert (first / "stance.json").is_file() and (first / "metrics.json").is_file()
    assert ("base", 1, 1) in seen and any(stage == "train" and done == total for stage, done, total in seen)
    seen.clear()
    assert ensure_default_model(settings, lambda *a: seen.append(a)) == first  # already there: nothing rebuilt
    assert seen == []


@pytest.mark.postgres
def test_concurrent_scorers_take_disjoint_batches(pg_schema_url: str, trained_data_dir: Path) -> None:
    """Two workers scoring at once on PostgreSQL: each claims its own batches, every post is scored once."""
    import threading

    from classifiers.inference import Classifier
    from monitor.db import make_engine, upgrade
    from monitor.model.scoring import get_classifier

    engine = make_engine(pg_schema_url)
    upgrade(engine)
    settings = Settings(data_dir=trained_data_dir)
    with session_scope(engine) as session:
        ids = [make_post(session, text=f"Ayo coblos nomor {i}").id for i in range(12)]
    classifier = get_classifier(settings)
    both_claimed = threading.Barrier(2, timeout=60)  # each scorer's first batch waits until both hold one
    waited: set[int] = set()

    def score(items: list, registry: object) -> list:
        if threading.get_ident() not in waited:
            waited.add(threading.get_ident())
            both_claimed.wait()
        return Classifier.score(classifier, items, registry)  # type: ignore[arg-type]

    classifier.score = score  # type: ignore[method-assign]
    try:
        counts, errors = run_concurrently(lambda: score_pending(engine, settings, batch_size=2), 2)
        assert errors == []
        assert sum(counts) == 12 and min(counts) > 0  # both did some of the work, none twice
        with Session(engine) as session:
            scored = session.exec(select(Score.post_id)).all()
            assert sorted(scored) == sorted(ids)
            assert all(p.scored_version == classifier.version for p in session.exec(select(Post)))
    finally:
        del classifier.score  # back to the class's method for the other tests
        engine.dispose()


def test_process_new_opens_cases_after_each_batch_of_a_backlog(
    engine: Engine, trained_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from monitor.work import tasks as pipeline

    settings = Settings(data_dir=trained_data_dir)
    with session_scope(engine) as session:
        import_elections(session, load_registry(DEFAULT_ELECTIONS))
        for n in range(5):
            make_post(session, text=f"Ayo coblos Andi Wijaya no 1 ☝️ ({n})")
    scored_at_each_check: list[int] = []
    real_open = pipeline.open_new_cases

    def recording_open(engine: Engine, settings: Settings) -> object:
        with Session(engine) as session:
            scored_at_each_check.append(len(session.exec(select(Score)).all()))
        return real_open(engine, settings)

    monkeypatch.setattr(pipeline, "open_new_cases", recording_open)
    summary = pipeline.process_new(engine, settings, batch=2)
    assert scored_at_each_check == [2, 4, 5]  # the rules see each batch's scores before the next batch is scored
    assert summary["scored"] == 5 and summary["checked"] == 5
