"""The hand-written corpus (v4): one file of posts and one election registry per author.

Layout under `classifiers/data/v4/`:
    authors.yaml             each author's persona and split (train / dev / test), frozen before training
    posts/<author>.jsonl     that author's posts, one JSON object a line
    elections/<author>.yaml  that author's fictional elections and parties (registry format)

Every election belongs to one author, so splitting by author also splits by election: the test split
holds writers and elections that training and tuning never saw. `check` validates one author's files
and prints the counts the writing brief asks for; `load_authored` reads the whole corpus.

    python -m classifiers.corpus.authored check posts/a01.jsonl elections/a01.yaml
    python -m classifiers.corpus.authored summary
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from classifiers.elections import RegistryError, RegistrySpec, load_registry
from classifiers.labels import LABELS

V4_DIR = Path(__file__).resolve().parent.parent / "data" / "v4"
SPLITS = ("train", "dev", "test")
POST_KINDS = ("post", "reply", "repost", "forward", "caption")
REQUIRED = ("id", "author", "text", "label", "target", "election_id", "kind", "hard", "language", "post_kind",
            "platform", "cues")  # fmt: skip
LONG_WORDS = 80


@dataclass(frozen=True)
class AuthoredPost:
    id: str
    author: str
    text: str
    label: str
    target: dict[str, object] | None
    election_id: str | None
    kind: str
    hard: bool
    language: str
    post_kind: str
    platform: str
    cues: tuple[str, ...] = ()
    split: str = ""
    region: str | None = None  # where the author serves as an ASN: see `home_region`

    @property
    def words(self) -> int:
        return len(self.text.split())


@dataclass
class CheckReport:
    posts: list[AuthoredPost] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _target_error(data: dict[str, object], registry: RegistrySpec) -> str | None:
    label, target = data.get("label"), data.get("target")
    if label == "netral":
        return None if target is None else "a netral post has no target (use null)"
    if not isinstance(target, dict):
        return "a dukungan/serangan post needs a target {election, candidate} or {party}"
    if set(target) == {"party"}:
        if not any(p.abbr == target["party"] for p in registry.parties):
            return f"target party {target['party']!r} is not in the elections file"
        return None
    if set(target) != {"election", "candidate"}:
        return 'target must be {"election": ID, "candidate": NUMBER} or {"party": ABBR}'
    election = registry.election(str(target["election"]))
    if election is None:
        return f"target election {target['election']!r} is not in the elections file"
    if not any(c.number == target["candidate"] for c in election.candidates):
        return f"election {election.id} has no candidate number {target['candidate']!r}"
    return None


def _row_errors(data: object, registry: RegistrySpec) -> list[str]:
    if not isinstance(data, dict):
        return ["each line must be a JSON object"]
    missing = [name for name in REQUIRED if name not in data]
    if missing:
        return [f"missing fields {missing}"]
    errors = []
    if data["label"] not in LABELS:
        errors.append(f"label must be one of {LABELS}")
    if not isinstance(data["text"], str) or not data["text"].strip():
        errors.append("text is empty")
    if data["post_kind"] not in POST_KINDS:
        errors.append(f"post_kind must be one of {POST_KINDS}")
    if not isinstance(data["hard"], bool):
        errors.append("hard must be true or false")
    if not isinstance(data["cues"], list) or not all(isinstance(c, str) and c for c in data["cues"]):
        errors.append("cues must be a list of non-empty strings")
    else:
        text = data["text"] if isinstance(data["text"], str) else ""
        absent = [cue for cue in data["cues"] if cue not in text]
        if absent:
            errors.append(f"cues not found verbatim in text: {absent}")
        if data["label"] != "netral" and not data["cues"]:
            errors.append("a dukungan/serangan post needs at least one cue")
    election_id = data["election_id"]
    if election_id is not None and registry.election(str(election_id)) is None:
        errors.append(f"election_id {election_id!r} is not in the elections file")
    target_error = _target_error(data, registry)
    if target_error:
        errors.append(target_error)
    return errors


def check_file(posts_path: Path, registry: RegistrySpec, split: str = "") -> CheckReport:
    report = CheckReport()
    seen_ids: set[str] = set()
    seen_texts: set[str] = set()
    for number, line in enumerate(posts_path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{posts_path.name}:{number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            report.errors.append(f"{where}: not valid JSON: {exc}")
            continue
        errors = _row_errors(data, registry)
        if not errors and data["id"] in seen_ids:
            errors.append(f"id {data['id']!r} repeated")
        if not errors and " ".join(data["text"].lower().split()) in seen_texts:
            errors.append("the same text appears twice")
        if errors:
            report.errors.extend(f"{where}: {error}" for error in errors)
            continue
        seen_ids.add(data["id"])
        seen_texts.add(" ".join(data["text"].lower().split()))
        report.posts.append(AuthoredPost(
            id=str(data["id"]), author=str(data["author"]), text=data["text"], label=data["label"],
            target=data["target"], election_id=data["election_id"], kind=str(data["kind"]), hard=data["hard"],
            language=str(data["language"]), post_kind=data["post_kind"], platform=str(data["platform"]),
            cues=tuple(data["cues"]), split=split,
        ))  # fmt: skip
    return report


def counts(posts: Iterable[AuthoredPost]) -> dict[str, Counter[str]]:
    posts = list(posts)
    return {
        "label": Counter(p.label for p in posts),
        "kind": Counter(f"{p.label}/{p.kind}" for p in posts),
        "language": Counter(p.language for p in posts),
        "post_kind": Counter(p.post_kind for p in posts),
        "hard": Counter("hard" if p.hard else "plain" for p in posts),
        "length": Counter("long (80+ words)" if p.words >= LONG_WORDS else "short" for p in posts),
    }


def _print_counts(posts: list[AuthoredPost]) -> None:
    print(f"{len(posts)} valid posts")
    for name, counter in counts(posts).items():
        print(f"  {name}: " + ", ".join(f"{key} {value}" for key, value in sorted(counter.items())))


@dataclass(frozen=True)
class Author:
    id: str
    split: str
    persona: dict[str, object]


def load_authors(directory: Path = V4_DIR) -> list[Author]:
    data = yaml.safe_load((directory / "authors.yaml").read_text(encoding="utf-8"))
    authors = []
    for entry in data["authors"]:
        if entry["split"] not in SPLITS:
            raise ValueError(f"author {entry['id']}: split must be one of {SPLITS}")
        authors.append(Author(id=entry["id"], split=entry["split"], persona=entry))
    return authors


def load_authored(directory: Path = V4_DIR, splits: Iterable[str] = SPLITS) -> tuple[list[AuthoredPost], RegistrySpec]:
    """Every valid post of the authors in `splits`, each tagged with its split, and their merged registry.

    Invalid lines are an error here (the files are committed valid), so nothing is dropped silently.
    """
    wanted = set(splits)
    posts: list[AuthoredPost] = []
    registry = RegistrySpec()
    for author in load_authors(directory):
        posts_path = directory / "posts" / f"{author.id}.jsonl"
        elections_path = directory / "elections" / f"{author.id}.yaml"
        if not posts_path.exists():
            continue
        author_registry = load_registry(elections_path)
        registry = registry.merged(author_registry)
        if author.split not in wanted:
            continue
        report = check_file(posts_path, author_registry, split=author.split)
        if report.errors:
            raise ValueError(f"{posts_path}: {len(report.errors)} invalid lines, first: {report.errors[0]}")
        home = home_region(author_registry)
        posts.extend(replace(p, region=home) for p in report.posts)
    return posts, registry


def home_region(registry: RegistrySpec) -> str | None:
    """Where an author serves, in their invented world: the most local of their elections' regions, with its
    province ("Kabupaten Banyukerep, Jawa Tengah"). Scoring reads posts against the ASN's region, as in
    production, where each ASN's region is in the registry."""
    local = [e for e in registry.elections if not e.is_national]
    rank = {"bupati": 0, "walikota": 0, "legislatif": 1, "gubernur": 2}
    for e in sorted(local, key=lambda e: (rank.get(e.level, 3), "dapil" in e.region.lower())):
        return f"{e.region}, {e.province}" if e.province and e.province not in e.region else e.region
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m classifiers.corpus.authored",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate one author's posts against their elections file")
    check.add_argument("posts", type=Path)
    check.add_argument("elections", type=Path)
    commands.add_parser("summary", help="counts over the whole v4 corpus, by split")
    args = parser.parse_args(argv)
    if args.command == "check":
        try:
            registry = load_registry(args.elections)
        except RegistryError as exc:
            print(f"elections file invalid:\n{exc}", file=sys.stderr)
            return 2
        report = check_file(args.posts, registry)
        for error in report.errors:
            print(f"ERROR {error}")
        _print_counts(report.posts)
        return 1 if report.errors else 0
    posts, registry = load_authored()
    print(
        f"{len(registry.elections)} elections, {len(registry.parties)} parties, "
        f"{len({p.author for p in posts})} authors"
    )
    for split in SPLITS:
        print(f"== {split}")
        _print_counts([p for p in posts if p.split == split])
    return 0


if __name__ == "__main__":
    sys.exit(main())
