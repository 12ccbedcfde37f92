"""Target resolution: who a partisan post is about, when it names nobody (classifiers/targets.py)."""

from __future__ import annotations

import importlib.util
import json
import sys
from functools import cache
from pathlib import Path

import pytest

from classifiers.corpus.authored import V4_DIR, home_region
from classifiers.corpus.load import bundled_data
from classifiers.elections import load_registry, parse_registry
from classifiers.matcher import mark, target_of
from classifiers.matcher_rules import fold
from classifiers.target_words import ballot_ends, concepts_of, spoken_numbers
from classifiers.targets import (
    FEATURES,
    FILENAME,
    TargetRanker,
    candidate_features,
    fit_ranker,
    load_ranker,
    resolve_target,
    save_ranker,
)

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
    ranker = fit_ranker(examples)
    assert ranker is not None
    return ranker


def test_with_no_gold_target_among_the_ranked_entities_there_is_no_ranker() -> None:
    text = "Coblos Pak Bambang!"
    elsewhere = {"election": "pilpres-2029-nowhere", "candidate": 9}  # in no registry the post is read against
    assert fit_ranker([(text, mark(text, REGISTRY, REGION), REGISTRY, REGION, elsewhere)]) is None


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


FIXTURES = Path(__file__).resolve().parent / "fixtures"


def test_a_ranker_saved_before_the_listwise_features_still_loads_and_names_targets(tmp_path: Path) -> None:
    # targets.json as versions trained before the listwise ranker stored it (19 features, pointwise weights)
    (tmp_path / FILENAME).write_text((FIXTURES / "targets_v1.json").read_text())
    old = load_ranker(tmp_path)
    assert old is not None
    assert len(old.features) == 19 and len(old.weights) == 19
    text = "Jangan sampai kabupaten kita dipimpin pensiunan jenderal, sekolah bukan barak!"
    marked = mark(text, REGISTRY, REGION)
    assert resolve_target(old, text, marked, REGISTRY, REGION) == {"election": "pilbup-sukamaju-2029", "candidate": 2}


def test_weights_for_a_feature_this_code_does_not_compute_fall_back_to_the_mention_rule(tmp_path: Path) -> None:
    payload = json.loads((FIXTURES / "targets_v1.json").read_text())
    payload["features"][-1] = "a_feature_from_the_future"
    (tmp_path / FILENAME).write_text(json.dumps(payload))
    ranker = load_ranker(tmp_path)
    assert ranker is None
    text = "Coblos Pak Bambang!"
    marked = mark(text, REGISTRY, REGION)
    assert resolve_target(ranker, text, marked, REGISTRY, REGION) == {
        "election": "pilbup-sukamaju-2029",
        "candidate": 1,
    }


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("jha' pele se nomer tello'", [3]),  # Madurese
        ("coblos urutan katalu", [3]),  # Banjar ordinal
        ("nomor urut 02 ✌️", [2, 2]),
        ("salam dua jari", [2]),
        ("nomer siji, sing biru", [1]),  # Javanese
        ("rapat di lantai 2 jam 3 sore", []),
    ],
)
def test_numbers_said_in_any_form_are_read(text: str, numbers: list[int]) -> None:
    assert spoken_numbers(fold(text)) == numbers


@pytest.mark.parametrize(
    ("text", "ends"),
    [
        ("coblos nang paling kanan, nang oranye", (False, True)),
        ("yang ijo, nomor paling buncit", (False, True)),
        ("pilih yang paling kiri saja", (True, False)),
        ("jalannya paling jelek se-kabupaten", (False, False)),
    ],
)
def test_a_post_can_point_at_the_first_or_last_candidate_by_ballot_position(text: str, ends: tuple[bool, bool]) -> None:
    assert ballot_ends(fold(text)) == ends


def test_role_words_of_one_group_match_each_other() -> None:
    assert "militer" in concepts_of(fold("Orang berseragam itu tempatnya di barak"))
    assert "militer" in concepts_of(fold("pensiunan jenderal TNI"))
    assert concepts_of(fold("mudah saja, jangan bosan")) == frozenset()  # "muda" and "bos" are words, not prefixes


