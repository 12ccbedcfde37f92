"""The queue as CSV (page and API) and GET /api/cases's documented, typed filters (issue 16 item 6)."""

from __future__ import annotations

import csv
import io

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from review_ui.case_csv import csv_bytes, nip_text, safe_cell
from review_ui.filters import FILTERS
from tests.utils.factories import make_election
from tests.utils.review import PASSWORD, World, login, make_client, seed_world

EVIL = '=HYPERLINK("http://evil.example/","klik"), kata "kutip"\nbaris kedua'


def _read(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads the file as UTF-8 only with it
    text = body.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("lead", ["=", "+", "-", "@"])
def test_formula_cells_get_an_apostrophe(lead: str) -> None:
    assert safe_cell(f"{lead}1+1") == f"'{lead}1+1"


def test_plain_cells_and_numbers_stay() -> None:
    assert safe_cell("Budi Santoso") == "Budi Santoso" and safe_cell(12) == "12" and safe_cell(None) == ""


def test_csv_is_rfc_4180_with_bom() -> None:
    body = csv_bytes(["a", "b"], [['koma, "kutip"', "baris\nbaru"], ["=1+1", "ok"]])
    assert b"\r\n" in body and b'"koma, ""kutip"""' in body
    assert _read(body) == [["a", "b"], ['koma, "kutip"', "baris\nbaru"], ["'=1+1", "ok"]]


def test_nip_is_written_as_text() -> None:
    assert nip_text("198001012006041001") == "19800101 200604 1 001"
    assert nip_text("12345") == "12345"


@pytest.fixture
def world(sqlite_engine: Engine) -> World:
    world = seed_world(sqlite_engine, post_text=EVIL)
    with Session(sqlite_engine) as s:
        make_election(s)  # the cases' election, by name in the export
        s.commit()
    return world


def test_queue_exports_its_current_filters(world: World) -> None:
    client = login(make_client(world.engine), world.emails["sup_a"])
    link = BeautifulSoup(client.get("/cases?platform=x&sort=date").text, "html.parser").select_one("#csv-export")
    assert link["href"].startswith("/cases.csv?") and "platform=x" in link["href"]
    response = client.get(link["href"])
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    header, *rows = _read(response.content)
    assert header[:4] == ["Kasus", "Status", "Label", "Skor"] and header[-1] == "Tautan kasus"
    assert len(rows) == 1 and rows[0][header.index("Platform")] == "x"
    row = dict(zip(header, rows[0], strict=True))
    assert row["Status"] == "Baru" and row["Label"] == "Dukungan" and row["Terdeteksi"].endswith(" WIB")
    assert row["Unggahan"].startswith("'=HYPERLINK(") and "baris kedua" in row["Unggahan"]
    assert row["Pemilihan"] == "Pilwalkot Harapan Jaya 2024" and row["No. urut calon"] == "1"
    assert row["Tautan kasus"] == f"http://testserver/cases/{rows[0][0]}"
    everything = _read(client.get("/cases.csv").content)
    assert {int(r[0]) for r in everything[1:]} == set(world.cases_a)  # only the reviewer's agency


def test_api_csv_and_unknown_filters(world: World) -> None:
    api = TestClient(make_client(world.engine).app)
    auth = (world.emails["sup_a"], PASSWORD)
    response = api.get("/api/cases?format=csv&platform=bluesky&lang=en", auth=auth)
    assert response.status_code == 200
    header, *rows = _read(response.content)
    assert header[0] == "Case" and len(rows) == 2
    bad = api.get("/api/cases?platfrom=x", auth=auth)
    assert bad.status_code == 400 and "unknown query parameter(s): platfrom" in bad.json()["detail"]
    assert api.get("/api/cases?platform=x", auth=auth).json()["items"][0]["platform"] == "x"
    assert api.get("/api/cases?candidate=abc", auth=auth).status_code == 422


def test_openapi_documents_every_filter_typed(world: World) -> None:
    schema = make_client(world.engine).app.openapi()
    params = {p["name"]: p for p in schema["paths"]["/api/cases"]["get"]["parameters"]}
    assert set(FILTERS) <= set(params), set(FILTERS) - set(params)
    assert {"after", "limit", "format"} <= set(params)

    def types(name: str) -> set[str]:
        s = params[name]["schema"]
        return {t.get("type") or t.get("$ref", "") for t in s.get("anyOf", [s])}

    assert "integer" in types("agency") and "number" in types("score_min") and "boolean" in types("overdue")
    assert params["from"]["schema"]["anyOf"][0]["format"] == "date"
    assert all(params[name].get("description") for name in FILTERS)
