"""Read the labelled corpus (JSONL) into plain rows."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from classifiers.model import LABELS

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus.jsonl"
DEFAULT_ELECTIONS = Path(__file__).resolve().parent.parent / "data" / "elections.yaml"
REAL_ELECTIONS = Path(__file__).resolve().parent.parent / "data" / "real_elections.yaml"  # for the real datasets


@dataclass(frozen=True)
class CorpusRow:
    id: str
    text: str
    label: str
    split: str
    kind: str = ""
    election_id: str | None = None
    target: dict[str, object] | None = None
    post_kind: str = "post"


def load_corpus(path: Path = DEFAULT_CORPUS) -> list[CorpusRow]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            data = json.loads(line)
            if data.get("label") not in LABELS:
                raise ValueError(f"{path}:{number}: label must be one of {LABELS}, got {data.get('label')!r}")
            rows.append(CorpusRow(
                id=str(data["id"]), text=data["text"], label=data["label"], split=data.get("split", "train"),
                kind=data.get("kind", ""), election_id=data.get("election_id"), target=data.get("target"),
                post_kind=data.get("post_kind", "post"),
            ))  # fmt: skip
    return rows
