"""One training run end to end: corpus -> marked texts -> fine-tune -> calibrate -> evaluate -> a version.

Reviewers' confirmed/dismissed cases come in as plain `Example`s (monitor supplies them); they are
added to the training split only, never to dev/test.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from classifiers.corpus.load import CorpusRow, load_corpus
from classifiers.matcher import mark, target_of
from classifiers.metrics import classification_report, fit_temperature, softmax
from classifiers.model import LABELS, StanceConfig, StanceModel, load_base, save_version
from classifiers.registry import RegistrySpec
from classifiers.smoothing import activation_ranges, save_ranges
from classifiers.train import Progress, TrainOptions, fit, logits_for
from classifiers.versions import VersionInfo, new_version_dir, promote_if_not_worse

DEFAULT_LAYERS = 6  # the first 6 of e5-small's 12 layers: half the cost, little loss on this task


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


def decide(probs: np.ndarray, threshold: float) -> list[str]:
    sides = np.where(probs[:, 1] >= probs[:, 2], 1, 2)
    flags = probs[:, 1] + probs[:, 2] >= threshold
    return [LABELS[s] if f else "netral" for s, f in zip(sides, flags, strict=True)]


def choose_threshold(probs: np.ndarray, gold: list[int], min_precision: float = 0.95) -> float:
    """The flag threshold with the best recall whose dev precision reaches `min_precision` (else best F1)."""
    if not gold:
        return 0.5
    side = probs[:, 1] + probs[:, 2]
    truth = np.asarray(gold) != 0
    best: tuple[float, float] | None = None
    best_f1 = (0.0, 0.5)
    for t in np.round(np.arange(0.30, 0.991, 0.01), 2):
        flagged = side >= t
        tp = float((flagged & truth).sum())
        precision = tp / flagged.sum() if flagged.sum() else 1.0
        recall = tp / truth.sum() if truth.sum() else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        best_f1 = max(best_f1, (f1, float(t)))
        if precision >= min_precision and (best is None or recall > best[0]):
            best = (recall, float(t))
    return best[1] if best else best_f1[1]


def evaluate_rows(model: StanceModel, tokenizer: object, config: StanceConfig, rows: list[CorpusRow],
                  registry: RegistrySpec) -> dict[str, object]:  # fmt: skip
    if not rows:
        return {"n": 0}
    marked = [mark(r.text, registry) for r in rows]
    probs = softmax(logits_for(model, tokenizer, [m.text for m in marked], config.max_length), config.temperature)  # type: ignore[arg-type]
    pred = decide(probs, config.threshold)
    report = classification_report([r.label for r in rows], pred, probs, config.threshold)
    hits = [(r, m) for r, m, p in zip(rows, marked, pred, strict=True) if r.label != "netral" and p == r.label]
    with_target = [(r, m) for r, m in hits if r.target]
    report["target_accuracy"] = (
        sum(target_of(m.mentions) == r.target for r, m in with_target) / len(with_target) if with_target else None
    )
    return report


def run_training(models_dir: Path, base: Path, corpus: Path, registry: RegistrySpec, *, seed: int = 13,
                 options: TrainOptions | None = None, num_layers: int = DEFAULT_LAYERS, threshold: float | None = None,
                 extra: list[Example] | None = None, progress: Progress | None = None) -> RunResult:  # fmt: skip
    options = options or TrainOptions(seed=seed)
    options.seed = seed
    rows = load_corpus(corpus)
    split = {name: [r for r in rows if r.split == name] for name in ("train", "dev", "test", "heldout")}
    train_texts = [mark(r.text, registry).text for r in split["train"]]
    train_labels = [r.label for r in split["train"]]
    for example in extra or []:
        train_texts.append(mark(example.text, registry, example.region).text)
        train_labels.append(example.label)
    model, tokenizer = load_base(base, num_layers)
    losses = fit(model, tokenizer, train_texts, train_labels, options, progress)
    config = StanceConfig(base=str(base.resolve()), num_layers=model.encoder.config.num_hidden_layers,
                          max_length=options.max_length, threshold=0.5 if threshold is None else threshold,
                          extra={"train_layers": options.train_layers})  # fmt: skip
    dev_marked = [mark(r.text, registry).text for r in split["dev"]]
    dev_logits = logits_for(model, tokenizer, dev_marked, options.max_length)
    dev_gold = [LABELS.index(r.label) for r in split["dev"]]
    config.temperature = fit_temperature(dev_logits, dev_gold)
    if threshold is None:
        config.threshold = choose_threshold(softmax(dev_logits, config.temperature), dev_gold)
    metrics: dict[str, object] = {
        "seed": seed, "options": asdict(options), "num_layers": config.num_layers, "temperature": config.temperature,
        "train_size": len(train_texts), "reviewer_examples": len(extra or []), "epoch_losses": losses,
    }  # fmt: skip
    for name in ("dev", "test", "heldout"):
        metrics[name] = evaluate_rows(model, tokenizer, config, split[name], registry)
    directory = new_version_dir(models_dir, seed)
    save_version(model, config, directory)
    save_ranges(activation_ranges(model, tokenizer, train_texts, options.max_length), directory)  # for int8
    (directory / "metrics.json").write_text(json.dumps(metrics, indent=2))
    (directory / "MODEL_CARD.md").write_text(model_card(directory.name, base, config, metrics))
    info = VersionInfo(directory.name, directory, metrics, active=False)
    activated, reason = promote_if_not_worse(models_dir, info)
    return RunResult(info, activated, reason)


def model_card(name: str, base: Path, config: StanceConfig, metrics: dict[str, object]) -> str:
    def line(split: str) -> str:
        m = metrics.get(split, {})
        if not isinstance(m, dict) or not m.get("n"):
            return f"| {split} | 0 | - | - | - | - |"
        return (f"| {split} | {m['n']} | {m['macro_f1']:.3f} | {m['flag_precision']:.3f} | {m['flag_recall']:.3f} "
                f"| {m.get('ece', 0):.3f} |")  # fmt: skip

    return f"""# Netra stance model {name}

- Task: `netral` / `dukungan` / `serangan` for public posts by civil servants, with the election registry
  as input (mentions are rewritten as name-free markers such as `[CALON-A]`, `[NOMOR-A]` before the model).
- Base: `{base}` (first {config.num_layers} layers), mean pooling, linear head; word embeddings frozen.
- Training data: Netra's generated corpus (`classifiers/data/corpus.jsonl`, train split;
  {metrics.get("reviewer_examples", 0)} reviewer-labelled cases added). No CC BY-NC-SA data was trained on.
- Calibration: temperature {config.temperature:.3f} fitted on the dev split. Operating threshold: flag when
  P(dukungan)+P(serangan) >= {config.threshold}.
- Seed: {metrics.get("seed")}.

| split | n | macro-F1 | flag precision | flag recall | ECE |
|---|---|---|---|---|---|
{line("dev")}
{line("test")}
{line("heldout")}

`test` = templates never seen in training; `heldout` = two elections never seen in training.
Limits: the corpus is generated from templates; real posts are messier (see docs/model.md).
Use: a suggestion for a human reviewer, never a verdict.
"""
