"""Who a partisan post is about: rank every candidate and party of the registry, pick the best.

Half of the partisan posts in the hand-written corpus name nobody: "pensiunan tentara itu", "ibu dokter",
"yang oranye-oranye", "si tiga periode". The matcher finds only names, aliases, numbers, hashtags, taglines,
colours and parties, so a rule on its mentions alone named the right target on 37 % of the partisan posts
of the training authors. Here each entity gets evidence features — its mentions (a nickname several
registries share counts for all who carry it), its numbers however they are said ("nomer tello'", "urutan
katalu"), its colours as words and emojis, its party ("partai jukung", "#TolakPartaiBanua"), how closely the
post's words match the registry's `roles` (who the candidate is, in the words people use, with groups of
related words: "barak" ~ "jenderal"), the election level words, the ASN's region and province — and a
conditional logit (classifiers/listwise.py), fitted on the training authors' gold targets, weighs them.
The entity with the highest score is the target. Word lists: `classifiers/target_words.py`.

A version keeps the weights in `targets.json` (plain numbers, safe to load), with the names of the features
they are for: older versions keep ranking with their own features; weights for a feature this code does not
compute fall back to `matcher.target_of`. Pure functions apart from `save_ranker`/`load_ranker`.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from classifiers.elections import ElectionSpec, RegistrySpec
from classifiers.listwise import fit_conditional_logit
from classifiers.matcher import Marked, Mention, target_of
from classifiers.matcher_rules import LEVEL_WORDS, fold
from classifiers.target_words import (
    ballot_ends,
    colour_emoji_count,
    concepts_of,
    level_hints,
    spelt_out,
    spoken_numbers,
)

FILENAME = "targets.json"
L2 = 0.1  # the conditional logit's weight penalty, chosen on the dev authors (benchmarks/targets.py)
SHORTLIST = 12  # entities kept by role similarity alone, beside every entity a mention points at

FEATURES = (
    "named", "numbered", "number_ambiguous", "colour", "party_of", "role_word", "role_char", "role_quote",
    "role_best", "level", "region", "is_party", "is_party_x_partai_word", "first_named", "only_entity",
    "in_region", "colour_word", "partai_colour", "incumbent", "named_shared", "spoken_number", "colour_emoji",
    "concept", "level_hint", "election_named", "level_presiden", "level_gubernur", "level_bupati",
    "level_walikota", "level_legislatif", "partai_name", "in_hashtag", "name_word", "region_word", "in_province", "named_region_elsewhere",
    "party_and_number", "ballot_end",
)  # fmt: skip
LEVELS = ("presiden", "gubernur", "bupati", "walikota", "legislatif")

_NAMED = {"name", "alias", "tagline", "hashtag"}
_PARTAI = re.compile(r"(?<!\w)(?:partai|parpol|party)(?!\w)")
_QUOTED = re.compile(r"\"([^\"]{3,})\"")
# How a post speaks of whoever holds the office now ("Pak Bupati", "wali kota kita", "petahana"): the incumbent.
_HOLDER = r"(?:pak|bu|ibu|bapak|om|abah|uda|bang)\s+"
_OFFICE_NOW = {
    "bupati": re.compile(rf"(?<!\w)(?:{_HOLDER}(?:bupati|bup)|bupati\s+(?:kita|sekarang|kami))(?!\w)"),
    "walikota": re.compile(rf"(?<!\w)(?:{_HOLDER}(?:wali|wako|walkot|wali\s?kota)|wali\s?kota\s+(?:kita|sekarang|kami))(?!\w)"),
    "gubernur": re.compile(rf"(?<!\w)(?:{_HOLDER}(?:gub|gubernur)|gubernur\s+(?:kita|sekarang|kami))(?!\w)"),
    "presiden": re.compile(rf"(?<!\w)(?:{_HOLDER}presiden|presiden\s+(?:kita|sekarang))(?!\w)"),
    "legislatif": re.compile(rf"(?<!\w)(?:{_HOLDER}dewan|anggota\s+dewan|(?:dua|tiga|tigo|telung|rong)\s+periode)(?!\w)"),
}  # fmt: skip
# a role saying the candidate holds the office now; "petahana wakil wali kota" is the deputy, not the holder
_HOLDS_OFFICE = re.compile(r"(?<!\w)petahana(?!\s+(?:wakil|wawali|wabup|wagub))")
_INCUMBENT = re.compile(
    r"(?<!\w)(?:petahana|incumbent|periode\s+(?:kedua|kaduo|kapindho)|lanjutkan|lanjut(?:kan)?\s+\w+)(?!\w)"
)


@dataclass(frozen=True)
class Entity:
    key: tuple[str, ...]  # ("c", election id, number) or ("p", party abbr)
    target: dict[str, object]
    level: str | None
    election_id: str | None
    parties: tuple[str, ...]
    incumbent: bool  # holds the office now (its roles say "petahana")
    profile: str  # the words that describe it, for role similarity
    quotes: tuple[str, ...]  # folded nicknames quoted in its roles
    colours: re.Pattern[str] | None  # its colours as words, regional spellings included
    elections: tuple[str, ...]  # the elections it stands in (a party: those of its candidates)
    number: int | None  # a candidate's ballot number
    last: bool  # the highest number of its election: "paling kanan", "nomor buncit"
    colour_names: tuple[str, ...]
    concepts: frozenset[str]  # the groups of words its profile uses (target_words.CONCEPTS)
    name_words: frozenset[str]  # the words of its names and aliases ("partai jukung" -> "jukung"), colours too
    tags: tuple[str, ...]  # its names as a hashtag's body would hold them: "#TolakPartaiBanua", "#TolakRNS"
    region_words: frozenset[str]  # the distinctive words of its election's region: "sekar", "pesisir"


def _quotes(roles: Sequence[str]) -> tuple[str, ...]:
    return tuple(fold(q).strip() for r in roles for q in _QUOTED.findall(r))


# How colours are written in the regional languages of the corpus and of real posts.
_COLOUR_SPELLINGS = {
    "hijau": ("hijau", "ijo", "ijau", "hejo", "ijoe", "hijo"), "merah": ("merah", "abang", "mirah", "abeng", "mera", "marun", "maroon"),
    "kuning": ("kuning", "koneng", "kunyit"), "biru": ("biru", "bhiru", "biruu"), "putih": ("putih", "putieh", "pote", "bodas", "putiah"),
    "hitam": ("hitam", "ireng", "hideung", "itam", "hitaam"), "oranye": ("oranye", "orange", "oren", "orens", "jingga"),
    "ungu": ("ungu", "unggu", "purple"), "coklat": ("coklat", "cokelat"), "pink": ("pink", "merah muda"),
}  # fmt: skip


def _colour_pattern(colours: Sequence[str]) -> re.Pattern[str] | None:
    words = {w for c in colours for w in _COLOUR_SPELLINGS.get(fold(c).split()[0] if c.strip() else "", ())}
    words |= {fold(c) for c in colours if c.strip()}
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + r")(?!\w)")


_GENERIC = {"partai", "pak", "bu", "ibu", "bapak", "mas", "mbak", "bang", "paslon", "kak", "cak", "om", "haji", "prof"}


def _name_words(values: Sequence[str]) -> frozenset[str]:
    return frozenset(w for v in values for w in re.findall(r"\w+", fold(v)) if len(w) >= 3 and w not in _GENERIC)


_REGION_KINDS = {"kota", "kabupaten", "kab", "provinsi", "dapil", "dan", "daerah", "pemilihan", "raya", "utara",
                 "selatan", "barat", "timur", "tengah", "indonesia"}  # fmt: skip


def _region_words(region: str) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"[a-z]+", fold(region)) if len(w) >= 4 and w not in _REGION_KINDS)


def _tags(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t for v in values if len(t := re.sub(r"\W", "", fold(v))) >= 3))


@lru_cache(maxsize=64)
def _entities(registry: RegistrySpec) -> tuple[Entity, ...]:
    out: list[Entity] = []
    stands: dict[str, list[str]] = {}
    for e in registry.elections:
        for c in e.candidates:
            words = [*c.roles, *c.taglines, *c.colours]
            for abbr in c.parties:
                stands.setdefault(abbr, []).append(e.id)
            out.append(Entity(
                ("c", e.id, str(c.number)), {"election": e.id, "candidate": c.number}, e.level, e.id, c.parties,
                any(_HOLDS_OFFICE.search(fold(r)) for r in c.roles), fold(" ; ".join(words)), _quotes(c.roles), _colour_pattern(c.colours), (e.id,),
                c.number, c.number == max(x.number for x in e.candidates), c.colours, concepts_of(fold(" ; ".join(c.roles))), _name_words((*c.names, *c.aliases)),
                _tags((*c.names, *c.aliases)), _region_words(e.region if not e.is_national else ""),
            ))  # fmt: skip
    for p in registry.parties:
        out.append(Entity(("p", p.abbr), {"party": p.abbr}, None, None, (p.abbr,), False,
                          fold(" ; ".join(["partai", *p.colours])), (), _colour_pattern(p.colours),
                          tuple(dict.fromkeys(stands.get(p.abbr, ()))), None, False, p.colours, frozenset(),
                          _name_words((p.name, *p.aliases, *p.colours)), _tags((p.abbr, p.name, *p.aliases)), frozenset()))  # fmt: skip
    return tuple(out)


def _surface(text: str) -> str:
    """A name as the matcher compares it: folded, without the spaces, dots, dashes and underscores between words."""
    return re.sub(r"[\s._-]+", "", fold(text))


@lru_cache(maxsize=64)
def _surfaces(registry: RegistrySpec) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Every entity a name, alias, tagline or hashtag can stand for. Registries of different regions share
    nicknames ("Pak Insinyur", "#HARUM01"); the matcher marks one of them, the ranker weighs them all."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for e in registry.elections:
        for c in e.candidates:
            key = ("c", e.id, str(c.number))
            derived = ["#" + re.sub(r"\W", "", v) for v in (*c.names, *c.aliases)]
            for value in (*c.names, *c.aliases, *c.taglines, *c.hashtags, *derived):
                out.setdefault(_surface(value), []).append(key)
    return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}


@lru_cache(maxsize=64)
def _profiles(registry: RegistrySpec) -> tuple[TfidfVectorizer, TfidfVectorizer, np.ndarray, np.ndarray]:
    """Word and character TF-IDF of each entity's profile; IDF over the registry, so shared words weigh little."""
    texts = [spelt_out(e.profile) or "-" for e in _entities(registry)]
    word = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit(texts)
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True).fit(texts)
    return word, char, word.transform(texts).toarray(), char.transform(texts).toarray()


