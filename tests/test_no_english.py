"""No English on the Indonesian page (issue 16, item 9): every page a supervisor and an admin can reach,
rendered in `id` with a full history behind it, shows no English word and no code; the English page stays
English; every catalogue key has both texts."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from monitor.db import make_engine, upgrade
from review_ui.messages import EN, ID
from tests.conftest import sqlite_url
from tests.utils.full_history import ELECTIONS_YAML, FullHistory, seed_full_history
from tests.utils.registry_csv import registry_rows, to_csv
from tests.utils.review import csrf_of, login, make_client
from tests.utils.visible_text import indonesian_words, offenders, visible_texts

# Proper nouns of the seeded world that happen to be English words: none so far.
ALLOWED: frozenset[str] = frozenset()


@pytest.fixture(scope="module")
def engine_with_history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, FullHistory]]:
    engine = make_engine(sqlite_url(Path(tmp_path_factory.mktemp("no_english"))))
    upgrade(engine)
    history = seed_full_history(engine)
    yield engine, history
    engine.dispose()


def _client(engine: Engine, email: str, lang: str) -> TestClient:
    client = login(make_client(engine), email)
    client.get(f"/cases?lang={lang}")  # the language cookie, as the toggle sets it
    return client


def _import_registry(client: TestClient) -> str:
    """A registry upload with a few bad rows; returns the finished job's page."""
    rows, _ = registry_rows(12, bad_share=0.25)
    token = csrf_of(client, "/admin/import")
    files = {"file": ("registri-asn.csv", to_csv(rows).encode(), "text/csv")}
    response = client.post("/admin/import/registry", data={"csrf_token": token}, files=files)
    assert response.status_code == 303, response.text
    for _ in range(100):
        page = client.get(response.headers["location"])
        if 'data-state="running"' not in page.text:
            return page.text
        time.sleep(0.1)
    raise AssertionError("the registry import did not finish")


def _audited_elsewhere(engine: Engine, history: FullHistory, admin: TestClient, sup: TestClient) -> None:
    """The audit entries written off the case page: a failed login, a download of the evidence pack, a CSV
    export, a subject access export, an election registry upload."""
    stranger = make_client(engine)
    token = csrf_of(stranger)
    stranger.post("/login", data={"email": history.showcase.emails["sup_a"], "password": "salah", "csrf_token": token})
    assert sup.get(f"/cases/{history.full}/evidence.zip").status_code == 200
    assert sup.get("/cases.csv?status=all").status_code == 200
    token = csrf_of(admin, "/admin/accounts")
    form = {"csrf_token": token, "nip": history.nip, "reason": "Permintaan ASN."}
    exported = admin.post("/admin/asn-export", data=form)
    assert exported.status_code == 200, exported.text[:300]
    files = {"file": ("pemilihan.yaml", ELECTIONS_YAML.encode(), "application/yaml")}
    assert admin.post("/admin/import/elections", data={"csrf_token": token}, files=files).status_code == 200


def _pages(engine: Engine, history: FullHistory, lang: str) -> dict[str, str]:
    """Every page a supervisor and an admin reach (with flashes, form errors and error pages)."""
    emails = history.showcase.emails
    admin, sup = _client(engine, emails["admin"], lang), _client(engine, emails["sup_a"], lang)
    pages: dict[str, str] = {"login": make_client(engine).get(f"/login?lang={lang}").text}
    _audited_elsewhere(engine, history, admin, sup)
    for who, client in (("admin", admin), ("supervisor", sup)):
        for path in (
            "/cases",
            "/cases?status=all",
            f"/cases/{history.full}",
            f"/cases/{history.linked}",
            f"/cases/{history.previous}",
            f"/cases/{history.full}/report",
            f"/cases/{history.full}/archive",
            "/near-misses",
            "/dashboard",
            "/cases/999999",  # an error page: not found
            "/cases?score_min=banyak",  # an error page: a bad filter
            "/halaman-yang-tidak-ada",
            "/api/docs",
        ):
            pages[f"{who} {path}"] = client.get(path).text
        pages[f"{who} full case"] = pages[f"{who} /cases/{history.full}"]
    for path in ("/audit", "/audit?check=1", "/admin/users", "/admin/accounts", "/admin/import"):
        pages[f"admin {path}"] = admin.get(path).text
    auditor = _client(engine, emails["auditor"], lang)  # reads everything, acts on nothing
    for path in ("/cases", f"/cases/{history.full}", f"/cases/{history.linked}", "/audit"):
        pages[f"auditor {path}"] = auditor.get(path).text
    form = {"csrf_token": csrf_of(auditor, "/cases"), "reason": "Coba."}
    pages["auditor acting (refused)"] = auditor.post(f"/cases/{history.showcase.open_cases[3]}/dismiss", data=form).text
    pages["supervisor /audit (forbidden)"] = sup.get("/audit").text
    pages["supervisor /admin/users (forbidden)"] = sup.get("/admin/users").text
    token = csrf_of(sup, "/cases")
    refused = sup.post(f"/cases/{history.showcase.open_cases[2]}/dismiss", data={"csrf_token": token, "reason": " "})
    pages["supervisor flash: action refused"] = sup.get(refused.headers["location"]).text
    done = sup.post(
        f"/cases/{history.showcase.open_cases[2]}/clarify", data={"csrf_token": token, "reason": "Mohon jelaskan."}
    )
    pages["supervisor flash: action done"] = sup.get(done.headers["location"]).text
    invalid = sup.post(
        f"/cases/{history.full}/assign", data={"csrf_token": token, "assignee_id": "siapa", "reason": "x"}
    )
    pages["supervisor validation error"] = invalid.text
    admin_token = csrf_of(admin, "/admin/users")
    duplicate = {"csrf_token": admin_token, "email": emails["sup_a"], "name": "Ganda", "role": "supervisor",
                 "agency_code": "DISDIK-HJ", "password": "kata-sandi-uji-123"}  # fmt: skip
    pages["admin flash: user refused"] = admin.post("/admin/users", data=duplicate).text
    pages["admin import job"] = _import_registry(admin)
    broken = {"file": ("pemilihan.yaml", b"elections: [tidak: lengkap", "application/yaml")}
    pages["admin import: unreadable election file"] = admin.post(
        "/admin/import/elections", data={"csrf_token": admin_token}, files=broken
    ).text
    pages["admin /audit after import"] = admin.get("/audit").text
    return pages


