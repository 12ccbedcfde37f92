"""The lexical model: TF-IDF (word 1-2-grams and character 2-5-grams) with logistic regression, on marked text.

It is two things. The baseline every evaluation reports beside the transformer (trained on the same rows in the
same run). And, in versions trained with a lexical recipe, the transformer's second opinion: on the
cross-author dev split the average of the two scored 5.7 macro-F1 points above either alone (docs/model.md),
because word and character counts catch spellings and regional words that the 6-layer encoder, fine-tuned
on 4,000 posts, reads less surely, while the encoder reads phrasing the counts cannot.

A version keeps its lexical model in `lexical.joblib` (a pickle: load only versions you trained yourself,
like the weights next to it).
"""

from __future__ import annotations

from pathlib import Path

import joblib
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline, make_pipeline

from classifiers.labels import LABELS

FILENAME = "lexical.joblib"
WEIGHT = 0.5  # the lexical model's share of the ensemble's probabilities


def fit_lexical(texts: list[str], labels: list[str], seed: int = 13) -> Pipeline:
    features = FeatureUnion([
        ("word", TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True)),
        ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)),
    ])  # fmt: skip
    model = make_pipeline(
        features, LogisticRegression(max_iter=2000, C=10.0, class_weight="balanced", random_state=seed)
    )
    model.fit(texts, labels)
    return model


def lexical_probabilities(model: Pipeline, texts: list[str]) -> np.ndarray:
    """P(label) in `LABELS` order."""
    out = np.zeros((len(texts), len(LABELS)))
    if not texts:
        return out
    raw = model.predict_proba(texts)
    for j, label in enumerate(model.classes_):
        out[:, LABELS.index(label)] = raw[:, j]
    return out


def mix(transformer: np.ndarray, lexical: np.ndarray, weight: float = WEIGHT) -> np.ndarray:
    return ((1 - weight) * transformer + weight * lexical).astype(transformer.dtype)


def save_lexical(model: Pipeline, directory: Path) -> None:
    joblib.dump(model, directory / FILENAME)


def load_lexical(directory: Path) -> Pipeline | None:
    path = directory / FILENAME
    return joblib.load(path) if path.is_file() else None
