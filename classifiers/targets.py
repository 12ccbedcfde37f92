"""Who a partisan post is about: rank every candidate and party of the registry, pick the best.

Half of the partisan posts in the hand-written corpus name nobody: "pensiunan tentara itu", "ibu dokter",
"yang oranye-oranye", "si tiga periode". The matcher finds only names, aliases, numbers, hashtags, taglines,
colours and parties, so a rule on its mentions alone named the right target on 37 % of the partisan posts
of the training authors. Here each entity gets a handful of evidence features — its mentions, its numbers,
its colours, its party, how closely the post's words match the registry's `roles` (who the candidate is,
in the words people use), the election level words — and a logistic regression, fitted on the training
authors' gold targets, weighs them. The entity with the highest score is the target.

A version keeps the weights in `targets.json` (plain numbers, safe to load); versions without it fall back
to `matcher.target_of`. Pure functions apart from `save_ranker`/`load_ranker`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from classifiers.elections import RegistrySpec
from classifiers.matcher import Marked, target_of
from classifiers.matcher_rules import LEVEL_WORDS, fold

FILENAME = "targets.json"
SHORTLIST = 12  # entities kept by role similarity alone, beside every entity a mention points at

FEATURES = (
    "named", "numbered", "number_ambiguous", "colour", "party_of", "role_word", "role_char", "role_quote",
    "role_best", "level", "region", "is_party", "is_party_x_partai_word", "first_named", "only_entity",
    "in_region", "colour_word", "partai_colour", "incumbent",
)  # fmt: skip

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


def _quotes(roles: Sequence[str]) -> tuple[str, ...]:
    return tuple(fold(q).strip() for r in roles for q in _QUOTED.findall(r))


# How colours are written in the regional languages of the corpus and of real posts.
_COLOUR_SPELLINGS = {
    "hijau": ("hijau", "ijo", "ijau", "hejo", "ijoe", "hijo"), "merah": ("merah", "abang", "mirah", "abeng"),
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
                any("petahana" in fold(r) for r in c.roles), fold(" ; ".join(words)), _quotes(c.roles), _colour_pattern(c.colours), (e.id,),
            ))  # fmt: skip
    for p in registry.parties:
        out.append(Entity(("p", p.abbr), {"party": p.abbr}, None, None, (p.abbr,), False,
                          fold(" ; ".join(["partai", *p.colours])), (), _colour_pattern(p.colours),
                          tuple(dict.fromkeys(stands.get(p.abbr, ())))))  # fmt: skip
    return tuple(out)


@lru_cache(maxsize=64)
def _profiles(registry: RegistrySpec) -> tuple[TfidfVectorizer, TfidfVectorizer, np.ndarray, np.ndarray]:
    """Word and character TF-IDF of each entity's profile; IDF over the registry, so shared words weigh little."""
    texts = [e.profile or "-" for e in _entities(registry)]
    word = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit(texts)
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True).fit(texts)
    return word, char, word.transform(texts).toarray(), char.transform(texts).toarray()