@dataclass(frozen=True)
class _Post:
    """What a post says, read once; each ranked entity's features compare it with the entity."""

    folded: str
    marked: Marked
    role_word: np.ndarray  # per entity of the registry
    role_char: np.ndarray
    pointed: list[tuple[Mention, set[tuple[str, ...]]]]  # each mention with every entity it can stand for
    named: list[set[tuple[str, ...]]]  # the same for the name/alias/tagline/hashtag mentions
    keys: set[tuple[str, ...]]  # every entity a mention points at
    covered: set[str]  # the elections of the ASN's region
    nearby: set[str]  # the other elections of the ASN's province: a neighbouring regency's race
    levels: set[str]
    hinted: frozenset[str]
    office_now: set[str]
    incumbent_word: bool
    partai_word: bool
    after_partai: list[str]  # what follows each "partai": "partai ijo", "partai nang kuning"
    partai_next: list[str]  # the first word after each "partai"
    spoken: list[int]
    ends: tuple[bool, bool]  # points at the first / the last of the ballot by position
    concepts: frozenset[str]
    hashtags: list[str]  # bodies, folded
    words: set[str]
    named_elections: list[str]  # the elections the post's mentions name (a candidate, a number, a region)


def _also_meant(m: Mention, registry: RegistrySpec) -> set[tuple[str, ...]]:
    """The other entities a mention can stand for. The matcher marks one; registries of different regions share
    nicknames ("Pak Insinyur"), colours, and party numbers (each author's "partai nomor 9")."""
    if m.kind in _NAMED:
        return set(_surfaces(registry).get(_surface(m.text), ()))
    if m.kind == "party_number":
        number = int(m.text) if m.text.isdigit() else None
        return {("p", p.abbr) for p in registry.parties if number is not None and p.number == number}
    if m.kind == "colour":
        said = fold(m.text)
        return {e.key for e in _entities(registry) if e.colours is not None and e.colours.fullmatch(said)}
    return set()


