"""Registry files as people really send them, taken alike by `netra registry import` / `netra elections
import` and the admin page's uploads: RFC 4180 quoting, UTF-8/UTF-16 byte-order marks, old Windows-1252
exports, huge fields, NUL characters. Each bad row gets its own error; good rows land."""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from monitor.cli import app
from monitor.config import get_settings
from monitor.models import Asn, Candidate
from monitor.registry.csv_import import import_registry_bytes, read_rows
from monitor.registry.text_input import TextDecodeError, decode_text
from tests.conftest import sqlite_url
from tests.utils.imports import upload_registry
from tests.utils.registry_csv import registry_rows
from tests.utils.review import csrf_of, login, make_client, seed_world

DEMO_ELECTIONS = Path(__file__).resolve().parents[1] / "demo" / "elections.yaml"
COLUMNS = ["agency_code", "agency_name", "nip", "name", "unit", "position"]


@dataclass
class Imported:
    ok: bool  # the CLI exited 0 without an exception / the page answered 200
    said: str  # what the person importing saw
    language: str = "en"  # the command line speaks English, the page Indonesian

    def says(self, english: str, indonesian: str) -> bool:
        return (english if self.language == "en" else indonesian) in self.said


Upload = Callable[[bytes], Imported]
Importer = Callable[[str, bytes], Imported]  # ("registry" or "elections", the file's bytes)


@pytest.fixture(params=["cli", "page"])
def importer(
    request: pytest.FixtureRequest, sqlite_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Importer]:
    """The same bytes through the command line or through the admin page's upload."""
    if request.param == "cli":
        monkeypatch.setenv("NETRA_DATABASE_URL", sqlite_url(tmp_path))
        get_settings.cache_clear()

        def by_cli(kind: str, data: bytes) -> Imported:
            path = tmp_path / f"{kind}.in"
            path.write_bytes(data)
            result = CliRunner().invoke(app, [kind, "import", str(path)])
            return Imported(result.exit_code == 0 and result.exception is None, " ".join(result.output.split()))

        yield by_cli
        get_settings.cache_clear()
        return
    world = seed_world(sqlite_engine, n_cases=1)
    client = login(make_client(sqlite_engine), world.emails["admin"])
    token = csrf_of(client, "/admin/import")

    def by_page(kind: str, data: bytes) -> Imported:
        if kind == "registry":  # runs in the background: follow the job to its end
            done = upload_registry(client, token, data, "f")
            return Imported(done.state == "done", html.unescape(done.text), "id")
        response = client.post(f"/admin/import/{kind}", data={"csrf_token": token}, files={"file": ("f", data)})
        return Imported(response.status_code == 200, html.unescape(response.text), "id")

    yield by_page


@pytest.fixture
def upload(importer: Importer) -> Upload:
    return lambda data: importer("registry", data)


def _rows(*names: str, **cells: str) -> list[dict[str, str]]:
    rows, _ = registry_rows(len(names), bad_share=0)
    return [{c: row[c] for c in COLUMNS} | {"name": name} | cells for row, name in zip(rows, names, strict=True)]


def _csv(rows: list[dict[str, str]], delimiter: str = ",") -> str:
    """As Excel and every RFC 4180 writer write it: fields holding quotes, delimiters or newlines quoted,
    quotes doubled."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, delimiter=delimiter, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _names(engine: Engine, rows: list[dict[str, str]]) -> dict[str, str]:
    """NIP -> stored name, for the given rows' NIPs."""
    with Session(engine) as session:
        stored = {a.nip: a.name for a in session.exec(select(Asn))}
    return {row["nip"]: stored[row["nip"]] for row in rows if row["nip"] in stored}


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_quotes_delimiters_and_newlines_inside_fields_survive(
    upload: Upload, sqlite_engine: Engine, delimiter: str
) -> None:
    rows = _rows('Budi "Ucok" Santoso', "Sri, Wahyuni", "Dewi\r\nLestari", '"Ani"')
    rows[0]["unit"] = 'Bidang "A"; Seksi B, Sub C'
    got = upload(_csv(rows, delimiter).encode())
    assert got.ok, got.said
    assert list(_names(sqlite_engine, rows).values()) == [r["name"] for r in rows]
    with Session(sqlite_engine) as session:
        assert session.exec(select(Asn.unit).where(Asn.nip == rows[0]["nip"])).one() == 'Bidang "A"; Seksi B, Sub C'


