"""The audit page's and the API's check read the signed checkpoints too, as `netra audit verify` does: the chain
alone holds after its newest entries are deleted, so "intact" on the page must not rest on it alone."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, text

from monitor.audit_checkpoints import write_checkpoint
from monitor.config import Settings
from tests.utils.review import login, make_client, seed_world


def test_deleting_the_newest_entries_is_reported_on_the_page_and_the_api(engine: Engine, tmp_path: Path) -> None:
    world = seed_world(engine)
    settings = {"data_dir": tmp_path}
    admin = login(make_client(engine, **settings), world.emails["admin"])
    unanchored = admin.get("/audit?check=1").text
    assert "belum ada titik periksa" in unanchored and "tidak ada entri yang diubah atau dihapus" not in unanchored

    base = Settings(secret_key="test-secret-key-0123456789", data_dir=tmp_path)
    write_checkpoint(engine, base)
    intact = admin.get("/audit?check=1").text
    assert "cocok dengan 1 titik periksa" in intact
    assert admin.get("/api/audit/verify").json()["ok"] is True

    with engine.begin() as conn:
        conn.execute(text("DELETE FROM auditlog WHERE id IN (SELECT id FROM auditlog ORDER BY id DESC LIMIT 3)"))
    cut = admin.get("/audit?check=1").text
    assert "TIDAK UTUH" in cut and "TRUNCATED" in cut
    api = admin.get("/api/audit/verify").json()
    assert api["ok"] is False and api["broken_id"] is None  # the chain holds; only the checkpoint sees the loss
    assert any("the newest 3 were deleted" in p for p in api["problems"])