def _read_post(text: str, marked: Marked, registry: RegistrySpec, region: str | None) -> _Post:
    folded = fold(text)
    word, char, word_m, char_m = _profiles(registry)
    pointed = [
        (m, set(_keys_of(m.election_id, m.candidate, m.party)) | _also_meant(m, registry)) for m in marked.mentions
    ]
    after_partai = [folded[m.end() :].lstrip(" :-") for m in _PARTAI.finditer(folded)]
    spelt = spelt_out(folded)
    covered = {e.id for e in registry.elections if e.covers(region)}
    return _Post(
        folded=folded, marked=marked,
        role_word=word_m @ word.transform([spelt]).toarray()[0], role_char=char_m @ char.transform([spelt]).toarray()[0],
        pointed=pointed, named=[ks for m, ks in pointed if m.kind in _NAMED], keys={k for _, ks in pointed for k in ks},
        covered=covered, nearby={e.id for e in registry.elections if e.id not in covered and _in_province(e, region)},
        levels={level for level, rx in LEVEL_WORDS.items() if rx.search(folded)}, hinted=level_hints(folded),
        office_now={level for level, rx in _OFFICE_NOW.items() if rx.search(folded)},
        incumbent_word=bool(_INCUMBENT.search(folded)), partai_word=bool(after_partai), after_partai=after_partai,
        partai_next=[w[0] for a in after_partai if (w := re.findall(r"\w+", a)[:1])],
        spoken=spoken_numbers(folded),
        ends=ballot_ends(folded), concepts=concepts_of(folded), hashtags=re.findall(r"#(\w+)", folded),
        words=set(re.findall(r"\w+", folded)), named_elections=[m.election_id for m in marked.mentions if m.election_id],
    )  # fmt: skip