@pytest.fixture(scope="module")
def indonesian_pages(engine_with_history: tuple[Engine, FullHistory]) -> dict[str, str]:
    return _pages(*engine_with_history, "id")


def test_every_catalogue_key_has_an_indonesian_and_an_english_text() -> None:
    assert sorted(set(ID) - set(EN)) == []
    assert sorted(set(EN) - set(ID)) == []
    assert [k for k in ID if not ID[k].strip() or not EN[k].strip()] == []


def test_no_indonesian_page_shows_english_or_codes(indonesian_pages: dict[str, str]) -> None:
    assert len(visible_texts(indonesian_pages["admin /audit"])) > 100  # the check reads the page, not nothing
    found = {name: offenders(html, allowed=ALLOWED) for name, html in indonesian_pages.items()}
    assert {name: words for name, words in found.items() if words} == {}


def test_the_checked_pages_show_the_history_in_words(indonesian_pages: dict[str, str]) -> None:
    """The check above read real content: the full case's history, the audit log, the weeks, the errors."""
    case_page = indonesian_pages["supervisor full case"]
    for phrase in ("Ditugaskan", "Klarifikasi diminta", "Jawaban klarifikasi dicatat", "Dikonfirmasi", "Kode etik",
                   "Diteruskan", "Tindak lanjut PPK dicatat", "Penilaian model dikoreksi"):  # fmt: skip
        assert phrase in case_page
    audit = indonesian_pages["admin /audit after import"]
    for phrase in ("Kasus baru dibuka untuk unggahan yang masuk kemudian", "Dari:</b> Baru", "Registri ASN diimpor",
                   "Data asli entri (untuk auditor)", '"from": "open"'):  # fmt: skip
        assert phrase in audit
    assert "Mg " in indonesian_pages["admin /dashboard"] and "Minggu " in indonesian_pages["admin /dashboard"]
    assert "Skor minimal harus berupa angka." in indonesian_pages["admin /cases?score_min=banyak"]
    assert "baris " in indonesian_pages["admin import job"]


@pytest.fixture(scope="module")
def english_pages(engine_with_history: tuple[Engine, FullHistory]) -> dict[str, str]:
    return _pages(*engine_with_history, "en")


def test_the_english_page_stays_english(english_pages: dict[str, str]) -> None:
    assert len(visible_texts(english_pages["admin /audit"])) > 100  # the check reads the page, not nothing
    found = {name: indonesian_words(html) for name, html in english_pages.items()}
    assert {name: words for name, words in found.items() if words} == {}
    assert "Violation confirmed" in english_pages["admin /audit"] and "Wk " in english_pages["admin /dashboard"]
    assert "Clarification requested" in english_pages["supervisor full case"]


def test_the_countdown_script_takes_its_words_from_the_catalogue(indonesian_pages: dict[str, str]) -> None:
    """app.js rewrites the deadline every minute; its words come from the page (data-overdue, data-remaining),
    which the catalogue filled, not from a second list of texts in the script."""
    script = (Path(__file__).parents[1] / "review_ui" / "static" / "app.js").read_text()
    for key in ("overdue", "remaining"):
        for text in (ID[key], EN[key]):
            fragments = [f.strip() for f in re.split(r"\{\w+\}", text) if len(f.strip()) >= 3]
            assert fragments and [f for f in fragments if f in script] == []
    deadline = next(
        html
        for name, html in indonesian_pages.items()
        if name.startswith("supervisor /cases/") and "data-remaining" in html
    )
    assert f'data-remaining="{ID["remaining"]}"' in deadline and f'data-overdue="{ID["overdue"]}"' in deadline
