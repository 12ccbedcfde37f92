"""The weekly send against a real SMTP server on loopback, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import Engine, text
from sqlmodel import Session, select

from monitor.audit import record
from monitor.audit_check import check_audit_log
from monitor.audit_checkpoints import Checkpoint, read_key
from monitor.config import DigestSettings, Settings, SmtpSettings
from monitor.digest import IsoWeek, digest_problems, retry_due_digests, send_weekly_digests
from monitor.models import CasePost, DigestDelivery, User
from tests.utils.concurrency import run_concurrently
from tests.utils.factories import make_account, make_agency, make_asn, make_case, make_post, make_user
from tests.utils.smtp import SmtpServer

WEEK = IsoWeek.parse("2024-W47")  # Monday 18 - Sunday 24 November 2024
NOW = datetime(2024, 11, 25, 0, 0, tzinfo=UTC)  # Monday 25 November, 07:00 WIB
BASE = "https://netra.example.id"


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each run writes an audit checkpoint (and the key, the first time) under the data directory."""
    monkeypatch.setenv("NETRA_DATA_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def make_settings(smtp: SmtpServer, **digest: object) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        base_url=BASE,
        smtp=SmtpSettings(port=smtp.port, from_address="Netra <netra@bawaslu.example.id>", timeout_s=5),
        digest=DigestSettings(**digest),  # type: ignore[arg-type]
    )


@dataclass
class World:
    sup_a: str
    sup_b: str
    admin: str
    auditor: str
    inactive: str
    cases: dict[str, int]


def in_week(days: float, hours: float = 3) -> datetime:
    start, _ = WEEK.bounds("Asia/Jakarta")
    return start + timedelta(days=days, hours=hours)


@pytest.fixture
def world(engine: Engine) -> World:
    """Two agencies with cases this week, last week and earlier, and one user of each kind."""
    with Session(engine) as s:
        a = make_agency(s, name="Dinas Kesehatan")
        b = make_agency(s, name="Dinas Pendidikan")
        a1 = make_account(s, make_asn(s, a, name="Siti Rahma", unit="Bidang P2P"))
        a2 = make_account(s, make_asn(s, a, name="Agus Salim", unit="Sekretariat"))
        b1 = make_account(s, make_asn(s, b, name="<script>alert(1)</script>", unit="Bidang SD"))
        cases = {
            "a_reposted": make_case(s, make_post(s, a1), detected_at=in_week(2), deadline=NOW + timedelta(days=5)),
            "a_attack": make_case(
                s, make_post(s, a1), detected_at=in_week(3), deadline=NOW + timedelta(days=6), label="serangan"
            ),
            "a_confirmed": make_case(
                s, make_post(s, a2), detected_at=in_week(4), deadline=NOW - timedelta(days=1), status="confirmed"
            ),
            "a_overdue_old": make_case(s, make_post(s, a2), detected_at=in_week(-14), deadline=NOW - timedelta(days=3)),
            "a_last_week": make_case(s, make_post(s, a1), detected_at=in_week(-5), status="dismissed"),
            "b_due_soon": make_case(s, make_post(s, b1), detected_at=in_week(5), deadline=NOW + timedelta(days=1)),
        }
        for _ in range(2):  # two reposts of the same original joined the case
            repost = make_post(s, a1, kind="repost")
            s.add(CasePost(case_id=cases["a_reposted"].id, post_id=repost.id))
        sup_a = make_user(s, email="sup.a@example.go.id", name="Ibu Ani", agency_id=a.id)
        sup_b = make_user(s, email="sup.b@example.go.id", agency_id=b.id)
        admin = make_user(s, email="admin@example.go.id", role="admin")
        auditor = make_user(s, email="auditor@example.go.id", role="auditor", agency_id=a.id)
        inactive = make_user(s, email="gone@example.go.id", agency_id=a.id, active=False)
        s.commit()
        return World(
            sup_a.email, sup_b.email, admin.email, auditor.email, inactive.email, {k: c.id for k, c in cases.items()}
        )


