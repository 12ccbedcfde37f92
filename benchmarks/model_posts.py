"""What the classifier benchmarks share: which model version to measure, and the posts to measure it on."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def add_model_arguments(parser: argparse.ArgumentParser, posts: int) -> None:
    parser.add_argument("--model", help="A model version directory (default: the active one).")
    parser.add_argument("--posts", type=int, default=posts)
    parser.add_argument("--threads", type=int, default=2)


def model_dir(arg: str | None) -> Path:
    """The version directory to measure: `--model`, else the active one."""
    from classifiers.versions import active_dir
    from monitor.config import get_settings

    found = Path(arg) if arg else active_dir(get_settings().models_dir)
    if found is None:
        raise SystemExit("no active model: run `netra model train` first, or pass --model DIR")
    return found


def evaluation_posts() -> tuple[Any, list[Any]]:
    """The corpus elections' registry and the posts of the test and heldout splits (never trained on)."""
    from classifiers.corpus.load import DEFAULT_CORPUS, DEFAULT_ELECTIONS, load_corpus
    from classifiers.registry import load_registry

    rows = [r for r in load_corpus(DEFAULT_CORPUS) if r.split in {"test", "heldout"}]
    return load_registry(DEFAULT_ELECTIONS), rows
