"""Read the labelled corpora into plain rows: the hand-written corpus (v4) and the generated one (v3).

`bundled_data()` is what the default model trains and is judged on: the v4 authors' train/dev/test splits
(by author, so by election too), plus, when asked, the generated corpus's rows as extra training rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from classifiers.elections import RegistrySpec, load_registry
from classifiers.labels import LABELS

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
    author: str = ""
    cues: tuple[str, ...] = ()
    region: str | None = None  # the writer's region as an ASN, when known


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


AUTHORED_TEST = "v4-authors"  # the frozen cross-author, cross-election test split
GENERATED_TEST = "v3-templates"


@dataclass(frozen=True)
class TrainingData:
    """Rows with their splits (`train`, `dev`, `test`, and report-only ones) and the registry they mention."""

    rows: list[CorpusRow]
    registry: RegistrySpec
    test_split: str  # which frozen test split `test` is: versions are compared only on the same one
    with_generated: bool = False  # the generated corpus's rows are part of train
    # Each author invented their own presidential election; in a deployment there is one. An author's
    # world is every regional election of every author, but only their own national ones.
    own_national: dict[str, frozenset[str]] = field(default_factory=dict)

    def split(self, name: str) -> list[CorpusRow]:
        return [r for r in self.rows if r.split == name]

    def world_of(self, author: str) -> RegistrySpec:
        """The registry as a deployment in the author's country would hold it."""
        if author not in self.own_national:
            return self.registry
        return _world(self.registry, self.own_national[author])


@lru_cache(maxsize=64)
def _world(registry: RegistrySpec, own_national: frozenset[str]) -> RegistrySpec:
    return RegistrySpec(
        parties=registry.parties,
        elections=tuple(e for e in registry.elections if not e.is_national or e.id in own_national),
    )


def generated_data(path: Path = DEFAULT_CORPUS, elections: Path = DEFAULT_ELECTIONS) -> TrainingData:
    """The generated corpus alone, with its own template-held-out test split."""
    return TrainingData(load_corpus(path), load_registry(elections), GENERATED_TEST)


def bundled_data(*, with_generated: bool = False, directory: Path | None = None) -> TrainingData:
    """The hand-written corpus's splits; with `with_generated`, the generated corpus's train split is added to
    train and its test/heldout splits are kept for reporting as `template_test` / `template_heldout`."""
    from classifiers.corpus.authored import V4_DIR, load_authored

    posts, registry = load_authored(directory or V4_DIR)
    national = {e.id for e in registry.elections if e.is_national}
    own_national = {
        author: frozenset(p.election_id for p in posts if p.author == author and p.election_id in national)
        for author in {p.author for p in posts}
    }
    rows = [
        CorpusRow(id=p.id, text=p.text, label=p.label, split=p.split, kind=p.kind, election_id=p.election_id,
                  target=p.target, post_kind=p.post_kind, author=p.author, cues=p.cues,
                  region=p.region)
        for p in posts
    ]  # fmt: skip
    if with_generated:
        generated = generated_data()
        renamed = {"train": "train", "test": "template_test", "heldout": "template_heldout"}
        rows += [
            CorpusRow(**{**r.__dict__, "split": renamed[r.split], "author": "generated"})
            for r in generated.rows
            if r.split in renamed
        ]
        registry = registry.merged(generated.registry)
    return TrainingData(rows, registry, AUTHORED_TEST, with_generated, own_national)