def _in_province(election: ElectionSpec, region: str | None) -> bool:
    province = fold(election.province).strip()
    return bool(region and province and re.search(rf"(?<!\w){re.escape(province)}(?!\w)", fold(region)))


def candidate_features(text: str, marked: Marked, registry: RegistrySpec,
                       region: str | None = None) -> tuple[list[Entity], np.ndarray]:  # fmt: skip
    """The entities worth ranking for this post and one feature row each (columns: `FEATURES`)."""
    entities = _entities(registry)
    if not entities:
        return [], np.zeros((0, len(FEATURES)))
    post = _read_post(text, marked, registry, region)
    shortlist = set(np.argsort(-post.role_word)[:SHORTLIST]) | set(np.argsort(-post.role_char)[:SHORTLIST])
    # every entity of the ASN's own races competes, named or not: most unnamed targets are local
    chosen = [i for i, e in enumerate(entities)
              if e.key in post.keys or i in shortlist or any(eid in post.covered | post.nearby for eid in e.elections)]  # fmt: skip
    pool = [entities[i] for i in chosen]
    # a word or concept that many ranked entities share says little: weigh each by how few of them hold it
    holders = Counter(c for e in pool for c in e.concepts & post.concepts)
    name_holders = Counter(w for e in pool for w in e.name_words & (post.words | set(post.partai_next)))
    # a region word counts once per election ("pesisir" in "Pesisirjaya" points at Sekar Pesisir's race)
    region_holders = Counter(w for eid, words in {(e.election_id, e.region_words) for e in pool} for w in words
                             if w in post.folded)  # fmt: skip
    parties = {e.key[1]: _party_signal(e, post, name_holders) for e in pool if e.key[0] == "p"}
    weights = {"concept": holders, "name": name_holders, "region": region_holders}
    rows = [_row(entities[i], i, post, registry, weights, parties) for i in chosen]
    return pool, np.asarray(rows, dtype=float)


