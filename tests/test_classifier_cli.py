"""`netra classify` and `netra model list/activate` on a tiny trained model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from classifiers.corpus.load import DEFAULT_ELECTIONS, generated_data
from classifiers.training.fit import TrainOptions
from classifiers.training.run import run_training
from monitor.cli import app
from monitor.cli import model as model_cli
from monitor.config import Settings
from tests.test_classifier_pipeline import small_corpus
from tests.utils.tiny_model import build_tiny_base

runner = CliRunner()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("data")
    models = root / "models"
    options = TrainOptions(epochs=1, batch_size=16, train_layers=1, max_length=48)
    run_training(models, build_tiny_base(models / "tiny"), generated_data(small_corpus(root / "c.jsonl")),
                 options=options)  # fmt: skip
    return root


@pytest.fixture(autouse=True)
def use_data_dir(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model_cli, "settings", lambda: Settings(data_dir=data_dir))


def test_classify_writes_one_line_per_post(tmp_path: Path) -> None:
    posts = tmp_path / "posts.jsonl"
    posts.write_text(
        '{"id": 1, "text": "Ayo coblos Andi Wijaya nomor 1 ☝️"}\n\n'
        '{"id": "b", "text": "juara 2 lomba", "kind": "repost", "region": "Kota Bandar Seruni"}\n'
    )
    out = tmp_path / "preds.jsonl"
    result = runner.invoke(app, ["classify", "--elections", str(DEFAULT_ELECTIONS), "--input", str(posts),
                                 "--output", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line["id"] for line in lines] == ["1", "b"]
    for line in lines:
        assert set(line) == {"id", "label", "probabilities", "target", "spans", "model"}
        assert set(line["probabilities"]) == {"netral", "dukungan", "serangan"}
        assert line["target"] is None or {"election", "candidate"} <= set(line["target"]) or "party" in line["target"]


def test_bad_input_is_refused_and_nothing_written(tmp_path: Path) -> None:
    posts = tmp_path / "posts.jsonl"
    posts.write_text('{"id": 1, "text": "ok"}\n{"text": "no id"}\nnot json\n')
    out = tmp_path / "preds.jsonl"
    out.write_text("earlier results\n")
    result = runner.invoke(app, ["classify", "--elections", str(DEFAULT_ELECTIONS), "--input", str(posts),
                                 "--output", str(out)])  # fmt: skip
    assert result.exit_code == 2
    assert "posts.jsonl:2" in result.output and "posts.jsonl:3" in result.output
    assert out.read_text() == "earlier results\n"


def test_bad_registry_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "e.yaml"
    bad.write_text("elections: [{id: X}]\n")
    posts = tmp_path / "p.jsonl"
    posts.write_text('{"id": 1, "text": "ok"}\n')
    result = runner.invoke(app, ["classify", "--elections", str(bad), "--input", str(posts), "--output",
                                 str(tmp_path / "o.jsonl")])  # fmt: skip
    assert result.exit_code == 2 and "Bad input" in result.output


def test_list_and_activate(data_dir: Path) -> None:
    result = runner.invoke(app, ["model", "list"])
    assert result.exit_code == 0 and "*" in result.output
    name = (data_dir / "models" / "ACTIVE").read_text().strip()
    assert runner.invoke(app, ["model", "activate", name]).exit_code == 0
    refused = runner.invoke(app, ["model", "activate", "v-nope"])
    assert refused.exit_code == 2 and "no model version" in refused.output


def test_evaluate_on_a_labelled_file_reports_model_and_baselines(tmp_path: Path) -> None:
    posts = tmp_path / "agency.jsonl"
    posts.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in [
        {"id": 1, "text": "Ayo coblos Andi Wijaya nomor 1 ☝️", "label": "dukungan",
         "target": {"election": "pilwalkot-bandar-seruni-2029", "candidate": 1}, "cues": ["coblos"]},
        {"id": 2, "text": "jangan pilih Andi Wijaya, tukang janji", "label": "serangan", "cues": ["jangan pilih"]},
        {"id": 3, "text": "juara 2 lomba tujuhbelasan ✌️", "label": "netral"},
        {"id": 4, "text": "cek DPT kalian sebelum 27 November", "label": "netral"},
    ]) + "\n")  # fmt: skip
    report_file = tmp_path / "report.json"
    result = runner.invoke(app, ["model", "evaluate", "--input", str(posts), "--elections", str(DEFAULT_ELECTIONS),
                                 "--output", str(report_file)])  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads(report_file.read_text())
    entry = report["splits"]["agency"]
    assert set(entry) == {"model", "model_argmax", "tfidf_lr", "keyword"}
    assert entry["model"]["n"] == 4 and entry["tfidf_lr"]["n"] == 4
    assert set(entry["model"]["confusion"]) == {"netral", "dukungan", "serangan"}
    assert 0.0 <= entry["model"]["flag_auc"] <= 1.0 and "span_cue_overlap" in entry["model"]
    assert "agency: model confusion matrix" in result.output and "tfidf_lr" in result.output


def test_evaluate_refuses_a_bad_labelled_file(tmp_path: Path) -> None:
    posts = tmp_path / "bad.jsonl"
    posts.write_text('{"id": 1, "text": "ok", "label": "maybe"}\n{"id": 2}\n')
    result = runner.invoke(app, ["model", "evaluate", "--input", str(posts), "--elections", str(DEFAULT_ELECTIONS)])
    assert result.exit_code == 2
    said = " ".join(result.output.split())  # rich wraps long lines
    assert "bad.jsonl:1: label must be one of" in said and "bad.jsonl:2" in said
    alone = runner.invoke(app, ["model", "evaluate", "--input", str(posts)])
    assert alone.exit_code == 2 and "--input and --elections go together" in alone.output
