"""The weekly send: who gets which digest, sent exactly once per (recipient, week).

`send_weekly_digests` is what the daemon runs on Monday 07:00 WIB and `netra digest send` runs
by hand; `retry_due_digests` only retries deliveries whose backoff has run out (schedule it often).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import Engine
from sqlmodel import Session

from monitor.config import Settings
from monitor.digest import deliveries as dl
from monitor.digest import queries as q
from monitor.digest.audit_note import AuditNote, audit_note
from monitor.digest.content import Digest, ScopeData, build_digest
from monitor.digest.mailer import DeliveryError, SmtpMailer, build_message
from monitor.digest.render import RenderedMail, render_digest
from monitor.digest.week import IsoWeek
from monitor.models import User, utcnow

ALL_AGENCIES = "Semua instansi"
log = logging.getLogger(__name__)


class Mailer(Protocol):
    from_address: str

    def send(self, message: object) -> None: ...
    def close(self) -> None: ...


@dataclass
class DigestRunSummary:
    week: str
    sent: int = 0
    retry_later: int = 0  # transient failures: tried again after a backoff
    failed: int = 0  # permanent failures, recorded with their error
    empty_not_sent: int = 0  # nothing new, and the recipient did not opt in
    already_handled: int = 0  # sent, failed or being sent by an earlier or concurrent run
    skipped: int = 0  # retries for recipients who no longer get a digest
    errors: list[str] = field(default_factory=list)


class WeekCases:
    """All cases a week's digests need, read once and split per agency (cheap for 1,000 recipients)."""

    def __init__(self, engine: Engine, settings: Settings, week: IsoWeek, now: datetime) -> None:
        tz = settings.scheduler.timezone
        start, end = week.bounds(tz)
        prev_start, prev_end = week.previous().bounds(tz)
        with Session(engine) as session:
            self.new = q.new_cases(session, agency_id=None, start=start, end=end)
            due_before = now + timedelta(days=settings.digest.due_soon_days)
            self.urgent = q.urgent_cases(session, agency_id=None, due_before=due_before)
            self.previous = q.new_case_counts(session, start=prev_start, end=prev_end)
            self.names = q.agency_names(session)
        self.new_by, self.urgent_by = defaultdict(list), defaultdict(list)
        for row in self.new:
            self.new_by[row.agency_id].append(row)
        for row in self.urgent:
            self.urgent_by[row.agency_id].append(row)

    def scope(self, agency_id: int | None) -> ScopeData:
        if agency_id is None:
            return ScopeData(
                ALL_AGENCIES, self.new, self.urgent, sum(self.previous.values()), self.previous, self.names
            )
        return ScopeData(
            self.names.get(agency_id, f"Instansi #{agency_id}"),
            self.new_by[agency_id],
            self.urgent_by[agency_id],
            self.previous.get(agency_id, 0),
        )


class DigestRun:
    def __init__(
        self, engine: Engine, settings: Settings, mailer: Mailer, now: datetime, audit: AuditNote | None = None
    ) -> None:
        self.engine, self.settings, self.mailer, self.now = engine, settings, mailer, now
        self.audit = audit  # the same checkpoint in every mail of the run
        self.weeks: dict[IsoWeek, WeekCases] = {}
        self.down: str | None = None  # set once the server proved unusable: the rest wait for a retry

    def digest(self, recipient: q.Recipient, week: IsoWeek) -> Digest:
        if week not in self.weeks:
            self.weeks[week] = WeekCases(self.engine, self.settings, week, self.now)
        scope = None if recipient.role == "admin" else recipient.agency_id
        return build_digest(
            recipient,
            self.weeks[week].scope(scope),
            week=week,
            now=self.now,
            tz=self.settings.scheduler.timezone,
            base_url=self.settings.base_url,
            max_cases=self.settings.digest.max_cases,
            due_soon_days=self.settings.digest.due_soon_days,
            audit=self.audit,
        )

    def _retry_at(self, attempt: int) -> datetime:
        d = self.settings.digest
        return self.now + dl.backoff(attempt, base_s=d.retry_base_s, max_s=d.retry_max_s)

    def deliver(
        self, recipient: q.Recipient, week: IsoWeek, digest: Digest, summary: DigestRunSummary, *, new: bool = False
    ) -> None:
        """Claim, send, record. Every outcome lands in the delivery record before the next recipient.

        `new`: the record may not exist yet (the week's first pass), so claiming creates it.
        """
        wk, uid = str(week), recipient.id
        if self.down is not None:
            if new:
                dl.ensure_row(self.engine, uid, wk)
            dl.defer_unclaimed(self.engine, uid, wk, f"not tried: {self.down}", now=self.now, at=self._retry_at(1))
            summary.retry_later += 1
            return
        lease = timedelta(seconds=self.settings.digest.claim_lease_s)
        attempt = dl.claim(self.engine, uid, wk, now=self.now, lease=lease, create=new)
        if attempt is None:
            summary.already_handled += 1
            return
        mail = render_digest(digest)
        try:
            self.mailer.send(message_for(mail, self.mailer.from_address, uid, wk))
        except DeliveryError as exc:
            error = str(exc)
            summary.errors.append(f"{recipient.email} {wk}: {error}")
            if exc.connection:
                self.down = error
            if exc.permanent or attempt >= self.settings.digest.max_attempts:
                suffix = "" if exc.permanent else f" (gave up after {attempt} attempts)"
                dl.mark_failed(self.engine, uid, wk, error + suffix, attempt=attempt)
                log.warning("digest %s for %s failed: %s%s", wk, recipient.email, error, suffix)
                summary.failed += 1
            else:
                dl.mark_retry(self.engine, uid, wk, error, attempt=attempt, at=self._retry_at(attempt))
                log.info("digest %s for %s will be retried: %s", wk, recipient.email, error)
                summary.retry_later += 1
            return
        dl.mark_sent(self.engine, uid, wk, attempt=attempt, now=utcnow())
        summary.sent += 1

    def week(self, week: IsoWeek, recipients: Iterable[q.Recipient], summary: DigestRunSummary) -> None:
        done = dl.settled(self.engine, str(week))
        for recipient in recipients:
            if recipient.id in done:  # a shortcut only: the claim in deliver() is what guarantees once
                summary.already_handled += 1
                continue
            digest = self.digest(recipient, week)
            if digest.is_empty and not recipient.digest_when_empty:
                summary.empty_not_sent += 1
                continue
            self.deliver(recipient, week, digest, summary, new=True)

    def retries(self, summary: DigestRunSummary, *, skip_week: str | None = None) -> None:
        for user_id, wk in dl.due_retries(self.engine, now=self.now):
            if wk == skip_week:
                continue
            with Session(self.engine) as session:
                recipient = q.recipient_by_id(session, user_id)
            if recipient is None or not recipient.eligible:
                dl.mark_skipped(self.engine, user_id, wk, "recipient no longer receives digests")
                summary.skipped += 1
                continue
            week = IsoWeek.parse(wk)
            digest = self.digest(recipient, week)
            if digest.is_empty and not recipient.digest_when_empty:
                dl.mark_skipped(self.engine, user_id, wk, "nothing to report any more")
                summary.skipped += 1
                continue
            self.deliver(recipient, week, digest, summary)