def _party_signal(e: Entity, post: _Post, name_holders: Counter[str]) -> float:
    """How plainly a post points at a party: its mentions ("partai nomor 9", its name), and what the matcher
    does not find: "partai ijo", "partai jukung", "#TolakPartaiBanua"."""
    mentioned = sum(m.candidate is None and e.key in ks for m, ks in post.pointed)
    colour = float(e.colours is not None and any(e.colours.match(w) for w in post.after_partai))
    return mentioned + colour + _partai_name(e, post, name_holders) + _in_hashtags(e, post)


def _partai_name(e: Entity, post: _Post, name_holders: Counter[str]) -> float:
    return sum(1 / name_holders[w] for w in post.partai_next if w in e.name_words)


def _in_hashtags(e: Entity, post: _Post) -> float:
    return float(sum(any(tag in body for tag in e.tags) for body in post.hashtags))


def _row(e: Entity, i: int, post: _Post, registry: RegistrySpec, holders: dict[str, Counter[str]],
         parties: dict[str, float]) -> list[float]:  # fmt: skip
    mentions = post.marked.mentions
    is_party = e.key[0] == "p"
    own = [m for m, ks in post.pointed if e.key in ks]
    numbered = sum(m.kind in {"number", "finger", "party_number"} for m in own)
    spoken = sum(n == e.number for n in post.spoken)
    best_word, best_char = post.role_word.max(), post.role_char.max()
    return [
        sum(e.key in ks for ks in post.named) + sum(is_party and m.kind == "party" for m in own),
        numbered,
        sum(m.kind in {"number", "finger"} and m.election_id is None and not is_party and str(m.candidate) == e.key[2]
            for m in mentions),
        sum(m.kind == "colour" for m in own),
        sum(m.party in e.parties for m in mentions if m.party) if not is_party else
        sum(1 for m in mentions if m.candidate is not None and _party_of(registry, m) == e.key[1]),
        post.role_word[i],
        post.role_char[i],
        sum(1 for q in e.quotes if q and q in post.folded),
        float(post.role_word[i] == best_word and best_word > 0) + float(post.role_char[i] == best_char and best_char > 0),
        float(e.level in post.levels),
        sum(m.kind == "region" and m.election_id == e.election_id for m in mentions),
        float(is_party),
        float(is_party and post.partai_word),
        float(bool(post.named) and e.key in post.named[0]),
        float(len(post.keys) == 1 and e.key in post.keys),
        float(any(eid in post.covered for eid in e.elections)),
        len(e.colours.findall(post.folded)) if e.colours else 0,
        float(is_party and e.colours is not None and any(e.colours.match(w) for w in post.after_partai)),
        float(e.incumbent and (e.level in post.office_now or post.incumbent_word)),
        sum(e.key in ks and len(ks) > 1 for ks in post.named),
        spoken,
        colour_emoji_count(post.folded, e.colour_names),
        sum(1 / holders["concept"][c] for c in post.concepts & e.concepts),
        float(e.level in post.hinted),
        sum(eid in e.elections for eid in post.named_elections),
        *(float(e.level == level) for level in LEVELS),
        _partai_name(e, post, holders["name"]) if is_party else 0.0,
        _in_hashtags(e, post),
        sum(1 / holders["name"][w] for w in post.words & e.name_words),
        sum(1 / holders["region"][w] for w in e.region_words if w in post.folded),
        float(any(eid in post.nearby for eid in e.elections)),
        float(not any(eid in post.covered for eid in e.elections) and (
            any(w in post.folded for w in e.region_words) or any(m.kind == "region" and m.election_id == e.election_id for m in mentions))),
        float(not is_party and numbered + spoken > 0 and any(parties.get(p, 0.0) > 0 for p in e.parties)),
        float(not is_party and ((post.ends[0] and e.number == 1) or (post.ends[1] and e.last))),
    ]  # fmt: skip


