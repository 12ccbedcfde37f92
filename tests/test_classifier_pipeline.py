"""The whole classifier pipeline on a tiny randomly initialised model: train, version, load, score, explain."""

from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import save_file
from torch.ao.nn.quantized.dynamic import Linear as DynamicLinear
from transformers import AutoTokenizer

from classifiers.corpus.load import DEFAULT_CORPUS, DEFAULT_ELECTIONS, generated_data, load_corpus
from classifiers.elections import load_registry
from classifiers.inference import PostInput, load_classifier
from classifiers.labels import LABELS
from classifiers.model import ModelError
from classifiers.smoothing import (
    RANGES_FILE,
    VOCABULARY_SEQUENCES,
    ScaledInput,
    encoder_linears,
    load_ranges,
    smoothed,
    vocabulary_sequences,
)
from classifiers.training.fit import TrainOptions
from classifiers.training.run import Example, run_training, training_pieces
from classifiers.versions import activate, active_name, list_versions
from tests.utils.tiny_model import build_tiny_base

REGISTRY = load_registry(DEFAULT_ELECTIONS)


def small_corpus(path: Path) -> Path:
    rows = load_corpus(DEFAULT_CORPUS)
    keep = {"train": 48, "dev": 24, "test": 24, "heldout": 12}
    with path.open("w", encoding="utf-8") as fh:
        for split, n in keep.items():
            for row in [r for r in rows if r.split == split][:n]:
                fh.write(json.dumps({"id": row.id, "text": row.text, "label": row.label, "split": split}) + "\n")
    return path


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("models")
    base = build_tiny_base(root / "base")
    corpus = small_corpus(root / "corpus.jsonl")
    options = TrainOptions(epochs=1, batch_size=16, train_layers=1, max_length=48)
    result = run_training(
        root, base, generated_data(corpus), seed=3, options=options, extra=[Example("coblos 2 ✌️", "dukungan")]
    )
    assert result.activated
    return root, result.version.path


def test_training_writes_an_active_version_with_metrics_and_card(trained: tuple[Path, Path]) -> None:
    root, version = trained
    assert active_name(root) == version.name
    metrics = json.loads((version / "metrics.json").read_text())
    for split in ("dev", "test", "heldout"):
        assert 0.0 <= metrics[split]["macro_f1"] <= 1.0
        assert set(metrics[split]["confusion"]) == set(LABELS)
    # the tiny tokenizer reads characters, so long netral posts give several windows each (classifiers/windows.py)
    base = root / "base"
    rows = [r for r in load_corpus(root / "corpus.jsonl") if r.split == "train"]
    pieces, _ = training_pieces(rows, REGISTRY, AutoTokenizer.from_pretrained(base), 48)
    assert len(pieces) > len(rows)
    assert metrics["reviewer_examples"] == 1 and metrics["train_size"] == len(pieces) + 1
    assert "temperature" in (version / "MODEL_CARD.md").read_text()
    # only the trained part is stored: no word-embedding table in the version
    assert (version / "weights.safetensors").stat().st_size < (root / "base" / "model.safetensors").stat().st_size


def test_score_returns_the_documented_fields(trained: tuple[Path, Path]) -> None:
    _, version = trained
    classifier = load_classifier(version, optimised=False)
    items = [
        PostInput("a", "Ayo coblos Andi Wijaya nomor 1 ☝️ #AnSa01", kind="repost"),
        PostInput("b", "Hujan deres dari subuh, jemuran ga kering2"),
        PostInput("c", ""),
    ]
    results = classifier.score(items, REGISTRY)
    assert [r.id for r in results] == ["a", "b", "c"]
    for r in results:
        assert r.label in LABELS and r.model == version.name
        assert abs(sum(r.probabilities.values()) - 1.0) < 1e-3
        assert r.target is None or r.label != "netral"
        out = r.as_output()
        assert set(out) == {"id", "label", "probabilities", "target", "spans", "model"}
    kinds = {m["kind"] for m in results[0].mentions}
    assert {"name", "number", "finger", "hashtag"} <= kinds
    assert results[1].mentions == []


def test_spans_map_to_original_text(trained: tuple[Path, Path]) -> None:
    _, version = trained
    classifier = load_classifier(version, optimised=False)
    from classifiers.matcher import mark

    text = "Jangan pilih Andi Wijaya, korup!"
    marked = mark(text, REGISTRY)
    spans = classifier.spans(marked, 2, 1.0)  # base prob 1.0: every word's removal "hurts"
    assert spans, "occlusion found no span"
    for span in spans:
        assert text[span["start"] : span["end"]] == span["text"]


