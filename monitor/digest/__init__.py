"""The weekly digest email: what each supervisor must judge, sent once per (recipient, ISO week)."""

from monitor.digest.deliveries import DigestProblem, digest_problems
from monitor.digest.service import (
    DigestPreviewError,
    DigestRunSummary,
    preview_digest,
    reopen_delivery,
    retry_due_digests,
    send_weekly_digests,
)
from monitor.digest.week import IsoWeek, WeekError

__all__ = [
    "DigestPreviewError",
    "DigestProblem",
    "DigestRunSummary",
    "IsoWeek",
    "WeekError",
    "digest_problems",
    "preview_digest",
    "reopen_delivery",
    "retry_due_digests",
    "send_weekly_digests",
]
