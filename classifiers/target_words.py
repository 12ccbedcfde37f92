"""Word lists the target ranker reads beside the registry: how posts say numbers, colours and who someone is.

The matcher counts a number only in an electoral context; a post that names nobody still says "nomer tello'",
"urutan katalu" or ends with 🧡, and calls a retired general "orang berseragam" or "yang dari barak". These
lists turn such words into evidence for `classifiers/targets.py`. They are general Indonesian and regional
usage, not any registry's: an entity's own words come from its registry `roles`.
"""

from __future__ import annotations

import re

from classifiers.matcher_rules import fold

_Q = "['’]?"  # Madurese and Bugis words end in a glottal stop written as an apostrophe: tello', duwa'
# Cardinal numbers in Indonesian and the regional languages of the corpus and of real posts.
NUMBER_WORDS = {
    1: ("satu", "siji", "hiji", "settong", "sittong", "ciek", "seddi", "besik", "satunggal", "esa"),
    2: ("dua", "duwa", "loro", "duo", "kalih", "rua"),
    3: ("tiga", "telu", "tilu", "tello", "tellu", "tigo", "lhee", "talu", "tolu"),
    4: ("empat", "papat", "opat", "empa", "ampek", "eppa", "appa"),
    5: ("lima", "limo", "lema", "limang"),
    6: ("enam", "enem", "genep", "anam", "annang"),
}
# Ordinals: "ketiga", "kaduo", "katalu", "kapindho", "ka-3"
ORDINAL_WORDS = {1: ("pertama",), 2: ("kapindho", "kaping\\s*pindho")}  # "kedua", "katalu": a prefix and a number
_ORDINAL_PREFIX = r"(?:ke|ka)[- ]?"
_NUMBER_LEAD = r"(?:nomor|nomer|nombor|no|nmr|nr|urutan|urut|angka|kolom|paslon|pasangan|calon|jago|jagoan)"
FINGER_EMOJI = {"☝": 1, "👆": 1, "✌": 2, "🤟": 3}


