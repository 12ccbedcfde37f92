"""The word lists behind the matcher: what makes a number electoral, and which words name a level.

All patterns run on folded text (casefolded, diacritics removed; see `fold`).
"""

from __future__ import annotations

import re
import unicodedata

_NUM = r"(?P<n>0?[1-9]\d?|satu|dua|tiga|empat|lima|siji|loro|telu|hiji)(?![\d\w])"
_NOMOR = r"(?:no(?:mor|mer|\.)?|nmr|nr)\.?\s*(?:urut\s*)?"
_OPT_WHICH = r"(?:(?:yang|yg|nu|sing)\s+)?"

# Always electoral: "coblos 2", "nomor urut 02", "paslon 1", "capres no 3".
NUMBER_BEFORE = re.compile(
    r"(?<!\w)(?:coblos|nyoblos|nyoblo|dicoblos|contreng|centang|paslon|pasangan calon|pasangan|"
    r"capres|cawapres|cagub|cawagub|cabup|cawabup|cawalkot|cawawalkot|caleg|kandidat|"
    r"(?:no(?:mor|mer)?|nmr)\.?\s*urut)\s*" + _OPT_WHICH + rf"(?:{_NOMOR})?#?" + _NUM
)
# Electoral only when the post is about an election: "nomor 2", "no. 1", "#02", "salam 2 jari", "01 menang".
NUMBER_AFTER = (
    re.compile(rf"(?<!\w){_NOMOR}#?{_NUM}"),
    re.compile(r"(?<![\w/.:,-])#?(?P<n>0[1-9])(?![\d/.:,]\d)(?!\w)"),
    re.compile(rf"(?<!\w)salam\s+{_NUM}\s+jari"),
)
PARTY_NUMBER_BEFORE = re.compile(rf"(?<!\w)partai\s+(?:{_NOMOR})?{_NUM}")
FINGERS = re.compile(r"(?P<n>[☝👆✌🤟])\ufe0f?")

ELECTION_WORDS = re.compile(
    r"(?<!\w)(?:pemilu|pilpres|pilkada|pilgub|pilbup|pilwalkot|pileg|pemilihan|coblos\w*|nyoblos|contreng|"
    r"paslon|capres|cawapres|cagub|cawagub|cabup|cawabup|cawalkot|caleg|kampanye|tps|surat suara|"
    r"kotak suara|nomor urut|no urut|pilih\w*|milih|dukung\w*|salam \w+ jari|relawan|timses|tim sukses|"
    r"quick count|hitung cepat|real count|debat|kpu|bawaslu|putaran|menangkan|periode|golput)(?!\w)"
)

LEVEL_WORDS = {
    "presiden": re.compile(r"(?<!\w)(?:pilpres|capres|cawapres|presiden|wapres)(?!\w)"),
    "gubernur": re.compile(r"(?<!\w)(?:pilgub|cagub|cawagub|gubernur|wagub)(?!\w)"),
    "bupati": re.compile(r"(?<!\w)(?:pilbup|cabup|cawabup|bupati|wabup)(?!\w)"),
    "walikota": re.compile(r"(?<!\w)(?:pilwalkot|cawalkot|wali\s?kota|walkot|wawalkot)(?!\w)"),
    "legislatif": re.compile(r"(?<!\w)(?:pileg|caleg|dprd?|legislatif|dapil)(?!\w)"),
}


def fold(text: str) -> str:
    """Casefold and strip diacritics (é -> e), keeping emoji and punctuation."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
