"""Engines, sessions and schema migrations, for SQLite (default) and PostgreSQL."""

from __future__ import annotations

import select
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, event, exc
from sqlalchemy.engine import make_url
from sqlmodel import Session, create_engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_engines: dict[str, Engine] = {}
_read_engines: WeakKeyDictionary[Engine, Engine] = WeakKeyDictionary()  # autocommit_reads
# A pooled PostgreSQL connection that sat unused for longer than this is pinged (a round trip) before use.
PING_AFTER_IDLE_S = 10.0


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers (the web page) don't block the collector
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str, *, autocommit: bool = False) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = str(parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False))
    options: dict[str, Any] = {"isolation_level": "AUTOCOMMIT"} if autocommit else {}
    engine = create_engine(url, pool_size=10, max_overflow=20, **options)
    if parsed.get_backend_name() == "postgresql":
        _check_on_checkout(engine)
    return engine


def _socket_quiet(dbapi_connection: Any) -> bool:
    """Nothing waiting on an idle connection's socket: the server neither closed it nor sent an error.

    A backend that goes away (server restart or shutdown, `pg_terminate_backend`, a crash) sends its FATAL
    error and closes the socket, which makes it readable; an idle connection of this app is never sent
    anything else (no LISTEN), bar the odd asynchronous NOTICE, which only costs a ping.
    """
    try:
        fd = dbapi_connection.pgconn.socket  # raises once psycopg knows the connection is closed
        poller = select.poll()
        poller.register(fd, select.POLLIN | select.POLLPRI)
        return not poller.poll(0)
    except Exception:  # anything odd: let the real ping decide
        return False


def _check_on_checkout(engine: Engine) -> None:
    """What `pool_pre_ping` does, without its round trip on every checkout.

    `pool_pre_ping` sent a query before every use of a pooled connection (one extra round trip per web
    request). Instead a connection is pinged only when its socket says something happened (the server
    closed it or sent an error), or when it sat idle for longer than `PING_AFTER_IDLE_S`. A failed ping
    invalidates the whole pool, as `pool_pre_ping` did, and the checkout goes on with a new connection:
    a restarted PostgreSQL costs no request an error.
    """
    dialect = engine.dialect

    @event.listens_for(engine, "connect")
    def _connected(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since", 0.0)
        if _socket_quiet(dbapi_connection) and time.monotonic() - idle_since < PING_AFTER_IDLE_S:
            return
        if not dialect._do_ping_w_event(dbapi_connection):  # a disconnect (other errors are raised)
            raise exc.InvalidatePoolError()


def autocommit_reads(engine: Engine) -> Engine:
    """A sibling of `engine` for requests that only read: on PostgreSQL, a pool of autocommit connections.

    In PostgreSQL's default READ COMMITTED each statement reads its own snapshot whether or not a
    transaction is open, so reads see exactly what they saw inside one; autocommit only saves the
    transaction's BEGIN and ROLLBACK, two round trips per request. A pool of its own (set once per
    connection) rather than `engine.execution_options(isolation_level=...)`, which switches every
    connection at each checkout and return and cost more CPU than the round trips. Disposed with
    `engine`. Never use it to write: each statement would commit on its own.
    """
    if engine.dialect.name != "postgresql":
        return engine  # SQLite's driver opens no transaction for reads anyway
    reads = _read_engines.get(engine)
    if reads is None:
        reads = make_engine(engine.url.render_as_string(hide_password=False), autocommit=True)
        event.listen(engine, "engine_disposed", lambda _engine: reads.dispose())
        _read_engines[engine] = reads
    return reads


def get_engine(url: str) -> Engine:
    """One engine per database URL for the life of the process."""
    if url not in _engines:
        _engines[url] = make_engine(url)
    return _engines[url]


def hold_sqlite_write_lock(session: Session) -> None:
    """On SQLite, take the database's one write lock now, until the session's transaction ends.

    Python's sqlite3 opens a transaction only at the first write, so plain reads take no lock and each
    sees whatever was committed a moment before: two workers can read, decide and write in interleaved
    order. A write that changes nothing opens the transaction (if it is not open yet) and takes the lock,
    waiting up to the busy timeout as BEGIN IMMEDIATE would; inside a transaction that already wrote it
    is free. Writers are then serialised across threads and processes alike. PostgreSQL callers use
    row locks or advisory locks instead, so this does nothing there."""
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql("UPDATE alembic_version SET version_num = version_num WHERE 0")


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # configparser treats "%" as interpolation: escape it (URL-encoded options contain %3D).
    url = engine.url.render_as_string(hide_password=False).replace("%", "%%")
    config.set_main_option("sqlalchemy.url", url)
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to `revision` (default: the newest)."""
    command.upgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