def test_a_huge_field_is_its_rows_error(upload: Upload, sqlite_engine: Engine) -> None:
    rows = _rows("Rudi Hartono", "x" * 140_000, "Sri Wahyuni")
    got = upload(_csv(rows).encode())
    assert got.ok, got.said[-2000:]
    assert got.says(
        "row 3: name: is longer than 2000 characters (140000)",
        "baris 3: name: lebih panjang dari 2000 karakter (140000)",
    )
    assert _names(sqlite_engine, rows) == {rows[0]["nip"]: "Rudi Hartono", rows[2]["nip"]: "Sri Wahyuni"}


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be-bom", "utf-8-sig", "cp1252"])
def test_byte_order_marks_and_old_windows_exports(upload: Upload, sqlite_engine: Engine, encoding: str) -> None:
    rows = _rows("André Wijaya", "Ñoman Dé Sutrisno")
    text = _csv(rows, ";")
    data = b"\xfe\xff" + text.encode("utf-16-be") if encoding == "utf-16-be-bom" else text.encode(encoding)
    got = upload(data)
    assert got.ok, got.said
    assert list(_names(sqlite_engine, rows).values()) == ["André Wijaya", "Ñoman Dé Sutrisno"]


def test_bad_quoting_rejects_only_its_row(upload: Upload, sqlite_engine: Engine) -> None:
    rows = _rows("Rudi Hartono", "Sri Wahyuni", "Dewi Lestari", "Ani Suryani")
    lines = _csv(rows).split("\r\n")
    lines[2] = lines[2].replace("Sri Wahyuni", '"Sri" Wahyuni')  # text after a closing quote
    lines[3] = lines[3].replace("Dewi Lestari", '"Dewi Lestari')  # a quote never closed
    got = upload("\r\n".join(lines).encode())
    assert got.ok, got.said
    assert got.says("row 3: name: text after its closing quote", "baris 3: name: ada teks setelah tanda kutip penutup")
    assert got.says(
        "row 4: name: opens a quote that is never closed",
        "baris 4: name: membuka tanda kutip yang tidak pernah ditutup",
    )
    assert _names(sqlite_engine, rows) == {rows[0]["nip"]: "Rudi Hartono", rows[3]["nip"]: "Ani Suryani"}


def test_a_file_in_no_known_encoding_is_refused_clearly(upload: Upload) -> None:
    got = upload(b"agency_code,nip,name\n\x81\x8d\x8f,1,2\n")
    assert not got.ok and "not UTF-8, UTF-16 or Windows-1252 text" in got.said


def test_nul_in_a_name_rejects_that_row_on_every_database(engine: Engine) -> None:
    rows = _rows("Rudi Hartono", "Sri\x00 Wahyuni", "Dewi Lestari")
    report = import_registry_bytes(engine, _csv(rows).encode())
    assert report.rows["created"] == 2
    assert [r.message() for r in report.rejected] == ["row 3: name: contains a NUL character (\\x00)"]
    assert _names(engine, rows) == {rows[0]["nip"]: "Rudi Hartono", rows[2]["nip"]: "Dewi Lestari"}


def test_row_numbers_follow_physical_lines_and_extra_cells_are_refused() -> None:
    rows = _rows("Rudi Hartono", "Sri Wahyuni", "Dewi Lestari")
    rows[0]["unit"] = "Bidang\nPembinaan\nSD"  # a record over three lines: the next starts on line 5
    lines = _csv(rows).replace("\r\n", "\r").split("\r")  # old Mac line ends
    lines[2] += ",sel tambahan"  # the row on line 5
    read, _, unreadable = read_rows("\r".join(lines))
    assert [line for line, _ in read] == [2, 6] and read[0][1]["unit"] == "Bidang\nPembinaan\nSD"
    assert [r.message() for r in unreadable] == ["row 5: 7 cells, but the header names 6 columns"]


def test_utf16_without_a_byte_order_mark_is_recognised() -> None:
    text = _csv(_rows("André Wijaya"))
    assert decode_text(text.encode("utf-16-le")) == text == decode_text(text.encode("utf-16-be"))
    with pytest.raises(TextDecodeError, match=r"not UTF-8 or UTF-16 text \(line 2, column 5: byte 0xe9\)"):
        decode_text("nip\nAndr\xe9".encode("cp1252"))  # without legacy=True only Unicode is read


def test_election_yaml_in_utf16_is_read_and_in_no_unicode_encoding_refused_clearly(
    importer: Importer, sqlite_engine: Engine
) -> None:
    text = DEMO_ELECTIONS.read_text(encoding="utf-8").replace("Rahmat Hidayat", "Rahmat Hidayat Dé", 1)
    got = importer("elections", text.encode("utf-16"))
    assert got.ok, got.said
    with Session(sqlite_engine) as session:
        assert "Rahmat Hidayat Dé" in str(session.exec(select(Candidate.names)).all())
    refused = importer("elections", text.encode("cp1252"))  # no traceback: what is wrong, and where
    assert not refused.ok and "the file is not UTF-8 or UTF-16 text (line 18, column 33: byte 0xe9)" in refused.said
