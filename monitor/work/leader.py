"""Exactly one scheduler fires: leader election between `netra run` processes sharing a database.

- PostgreSQL: a session advisory lock held by a dedicated connection (not from the pool). When the
  leader dies, or its connection is cut, the server drops the lock and a standby takes it.
- SQLite: an exclusive `flock` on a file beside the database; the kernel releases it when the
  process dies.

`try_acquire` never blocks; `held` checks the lock is still ours (the connection may have been cut).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import threading
from pathlib import Path
from typing import IO, Protocol

import psycopg
from sqlalchemy.engine import make_url

__all__ = ["FileLeader", "Leader", "PgLeader", "advisory_key", "lock_key", "make_leader"]

log = logging.getLogger(__name__)


class Leader(Protocol):
    def try_acquire(self) -> bool: ...
    def held(self) -> bool: ...
    def release(self) -> None: ...


def advisory_key(namespace: str, database_url: str) -> int:
    """A signed 64-bit advisory-lock key per purpose and database URL (schema included)."""
    url = make_url(database_url).render_as_string(hide_password=True)
    digest = hashlib.sha256(f"{namespace}:{url}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def lock_key(database_url: str) -> int:
    """The scheduler's key: deployments (or test schemas) sharing a server get different keys."""
    return advisory_key("netra-scheduler", database_url)


def _libpq_url(database_url: str) -> str:
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


class PgLeader:
    def __init__(self, database_url: str) -> None:
        self.conninfo = _libpq_url(database_url)
        self.key = lock_key(database_url)
        self._conn: psycopg.Connection[tuple[object, ...]] | None = None
        self._lock = threading.Lock()  # the monitor loop and job wrappers share the connection

    def _drop(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(psycopg.Error):
                self._conn.close()
        self._conn = None

    def try_acquire(self) -> bool:
        with self._lock:
            try:
                if self._conn is None or self._conn.closed:
                    self._conn = psycopg.connect(self.conninfo, autocommit=True, connect_timeout=10)
                row = self._conn.execute("SELECT pg_try_advisory_lock(%s)", (self.key,)).fetchone()
                return bool(row and row[0])
            except psycopg.Error as exc:
                log.warning("leader: cannot reach PostgreSQL", extra={"error": str(exc).splitlines()[0]})
                self._drop()
                return False

    def held(self) -> bool:
        with self._lock:
            if self._conn is None or self._conn.closed:
                return False
            try:
                row = self._conn.execute(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                    "AND pid = pg_backend_pid() AND objsubid = 1 AND classid::bigint = %s AND objid::bigint = %s",
                    ((self.key >> 32) & 0xFFFFFFFF, self.key & 0xFFFFFFFF),
                ).fetchone()
                return bool(row and row[0])
            except psycopg.Error:
                self._drop()  # the server dropped our session, and the lock with it
                return False

    def release(self) -> None:
        with self._lock:
            if self._conn is not None and not self._conn.closed:
                with contextlib.suppress(psycopg.Error):
                    self._conn.execute("SELECT pg_advisory_unlock(%s)", (self.key,))
            self._drop()


class FileLeader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[str] | None = None

    def try_acquire(self) -> bool:
        if self._file is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle
        return True

    def held(self) -> bool:
        return self._file is not None

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None


def make_leader(database_url: str) -> PgLeader | FileLeader:
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        return PgLeader(database_url)
    database = url.database or ""
    if not database or database == ":memory:":
        raise ValueError("the scheduler needs a file database (or PostgreSQL) to elect a leader")
    return FileLeader(Path(database).with_name(Path(database).name + ".scheduler.lock"))
