"""The (recipient, week) delivery record: the state machine that makes digests exactly-once.

    (no row) --ensure--> pending --claim--> pending, leased (attempts+1, next_attempt_at = now + lease)
    leased --sent--> sent                     (final)
    leased --5xx / too many tries--> failed  (final; shown by `netra status`)
    leased --4xx / unreachable--> pending, next_attempt_at = now + backoff
    leased --recipient gone--> skipped       (final)

A claim is one conditional UPDATE, so of several runners exactly one wins a row; a runner that dies
after claiming leaves a lease that expires, after which the row is claimable again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from monitor.models import DigestDelivery, User, utcnow

PENDING, SENT, FAILED, SKIPPED = "pending", "sent", "failed", "skipped"


def _due(now: datetime) -> object:
    return or_(col(DigestDelivery.next_attempt_at).is_(None), col(DigestDelivery.next_attempt_at) <= now)


def _insert(engine: Engine, user_id: int, week: str) -> Any:
    insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
    return (
        insert(DigestDelivery)
        .values(user_id=user_id, week=week, status=PENDING, attempts=0, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["user_id", "week"])
    )


def ensure_row(engine: Engine, user_id: int, week: str) -> None:
    """Create the pending record for (user, week) unless it exists; never touches an existing one."""
    with engine.begin() as conn:
        conn.execute(_insert(engine, user_id, week))


def claim(
    engine: Engine, user_id: int, week: str, *, now: datetime, lease: timedelta, create: bool = False
) -> int | None:
    """Take the record for sending; returns the attempt number, or None if it is not ours to send.

    `create`: first create the record if missing, in the same transaction (one commit, not two).
    """
    stmt = (
        update(DigestDelivery)
        .where(
            col(DigestDelivery.user_id) == user_id,
            col(DigestDelivery.week) == week,
            col(DigestDelivery.status) == PENDING,
            _due(now),
        )  # type: ignore[arg-type]
        .values(attempts=DigestDelivery.attempts + 1, next_attempt_at=now + lease)
        .returning(DigestDelivery.attempts)
    )
    with engine.begin() as conn:
        if create:
            conn.execute(_insert(engine, user_id, week))
        return conn.execute(stmt).scalar_one_or_none()


def _set(engine: Engine, user_id: int, week: str, *conditions: object, **values: object) -> None:
    stmt = (
        update(DigestDelivery)
        .where(
            col(DigestDelivery.user_id) == user_id,
            col(DigestDelivery.week) == week,
            *conditions,  # type: ignore[arg-type]
        )
        .values(**values)
    )
    with engine.begin() as conn:
        conn.execute(stmt)


def _ours(attempt: int) -> object:
    # Only the claimant of this attempt records its outcome (a stale sender whose lease ran out does not).
    return col(DigestDelivery.attempts) == attempt


def mark_sent(engine: Engine, user_id: int, week: str, *, attempt: int, now: datetime) -> None:
    _set(engine, user_id, week, _ours(attempt), status=SENT, sent_at=now, next_attempt_at=None, last_error=None)


def mark_failed(engine: Engine, user_id: int, week: str, error: str, *, attempt: int) -> None:
    _set(engine, user_id, week, _ours(attempt), status=FAILED, last_error=error, next_attempt_at=None)


def mark_skipped(engine: Engine, user_id: int, week: str, reason: str) -> None:
    _set(engine, user_id, week, status=SKIPPED, last_error=reason, next_attempt_at=None)


def mark_retry(engine: Engine, user_id: int, week: str, error: str, *, attempt: int, at: datetime) -> None:
    _set(engine, user_id, week, _ours(attempt), status=PENDING, last_error=error, next_attempt_at=at)


def defer_unclaimed(engine: Engine, user_id: int, week: str, error: str, *, now: datetime, at: datetime) -> None:
    """Record that a due delivery was not even tried (the server was down) and when to try it."""
    _set(engine, user_id, week, col(DigestDelivery.status) == PENDING, _due(now), last_error=error, next_attempt_at=at)


def reopen(engine: Engine, user_id: int, week: str) -> bool:
    """Make a failed (or waiting) delivery due again now, e.g. after its address was fixed.

    Returns False when there is nothing to reopen: no such delivery, or it was sent.
    """
    stmt = (
        update(DigestDelivery)
        .where(
            col(DigestDelivery.user_id) == user_id,
            col(DigestDelivery.week) == week,
            col(DigestDelivery.status).in_([PENDING, FAILED, SKIPPED]),
        )
        .values(status=PENDING, attempts=0, next_attempt_at=None)
    )
    with engine.begin() as conn:
        return conn.execute(stmt).rowcount == 1


def backoff(attempt: int, *, base_s: float, max_s: float) -> timedelta:
    """5 min, 10 min, 20 min ... capped: the delay after failed attempt number `attempt` (1-based)."""
    return timedelta(seconds=min(base_s * 2 ** max(attempt - 1, 0), max_s))


def due_retries(engine: Engine, *, now: datetime) -> list[tuple[int, str]]:
    """(user id, week) of pending deliveries whose retry time has come, oldest week first."""
    query = (
        select(DigestDelivery.user_id, DigestDelivery.week)
        .where(col(DigestDelivery.status) == PENDING, _due(now))
        .order_by(col(DigestDelivery.week), col(DigestDelivery.user_id))
    )
    with Session(engine) as session:
        return [(user_id, week) for user_id, week in session.exec(query)]


def settled(engine: Engine, week: str) -> set[int]:
    """Users whose delivery for `week` is final (sent, failed, skipped): a re-run need not even render theirs."""
    query = select(DigestDelivery.user_id).where(
        col(DigestDelivery.week) == week, col(DigestDelivery.status).in_([SENT, FAILED, SKIPPED])
    )
    with Session(engine) as session:
        return set(session.exec(query))


@dataclass(frozen=True)
class DigestProblem:
    """A digest that will not arrive: shown by `netra status`."""

    email: str
    week: str
    error: str
    attempts: int
    since: datetime  # when the record was created


def digest_problems(session: Session) -> list[DigestProblem]:
    """Deliveries that failed permanently (bad address, refused, gave up after retries), newest first."""
    query = (
        select(DigestDelivery, User.email)
        .join(User, col(User.id) == col(DigestDelivery.user_id))
        .where(col(DigestDelivery.status) == FAILED)
        .order_by(col(DigestDelivery.week).desc(), col(User.email))
    )
    return [
        DigestProblem(email=email, week=d.week, error=d.last_error or "", attempts=d.attempts, since=d.created_at)
        for d, email in session.exec(query)
    ]
