"""How the int8 copy's SmoothQuant ranges are measured, compared in one run: fidelity of the int8 copy alone.

    .venv/bin/python benchmarks/smoothing.py [--model DIR] [--posts 1024] [--alphas 0.6,0.7,0.8,0.85,0.9,0.95]

For the model version (default: the active one), activation ranges are measured on the bundled corpus's
training posts alone (the way before 2026-11-24) and on those posts plus random sequences of the vocabulary
(the way now), then each encoder Linear is smoothed with each alpha and quantised to int8 as the optimised
path does. Printed per variant, on the corpus's test + heldout posts and on the real political tweets (when
the real-data directory is there): how many labels equal the fp32 model's, the mean |P(side) int8 - fp32|,
and how many posts the fp32 re-scoring would take. No re-scoring here: this is the int8 copy alone.

First, per way of measuring: how many input channels receive on the evaluation posts more than twice the
range that was measured, and the largest such ratio. Those channels were left unsmoothed.
"""

from __future__ import annotations

import argparse
import time

from model_posts import add_model_arguments, evaluation_posts, model_dir, share_equal


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_model_arguments(parser, posts=1024)
    parser.add_argument("--alphas", default="0.6,0.7,0.8,0.85,0.9,0.95")
    args = parser.parse_args()

    import numpy as np
    import torch

    from classifiers.inference import bundled_training_texts, load_classifier, quantise
    from classifiers.labels import side_scores
    from classifiers.matcher import mark
    from classifiers.smoothing import activation_ranges

    clf = load_classifier(model_dir(args.model), optimised=False, threads=1, explain=False)
    torch.set_num_threads(args.threads)  # one batch at a time on torch's threads
    model, tokenizer, max_length = clf.model, clf.tokenizer, clf.config.max_length

    post_sets: dict[str, list[str]] = {}
    for source in ("corpus", "real-tweets"):
        try:
            registry, rows = evaluation_posts(source)
        except SystemExit as absent:
            print(f"{source}: left out ({absent})")
            continue
        post_sets[source] = [mark(rows[i % len(rows)].text, registry).text for i in range(args.posts)]
    reference = {name: clf._probabilities(model, texts) for name, texts in post_sets.items()}

    started = time.perf_counter()
    training = bundled_training_texts()
    ways = {
        "training posts": activation_ranges(model, tokenizer, training, max_length, vocabulary=0),
        "training posts + vocabulary": activation_ranges(model, tokenizer, training, max_length),
    }
    print(f"model {clf.version}; ranges measured in {time.perf_counter() - started:.0f} s; {args.threads} threads")
    seen = activation_ranges(model, tokenizer, [t for texts in post_sets.values() for t in texts], max_length,
                             vocabulary=0)  # fmt: skip
    for way, ranges in ways.items():
        ratios = torch.cat([seen[name] / ranges[name].clamp(min=1e-5) for name in ranges])
        print(f"  {way:<28} channels above 2x their range on the evaluation posts: {int((ratios > 2).sum()):5d} "
              f"of {ratios.numel()}, largest ratio {float(ratios.max()):.1f}")  # fmt: skip

    header = "".join(f" {name + ': labels = fp32':>27} {'|dP(side)|':>10} {'unsure':>6}" for name in post_sets)
    print(f"{'ranges':<28} {'alpha':>5}{header}")
    for way, ranges in ways.items():
        for alpha in (float(a) for a in args.alphas.split(",")):
            int8 = quantise(model, ranges, alpha)
            cells = []
            for name, texts in post_sets.items():
                probs, fp32 = clf._probabilities(int8, texts), reference[name]
                same = share_equal(clf.decide(probs), clf.decide(fp32))
                shift = np.abs(side_scores(probs) - side_scores(fp32)).mean()
                cells.append(f" {same:27.2%} {shift:10.4f} {int(clf.unsure(probs).sum()):6d}")
            print(f"{way:<28} {alpha:5.2f}{''.join(cells)}")


if __name__ == "__main__":
    main()
