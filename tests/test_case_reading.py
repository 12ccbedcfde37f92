"""What a supervisor reads about a flag (issue 16, items 1-2): the one-line reason, the registry mentions
marked apart from the model's phrases, and names (not slugs, not SKB codes) on the queue and case pages."""

from __future__ import annotations

from datetime import date

from bs4 import BeautifulSoup
from sqlalchemy import Engine
from sqlmodel import Session

from classifiers.skb import ARTICLES
from monitor.models import Candidate, Party
from monitor.registry.names import RegistryNames, Target, election_title, pair_names
from review_ui.highlight import highlight_post
from review_ui.reason import decimal, reason_line, skb_text, target_text
from tests.utils.factories import make_case, make_election, make_post, make_score
from tests.utils.review import login, make_client, seed_world

NAMES = RegistryNames(
    elections={"pilwalkot-harapanjaya-2026": "Pilwalkot Harapan Jaya 2026"},
    candidates={("pilwalkot-harapanjaya-2026", 1): "Andi Wijaya–Sari Dewi"},
    parties={"PKN": "Partai Karya Nusantara"},
)
CANDIDATE_1 = Target("pilwalkot-harapanjaya-2026", 1)


def test_reason_line_names_the_act_the_candidate_the_election_and_the_score() -> None:
    line = reason_line("id", label="dukungan", category="ajakan_memilih", target=CANDIDATE_1, names=NAMES, score=0.987)
    assert line == "Ajakan memilih calon no. 1 Andi Wijaya–Sari Dewi (Pilwalkot Harapan Jaya 2026) · skor 0,99"
    english = reason_line(
        "en", label="dukungan", category="ajakan_memilih", target=CANDIDATE_1, names=NAMES, score=0.987
    )
    assert (
        english == "Call to vote for candidate no. 1 Andi Wijaya–Sari Dewi (Pilwalkot Harapan Jaya 2026) · score 0.99"
    )


def test_reason_line_for_attacks_parties_and_labels_without_category() -> None:
    attack = reason_line("id", label="serangan", category="ajakan_memilih", target=CANDIDATE_1, names=NAMES, score=0.9)
    assert attack.startswith("Ajakan tidak memilih calon no. 1 Andi Wijaya–Sari Dewi")
    party = reason_line("id", label="dukungan", category=None, target=Target(party="PKN"), names=NAMES, score=0.8)
    assert party == "Dukungan untuk partai PKN (Partai Karya Nusantara) · skor 0,80"
    unnamed = reason_line(
        "id", label="serangan", category="kampanye_hitam", target=Target("pilwalkot-harapanjaya-2026", 3),
        names=NAMES, score=0.75,
    )  # fmt: skip
    assert unnamed == "Serangan terhadap calon no. 3 (Pilwalkot Harapan Jaya 2026) · skor 0,75"


def test_reason_line_says_plainly_when_no_target_is_known() -> None:
    line = reason_line("id", label="dukungan", category="komentar_dukungan", target=Target(), names=NAMES, score=0.91)
    assert line == "Memberikan dukungan di media sosial (posting, komentar, like) · sasaran tidak diketahui · skor 0,91"
    bare = reason_line("en", label="serangan", category=None, target=Target(), names=NAMES, score=0.5)
    assert bare == "Attack · target unknown · score 0.50"


def test_names_decimals_and_skb_articles() -> None:
    assert election_title("Pilwalkot Harapan Jaya", date(2026, 11, 25)) == "Pilwalkot Harapan Jaya 2026"
    assert election_title("Pilpres 2029", date(2029, 2, 14)) == "Pilpres 2029"
    assert pair_names(["Andi Wijaya", " Sari Dewi "]) == "Andi Wijaya–Sari Dewi"
    assert decimal("id", 0.5) == "0,50" and decimal("en", 0.5) == "0.50"
    assert NAMES.election("unknown-slug") == "unknown-slug"  # an election no longer listed: never blank
    assert target_text("id", Target(), NAMES) == "sasaran tidak diketahui"
    text = skb_text("id", "ajakan_memilih")
    assert text.startswith("Mengajak memilih") and "PP 94/2021 Pasal 5 huruf n" in text
    assert set(ARTICLES) == {"ajakan_memilih", "atribut_kampanye", "hadir_kampanye", "membagikan_konten",
                             "komentar_dukungan", "kampanye_hitam"}  # fmt: skip
    assert skb_text("id", None) == "-"


