"""No post hides in a decided case: a flagged post whose original already has a dismissed, confirmed,
forwarded or closed case opens a new case linked to it (shown and audited on both), while an undecided
case is joined as before. Telegram forwards are keyed by the forwarded message, not the source channel."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from monitor import open_cases
from monitor.audit import verify
from monitor.auth import create_user
from monitor.case_actions import dismiss
from monitor.cases import Viewer
from monitor.config import Settings
from monitor.db import session_scope
from monitor.digest.content import collapse_reposts
from monitor.digest.queries import new_cases
from monitor.models import Account, AuditLog, Case, CasePost, Post, User
from monitor.open_cases import open_new_cases
from scrapers import telegram
from tests.utils.concurrency import run_concurrently
from tests.utils.factories import make_account, make_election, make_post, make_score
from tests.utils.review import PASSWORD, login, make_client

SETTINGS = Settings(_env_file=None)
NOW = datetime(2024, 11, 20, 2, 0, tzinfo=UTC)
ADMIN = "admin@example.go.id"


def setup(engine: Engine) -> None:
    with session_scope(engine) as s:
        make_election(s)
        create_user(s, ADMIN, "Admin", "admin", password=PASSWORD)


def flagged(engine: Engine, account_id: int | None = None, platform: str = "bluesky", **post: object) -> int:
    """A post scored dukungan 0.9 for the registered mayoral election; returns its id."""
    with session_scope(engine) as s:
        account = s.get(Account, account_id) if account_id else make_account(s, platform=platform)
        row = make_post(s, account, **post)
        make_score(s, row)
        return row.id  # type: ignore[return-value]


def decide(engine: Engine, case_id: int, status: str) -> None:
    with session_scope(engine) as s:
        if status == "dismissed":  # the reviewer's own action, as the page does it
            admin = s.exec(select(User).where(User.email == ADMIN)).one()
            dismiss(s, Viewer.of(admin), case_id, reason="bukan pelanggaran")
            return
        case = s.get(Case, case_id)
        assert case is not None
        case.status = status  # type: ignore[assignment]
        s.add(case)


def first_case(engine: Engine) -> tuple[int, int]:
    """The original post's case, opened; returns (case id, the account of its post)."""
    setup(engine)
    post_id = flagged(engine, platform_post_id="orig-1")
    assert open_new_cases(engine, SETTINGS, now=NOW).opened == 1
    with Session(engine) as s:
        case = s.exec(select(Case)).one()
        return case.id, s.get(Post, post_id).account_id  # type: ignore[return-value,union-attr]


@pytest.mark.parametrize("status", ["dismissed", "confirmed", "forwarded", "closed"])
def test_a_post_for_a_decided_case_opens_a_new_linked_case(engine: Engine, status: str) -> None:
    earlier, account_id = first_case(engine)
    decide(engine, earlier, status)
    repost = flagged(engine, account_id, kind="repost", original_post_id="orig-1")
    summary = open_new_cases(engine, SETTINGS, now=NOW)
    assert (summary.opened, summary.joined) == (1, 0)  # not hidden in the decided case
    assert summary.linked == 1
    # a further repost joins the new case while it waits for its review
    another = flagged(engine, account_id, kind="repost", original_post_id="orig-1")
    assert open_new_cases(engine, SETTINGS, now=NOW).joined == 1
    with Session(engine) as s:
        new = s.exec(select(Case).where(Case.id != earlier)).one()
        assert (new.post_id, new.status, new.previous_case_id) == (repost, "open", earlier)
        assert s.get(Case, earlier).status == status  # type: ignore[union-attr]
        assert s.exec(select(CasePost.case_id, CasePost.post_id)).all() == [(new.id, another)]
        opened = s.exec(
            select(AuditLog).where(AuditLog.action == "case.opened", AuditLog.object_id == str(new.id))
        ).one()
        assert (opened.details["previous_case_id"], opened.details["previous_status"]) == (earlier, status)
        linked = s.exec(select(AuditLog).where(AuditLog.action == "case.new_case_linked")).one()
        assert (linked.object_id, linked.details["new_case_id"]) == (str(earlier), new.id)
        assert verify(s) is None


@pytest.mark.parametrize("status", ["open", "awaiting_second", "clarification"])
def test_a_post_for_an_undecided_case_joins_it(engine: Engine, status: str) -> None:
    earlier, account_id = first_case(engine)
    decide(engine, earlier, status)
    repost = flagged(engine, account_id, kind="repost", original_post_id="orig-1")
    summary = open_new_cases(engine, SETTINGS, now=NOW)
    assert (summary.opened, summary.joined) == (0, 1)
    assert summary.linked == 0
    with Session(engine) as s:
        assert s.exec(select(CasePost.case_id, CasePost.post_id)).all() == [(earlier, repost)]


def test_racing_workers_open_one_new_case_after_a_decision(engine: Engine) -> None:
    earlier, account_id = first_case(engine)
    decide(engine, earlier, "dismissed")
    reposts = [flagged(engine, account_id, kind="repost", original_post_id="orig-1") for _ in range(12)]
    _, errors = run_concurrently(lambda: open_new_cases(engine, SETTINGS, batch_size=2, now=NOW), 4)
    assert errors == []
    with Session(engine) as s:
        new = s.exec(select(Case).where(Case.id != earlier)).one()  # one undecided case, not several
        assert new.previous_case_id == earlier
        members = s.exec(select(CasePost.post_id).where(CasePost.case_id == new.id)).all()
        assert sorted([new.post_id, *members]) == reposts  # every repost in it, once
        assert s.exec(select(func.count()).select_from(CasePost).where(CasePost.case_id == earlier)).one() == 0
        assert verify(s) is None


