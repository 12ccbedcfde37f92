"""End to end in Debian's chromium: log in, filter, open a case, confirm with two different users,
dismiss, forward and download the evidence pack, check the audit chain; hostile text stays inert.

Set NETRA_SCREENSHOTS_DIR=docs/screenshots to refresh the screenshots in the docs.
"""

from __future__ import annotations

import csv
import io
import json
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader
from sqlalchemy import Engine
from sqlmodel import Session

from monitor.config import Settings
from monitor.models import Case, User
from monitor.review import actions as act
from monitor.review.cases import Viewer
from review_ui.app import create_app
from tests.utils.browser import chromium, login
from tests.utils.factories import make_account, make_agency, make_asn, make_case, make_post
from tests.utils.live_server import serve
from tests.utils.review import seed_world
from tests.utils.review_showcase import seed_showcase
from tests.utils.xss import PAYLOADS

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


def _app(engine: Engine):  # type: ignore[no-untyped-def]
    return create_app(Settings(secret_key="browser-test-secret-0123456789", base_url="http://127.0.0.1"), engine)


def _logout(page: Page) -> None:
    page.click("header form button")
    expect(page.locator("input[name=email]")).to_be_visible()


def _shot(page: Page, tmp: Path, name: str) -> None:
    target = Path(os.environ.get("NETRA_SCREENSHOTS_DIR") or tmp)
    target.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target / name), full_page=True)


def test_review_flow_in_chromium(browser: Browser, sqlite_engine: Engine, tmp_path: Path) -> None:
    show = seed_showcase(sqlite_engine)
    with serve(_app(sqlite_engine)) as base:
        context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
        page = context.new_page()
        login(page, base, show.emails["sup_a"])
        expect(page.locator("tr.row").first).to_be_visible()
        assert "DINKES" not in page.content()
        _shot(page, tmp_path, "queue.png")

        # Filter by platform through the form.
        page.click("details.filters summary")
        page.select_option("select[name=platform]", "x")
        page.click("details.filters button[type=submit]")
        platforms = page.locator("tr.row .platform").all_inner_texts()
        assert platforms and {p.lower() for p in platforms} == {"x"}

        # Keyboard: j selects the first case, o opens it.
        page.goto(f"{base}/cases")
        page.keyboard.press("j")
        page.keyboard.press("o")
        first = show.open_cases[0]
        expect(page).to_have_url(f"{base}/cases/{first}")
        expect(page.locator("#post-text mark").first).to_be_visible()
        _shot(page, tmp_path, "case.png")

        # First confirmation.
        page.select_option("#form-confirm select[name=category]", "disiplin")
        page.fill("#form-confirm textarea[name=reason]", "Ajakan memilih nomor 1 secara terbuka.")
        page.click("#form-confirm button[type=submit]")
        expect(page.locator(".case-head .status")).to_have_text("Menunggu peninjau kedua")
        assert page.locator("#form-confirm").count() == 0  # the same reviewer cannot confirm twice
        _logout(page)

        # A second, different reviewer agrees; then forwards and downloads the pack.
        login(page, base, show.emails["sup_a2"])
        page.goto(f"{base}/cases/{first}")
        page.select_option("#form-confirm select[name=category]", "disiplin")
        page.fill("#form-confirm textarea[name=reason]", "Setuju: ajakan memilih.")
        page.click("#form-confirm button[type=submit]")
        expect(page.locator(".case-head .status")).to_have_text("Terkonfirmasi")
        page.select_option("#form-forward select[name=target]", "bkn")
        page.fill("#form-forward textarea[name=reason]", "Diteruskan ke BKN untuk tindak lanjut.")
        page.click("#form-forward button[type=submit]")
        expect(page.locator(".case-head .status")).to_have_text("Diteruskan")
        with page.expect_download() as info:
            page.click('a[href$="/evidence.zip"]')
        pack = zipfile.ZipFile(io.BytesIO(Path(info.value.path()).read_bytes()))
        summary = json.loads(pack.read(f"kasus-{first}/summary.json"))
        assert summary["nip_terlapor"] and summary["tempat_url"].startswith("https://")
        assert "case.forward" in pack.read(f"kasus-{first}/audit_trail.json").decode()
        assert (
            "Status kasus: Terkonfirmasi pelanggaran oleh dua peninjau dan diteruskan"
            in pack.read(f"kasus-{first}/summary.txt").decode()
        )

        # The report for BKN: the page from the case page, then its PDF; Netra's archived copy of the post.
        page.click("#report-link")
        expect(page.locator("#report-decision")).to_contain_text("Terkonfirmasi pelanggaran oleh dua peninjau")
        expect(page.locator("#report-incident")).to_contain_text(" WIB")
        _shot(page, tmp_path, "report.png")
        with page.expect_download() as info:
            page.click("#report-pdf")
        pdf = PdfReader(io.BytesIO(Path(info.value.path()).read_bytes()))
        assert summary["nip_terlapor"] in "".join(p.extract_text() for p in pdf.pages)
        page.goto(f"{base}/cases/{first}")
        page.click("#archive-link")
        expect(page.locator("#archive-check")).to_contain_text("cocok")

        # The queue as CSV, with the filter in use.
        page.goto(f"{base}/cases?status=all&platform=x")
        with page.expect_download() as info:
            page.click("#csv-export")
        rows = list(csv.reader(io.StringIO(Path(info.value.path()).read_bytes().decode("utf-8-sig"), newline="")))
        assert rows[0][0] == "Kasus" and rows[1:] and {r[rows[0].index("Platform")] for r in rows[1:]} == {"x"}

        # Dismiss another case with the keyboard shortcut d.
        second = show.open_cases[1]
        page.goto(f"{base}/cases/{second}")
        page.keyboard.press("d")
        expect(page.locator("#form-dismiss textarea[name=reason]")).to_be_focused()
        page.keyboard.type("Berita biasa, bukan ajakan memilih.")
        page.click("#form-dismiss button[type=submit]")
        expect(page.locator(".case-head .status")).to_have_text("Ditolak (bukan pelanggaran)")

        # Bulk dismiss: x selects the current row, one reason for all selected.
        page.goto(f"{base}/cases")
        page.keyboard.press("j")
        page.keyboard.press("x")
        expect(page.locator("tr.row.selected input[type=checkbox]")).to_be_checked()
        page.fill("#bulk input[name=reason]", "Duplikat dari kasus lain.")
        page.click("#bulk button.danger")
        expect(page.locator(".flash.ok")).to_contain_text("1 kasus ditolak")
        page.click("text=English")
        expect(page.locator("h1")).to_have_text("Case queue")
        page.click("text=Bahasa Indonesia")
        _logout(page)

        # The admin sees the dashboard and checks the audit chain.
        login(page, base, show.emails["admin"])
        page.goto(f"{base}/dashboard")
        expect(page.locator("svg.chart").first).to_be_visible()
        _shot(page, tmp_path, "dashboard.png")
        page.goto(f"{base}/audit")
        page.click("text=Periksa rantai hash")
        expect(page.locator("#chain-result")).to_contain_text("Rantai hash utuh")
        context.close()
    with Session(sqlite_engine) as s:
        assert s.get(Case, first).status == "forwarded" and s.get(Case, second).status == "dismissed"


