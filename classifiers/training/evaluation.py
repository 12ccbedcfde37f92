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

from classifiers.corpus.load import CorpusRow, TrainingData
from classifiers.elections import RegistrySpec
from classifiers.inference import Classifier, PostInput
from classifiers.jsonl import read_jsonl
from classifiers.labels import LABELS
from classifiers.lexical import fit_lexical, lexical_probabilities
from classifiers.matcher import mark
from classifiers.metrics import classification_report
from classifiers.training.run import by_author, target_report
from classifiers.windows import cue_spans, overlaps

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


EvalSet = tuple[list[CorpusRow], RegistrySpec]


def read_labelled(path: Path) -> list[CorpusRow]:
    """A labelled JSONL file (`{"id", "text", "label", "target"?, "cues"?, "author"?}` per line); every bad line
    is named."""

    def parse(data: dict[str, object]) -> CorpusRow:
        if not isinstance(data.get("text"), str) or "id" not in data:
            raise ValueError('needs "id" and a string "text"')
        if data.get("label") not in LABELS:
            raise ValueError(f"label must be one of {', '.join(LABELS)}, got {data.get('label')!r}")
        return CorpusRow(id=str(data["id"]), text=str(data["text"]), label=str(data["label"]), split=path.stem,
                         target=data.get("target"), author=str(data.get("author") or ""),  # type: ignore[arg-type]
                         cues=tuple(data.get("cues") or ()))  # type: ignore[arg-type]  # fmt: skip

    rows = read_jsonl(path, parse)
    if not rows:
        raise ValueError(f"{path}: no labelled lines")
    return rows


def evaluate_all(classifier: Classifier, data: TrainingData, real_dir: Path | None,
                 real_registry: RegistrySpec | None, real_sample: int = 1000,
                 only: dict[str, EvalSet] | None = None) -> dict[str, object]:  # fmt: skip
    """The model, TF-IDF + LR and the keyword rule on each evaluation set; the baselines are trained here, on the
    same training split as the model. `only`: evaluate these sets instead of the bundled splits and real data."""
    train = data.split("train")
    tfidf = fit_lexical([mark(r.text, data.registry).text for r in train], [r.label for r in train])
    threshold = classifier.config.threshold
    report: dict[str, object] = {"model": classifier.version, "threshold": threshold, "splits": {}, "real": {},
                                 "test_split": data.test_split}  # fmt: skip
    real: dict[str, list[CorpusRow]] = {}
    if only is not None:
        sets = dict(only)
        bundled = set()
        report["real_status"] = "real datasets not evaluated (--input given)"
    else:
        names = sorted({r.split for r in data.rows} - {"train"}, key=lambda n: (n != "test", n))
        sets = {name: (data.split(name), data.registry) for name in names}
        bundled = set(names)
        real = load_real(real_dir, real_sample) if real_dir and real_dir.is_dir() else {}
        report["real_status"] = (
            f"{len(real)} real dataset(s) from {real_dir}" if real else f"real datasets absent ({real_dir} not found)"
        )
        for name, rows in real.items():
            sets[name] = (rows, real_registry or data.registry)
    for name, (rows, registry) in sets.items():
        if not rows:
            continue
        gold = [r.label for r in rows]
        marked = [mark(r.text, registry, r.region) for r in rows]
        probs = classifier.probabilities([m.text for m in marked])
        pred = classifier.decide(probs)
        tf_probs = lexical_probabilities(tfidf, [m.text for m in marked])
        model_report = classification_report(gold, pred, probs, threshold)
        world = data.world_of if name in bundled else (lambda _author, registry=registry: registry)
        model_report.update(target_report(rows, pred, classifier.targets, world))
        model_report["by_author"] = by_author(rows, pred)
        entry = {
            "model": model_report,
            "model_argmax": classification_report(gold, [LABELS[i] for i in probs.argmax(1)], probs, threshold),
            "tfidf_lr": classification_report(gold, [LABELS[i] for i in tf_probs.argmax(1)], tf_probs, 0.5),
            "keyword": classification_report(gold, keyword_baseline([r.text for r in rows])),
        }
        if any(r.cues for r in rows):
            entry["model"]["span_cue_overlap"] = span_cue_overlap(classifier, rows, registry)
        bucket = "real" if name in real else "splits"
        report[bucket][name] = entry  # type: ignore[index]
    return report


def span_cue_overlap(classifier: Classifier, rows: list[CorpusRow], registry: RegistrySpec) -> dict[str, float]:
    """Among correctly flagged posts with gold cues: the share where a returned span overlaps a cue (all spans,
    and the model's own phrases alone)."""
    partisan = [r for r in rows if r.label != "netral" and r.cues]
    explaining, classifier.explain = classifier.explain, True
    try:
        results = classifier.score([PostInput(id=r.id, text=r.text) for r in partisan], registry)
    finally:
        classifier.explain = explaining
    hits_any = hits_model = flagged = 0
    for row, result in zip(partisan, results, strict=True):
        if result.label == "netral":
            continue
        flagged += 1
        gold = cue_spans(row.text, row.cues)
        spans = [(int(s["start"]), int(s["end"]), s.get("kind")) for s in result.spans]  # type: ignore[call-overload]
        hits_any += any(overlaps((a, b), c) for a, b, _ in spans for c in gold)
        hits_model += any(overlaps((a, b), c) for a, b, kind in spans if kind == "model" for c in gold)
    return {
        "flagged": flagged,
        "any_span": hits_any / flagged if flagged else 0.0,
        "model_spans": hits_model / flagged if flagged else 0.0,
    }