def test_highlight_marks_mentions_and_model_phrases_apart_and_escapes() -> None:
    text = "Coblos <b>Bang Andi</b> nanti 💪 #AnSa01"
    andi = text.index("Bang Andi")
    tag = text.index("#AnSa01")
    mentions = [
        {"start": andi, "end": andi + 9, "kind": "alias"},
        {"start": tag, "end": tag + 7, "kind": "hashtag"},
    ]
    nanti = text.index("nanti")
    spans = [
        {"start": nanti, "end": nanti + 5, "kind": "model"},
        {"start": andi - 1, "end": andi + 4, "kind": "model"},  # overlaps a mention: the mention wins there
        {
            "start": andi,
            "end": andi + 9,
            "kind": "mention",
            "mention": "alias",
        },  # stored in spans too: not a model mark
    ]
    soup = BeautifulSoup(str(highlight_post(text, mentions, spans, "id")), "html.parser")
    assert [m.text for m in soup.select("mark.mention")] == ["Bang Andi", "#AnSa01"]
    assert [m.text for m in soup.select("mark.model")] == [">", "nanti"]
    assert soup.select_one("mark.mention")["title"] == "Alias calon"
    assert soup.find("b") is None and soup.text == text  # escaped, and no character lost


def _world_with_registry(engine: Engine) -> tuple[int, int]:
    world = seed_world(engine, n_cases=1)
    text = "Besok coblos nomor 1 ya, Bang Andi dan Mbak Sari! #AnSa01 💪"
    with Session(engine) as s:
        make_election(s, id="pilwalkot-harapanjaya-2026", name="Pilwalkot Harapan Jaya", voting_day=date(2026, 11, 25))
        s.add(Candidate(election_id="pilwalkot-harapanjaya-2026", number=1, names=["Andi Wijaya", "Sari Dewi"]))
        s.add(Party(abbr="PKN", name="Partai Karya Nusantara"))
        post = make_post(s, text=text)
        mentions = [
            {"start": text.index("nomor 1"), "end": text.index("nomor 1") + 7, "kind": "number"},
            {"start": text.index("Bang Andi"), "end": text.index("Bang Andi") + 9, "kind": "alias"},
            {"start": text.index("#AnSa01"), "end": text.index("#AnSa01") + 7, "kind": "hashtag"},
        ]
        score = make_score(
            s, post, target_election_id="pilwalkot-harapanjaya-2026", skb_category="ajakan_memilih",
            probabilities={"netral": 0.01, "dukungan": 0.99, "serangan": 0.0}, mentions=mentions,
            spans=[{"start": text.index("💪"), "end": text.index("💪") + 1, "kind": "model"}],
        )  # fmt: skip
        case = make_case(s, post, score_row=score, score=0.99)
        s.commit()
        assert case.id is not None
        return world.agency_a, case.id


def test_case_page_shows_reason_mentions_legend_names_and_skb_article(engine: Engine) -> None:
    _, case_id = _world_with_registry(engine)
    client = login(make_client(engine), "admin@example.go.id")
    soup = BeautifulSoup(client.get(f"/cases/{case_id}").text, "html.parser")
    reason = soup.select_one("#reason").text
    assert "Ajakan memilih calon no. 1 Andi Wijaya–Sari Dewi (Pilwalkot Harapan Jaya 2026) · skor 0,99" in reason
    assert [m.text for m in soup.select("#post-text mark.mention")] == ["nomor 1", "Bang Andi", "#AnSa01"]
    assert [m.text for m in soup.select("#post-text mark.model")] == ["💪"]
    legend = soup.select_one("#legend")
    assert legend.select_one("mark.mention") is not None and legend.select_one("mark.model") is not None
    assert soup.select_one("#target").text == "calon no. 1 Andi Wijaya–Sari Dewi (Pilwalkot Harapan Jaya 2026)"
    skb = soup.select_one("#skb").text
    assert "ajakan_memilih" not in skb and "Mengajak memilih" in skb and "PP 94/2021" in skb
    assert "pilwalkot-harapanjaya-2026" not in soup.select_one("main").text


def test_queue_shows_election_and_candidate_names_not_slugs(engine: Engine) -> None:
    _, case_id = _world_with_registry(engine)
    client = login(make_client(engine), "admin@example.go.id")
    soup = BeautifulSoup(client.get("/cases").text, "html.parser")
    row = soup.select_one(f'tr[data-href="/cases/{case_id}"]')
    assert row.select_one(".target").text == "calon no. 1 Andi Wijaya–Sari Dewi (Pilwalkot Harapan Jaya 2026)"
    option = soup.select_one('select[name="election"] option[value="pilwalkot-harapanjaya-2026"]')
    assert option.text == "Pilwalkot Harapan Jaya 2026"
    assert "pilwalkot-harapanjaya-2026" not in soup.select_one("table.queue").text