def test_hostile_text_is_inert_in_chromium(browser: Browser, sqlite_engine: Engine) -> None:
    world = seed_world(sqlite_engine, n_cases=1)
    with Session(sqlite_engine) as s:
        agency = make_agency(s, code="XSS", name=PAYLOADS[0])
        admin = Viewer.of(s.get(User, world.user_ids["admin"]))
        ids = []
        for i, payload in enumerate(PAYLOADS):
            asn = make_asn(s, agency, name=payload, unit=payload[:60])
            ids.append(make_case(s, make_post(s, make_account(s, asn), text=payload, raw_payload=payload)).id)
            if i % 2:
                act.dismiss(s, admin, ids[-1], reason=payload)
            else:
                act.request_clarification(s, admin, ids[-1], reason=payload)
        s.commit()
    with serve(_app(sqlite_engine)) as base:
        context = browser.new_context()
        page = context.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        login(page, base, world.emails["admin"])
        pages = ["/cases?status=all", "/cases?status=all&sort=date", "/audit", "/dashboard"] + [
            f"/cases/{i}" for i in ids
        ]
        for path in pages:
            page.goto(base + path)
            assert page.evaluate("window.__xss") is None, path
            assert page.evaluate("document.querySelectorAll('[data-xss]').length") == 0, path
            assert page.evaluate("document.querySelectorAll('script:not([src=\"/static/app.js\"])').length") == 0, path
        page.goto(f"{base}/cases/{ids[0]}")
        assert PAYLOADS[0] in page.locator("#post-text").inner_text()  # shown as text
        assert dialogs == []
        context.close()
