"""`netra model evaluate`: the model against baselines trained on the same data, and on real datasets.

Baselines: TF-IDF (word + char n-grams) with logistic regression, trained on the same marked train
split; and a keyword rule. Real datasets (`id_stance_blog.csv`, `ibrohim2019_hs_political.csv`, CC BY-NC-SA
4.0) are used for evaluation only; their figures measure vocabulary more than stance (see their README).
"""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, make_pipeline

from classifiers.corpus.load import CorpusRow, load_corpus
from classifiers.inference import Classifier
from classifiers.matcher import mark
from classifiers.metrics import classification_report
from classifiers.model import LABELS
from classifiers.registry import RegistrySpec

REAL_FILES = {"id_stance_blog": "id_stance_blog.csv", "ibrohim2019_hs_political": "ibrohim2019_hs_political.csv"}
ATTACK = re.compile(
    r"(?i)\b(jangan (pilih|coblos|milih)|korup\w*|bohong|pencitraan|gagal|tolak|hoax|antek|pki|bodoh|goblo?k|muak|"
    r"omdo|curang|penipu|pembohong|tukang janji|ulah milih|ojo milih|malu\w*|lengser|bubarkan|kampret|cebong)\b"
)
SUPPORT = re.compile(
    r"(?i)(\b(coblos|nyoblos|pilih|dukung\w*|menangkan|lanjutkan|relawan|kampanye|salam \w+ jari|"
    r"pasti menang|for president)\b|#\w*0[1-9]\b|[☝✌🤟])"
)


def keyword_baseline(texts: list[str]) -> list[str]:
    return ["serangan" if ATTACK.search(t) else "dukungan" if SUPPORT.search(t) else "netral" for t in texts]


def tfidf_baseline(train_texts: list[str], train_labels: list[str], seed: int = 13):
    features = FeatureUnion([
        ("word", TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True)),
        ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)),
    ])  # fmt: skip
    model = make_pipeline(
        features, LogisticRegression(max_iter=2000, C=10.0, class_weight="balanced", random_state=seed)
    )
    model.fit(train_texts, train_labels)
    return model


def _probs_in_label_order(model, texts: list[str]) -> np.ndarray:
    raw = model.predict_proba(texts)
    out = np.zeros((len(texts), len(LABELS)))
    for j, label in enumerate(model.classes_):
        out[:, LABELS.index(label)] = raw[:, j]
    return out


def load_real(directory: Path, sample: int, seed: int = 13) -> dict[str, list[CorpusRow]]:
    """Rows with a mapped label (empty means unknown and is skipped), sampled per dataset."""
    out: dict[str, list[CorpusRow]] = {}
    for name, filename in REAL_FILES.items():
        path = directory / filename
        if not path.is_file():
            continue
        with path.open(encoding="utf-8", newline="") as fh:
            rows = [CorpusRow(id=r["id"], text=r["text"], label=r["mapped_label"], split="real")
                    for r in csv.DictReader(fh) if r.get("mapped_label") in LABELS]  # fmt: skip
        if sample and len(rows) > sample:
            rows = random.Random(seed).sample(rows, sample)
        out[name] = rows
    return out


def evaluate_all(classifier: Classifier, corpus: Path, registry: RegistrySpec, real_dir: Path | None,
                 real_registry: RegistrySpec | None, real_sample: int = 1000) -> dict[str, object]:  # fmt: skip
    rows = load_corpus(corpus)
    train = [r for r in rows if r.split == "train"]
    marked_train = [mark(r.text, registry).text for r in train]
    tfidf = tfidf_baseline(marked_train, [r.label for r in train])
    threshold = classifier.config.threshold
    report: dict[str, object] = {"model": classifier.version, "threshold": threshold, "splits": {}, "real": {}}
    sets: dict[str, tuple[list[CorpusRow], RegistrySpec]] = {
        name: ([r for r in rows if r.split == name], registry) for name in ("test", "heldout", "dev")
    }
    real = load_real(real_dir, real_sample) if real_dir and real_dir.is_dir() else {}
    report["real_status"] = (
        f"{len(real)} real dataset(s) from {real_dir}" if real else f"real datasets absent ({real_dir} not found)"
    )
    for name, data in real.items():
        sets[name] = (data, real_registry or registry)
    for name, (data, reg) in sets.items():
        if not data:
            continue
        gold = [r.label for r in data]
        marked = [mark(r.text, reg).text for r in data]
        probs = classifier.probabilities(marked)
        tf_probs = _probs_in_label_order(tfidf, marked)
        entry = {
            "model": classification_report(gold, classifier.decide(probs), probs, threshold),
            "tfidf_lr": classification_report(gold, [LABELS[i] for i in tf_probs.argmax(1)], tf_probs, threshold),
            "keyword": classification_report(gold, keyword_baseline([r.text for r in data])),
        }
        bucket = "real" if name in real else "splits"
        report[bucket][name] = entry  # type: ignore[index]
    return report
