"""One training run end to end: corpus -> marked texts -> fine-tune -> calibrate -> evaluate -> a version.

Reviewers' confirmed/dismissed cases come in as plain `Example`s (monitor supplies them); they are
added to the training split only, never to dev/test.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import cast

import numpy as np
from sklearn.pipeline import Pipeline

from classifiers.corpus.load import CorpusRow, TrainingData
from classifiers.elections import RegistrySpec
from classifiers.inference import Classifier
from classifiers.labels import LABELS, decide, side_scores
from classifiers.lexical import fit_lexical, load_lexical, save_lexical
from classifiers.matcher import mark, target_of
from classifiers.metrics import classification_report, fit_temperature
from classifiers.model import StanceConfig, StanceModel, load_base, load_version, save_version
from classifiers.smoothing import activation_ranges, save_ranges
from classifiers.targets import TargetRanker, fit_ranker, save_ranker
from classifiers.training.fit import Progress, TrainOptions, fit
from classifiers.versions import PROMOTION_METRIC, VersionInfo, new_version_dir, promote_if_not_worse
from classifiers.windows import cue_spans, text_windows, training_windows

DEFAULT_LAYERS = 6  # the first 6 of e5-small's 12 layers: half the cost, little loss on this task


@dataclass(frozen=True)
class Recipe:
    """How the default model is trained (chosen on the cross-author dev split: docs/model.md)."""

    num_layers: int = DEFAULT_LAYERS
    train_layers: int = 6
    epochs: int = 3
    with_generated: bool = False
    lexical: bool = False  # mix a TF-IDF + LR model trained on the same pieces into every probability


# Chosen on the cross-author dev split (benchmarks/recipes.py; docs/model.md, Figures).
# `netra model train`: every layer fine-tuned, with the lexical model mixed in
DEFAULT_RECIPE = Recipe(num_layers=6, train_layers=6, epochs=3, lexical=True)
# what a fresh machine builds first (scripts/demo): the top 2 layers, which the generated corpus helps
QUICK_RECIPE = Recipe(num_layers=6, train_layers=2, epochs=3, with_generated=True, lexical=True)


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    region: str | None = None


@dataclass
class RunResult:
    version: VersionInfo
    activated: bool
    reason: str


RECALL_TARGET = 0.90  # a missed violation is never seen by anyone; a false flag costs a reviewer one dismissal


def choose_threshold(probs: np.ndarray, gold: list[int], min_recall: float = RECALL_TARGET) -> float:
    """Recall first: the highest flag threshold whose dev flag recall still reaches `min_recall`."""
    truth = np.asarray(gold) != 0
    if not truth.any():
        return 0.5
    side = side_scores(probs)
    for t in np.round(np.arange(0.98, 0.019, -0.01), 2):
        if (side[truth] >= t).mean() >= min_recall:
            return float(t)
    return 0.02


def reader(model: StanceModel, tokenizer: object, config: StanceConfig, name: str = "",
           lexical: Pipeline | None = None) -> Classifier:  # fmt: skip
    """The fp32 model as the product reads posts (long posts in windows), without explanations."""
    return Classifier(model, tokenizer, config, name, explain=False, lexical=lexical)


def evaluate_rows(model: StanceModel, tokenizer: object, config: StanceConfig, rows: list[CorpusRow],
                  data: TrainingData, lexical: Pipeline | None = None,
                  targets: TargetRanker | None = None) -> dict[str, object]:  # fmt: skip
    if not rows:
        return {"n": 0}
    marked = [mark(r.text, data.registry, r.region) for r in rows]
    probs = reader(model, tokenizer, config, lexical=lexical).probabilities([m.text for m in marked])
    pred = decide(probs, config.threshold)
    report = classification_report([r.label for r in rows], pred, probs, config.threshold)
    report.update(target_report(rows, pred, targets, data.world_of))
    report["by_author"] = by_author(rows, pred)
    return report


def target_report(rows: list[CorpusRow], pred: list[str], ranker: TargetRanker | None,
                  world: Callable[[str], RegistrySpec]) -> dict[str, float | None]:  # fmt: skip
    """On correctly flagged posts with a gold target: the share whose named target is right, with the version's
    ranker and with the mention rule alone. `world(author)` is the registry the author's posts are read against."""
    hits = [r for r, p in zip(rows, pred, strict=True) if r.label != "netral" and p != "netral" and r.target]
    if not hits:
        return {"target_accuracy": None, "target_accuracy_mentions": None}
    marked = [mark(r.text, world(r.author), r.region) for r in hits]
    rule = sum(target_of(m.mentions) == r.target for r, m in zip(hits, marked, strict=True)) / len(hits)
    if ranker is None:
        return {"target_accuracy": rule, "target_accuracy_mentions": rule}
    ranked = sum(ranker.resolve(r.text, m, world(r.author), r.region) == r.target
                 for r, m in zip(hits, marked, strict=True))  # fmt: skip
    return {"target_accuracy": ranked / len(hits), "target_accuracy_mentions": rule}


