"""What reviewers do with a case: a small state machine. Every action needs a reason, writes a
`ReviewAction` row and an audit entry, in the caller's transaction.

    open / clarification --confirm--> awaiting_second --confirm (another reviewer)--> confirmed
    open / awaiting_second / clarification --dismiss--> dismissed   (a training label: not a violation)
    open / awaiting_second --clarify--> clarification --answer--> open
    confirmed --forward--> forwarded --followup--> closed   (confirmed --followup--> closed too)
    any status --assign--> the same status

`TAKEN_FROM` is that machine as data: the service enforces it, and the case page offers the forms
`offered_actions` derives from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import and_, bindparam, func, or_
from sqlmodel import Session, select

from monitor.audit import record
from monitor.model.corrections import CorrectionError, correction_of
from monitor.models import Case, CasePost, CaseStatus, ReviewAction, Role, User, utcnow
from monitor.models.cases import UNDECIDED
from monitor.review.case_detail import first_confirmer
from monitor.review.cases import ACTIVE_STATUSES, CaseNotFound, Viewer, scoped_case
from monitor.review.change_generation import ChangeGeneration, GenerationCache

__all__ = [
    "CATEGORIES",
    "FORWARD_TARGETS",
    "TAKEN_FROM",
    "ActionError",
    "ActionResult",
    "Assignable",
    "AssignableCache",
    "NotAllowed",
    "answer_clarification",
    "assign",
    "bulk_dismiss",
    "confirm",
    "dismiss",
    "forward",
    "offered_actions",
    "record_followup",
    "request_clarification",
]

CATEGORIES = ("kode_etik", "disiplin")  # SKB: breach of the code of ethics, or of discipline (PP 94/2021)
FORWARD_TARGETS = ("bawaslu", "bkn")
MAX_REASON = 4000

# The state machine: the statuses each action may be taken from.
TAKEN_FROM: dict[str, tuple[CaseStatus, ...]] = {
    "confirm": UNDECIDED,  # the first confirmation, or the second by another reviewer
    "dismiss": ACTIVE_STATUSES,
    "clarify": (CaseStatus.open, CaseStatus.awaiting_second),
    "answer": (CaseStatus.clarification,),
    "forward": (CaseStatus.confirmed, CaseStatus.forwarded),
    "followup": (CaseStatus.confirmed, CaseStatus.forwarded),
    "assign": tuple(CaseStatus),
}
# Decided for good: nothing is left to do, so the page offers no action (assigning one is still allowed).
FINISHED = (CaseStatus.dismissed, CaseStatus.closed)


def offered_actions(status: str) -> tuple[str, ...]:
    """The action forms the case page offers on a case in `status`."""
    if CaseStatus(status) in FINISHED:
        return ()
    return tuple(action for action, statuses in TAKEN_FROM.items() if CaseStatus(status) in statuses)


class ActionError(ValueError):
    """The action cannot be done on this case now; the message says why (shown to the reviewer)."""


class NotAllowed(PermissionError):
    """This viewer may look but not act (auditors)."""


@dataclass(frozen=True)
class ActionResult:
    case_id: int
    status: str
    message: str


def _reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise ActionError("a reason is required")
    if len(text) > MAX_REASON:
        raise ActionError(f"the reason is too long (at most {MAX_REASON} characters)")
    return text


UNSEEN_POSTS = "posts joined this case since the page was opened; reload it and look at them first"


def _check_seen(session: Session, case: Case, seen_posts: int | None) -> None:
    """Refuse a decision made on fewer joined posts than the case now holds: a repost or an edit that
    joined while the reviewer read the page would otherwise be confirmed or dismissed unseen. Callers
    that do not say what they saw (`None`: scripts, older API clients) are not checked."""
    if seen_posts is None:
        return
    joined = session.exec(select(func.count()).select_from(CasePost).where(CasePost.case_id == case.id)).one()
    if joined > seen_posts:
        raise ActionError(UNSEEN_POSTS)


check_reason = _reason  # the same rule for other reviewer actions (monitor/flagging/near_misses.py)


def _act(session: Session, viewer: Viewer, case_id: int, action: str, verb: str = "") -> Case:
    """The case, if this viewer may take `action` on it now (`verb`: the action in the refusal's words)."""
    case = scoped_case(session, viewer, case_id)  # first: a case outside the scope is "not found", never "forbidden"
    if not viewer.can_act:
        raise NotAllowed("auditors have read-only access")
    if CaseStatus(case.status) not in TAKEN_FROM[action]:
        raise ActionError(f"cannot {verb or action} a case whose status is {case.status}")
    return case


def _log(
    session: Session, viewer: Viewer, case: Case, action: str, reason: str, details: dict[str, object], new_status: str
) -> ActionResult:
    old = case.status
    case.status = CaseStatus(new_status)
    case.updated_at = utcnow()
    session.add(case)
    session.add(ReviewAction(case_id=case.id, user_id=viewer.user_id, action=action, reason=reason, details=details))
    record(
        session,
        viewer.email,
        f"case.{action}",
        "case",
        str(case.id),
        {"reason": reason, "from": str(old), "to": new_status, **details},
    )
    session.flush()
    assert case.id is not None
    return ActionResult(case.id, new_status, action)


def _corrected(
    session: Session, viewer: Viewer, case: Case, details: dict[str, object], label: str, target: str, confirming: bool
) -> dict[str, object]:
    """`details` with the reviewer's correction of the model's label / target, audited as `case.correct`."""
    try:
        correction = correction_of(session, case, label=label, target=target, confirming=confirming)
    except CorrectionError as exc:
        raise ActionError(str(exc)) from exc
    if correction is None:
        return details
    record(session, viewer.email, "case.correct", "case", str(case.id), dict(correction))
    return details | {"correction": correction}


def confirm(
    session: Session, viewer: Viewer, case_id: int, *, category: str, reason: str, note: str = "",
    label: str = "", target: str = "", seen_posts: int | None = None,
) -> ActionResult:  # fmt: skip
    """`label` / `target` (optional): the reviewer's correction of the model's reading (monitor.model.corrections).
    `seen_posts`: how many joined posts the reviewer's page showed (see `_check_seen`)."""
    reason = _reason(reason)
    if category not in CATEGORIES:
        raise ActionError(f"category must be one of: {', '.join(CATEGORIES)}")
    case = _act(session, viewer, case_id, "confirm")
    _check_seen(session, case, seen_posts)
    details: dict[str, object] = {"category": category, "note": note.strip()}
    if case.status == CaseStatus.awaiting_second:
        first = first_confirmer(session, case)
        if first == viewer.user_id:
            raise ActionError("a second, different reviewer must confirm this case")
        details = _corrected(session, viewer, case, details, label, target, confirming=True)
        return _log(session, viewer, case, "confirm", reason, details | {"second": True}, CaseStatus.confirmed)
    details = _corrected(session, viewer, case, details, label, target, confirming=True)
    return _log(session, viewer, case, "confirm", reason, details | {"second": False}, CaseStatus.awaiting_second)


def dismiss(
    session: Session, viewer: Viewer, case_id: int, *, reason: str, label: str = "", target: str = "",
    seen_posts: int | None = None,
) -> ActionResult:  # fmt: skip
    reason = _reason(reason)
    case = _act(session, viewer, case_id, "dismiss")
    _check_seen(session, case, seen_posts)
    # The reviewer's "no" becomes a training example: netral, unless they corrected the label (a post can
    # take a side and still not be this ASN's violation; the stance model should learn the side).
    details = _corrected(session, viewer, case, {}, label, target, confirming=False)
    correction: Any = details.get("correction") or {}
    training = correction["label"]["after"] if "label" in correction else "netral"
    return _log(session, viewer, case, "dismiss", reason, details | {"training_label": training}, CaseStatus.dismissed)


def request_clarification(session: Session, viewer: Viewer, case_id: int, *, reason: str) -> ActionResult:
    reason = _reason(reason)
    case = _act(session, viewer, case_id, "clarify")
    return _log(session, viewer, case, "clarify", reason, {}, CaseStatus.clarification)


def answer_clarification(session: Session, viewer: Viewer, case_id: int, *, answer: str, reason: str) -> ActionResult:
    reason = _reason(reason)
    if not answer.strip():
        raise ActionError("the ASN's answer is required")
    case = _act(session, viewer, case_id, "answer", "record an answer for")
    return _log(session, viewer, case, "answer", reason, {"answer": answer.strip()}, CaseStatus.open)


def forward(
    session: Session, viewer: Viewer, case_id: int, *, target: str, reason: str, pack_sha256: str = ""
) -> ActionResult:
    reason = _reason(reason)
    if target not in FORWARD_TARGETS:
        raise ActionError(f"forward to one of: {', '.join(FORWARD_TARGETS)}")
    case = _act(session, viewer, case_id, "forward")
    details: dict[str, object] = {"target": target, "evidence_pack_sha256": pack_sha256}
    return _log(session, viewer, case, "forward", reason, details, CaseStatus.forwarded)


def record_followup(
    session: Session, viewer: Viewer, case_id: int, *, sanctioned: bool, decided_on: date | None, reason: str
) -> ActionResult:
    reason = _reason(reason)
    case = _act(session, viewer, case_id, "followup", "record PPK follow-up for")
    details: dict[str, object] = {
        "sanction_decided": sanctioned,
        "decided_on": decided_on.isoformat() if decided_on else None,
    }
    return _log(session, viewer, case, "followup", reason, details, CaseStatus.closed)


def assign(session: Session, viewer: Viewer, case_id: int, *, assignee_id: int, reason: str) -> ActionResult:
    reason = _reason(reason)
    case = _act(session, viewer, case_id, "assign")
    user = session.get(User, assignee_id)
    if user is None or not user.active or user.role == Role.auditor:
        raise ActionError("assign to an active admin or supervisor")
    if user.role == Role.supervisor and user.agency_id != case.agency_id:
        raise ActionError("that supervisor belongs to another agency")
    case.assignee_id = user.id
    return _log(session, viewer, case, "assign", reason, {"assignee": user.email}, case.status)


class Assignable(NamedTuple):
    id: int
    name: str
    email: str


# Active admins, and the active supervisors of the case's agency (the rule `assign` enforces); built once.
_ASSIGNABLE: Any = (
    select(User.id, User.name, User.email)
    .where(
        User.active == True,  # noqa: E712
        or_(User.role == Role.admin, and_(User.role == Role.supervisor, User.agency_id == bindparam("agency_id"))),
    )
    .order_by(User.name)
)


def assignable_users(session: Session, agency_id: int) -> list[Assignable]:
    """Who a case of this agency can be assigned to, by name (the case page's drop-down)."""
    return [Assignable(*r) for r in session.connection().execute(_ASSIGNABLE, {"agency_id": agency_id}).all()]


USER_CHANGES = ChangeGeneration(User)  # empties every cache below of this process


class AssignableCache:
    """`assignable_users` per agency, kept for `ttl_s` seconds (the case page's assign drop-down).

    Keyed by the case's agency, so a list is only ever shown for the agency it was read for. A user
    change committed in this process empties the cache at once; changes made by other processes (other
    web workers, the CLI) show within `ttl_s`. Only the drop-down comes from here: `assign` checks the
    chosen user against the database.
    """

    def __init__(self, ttl_s: float = 10.0, max_entries: int = 4096) -> None:
        self._cache: GenerationCache[int, list[Assignable]] = GenerationCache(USER_CHANGES, ttl_s, max_entries)

    def get(self, session: Session, agency_id: int) -> list[Assignable]:
        return list(self._cache.get(agency_id, lambda: assignable_users(session, agency_id)))


def bulk_dismiss(session: Session, viewer: Viewer, case_ids: list[int], *, reason: str) -> tuple[list[int], list[int]]:
    """Dismiss many cases with one reason. Returns (dismissed, skipped): skipped are not visible or not open."""
    reason = _reason(reason)
    if not viewer.can_act:
        raise NotAllowed("auditors have read-only access")
    done: list[int] = []
    skipped: list[int] = []
    for case_id in dict.fromkeys(case_ids):
        try:
            dismiss(session, viewer, case_id, reason=reason)
            done.append(case_id)
        except (CaseNotFound, ActionError):
            skipped.append(case_id)
    return done, skipped