def _keys_of(election_id: str | None, candidate: int | None, party: str | None) -> list[tuple[str, ...]]:
    if candidate is not None and election_id:
        return [("c", election_id, str(candidate))]
    return [("p", party)] if party else []


def _party_of(registry: RegistrySpec, mention: object) -> str | None:
    election = registry.election(getattr(mention, "election_id", "") or "")
    number = getattr(mention, "candidate", None)
    for c in election.candidates if election else ():
        if c.number == number and c.parties:
            return c.parties[0]
    return None


@dataclass(frozen=True)
class TargetRanker:
    weights: tuple[float, ...]
    bias: float
    # the columns the weights are for: a version trained before a feature was added keeps its own set
    features: tuple[str, ...] = FEATURES

    def resolve(self, text: str, marked: Marked, registry: RegistrySpec,
                region: str | None = None) -> dict[str, object] | None:  # fmt: skip
        entities, x = candidate_features(text, marked, registry, region)
        if not entities:
            return target_of(marked.mentions)
        columns = [FEATURES.index(name) for name in self.features]
        scores = x[:, columns] @ np.asarray(self.weights) + self.bias
        return entities[int(np.argmax(scores))].target


def resolve_target(ranker: TargetRanker | None, text: str, marked: Marked, registry: RegistrySpec,
                   region: str | None = None) -> dict[str, object] | None:  # fmt: skip
    """The post's target: the version's ranker, or the mention rule for versions trained without one."""
    return ranker.resolve(text, marked, registry, region) if ranker else target_of(marked.mentions)


Example = tuple[str, Marked, RegistrySpec, str | None, dict[str, object]]  # text, marked, registry, region, gold


def fit_ranker(examples: Sequence[Example], l2: float = L2) -> TargetRanker | None:
    """A conditional logit over each post's entities (classifiers/listwise.py): the gold target should score
    highest among them. Posts whose gold entity is not ranked at all teach nothing and are left out; with
    none left there is no ranker (the mention rule names targets)."""
    groups, gold = [], []
    for text, marked, registry, region, target in examples:
        entities, x = candidate_features(text, marked, registry, region)
        index = next((i for i, e in enumerate(entities) if e.target == target), None)
        if index is not None:
            groups.append(x)
            gold.append(index)
    if not groups:
        return None
    weights = fit_conditional_logit(groups, gold, l2)
    return TargetRanker(tuple(float(w) for w in weights), 0.0)


def save_ranker(ranker: TargetRanker, directory: Path) -> None:
    payload = {"features": list(ranker.features), "weights": list(ranker.weights), "bias": ranker.bias}
    (directory / FILENAME).write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")


def load_ranker(directory: Path) -> TargetRanker | None:
    """The version's ranker; None (the mention rule) when it has none or its weights are for a feature this code
    does not compute. An older version's weights keep working on the features they were fitted for."""
    path = directory / FILENAME
    if not path.is_file():
        return None
    payload = json.loads(path.read_text(encoding="utf-8"))
    features, weights = payload.get("features"), payload.get("weights")
    if not isinstance(features, list) or not isinstance(weights, list) or len(features) != len(weights):
        return None
    if not features or any(name not in FEATURES for name in features):
        return None  # weights for another feature set: the mention rule is safer than a misread
    return TargetRanker(tuple(float(w) for w in weights), float(payload.get("bias", 0.0)), tuple(features))
