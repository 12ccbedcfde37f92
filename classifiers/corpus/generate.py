"""Generate Netra's labelled corpus from the hand-written templates and the fictional elections.

    python -m classifiers.corpus.generate            # writes classifiers/data/corpus.jsonl

Deterministic (seeded). Splits:
- `heldout`: every post about the two held-back elections (their candidates never seen in training);
- `test`: posts from templates that never appear in train/dev (about 18% of templates, chosen by hash),
  so the test split measures new phrasings, not memorised ones; frozen before any tuning;
- `dev`: posts from another ~15% of templates (also unseen in training), so the temperature and the
  operating threshold are fitted on new phrasings, as the model will meet them;
- `train`: the rest.

Corpus v2 appended rows from `templates_extra.py` (train/dev only) after the v1 rows; v1's rows, and so
the frozen test split, are unchanged.
"""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

from classifiers.corpus.slots import fill, noisy
from classifiers.corpus.templates_extra import EXTRA_DUKUNGAN, EXTRA_NETRAL, EXTRA_SERANGAN
from classifiers.corpus.templates_neutral import NETRAL
from classifiers.corpus.templates_support import DUKUNGAN, SERANGAN
from classifiers.elections import RegistrySpec, load_registry

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
HELDOUT_ELECTIONS = ("pilgub-ranah-darek-2029", "pilbup-tanjung-selaka-2029")
PER_TEMPLATE = {"netral": 13, "dukungan": 12, "serangan": 13}
NO_ELECTION = {"daily_life", "work", "party_support", "party_attack"}
NO_TARGET = {"election_info", "neutrality_news", "neutrality_socialisation", "incumbent_official",
             "namesake", "joke_all", "number_outside", "daily_life", "work"}  # fmt: skip
SEED = 20290214


def parse_templates(block: str, label: str) -> list[tuple[str, str, str]]:
    out = []
    for line in block.strip().splitlines():
        kind, _, text = line.partition(" | ")
        out.append((label, kind.strip(), text.strip()))
    return out


def all_templates() -> list[tuple[str, str, str]]:
    return (
        parse_templates(NETRAL, "netral")
        + parse_templates(DUKUNGAN, "dukungan")
        + parse_templates(SERANGAN, "serangan")
    )


def _bucket(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) % 100


def is_test_template(text: str) -> bool:
    return _bucket(text) < 18


def is_dev_template(text: str) -> bool:
    return 18 <= _bucket(text) < 33


def extra_templates() -> list[tuple[str, str, str]]:
    return (
        parse_templates(EXTRA_NETRAL, "netral")
        + parse_templates(EXTRA_DUKUNGAN, "dukungan")
        + parse_templates(EXTRA_SERANGAN, "serangan")
    )


def generate(registry: RegistrySpec, seed: int = SEED) -> list[dict[str, object]]:
    random.seed(seed)
    rng = random.Random(seed + 1)
    seen: set[str] = set()
    rows = _rows(registry, all_templates(), rng, seen, offset=0)
    for _ in rows:
        rng.random()  # v1 drew one number per row here for its dev split; keep the stream identical
    for row in rows:
        template = all_templates()[int(row["template"])][2]  # type: ignore[call-overload]
        row["split"] = _split(row, template)
    # v2 supplement: never in test, so the frozen test split stays exactly as committed
    extra = _rows(registry, extra_templates(), random.Random(seed + 2), seen, offset=len(all_templates()))
    for row in extra:
        template = extra_templates()[int(row["template"]) - len(all_templates())][2]  # type: ignore[call-overload]
        row["split"] = "heldout" if row["election_id"] in HELDOUT_ELECTIONS else (
            "dev" if is_dev_template(template) else "train")  # fmt: skip
    rows += extra
    for i, row in enumerate(rows):
        row["id"] = f"netra-{i + 1:05d}"
    keys = ["id", "text", "label", "election_id", "target", "kind", "post_kind", "split", "template"]
    return [{k: r[k] for k in keys} for r in rows]


def _split(row: dict[str, object], template: str) -> str:
    if row["election_id"] in HELDOUT_ELECTIONS:
        return "heldout"
    if is_test_template(template):
        return "test"
    return "dev" if is_dev_template(template) else "train"


def _rows(registry: RegistrySpec, templates: list[tuple[str, str, str]], rng: random.Random, seen: set[str],
          offset: int) -> list[dict[str, object]]:  # fmt: skip
    rows: list[dict[str, object]] = []
    for t_index, (label, kind, template) in enumerate(templates):
        for _ in range(PER_TEMPLATE[label]):
            row = _one(registry, label, kind, template, rng)
            if row is None or row["text"] in seen:
                continue
            seen.add(str(row["text"]))
            row["template"] = t_index + offset
            rows.append(row)
    return rows


def _one(registry: RegistrySpec, label: str, kind: str, template: str, rng: random.Random) -> dict[str, object] | None:
    party = random.choice(registry.parties)
    if kind == "caleg_support":
        election = registry.election("pileg-dprd-priangan-raya-2029")
    elif kind in NO_ELECTION and "{c}" not in template:
        election = None
    else:
        pool = [e for e in registry.elections if e.level != "legislatif" or "{jab}" not in template]
        election = random.choice(pool)
    candidate = random.choice(election.candidates) if election else None
    if kind == "caleg_support" and candidate:
        party = next(p for p in registry.parties if p.abbr in candidate.parties)
    text = noisy(fill(template, label, registry, election, candidate, party), rng)
    target: dict[str, str | int] | None
    if kind in NO_TARGET or label == "netral":
        target = None
    elif kind.startswith("party_"):
        target = {"party": party.abbr}
    else:
        target = {"election": election.id, "candidate": candidate.number} if election and candidate else None
    post_kind = rng.choices(["post", "repost", "reply"], weights=[7, 2, 1])[0]
    return {"text": text, "label": label, "election_id": election.id if election else None, "target": target,
            "kind": kind, "post_kind": post_kind}  # fmt: skip


def main() -> None:
    registry = load_registry(DATA_DIR / "elections.yaml")
    rows = generate(registry)
    with (DATA_DIR / "corpus.jsonl").open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    counts: dict[str, int] = {}
    for row in rows:
        key = f"{row['split']}/{row['label']}"
        counts[key] = counts.get(key, 0) + 1
    print(len(rows), dict(sorted(counts.items())))


if __name__ == "__main__":
    main()