SHARED = parse_registry("""
parties:
  - {abbr: PLS, name: Partai Lain Sekali, number: 9, colours: [ungu]}  # another region's ninth party
  - {abbr: PHB, name: Partai Hijau Bangsa, number: 9, aliases: [partai beringin hijau], colours: [hijau]}
  - {abbr: PKR, name: Partai Kuning Raya, colours: [kuning]}
elections:
  - id: pilwalkot-kaliwaru-2029
    name: Pemilihan Wali Kota Kaliwaru 2029
    level: walikota
    region: Kota Kaliwaru
    province: Jawa Timur
    voting_day: 2029-11-28
    candidates:
      - {number: 1, names: [Haryo Santoso], aliases: [Pak Insinyur], parties: [PHB], roles: [petahana wali kota]}
      - {number: 2, names: [Umi Rahma], parties: [PKR], roles: [dokter puskesmas]}
  - id: pilbup-lembana-2029
    name: Pemilihan Bupati Lembana 2029
    level: bupati
    region: Kabupaten Lembana
    province: Jawa Timur
    voting_day: 2029-11-28
    candidates:
      - number: 1
        names: [Achmad Fauzan]
        aliases: [Pak Insinyur]
        parties: [PHB]
        colours: [hijau]
        roles: [petahana wakil bupati, mantan kepala dinas PU]
      - number: 2
        names: [Moh Sholeh]
        parties: [PKR]
        colours: [kuning]
        roles: [petahana bupati, pensiunan birokrat]
""")
LEMBANA = "Kabupaten Lembana, Jawa Timur"


def in_lembana(text: str) -> dict[str, object] | None:
    """The trained ranker's target for a post by an ASN of Lembana, read against `SHARED`."""
    return trained_ranker().resolve(text, mark(text, SHARED, LEMBANA), SHARED, LEMBANA)


def test_a_nickname_two_regions_share_goes_to_the_candidate_of_the_asns_region() -> None:
    text = "Pak Insinyur lima tahun menghitung proyek, sekarang menghitung suara."
    marked = mark(text, SHARED, LEMBANA)
    assert marked.mentions[0].election_id == "pilwalkot-kaliwaru-2029"  # the matcher marks the first registered
    assert feature_of(text, "named") == {("pilwalkot-kaliwaru-2029", 1): 1, ("pilbup-lembana-2029", 1): 1}
    assert in_lembana(text) == {"election": "pilbup-lembana-2029", "candidate": 1}


def feature_of(text: str, name: str) -> dict[tuple[str, object], float]:
    """One feature's non-zero values for a post by an ASN of Lembana, by (election or "party", number or abbr)."""
    entities, x = candidate_features(text, mark(text, SHARED, LEMBANA), SHARED, LEMBANA)
    column = FEATURES.index(name)
    keys = [
        (str(e.target.get("election", "party")), e.target.get("candidate", e.target.get("party"))) for e in entities
    ]
    return {k: float(row[column]) for k, row in zip(keys, x, strict=True) if row[column]}


def test_a_party_number_two_registries_share_goes_to_the_party_standing_in_the_asns_region() -> None:
    text = "Besok jangan lupa, coblos partai nomor 9!"
    assert mark(text, SHARED, LEMBANA).mentions[0].party == "PLS"  # the matcher takes the first registered
    assert feature_of(text, "numbered") == {("party", "PLS"): 1, ("party", "PHB"): 1}
    assert in_lembana(text) == {"party": "PHB"}


def test_the_deputy_who_is_petahana_is_not_the_office_holder() -> None:
    assert in_lembana("Pak Bupati, lanjutkan lima tahun lagi!") == {"election": "pilbup-lembana-2029", "candidate": 2}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Besok ke TPS, pilihan sudah mantap 💛💛", {"election": "pilbup-lembana-2029", "candidate": 2}),
        ("#TolakPartaiHijauBangsa di dapil kita, cukup sudah", {"party": "PHB"}),
        ("partai beringin itu tiap pemilu cuma bagi kaos", {"party": "PHB"}),
    ],
)
def test_colour_emojis_hashtags_and_party_nicknames_point_at_their_entity(
    text: str, expected: dict[str, object]
) -> None:
    assert target_of(mark(text, SHARED, LEMBANA).mentions) is None  # nothing the matcher knows
    assert in_lembana(text) == expected


def _benchmark() -> object:
    path = Path(__file__).resolve().parent.parent / "benchmarks" / "targets.py"
    spec = importlib.util.spec_from_file_location("benchmark_targets", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("guess", "kind"),
    [
        (None, "no target"),
        ({"party": "PHB"}, "party vs candidate"),
        ({"election": "pilbup-sukamaju-2029", "candidate": 1}, "wrong candidate, right election"),
        ({"election": "pilgub-jateng-2029", "candidate": 2}, "wrong election"),
    ],
)
def test_the_benchmark_sorts_a_miss_by_how_it_is_wrong(guess: dict[str, object] | None, kind: str) -> None:
    gold = {"election": "pilbup-sukamaju-2029", "candidate": 2}
    assert _benchmark().miss_kind(gold, guess) == kind  # type: ignore[attr-defined]
