"""Evaluation and calibration arithmetic: pure functions over label lists and probability arrays."""

from __future__ import annotations

import itertools

import numpy as np
from scipy.stats import rankdata

from classifiers.labels import LABELS, side_scores


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    z = logits / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    probabilities: np.ndarray = e / e.sum(axis=1, keepdims=True)
    return probabilities


def fit_temperature(logits: np.ndarray, labels: list[int], grid: np.ndarray | None = None) -> float:
    """The temperature minimising negative log-likelihood on held-out logits (grid search + refine)."""
    if len(labels) == 0:
        return 1.0
    y = np.asarray(labels)

    def nll(t: float) -> float:
        p = softmax(logits, t)[np.arange(len(y)), y]
        return float(-np.log(np.clip(p, 1e-12, 1.0)).mean())

    grid = grid if grid is not None else np.exp(np.linspace(np.log(0.05), np.log(20.0), 121))
    best = min(grid, key=nll)
    fine = best * np.exp(np.linspace(-0.06, 0.06, 25))
    return float(min(fine, key=nll))


def expected_calibration_error(probs: np.ndarray, labels: list[int], bins: int = 10) -> float:
    """Top-label ECE: |accuracy - confidence| averaged over equal-width confidence bins."""
    if len(labels) == 0:
        return 0.0
    conf = probs.max(axis=1)
    correct = (probs.argmax(axis=1) == np.asarray(labels)).astype(float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    ece = 0.0
    for lo, hi in itertools.pairwise(edges):
        in_bin = (conf > lo) & (conf <= hi)
        if in_bin.any():
            ece += in_bin.mean() * abs(correct[in_bin].mean() - conf[in_bin].mean())
    return float(ece)


def flag_auc(truth: np.ndarray, scores: np.ndarray) -> float | None:
    """Area under the ROC curve of P(side) for "takes a side": how well the score ranks posts for a reviewer."""
    n_pos, n_neg = int(truth.sum()), int((~truth).sum())
    if not n_pos or not n_neg:
        return None
    # the Mann-Whitney statistic from average ranks: the chance a partisan post outranks a neutral one
    ranks = rankdata(scores)
    return float((ranks[truth].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def classification_report(gold: list[str], pred: list[str], probs: np.ndarray | None = None,
                          threshold: float = 0.5, labels: tuple[str, ...] = LABELS) -> dict[str, object]:  # fmt: skip
    """Per-class precision/recall/F1, macro-F1, accuracy, confusion matrix, flag P/R, ECE."""
    per_class: dict[str, dict[str, float]] = {}
    for label in labels:
        tp = sum(g == label and p == label for g, p in zip(gold, pred, strict=True))
        fp = sum(g != label and p == label for g, p in zip(gold, pred, strict=True))
        fn = sum(g == label and p != label for g, p in zip(gold, pred, strict=True))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[label] = {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}
    present = [label for label in labels if per_class[label]["support"] > 0]
    report: dict[str, object] = {
        "n": len(gold),
        "accuracy": sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold) if gold else 0.0,
        "macro_f1": float(np.mean([per_class[label]["f1"] for label in present])) if present else 0.0,
        "per_class": per_class,
        "confusion": {
            g: {p: sum(a == g and b == p for a, b in zip(gold, pred, strict=True)) for p in labels} for g in labels
        },
    }
    gold_flag = np.array([g != "netral" for g in gold])
    pred_flag = side_scores(probs) >= threshold if probs is not None else np.array([p != "netral" for p in pred])
    tp = int((gold_flag & pred_flag).sum())
    report["flag_threshold"] = threshold
    report["flag_precision"] = tp / int(pred_flag.sum()) if pred_flag.sum() else 0.0
    report["flag_recall"] = tp / int(gold_flag.sum()) if gold_flag.sum() else 0.0
    if probs is not None:
        report["ece"] = expected_calibration_error(probs, [labels.index(g) for g in gold])
        report["flag_auc"] = flag_auc(gold_flag, side_scores(probs))
    return report