def case_links(msg: object) -> set[str]:
    html = msg.get_body(("html",)).get_content()  # type: ignore[attr-defined]
    return {a["href"] for a in BeautifulSoup(html, "html.parser").find_all("a") if "/cases/" in a["href"]}


def url(world: World, name: str) -> str:
    return f"{BASE}/cases/{world.cases[name]}"


def deliveries(engine: Engine) -> dict[tuple[str, str], DigestDelivery]:
    with Session(engine) as s:
        rows = s.exec(select(DigestDelivery, User.email).join(User)).all()
        return {(email, d.week): d for d, email in rows}


def test_each_role_gets_its_own_scope(engine: Engine, world: World, smtp: SmtpServer) -> None:
    summary = send_weekly_digests(engine, make_settings(smtp), week=WEEK, now=NOW)

    assert (summary.sent, summary.failed, summary.retry_later) == (3, 0, 0)
    assert sorted(m["To"] for m in smtp.messages) == sorted([world.sup_a, world.sup_b, world.admin])
    (a,) = smtp.handler.to(world.sup_a)
    assert case_links(a) == {url(world, n) for n in ("a_reposted", "a_attack", "a_confirmed", "a_overdue_old")}
    assert a["Subject"] == "Netra 2024-W47: 3 kasus baru, 1 perlu segera ditangani"
    text = a.get_body(("plain",)).get_content()
    assert "Yth. Ibu Ani" in text and "Dinas Kesehatan" in text and "Dinas Pendidikan" not in text
    assert "naik 2 dari minggu sebelumnya (1 → 3)" in text
    assert "+2 unggahan ulang" in text
    assert text.count(url(world, "a_reposted")) == 1  # reposts collapsed into their case
    # Overdue first, then the week's other cases by unit and ASN.
    assert text.index(url(world, "a_overdue_old")) < text.index("== Bidang P2P ==") < text.index("== Sekretariat ==")
    assert "TERLAMBAT 3 HARI" in text
    assert "Menurut label: Dukungan 2, Serangan 1" in text

    (b,) = smtp.handler.to(world.sup_b)
    assert case_links(b) == {url(world, "b_due_soon")}
    assert "JATUH TEMPO DALAM 1 HARI" in b.get_body(("plain",)).get_content()

    (adm,) = smtp.handler.to(world.admin)
    admin_text = adm.get_body(("plain",)).get_content()
    assert "Semua instansi" in admin_text
    assert "- Dinas Kesehatan: 3 / 1 / 1" in admin_text and "Dinas Pendidikan: 1 / 0 / 1" in admin_text
    assert case_links(adm) == {url(world, "a_overdue_old"), url(world, "b_due_soon")}  # summary: urgent only


def test_mail_is_multipart_alternative_and_escapes_names(engine: Engine, world: World, smtp: SmtpServer) -> None:
    send_weekly_digests(engine, make_settings(smtp), week=WEEK, now=NOW)

    (msg,) = smtp.handler.to(world.sup_b)
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert msg["From"] == "Netra <netra@bawaslu.example.id>"
    assert msg["Message-ID"].startswith("<digest-2024-W47-")
    html = msg.get_body(("html",)).get_content()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<html lang="id">' in html


def test_rerun_sends_nothing_twice(engine: Engine, world: World, smtp: SmtpServer) -> None:
    settings = make_settings(smtp)
    send_weekly_digests(engine, settings, week=WEEK, now=NOW)
    again = send_weekly_digests(engine, settings, week=WEEK, now=NOW + timedelta(hours=3))

    assert (again.sent, again.already_handled) == (0, 3)
    assert len(smtp.messages) == 3
    rows = deliveries(engine)
    assert {k[0] for k in rows} == {world.sup_a, world.sup_b, world.admin}
    assert all(d.status == "sent" and d.attempts == 1 and d.sent_at is not None for d in rows.values())


def test_concurrent_runners_send_each_digest_once(engine: Engine, world: World, smtp: SmtpServer) -> None:
    settings = make_settings(smtp)
    results, errors = run_concurrently(lambda: send_weekly_digests(engine, settings, week=WEEK, now=NOW), 3)

    assert errors == []
    assert len(results) == 3
    assert sorted(m["To"] for m in smtp.messages) == sorted([world.sup_a, world.sup_b, world.admin])
    assert sum(r.sent for r in results) == 3


