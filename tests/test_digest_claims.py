"""The (recipient, week) record: exactly one claimant, leases that expire, final states stay final."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, select

from monitor.digest import deliveries as dl
from monitor.models import DigestDelivery
from tests.utils.concurrency import run_concurrently
from tests.utils.factories import make_user

NOW = datetime(2024, 11, 25, 0, 0, tzinfo=UTC)
LEASE = timedelta(minutes=10)


def new_user(engine: Engine) -> int:
    with Session(engine) as s:
        user = make_user(s)
        s.commit()
        assert user.id is not None
        return user.id


def row(engine: Engine, user_id: int) -> DigestDelivery:
    with Session(engine) as s:
        return s.exec(select(DigestDelivery).where(DigestDelivery.user_id == user_id)).one()


def test_one_row_per_recipient_and_week(engine: Engine) -> None:
    uid = new_user(engine)
    dl.ensure_row(engine, uid, "2024-W47")
    dl.ensure_row(engine, uid, "2024-W47")  # a second runner: no error, no second row
    dl.ensure_row(engine, uid, "2024-W48")
    with Session(engine) as s:
        assert sorted(d.week for d in s.exec(select(DigestDelivery))) == ["2024-W47", "2024-W48"]


def test_claim_is_taken_once_until_its_lease_expires(engine: Engine) -> None:
    uid = new_user(engine)
    dl.ensure_row(engine, uid, "2024-W47")
    assert dl.claim(engine, uid, "2024-W47", now=NOW, lease=LEASE) == 1
    assert dl.claim(engine, uid, "2024-W47", now=NOW + timedelta(minutes=9), lease=LEASE) is None
    # the claimant died without recording anything: after the lease, someone else may send it
    assert dl.claim(engine, uid, "2024-W47", now=NOW + timedelta(minutes=10), lease=LEASE) == 2
    dl.mark_sent(engine, uid, "2024-W47", attempt=1, now=NOW)  # the first, stale claimant: ignored
    assert row(engine, uid).status == "pending"
    dl.mark_sent(engine, uid, "2024-W47", attempt=2, now=NOW)
    assert dl.claim(engine, uid, "2024-W47", now=NOW + timedelta(days=30), lease=LEASE) is None
    assert row(engine, uid).status == "sent"


def test_claim_can_create_the_record_in_the_same_transaction(engine: Engine) -> None:
    uid = new_user(engine)
    assert dl.claim(engine, uid, "2024-W47", now=NOW, lease=LEASE, create=True) == 1
    assert dl.claim(engine, uid, "2024-W47", now=NOW, lease=LEASE, create=True) is None  # exists, and leased
    assert row(engine, uid).attempts == 1


def test_retry_then_permanent_failure(engine: Engine) -> None:
    uid = new_user(engine)
    dl.ensure_row(engine, uid, "2024-W47")
    dl.claim(engine, uid, "2024-W47", now=NOW, lease=LEASE)
    dl.mark_retry(engine, uid, "2024-W47", "421 busy", attempt=1, at=NOW + timedelta(minutes=5))
    assert dl.due_retries(engine, now=NOW + timedelta(minutes=4)) == []
    assert dl.due_retries(engine, now=NOW + timedelta(minutes=5)) == [(uid, "2024-W47")]
    assert dl.claim(engine, uid, "2024-W47", now=NOW + timedelta(minutes=5), lease=LEASE) == 2
    dl.mark_failed(engine, uid, "2024-W47", "550 no such mailbox", attempt=2)
    assert dl.claim(engine, uid, "2024-W47", now=NOW + timedelta(days=1), lease=LEASE) is None
    assert dl.due_retries(engine, now=NOW + timedelta(days=1)) == []
    got = row(engine, uid)
    assert (got.status, got.attempts, got.last_error) == ("failed", 2, "550 no such mailbox")


def test_racing_claims_that_create_the_record_have_exactly_one_winner(engine: Engine) -> None:
    uids = [new_user(engine) for _ in range(5)]
    wins: list[int] = []

    def contender() -> None:
        for uid in uids:
            if dl.claim(engine, uid, "2024-W47", now=NOW, lease=LEASE, create=True) is not None:
                wins.append(uid)

    _, errors = run_concurrently(contender, 4)
    assert errors == []
    assert sorted(wins) == sorted(uids)  # every row claimed, none twice
    assert {row(engine, uid).attempts for uid in uids} == {1}


def test_backoff_doubles_up_to_the_cap() -> None:
    delays = [dl.backoff(n, base_s=300, max_s=3600).total_seconds() for n in range(1, 7)]
    assert delays == [300, 600, 1200, 2400, 3600, 3600]
