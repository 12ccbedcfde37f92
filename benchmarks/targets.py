"""Target accuracy of the ranker and of the mention rule on the cross-author dev split (or, once, on test).

Fits the target ranker on the train authors' gold targets exactly as `netra model train` does
(`training_run.fit_targets`) and scores every gold partisan post of the split: no transformer is involved, so
the figure is the ranker's alone (the version's `metrics.json` scores only the posts its model flagged).
Each author's posts are read against that author's world (`TrainingData.world_of`) and home region.

    .venv/bin/python benchmarks/targets.py                  # dev: develop against this
    .venv/bin/python benchmarks/targets.py --split test     # the frozen test split: score it once, at the end
    .venv/bin/python benchmarks/targets.py --misses 20      # print 20 misses (dev only)

Printed: accuracy of the ranker and the mention rule, per author, and the misses by kind.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from classifiers.corpus.load import CorpusRow, TrainingData, bundled_data
from classifiers.matcher import Marked, mark, target_of
from classifiers.targets import TargetRanker
from classifiers.training.run import fit_targets


@dataclass(frozen=True)
class Scored:
    row: CorpusRow
    ranked: dict[str, object] | None
    rule: dict[str, object] | None
    gold_mentioned: bool  # the matcher found a mention of the gold entity itself


def miss_kind(gold: dict[str, object], guess: dict[str, object] | None) -> str:
    """How a wrong target is wrong: the kinds the issue asks to count."""
    if guess is None:
        return "no target"
    if ("party" in gold) != ("party" in guess):
        return "party vs candidate"
    if "party" in gold:
        return "wrong party"
    if gold["election"] == guess["election"]:
        return "wrong candidate, right election"
    return "wrong election"


def score_split(data: TrainingData, ranker: TargetRanker | None, split: str) -> list[Scored]:
    out = []
    for row in data.split(split):
        if row.label == "netral" or not row.target:
            continue
        world = data.world_of(row.author)
        marked: Marked = mark(row.text, world, row.region)
        ranked = ranker.resolve(row.text, marked, world, row.region) if ranker else target_of(marked.mentions)
        mentioned = any(target_of([m]) == row.target for m in marked.mentions)
        out.append(Scored(row, ranked, target_of(marked.mentions), mentioned))
    return out


def share(hits: int, total: int) -> str:
    return f"{hits / total:6.1%} ({hits}/{total})" if total else "     -"


def report(scored: list[Scored], split: str) -> None:
    n = len(scored)
    ranked = sum(s.ranked == s.row.target for s in scored)
    rule = sum(s.rule == s.row.target for s in scored)
    print(f"{split}: {n} gold partisan posts")
    print(f"  ranker        {share(ranked, n)}")
    print(f"  mention rule  {share(rule, n)}")
    print("  per author (ranker / mention rule):")
    for author in sorted({s.row.author for s in scored}):
        mine = [s for s in scored if s.row.author == author]
        print(f"    {author}  {share(sum(s.ranked == s.row.target for s in mine), len(mine))}"
              f"  /  {share(sum(s.rule == s.row.target for s in mine), len(mine))}")  # fmt: skip
    misses = [s for s in scored if s.ranked != s.row.target]
    kinds = Counter(miss_kind(s.row.target or {}, s.ranked) for s in misses)
    unmentioned = Counter(miss_kind(s.row.target or {}, s.ranked) for s in misses if not s.gold_mentioned)
    print(f"  misses by kind ({len(misses)}; in brackets: the gold entity is not mentioned by the matcher):")
    for kind, count in kinds.most_common():
        print(f"    {kind:32s} {count:4d}  ({unmentioned[kind]})")
    unnamed = [s for s in scored if not s.gold_mentioned]
    right = sum(s.ranked == s.row.target for s in unnamed)
    print(f"  posts that never mention the gold entity: {len(unnamed)}, ranker right on {share(right, len(unnamed))}")


def print_misses(scored: list[Scored], limit: int) -> None:
    for s in [s for s in scored if s.ranked != s.row.target][:limit]:
        print(f"\n{s.row.id} gold={s.row.target} guess={s.ranked} ({miss_kind(s.row.target or {}, s.ranked)})")
        print("   ", s.row.text.replace("\n", " ")[:400])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", default="dev", choices=["dev", "test", "train"])
    parser.add_argument("--misses", type=int, default=0, help="print this many misses (not on test)")
    args = parser.parse_args()
    started = time.perf_counter()
    data = bundled_data()
    ranker = fit_targets(data)
    fitted = time.perf_counter()
    scored = score_split(data, ranker, args.split)
    report(scored, args.split)
    if args.misses and args.split != "test":
        print_misses(scored, args.misses)
    print(f"\nfitted in {fitted - started:.1f} s, scored in {time.perf_counter() - fitted:.1f} s")


if __name__ == "__main__":
    main()