def test_smtp_down_then_up_delivers_once(engine: Engine, world: World, smtp: SmtpServer) -> None:
    settings = make_settings(smtp)
    smtp.stop()
    down = send_weekly_digests(engine, settings, week=WEEK, now=NOW)

    assert (down.sent, down.retry_later, down.failed) == (0, 3, 0)
    rows = deliveries(engine)
    assert all(d.status == "pending" and d.next_attempt_at == NOW + timedelta(minutes=5) for d in rows.values())
    assert all("cannot use SMTP server" in (d.last_error or "") for d in rows.values())

    smtp.start()
    early = retry_due_digests(engine, settings, now=NOW + timedelta(minutes=4))
    assert early.sent == 0 and smtp.messages == []  # backoff not over yet

    later = retry_due_digests(engine, settings, now=NOW + timedelta(minutes=6))
    assert later.sent == 3
    send_weekly_digests(engine, settings, week=WEEK, now=NOW + timedelta(hours=1))
    assert sorted(m["To"] for m in smtp.messages) == sorted([world.sup_a, world.sup_b, world.admin])
    assert all(d.status == "sent" for d in deliveries(engine).values())


def test_transient_failure_of_one_recipient_is_retried_without_stopping_others(
    engine: Engine, world: World, smtp: SmtpServer
) -> None:
    settings = make_settings(smtp)
    smtp.handler.defer.add(world.sup_a)
    first = send_weekly_digests(engine, settings, week=WEEK, now=NOW)

    assert (first.sent, first.retry_later) == (2, 1)
    row = deliveries(engine)[(world.sup_a, "2024-W47")]
    assert row.status == "pending" and row.attempts == 1 and "421" in (row.last_error or "")
    assert row.next_attempt_at == NOW + timedelta(minutes=5)

    second = send_weekly_digests(engine, settings, week=WEEK, now=NOW + timedelta(minutes=6))  # still 421
    assert second.retry_later == 1
    row = deliveries(engine)[(world.sup_a, "2024-W47")]
    assert row.attempts == 2 and row.next_attempt_at == NOW + timedelta(minutes=6 + 10)  # backoff doubled

    smtp.handler.defer.clear()
    # The next Monday's run sends the new week and retries last week's failure on the way.
    next_week = send_weekly_digests(engine, settings, now=NOW + timedelta(days=7))
    assert next_week.week == "2024-W48"
    weeks = sorted(m["Subject"].split(":")[0] for m in smtp.handler.to(world.sup_a))
    assert weeks == ["Netra 2024-W47", "Netra 2024-W48"]
    assert deliveries(engine)[(world.sup_a, "2024-W47")].status == "sent"


def test_bad_address_is_recorded_and_others_delivered(engine: Engine, world: World, smtp: SmtpServer) -> None:
    settings = make_settings(smtp)
    smtp.handler.reject.add(world.sup_b)
    summary = send_weekly_digests(engine, settings, week=WEEK, now=NOW)

    assert (summary.sent, summary.failed) == (2, 1)
    assert sorted(m["To"] for m in smtp.messages) == sorted([world.sup_a, world.admin])
    row = deliveries(engine)[(world.sup_b, "2024-W47")]
    assert row.status == "failed" and "550" in (row.last_error or "")
    with Session(engine) as s:
        (problem,) = digest_problems(s)
    assert (problem.email, problem.week) == (world.sup_b, "2024-W47") and "mailbox does not exist" in problem.error

    smtp.handler.reject.clear()
    later = send_weekly_digests(engine, settings, week=WEEK, now=NOW + timedelta(days=1))
    assert later.sent == 0 and len(smtp.messages) == 2  # a permanent failure is not retried by itself


