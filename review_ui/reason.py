"""Why a post was flagged, in one plain line: "Ajakan memilih calon no. 1 Andi Wijaya–Sari Dewi
(Pilwalkot Harapan Jaya 2026) · skor 0,99".

Pure functions of the model's reading (label, SKB category, target, score), the registry's names and the
language; the pages pass them what they read from the database.
"""

from __future__ import annotations

from monitor.registry.names import RegistryNames, Target
from monitor.review.violations import ARTICLES, CATEGORIES
from review_ui.i18n import translate

__all__ = ["correction_text", "decimal", "reason_line", "skb_text", "target_of", "target_text"]


def decimal(lang: str, value: float, places: int = 2) -> str:
    """A probability as the reader writes it: "0,99" in Indonesian (decimal comma), "0.99" in English."""
    text = f"{value:.{places}f}"
    return text.replace(".", ",") if lang == "id" else text


def target_text(lang: str, target: Target, names: RegistryNames) -> str:
    """The target in words: a candidate with their names and election, an election's contestant, a party."""
    if target.election_id:
        election = names.election(target.election_id)
        if target.candidate_number is None:
            return translate(lang, "target_election", election=election)
        who = names.candidate(target.election_id, target.candidate_number)
        if who:
            return translate(lang, "target_candidate", n=target.candidate_number, names=who, election=election)
        return translate(lang, "target_candidate_unnamed", n=target.candidate_number, election=election)
    if target.party:
        return translate(lang, "target_party", party=names.party(target.party))
    return translate(lang, "no_target")


def target_of(target: dict[str, object] | None) -> Target:
    """A stored target ({"election", "candidate"} or {"party"}, as scores and corrections keep it) as a Target."""
    if not target:
        return Target()
    candidate = target.get("candidate")
    return Target(
        election_id=str(target["election"]) if target.get("election") else None,
        candidate_number=int(candidate) if isinstance(candidate, int) else None,
        party=str(target["party"]) if target.get("party") else None,
    )


def correction_text(lang: str, correction: object, names: RegistryNames) -> str:
    """A reviewer's correction in words ("label Dukungan → Serangan; sasaran … → …"); "" for none."""
    if not isinstance(correction, dict):
        return ""
    parts = []
    label = correction.get("label")
    if isinstance(label, dict):
        before, after = (translate(lang, f"label_{label.get(k)}") for k in ("before", "after"))
        parts.append(translate(lang, "correction_label", before=before, after=after))
    target = correction.get("target")
    if isinstance(target, dict):
        before, after = (target_text(lang, target_of(target.get(k)), names) for k in ("before", "after"))
        parts.append(translate(lang, "correction_target", before=before, after=after))
    return "; ".join(parts)


def skb_text(lang: str, category: str | None) -> str:
    """The SKB category in words with the article it refers to; "-" for none, the code for an unknown one."""
    if not category:
        return "-"
    if category not in CATEGORIES:
        return category
    return translate(lang, "skb_with_article", name=translate(lang, f"skb_{category}"), article=ARTICLES[category])


def _what(label: str, category: str | None) -> str:
    """The catalogue key of the act: the SKB category's, else the label's."""
    if category in CATEGORIES:
        # "jangan pilih X" is an attack with a call to vote: a call *not* to vote for X
        return f"why_{category}_serangan" if category == "ajakan_memilih" and label == "serangan" else f"why_{category}"
    return f"why_{label}"


def reason_line(
    lang: str, *, label: str, category: str | None, target: Target, names: RegistryNames, score: float
) -> str:
    """The one-line reason. Without a known target it says so instead of naming one."""
    parts = [translate(lang, _what(label, category), target=target_text(lang, target, names))]
    if not target.known:
        parts = [translate(lang, f"skb_{category}" if category in CATEGORIES else f"label_{label}"),
                 translate(lang, "no_target")]  # fmt: skip
    return " · ".join([*parts, translate(lang, "score_text", score=decimal(lang, score))])
