"""A conditional logit: one softmax over each post's ranked entities, fitted on which one is the gold target.

The target ranker picks the best entity of each post, so it is fitted on that decision: the weights that make
the gold entity's score highest among the post's own entities (a listwise loss), rather than a yes/no model
over all (post, entity) pairs, which must also place every post's scores against one common threshold.
Pure numpy and scipy; the result is a weight vector (plain numbers).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.optimize import minimize


def fit_conditional_logit(groups: Sequence[np.ndarray], gold: Sequence[int], l2: float = 0.1) -> np.ndarray:
    """Weights `w` maximising sum over groups of log softmax(x @ w)[gold], less `l2` * |w|^2.

    `groups[i]` holds one row of features per entity of post i, `gold[i]` the row of its target. A constant
    per post cancels in the softmax, so there is no bias."""
    if not groups or any(len(g) == 0 for g in groups):
        raise ValueError("every post needs at least one ranked entity")
    x = np.vstack(groups)
    bounds = np.cumsum([0, *(len(g) for g in groups)])
    sizes = np.diff(bounds)
    starts = bounds[:-1]
    chosen = starts + np.asarray(gold)

    def loss_and_gradient(w: np.ndarray) -> tuple[float, np.ndarray]:
        scores = x @ w
        peak = np.maximum.reduceat(scores, starts)  # each post's log-sum-exp, computed stably
        norm = peak + np.log(np.add.reduceat(np.exp(scores - np.repeat(peak, sizes)), starts))
        probs = np.exp(scores - np.repeat(norm, sizes))
        loss = float((norm - scores[chosen]).sum() + l2 * w @ w)
        return loss, x.T @ probs - x[chosen].sum(0) + 2 * l2 * w

    result = minimize(loss_and_gradient, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B")
    return np.asarray(result.x)
