"""The one flag rule (classifiers/labels.py) that inference, training, metrics and monitor/ share."""

from __future__ import annotations

import numpy as np
import pytest

from classifiers.labels import decide, likelier_side, side_score, side_scores


def test_a_post_takes_a_side_when_its_side_score_reaches_the_threshold() -> None:
    probabilities = np.array(
        [
            [0.5, 0.25, 0.25],  # side score exactly at the threshold: flagged
            [0.6, 0.3, 0.1],  # under it: netral, whichever side leads
            [0.1, 0.45, 0.45],  # a tie between the sides: dukungan
            [0.3, 0.2, 0.5],
        ]
    )
    assert decide(probabilities, 0.5) == ["dukungan", "netral", "dukungan", "serangan"]
    assert side_scores(probabilities).tolist() == pytest.approx([0.5, 0.4, 0.9, 0.7])


def test_a_stored_score_reads_the_same_as_a_row_of_probabilities() -> None:
    stored = {"netral": 0.3, "dukungan": 0.2, "serangan": 0.5}
    assert side_score(stored) == pytest.approx(0.7)
    assert likelier_side(stored) == decide(np.array([[0.3, 0.2, 0.5]]), 0.0)[0] == "serangan"
    assert likelier_side({"dukungan": 0.4, "serangan": 0.4}) == "dukungan"
