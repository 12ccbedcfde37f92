"""Signed checkpoints catch what the hash chain alone cannot: the newest entries deleted, or the whole chain
recomputed after an edit; and a checkpoint file or key that went missing is never taken for "intact"."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, text
from sqlmodel import Session, col, select

from monitor.audit import GENESIS, entry_hash, record, verify
from monitor.audit_check import check_audit_log
from monitor.audit_checkpoints import Checkpoint, CheckpointError, read_key, sign, write_checkpoint
from monitor.config import Settings
from monitor.db import make_engine, upgrade
from monitor.models import AuditLog
from monitor.work.daemon import Daemon
from tests.test_daemon import FakeLeader, RecordingRunner
from tests.utils.cli import netra


def _settings(data_dir: Path) -> Settings:
    return Settings(_env_file=None, data_dir=data_dir)  # type: ignore[call-arg]


def _append(engine: Engine, n: int) -> list[int]:
    ids = []
    with Session(engine) as s:
        for i in range(n):
            ids.append(record(s, "admin@x.id", "case.dismiss", "case", i, {"reason": f"alasan {i}"}).id)
        s.commit()
    return ids


def _check(engine: Engine, settings: Settings, given: list[str] | None = None) -> list[str]:
    with Session(engine) as s:
        report = check_audit_log(s, settings, given or [])
    assert report.ok == (report.problems == [] and report.broken is None)
    return report.problems


def test_verify_fails_after_the_last_3_rows_are_deleted(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    env = {"NETRA_DATABASE_URL": db_url}
    try:
        _append(engine, 10)
        written = netra("audit", "checkpoint", data_dir=tmp_path, env=env)
        assert written.returncode == 0, written.stderr
        assert "10 entries" in written.stdout and (tmp_path / "audit.key").exists()
        intact = netra("audit", "verify", data_dir=tmp_path, env=env)
        assert intact.returncode == 0, intact.stderr
        assert "10 entries verified" in intact.stdout and "Checkpoints: 1 hold" in intact.stdout

        with engine.begin() as conn:
            conn.execute(text("DELETE FROM auditlog WHERE id IN (SELECT id FROM auditlog ORDER BY id DESC LIMIT 3)"))
        with Session(engine) as s:
            assert verify(s) is None  # the shorter chain holds by itself: only the checkpoint sees the loss
        cut = netra("audit", "verify", data_dir=tmp_path, env=env)
        assert cut.returncode == 1
        assert "TRUNCATED" in cut.stderr and "recorded 10 entries, the log now holds 7:" in cut.stderr
        assert "the newest 3 were deleted" in cut.stderr
    finally:
        engine.dispose()


def _rewrite_from(engine: Engine, target: int) -> None:
    """What someone who can write the database does to hide an edit: recompute every hash after it."""
    with Session(engine) as s:
        prev = GENESIS
        for row in s.exec(select(AuditLog).order_by(col(AuditLog.id))).all():
            if row.id == target:
                row.details = {"reason": "diubah"}
            row.prev_hash = prev
            row.hash = entry_hash(prev, row.at, row.actor, row.action, row.object_type, row.object_id, row.details)
            prev = row.hash
            s.add(row)
        s.commit()


def test_a_recomputed_chain_holds_alone_but_not_against_its_checkpoint(engine: Engine, tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    ids = _append(engine, 6)
    write_checkpoint(engine, settings)
    assert _check(engine, settings) == []

    _rewrite_from(engine, ids[2])
    with Session(engine) as s:
        assert verify(s) is None
    _append(engine, 2)  # entries newer than the checkpoint rest on the chain alone
    (problem,) = _check(engine, settings)
    assert problem.startswith("REWRITTEN") and f"entry #{ids[-1]}" in problem and "entry number 6" in problem


def test_edited_and_foreign_checkpoints_are_named(sqlite_engine: Engine, tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    _append(sqlite_engine, 4)
    good = write_checkpoint(sqlite_engine, settings)
    path = settings.audit_checkpoint_file
    # Someone hides two deleted entries by lowering the recorded count: the signature no longer matches.
    edited = json.loads(good.line()) | {"count": 2, "head_id": 2}
    foreign = sign(b"k" * 32, datetime.now(UTC), 4, good.head_id, good.head)
    with path.open("a") as out:
        out.write(json.dumps(edited) + "\n" + foreign.line() + "\n" + "{not json\n")

    problems = _check(sqlite_engine, settings)
    assert len(problems) == 3
    assert "line 4" in problems[0] and "not a checkpoint" in problems[0]
    assert "line 2" in problems[1] and "changed after it was signed" in problems[1]
    assert "line 3" in problems[2] and f"another key (fingerprint {foreign.key}" in problems[2]


def test_a_lost_key_or_checkpoint_file_is_never_taken_for_intact(sqlite_engine: Engine, tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    _append(sqlite_engine, 3)
    with Session(sqlite_engine) as s:
        fresh = check_audit_log(s, settings)
    assert fresh.ok and "no checkpoints yet" in fresh.warnings[0]  # a new installation: said, not failed

    line = write_checkpoint(sqlite_engine, settings).line()
    settings.audit_checkpoint_file.unlink()
    (problem,) = _check(sqlite_engine, settings)
    assert "the file was removed or emptied" in problem
    assert _check(sqlite_engine, settings, [line]) == []  # the copy from a digest mail still holds

    settings.audit_checkpoint_file.write_text(line + "\n")
    key = read_key(settings.audit_key_file)
    settings.audit_key_file.unlink()
    try:
        write_checkpoint(sqlite_engine, settings)
        raise AssertionError("a new key must not replace a lost one")
    except CheckpointError as exc:
        assert "restore the key from its backup" in str(exc)
    (problem,) = _check(sqlite_engine, settings)
    assert "cannot check 1 checkpoints" in problem and "does not exist" in problem

    settings.audit_key_file.write_bytes(key + b"\n")  # restored from the backup
    assert _check(sqlite_engine, settings) == []


def test_the_daemon_writes_a_checkpoint_every_hour(sqlite_engine: Engine, tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    daemon = Daemon(sqlite_engine, settings, RecordingRunner(), FakeLeader())
    scheduler = daemon.build_scheduler()
    scheduler.start(paused=True)
    job = scheduler.get_job("audit-checkpoint")
    scheduler.shutdown(wait=False)
    assert job is not None and str(job.trigger) == "cron[month='*', day='*', day_of_week='*', hour='*', minute='0']"

    _append(sqlite_engine, 2)
    daemon._guarded("audit-checkpoint", daemon.audit_checkpoint)()
    (line,) = settings.audit_checkpoint_file.read_text().splitlines()
    checkpoint = Checkpoint.parse(line)
    assert (checkpoint.count, checkpoint.head_id) == (2, 2) and checkpoint.signed_by(read_key(settings.audit_key_file))