def candidate_features(text: str, marked: Marked, registry: RegistrySpec,
                       region: str | None = None) -> tuple[list[Entity], np.ndarray]:  # fmt: skip
    """The entities worth ranking for this post and one feature row each (columns: `FEATURES`)."""
    entities = _entities(registry)
    if not entities:
        return [], np.zeros((0, len(FEATURES)))
    folded = fold(text)
    word, char, word_m, char_m = _profiles(registry)
    role_word = word_m @ word.transform([folded]).toarray()[0]
    role_char = char_m @ char.transform([folded]).toarray()[0]
    keys = {m_key for m in marked.mentions for m_key in _keys_of(m.election_id, m.candidate, m.party)}
    shortlist = set(np.argsort(-role_word)[:SHORTLIST]) | set(np.argsort(-role_char)[:SHORTLIST])
    covered = {e.id for e in registry.elections if e.covers(region)}
    # every entity of the ASN's own races competes, named or not: most unnamed targets are local
    chosen = [i for i, e in enumerate(entities)
              if e.key in keys or i in shortlist or any(eid in covered for eid in e.elections)]  # fmt: skip
    levels = {level for level, rx in LEVEL_WORDS.items() if rx.search(folded)}
    partai_word = bool(_PARTAI.search(folded))
    named_order = [k for m in marked.mentions if m.kind in _NAMED for k in _keys_of(m.election_id, m.candidate, None)]
    numbers = [m for m in marked.mentions if m.kind in {"number", "finger"}]
    best_word, best_char = role_word.max(), role_char.max()
    office_now = {level for level, rx in _OFFICE_NOW.items() if rx.search(folded)}
    incumbent_word = bool(_INCUMBENT.search(folded))
    after_partai = [
        folded[m.end() :].lstrip(" :-") for m in _PARTAI.finditer(folded)
    ]  # "partai ijo", "partai nang kuning"
    rows = []
    for i in chosen:
        e = entities[i]
        is_party = e.key[0] == "p"
        own = [m for m in marked.mentions if e.key in _keys_of(m.election_id, m.candidate, m.party)]
        rows.append([
            sum(m.kind in _NAMED or (is_party and m.kind == "party") for m in own),
            sum(m.kind in {"number", "finger", "party_number"} for m in own),
            sum(m.election_id is None and not is_party and str(m.candidate) == e.key[2] for m in numbers),
            sum(m.kind == "colour" for m in own),
            sum(m.party in e.parties for m in marked.mentions if m.party) if not is_party else
            sum(1 for m in marked.mentions if m.candidate is not None and _party_of(registry, m) == e.key[1]),
            role_word[i],
            role_char[i],
            sum(1 for q in e.quotes if q and q in folded),
            float(role_word[i] == best_word and best_word > 0) + float(role_char[i] == best_char and best_char > 0),
            float(e.level in levels),
            sum(m.kind == "region" and m.election_id == e.election_id for m in marked.mentions),
            float(is_party),
            float(is_party and partai_word),
            float(bool(named_order) and named_order[0] == e.key),
            float(len(keys) == 1 and e.key in keys),
            float(any(eid in covered for eid in e.elections)),
            len(e.colours.findall(folded)) if e.colours else 0,
            float(is_party and e.colours is not None and any(e.colours.match(w) for w in after_partai)),
            float(e.incumbent and (e.level in office_now or incumbent_word)),
        ])  # fmt: skip
    return [entities[i] for i in chosen], np.asarray(rows, dtype=float)


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

    def resolve(self, text: str, marked: Marked, registry: RegistrySpec,
                region: str | None = None) -> dict[str, object] | None:  # fmt: skip
        entities, x = candidate_features(text, marked, registry, region)
        if not entities:
            return target_of(marked.mentions)
        scores = x @ np.asarray(self.weights) + self.bias
        return entities[int(np.argmax(scores))].target


def resolve_target(ranker: TargetRanker | None, text: str, marked: Marked, registry: RegistrySpec,
                   region: str | None = None) -> dict[str, object] | None:  # fmt: skip
    """The post's target: the version's ranker, or the mention rule for versions trained without one."""
    return ranker.resolve(text, marked, registry, region) if ranker else target_of(marked.mentions)


Example = tuple[str, Marked, RegistrySpec, str | None, dict[str, object]]  # text, marked, registry, region, gold


def fit_ranker(examples: Sequence[Example], seed: int = 13) -> TargetRanker:
    """Logistic regression on (post, entity) pairs: is this entity the post's gold target?"""
    xs: list[np.ndarray] = []
    ys: list[float] = []
    for text, marked, registry, region, gold in examples:
        entities, x = candidate_features(text, marked, registry, region)
        if not any(e.target == gold for e in entities):
            continue  # the gold entity never made the shortlist: nothing to learn from this post
        xs.append(x)
        ys.extend(float(e.target == gold) for e in entities)
    model = LogisticRegression(max_iter=2000, C=1.0, class_weight="balanced", random_state=seed)
    model.fit(np.vstack(xs), np.asarray(ys))
    return TargetRanker(tuple(float(w) for w in model.coef_[0]), float(model.intercept_[0]))


def save_ranker(ranker: TargetRanker, directory: Path) -> None:
    payload = {"features": list(FEATURES), "weights": list(ranker.weights), "bias": ranker.bias}
    (directory / FILENAME).write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")


def load_ranker(directory: Path) -> TargetRanker | None:
    path = directory / FILENAME
    if not path.is_file():
        return None
    payload = json.loads(path.read_text(encoding="utf-8"))
    if payload.get("features") != list(FEATURES):
        return None  # weights for another feature set: the mention rule is safer than a misread
    return TargetRanker(tuple(payload["weights"]), float(payload["bias"]))
