"""Find mentions of registry entities in a post and rewrite them as typed, name-free markers.

The model never sees a candidate's name: "Ayo coblos Andi Wijaya no 2 ✌️" becomes
"Ayo coblos [CALON-A] no [NOMOR-A] [NOMOR-A]", so what it learns is stance, which carries over to
elections and candidates it never saw. Entities get letters in order of first appearance
(A, B, ...), so "pilih A, jangan B" keeps its shape. Pure functions, no I/O.

Numbers and finger emojis count only in an electoral context ("coblos 2", "nomor urut 02",
"paslon 1", "✌️" next to an election word), never in "juara 2 ✌️" or "lantai 2".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from classifiers.elections import ElectionSpec, RegistrySpec
from classifiers.matcher_rules import (
    ELECTION_WORDS,
    FINGERS,
    LEVEL_WORDS,
    NUMBER_AFTER,
    NUMBER_BEFORE,
    PARTY_NUMBER_BEFORE,
    fold,
)

__all__ = ["Marked", "Mention", "mark", "target_of"]


@dataclass(frozen=True)
class Mention:
    start: int  # offsets into the original text
    end: int
    text: str
    kind: str  # name | alias | number | finger | tagline | hashtag | party | party_number | colour | region
    marker: str
    election_id: str | None = None
    candidate: int | None = None
    party: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "start": self.start, "end": self.end, "text": self.text, "kind": self.kind, "marker": self.marker,
            "election": self.election_id, "candidate": self.candidate, "party": self.party,
        }  # fmt: skip


@dataclass
class Marked:
    original: str
    text: str  # the rewritten text the model sees
    mentions: list[Mention] = field(default_factory=list)
    offsets: list[tuple[int, int]] = field(default_factory=list)  # per char of `text`: span in original

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the rewritten text back to the original text."""
        if not self.offsets or start >= end:
            return (0, 0)
        end = min(end, len(self.offsets))
        return (self.offsets[start][0], self.offsets[end - 1][1])


@dataclass(frozen=True)
class _Pattern:
    regex: re.Pattern[str]
    kind: str
    election_id: str | None
    candidate: int | None
    party: str | None
    needs_context: bool = False
    needle: str = ""  # a literal every match contains: the regex runs only on posts that contain it
    # An all-capitals alias (HATI, SAMA, BARU, DAMAI: pairs' acronyms are often words) counts only when
    # written in capitals; "hati-hati" and "sama-sama" are not mentions. Its hashtag still counts in any case.
    capitals: bool = False


def _words(value: str) -> list[str]:
    return [w for w in re.split(r"[\s._-]+", fold(value)) if w]


def _phrase(value: str) -> str:
    """A regex for a folded phrase: words separated by any run of spaces, dots, dashes or underscores."""
    return r"[\s._-]*".join(re.escape(w) for w in _words(value))


def _bounded(body: str) -> str:
    return rf"(?<![\w#@]){body}(?!\w)"


@lru_cache(maxsize=64)  # compiled once per registry, not once per post
def _patterns(registry: RegistrySpec) -> list[_Pattern]:
    out: list[_Pattern] = []

    def add(values: tuple[str, ...] | list[str], kind: str, eid: str | None, cand: int | None,
            party: str | None, *, context: bool = False, hashtag: bool = False) -> None:  # fmt: skip
        for value in values:
            if len(fold(value).strip()) < 2:
                continue
            body = re.escape(fold(value)) + r"(?!\w)" if hashtag else _bounded(_phrase(value))
            needle = fold(value) if hashtag else _words(value)[0]
            capitals = kind == "alias" and value.isupper() and len(value) >= 3
            out.append(_Pattern(re.compile(body), kind, eid, cand, party, context, needle, capitals))

    for e in registry.elections:
        if not e.is_national and e.region:
            region = re.sub(r"^(kota|kabupaten|kab\.?|provinsi)\s+", "", e.region.strip(), flags=re.I)
            add([e.region, region], "region", e.id, None, None)
        for c in e.candidates:
            add(c.names, "name", e.id, c.number, None)
            add(c.aliases, "alias", e.id, c.number, None)
            add(c.taglines, "tagline", e.id, c.number, None)
            derived = ["#" + re.sub(r"\W", "", v) for v in (*c.names, *c.aliases)]
            add(list(c.hashtags) + derived, "hashtag", e.id, c.number, None, hashtag=True)
            add(c.colours, "colour", e.id, c.number, None, context=True)
    for p in registry.parties:
        add([p.name, *p.aliases], "party", None, None, p.abbr)
        add([p.abbr], "party", None, None, p.abbr, context=len(p.abbr) <= 2)
        add([f"#{p.abbr}", "#" + re.sub(r"\W", "", p.name)], "hashtag", None, None, p.abbr, hashtag=True)
        add(p.colours, "colour", None, None, p.abbr, context=True)
    return out


