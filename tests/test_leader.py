"""Leader election: exactly one `netra run` schedules; a standby takes over when the leader dies."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import text

from monitor.db import make_engine, upgrade
from monitor.work.leader import FileLeader, PgLeader, lock_key, make_leader
from tests.conftest import PG_URL
from tests.utils.procs import NetraProcess, wait_for


def _fires(proc: NetraProcess) -> list[tuple[str, datetime]]:
    return [(e["job"], datetime.fromisoformat(e["fired_at"])) for e in proc.messages("job fired")]


def test_two_netra_run_on_one_postgres_schema_fire_each_job_once(pg_schema_url: str, tmp_path: Path) -> None:
    upgrade(make_engine(pg_schema_url))
    env = {
        "NETRA_DATABASE_URL": pg_schema_url,
        "NETRA_DATA_DIR": str(tmp_path),
        "NETRA_SCHEDULER__HEARTBEAT_S": "1",
        "NETRA_SCHEDULER__LEADER_RETRY_S": "0.5",
        "NETRA_SCHEDULER__METRICS_PORT": "0",
    }
    a = NetraProcess(["run"], env, tmp_path, "a")
    b = NetraProcess(["run"], env, tmp_path, "b")
    try:
        wait_for(lambda: len(_fires(a)) + len(_fires(b)) >= 12, what="a leader firing jobs")
        leader, standby = (a, b) if _fires(a) else (b, a)
        assert _fires(standby) == []  # the standby fired nothing while the leader lived
        heartbeats = [t for job, t in _fires(leader) if job == "heartbeat"]
        assert len(heartbeats) == len(set(heartbeats)) >= 2

        leader.kill_group()  # the leader dies without a word; PostgreSQL drops its lock
        wait_for(lambda: len([j for j, _ in _fires(standby) if j == "heartbeat"]) >= 3, what="the standby to take over")
        last_of_leader = max(t for _, t in _fires(leader))
        assert min(t for _, t in _fires(standby)) > last_of_leader  # never two schedulers at once
        assert standby.messages("leader: this process schedules")
        assert standby.terminate() == 0
    finally:
        a.close()
        b.close()


def test_pg_leader_is_exclusive_and_lost_when_its_connection_is_cut(pg_schema_url: str) -> None:
    first, second = PgLeader(pg_schema_url), PgLeader(pg_schema_url)
    try:
        assert first.try_acquire() and first.held()
        assert not second.try_acquire() and not second.held()
        admin = make_engine(PG_URL)
        with admin.begin() as connection:
            pids = (
                connection.execute(
                    text(
                        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
                        "AND classid::bigint = :hi AND objid::bigint = :lo"
                    ),
                    {"hi": (first.key >> 32) & 0xFFFFFFFF, "lo": first.key & 0xFFFFFFFF},
                )
                .scalars()
                .all()
            )
            assert len(pids) == 1
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pids[0]})
        admin.dispose()
        wait_for(lambda: not first.held(), what="the cut connection to be noticed")
        assert second.try_acquire() and second.held()
    finally:
        first.release()
        second.release()


def test_lock_keys_differ_per_schema() -> None:
    assert lock_key(f"{PG_URL}?options=-csearch_path%3Da") != lock_key(f"{PG_URL}?options=-csearch_path%3Db")


def test_file_leader_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'netra.db'}"
    first, second = make_leader(url), make_leader(url)
    assert isinstance(first, FileLeader)
    assert first.try_acquire() and not second.try_acquire()
    first.release()
    assert second.try_acquire() and second.held()
    second.release()
