"""The audit log's checkpoint that every digest mail carries: a signed copy that leaves the server, so that
deleting the newest audit entries (or rewriting the chain) can be proven later from any recipient's mailbox."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Engine

from monitor.audit_checkpoints import CheckpointError, latest, write_checkpoint
from monitor.config import Settings
from monitor.digest.labels import local_time

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AuditNote:
    line: str | None  # the signed checkpoint, as `netra audit verify --checkpoint` takes it
    count: int = 0
    head: str = ""
    at: str = ""  # when it was taken, local time
    problem: str | None = None  # why there is none: the mail still goes out, and says so


def audit_note(engine: Engine, settings: Settings, *, write: bool = True) -> AuditNote | None:
    """A fresh checkpoint for a digest run; `write=False` (previews): the newest one already written, if any."""
    try:
        checkpoint = write_checkpoint(engine, settings) if write else latest(settings.audit_checkpoint_file)
    except (CheckpointError, OSError) as exc:
        # A digest is never held back for this; the mail tells the reader that the checkpoint is missing.
        log.error("no audit checkpoint for the digest: %s", exc)
        return AuditNote(None, problem=str(exc))
    if checkpoint is None:
        return None
    at = local_time(checkpoint.at, settings.scheduler.timezone)
    return AuditNote(checkpoint.line(), checkpoint.count, checkpoint.head, at)