def _has_context(folded: str, found: list[tuple[int, int, _Pattern]]) -> bool:
    if ELECTION_WORDS.search(folded):
        return True
    return any(p.kind in {"name", "alias", "tagline", "hashtag", "party"} for _, _, p in found)


def _pick_election(registry: RegistrySpec, folded: str, found: list[tuple[int, int, _Pattern]],
                   number: int, region: str | None) -> str | None:  # fmt: skip
    """Which election a bare number refers to: one already named, a level word, the post's region, or the only one."""
    having = [e for e in registry.elections if any(c.number == number for c in e.candidates)]
    named = {p.election_id for _, _, p in found if p.election_id}
    hits = [e for e in having if e.id in named]
    if len(hits) == 1:
        return hits[0].id
    levels = {level for level, rx in LEVEL_WORDS.items() if rx.search(folded)}
    pool = [e for e in (hits or having) if e.level in levels] or hits or having
    if region and len(pool) > 1:
        pool = [e for e in pool if _same_region(e, region)] or pool
    return pool[0].id if len(pool) == 1 else None


def _same_region(election: ElectionSpec, region: str) -> bool:
    return election.is_national or fold(region) in fold(election.region) or fold(election.region) in fold(region)


def _numbers(registry: RegistrySpec, folded: str, found: list[tuple[int, int, _Pattern]],
             region: str | None) -> list[tuple[int, int, _Pattern]]:  # fmt: skip
    out: list[tuple[int, int, _Pattern]] = []
    for m in PARTY_NUMBER_BEFORE.finditer(folded):
        party = next((p for p in registry.parties if p.number == _to_int(m.group("n"))), None)
        if party:
            out.append((m.start("n"), m.end("n"), _Pattern(m.re, "party_number", None, None, party.abbr)))
    taken = {s for s, _, _ in out}
    context = _has_context(folded, found)
    hits = [(m, "number") for m in NUMBER_BEFORE.finditer(folded)]
    hits += [(m, "number") for rx in NUMBER_AFTER for m in rx.finditer(folded)] if context else []
    hits += [(m, "finger") for m in FINGERS.finditer(folded)] if context else []
    for m, kind in hits:
        if m.start("n") in taken:
            continue
        number = FINGERS_VALUE.get(m.group("n")[0], 0) if kind == "finger" else _to_int(m.group("n"))
        if not number:
            continue
        eid = _pick_election(registry, folded, found, number, region)
        end = m.end() if kind == "finger" else m.end("n")  # the emoji's variation selector goes too
        out.append((m.start("n"), end, _Pattern(m.re, kind, eid, number, None)))
        taken.add(m.start("n"))
    return out


