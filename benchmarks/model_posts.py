"""What the classifier benchmarks share: which model version to measure, and the posts to measure it on."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def add_model_arguments(parser: argparse.ArgumentParser, posts: int) -> None:
    parser.add_argument("--model", help="A model version directory (default: the active one).")
    parser.add_argument("--posts", type=int, default=posts)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--posts-from", choices=("corpus", "templates", "real-tweets"), default="corpus",
                        help="corpus: the hand-written corpus's dev and test authors (default); templates: the "
                        "generated corpus's test and heldout splits; real-tweets: the real political tweets "
                        "of the real-data directory (NETRA_CLASSIFIER__REAL_DATA_DIR, ../shared/data/real).")  # fmt: skip


def share_equal(mine: Sequence[object], reference: Sequence[object]) -> float:
    """The share of positions where two label lists agree."""
    return sum(a == b for a, b in zip(mine, reference, strict=True)) / len(mine)


def model_dir(arg: str | None) -> Path:
    """The version directory to measure: `--model`, else the active one."""
    from classifiers.versions import active_dir
    from monitor.config import get_settings

    found = Path(arg) if arg else active_dir(get_settings().models_dir)
    if found is None:
        raise SystemExit("no active model: run `netra model train` first, or pass --model DIR")
    return found


def evaluation_posts(source: str = "corpus") -> tuple[Any, list[Any]]:
    """A registry and posts never trained on: the hand-written corpus's dev and test authors (`corpus`), the
    generated corpus's held-out templates and elections (`templates`: shorter, more regular posts), or
    (`real-tweets`) the real political tweets with the registry of the real elections they talk about."""
    from classifiers.corpus.load import (
        DEFAULT_CORPUS,
        DEFAULT_ELECTIONS,
        REAL_ELECTIONS,
        bundled_data,
        load_corpus,
    )
    from classifiers.elections import load_registry
    from classifiers.training.evaluation import load_real
    from monitor.config import get_settings

    if source == "real-tweets":
        directory = get_settings().classifier.real_data_dir
        tweets = load_real(directory, sample=0).get("ibrohim2019_hs_political")
        if not tweets:
            raise SystemExit(f"no real tweets in {directory} (ibrohim2019_hs_political.csv): set "
                             "NETRA_CLASSIFIER__REAL_DATA_DIR, or use the corpus posts")  # fmt: skip
        return load_registry(REAL_ELECTIONS), tweets
    if source == "templates":
        rows = [r for r in load_corpus(DEFAULT_CORPUS) if r.split in {"test", "heldout"}]
        return load_registry(DEFAULT_ELECTIONS), rows
    data = bundled_data()
    return data.registry, data.split("dev") + data.split("test")