def test_gives_up_after_max_attempts(engine: Engine, world: World, smtp: SmtpServer) -> None:
    settings = make_settings(smtp, max_attempts=2)
    smtp.handler.defer.add(world.sup_b)
    send_weekly_digests(engine, settings, week=WEEK, now=NOW)
    send_weekly_digests(engine, settings, week=WEEK, now=NOW + timedelta(hours=1))

    row = deliveries(engine)[(world.sup_b, "2024-W47")]
    assert row.status == "failed" and row.attempts == 2 and "gave up after 2 attempts" in (row.last_error or "")
    with Session(engine) as s:
        assert [p.email for p in digest_problems(s)] == [world.sup_b]


def test_empty_week_mail_only_for_those_who_opted_in(engine: Engine, smtp: SmtpServer) -> None:
    with Session(engine) as s:
        quiet = make_agency(s, name="Dinas Tenang")
        make_user(s, email="wants@example.go.id", agency_id=quiet.id, digest_when_empty=True)
        make_user(s, email="skips@example.go.id", agency_id=quiet.id)
        s.commit()
    summary = send_weekly_digests(engine, make_settings(smtp), week=WEEK, now=NOW)

    assert (summary.sent, summary.empty_not_sent) == (1, 1)
    (msg,) = smtp.messages
    assert msg["To"] == "wants@example.go.id"
    assert msg["Subject"] == "Netra 2024-W47: tidak ada kasus baru"
    assert "Tidak ada kasus baru minggu ini" in msg.get_body(("plain",)).get_content()
    assert set(deliveries(engine)) == {("wants@example.go.id", "2024-W47")}


def test_retry_for_a_user_deactivated_meanwhile_is_dropped(engine: Engine, world: World, smtp: SmtpServer) -> None:
    settings = make_settings(smtp)
    smtp.handler.defer.add(world.sup_a)
    send_weekly_digests(engine, settings, week=WEEK, now=NOW)
    with Session(engine) as s:
        user = s.exec(select(User).where(User.email == world.sup_a)).one()
        user.active = False
        s.add(user)
        s.commit()
    smtp.handler.defer.clear()

    later = retry_due_digests(engine, settings, now=NOW + timedelta(hours=1))
    assert (later.sent, later.skipped) == (0, 1)
    assert smtp.handler.to(world.sup_a) == []
    row = deliveries(engine)[(world.sup_a, "2024-W47")]
    assert row.status == "skipped" and row.last_error == "recipient no longer receives digests"
    with Session(engine) as s:
        assert digest_problems(s) == []  # not a delivery problem


def test_every_mail_carries_a_signed_audit_checkpoint(
    engine: Engine, world: World, smtp: SmtpServer, data_dir: Path
) -> None:
    """A copy of the audit log's checkpoint leaves the server in every mail: even with the checkpoint file
    gone, the line in any recipient's mailbox proves that the newest entries were deleted."""
    with Session(engine) as s:
        for i in range(5):
            record(s, "admin@example.go.id", "case.dismiss", "case", i, {"reason": "r"})
        s.commit()
    settings = make_settings(smtp)
    send_weekly_digests(engine, settings, week=WEEK, now=NOW)

    lines = set()
    for msg in smtp.messages:
        body = msg.get_body(("plain",)).get_content()  # type: ignore[attr-defined]
        assert "Titik periksa log audit per" in body and "5 entri" in body
        lines |= {line for line in body.splitlines() if line.startswith('{"at":')}
        assert "Titik periksa log audit per" in msg.get_body(("html",)).get_content()  # type: ignore[attr-defined]
    (line,) = lines  # one checkpoint per run, the same in every mail
    checkpoint = Checkpoint.parse(line)
    assert checkpoint.count == 5 and checkpoint.signed_by(read_key(data_dir / "audit.key"))

    (data_dir / "audit-checkpoints.jsonl").unlink()
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM auditlog WHERE id IN (SELECT id FROM auditlog ORDER BY id DESC LIMIT 3)"))
    with Session(engine) as s:
        report = check_audit_log(s, Settings(_env_file=None), [line])  # type: ignore[call-arg]
    assert any("given checkpoint 1) recorded 5 entries, the log now holds 2" in p for p in report.problems)