def linked_cases(engine: Engine) -> tuple[int, int]:
    """A dismissed case, and the case a later repost of its original opened; returns both ids."""
    earlier, account_id = first_case(engine)
    decide(engine, earlier, "dismissed")
    flagged(engine, account_id, kind="repost", original_post_id="orig-1")
    open_new_cases(engine, SETTINGS, now=NOW)
    with Session(engine) as s:
        return earlier, s.exec(select(Case.id).where(Case.id != earlier)).one()  # type: ignore[return-value]


def test_the_case_pages_link_the_two_cases_and_note_why(sqlite_engine: Engine) -> None:
    earlier, new = linked_cases(sqlite_engine)
    client = login(make_client(sqlite_engine), ADMIN)
    page = BeautifulSoup(client.get(f"/cases/{new}").text, "html.parser")
    link = page.select_one("#linked-previous a")
    assert link["href"] == f"/cases/{earlier}" and "Ditolak" in page.select_one("#linked-previous").text
    note = page.select_one("#history-linked").text
    assert f"#{earlier}" in note and "sudah diputus" in note
    assert "Kasus dibuka" in page.select_one("ol.history").find_next("details").text  # the audit trail
    back = BeautifulSoup(client.get(f"/cases/{earlier}").text, "html.parser")
    assert back.select_one("#linked-next a")["href"] == f"/cases/{new}"
    trail = back.select_one("ol.history").find_next("details").text
    assert "Kasus baru dibuka untuk unggahan yang masuk kemudian" in trail
    assert client.get(f"/api/cases/{new}").json()["case"]["previous_case_id"] == earlier


def test_the_digest_lists_the_new_case_apart_from_the_decided_one(sqlite_engine: Engine) -> None:
    linked_cases(sqlite_engine)
    with Session(sqlite_engine) as s:
        rows = new_cases(s, agency_id=None, start=NOW, end=datetime(2024, 11, 21, tzinfo=UTC))
    assert len(rows) == 2 and len(collapse_reposts(rows)) == 2  # the new case is not folded into the old


FORWARDS = """<div class="tgme_widget_message" data-post="dinasuji/{n}"><div class="tgme_widget_message_bubble">
<div class="tgme_widget_message_forwarded_from accent_color">Forwarded from&nbsp;<a
 class="tgme_widget_message_forwarded_from_name" href="{href}"><span dir="auto">Relawan</span></a></div>
<div class="tgme_widget_message_text js-message_text" dir="auto">Ayo coblos nomor 1 ({n})</div>
<div class="tgme_widget_message_footer"><a class="tgme_widget_message_date" href="https://t.me/dinasuji/{n}">
<time datetime="2024-11-20T03:00:00+00:00" class="time">03:00</time></a></div></div></div>"""


def test_telegram_forwards_are_keyed_by_the_forwarded_message(engine: Engine) -> None:
    """Two forwards from one channel are two cases; a forward of a message already in a case joins it."""
    page = "".join(
        FORWARDS.format(n=n, href=href)
        for n, href in (
            (1, "https://t.me/relawanpaslon1"),  # the markup names only the channel
            (2, "https://t.me/relawanpaslon1"),
            (3, "https://t.me/relawanpaslon1/77"),  # the markup links the forwarded message
            (4, "https://t.me/relawanpaslon1/77?single"),
        )
    )
    posts = telegram.page_posts(page)
    assert [p.original_post_id for p in posts] == [None, None, "relawanpaslon1/77", "relawanpaslon1/77"]
    setup(engine)
    account_id = None
    for p in posts:
        post_id = flagged(
            engine, account_id, "telegram", platform_post_id=p.platform_post_id, kind=p.kind,
            original_post_id=p.original_post_id,
        )  # fmt: skip
        with Session(engine) as s:
            account_id = s.get(Post, post_id).account_id  # type: ignore[union-attr]
    summary = open_new_cases(engine, SETTINGS, now=NOW)
    assert (summary.opened, summary.joined) == (3, 1)
    with Session(engine) as s:
        keys = s.exec(select(Case.original_key).order_by(col(Case.id))).all()
        assert keys == ["telegram:dinasuji/1", "telegram:dinasuji/2", "telegram:relawanpaslon1/77"]


def test_a_worker_that_claimed_a_score_late_adds_no_second_copy_of_its_post(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite has no SKIP LOCKED, so two workers may claim the same scores. The schedule CI once hit:
    worker B looks for the post in a case before worker A commits, then finds A's new case for the
    original and joined the post to it a second time. B must see the database as A left it."""
    setup(sqlite_engine)
    post_id = flagged(sqlite_engine, platform_post_id="orig-1")
    a_committed = threading.Event()
    b_looked = threading.Event()
    real_in_a_case = open_cases._in_a_case

    def in_a_case(session: Session, post: int, version: int) -> bool:
        found = real_in_a_case(session, post, version)
        if threading.current_thread().name == "B":
            b_looked.set()
            a_committed.wait(timeout=3)  # times out when B holds the write lock A would need
        return found

    def worker_a() -> None:
        b_looked.wait(timeout=3)
        open_new_cases(sqlite_engine, SETTINGS, now=NOW)
        a_committed.set()

    monkeypatch.setattr(open_cases, "_in_a_case", in_a_case)
    threads = [
        threading.Thread(target=worker_a, name="A"),
        threading.Thread(target=lambda: open_new_cases(sqlite_engine, SETTINGS, now=NOW), name="B"),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    with Session(sqlite_engine) as s:
        case = s.exec(select(Case)).one()
        assert case.post_id == post_id
        assert s.exec(select(CasePost.post_id)).all() == []  # the case's own post is not also a member
