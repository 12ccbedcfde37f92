"""Cutting one application's PostgreSQL connections, as a server restart or a dropped network would."""

from __future__ import annotations

import time

from sqlalchemy import text

from monitor.db import make_engine
from tests.conftest import PG_URL

_TERMINATE = text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :a")
_ALIVE = text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :a")


def terminate_connections(app_name: str, *, wait_until_gone: bool = False) -> int:
    """pg_terminate_backend every connection whose application_name is `app_name`; how many. With
    `wait_until_gone`, also wait until those backends have exited: to the client, what a restart does."""
    admin = make_engine(PG_URL)
    try:
        with admin.begin() as connection:
            cut = len(connection.execute(_TERMINATE, {"a": app_name}).all())
        deadline = time.monotonic() + 10
        while wait_until_gone and time.monotonic() < deadline:
            with admin.connect() as connection:
                if connection.execute(_ALIVE, {"a": app_name}).scalar_one() == 0:
                    return cut
            time.sleep(0.01)
        if wait_until_gone:
            raise AssertionError("terminated backends still alive after 10 s")
        return cut
    finally:
        admin.dispose()
