"""Slot fillers for the corpus templates, and the noise that makes posts look typed on a phone.

Slots: {c} the target candidate (a name, the pair, an alias), {c2} a rival in the same election,
{n} the candidate number, {finger} its finger emoji, {tag} tagline, {ht} hashtag, {p}/{pn} a party
and its ballot number, {r} region, {pil} election word, {cal} candidate word, {jab} office,
{paslon} "paslon"/"caleg", {day} voting day, {k} number of candidates, {camp} campaign period,
{colour} a registered colour, {ns} a namesake (a candidate's name used for someone else),
{e} emojis in the post's mood.
"""

from __future__ import annotations

import random
import re

from classifiers.elections import CandidateSpec, ElectionSpec, PartySpec, RegistrySpec

FINGER = {1: "☝️", 2: "✌️", 3: "🤟"}
PIL = {
    "presiden": ["pilpres", "pemilu", "Pilpres", "pilpres"],
    "gubernur": ["pilgub", "pilkada", "Pilgub", "Pilkada"],
    "bupati": ["pilbup", "pilkada", "Pilkada", "pilkada"],
    "walikota": ["pilwalkot", "pilkada", "Pilwalkot", "Pilkada"],
    "legislatif": ["pileg", "pemilu", "Pileg"],
}
CAL = {"presiden": "capres", "gubernur": "cagub", "bupati": "cabup", "walikota": "cawalkot", "legislatif": "caleg"}
JAB = {"presiden": "presiden", "gubernur": "gubernur", "bupati": "bupati", "walikota": "wali kota"}
EMOJI = {
    "dukungan": ["🔥", "💪", "🙏", "❤️", "👍", "✨", "🥰", "🇮🇩", "💯", "👏", "", "", ""],
    "serangan": ["🤮", "😤", "🙄", "🤡", "😡", "💩", "😒", "🤦", "😠", "", "", ""],
    "netral": ["🙏", "😊", "😂", "🤣", "😅", "👍", "☕", "🌧️", "🥲", "😁", "", "", "", ""],
}
MONTHS = {2: "Februari", 11: "November"}
SLANG = [
    (r"\byang\b", ["yg", "yang", "yg"]), (r"\btidak\b", ["gak", "ga", "nggak", "tdk"]),
    (r"\bsudah\b", ["udah", "udh", "sdh"]), (r"\bbanget\b", ["bgt", "banget", "bangettt"]),
    (r"\bsaja\b", ["aja", "doang"]), (r"\bdengan\b", ["dgn", "sama", "dg"]), (r"\buntuk\b", ["utk", "buat"]),
    (r"\bsaya\b", ["sy", "aku", "gw", "saya"]), (r"\bkalau\b", ["kalo", "klo", "kl"]),
    (r"\btapi\b", ["tp", "tapi"]), (r"\bjangan\b", ["jgn", "jangan", "jan"]), (r"\bsama\b", ["sm", "sama"]),
    (r"\bbelum\b", ["blm", "belom"]), (r"\bteman\b", ["temen", "tmn"]), (r"\bbisa\b", ["bs", "bisa"]),
]  # fmt: skip
HANDLES = ["@warga_biasa", "@kang_ujang91", "@mbak_nanik", "@uda_ardi", "@infokotaku", "@si_paling_netral"]


def _pair(c: CandidateSpec) -> str:
    if len(c.names) < 2:
        return c.names[0]
    sep = random.choice(["-", " - ", " & ", " dan ", "–"])
    return f"{c.names[0]}{sep}{c.names[1]}"


def candidate_ref(c: CandidateSpec, *, person: bool = False) -> str:
    """How a post names a candidate: a full name, the pair, or a registered alias."""
    options = [c.names[0], c.names[0]] + ([] if person else [_pair(c)]) + list(c.aliases)
    return random.choice(options)


def namesake(c: CandidateSpec) -> str:
    first = c.names[0].split()[0]
    return random.choice([f"{random.choice(['Pak', 'Bu', 'Mas', 'mbak', 'kak'])} {first}", c.names[0], *c.aliases[1:]])


def party_ref(p: PartySpec) -> str:
    return random.choice([p.abbr, p.abbr, p.name, *p.aliases])


def region_short(e: ElectionSpec) -> str:
    if e.is_national:
        return random.choice(["Indonesia", "negeri ini", "Indonesia"])
    return re.sub(r"^(Kota|Kabupaten|Provinsi)\s+", "", e.region)


def fill(template: str, label: str, registry: RegistrySpec, e: ElectionSpec | None,
         c: CandidateSpec | None, party: PartySpec) -> str:  # fmt: skip
    rivals = [x for x in (e.candidates if e else ()) if c is None or x.number != c.number]
    level = e.level if e else "legislatif"
    colours = list(c.colours) if c and c.colours else []
    if c and not colours:
        colours = [col for p in registry.parties if p.abbr in c.parties for col in p.colours]
    number = c.number if c else random.randint(1, 5)
    values = {
        "c": candidate_ref(c, person="{jab} {c}" in template or "{c} cuti" in template) if c else "",
        "c2": candidate_ref(random.choice(rivals)) if rivals else "",
        "n": random.choice([str(number), f"0{number}", str(number)]),
        "finger": FINGER.get(number, ""),
        "tag": random.choice(c.taglines) if c and c.taglines else (c.aliases[0] if c and c.aliases else ""),
        "ht": random.choice(c.hashtags) if c and c.hashtags else "",
        "p": party_ref(party),
        "pn": str(party.number or 1),
        "r": region_short(e) if e else random.choice(["Bandung", "Solo", "Padang", "Medan", "kota kita"]),
        "pil": random.choice(PIL[level]),
        "cal": CAL[level],
        "jab": JAB.get(level, "anggota DPRD"),
        "paslon": random.choice(
            ["caleg", "calon"] if level == "legislatif" else ["paslon", "pasangan calon", "paslon"]
        ),
        "day": f"{e.voting_day.day} {MONTHS.get(e.voting_day.month, 'November')}" if e else "14 Februari",
        "k": str(len(e.candidates)) if e else "3",
        "camp": f"{e.campaign.start:%d/%m} s.d. {e.campaign.end:%d/%m}" if e and e.campaign else "25/9 s.d. 23/11",
        "colour": random.choice(colours) if colours else "oranye",
        "ns": namesake(c) if c else "Pak Budi",
        "e": "".join(random.sample(EMOJI[label], k=random.choice([1, 1, 2]))),
    }
    if "{nsfull}" in template and c:  # drawn only when used, so older templates' random stream is unchanged
        values["nsfull"] = random.choice([c.names[0], *c.aliases])
    text = template
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return re.sub(r"\s{2,}", " ", text).strip()


def noisy(text: str, rng: random.Random) -> str:
    """Phone typing: slang, lower case, stretched letters, a handle or 'RT' in front."""
    for pattern, options in SLANG:
        if rng.random() < 0.6:
            text = re.sub(pattern, lambda _m, o=options: rng.choice(o), text, flags=re.I)  # type: ignore[misc]
    if rng.random() < 0.3:
        text = text.lower()
    if rng.random() < 0.1:
        words = text.split(" ")
        i = rng.randrange(len(words))
        if words[i] and words[i][-1].isalpha():
            words[i] += words[i][-1] * rng.randint(2, 4)
        text = " ".join(words)
    if rng.random() < 0.08:
        text = f"{rng.choice(HANDLES)} {text}"
    if rng.random() < 0.05:
        text = text.replace(".", "..", 1)
    if rng.random() < 0.08:
        text += rng.choice([" wkwk", " wkwkwk", " hehe", " 😂", " btw", " sih", " lho"])
    return text
