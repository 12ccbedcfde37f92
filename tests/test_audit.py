"""The hash-chained audit log: appends link up, and any tampering is found and named."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine, text
from sqlmodel import Session, select

from monitor.audit import GENESIS, record, verify
from monitor.db import make_engine, upgrade
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


def test_concurrent_writers_keep_one_chain(pg_schema_url: str) -> None:
    """Writers in parallel transactions (web page, daemon, CLI) never fork the chain on PostgreSQL."""
    engine = make_engine(pg_schema_url)
    upgrade(engine)

    def writer(n: int) -> None:
        for i in range(20):
            with Session(engine) as session:
                record(session, f"w{n}@x.id", "case.dismiss", "case", i, {"writer": n})
                session.commit()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(writer, range(4)))
    with Session(engine) as session:
        assert verify(session) is None
        rows = session.exec(select(AuditLog).order_by(AuditLog.id)).all()
        assert len(rows) == 80 and len({r.prev_hash for r in rows}) == 80  # a line, not a tree
    engine.dispose()
