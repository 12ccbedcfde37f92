"""`netra users ...` and `netra audit verify` as a user runs them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.utils.cli import netra


def test_users_and_audit_verify(tmp_path: Path) -> None:
    added = netra(
        "users",
        "add",
        "Admin@Example.go.id",
        "--name",
        "Admin",
        "--role",
        "admin",
        "--password",
        "rahasia-admin-1",
        data_dir=tmp_path,
    )
    assert added.returncode == 0, added.stderr
    bad = netra(
        "users",
        "add",
        "s@example.go.id",
        "--name",
        "S",
        "--role",
        "supervisor",
        "--password",
        "rahasia-admin-1",
        data_dir=tmp_path,
    )
    assert bad.returncode == 2 and "needs an agency" in bad.stderr
    assert (
        netra(
            "users", "reset-password", "admin@example.go.id", "--password", "baru-sekali-123", data_dir=tmp_path
        ).returncode
        == 0
    )
    assert netra("users", "disable", "admin@example.go.id", data_dir=tmp_path).returncode == 0
    listing = netra("users", "list", data_dir=tmp_path)
    assert "admin@example.go.id" in listing.stdout and "no" in listing.stdout
    ok = netra("audit", "verify", data_dir=tmp_path)
    assert ok.returncode == 0 and "3 entries" in ok.stdout
    with sqlite3.connect(tmp_path / "netra.db") as db:
        second = db.execute("SELECT id FROM auditlog ORDER BY id LIMIT 1 OFFSET 1").fetchone()[0]
        db.execute('UPDATE auditlog SET details = \'{"email": "x"}\' WHERE id = ?', (second,))
    broken = netra("audit", "verify", data_dir=tmp_path)
    assert broken.returncode == 1 and f"#{second}" in broken.stderr
