"""`netra registry import`: bad rows reported precisely, good rows land, re-import changes nothing."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from monitor.models import Account, Agency, Asn
from monitor.registry.csv_import import RegistryFileError, import_registry_text
from tests.utils.registry_csv import registry_rows, to_csv


def count(engine: Engine, model: type) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(model)).one()


def test_ten_thousand_rows_with_five_percent_bad(engine: Engine, tmp_path: Path) -> None:
    rows, expected = registry_rows(10_000)
    text = to_csv(rows)
    report = import_registry_text(engine, text)

    assert {r.line: r for r in report.rejected}.keys() == expected.keys()
    for rejected in report.rejected:
        assert expected[rejected.line] in rejected.message(), rejected.message()
        assert rejected.message().startswith(f"row {rejected.line}: ")
    assert report.rows["created"] == 9_500
    assert report.rows["rejected"] == 500
    assert count(engine, Asn) == 9_500
    assert count(engine, Account) == 9_500
    assert count(engine, Agency) == 40

    again = import_registry_text(engine, text)
    assert again.rows["unchanged"] == 9_500
    assert again.rows["created"] == again.rows["updated"] == 0
    assert again.rows["rejected"] == 500
    assert count(engine, Asn) == 9_500

    rejects = tmp_path / "rejects.csv"
    again.write_rejects(rejects)
    with rejects.open(encoding="utf-8") as f:
        written = list(csv.DictReader(f))
    assert [int(r["row"]) for r in written] == sorted(expected)
    assert all(r["error"] for r in written)


def test_update_changes_only_what_differs_and_blank_cells_keep_values(sqlite_engine: Engine) -> None:
    rows, _ = registry_rows(3, bad_share=0)
    import_registry_text(sqlite_engine, to_csv(rows))
    rows[0]["unit"] = "Bidang Baru"
    rows[1]["position"] = ""  # blank: keeps "Analis"
    report = import_registry_text(sqlite_engine, to_csv(rows))
    assert report.rows["updated"] == 1
    assert report.rows["unchanged"] == 2
    with Session(sqlite_engine) as s:
        assert s.exec(select(Asn).where(Asn.nip == rows[0]["nip"])).one().unit == "Bidang Baru"
        assert s.exec(select(Asn).where(Asn.nip == rows[1]["nip"])).one().position == "Analis"


def test_several_accounts_for_one_asn_and_semicolon_csv_with_bom(sqlite_engine: Engine) -> None:
    rows, _ = registry_rows(1, bad_share=0)
    second = dict(rows[0], platform="x", handle="@Budi_Setiawan")
    text = "\ufeff" + to_csv([rows[0], second], delimiter=";")
    report = import_registry_text(sqlite_engine, text)
    assert report.rows["created"] == 2
    with Session(sqlite_engine) as s:
        handles = sorted(a.handle for a in s.exec(select(Account)))
    assert "budi_setiawan" in handles  # "@" stripped, lower-cased


def test_account_already_owned_by_another_asn_is_rejected(sqlite_engine: Engine) -> None:
    rows, _ = registry_rows(2, bad_share=0)
    import_registry_text(sqlite_engine, to_csv(rows[:1]))
    rows[1]["platform"], rows[1]["handle"] = rows[0]["platform"], rows[0]["handle"]
    report = import_registry_text(sqlite_engine, to_csv(rows[1:]))
    assert report.rows["rejected"] == 1
    assert f"already registered to NIP {rows[0]['nip']}" in report.rejected[0].message()


def test_rows_disagreeing_about_one_asn_are_rejected(sqlite_engine: Engine) -> None:
    rows, _ = registry_rows(1, bad_share=0)
    other = dict(rows[0], name="Nama Lain", platform="x", handle="lain")
    report = import_registry_text(sqlite_engine, to_csv([rows[0], other]))
    assert report.rows["created"] == 1
    assert "differ from row 2" in report.rejected[0].message()


def test_new_agency_needs_a_name(sqlite_engine: Engine) -> None:
    rows, _ = registry_rows(1, bad_share=0)
    rows[0]["agency_name"] = ""
    report = import_registry_text(sqlite_engine, to_csv(rows))
    assert "agency_name: is required for a new agency" in report.rejected[0].message()


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("", "empty"), ("nama,instansi\nBudi,Dinas\n", "missing required column(s): agency_code, nip")],
)
def test_unreadable_files_get_a_clear_error(sqlite_engine: Engine, text: str, fragment: str) -> None:
    with pytest.raises(RegistryFileError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        import_registry_text(sqlite_engine, text)


def test_unknown_columns_are_reported_not_fatal(sqlite_engine: Engine) -> None:
    rows, _ = registry_rows(1, bad_share=0)
    text = to_csv(rows).replace("handle\n", "handle,catatan\n", 1).rstrip("\n") + ",x\n"
    report = import_registry_text(sqlite_engine, text)
    assert report.unknown_columns == ["catatan"]
    assert report.rows["created"] == 1