def message_for(mail: RenderedMail, from_address: str, user_id: int, week: str) -> object:
    # The same Message-ID on every attempt lets a mail system drop the copy a crash could cause.
    domain = from_address.rpartition("@")[2].strip("> ") or "netra.local"
    return build_message(mail, from_address=from_address, message_id=f"<digest-{week}-{user_id}@{domain}>")


def send_weekly_digests(
    engine: Engine,
    settings: Settings,
    *,
    week: IsoWeek | None = None,
    now: datetime | None = None,
    mailer: Mailer | None = None,
) -> DigestRunSummary:
    """Send `week`'s digests (default: the ISO week just finished, in WIB), then due retries of earlier weeks."""
    now = now or utcnow()
    week = week or IsoWeek.last_finished(now, settings.scheduler.timezone)
    summary = DigestRunSummary(week=str(week))
    mailer = mailer or SmtpMailer(settings.smtp)
    try:
        run = DigestRun(engine, settings, mailer, now, audit_note(engine, settings))
        with Session(engine) as session:
            recipients = q.recipients(session)
        run.week(week, recipients, summary)
        run.retries(summary, skip_week=str(week))
    finally:
        mailer.close()
    return summary


def retry_due_digests(
    engine: Engine, settings: Settings, *, now: datetime | None = None, mailer: Mailer | None = None
) -> DigestRunSummary:
    """Retry only the deliveries whose backoff has run out (one query when there are none)."""
    now = now or utcnow()
    summary = DigestRunSummary(week="")
    if not dl.due_retries(engine, now=now):
        return summary
    mailer = mailer or SmtpMailer(settings.smtp)
    try:
        DigestRun(engine, settings, mailer, now, audit_note(engine, settings)).retries(summary)
    finally:
        mailer.close()
    return summary


class DigestUserError(LookupError):
    """The user named does not exist, gets no digest, or has nothing to retry."""


def set_digest_when_empty(engine: Engine, *, email: str, enabled: bool) -> None:
    """Opt a user in to (or out of) the short "tidak ada kasus baru" mail for quiet weeks."""
    with Session(engine) as session:
        recipient = q.recipient_by_email(session, email)
        if recipient is None:
            raise DigestUserError(f"no user with email {email!r}")
        user = session.get(User, recipient.id)
        assert user is not None
        user.digest_when_empty = enabled
        session.add(user)
        session.commit()


def reopen_delivery(engine: Engine, *, email: str, week: IsoWeek) -> None:
    """Make one user's failed delivery for `week` due again; `retry_due_digests` then sends it."""
    with Session(engine) as session:
        recipient = q.recipient_by_email(session, email)
    if recipient is None:
        raise DigestUserError(f"no user with email {email!r}")
    if not dl.reopen(engine, recipient.id, str(week)):
        raise DigestUserError(f"{recipient.email} has no unsent digest for {week} to retry")


def preview_digest(
    engine: Engine, settings: Settings, *, email: str, week: IsoWeek, now: datetime | None = None
) -> tuple[Digest, RenderedMail]:
    """Render one user's digest exactly as it would be sent, without sending or recording anything."""
    with Session(engine) as session:
        recipient = q.recipient_by_email(session, email)
    if recipient is None:
        raise DigestUserError(f"no user with email {email!r}")
    if not recipient.eligible:
        why = (
            "is not active"
            if not recipient.active
            else ("is an auditor" if recipient.role == "auditor" else "has no agency")
        )
        raise DigestUserError(f"{recipient.email} gets no digest: the user {why}")
    audit = audit_note(engine, settings, write=False)  # a preview records nothing, not even a checkpoint
    run = DigestRun(engine, settings, mailer=_NoMailer(), now=now or utcnow(), audit=audit)
    digest = run.digest(recipient, week)
    return digest, render_digest(digest)


class _NoMailer:
    from_address = ""

    def send(self, message: object) -> None:
        raise RuntimeError("preview never sends")

    def close(self) -> None:
        return None