def _alternatives(words: tuple[str, ...]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


def _number_value_patterns() -> tuple[tuple[re.Pattern[str], ...], dict[str, int]]:
    values: dict[str, int] = {}
    for number, words in NUMBER_WORDS.items():
        values.update(dict.fromkeys(words, number))
    body = rf"(?:0?(?P<digit>\d)|(?P<word>{_alternatives(tuple(values))}){_Q})"
    lead = rf"(?<!\w){_NUMBER_LEAD}\.?\s*(?:urut\s*)?(?:nomor\s*|no\.?\s*)?#?{body}(?!\w)"
    ordinal = rf"(?<!\w){_ORDINAL_PREFIX}(?:{body})"
    fingers_after = rf"(?<!\w)(?:salam\s+)?{body}\s+jari"
    fingers_before = rf"(?<!\w)jari\s+{body}"
    return tuple(re.compile(p) for p in (lead, ordinal, fingers_after, fingers_before)), values


_NUMBERS, _NUMBER_VALUES = _number_value_patterns()
_ORDINAL = re.compile("|".join(rf"(?<!\w)(?P<o{n}>{_alternatives(words)})(?!\w)" for n, words in ORDINAL_WORDS.items()))


def spoken_numbers(folded: str) -> list[int]:
    """Candidate numbers a post says in any form, electoral context or not: "nomer tello'", "urutan katalu",
    "dua jari", "ketiga", a finger emoji. A superset of the matcher's numbers; the ranker weighs it."""
    out = []
    for m in (m for rx in _NUMBERS for m in rx.finditer(folded)):
        digit, word = m.group("digit"), m.group("word")
        out.append(int(digit) if digit else _NUMBER_VALUES[word])
    for m in _ORDINAL.finditer(folded):
        out.extend(n for n in ORDINAL_WORDS if m.group(f"o{n}"))
    out.extend(value for ch, value in FINGER_EMOJI.items() if ch in folded for _ in range(folded.count(ch)))
    return [n for n in out if n > 0]


# "the last one on the ballot", "paling kanan": the highest number of its election; "paling kiri": number 1
_LAST = re.compile(r"(?<!\w)(?:paling|nomor|nomer|no|urutan)\s+(?:buncit|akhir|terakhir|belakang|kanan|bontot)(?!\w)")
_FIRST = re.compile(r"(?<!\w)(?:paling|nomor|nomer|urutan)\s+(?:kiri|awal|depan|pertama)(?!\w)")


def ballot_ends(folded: str) -> tuple[bool, bool]:
    """Whether the post points at the first and at the last candidate of the ballot by position."""
    return bool(_FIRST.search(folded)), bool(_LAST.search(folded))


# Colour emojis: supporters sign posts with their side's colour (🧡, 💚, 🔵).
COLOUR_EMOJI = {
    "oranye": "🧡🟠🔶", "hijau": "💚🟢🍏", "kuning": "💛🟡", "biru": "💙🔵🔷", "merah": "❤🔴♥🌹",
    "putih": "🤍⚪🏳", "hitam": "🖤⚫", "ungu": "💜🟣", "coklat": "🤎🟤", "pink": "🩷💗💖",
}  # fmt: skip


def colour_emoji_count(folded: str, colours: tuple[str, ...]) -> int:
    """How many emojis of these colours the post holds."""
    wanted = {fold(c).split()[0] for c in colours if c.strip()}
    return sum(folded.count(ch) for colour, chars in COLOUR_EMOJI.items() if colour in wanted for ch in chars)


# Who someone is, in groups of words people use interchangeably: a post calls a retired general "orang
# berseragam", "yang dari barak"; his roles say "pensiunan jenderal TNI". A word matches as a word's start.
CONCEPTS = {
    "militer": ("jenderal", "jendral", "tentara", "tni", "militer", "barak", "seragam", "berseragam", "prajurit",
                "panglima", "pangdam", "danrem", "dandim", "komando", "purnawirawan", "grak", "loreng",
                "pasukan", "serdadu", "perwira", "kolonel", "baris", "tantara"),
    "polisi": ("polisi", "polri", "kapolres", "kapolda", "kapolsek", "polres", "polda", "bhayangkara", "reserse"),
    "guru": ("guru", "mengajar", "ngajar", "ngajari", "maajari", "sekolah", "kepsek", "murid", "rumus", "pengajar"),
    "akademisi": ("profesor", "prof", "rektor", "dosen", "doktor", "kampus", "universitas", "akademisi",
                  "ilmuwan", "akademik", "sarjana", "peneliti"),
    "kesehatan": ("dokter", "rumah sakit", "puskesmas", "bidan", "perawat", "medis", "pasien", "spesialis", "rsud"),
    "ulama": ("kiai", "kyai", "ustadz", "ustad", "ulama", "pesantren", "pondok", "santri", "lora", "habib",
              "majelis", "buya", "ajengan", "tuan guru", "ponpes", "nyai", "teungku", "tengku", "khatib"),
    "pengusaha": ("pengusaha", "juragan", "bos", "saudagar", "bisnis", "perusahaan", "konglomerat", "tauke",
                  "toke", "pemodal", "usaha", "toko", "cukong", "kontraktor"),
    "birokrat": ("sekda", "birokrat", "kadis", "kepala dinas", "pejabat", "eselon", "camat", "birokrasi",
                 "sekretaris daerah", "pns", "kepala badan"),
    "perempuan": ("perempuan", "wanita", "srikandi", "emak", "ibu-ibu", "kartini", "bunda"),
    "muda": ("muda", "milenial", "gen z", "anak muda", "pemuda", "bocah", "anak kemarin"),
    "hiburan": ("artis", "penyanyi", "aktor", "aktris", "selebriti", "seleb", "pelawak", "youtuber", "selebgram",
                "influencer", "konten", "tiktok", "pesinetron", "biduan", "dangdut"),
    "hukum": ("pengacara", "advokat", "hakim", "jaksa", "lawyer", "notaris"),
    "tani": ("petani", "tani", "sawah", "nelayan", "kebun", "pekebun", "ladang", "peternak"),
    "infrastruktur": ("insinyur", "pupr", "jalan", "jembatan", "aspal", "proyek", "infrastruktur", "drainase"),
    "media": ("wartawan", "jurnalis", "pemred", "redaktur", "media"),
    "aktivis": ("aktivis", "lsm", "demo", "mahasiswa", "buruh", "serikat", "organisatoris"),
    "dinasti": ("dinasti", "putra mahkota", "anak bupati", "anak gubernur", "anak wali", "menantu", "trah",
                "anak pejabat", "istri bupati", "istri gubernur", "keluarga penguasa"),
    "petahana": ("petahana", "incumbent", "dua periode", "periode kedua", "lanjutkan", "menjabat"),
    "mantan": ("mantan", "eks", "bekas", "pensiunan", "purna"),
}  # fmt: skip


def _group_patterns(groups: dict[str, tuple[str, ...]], suffix: str = "") -> dict[str, re.Pattern[str]]:
    """One regex per group: any of its words as a whole word (with `suffix` allowed after it)."""
    return {
        name: re.compile(r"(?<!\w)(?:" + _alternatives(tuple(re.escape(w) for w in words)) + rf"){suffix}(?!\w)")
        for name, words in groups.items()
    }


_CONCEPT_PATTERNS = _group_patterns(CONCEPTS, suffix="(?:nya|ku|mu)?")  # "jenderalnya", but not "bosan"


def concepts_of(folded: str) -> frozenset[str]:
    """The groups whose words a (folded) text uses."""
    return frozenset(name for name, rx in _CONCEPT_PATTERNS.items() if rx.search(folded))


# Which office a post is about, in looser words than the matcher's level words ("cagub", "pilwalkot"):
# "Pak Wali", "kunci provinsi", "anggota dewan", "istana". Weaker evidence, so a separate feature.
LEVEL_HINTS = {
    "presiden": ("istana", "negara", "nasional", "kabinet", "menteri", "ri 1", "ri satu", "republik", "bangsa"),
    "gubernur": ("provinsi", "pemprov", "gub", "wagub", "gubernuran", "pak gub"),
    "bupati": ("kabupaten", "pemkab", "bup", "kab", "pendopo", "regent"),
    "walikota": ("kota", "pemkot", "wali", "wako", "wawali", "walkot", "balai kota", "balaikota"),
    "legislatif": ("dewan", "caleg", "dprd", "dpr", "senayan", "dapil", "wakil rakyat", "legislator", "dpd",
                   "anggota dewan", "fraksi", "parlemen", "aspirasi"),
}  # fmt: skip
_LEVEL_HINT_PATTERNS = _group_patterns(LEVEL_HINTS)


def level_hints(folded: str) -> frozenset[str]:
    """The election levels a post's looser words point at."""
    return frozenset(level for level, rx in _LEVEL_HINT_PATTERNS.items() if rx.search(folded))


# Offices and titles people shorten; role similarity reads both sides with them spelt out.
ABBREVIATIONS = {
    "wagub": "wakil gubernur", "cawagub": "calon wakil gubernur", "wabup": "wakil bupati",
    "cawabup": "calon wakil bupati", "wawali": "wakil wali kota", "wawalkot": "wakil wali kota",
    "walkot": "wali kota", "wako": "wali kota", "cawalkot": "calon wali kota", "cagub": "calon gubernur",
    "cabup": "calon bupati", "kadis": "kepala dinas", "kades": "kepala desa", "kapolres": "kepala polres",
    "kapolda": "kepala polda", "sekda": "sekretaris daerah", "kepsek": "kepala sekolah", "capres": "calon presiden",
    "cawapres": "calon wakil presiden", "wapres": "wakil presiden", "purn": "purnawirawan", "dr": "dokter",
    "pns": "pegawai negeri", "caleg": "calon legislatif", "dewan": "dprd",
}  # fmt: skip
_ABBREVIATION = re.compile(r"(?<!\w)(" + _alternatives(tuple(ABBREVIATIONS)) + r")(?!\w)")


def spelt_out(folded: str) -> str:
    """The text with common abbreviations of offices and titles written in full: "pak wagub" -> "pak wakil gubernur"."""
    return _ABBREVIATION.sub(lambda m: ABBREVIATIONS[m.group(1)], folded)
