"""Compare training recipes on the cross-author dev split (never the test split), in one run.

Each recipe is trained on the hand-written corpus's train authors (optionally with the generated corpus) and
scored on the dev authors, whose posts and elections it never saw; TF-IDF + logistic regression trained on
the same rows is scored beside it. Seed ensembles average the probabilities of their members' runs.

    .venv/bin/python benchmarks/recipes.py --base netra-data/models/base
    .venv/bin/python benchmarks/recipes.py --base ... --recipes 6x2,6x6*2,12x2 --epochs 5

A recipe is `LAYERSxTRAINED` (layers kept, top layers fine-tuned), `+gen` adds the generated corpus, `*N` trains
it with N seeds and adds their ensemble.
Each recipe is also averaged with TF-IDF's probabilities (`+ tfidf`). Printed per recipe: dev macro-F1 at argmax, flag AUC, flag precision at the threshold that keeps dev recall
>= 0.90, serangan recall at argmax, and the minutes it took.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from classifiers.corpus.load import TrainingData, bundled_data
from classifiers.labels import LABELS
from classifiers.lexical import fit_lexical, lexical_probabilities
from classifiers.matcher import mark
from classifiers.metrics import classification_report, flag_auc
from classifiers.model import StanceConfig, load_base
from classifiers.training.fit import TrainOptions, fit
from classifiers.training.run import choose_threshold, reader, training_pieces


def dev_figures(probs: np.ndarray, gold: list[str]) -> dict[str, float]:
    argmax = [LABELS[i] for i in probs.argmax(1)]
    report = classification_report(gold, argmax, probs)
    truth = np.array([g != "netral" for g in gold])
    threshold = choose_threshold(probs, [LABELS.index(g) for g in gold])
    flagged = probs[:, 1] + probs[:, 2] >= threshold
    return {
        "macro_f1": report["macro_f1"],  # type: ignore[dict-item]
        "auc": flag_auc(truth, probs[:, 1] + probs[:, 2]) or 0.0,
        "p_at_r90": float((flagged & truth).sum() / max(1, flagged.sum())),
        "serangan_recall": report["per_class"]["serangan"]["recall"],  # type: ignore[index]
    }


def only_authors(data: TrainingData, authors: str) -> TrainingData:
    """The hand-written rows of these authors (and every generated row); all rows when `authors` is empty."""
    wanted = {a for a in authors.split(",") if a}
    if not wanted:
        return data
    rows = [r for r in data.rows if r.author in wanted or r.author == "generated"]
    return TrainingData(rows, data.registry, data.test_split, data.with_generated)


def train_recipe(data: TrainingData, base: Path, layers: int, trained: int, seed: int, epochs: int,
                 max_length: int) -> np.ndarray:  # fmt: skip
    model, tokenizer = load_base(base, layers)
    texts, labels = training_pieces(data.split("train"), data.registry, tokenizer, max_length)
    options = TrainOptions(epochs=epochs, train_layers=trained, seed=seed, max_length=max_length)
    fit(model, tokenizer, texts, labels, options)
    config = StanceConfig(base=str(base), num_layers=layers, max_length=max_length)
    dev = data.split("dev")
    return reader(model, tokenizer, config).probabilities([mark(r.text, data.registry).text for r in dev])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", type=Path, required=True, help="the base checkpoint (netra model base)")
    parser.add_argument("--recipes", default="6x2,6x2+gen,6x6,12x2")
    parser.add_argument(
        "--seeds", default="13,7,21", help="seeds for recipes ending in *N (the first N); else the first"
    )
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--corpus-dir", type=Path, default=None, help="a copy of classifiers/data/v4 to read instead")
    parser.add_argument("--authors", default="", help="only these authors' posts (comma-separated ids; default all)")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    plain, with_generated = only_authors(bundled_data(directory=args.corpus_dir), args.authors), None
    dev = plain.split("dev")
    gold = [r.label for r in dev]
    train = plain.split("train")
    print(f"train: {len(train)} posts by {len({r.author for r in train})} authors; "
          f"dev: {len(dev)} posts by {len({r.author for r in dev})} authors (never trained on)")  # fmt: skip
    rows = []
    tfidf = fit_lexical([mark(r.text, plain.registry).text for r in train], [r.label for r in train])
    tfidf_probs = lexical_probabilities(tfidf, [mark(r.text, plain.registry).text for r in dev])
    rows.append(("tfidf+lr", dev_figures(tfidf_probs, gold), 0.0))
    for recipe in args.recipes.split(","):
        recipe, _, copies = recipe.partition("*")
        shape, _, extra = recipe.partition("+")
        layers, trained = (int(x) for x in shape.split("x"))
        if extra == "gen" and with_generated is None:
            with_generated = only_authors(bundled_data(with_generated=True, directory=args.corpus_dir), args.authors)
        data = with_generated if extra == "gen" else plain
        runs = []
        for seed in seeds[: int(copies or 1)]:
            started = time.perf_counter()
            probs = train_recipe(data, args.base, layers, trained, seed, args.epochs, args.max_length)  # type: ignore[arg-type]
            minutes = (time.perf_counter() - started) / 60
            runs.append(probs)
            rows.append((f"{recipe} seed {seed}", dev_figures(probs, gold), minutes))
            print(f"  {rows[-1][0]}: " + ", ".join(f"{k} {v:.3f}" for k, v in rows[-1][1].items()), flush=True)
        if len(runs) > 1:
            rows.append((f"{recipe} ensemble of {len(runs)}", dev_figures(np.mean(runs, axis=0), gold), 0.0))
        # the transformer and the word counts averaged: a lexical model as a second opinion
        rows.append((f"{recipe} + tfidf", dev_figures((np.mean(runs, axis=0) + tfidf_probs) / 2, gold), 0.0))
    print("\n| recipe | dev macro-F1 (argmax) | flag AUC | flag P at dev R>=0.90 | serangan R | minutes |")
    print("|---|---|---|---|---|---|")
    for name, f, minutes in rows:
        print(f"| {name} | {f['macro_f1']:.3f} | {f['auc']:.3f} | {f['p_at_r90']:.3f} | {f['serangan_recall']:.3f} "
              f"| {minutes:.1f} |")  # fmt: skip


if __name__ == "__main__":
    main()
