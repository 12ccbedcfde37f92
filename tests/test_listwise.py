"""The conditional logit the target ranker is fitted with (classifiers/listwise.py)."""

from __future__ import annotations

import numpy as np
import pytest

from classifiers.listwise import fit_conditional_logit


def test_the_weights_rank_each_groups_gold_row_first() -> None:
    rng = np.random.default_rng(0)
    groups, gold = [], []
    for _ in range(60):
        x = rng.normal(size=(int(rng.integers(2, 6)), 3))
        groups.append(x)
        gold.append(int(np.argmax(x[:, 0] - x[:, 1])))  # feature 0 helps, feature 1 hurts, feature 2 is noise
    w = fit_conditional_logit(groups, gold, l2=0.01)
    assert w[0] > 0 > w[1]
    assert abs(w[2]) < min(w[0], -w[1])
    right = sum(int(np.argmax(x @ w)) == g for x, g in zip(groups, gold, strict=True))
    assert right >= 57  # 95 %: the penalty leaves near-ties to chance


def test_a_feature_constant_within_every_group_gets_no_weight() -> None:
    # what the softmax cannot tell apart inside a post it cannot learn: the penalty keeps it at zero
    groups = [np.array([[1.0, 5.0], [0.0, 5.0]]), np.array([[0.0, 2.0], [1.0, 2.0]])]
    w = fit_conditional_logit(groups, [0, 1], l2=0.1)
    assert w[0] > 0
    assert w[1] == pytest.approx(0.0, abs=1e-4)


def test_a_post_without_entities_is_refused() -> None:
    with pytest.raises(ValueError):
        fit_conditional_logit([np.zeros((0, 2))], [0])
    with pytest.raises(ValueError):
        fit_conditional_logit([], [])