def fit_targets(data: TrainingData) -> TargetRanker | None:
    """The target ranker, fitted on the training rows' gold targets (classifiers/targets.py; deterministic)."""
    examples = []
    for r in data.split("train"):
        if r.label != "netral" and r.target:
            world = data.world_of(r.author)
            examples.append((r.text, mark(r.text, world, r.region), world, r.region, r.target))
    return fit_ranker(examples) if examples else None


def by_author(rows: list[CorpusRow], pred: list[str]) -> dict[str, dict[str, float]]:
    """Macro-F1 and flag recall per author: the spread across writers the model never read."""
    out: dict[str, dict[str, float]] = {}
    for author in sorted({r.author for r in rows if r.author}):
        index = [i for i, r in enumerate(rows) if r.author == author]
        m = classification_report([rows[i].label for i in index], [pred[i] for i in index])
        scores = {key: cast(float, m[key]) for key in ("macro_f1", "flag_precision", "flag_recall")}
        out[author] = {"n": len(index), **scores}
    return out


def training_pieces(rows: list[CorpusRow], registry: RegistrySpec, tokenizer: object,
                    max_length: int) -> tuple[list[str], list[str]]:  # fmt: skip
    """Marked training texts and labels; a long post gives the windows that keep its label true."""
    marked = [mark(r.text, registry, r.region) for r in rows]
    spans = text_windows(tokenizer, [m.text for m in marked], max_length)  # type: ignore[arg-type]
    texts, labels = [], []
    for row, m, windows in zip(rows, marked, spans, strict=True):
        if len(windows) > 1:
            original = [m.original_span(s, e) for s, e in windows]
            keep = set(training_windows(original, row.label, cue_spans(row.text, row.cues)))
            windows = [w for w, o in zip(windows, original, strict=True) if o in keep]
        for s, e in windows:
            texts.append(m.text[s:e])
            labels.append(row.label)
    return texts, labels


