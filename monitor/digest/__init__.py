"""The weekly digest email: what each supervisor must judge, sent once per (recipient, ISO week)."""

from monitor.digest.deliveries import DigestProblem, digest_problems
from monitor.digest.service import (
    DigestRunSummary,
    DigestUserError,
    preview_digest,
    reopen_delivery,
    retry_due_digests,
    send_weekly_digests,
    set_digest_when_empty,
)
from monitor.digest.week import IsoWeek, WeekError

__all__ = [
    "DigestProblem",
    "DigestRunSummary",
    "DigestUserError",
    "IsoWeek",
    "WeekError",
    "digest_problems",
    "preview_digest",
    "reopen_delivery",
    "retry_due_digests",
    "send_weekly_digests",
    "set_digest_when_empty",
]
