"""Forwarding a case with its evidence pack, and the pack exactly as it was forwarded.

A pack built now holds the case's audit trail as it is now, and every download adds an entry to it, so
no pack built after the forwarding matches the SHA-256 the `case.forward` audit entry recorded. The
forwarded bytes are therefore archived (`ForwardedPack`) in the forwarding's own transaction, and
`forwarded_pack` returns them: their SHA-256 is the recorded one.
"""

from __future__ import annotations

import hashlib

from sqlmodel import Session, col, select

from monitor.models import AuditLog, ForwardedPack
from monitor.review import actions as act
from monitor.review.cases import Viewer, scoped_case
from monitor.review.evidence.pack import build_evidence_pack

__all__ = ["ArchiveError", "NotForwarded", "forward_with_pack", "forwarded_pack"]


class NotForwarded(LookupError):
    """The case (visible to this viewer) was never forwarded (to this target): there is no forwarded pack."""


class ArchiveError(RuntimeError):
    """The archived bytes no longer match the SHA-256 the audit log recorded: the archive was altered."""


def forward_with_pack(
    session: Session, viewer: Viewer, case_id: int, *, target: str, reason: str
) -> tuple[act.ActionResult, ForwardedPack]:
    """Build the pack, forward the case recording the pack's SHA-256, and archive the very bytes, all in the
    caller's transaction. Raises what `build_evidence_pack` and `case_actions.forward` raise."""
    pack, digest = build_evidence_pack(session, viewer, case_id)
    result = act.forward(session, viewer, case_id, target=target, reason=reason, pack_sha256=digest)
    entry = session.exec(
        select(AuditLog.id)
        .where(AuditLog.object_type == "case", AuditLog.object_id == str(case_id), AuditLog.action == "case.forward")
        .order_by(col(AuditLog.id).desc())
        .limit(1)
    ).one()  # the entry `forward` has just written (flushed) in this transaction
    archived = ForwardedPack(
        case_id=case_id,
        audit_id=entry,
        target=target,
        sha256=digest,
        size=len(pack),
        content=pack,
        forwarded_by=viewer.email,
    )
    session.add(archived)
    session.flush()
    return result, archived


def forwarded_pack(session: Session, viewer: Viewer, case_id: int, target: str | None = None) -> ForwardedPack:
    """The latest pack forwarded for this case (to `target`, when given).

    Raises CaseNotFound outside the viewer's scope (first, so that scope is never leaked), NotForwarded when
    there is none, ArchiveError when its bytes do not hash to the SHA-256 its audit entry recorded.
    """
    scoped_case(session, viewer, case_id)
    stmt = select(ForwardedPack).where(ForwardedPack.case_id == case_id)
    if target:
        stmt = stmt.where(ForwardedPack.target == target)
    pack = session.exec(stmt.order_by(col(ForwardedPack.id).desc()).limit(1)).first()
    if pack is None:
        raise NotForwarded(f"case {case_id} has not been forwarded" + (f" to {target}" if target else ""))
    # Checked against the hash-chained audit entry, not only the row's own column, which could be changed along.
    recorded = (
        session.exec(select(AuditLog.details).where(AuditLog.id == pack.audit_id)).one().get("evidence_pack_sha256")
    )
    if hashlib.sha256(pack.content).hexdigest() != recorded or pack.sha256 != recorded:
        raise ArchiveError(
            f"the archived pack of case {case_id} does not match the SHA-256 recorded in audit entry #{pack.audit_id}"
        )
    return pack
