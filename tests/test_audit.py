"""The hash-chained audit log: appends link up, and any tampering is found and named."""

from __future__ import annotations

from sqlalchemy import Engine, text
from sqlmodel import Session

from monitor.audit import GENESIS, record, verify
from monitor.models import AuditLog


def test_chain_links_and_verifies(engine: Engine) -> None:
    with Session(engine) as session:
        first = record(session, "a@x.id", "case.confirm", "case", 1, {"reason": "jelas <b>mendukung</b>"})
        second = record(session, "b@x.id", "case.dismiss", "case", "2", {"n": 1.5})
        session.commit()
        assert first.prev_hash == GENESIS and second.prev_hash == first.hash
        assert verify(session) is None


def test_tampering_is_named(engine: Engine) -> None:
    with Session(engine) as session:
        ids = [record(session, "a@x.id", "case.confirm", "case", i, {"i": i}).id for i in range(5)]
        session.commit()
        session.execute(text("UPDATE auditlog SET actor = 'mallory' WHERE id = :i"), {"i": ids[2]})
        session.commit()
        broken = verify(session)
        assert broken is not None and broken.id == ids[2] and "changed" in broken.reason


def test_deleted_entry_breaks_the_next_link(engine: Engine) -> None:
    with Session(engine) as session:
        ids = [record(session, "a@x.id", "x", "case", i, {}).id for i in range(4)]
        session.commit()
        session.execute(text("DELETE FROM auditlog WHERE id = :i"), {"i": ids[1]})
        session.commit()
        broken = verify(session)
        assert broken is not None and broken.id == ids[2] and "prev_hash" in broken.reason
        assert session.get(AuditLog, ids[3]) is not None
