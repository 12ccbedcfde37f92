"""The PostgreSQL pool: no ping round trip on a healthy, recently used connection, and connections the
server dropped (what a restart does to every one of them) are replaced before use, so no request fails."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

import monitor.db
from monitor.db import autocommit_reads
from tests.utils.pg_connections import terminate_connections
from tests.utils.review import login, make_client, seed_world

pytestmark = pytest.mark.postgres


def _count_pings(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    pings: list[int] = []
    real = engine.dialect.do_ping

    def counted(dbapi_connection: object) -> bool:
        pings.append(1)
        return real(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counted)
    return pings


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_no_ping_on_a_recently_used_connection(pg_app_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    pings = _count_pings(pg_app_engine, monkeypatch)
    pids = {_backend_pid(pg_app_engine) for _ in range(5)}
    assert len(pids) == 1  # the same pooled connection every time
    assert pings == []


def test_idle_connection_is_pinged(pg_app_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    pings = _count_pings(pg_app_engine, monkeypatch)
    first = _backend_pid(pg_app_engine)
    monkeypatch.setattr(monitor.db, "PING_AFTER_IDLE_S", 0.0)
    assert _backend_pid(pg_app_engine) == first  # pinged, alive, kept
    assert pings == [1]


def test_dropped_connections_are_replaced_before_use(
    pg_app_engine: Engine, app_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pings = _count_pings(pg_app_engine, monkeypatch)
    with pg_app_engine.connect() as c1, pg_app_engine.connect() as c2:  # two pooled connections
        before = {c.execute(text("SELECT pg_backend_pid()")).scalar_one() for c in (c1, c2)}
    assert terminate_connections(app_name, wait_until_gone=True) == 2
    for _ in range(4):  # no error: each dropped connection is detected and replaced
        assert _backend_pid(pg_app_engine) not in before
    assert len(pings) == 1  # the first failed ping invalidated the whole pool: no ping per dead connection


def test_review_page_survives_a_database_restart(pg_app_engine: Engine, app_name: str) -> None:
    world = seed_world(pg_app_engine)
    with make_client(pg_app_engine) as client:
        login(client, world.emails["admin"])
        assert client.get("/cases").status_code == 200
        assert client.get(f"/cases/{world.cases_a[0]}").status_code == 200
        assert terminate_connections(app_name, wait_until_gone=True) >= 1
        assert client.get("/cases").status_code == 200
        assert client.get(f"/cases/{world.cases_a[0]}").status_code == 200
        assert client.get("/api/cases").status_code == 200  # the API, too
    with Session(pg_app_engine) as s:  # and the engine is healthy afterwards
        assert s.exec(text("SELECT 1")).one()[0] == 1  # type: ignore[call-overload]


def test_autocommit_reads(pg_app_engine: Engine, sqlite_engine: Engine) -> None:
    reads = autocommit_reads(pg_app_engine)
    assert autocommit_reads(pg_app_engine) is reads  # one sibling (one pool) per engine
    with Session(reads) as s:
        assert s.connection().connection.dbapi_connection.autocommit is True  # type: ignore[union-attr]
        s.exec(text("SELECT 1"))  # type: ignore[call-overload]
        assert s.connection().connection.dbapi_connection.info.transaction_status == 0  # IDLE: no BEGIN sent  # type: ignore[union-attr]
    with Session(pg_app_engine) as s:  # the engine itself still opens transactions
        assert s.connection().connection.dbapi_connection.autocommit is False  # type: ignore[union-attr]
    pg_app_engine.dispose()
    assert reads.pool.checkedin() == 0  # disposed with it
    assert autocommit_reads(sqlite_engine) is sqlite_engine
