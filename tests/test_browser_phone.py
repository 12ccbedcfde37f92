"""The review page on a phone (issue 16, item 8), in Debian's chromium at 375×740 with touch: no page
scrolls sideways, the top bar and its logout button stay on screen, the queue is one card per case, and
every control is finger-sized and works by tap (confirm, dismiss, clarification, forward, corrections)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect
from sqlalchemy import Engine
from sqlmodel import Session, select

from monitor.config import Settings
from monitor.models import Agency
from review_ui.app import create_app
from review_ui.i18n import translate
from tests.utils.browser import chromium, login
from tests.utils.factories import make_account, make_asn, make_post, make_score
from tests.utils.live_server import serve
from tests.utils.review_showcase import Showcase, seed_showcase

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1366, "height": 900}
FINGER_PX = 44  # the smallest comfortable touch target (Apple HIG, WCAG 2.5.5)
QUEUE_COLUMNS = ("col_case", "col_asn", "col_post", "col_label", "col_score", "col_deadline", "col_status")
# What a finger must hit on its own: buttons, button-like links, the top bar, tabs, pager, form fields.
TOUCH_CONTROLS = (
    "button, a.button, header a, nav.tabs a, .pager a, details > summary, select, textarea,"
    " input:not([type=hidden]):not([type=checkbox]):not([type=radio])"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


def _t(key: str) -> str:
    return translate("id", key)


def _phone(browser: Browser) -> BrowserContext:
    return browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True, device_scale_factor=2)


def _serve(engine: Engine):  # type: ignore[no-untyped-def]
    return serve(
        create_app(Settings(secret_key="phone-test-secret-0123456789abcdef", base_url="http://127.0.0.1"), engine)
    )


def _seed(engine: Engine) -> Showcase:
    """The showcase (long names, every status, an audit trail) plus one near miss, so that every page has rows."""
    show = seed_showcase(engine, cases_per_agency=7)
    with Session(engine) as s:
        agency = s.exec(select(Agency).where(Agency.code == show.agency_code)).one()
        post = make_post(s, make_account(s, make_asn(s, agency)), text="Paslon nomor 1 pilihan paling masuk akal")
        probabilities = {"netral": 0.22, "dukungan": 0.78, "serangan": 0.0}
        make_score(s, post, label="netral", probabilities=probabilities, flag_checked_at=post.captured_at)
        s.commit()
    return show


# Measured against the phone's width, not window.innerWidth: a mobile browser widens its layout viewport
# (and innerWidth) to whatever the page needs, then shows it zoomed out, so innerWidth always "fits".


def _sideways_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the phone's screen (0 when it fits)."""
    return int(page.evaluate("document.documentElement.scrollWidth")) - PHONE["width"]


def _within_screen(target: Locator) -> bool:
    box = target.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5


def _small_controls(page: Page) -> list[str]:
    """The visible touch controls shorter than a finger, as 'tag.class "text" (height)'."""
    return page.evaluate(
        """([selector, minimum]) => Array.from(document.querySelectorAll(selector))
            .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')
            .filter(e => e.getBoundingClientRect().height < minimum - 0.5)
            .map(e => `${e.tagName.toLowerCase()}.${e.className} "${e.textContent.trim().slice(0, 30)}"`
                      + ` (${e.getBoundingClientRect().height.toFixed(1)})`)""",
        [TOUCH_CONTROLS, FINGER_PX],
    )


def _tap(page: Page, target: Locator) -> None:
    """Tap as a thumb would: the control must be on screen without scrolling sideways and finger-sized."""
    target.scroll_into_view_if_needed()
    box = target.bounding_box()
    assert box is not None and box["height"] >= FINGER_PX - 0.5, (target, box)
    assert _within_screen(target), (target, box)
    target.tap()


def _type_into(page: Page, field: Locator, text: str) -> None:
    _tap(page, field)
    expect(field).to_be_focused()
    page.keyboard.type(text)


def test_no_page_scrolls_sideways_on_a_phone(browser: Browser, sqlite_engine: Engine) -> None:
    show = _seed(sqlite_engine)
    with _serve(sqlite_engine) as base:
        context = _phone(browser)
        page = context.new_page()
        page.goto(f"{base}/login")
        overflow = {"/login": _sideways_overflow(page)}
        small = {"/login": _small_controls(page)}
        login(page, base, show.emails["admin"])
        case = show.open_cases[0]
        paths = ["/cases", "/cases?status=all", f"/cases/{case}", f"/cases/{case}/archive", "/near-misses"]
        paths += ["/dashboard", "/audit", "/audit?check=1", "/admin/users", "/admin/accounts", "/admin/import"]
        for path in paths:
            page.goto(base + path)
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")  # the folded parts too
            overflow[path] = _sideways_overflow(page)
            small[path] = _small_controls(page)
        context.close()
    assert {p: px for p, px in overflow.items() if px > 0} == {}
    assert {p: found for p, found in small.items() if found} == {}


def test_top_bar_and_logout_stay_on_screen_on_a_phone(browser: Browser, sqlite_engine: Engine) -> None:
    show = _seed(sqlite_engine)
    with _serve(sqlite_engine) as base:
        context = _phone(browser)
        page = context.new_page()
        login(page, base, show.emails["admin"])  # the admin has the most links in the top bar
        links = page.locator("header.top a")
        assert links.count() >= 8
        off_screen = [links.nth(i).inner_text() for i in range(links.count()) if not _within_screen(links.nth(i))]
        assert off_screen == []
        logout = page.locator("header.top form button")
        expect(logout).to_be_visible()
        expect(logout).to_have_text(_t("logout"))
        _tap(page, logout)
        expect(page.locator("input[name=email]")).to_be_visible()
        context.close()


