"""Explanation spans: per-post occlusion (one pass per flagged post) against the batched pass, in one run.

    .venv/bin/python benchmarks/explain.py [--model DIR] [--posts 256] [--threads 2] [--chunk 256]

Scores the corpus's test + heldout posts (shuffled with a fixed seed, cycled to --posts, in chunks of --chunk as `score_pending` does)
on the optimised (int8) path (or fp32 with --fp32) three ways: labels only (no spans), labels + per-post occlusion (each flagged
post's word-dropped variants in their own `probabilities` call: the path before batching), and
`Classifier.score` with spans (all flagged posts' variants in one length-sorted pass). Prints posts/s and
whether the batched spans are the same words, in the same order, as the per-post ones.
"""

from __future__ import annotations

import argparse
import os
import random
import time

from model_posts import add_model_arguments, evaluation_posts, model_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_model_arguments(parser, posts=256)
    parser.add_argument("--chunk", type=int, default=256)
    parser.add_argument("--fp32", action="store_true", help="The fp32 path instead of the int8 one.")
    args = parser.parse_args()

    from classifiers.inference import PostInput, load_classifier
    from classifiers.labels import LABELS
    from classifiers.matcher import mark

    version = model_dir(args.model)
    registry, rows = evaluation_posts(args.posts_from)
    random.Random(0).shuffle(rows)  # the corpus file is grouped by label; a timeline is mixed
    items = [PostInput(id=str(i), text=rows[i % len(rows)].text) for i in range(args.posts)]
    chunks = [items[s : s + args.chunk] for s in range(0, len(items), args.chunk)]
    clf = load_classifier(version, optimised=not args.fp32, threads=args.threads, explain=False)
    clf.score(items[:32], registry)  # warm-up

    def labels_only() -> list:
        return [r for c in chunks for r in clf.score(c, registry)]

    def per_post() -> list:
        out = labels_only()
        for item, r in zip(items, out, strict=True):
            if r.label != "netral":
                i = LABELS.index(r.label)
                r.spans = clf.spans(mark(item.text, registry, item.region), i, r.probabilities[r.label])
        return out

    def batched() -> list:
        clf.explain = True
        try:
            return labels_only()
        finally:
            clf.explain = False

    timed = {}
    for name, run in (("labels only", labels_only), ("per-post spans", per_post), ("batched spans", batched)):
        start = time.perf_counter()
        results = run()
        timed[name] = (len(items) / (time.perf_counter() - start), results)
    before, after = timed["per-post spans"][1], timed["batched spans"][1]
    flagged = [i for i, b in enumerate(before) if b.label != "netral"]
    texts = lambda r: [s["text"] for s in r.spans]  # noqa: E731
    same = sum(texts(before[i]) == texts(after[i]) for i in flagged)
    print(f"model {version.name} ({'fp32' if args.fp32 else 'int8'}); {len(items)} posts ({len(flagged)} flagged), "
          f"chunks of {args.chunk}, {args.threads} threads, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    base = timed["per-post spans"][0]
    for name, (rate, _) in timed.items():
        print(f"{name:<15} {rate:8.1f} posts/s  {rate / base:5.2f}x per-post")
    print(f"flagged posts whose batched spans are the same words in the same order as per-post: {same}/{len(flagged)}")
    if not args.fp32:  # int8 quantises activations per batch, so spans depend on what shares the batch
        clf = load_classifier(version, optimised=False, threads=args.threads, explain=False)
        ref = per_post()
        for name, got in (("per-post", before), ("batched", after)):
            top = sum(texts(got[i])[:1] == texts(ref[i])[:1] for i in flagged if ref[i].label == got[i].label)
            print(f"int8 {name}: same spans as fp32 per-post in {sum(texts(got[i]) == texts(ref[i]) for i in flagged)}"
                  f"/{len(flagged)} posts, same leftmost span in {top}")  # fmt: skip


if __name__ == "__main__":
    main()
