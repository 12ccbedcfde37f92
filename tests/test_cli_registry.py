"""The registry commands as a user runs them: summary, errors with row numbers, rejects file, exit codes."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.utils.cli import ROOT, netra


def test_help_lists_only_real_commands(tmp_path: Path) -> None:
    result = netra("--help", data_dir=tmp_path)
    assert result.returncode == 0
    for command in ("db", "registry", "elections"):
        assert command in result.stdout


def test_import_demo_registry_then_again(tmp_path: Path) -> None:
    demo = ROOT / "demo" / "registry.csv"
    first = netra("registry", "import", str(demo), data_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "created" in first.stdout and "15" in first.stdout
    second = netra("registry", "import", str(demo), data_dir=tmp_path)
    assert second.returncode == 0
    assert "unchanged" in second.stdout
    line = next(li for li in second.stdout.splitlines() if "unchanged" in li)
    assert "15" in line
    assert (tmp_path / "netra.db").exists()


def test_bad_rows_are_named_and_written_to_rejects(tmp_path: Path) -> None:
    text = (ROOT / "demo" / "registry.csv").read_text(encoding="utf-8").splitlines()
    text[3] = text[3].replace("199001222015032001", "199002302015032001")  # 30 February
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(text) + "\n", encoding="utf-8")
    rejects = tmp_path / "rejects.csv"
    result = netra("registry", "import", str(bad), "--rejects", str(rejects), data_dir=tmp_path)
    assert result.returncode == 0
    assert "row 4: nip '199002302015032001': digits 1-8 (19900230) are not a real birth date" in result.stderr
    rows = list(csv.DictReader(rejects.open(encoding="utf-8")))
    assert [r["row"] for r in rows] == ["4"]


def test_unreadable_file_exits_non_zero(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("nama;instansi\nBudi;Dinas\n", encoding="utf-8")
    result = netra("registry", "import", str(bad), data_dir=tmp_path)
    assert result.returncode == 2
    assert "missing required column(s): agency_code, nip" in result.stderr


def test_elections_import_reports_errors_and_is_idempotent(tmp_path: Path) -> None:
    demo = ROOT / "demo" / "elections.yaml"
    assert netra("elections", "import", str(demo), data_dir=tmp_path).returncode == 0
    again = netra("elections", "import", str(demo), data_dir=tmp_path)
    assert "created 0, updated 0, unchanged 8" in again.stdout
    broken = tmp_path / "broken.yaml"
    broken.write_text(demo.read_text(encoding="utf-8").replace("level: bupati", "level: camat"), encoding="utf-8")
    result = netra("elections", "import", str(broken), data_dir=tmp_path)
    assert result.returncode == 2
    assert "pilbup-sukamaju-2026" in result.stderr and "level" in result.stderr