def test_int8_path_agrees_with_fp32_on_most_labels(trained: tuple[Path, Path]) -> None:
    _, version = trained
    texts = [r.text for r in load_corpus(DEFAULT_CORPUS)[:64]]
    fp32 = load_classifier(version, optimised=False).probabilities(texts)
    int8 = load_classifier(version, optimised=True).probabilities(texts)
    assert np.abs(fp32 - int8).max() < 0.2
    assert (fp32.argmax(1) == int8.argmax(1)).mean() >= 0.9


def test_optimised_path_rescores_the_posts_int8_is_unsure_of_in_fp32(
    trained: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, version = trained
    texts = [r.text for r in load_corpus(DEFAULT_CORPUS)[:64]]
    reference = load_classifier(version, optimised=False)
    fp32 = reference._probabilities(reference.model, texts)
    optimised = load_classifier(version, optimised=True)
    int8 = optimised._probabilities(optimised.model, texts)
    # the untrained model's scores sit close together: a threshold in their middle and a margin to match,
    # so that some posts are near the threshold and some are not
    flag = int8[:, 1] + int8[:, 2]
    optimised.config.threshold = float(np.median(flag))
    monkeypatch.setattr("classifiers.inference.UNSURE_MARGIN", float(flag.max() - flag.min()) / 8)
    unsure = optimised.unsure(int8)
    assert 0 < unsure.sum() < len(texts)
    cascaded = optimised._cascaded(texts)  # one window per text: the cascade alone
    np.testing.assert_allclose(cascaded[unsure], fp32[unsure], atol=1e-5)
    np.testing.assert_array_equal(cascaded[~unsure], int8[~unsure])
    assert optimised.model.encoder.embeddings is optimised.reference.encoder.embeddings  # one table in memory


def test_optimised_path_runs_every_encoder_linear_smoothed_in_int8_on_parallel_batches(
    trained: tuple[Path, Path],
) -> None:
    _, version = trained
    classifier = load_classifier(version, optimised=True, threads=2)
    assert classifier.workers == 2 and torch.get_num_threads() == 1  # one core per batch, two batches at once
    assert linears(classifier.model, torch.nn.Linear) == []
    assert len(linears(classifier.model, DynamicLinear)) == 12
    # per layer one scaled input for query/key/value and one for each feed-forward Linear; the attention
    # output projection's scale is folded into the value projection
    assert len(linears(classifier.model, ScaledInput)) == 3 * 2
    assert len(linears(classifier.reference, torch.nn.Linear)) == 12  # the fp32 model the unsure posts go back to


def test_smoothing_computes_the_same_function_in_fp32(trained: tuple[Path, Path]) -> None:
    _, version = trained
    classifier = load_classifier(version, optimised=False)
    ranges = load_ranges(version)
    assert ranges is not None and set(ranges) == set(encoder_linears(classifier.model))  # written by training
    texts = ["Ayo coblos [CALON-A] nomor [NOMOR-A]!", "Rapat koordinasi di kantor hari ini.", "Jangan pilih [CALON-B]."]
    same = smoothed(classifier.model, ranges)
    assert same.encoder.embeddings is classifier.model.encoder.embeddings  # shared, not copied
    assert isinstance(same.encoder.encoder.layer[0].output.dense, ScaledInput)
    np.testing.assert_allclose(
        classifier._probabilities(same, texts), classifier._probabilities(classifier.model, texts), atol=1e-5
    )


def test_a_version_without_activation_ranges_is_calibrated_when_loaded(
    trained: tuple[Path, Path], tmp_path: Path
) -> None:
    _, version = trained
    older = shutil.copytree(version, tmp_path / version.name)
    (older / RANGES_FILE).unlink()  # as trained before training stored them
    classifier = load_classifier(older, optimised=True)
    assert (older / RANGES_FILE).is_file()
    assert set(load_ranges(older) or {}) == set(encoder_linears(classifier.reference))
    assert len(linears(classifier.model, DynamicLinear)) == 12


def test_ranges_measured_the_older_way_are_measured_again(trained: tuple[Path, Path], tmp_path: Path) -> None:
    _, version = trained
    older = shutil.copytree(version, tmp_path / version.name)
    measured = load_ranges(older)
    assert measured is not None
    halved = {name: r / 2 for name, r in measured.items()}
    save_file(halved, str(older / RANGES_FILE))  # as written before the file said how it was measured
    assert load_ranges(older) is None
    load_classifier(older, optimised=True)  # measures them again on the bundled corpus, and stores them
    again = load_ranges(older)
    assert again is not None and set(again) == set(measured)
    assert not any(torch.equal(again[n], halved[n]) for n in measured)


def test_calibration_covers_the_vocabulary_the_same_way_each_time(trained: tuple[Path, Path]) -> None:
    _, version = trained
    tokenizer = load_classifier(version, optimised=False).tokenizer
    sequences = vocabulary_sequences(tokenizer)
    assert sequences == vocabulary_sequences(tokenizer) and len(sequences) == VOCABULARY_SEQUENCES
    lengths = [len(tokenizer(s, add_special_tokens=False)["input_ids"]) for s in sequences]
    assert min(lengths) >= 4 and max(lengths) <= 80
    assert not any(token in s for s in sequences for token in tokenizer.all_special_tokens)


def linears(model: torch.nn.Module, kind: type) -> list[str]:
    """The encoder's modules of exactly this type, by name."""
    return [n for n, m in model.encoder.encoder.named_modules() if type(m) is kind]


def test_promotion_keeps_the_better_version(trained: tuple[Path, Path], tmp_path: Path) -> None:
    root, version = trained
    worse = root / "versions" / "v0-worse"
    worse.mkdir(parents=True, exist_ok=True)
    (worse / "stance.json").write_text((version / "stance.json").read_text())
    metrics = json.loads((version / "metrics.json").read_text())
    metrics["test"]["macro_f1"] -= 0.1
    (worse / "metrics.json").write_text(json.dumps(metrics))
    from classifiers.versions import promote_if_not_worse

    info = next(v for v in list_versions(root) if v.name == "v0-worse")
    activated, reason = promote_if_not_worse(root, info)
    assert not activated and "below" in reason
    assert active_name(root) == version.name
    with pytest.raises(ValueError, match="no model version"):
        activate(root, "nope")


def test_missing_or_mismatched_base_is_a_clear_error(trained: tuple[Path, Path], tmp_path: Path) -> None:
    _, version = trained
    with pytest.raises(ModelError, match="not a Netra model"):
        load_classifier(tmp_path)
    broken = tmp_path / "v"
    broken.mkdir()
    stance = json.loads((version / "stance.json").read_text())
    stance["base"] = str(tmp_path / "gone")
    (broken / "stance.json").write_text(json.dumps(stance))
    with pytest.raises(ModelError, match="missing"):
        load_classifier(broken)
    stance["base"] = str(build_tiny_base(tmp_path / "other-base"))
    (broken / "stance.json").write_text(json.dumps(stance))
    with pytest.raises(ModelError, match="not the one"):
        load_classifier(broken)


def test_gate_measures_an_active_version_again_when_it_was_measured_on_another_test_split(tmp_path: Path) -> None:
    from classifiers.versions import VersionInfo, promote_if_not_worse

    def version(name: str, split: str | None, f1: float) -> VersionInfo:
        path = tmp_path / "versions" / name
        path.mkdir(parents=True)
        metrics: dict[str, object] = {"test": {"macro_f1": f1}} | ({"test_split": split} if split else {})
        (path / "stance.json").write_text("{}")
        (path / "metrics.json").write_text(json.dumps(metrics))
        return VersionInfo(name, path, metrics, active=False)

    old = version("v1-templates", None, 0.95)  # measured on template-held-out posts, before v4
    activate(tmp_path, old.name)
    candidate = version("v2-authors", "v4-authors", 0.80)
    measured: list[str] = []

    def rescore(v: VersionInfo) -> float:
        measured.append(v.name)
        return 0.66  # the old version on the cross-author test split

    activated, reason = promote_if_not_worse(tmp_path, candidate, rescore)
    assert activated and measured == ["v1-templates"] and "measured now on v4-authors" in reason
    # a later candidate on the same split is compared with the stored figure, without measuring again
    worse = version("v3-authors", "v4-authors", 0.79)
    activated, reason = promote_if_not_worse(tmp_path, worse, rescore)
    assert not activated and measured == ["v1-templates"] and active_name(tmp_path) == "v2-authors"


def test_a_lexical_version_mixes_the_tfidf_model_into_every_probability(tmp_path: Path) -> None:
    from classifiers.lexical import lexical_probabilities, mix

    base = build_tiny_base(tmp_path / "base")
    rows = load_corpus(DEFAULT_CORPUS)
    corpus = tmp_path / "c.jsonl"
    with corpus.open("w", encoding="utf-8") as fh:  # every label in train, so the lexical model has three classes
        for split, label in itertools.product(("train", "dev", "test"), LABELS):
            for row in [r for r in rows if r.split == split and r.label == label][:12]:
                fh.write(json.dumps({"id": row.id, "text": row.text, "label": row.label, "split": split}) + "\n")
    options = TrainOptions(epochs=1, batch_size=16, train_layers=1, max_length=48)
    result = run_training(tmp_path, base, generated_data(corpus), options=options, lexical=True)
    version = result.version.path
    assert (version / "lexical.joblib").is_file()
    classifier = load_classifier(version, optimised=False)
    assert classifier.lexical is not None
    texts = ["ayo coblos nomor 2", "juara 2 lomba"]
    transformer_only = load_classifier(version, optimised=False)
    transformer_only.lexical = None
    expected = mix(transformer_only.probabilities(texts), lexical_probabilities(classifier.lexical, texts))
    np.testing.assert_allclose(classifier.probabilities(texts), expected, atol=1e-6)