def test_queue_is_one_card_per_case_on_a_phone_and_a_table_on_a_desktop(
    browser: Browser, sqlite_engine: Engine
) -> None:
    show = _seed(sqlite_engine)
    captions = [_t(key) for key in QUEUE_COLUMNS]
    with _serve(sqlite_engine) as base:
        desktop = browser.new_context(viewport=DESKTOP)
        page = desktop.new_page()
        login(page, base, show.emails["sup_a"])
        expect(page.locator("table.queue thead")).to_be_visible()
        cells = page.locator("tr.row").first.locator("td")
        tops = {round(cells.nth(i).bounding_box()["y"]) for i in range(cells.count())}  # type: ignore[index]
        assert len(tops) == 1  # side by side, one row per case
        desktop.close()

        context = _phone(browser)
        page = context.new_page()
        login(page, base, show.emails["sup_a"])
        rows = page.locator("tr.row")
        assert rows.count() == len(show.open_cases)
        for r in range(rows.count()):
            row = rows.nth(r)
            assert row.evaluate("e => getComputedStyle(e).display") == "block", r  # a card, not a table row
            cells = row.locator("td")
            shown = [
                cells.nth(i).evaluate("e => getComputedStyle(e, '::before').content") for i in range(cells.count())
            ]
            assert [s for s in shown if s.strip('"') in captions] == [f'"{c}"' for c in captions], shown
            previous_bottom = 0.0
            for i in range(cells.count()):
                expect(cells.nth(i)).to_be_visible()
                assert _within_screen(cells.nth(i)), (r, i)
                box = cells.nth(i).bounding_box()
                assert box is not None and box["y"] >= previous_bottom - 0.5, (r, i)  # stacked, one under another
                previous_bottom = box["y"] + box["height"]
        # Select the whole page for bulk dismissal by touch, then open a case by tapping its card.
        _tap(page, page.locator("label:has(#select-all)"))
        expect(page.locator("tr.row input[name=case_ids]:checked")).to_have_count(rows.count())
        rows.nth(1).locator("td.excerpt").tap()
        expect(page).to_have_url(f"{base}/cases/{show.open_cases[1]}")
        context.close()


def test_case_actions_work_by_tap_on_a_phone(browser: Browser, sqlite_engine: Engine) -> None:
    show = _seed(sqlite_engine)
    first, second, third = show.open_cases[:3]
    with _serve(sqlite_engine) as base:
        context = _phone(browser)
        page = context.new_page()
        login(page, base, show.emails["sup_a"])

        # Confirm, with a correction of the model's label, all by tap.
        page.goto(f"{base}/cases/{first}")
        page.select_option("#form-confirm select[name=category]", "disiplin")
        _tap(page, page.locator("#form-confirm select[name=correct_label]"))
        page.select_option("#form-confirm select[name=correct_label]", "serangan")
        _type_into(page, page.locator("#form-confirm textarea[name=reason]"), "Ajakan memilih secara terbuka.")
        _tap(page, page.locator("#form-confirm button[type=submit]"))
        expect(page.locator(".case-head .status")).to_have_text(_t("status_awaiting_second"))

        # Dismiss: the form is folded; a tap on its summary opens it.
        page.goto(f"{base}/cases/{second}")
        _tap(page, page.locator("#dismiss > summary"))
        _type_into(page, page.locator("#form-dismiss textarea[name=reason]"), "Berita biasa, bukan ajakan memilih.")
        _tap(page, page.locator("#form-dismiss button[type=submit]"))
        expect(page.locator(".case-head .status")).to_have_text(_t("status_dismissed"))

        # Ask the ASN for clarification.
        page.goto(f"{base}/cases/{third}")
        _tap(page, page.locator("#clarify > summary"))
        _type_into(page, page.locator("#form-clarify textarea[name=reason]"), "Mohon penjelasan maksud unggahan.")
        _tap(page, page.locator("#form-clarify button[type=submit]"))
        expect(page.locator(".case-head .status")).to_have_text(_t("status_clarification"))

        # A second reviewer agrees, then forwards the case.
        _tap(page, page.locator("header.top form button"))
        expect(page.locator("input[name=email]")).to_be_visible()  # logged out before the next login starts
        login(page, base, show.emails["sup_a2"])
        page.goto(f"{base}/cases/{first}")
        page.select_option("#form-confirm select[name=category]", "disiplin")
        _type_into(page, page.locator("#form-confirm textarea[name=reason]"), "Setuju: ajakan memilih.")
        _tap(page, page.locator("#form-confirm button[type=submit]"))
        expect(page.locator(".case-head .status")).to_have_text(_t("status_confirmed"))
        page.select_option("#form-forward select[name=target]", "bkn")
        _type_into(page, page.locator("#form-forward textarea[name=reason]"), "Diteruskan ke BKN.")
        _tap(page, page.locator("#form-forward button[type=submit]"))
        expect(page.locator(".case-head .status")).to_have_text(_t("status_forwarded"))
        assert _sideways_overflow(page) == 0
        context.close()
