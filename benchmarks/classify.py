"""Classifier throughput: the naive fp32 path against the optimised path, in one run.

    .venv/bin/python benchmarks/classify.py [--model DIR] [--posts 1024] [--threads 2]

- naive: fp32, posts in arrival order, every batch padded to max_length (the tutorial pipeline);
- fp32-sorted: fp32, length-sorted batches, dynamic padding, inference_mode;
- optimised-intra: the same, on a smoothed dynamic int8-quantised copy (classifiers/smoothing.py), with the
  posts it is unsure of re-scored in fp32, one batch at a time on torch's --threads intra-op threads;
- optimised: the same with --threads batches at once, one core each (what `netra classify` and scoring use).
Each path runs in its own process, so its peak memory (max RSS) is its own. Posts are the hand-written
corpus's dev and test authors (--posts-from templates: the generated corpus's held-out splits; real-tweets:
real political tweets), marked with the registry; long posts are read in windows,
cycled to --posts. Prints posts/s, ratio to naive, agreement with fp32 on the labels Netra gives (netral
unless P(side) reaches the model's operating threshold) and on the bare argmax, and peak memory; then, for
the optimised path's int8 copy alone (before re-scoring), its label agreement, how far it moves P(side),
and how many posts it sends back to fp32.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import time

from model_posts import add_model_arguments, evaluation_posts, model_dir, share_equal


def _run(path: str, version_dir: str, texts: list[str], threads: int, batch: int, queue: mp.Queue) -> None:
    import numpy as np
    import torch

    from classifiers.inference import load_classifier
    from classifiers.labels import side_scores
    from classifiers.metrics import softmax
    from classifiers.model import PREFIX

    clf = load_classifier(version_dir, optimised=path.startswith("optimised"), threads=threads, batch_size=batch,
                          explain=False)  # fmt: skip
    if path in {"naive", "optimised-intra"}:  # one batch at a time on torch's own threads
        torch.set_num_threads(threads)
        clf.workers = 1
    clf.probabilities(texts[:batch])  # warm-up
    start = time.perf_counter()
    if path == "naive":
        out = []
        with torch.no_grad():
            for s in range(0, len(texts), batch):
                enc = clf.tokenizer([PREFIX + t for t in texts[s : s + batch]], padding="max_length", truncation=True,
                                    max_length=clf.config.max_length, return_tensors="pt")  # fmt: skip
                out.append(clf.model(enc["input_ids"], enc["attention_mask"]).numpy())
        probs = softmax(np.concatenate(out), clf.config.temperature)
    else:
        probs = clf.probabilities(texts)
    elapsed = time.perf_counter() - start
    labels = (clf.decide(probs), probs.argmax(1).tolist())
    int8_alone = None
    if path == "optimised":  # the int8 copy before the fp32 re-scoring: its labels, P(side), posts re-scored
        raw = clf._probabilities(clf.model, texts)
        int8_alone = (clf.decide(raw), side_scores(raw).tolist(), int(clf.unsure(raw).sum()))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((path, len(texts) / elapsed, labels, side_scores(probs).tolist(), int8_alone, rss))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_model_arguments(parser, posts=1024)
    parser.add_argument("--batch", type=int, default=32)
    args = parser.parse_args()

    from classifiers.matcher import mark

    version = model_dir(args.model)
    registry, rows = evaluation_posts(args.posts_from)
    started = time.perf_counter()
    texts = [mark(rows[i % len(rows)].text, registry).text for i in range(args.posts)]
    marking_rate = len(texts) / (time.perf_counter() - started)
    ctx = mp.get_context("spawn")
    results = {}
    for path in ("naive", "fp32-sorted", "optimised-intra", "optimised"):
        queue: mp.Queue = ctx.Queue()
        proc = ctx.Process(target=_run, args=(path, str(version), texts, args.threads, args.batch, queue))
        proc.start()
        name, rate, labels, flags, int8_alone, rss = queue.get()
        proc.join()
        results[name] = (rate, labels, rss)
        if name == "fp32-sorted":
            fp32_flags = flags
        if int8_alone:
            int8_labels, int8_flags, rescored = int8_alone
    naive_rate, fp32_labels = results["naive"][0], results["fp32-sorted"][1]
    mean_chars = sum(map(len, texts)) / len(texts)
    load = os.getloadavg()[0]
    print(f"model {version.name}; {len(texts)} {args.posts_from} posts (mean {mean_chars:.0f} chars), batch {args.batch}, "
          f"{args.threads} threads, {os.cpu_count()} CPUs, load average {load:.1f}")  # fmt: skip
    print(f"{'path':<15} {'posts/s':>9} {'x naive':>8} {'labels = fp32':>14} {'argmax = fp32':>14} {'peak RSS MB':>12}")
    for name, (rate, labels, rss) in results.items():
        agree = [share_equal(mine, ref) for mine, ref in zip(labels, fp32_labels, strict=True)]
        print(f"{name:<15} {rate:9.1f} {rate / naive_rate:8.2f} {agree[0]:14.2%} {agree[1]:14.2%} {rss:12.0f}")
    same = share_equal(int8_labels, fp32_labels[0])
    shift = sum(abs(a - b) for a, b in zip(int8_flags, fp32_flags, strict=True)) / len(texts)
    print(f"int8 copy alone (before re-scoring): labels = fp32 {same:.2%}, mean |P(side) - fp32| {shift:.4f}, "
          f"re-scored in fp32: {rescored} of {len(texts)} posts")  # fmt: skip
    print(f"registry matching (before the model, same for every path): {marking_rate:.0f} posts/s")


if __name__ == "__main__":
    main()
