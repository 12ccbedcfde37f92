"""The registry matcher: mentions found, marked name-free, numbers only in an electoral context."""

from __future__ import annotations

import pytest

from classifiers.elections import parse_registry
from classifiers.matcher import mark, target_of

REGISTRY = parse_registry("""
parties:
  - {abbr: PSB, name: Partai Suara Bangsa, number: 4, aliases: [Suara Bangsa], colours: [biru laut]}
  - {abbr: PRM, name: Partai Rakyat Merdeka, number: 3}
elections:
  - id: pilwalkot-seruni-2029
    name: Pemilihan Wali Kota Seruni 2029
    level: walikota
    region: Kota Bandar Seruni
    voting_day: 2029-11-27
    candidates:
      - number: 1
        names: [Andi Wijaya, Sari Dewi]
        aliases: [AnSa, Bang Andi]
        taglines: [Seruni Harapan Baru]
        hashtags: ["#AnSa01"]
        parties: [PSB]
      - number: 2
        names: [Teguh Santosa, Maya Anggraini]
        aliases: [TeMa, Pak Teguh]
        parties: [PRM]
  - id: pilgub-priangan-2029
    name: Pemilihan Gubernur Priangan 2029
    level: gubernur
    region: Provinsi Priangan Raya
    voting_day: 2029-11-27
    candidates:
      - number: 1
        names: [Asep Kurniawan]
        aliases: [Kang Asep]
      - number: 2
        names: [Dadang Suherman]
""")


def kinds(text: str, region: str | None = None) -> list[tuple[str, str, int | None]]:
    return [(m.kind, m.text, m.candidate) for m in mark(text, REGISTRY, region).mentions]


@pytest.mark.parametrize(
    "text",
    ["coblos 2 ya", "nomor urut 02 pasti menang", "paslon 1 mantap", "Coblos yg nomer 2 aja", "cawalkot no. 2"],
)
def test_numbers_in_electoral_context_are_found(text: str) -> None:
    found = [k for k in kinds(text) if k[0] == "number"]
    assert len(found) == 1


@pytest.mark.parametrize(
    "text",
    ["juara 2 ✌️ lomba mewarnai", "kantor pindah ke lantai 2", "rumah nomor 2 dijual", "menang 2-1 ✌️", "jam 02.00"],
)
def test_numbers_outside_elections_are_ignored(text: str) -> None:
    assert kinds(text) == []
    assert mark(text, REGISTRY).text == text


def test_finger_emoji_counts_only_near_election_words() -> None:
    assert kinds("pilkada nanti pokoknya ✌️") == [("finger", "✌️", 2)]
    assert kinds("foto wisuda ✌️ bareng sahabat") == []
    assert mark("salam dua jari pilkada ✌️", REGISTRY).text.count("[NOMOR-A]") == 2


def test_names_aliases_hashtags_taglines_are_marked_without_names() -> None:
    marked = mark("Ayo dukung ANDI WIJAYA! #AnSa01 Seruni Harapan Baru, bang andi mantap", REGISTRY)
    assert "[CALON-A]" in marked.text and "[TAGAR-A]" in marked.text and "[TAGLINE-A]" in marked.text
    assert "andi" not in marked.text.lower()
    assert {m.kind for m in marked.mentions} == {"name", "hashtag", "tagline", "alias"}
    assert target_of(marked.mentions) == {"election": "pilwalkot-seruni-2029", "candidate": 1}


def test_diacritics_and_spacing_do_not_hide_a_name() -> None:
    assert kinds("Andí   Wijàya") == [("name", "Andí   Wijàya", 1)]
    assert kinds("#TeguhSantosa menang") == [("hashtag", "#TeguhSantosa", 2)]


def test_namesake_first_name_alone_is_not_a_mention() -> None:
    assert kinds("Pak Andi tetangga sebelah jualan bakso") == []


def test_two_candidates_get_different_letters_in_order() -> None:
    marked = mark("Pilih Pak Teguh, jangan Andi Wijaya", REGISTRY)
    assert marked.text == "Pilih [CALON-A], jangan [CALON-B]"
    assert target_of(marked.mentions) == {"election": "pilwalkot-seruni-2029", "candidate": 2}