def run_training(models_dir: Path, base: Path, data: TrainingData, *, seed: int = 13,
                 options: TrainOptions | None = None, num_layers: int = DEFAULT_LAYERS, threshold: float | None = None,
                 extra: list[Example] | None = None, progress: Progress | None = None,
                 lexical: bool = False) -> RunResult:  # fmt: skip
    """Train, calibrate and evaluate a version; with `lexical`, a TF-IDF + LR model trained on the same pieces
    is stored with it and mixed into every probability (classifiers/lexical.py)."""
    options = options or TrainOptions(seed=seed)
    options.seed = seed
    registry = data.registry
    model, tokenizer = load_base(base, num_layers)
    train_texts, train_labels = training_pieces(data.split("train"), registry, tokenizer, options.max_length)
    for example in extra or []:
        train_texts.append(mark(example.text, registry, example.region).text)
        train_labels.append(example.label)
    losses = fit(model, tokenizer, train_texts, train_labels, options, progress)
    second = fit_lexical(train_texts, train_labels, seed) if lexical else None
    targets = fit_targets(data)
    config = StanceConfig(base=str(base.resolve()), num_layers=model.encoder.config.num_hidden_layers,
                          max_length=options.max_length, threshold=0.5 if threshold is None else threshold,
                          extra={"train_layers": options.train_layers, "lexical": lexical})  # fmt: skip
    dev = data.split("dev")
    dev_marked = [mark(r.text, registry, r.region).text for r in dev]
    dev_probs = reader(model, tokenizer, config).probabilities(dev_marked)
    dev_gold = [LABELS.index(r.label) for r in dev]
    # the transformer's temperature; log-probabilities are logits up to a constant per row, which softmax ignores
    config.temperature = fit_temperature(np.log(np.clip(dev_probs, 1e-12, 1.0)), dev_gold)
    if threshold is None:  # on the probabilities the product gives: calibrated, mixed with the lexical model
        config.threshold = choose_threshold(reader(model, tokenizer, config, lexical=second).probabilities(dev_marked),
                                            dev_gold)  # fmt: skip
    metrics: dict[str, object] = {
        "seed": seed, "options": asdict(options), "num_layers": config.num_layers, "temperature": config.temperature,
        "train_size": len(train_texts), "reviewer_examples": len(extra or []), "epoch_losses": losses,
        "test_split": data.test_split, "with_generated": data.with_generated, "threshold": config.threshold,
    }  # fmt: skip
    for name in sorted({r.split for r in data.rows} - {"train"}):
        metrics[name] = evaluate_rows(model, tokenizer, config, data.split(name), data, second, targets)
    directory = new_version_dir(models_dir, seed)
    save_version(model, config, directory)
    if second is not None:
        save_lexical(second, directory)
    if targets is not None:
        save_ranker(targets, directory)
    save_ranges(activation_ranges(model, tokenizer, train_texts, options.max_length), directory)  # for int8
    (directory / "metrics.json").write_text(json.dumps(metrics, indent=2))
    (directory / "MODEL_CARD.md").write_text(model_card(directory.name, base, config, metrics))
    info = VersionInfo(directory.name, directory, metrics, active=False)
    activated, reason = promote_if_not_worse(models_dir, info, lambda v: test_score_of(v.path, data))
    return RunResult(info, activated, reason)


def test_score_of(version_dir: Path, data: TrainingData) -> float | None:
    """A stored version's macro-F1 on `data`'s test split (for the activation gate)."""
    model, tokenizer, config = load_version(version_dir)
    report = evaluate_rows(model, tokenizer, config, data.split("test"), data, load_lexical(version_dir))
    value = report.get(PROMOTION_METRIC)
    return float(value) if isinstance(value, int | float) else None


def model_card(name: str, base: Path, config: StanceConfig, metrics: dict[str, object]) -> str:
    def line(split: str) -> str:
        m = metrics.get(split, {})
        if not isinstance(m, dict) or not m.get("n"):
            return f"| {split} | 0 | - | - | - | - |"
        return (f"| {split} | {m['n']} | {m['macro_f1']:.3f} | {m['flag_precision']:.3f} | {m['flag_recall']:.3f} "
                f"| {m.get('ece', 0):.3f} |")  # fmt: skip

    splits = [k for k, v in metrics.items() if isinstance(v, dict) and "macro_f1" in v]
    rows = "\n".join(line(split) for split in splits)
    return f"""# Netra stance model {name}

- Task: `netral` / `dukungan` / `serangan` for public posts by civil servants, with the election registry
  as input (mentions are rewritten as name-free markers such as `[CALON-A]`, `[NOMOR-A]` before the model).
- Base: `{base}` (first {config.num_layers} layers, top {config.extra.get("train_layers")} fine-tuned), mean
  pooling, linear head; word embeddings frozen. Long posts are read in overlapping windows.
- Training data: the hand-written corpus (`classifiers/data/v4/`, train authors), plus the generated corpus
  where the recipe asks for it; {metrics.get("reviewer_examples", 0)} reviewer-labelled cases added.
  No CC BY-NC-SA data was trained on.
- Calibration: temperature {config.temperature:.3f} fitted on the dev authors. Operating threshold (recall
  first: dev flag recall >= 0.90): flag when P(dukungan)+P(serangan) >= {config.threshold}.
- Seed: {metrics.get("seed")}. Test split: `{metrics.get("test_split")}`.

| split | n | macro-F1 | flag precision | flag recall | ECE |
|---|---|---|---|---|---|
{rows}

`test` = authors and elections never seen in training or tuning (`v4-authors`); `template_*` = the
generated corpus's held-out templates and elections (an upper bound, not a result).
Use: a suggestion for a human reviewer, never a verdict.
"""
