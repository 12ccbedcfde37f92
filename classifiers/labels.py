"""The labels and the one flag rule, as pure functions (no torch): inference, training, metrics and
monitor/ all decide with these.

A post takes a side when its side score P(dukungan) + P(serangan) reaches the threshold; its label is
then the likelier side (dukungan on a tie), and netral otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

__all__ = ["LABELS", "NETRAL", "SIDES", "decide", "likelier_side", "side_score", "side_scores"]

LABELS = ("netral", "dukungan", "serangan")  # the order of the model's outputs
NETRAL = LABELS[0]
SIDES = LABELS[1:]  # the labels that take a side: a possible violation


def side_scores(probabilities: np.ndarray) -> np.ndarray:
    """Per row of (netral, dukungan, serangan) probabilities: P(takes a side) = P(dukungan) + P(serangan)."""
    scores: np.ndarray = probabilities[:, 1] + probabilities[:, 2]
    return scores


def decide(probabilities: np.ndarray, threshold: float) -> list[str]:
    """Each row's label: netral unless its side score reaches `threshold`; then the likelier side."""
    sides = np.where(probabilities[:, 1] >= probabilities[:, 2], 1, 2)
    flags = side_scores(probabilities) >= threshold
    return [LABELS[s] if f else NETRAL for s, f in zip(sides, flags, strict=True)]


def side_score(probabilities: Mapping[str, float]) -> float:
    """The side score of one stored score (label -> probability): how much the model leans to a side."""
    return float(probabilities.get("dukungan", 0.0)) + float(probabilities.get("serangan", 0.0))


def likelier_side(probabilities: Mapping[str, float]) -> str:
    """The likelier side of one stored score, as `decide` picks it (dukungan on a tie)."""
    return "serangan" if probabilities.get("serangan", 0.0) > probabilities.get("dukungan", 0.0) else "dukungan"
