"""Reviewers correct the model: the right label (dukungan / serangan / netral) and the right target (a
candidate of an election, or a party, from the registry), given with a confirm or a dismiss.

A correction is kept in the action's `ReviewAction.details["correction"]` and in the audit log
(`case.correct`, the model's reading before and the reviewer's after). Training (`monitor.model.scoring.
reviewed_examples`) reads the latest correction of each decided case, so a wrong side is fixed rather
than learned again. The case's own `label` and target stay the model's reading, as evidence of what was flagged.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, col, select

from monitor.models import Candidate, Case, Party, ReviewAction

__all__ = [
    "LABELS",
    "corrected_labels",
    "correction_of",
    "decode_target",
    "encode_target",
    "model_target",
    "target_choices",
]

LABELS = ("dukungan", "serangan", "netral")
KEEP = ""  # the form's "as the model read it"
NO_TARGET = "none"  # the form's "no target": the post is about no registered candidate or party

TargetDict = dict[str, object] | None  # {"election": id, "candidate": n} | {"party": abbr} | None


class CorrectionError(ValueError):
    """The correction cannot be recorded; the message says why (shown to the reviewer)."""


def encode_target(target: TargetDict) -> str:
    """A target as a form value: "c:<election>:<number>", "p:<party>", or "none"."""
    if not target:
        return NO_TARGET
    if target.get("party") and not target.get("election"):
        return f"p:{target['party']}"
    return f"c:{target.get('election')}:{target.get('candidate')}"


def decode_target(value: str) -> TargetDict:
    """The inverse of `encode_target`; raises CorrectionError on anything else."""
    if value == NO_TARGET:
        return None
    kind, _, rest = value.partition(":")
    if kind == "p" and rest:
        return {"party": rest}
    election, _, number = rest.rpartition(":")
    if kind == "c" and election and number.isdigit():
        return {"election": election, "candidate": int(number)}
    raise CorrectionError("the target is not in the election registry")


def model_target(case: Case) -> TargetDict:
    """The target the model read, as stored on the case."""
    if case.election_id and case.candidate_number is not None:
        return {"election": case.election_id, "candidate": case.candidate_number}
    if case.party:
        return {"party": case.party}
    if case.election_id:
        return {"election": case.election_id, "candidate": None}
    return None


def _in_registry(session: Session, target: TargetDict) -> bool:
    if target is None:
        return True
    if "party" in target:
        return session.exec(select(Party.id).where(Party.abbr == target["party"])).first() is not None
    found = select(Candidate.id).where(
        Candidate.election_id == target["election"], Candidate.number == target["candidate"]
    )
    return session.exec(found).first() is not None


def correction_of(session: Session, case: Case, *, label: str, target: str, confirming: bool) -> dict[str, Any] | None:
    """The correction a reviewer gave ({"label": {"before", "after"}, "target": {"before", "after"}}, only
    the parts that change), or None when they left the model's reading as it is."""
    change: dict[str, Any] = {}
    label = label.strip()
    # On a dismiss any label chosen counts: it replaces the dismissal's default training label (netral), so
    # "dismissed, but it does support X" keeps the side even when the model read the same side.
    if label and (label != case.label or not confirming):
        if label not in LABELS:
            raise CorrectionError("the label must be one of: dukungan, serangan, netral")
        change["label"] = {"before": case.label, "after": label}
    if confirming and (label or case.label) == "netral":
        raise CorrectionError(
            "a confirmed violation takes a side: correct the label to dukungan or serangan, or dismiss the case"
        )
    target = target.strip()
    if target != KEEP:
        after, before = decode_target(target), model_target(case)
        if not _in_registry(session, after):
            raise CorrectionError("the target is not in the election registry")
        if after != before:
            change["target"] = {"before": before, "after": after}
    return change or None


def corrected_labels(session: Session, case_ids: Iterable[int]) -> dict[int, str]:
    """The label of each case's latest correction (confirm or dismiss), for the cases that have one."""
    ids = list(case_ids)
    if not ids:
        return {}
    rows = session.exec(
        select(ReviewAction.case_id, ReviewAction.details)
        .where(col(ReviewAction.case_id).in_(ids), col(ReviewAction.action).in_(("confirm", "dismiss")))
        .order_by(col(ReviewAction.id))
    ).all()
    labels: dict[int, str] = {}
    for case_id, details in rows:
        correction = (details or {}).get("correction") or {}
        if isinstance(correction, dict) and isinstance(correction.get("label"), dict):
            labels[case_id] = str(correction["label"]["after"])
    return labels


def target_choices(session: Session) -> list[tuple[str, TargetDict]]:
    """Every candidate (by election and number) and party in the registry, as (form value, target)."""
    candidates = session.exec(
        select(Candidate.election_id, Candidate.number).order_by(col(Candidate.election_id), col(Candidate.number))
    ).all()
    parties = session.exec(select(Party.abbr).order_by(col(Party.abbr))).all()
    targets: list[TargetDict] = [{"election": e, "candidate": n} for e, n in candidates]
    targets += [{"party": abbr} for abbr in parties]
    return [(encode_target(t), t) for t in targets]
