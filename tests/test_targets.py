"""Target resolution: who a partisan post is about, when it names nobody (classifiers/targets.py)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from classifiers.corpus.authored import V4_DIR, home_region
from classifiers.corpus.load import bundled_data
from classifiers.elections import load_registry, parse_registry
from classifiers.matcher import mark, target_of
from classifiers.targets import FILENAME, TargetRanker, fit_ranker, load_ranker, resolve_target, save_ranker

REGISTRY = parse_registry("""
parties:
  - {abbr: PHB, name: Partai Hijau Bangsa, aliases: [Hijau Bangsa], colours: [hijau]}
  - {abbr: PKR, name: Partai Kuning Raya, aliases: [Kuning Raya], colours: [kuning]}
elections:
  - id: pilbup-sukamaju-2029
    name: Pemilihan Bupati Sukamaju 2029
    level: bupati
    region: Kabupaten Sukamaju
    province: Jawa Tengah
    voting_day: 2029-11-28
    candidates:
      - number: 1
        names: [Bambang Sutrisno, Rina Lestari]
        aliases: [Pak Bambang]
        parties: [PHB]
        colours: [hijau]
        roles: [petahana bupati, "mantan Kepala Dinas PU", "\\"pak insinyur\\""]
      - number: 2
        names: [Joko Santoso, Dewi Anggraini]
        aliases: [Pak Joko]
        parties: [PKR]
        colours: [kuning]
        roles: [pensiunan jenderal TNI, "mantan Pangdam", "\\"pak jenderal\\""]
  - id: pilgub-jateng-2029
    name: Pemilihan Gubernur Jawa Tengah 2029
    level: gubernur
    region: Provinsi Jawa Tengah
    province: Jawa Tengah
    voting_day: 2029-11-28
    candidates:
      - number: 1
        names: [Hendra Wibowo]
        roles: [mantan rektor universitas negeri, "\\"sang profesor\\""]
  - id: pilwalkot-lain-2029
    name: Pemilihan Wali Kota Lain 2029
    level: walikota
    region: Kota Lain
    province: Jawa Timur
    voting_day: 2029-11-28
    candidates:
      - number: 1
        names: [Sutan Lain]
        roles: [pensiunan jenderal polisi]
""")
REGION = "Kabupaten Sukamaju, Jawa Tengah"


@cache
def trained_ranker() -> TargetRanker:
    """Fitted on three training authors' gold targets only: what a version trained on the corpus learns."""
    data = bundled_data()
    examples = []
    for row in data.split("train"):
        if row.author in {"a01", "a05", "a12"} and row.label != "netral" and row.target:
            world = data.world_of(row.author)
            examples.append((row.text, mark(row.text, world, row.region), world, row.region, row.target))
    return fit_ranker(examples)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jangan sampai kabupaten kita dipimpin pensiunan jenderal, sekolah bukan barak!", 2),
        ("Yang dulu kepala dinas PU itu sudah terbukti, lanjutkan saja pak insinyur 👍", 1),
    ],
)
def test_a_post_naming_nobody_gets_the_candidate_its_role_words_describe(text: str, expected: int) -> None:
    marked = mark(text, REGISTRY, REGION)
    assert target_of(marked.mentions) is None  # the mention rule has nothing to go on
    assert trained_ranker().resolve(text, marked, REGISTRY, REGION) == {
        "election": "pilbup-sukamaju-2029",
        "candidate": expected,
    }


def test_the_asns_region_decides_between_two_candidates_with_the_same_role() -> None:
    text = "Pensiunan jenderal itu jangan dipilih, kasar sama bawahan."
    marked = mark(text, REGISTRY, REGION)
    target = trained_ranker().resolve(text, marked, REGISTRY, REGION)
    assert target == {"election": "pilbup-sukamaju-2029", "candidate": 2}  # not Kota Lain's retired police general


def test_a_named_candidate_still_wins_over_role_words() -> None:
    text = "Pak Joko memang bukan insinyur, tapi coblos Pak Joko!"
    marked = mark(text, REGISTRY, REGION)
    assert trained_ranker().resolve(text, marked, REGISTRY, REGION) == {
        "election": "pilbup-sukamaju-2029",
        "candidate": 2,
    }


def test_a_party_named_by_its_colour_is_the_target_not_its_candidate() -> None:
    text = "Partai ijo itu tiap pemilu cuma bagi kaos, habis itu hilang. #TolakPHB"
    marked = mark(text, REGISTRY, REGION)
    assert trained_ranker().resolve(text, marked, REGISTRY, REGION) == {"party": "PHB"}


def test_the_ranker_is_stored_as_plain_numbers_and_read_back(tmp_path: Path) -> None:
    ranker = trained_ranker()
    save_ranker(ranker, tmp_path)
    assert load_ranker(tmp_path) == ranker
    payload = json.loads((tmp_path / FILENAME).read_text())
    payload["features"] = payload["features"][:-1]  # weights of another feature set
    (tmp_path / FILENAME).write_text(json.dumps(payload))
    assert load_ranker(tmp_path) is None
    assert load_ranker(tmp_path / "absent") is None


def test_without_a_ranker_the_mention_rule_names_the_target() -> None:
    text = "Coblos Pak Bambang!"
    marked = mark(text, REGISTRY, REGION)
    assert resolve_target(None, text, marked, REGISTRY, REGION) == target_of(marked.mentions)
    assert resolve_target(None, text, marked, REGISTRY, REGION) == {"election": "pilbup-sukamaju-2029", "candidate": 1}


@pytest.mark.parametrize(
    ("election_id", "region", "covered"),
    [
        ("pilbup-sukamaju-2029", "Kabupaten Sukamaju, Jawa Tengah", True),
        ("pilbup-sukamaju-2029", "Sukamaju", True),
        ("pilgub-jateng-2029", "Kabupaten Sukamaju, Jawa Tengah", True),  # province-wide
        ("pilwalkot-lain-2029", "Kabupaten Sukamaju, Jawa Tengah", False),
        ("pilbup-sukamaju-2029", None, False),
    ],
)
def test_an_election_covers_its_region_and_the_province_wide_races(
    election_id: str, region: str | None, covered: bool
) -> None:
    election = REGISTRY.election(election_id)
    assert election is not None
    assert election.covers(region) is covered


def test_a_corpus_author_serves_in_their_most_local_election_region() -> None:
    registry = load_registry(V4_DIR / "elections" / "a01.yaml")
    assert home_region(registry) == "Kabupaten Banyukerep, Jawa Tengah"
    assert all(e.covers(home_region(registry)) for e in registry.elections)


def test_an_authors_world_holds_every_regional_election_but_only_their_own_presidential_one() -> None:
    data = bundled_data()
    world = data.world_of("a07")
    national = [e.id for e in world.elections if e.is_national]
    assert national == ["pilpres-2029-a07"]
    regional = {e.id for e in data.registry.elections if not e.is_national}
    assert regional <= {e.id for e in world.elections}
