"""The whole check of the audit log that `netra audit verify` runs: the hash chain, then every signed checkpoint
(the checkpoint file's, and any given by hand, e.g. copied from a digest mail) against it.

A checkpoint holds when its signature is good and the chain's entry at its position (the count it recorded) is
still the entry it recorded. Fewer entries than a checkpoint recorded means the newest were deleted; another
entry or hash there means the chain was rewritten up to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import Session

from monitor.audit import BrokenEntry, walk
from monitor.audit_checkpoints import Checkpoint, CheckpointError, fingerprint, read_checkpoints, read_key
from monitor.config import Settings

__all__ = ["AuditReport", "check_audit_log"]


@dataclass
class AuditReport:
    entries: int  # entries whose links and hashes hold (all of them when the chain is intact)
    broken: BrokenEntry | None
    held: int = 0  # checkpoints that hold
    newest: Checkpoint | None = None  # the newest checkpoint that holds
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.broken is None and not self.problems


def _short(digest: str) -> str:
    return digest[:16] + "…"


def _gather(settings: Settings, given: Sequence[str]) -> tuple[list[tuple[str, Checkpoint]], list[str]]:
    """(where, checkpoint) for every readable checkpoint, and a problem for every unreadable one."""
    path = settings.audit_checkpoint_file
    found: list[tuple[str, Checkpoint]] = []
    problems: list[str] = []
    numbered: list[tuple[str, Checkpoint | CheckpointError]] = [
        (f"line {n} of {path}", c) for n, c in read_checkpoints(path)
    ]
    for i, text in enumerate(given, start=1):
        try:
            numbered.append((f"given checkpoint {i}", Checkpoint.parse(text.strip())))
        except CheckpointError as exc:
            numbered.append((f"given checkpoint {i}", exc))
    for where, item in numbered:
        if isinstance(item, CheckpointError):
            problems.append(f"{where}: {item}")
        else:
            found.append((where, item))
    return found, problems


def _signed(
    settings: Settings, found: list[tuple[str, Checkpoint]], report: AuditReport
) -> list[tuple[str, Checkpoint]]:
    """The checkpoints whose signature holds under the configured key; a problem for each other one."""
    key_path, file = settings.audit_key_file, settings.audit_checkpoint_file
    if not found:
        if key_path.exists():  # the key is created with the first checkpoint: they were written, and are gone
            report.problems.append(
                f"no checkpoints in {file} although the audit key {key_path} exists: the file was removed or "
                "emptied (if you have just created the key, run `netra audit checkpoint`)"
            )
        else:
            report.warnings.append(
                f"no checkpoints yet ({file}): deleting the newest entries would go unnoticed; "
                "run `netra audit checkpoint` (the daemon writes one every hour)"
            )
        return []
    try:
        key = read_key(key_path)
    except CheckpointError as exc:
        report.problems.append(f"cannot check {len(found)} checkpoints: {exc}")
        return []
    good = []
    ours = fingerprint(key)
    for where, checkpoint in found:
        if checkpoint.signed_by(key):
            good.append((where, checkpoint))
        elif checkpoint.key == ours:
            report.problems.append(f"{where}: its signature does not match: it was changed after it was signed")
        else:
            report.problems.append(
                f"{where}: signed with another key (fingerprint {checkpoint.key}; the configured key's is {ours})"
            )
    return good


def check_audit_log(session: Session, settings: Settings, given: Sequence[str] = ()) -> AuditReport:
    """Walk the chain once, comparing it with every checkpoint on the way."""
    found, unreadable = _gather(settings, given)
    report = AuditReport(entries=0, broken=None, problems=unreadable)
    signed = _signed(settings, found, report)
    chain = walk(session, positions={c.count for _, c in signed})
    report.entries, report.broken = chain.verified, chain.broken
    for where, checkpoint in signed:
        seen = chain.heads.get(checkpoint.count)
        taken = f"checkpoint of {checkpoint.at:%Y-%m-%d %H:%M:%S} UTC ({where})"
        if seen is None:
            if chain.broken is None:  # a broken chain is reported already; past the break nothing can compare
                report.problems.append(
                    f"TRUNCATED: the {taken} recorded {checkpoint.count} entries, the log now holds "
                    f"{chain.verified}: the newest {checkpoint.count - chain.verified} were deleted"
                )
        elif seen != (checkpoint.head_id, checkpoint.head):
            report.problems.append(
                f"REWRITTEN: the {taken} recorded entry #{checkpoint.head_id} ({_short(checkpoint.head)}) as entry "
                f"number {checkpoint.count}; the log now has #{seen[0]} ({_short(seen[1])}) there"
            )
        else:
            report.held += 1
            if report.newest is None or (checkpoint.count, checkpoint.at) >= (report.newest.count, report.newest.at):
                report.newest = checkpoint
    return report
