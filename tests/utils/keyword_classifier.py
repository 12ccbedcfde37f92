"""A stand-in for the stance model in tests of what happens around scoring (edits, cases, faults).

The real model needs a trained version on disk (minutes of CPU); these tests are about the database
side, which must treat every score alike whatever model produced it. The stand-in calls a text
`dukungan` exactly when it contains "coblos", and is installed where `score_pending` looks the model up.
"""

from __future__ import annotations

import pytest

from classifiers.inference import PostInput, ScoreResult
from monitor.model import scoring

PARTISAN = {"netral": 0.02, "dukungan": 0.96, "serangan": 0.02}
NEUTRAL = {"netral": 0.95, "dukungan": 0.03, "serangan": 0.02}


class KeywordClassifier:
    """`Classifier.score`'s interface: one ScoreResult per item, in order."""

    def __init__(self, version: str = "kata-v1") -> None:
        self.version = version
        self.calls = 0

    def score(self, items: list[PostInput], registry: object) -> list[ScoreResult]:
        self.calls += 1
        return [self._one(item) for item in items]

    def _one(self, item: PostInput) -> ScoreResult:
        partisan = "coblos" in item.text.lower()
        start = item.text.lower().find("coblos")
        return ScoreResult(
            id=item.id,
            label="dukungan" if partisan else "netral",
            probabilities=dict(PARTISAN if partisan else NEUTRAL),
            target={"election": "pilwalkot-harapanjaya-2024", "candidate": 1} if partisan else None,
            spans=[{"start": start, "end": start + 6, "weight": 0.9}] if partisan else [],
            model=self.version,
        )


def install(monkeypatch: pytest.MonkeyPatch, classifier: KeywordClassifier | None = None) -> KeywordClassifier:
    """Make `score_pending` use `classifier` (a new KeywordClassifier by default) as the active model."""
    chosen = classifier or KeywordClassifier()
    monkeypatch.setattr(scoring, "get_classifier", lambda settings: chosen)
    return chosen
