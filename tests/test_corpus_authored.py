"""The hand-written corpus (v4): the checker's rules, and a split by author that is also a split by election."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from classifiers.corpus.authored import V4_DIR, check_file, load_authored, load_authors
from classifiers.corpus.load import bundled_data
from classifiers.elections import load_registry, parse_registry

REGISTRY = parse_registry("""
parties:
  - {abbr: ZPB, name: Partai Bumi, number: 5}
elections:
  - id: pilbup-contoh-2031-z1
    name: Pemilihan Bupati Contoh 2031
    level: bupati
    voting_day: 2031-11-26
    candidates:
      - {number: 1, names: [Budi Contoh, Ani Contoh], aliases: [BuAni], parties: [ZPB]}
""")


def _row(**fields: object) -> str:
    row = {"id": "z1-0001", "author": "z1", "text": "BuAni lanjutkan!", "label": "dukungan",
           "target": {"election": "pilbup-contoh-2031-z1", "candidate": 1}, "election_id": "pilbup-contoh-2031-z1",
           "kind": "slogan_hashtag", "hard": False, "language": "id", "post_kind": "post", "platform": "x",
           "cues": ["lanjutkan"]}  # fmt: skip
    return json.dumps(row | fields)


def test_checker_accepts_a_valid_file_and_names_each_bad_line(tmp_path: Path) -> None:
    posts = tmp_path / "z1.jsonl"
    posts.write_text("\n".join([
        _row(),
        _row(id="z1-0002", text="pilih dia", cues=["coblos"]),  # cue not in the text
        _row(id="z1-0003", text="hujan", label="netral"),  # netral with a target
        _row(id="z1-0004", text="ayo", target={"election": "pilbup-contoh-2031-z1", "candidate": 7}),
        _row(id="z1-0005", text="  bUANI   lanjutkan! "),  # the same text again
        _row(id="z1-0006", text="tolak ZPB", label="serangan", target={"party": "ZPB"}, cues=["tolak"]),
        "{not json",
    ]) + "\n")  # fmt: skip
    report = check_file(posts, REGISTRY)
    assert [p.id for p in report.posts] == ["z1-0001", "z1-0006"]
    errors = "\n".join(report.errors)
    assert "z1.jsonl:2: cues not found verbatim in text: ['coblos']" in errors
    assert "z1.jsonl:3: a netral post has no target" in errors
    assert "z1.jsonl:4: election pilbup-contoh-2031-z1 has no candidate number 7" in errors
    assert "z1.jsonl:5: the same text appears twice" in errors
    assert "z1.jsonl:7: not valid JSON" in errors


@pytest.fixture(scope="module")
def corpus() -> tuple[list, object]:
    return load_authored()


def test_every_author_has_one_split_and_owns_its_elections(corpus: tuple[list, object]) -> None:
    posts, _ = corpus
    authors = {a.id: a.split for a in load_authors()}
    owner: dict[str, str] = {}
    for author in authors:
        for election in load_registry(V4_DIR / "elections" / f"{author}.yaml").elections:
            assert election.id not in owner, f"{election.id} belongs to {owner.get(election.id)} and {author}"
            owner[election.id] = author
    for post in posts:
        assert post.split == authors[post.author]
        for election in (post.election_id, (post.target or {}).get("election")):
            assert election is None or owner[election] == post.author, post.id


def test_test_split_holds_authors_and_elections_never_in_train_or_dev(corpus: tuple[list, object]) -> None:
    posts, _ = corpus
    by_split: dict[str, set[str]] = {"train": set(), "dev": set(), "test": set()}
    elections: dict[str, set[str]] = {"train": set(), "dev": set(), "test": set()}
    for p in posts:
        by_split[p.split].add(p.author)
        elections[p.split] |= {e for e in (p.election_id, (p.target or {}).get("election")) if e}
    assert not by_split["test"] & (by_split["train"] | by_split["dev"])
    assert not by_split["dev"] & by_split["train"]
    assert not elections["test"] & (elections["train"] | elections["dev"])
    assert len(by_split["test"]) >= 5 and len(by_split["dev"]) >= 4


def test_corpus_meets_the_writing_brief(corpus: tuple[list, object]) -> None:
    posts, registry = corpus
    assert len(posts) >= 6000
    assert len({p.author for p in posts}) >= 20
    assert len(registry.elections) >= 30  # type: ignore[attr-defined]
    labels = Counter(p.label for p in posts)
    assert labels["dukungan"] > 0.2 * len(posts) and labels["serangan"] > 0.15 * len(posts)
    assert sum(p.hard for p in posts) >= 0.6 * len(posts)
    assert sum(p.words >= 80 for p in posts) >= 0.1 * len(posts)
    assert sum(p.language not in {"id", "en"} for p in posts) >= 0.15 * len(posts)
    assert all(p.cues for p in posts if p.label != "netral")


def test_bundled_data_adds_generated_rows_to_train_only() -> None:
    plain, mixed = bundled_data(), bundled_data(with_generated=True)
    assert plain.test_split == mixed.test_split == "v4-authors"
    assert mixed.split("test") == plain.split("test") and mixed.split("dev") == plain.split("dev")
    generated = [r for r in mixed.rows if r.author == "generated"]
    assert generated and {r.split for r in generated} == {"train", "template_test", "template_heldout"}
