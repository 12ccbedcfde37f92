"""Faults on the real services: PostgreSQL connections cut mid-run, the daemon killed mid-batch, the
source answering 500 for a while. Afterwards no post is lost or stored twice and no case opens twice."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from classifiers.inference import PostInput, ScoreResult
from monitor.audit import verify
from monitor.auth import create_user
from monitor.config import Settings, SmtpSettings
from monitor.db import make_engine, upgrade
from monitor.digest import IsoWeek, retry_due_digests, send_weekly_digests
from monitor.digest.mailer import SmtpMailer
from monitor.flagging.open_cases import OpenCasesSummary, open_new_cases
from monitor.model.scoring import score_pending
from monitor.models import (
    Account,
    AuditLog,
    Case,
    CasePost,
    CollectionRun,
    DigestDelivery,
    Election,
    Post,
    PostVersion,
    Score,
)
from monitor.models.cases import UNDECIDED
from monitor.review.actions import dismiss
from monitor.review.cases import Viewer
from monitor.work.tasks import collect_batch
from scrapers.loopback import LoopbackServer
from tests.utils.audit_writers import append_concurrently
from tests.utils.factories import (
    make_account,
    make_agency,
    make_asn,
    make_case,
    make_election,
    make_post,
    make_score,
    make_user,
)
from tests.utils.keyword_classifier import install
from tests.utils.pg_connections import terminate_connections
from tests.utils.procs import NetraProcess, wait_for
from tests.utils.smtp import SmtpServer

POSTS = 4


@pytest.fixture
def loopback() -> Iterator[LoopbackServer]:
    with LoopbackServer() as server:
        yield server


def _register(engine: Engine, loopback: LoopbackServer, n: int) -> list[int]:
    with Session(engine, expire_on_commit=False) as s:
        s.add(
            Election(
                id="pilwalkot-harapanjaya-2024",
                name="Pilwalkot",
                level="walikota",
                region="Kota Harapan Jaya",
                province="Jawa Barat",
                voting_day=date(2024, 11, 27),
            )
        )
        asn = make_asn(s)
        ids = [
            make_account(
                s,
                asn,
                handle=loopback.handle_for(loopback.world.add_account("bluesky", f"f{i}.bsky.social", posts=POSTS)),
            ).id
            for i in range(n)
        ]
        s.commit()
    return ids


def _settings(loopback: LoopbackServer, data_dir: Path, **scrapers: object) -> Settings:
    return Settings(
        _env_file=None,
        data_dir=data_dir,  # the archive of responses (WARC) goes there, not in ./netra-data
        scrapers=loopback.scraper_settings()
        | {"requests_per_second_per_host": 1000, "backoff_base_s": 0.02}
        | scrapers,
    )


def _collect_until_all_ok(engine: Engine, settings: Settings, ids: list[int], rounds: int = 20) -> None:
    """What the scheduler does over successive ticks: collect what is not ok yet, until everything is."""
    for _ in range(rounds):
        try:  # the tick's own query can meet a cut connection too
            with Session(engine) as s:
                pending = s.exec(select(Account.id).where(col(Account.id).in_(ids), Account.last_status != "ok")).all()
            if not pending:
                return
            collect_batch(engine, settings, account_ids=list(pending))
        except OperationalError:
            continue  # the database went away; the next tick picks up
    raise AssertionError("accounts still failing after all rounds")


def _assert_exactly_once(engine: Engine, expected_posts: int) -> None:
    with Session(engine) as s:
        keys = s.exec(select(Post.platform, Post.platform_post_id)).all()
        assert len(keys) == len(set(keys)) == expected_posts
        # One undecided case per original (a decided case may be followed by a new one, linked to it).
        cases = s.exec(select(Case.asn_id, Case.original_key).where(col(Case.status).in_(UNDECIDED))).all()
        assert len(cases) == len(set(cases))
        # Each version of a post in one case at most.
        in_cases = s.exec(select(Case.post_id, Case.post_version)).all()
        in_cases += s.exec(select(CasePost.post_id, CasePost.post_version)).all()
        assert len(in_cases) == len(set(in_cases))


def test_postgres_connections_cut_mid_run(
    pg_app_engine: Engine, app_name: str, loopback: LoopbackServer, tmp_path: Path
) -> None:
    ids = _register(pg_app_engine, loopback, 16)
    loopback.world.add_fault("slow", "getAuthorFeed", times=-1, delay_s=0.05)
    settings = _settings(loopback, tmp_path)
    stop = threading.Event()
    cuts: list[int] = []

    def killer() -> None:
        while not stop.wait(0.15):
            cuts.append(terminate_connections(app_name))

    thread = threading.Thread(target=killer)
    thread.start()
    try:
        _collect_until_all_ok(pg_app_engine, settings, ids)
    finally:
        stop.set()
        thread.join()
    assert sum(cuts) > 0  # connections really were cut while collecting
    _assert_exactly_once(pg_app_engine, 16 * POSTS)

    # Cases, with connections cut between and inside batches.
    with Session(pg_app_engine, expire_on_commit=False) as s:
        for post in s.exec(select(Post)).all():
            make_score(s, post)
        s.commit()
    stop.clear()
    thread = threading.Thread(target=killer)
    thread.start()
    try:
        for _ in range(50):
            try:
                open_new_cases(pg_app_engine, settings, batch_size=5)
                with Session(pg_app_engine) as s:
                    if s.exec(select(func.count()).where(col(Score.flag_checked_at).is_(None))).one() == 0:
                        break
            except OperationalError:
                continue  # out of retries during a burst of cuts, or the check itself was cut; the next tick goes on
    finally:
        stop.set()
        thread.join()
    _assert_exactly_once(pg_app_engine, 16 * POSTS)
    with Session(pg_app_engine) as s:
        assert s.exec(select(func.count()).select_from(Case)).one() == 16 * POSTS  # every post its own original


def test_source_returns_500_for_a_while(pg_app_engine: Engine, loopback: LoopbackServer, tmp_path: Path) -> None:
    ids = _register(pg_app_engine, loopback, 8)
    # More 500s than one account's retries can absorb: some accounts fail this tick, none lose posts.
    loopback.world.add_fault("500", "getAuthorFeed", times=30)
    settings = _settings(loopback, tmp_path, max_retries=2)
    collect_batch(pg_app_engine, settings, account_ids=ids)
    with Session(pg_app_engine) as s:
        failed_first = s.exec(select(func.sum(CollectionRun.accounts_failed))).one()
    assert failed_first and failed_first > 0
    _collect_until_all_ok(pg_app_engine, settings, ids)
    _assert_exactly_once(pg_app_engine, 8 * POSTS)


def test_daemon_killed_mid_batch_then_restarted(pg_schema_url: str, tmp_path: Path, loopback: LoopbackServer) -> None:
    engine = make_engine(pg_schema_url)
    upgrade(engine)
    try:
        _register(engine, loopback, 20)
        loopback.world.add_fault("slow", "getAuthorFeed", times=-1, delay_s=0.3)
        env = {
            "NETRA_DATABASE_URL": pg_schema_url,
            "NETRA_DATA_DIR": str(tmp_path),
            "NETRA_SCRAPERS": json.dumps(
                loopback.scraper_settings() | {"requests_per_second_per_host": 1000, "total_concurrency": 2}
            ),
            "NETRA_SCHEDULER__COLLECT_TICK_S": "1",
            "NETRA_SCHEDULER__JITTER_S": "1",
            "NETRA_SCHEDULER__COLLECT_BATCH_SIZE": "4",
            "NETRA_SCHEDULER__LEADER_RETRY_S": "0.5",
            "NETRA_SCHEDULER__METRICS_PORT": "0",
        }

        def stored() -> int:
            with Session(engine) as s:
                return s.exec(select(func.count()).select_from(Post)).one()

        first = NetraProcess(["run"], env, tmp_path, "first")
        try:
            wait_for(lambda: 0 < stored() < 20 * POSTS, what="collection under way")
        finally:
            first.kill_group()  # SIGKILL in the middle of batches: their transactions roll back
            first.close()
        assert stored() < 20 * POSTS
        second = NetraProcess(["run"], env, tmp_path, "second")
        try:
            wait_for(lambda: stored() == 20 * POSTS, what="the restart to collect the rest")
            assert second.terminate() == 0
        finally:
            second.close()
        _assert_exactly_once(engine, 20 * POSTS)
        with Session(engine) as s:
            assert set(s.exec(select(Account.last_status)).all()) == {"ok"}
    finally:
        engine.dispose()


def test_odd_items_on_postgres(pg_app_engine: Engine, loopback: LoopbackServer, tmp_path: Path) -> None:
    """A feed item whose id is a 328-character permalink and a post with NUL characters, each among
    normal posts: every post is stored, each odd one is named, and the next runs stay ok."""
    world = loopback.world
    feed = world.add_account("rss", "kabar-dinas", posts=3)
    world.add_post(feed, "Artikel dengan alamat panjang", guid="https://kabar.example.go.id/" + "berita-" * 43)
    sky = world.add_account("bluesky", "ganjil.bsky.social", posts=3)
    world.add_post(sky, "Dukung\x00 nomor\x00 2 menang")
    with Session(pg_app_engine, expire_on_commit=False) as s:
        asn = make_asn(s)
        ids = [make_account(s, asn, platform=f.platform, handle=loopback.handle_for(f)).id for f in (feed, sky)]
        s.commit()
    settings = _settings(loopback, tmp_path)
    fetched = 8
    for round_ in range(3):
        collect_batch(pg_app_engine, settings, account_ids=ids)  # type: ignore[arg-type]
        with Session(pg_app_engine) as s:
            accounts = s.exec(select(Account).where(col(Account.id).in_(ids))).all()
            assert [a.last_status for a in accounts] == ["ok", "ok"], [a.last_error for a in accounts]
            if round_ == 0:  # the run that stored them names each odd item on its account
                notes = {a.platform: a.last_error or "" for a in accounts}
                assert "longer than 256 characters" in notes["rss"] and "NUL" in notes["bluesky"]
            texts = s.exec(select(Post.text)).all()
            assert len(texts) == fetched  # 0 silently dropped, 0 stored twice
            assert "Dukung nomor 2 menang" in texts
            assert s.exec(select(func.max(Post.version))).one() == 1  # stored the same way every time
        for fake in (feed, sky):  # a new post makes the feed answer in full again, odd item included
            world.add_post(fake)
            fetched += 1
    _assert_exactly_once(pg_app_engine, fetched - 2)


def test_200_concurrent_audit_writers_keep_one_chain(db_url: str) -> None:
    """Two processes of 100 threads each (failed logins, evidence downloads, ...) append at once: one chain."""
    url = db_url
    engine = make_engine(url)
    upgrade(engine)
    try:
        run = append_concurrently(url, processes=2, threads=100)
        assert run.errors == [] and run.appended == 200
        with Session(engine) as s:
            assert verify(s) is None
            prev = s.exec(select(AuditLog.prev_hash)).all()
        assert len(prev) == 200 and len(set(prev)) == 200  # a line, not a tree
    finally:
        engine.dispose()


class _ServerDiesAfterFirstMail(SmtpMailer):
    """The real mailer, over real SMTP; the loopback server goes down right after accepting the first mail."""

    def __init__(self, settings: SmtpSettings, server: SmtpServer) -> None:
        super().__init__(settings)
        self.server = server

    def send(self, message: EmailMessage) -> None:
        super().send(message)
        if len(self.server.messages) == 1:
            self.server.stop()  # the kept connection dies with it: the next mail meets a dead server


def test_smtp_down_in_the_middle_of_a_digest(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SMTP goes down after the first of three digests and stays down through a retry; once it is back,
    every digest arrives exactly once (0 lost, 0 sent twice), whatever runs again."""
    monkeypatch.setenv("NETRA_DATA_DIR", str(tmp_path))  # where the run's audit checkpoint goes
    week, now = IsoWeek.parse("2024-W47"), datetime(2024, 11, 25, 0, 0, tzinfo=UTC)  # Monday 07:00 WIB
    with Session(engine) as s:
        emails = []
        for i in range(3):
            agency = make_agency(s, name=f"Dinas {i}")
            post = make_post(s, make_account(s, make_asn(s, agency)))
            make_case(s, post, detected_at=datetime(2024, 11, 20, 3, 0, tzinfo=UTC))
            emails.append(make_user(s, email=f"pengawas{i}@example.go.id", agency_id=agency.id).email)
        s.commit()
    server = SmtpServer()
    server.start()
    try:
        settings = Settings(_env_file=None, smtp=SmtpSettings(port=server.port, timeout_s=5))  # type: ignore[call-arg]
        mailer = _ServerDiesAfterFirstMail(settings.smtp, server)
        first = send_weekly_digests(engine, settings, week=week, now=now, mailer=mailer)
        assert (first.sent, first.retry_later, first.failed) == (1, 2, 0)
        still_down = retry_due_digests(engine, settings, now=now + timedelta(minutes=6))
        assert (still_down.sent, still_down.retry_later, still_down.failed) == (0, 2, 0)

        server.start()
        assert send_weekly_digests(engine, settings, week=week, now=now + timedelta(minutes=7)).sent == 0  # backoff
        back = retry_due_digests(engine, settings, now=now + timedelta(hours=1))
        assert (back.sent, back.retry_later, back.failed) == (2, 0, 0)
        again = send_weekly_digests(engine, settings, week=week, now=now + timedelta(hours=2))
        assert (again.sent, again.already_handled) == (0, 3)
        assert retry_due_digests(engine, settings, now=now + timedelta(days=1)).sent == 0
    finally:
        server.stop()
    assert sorted(m["To"] for m in server.messages) == sorted(emails)  # each exactly once
    with Session(engine) as s:
        assert {d.status for d in s.exec(select(DigestDelivery)).all()} == {"sent"}