FINGERS_VALUE = {"☝": 1, "👆": 1, "✌": 2, "🤟": 3}
_WORD_NUMBERS = {"satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "siji": 1, "loro": 2, "telu": 3, "hiji": 1}


def _to_int(token: str) -> int:
    return _WORD_NUMBERS.get(token, 0) if not token.isdigit() else int(token)


def mark(text: str, registry: RegistrySpec, region: str | None = None) -> Marked:
    """Find registry mentions in `text` and rewrite them as markers."""
    folded, index = fold_with_index(text)
    found: list[tuple[int, int, _Pattern]] = []
    context_needed: list[tuple[int, int, _Pattern]] = []
    for pattern in _patterns(registry):
        if pattern.needle not in folded:  # most patterns: a substring test instead of a regex scan
            continue
        for m in pattern.regex.finditer(folded):
            if pattern.capitals and not _in_capitals(text, index, m.start(), m.end()):
                continue
            (context_needed if pattern.needs_context else found).append((m.start(), m.end(), pattern))
    if context_needed and _has_context(folded, found):
        found += context_needed
    found += _numbers(registry, folded, found, region)
    chosen = _non_overlapping(found)
    return _rewrite(text, folded, index, chosen)


def _in_capitals(text: str, index: list[int], start: int, end: int) -> bool:
    written = text[index[start] : index[end - 1] + 1]
    return not any(ch.islower() for ch in written)


def _non_overlapping(found: list[tuple[int, int, _Pattern]]) -> list[tuple[int, int, _Pattern]]:
    chosen: list[tuple[int, int, _Pattern]] = []
    for start, end, p in sorted(found, key=lambda f: (-(f[1] - f[0]), f[0])):
        if all(end <= s or start >= e for s, e, _ in chosen):
            chosen.append((start, end, p))
    return sorted(chosen, key=lambda f: f[0])


_MARKER = {
    "name": "CALON", "alias": "CALON", "number": "NOMOR", "finger": "NOMOR", "tagline": "TAGLINE",
    "hashtag": "TAGAR", "party": "PARTAI", "party_number": "NOMOR-PARTAI", "colour": "WARNA", "region": "DAERAH",
}  # fmt: skip


def _rewrite(text: str, folded: str, index: list[int], chosen: list[tuple[int, int, _Pattern]]) -> Marked:
    letters: dict[tuple[str, object], str] = {}
    pieces: list[str] = []
    offsets: list[tuple[int, int]] = []
    mentions: list[Mention] = []
    cursor = 0  # in original text
    for start, end, p in chosen:
        o_start, o_end = index[start], index[end - 1] + 1
        if p.candidate is not None:
            key: tuple[str, object] = ("c", (p.election_id, p.candidate))
        elif p.party:
            key = ("p", p.party)
        else:
            key = ("r", p.election_id)
        family = "p" if key[0] == "p" else "c"
        if key not in letters:
            letters[key] = chr(ord("A") + sum(1 for k in letters if k[0] == key[0]))
        base = _MARKER[p.kind]
        marker = f"[{base}]" if p.kind == "region" else f"[{base}-{letters[key]}]"
        if family == "p" and p.kind in {"hashtag", "colour"}:
            marker = f"[{base}-PARTAI-{letters[key]}]"
        for i in range(cursor, o_start):
            pieces.append(text[i])
            offsets.append((i, i + 1))
        pieces.append(marker)
        offsets.extend([(o_start, o_end)] * len(marker))
        mentions.append(
            Mention(o_start, o_end, text[o_start:o_end], p.kind, marker, p.election_id, p.candidate, p.party)
        )
        cursor = o_end
    for i in range(cursor, len(text)):
        pieces.append(text[i])
        offsets.append((i, i + 1))
    return Marked(original=text, text="".join(pieces), mentions=mentions, offsets=offsets)


def fold_with_index(text: str) -> tuple[str, list[int]]:
    """Casefolded, diacritics-free text, and for each of its chars the index of the original char."""
    out: list[str] = []
    index: list[int] = []
    if text.isascii():  # most posts' letters; casefold of ASCII is lower
        return text.lower(), list(range(len(text)))
    for i, ch in enumerate(text):
        folded = _fold_char(ch)
        out.append(folded)
        index.extend([i] * len(folded))
    return "".join(out), index


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    return fold(ch)


def target_of(mentions: list[Mention]) -> dict[str, object] | None:
    """The entity a post is about: the most-mentioned candidate (ties: first seen), else a party."""
    counts: dict[tuple[str, int], int] = {}
    for m in mentions:
        if m.candidate is not None and m.election_id:
            counts[(m.election_id, m.candidate)] = counts.get((m.election_id, m.candidate), 0) + 1
    if counts:
        best = max(counts.values())
        election, number = next(k for k, v in counts.items() if v == best)
        return {"election": election, "candidate": number}
    parties = [m.party for m in mentions if m.party]
    if parties:
        return {"party": max(dict.fromkeys(parties), key=parties.count)}
    return None
