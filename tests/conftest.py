"""Shared fixtures: a migrated database on SQLite and on the real PostgreSQL server.

PostgreSQL tests use database `test` on 127.0.0.1:5432 (override with NETRA_TEST_PG_URL); each test
gets its own schema, dropped afterwards, so parallel runs never collide.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from monitor.db import make_engine, upgrade

PG_URL = os.environ.get("NETRA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def sqlite_url(directory: Path) -> str:
    return f"sqlite:///{directory / 'netra.db'}"


@pytest.fixture
def app_name() -> str:
    """An application_name for one test's connections, so that it can cut exactly those."""
    return f"netra-test-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def pg_app_engine(pg_schema_url: str, app_name: str) -> Iterator[Engine]:
    """A migrated fresh schema's engine, its connections tagged with `app_name`."""
    engine = make_engine(f"{pg_schema_url}&application_name={app_name}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL schema; yields a URL whose search_path points at it."""
    schema = f"netra_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Run the test once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path)
    return request.getfixturevalue("pg_schema_url")


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A migrated database, on both backends."""
    eng = make_engine(db_url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    """A migrated SQLite database, for tests that need only one backend."""
    eng = make_engine(sqlite_url(tmp_path))
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def session(sqlite_engine: Engine) -> Iterator[Session]:
    with Session(sqlite_engine, expire_on_commit=False) as s:
        yield s