def _assert_every_partisan_version_in_one_case(engine: Engine) -> int:
    """0 silently dropped: each version of a post scored partisan is in exactly one case; returns the cases."""
    with Session(engine) as s:
        partisan = set(s.exec(select(Score.post_id, Score.post_version).where(Score.label == "dukungan")).all())
        in_cases = s.exec(select(Case.post_id, Case.post_version)).all()
        in_cases += s.exec(select(CasePost.post_id, CasePost.post_version)).all()
        assert len(in_cases) == len(set(in_cases))  # none in two cases
        assert set(in_cases) == partisan
        return s.exec(select(func.count()).select_from(Case)).one()


def test_an_edit_turning_partisan(
    engine: Engine, loopback: LoopbackServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A neutral post edited into campaigning while the scorer works on its old text, and another edited
    between two runs: both edits are scored and open a case, and every earlier version is kept."""
    ids = _register(engine, loopback, 1)
    fake = next(iter(loopback.world.accounts.values()))
    settings = _settings(loopback, tmp_path)
    collect = lambda: collect_batch(engine, settings, account_ids=ids)  # noqa: E731
    collect()
    model = install(monkeypatch)
    real_score = model.score
    editors: list[threading.Thread] = []

    def score_while_edited(items: list[PostInput], registry: object) -> list[ScoreResult]:
        # The edit is stored while the model works on the batch that holds the old text (on PostgreSQL
        # the collector waits for the batch's row locks; on SQLite nothing is locked while the model runs).
        model.score = real_score  # type: ignore[method-assign]
        loopback.world.edit(fake.posts[1], "Diubah diam-diam: coblos nomor 1!")
        editors.append(threading.Thread(target=collect))
        editors[0].start()
        editors[0].join(timeout=2)
        return real_score(items, registry)

    model.score = score_while_edited  # type: ignore[method-assign]
    scored = score_pending(engine, settings)  # the edit is scored in this call's next batch, or the next call's
    editors[0].join()
    scored += score_pending(engine, settings)
    assert scored == POSTS + 1  # the edit stored meanwhile waited for its own score
    assert open_new_cases(engine, settings).opened == 1

    loopback.world.edit(fake.posts[0], "Sudah diubah: ayo coblos nomor 1 besok!")
    assert collect()["posts_changed"] == 1
    assert score_pending(engine, settings) == 1
    assert score_pending(engine, settings) == 0
    assert open_new_cases(engine, settings).opened == 1

    _assert_exactly_once(engine, POSTS)  # 0 lost, 0 stored twice
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(PostVersion)).one() == 2  # the neutral texts kept
        assert set(s.exec(select(Post.scored_version)).all()) == {model.version}
        assert s.exec(select(func.count()).select_from(Score)).one() == POSTS + 2  # each version scored once
        assert set(s.exec(select(Case.post_version)).all()) == {2}
    assert _assert_every_partisan_version_in_one_case(engine) == 2


def test_a_post_arriving_for_a_dismissed_case(
    engine: Engine, loopback: LoopbackServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A Telegram post is flagged and dismissed; then the ASN replies to it (replies are keyed by the
    replied-to message) and edits it, both partisan. Neither hides in the dismissed case: they open one new
    case linked to it, which a reviewer sees."""
    world = loopback.world
    channel = world.add_account("telegram", "dinasuji", posts=3)
    world.add_post(channel, "Ayo coblos nomor 1 tanggal 27!")
    with Session(engine, expire_on_commit=False) as s:
        make_election(s)
        account = make_account(s, make_asn(s), platform="telegram", handle=loopback.handle_for(channel))
        admin = create_user(s, "admin@example.go.id", "Admin", "admin", password="kata-sandi-uji-123")
        s.commit()
    settings = _settings(loopback, tmp_path)

    def run() -> OpenCasesSummary:
        collect_batch(engine, settings, account_ids=[account.id])  # type: ignore[list-item]
        score_pending(engine, settings)
        return open_new_cases(engine, settings)

    install(monkeypatch)
    assert run().opened == 1
    with Session(engine) as s:
        dismissed = s.exec(select(Case.id)).one()
        dismiss(s, Viewer.of(admin), dismissed, reason="bukan pelanggaran")
        s.commit()
    world.add_post(channel, "Sekali lagi, coblos nomor 1!", kind="reply")  # replies to the dismissed post
    arrived = run()
    assert (arrived.opened, arrived.joined) == (1, 0)  # not into the dismissed case
    assert arrived.linked == 1
    world.edit(channel.posts[3], "Ayo coblos nomor 1 tanggal 27, jangan lupa!")
    edited = run()
    assert (edited.opened, edited.joined) == (0, 1)  # into the new case, which still waits for its review

    _assert_exactly_once(engine, 5)  # 0 lost, 0 stored twice
    assert _assert_every_partisan_version_in_one_case(engine) == 2  # 0 silently dropped
    with Session(engine) as s:
        new = s.exec(select(Case).where(Case.id != dismissed)).one()
        assert (new.status, new.previous_case_id) == ("open", dismissed)
        assert s.exec(select(func.count()).select_from(CasePost).where(CasePost.case_id == dismissed)).one() == 0
        assert s.exec(select(func.count()).select_from(CasePost).where(CasePost.case_id == new.id)).one() == 1
        assert s.exec(select(func.count()).select_from(PostVersion)).one() == 1
        assert verify(s) is None