def test_overlapping_names_prefer_the_longest() -> None:
    marked = mark("Bang Andi Wijaya", REGISTRY)
    assert len(marked.mentions) == 1 and marked.mentions[0].text in {"Bang Andi", "Andi Wijaya"}


def test_number_election_resolved_by_level_word_region_or_other_mentions() -> None:
    assert mark("cagub nomor urut 2 mantap", REGISTRY).mentions[0].election_id == "pilgub-priangan-2029"
    assert mark("cawalkot nomor urut 2 mantap", REGISTRY).mentions[0].election_id == "pilwalkot-seruni-2029"
    assert mark("coblos 2!", REGISTRY, region="Priangan Raya").mentions[0].election_id == "pilgub-priangan-2029"
    assert mark("Kang Asep nomor urut 1", REGISTRY).mentions[1].election_id == "pilgub-priangan-2029"
    assert mark("coblos 2!", REGISTRY).mentions[0].election_id is None  # two elections have a 2: unknown


def test_parties_by_abbr_name_number_and_colour_in_context() -> None:
    marked = mark("Coblos partai nomor 4, Suara Bangsa menang! pakai biru laut", REGISTRY)
    assert {(m.kind, m.party) for m in marked.mentions} == {
        ("party_number", "PSB"),
        ("party", "PSB"),
        ("colour", "PSB"),
    }
    assert target_of(marked.mentions) == {"party": "PSB"}
    assert kinds("langitnya biru laut banget hari ini") == []


def test_offsets_map_back_to_original_text() -> None:
    text = "Ayo coblos Andi Wijaya no 1 ☝️ sekarang"
    marked = mark(text, REGISTRY)
    start = marked.text.index("sekarang")
    assert marked.original_span(start, start + len("sekarang")) == (text.index("sekarang"), len(text))
    m = marked.text.index("[CALON-A]")
    assert text[slice(*marked.original_span(m, m + 9))] == "Andi Wijaya"
    for mention in marked.mentions:
        assert text[mention.start : mention.end] == mention.text


def test_region_is_marked() -> None:
    assert mark("Pilkada Bandar Seruni damai", REGISTRY).text == "Pilkada [DAERAH] damai"


def test_folding_ascii_fast_path_matches_per_character_folding() -> None:
    from classifiers.matcher import fold_with_index
    from classifiers.matcher_rules import fold

    for text in ["Ayo COBLOS Andi-Wijaya no. 2!", "ÁNDI Wíjaya ✌️ ﬁx", "", "İ Straße"]:
        folded, index = fold_with_index(text)
        assert folded == "".join(fold(ch) for ch in text)
        assert len(index) == len(folded) and all(folded[i] in fold(text[index[i]]) for i in range(len(folded)))


def test_a_party_number_written_as_a_word_is_read_not_a_crash() -> None:
    # "partai telu" (Javanese: party three) raised ValueError in int(), failing the whole scoring batch
    marked = mark("pokoke partai telu, ojo lali", REGISTRY)
    assert [(m.kind, m.party) for m in marked.mentions] == [("party_number", "PRM")]
    assert mark("partai lima menang", REGISTRY).mentions == []  # no party has number five


HATI = parse_registry("""
elections:
  - id: pilwalkot-seruni-2029
    name: Pemilihan Wali Kota Seruni 2029
    level: walikota
    region: Kota Bandar Seruni
    voting_day: 2029-11-27
    candidates:
      - number: 1
        names: [Hendra Tirta]
        aliases: [HATI, Pak Hendra]
""")


def test_an_acronym_that_is_a_word_counts_only_in_capitals() -> None:
    found = lambda text: [(m.kind, m.text) for m in mark(text, HATI).mentions]  # noqa: E731
    assert found("Hati-hati di jalan, sama-sama jaga kota") == []
    assert found("Pilih HATI, pilih yang peduli") == [("alias", "HATI")]
    assert found("#hati01 menang!") == []  # not a registered hashtag: only '#' + a name or an alias counts
    assert found("Dukung #HATI!") == [("hashtag", "#HATI")]
