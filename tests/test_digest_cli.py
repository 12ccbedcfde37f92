"""`netra digest send` and `netra digest preview` as a user runs them, against a loopback SMTP server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session

from monitor.db import make_engine, upgrade
from monitor.digest import IsoWeek
from tests.conftest import sqlite_url
from tests.utils.cli import netra
from tests.utils.factories import make_account, make_agency, make_asn, make_case, make_post, make_user
from tests.utils.smtp import SmtpServer


def count(stdout: str, label: str) -> int:
    """The number in the summary table's row `label`."""
    for line in stdout.splitlines():
        cells = [c.strip() for c in line.strip("│┃ ").split("│")]
        if len(cells) == 2 and cells[0] == label:
            return int(cells[1])
    raise AssertionError(f"no row {label!r} in:\n{stdout}")


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    engine = make_engine(sqlite_url(tmp_path))
    upgrade(engine)
    start, _ = IsoWeek.parse("2024-W47").bounds("Asia/Jakarta")
    with Session(engine) as s:
        agency = make_agency(s, name="Dinas Kesehatan")
        account = make_account(s, make_asn(s, agency, name="Siti Rahma"))
        make_case(
            s, make_post(s, account), detected_at=start + timedelta(days=2), deadline=datetime(2099, 1, 1, tzinfo=UTC)
        )
        make_user(s, email="sup@example.go.id", agency_id=agency.id)
        make_user(s, email="audit@example.go.id", role="auditor", agency_id=agency.id)
        s.commit()
    engine.dispose()
    return tmp_path


def test_preview_prints_text_and_writes_html_without_sending(data_dir: Path, smtp: SmtpServer) -> None:
    out = data_dir / "digest.html"
    env = {"NETRA_SMTP__PORT": str(smtp.port)}
    result = netra(
        "digest",
        "preview",
        "--user",
        "SUP@example.go.id",
        "--week",
        "2024-W47",
        "--out",
        str(out),
        data_dir=data_dir,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "Subject: Netra 2024-W47: 1 kasus baru" in result.stdout
    assert "Siti Rahma" in result.stdout
    assert "Siti Rahma" in out.read_text(encoding="utf-8") and out.read_text().startswith("<!DOCTYPE html>")
    assert smtp.messages == []
    # nothing was recorded either: a real send afterwards still delivers
    sent = netra("digest", "send", "--week", "2024-W47", data_dir=data_dir, env=env)
    assert sent.returncode == 0, sent.stderr
    assert [m["To"] for m in smtp.messages] == ["sup@example.go.id"]


def test_send_twice_sends_once(data_dir: Path, smtp: SmtpServer) -> None:
    env = {"NETRA_SMTP__PORT": str(smtp.port), "NETRA_BASE_URL": "https://netra.example.id"}
    first = netra("digest", "send", "--week", "2024-W47", data_dir=data_dir, env=env)
    second = netra("digest", "send", "--week", "2024-W47", data_dir=data_dir, env=env)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert count(first.stdout, "sent") == 1 and count(second.stdout, "sent") == 0
    assert count(second.stdout, "already sent, or not due for a retry yet") == 1
    (msg,) = smtp.messages
    assert "https://netra.example.id/cases/1" in msg.get_body(("plain",)).get_content()


def test_send_with_smtp_down_exits_non_zero_and_names_the_error(data_dir: Path, smtp: SmtpServer) -> None:
    smtp.stop()
    result = netra(
        "digest",
        "send",
        "--week",
        "2024-W47",
        data_dir=data_dir,
        env={"NETRA_SMTP__PORT": str(smtp.port), "NETRA_SMTP__TIMEOUT_S": "3"},
    )
    assert result.returncode == 1
    assert "cannot use SMTP server 127.0.0.1" in result.stderr
    assert count(result.stdout, "failed for now, retried later") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["preview", "--user", "sup@example.go.id", "--week", "2024-47"], "write it like 2024-W47"),
        (["send", "--week", "2023-W53"], "2023 has weeks 1 to 52"),
        (["preview", "--user", "nobody@example.go.id"], "no user with email 'nobody@example.go.id'"),
        (["preview", "--user", "audit@example.go.id"], "gets no digest: the user is an auditor"),
    ],
)
def test_bad_input_gets_a_clear_error(data_dir: Path, args: list[str], message: str) -> None:
    result = netra("digest", *args, data_dir=data_dir)
    assert result.returncode == 2
    assert message in " ".join(result.stderr.split())


def test_help() -> None:
    result = netra("digest", "--help", data_dir=Path("/nonexistent"))
    assert result.returncode == 0 and "send" in result.stdout and "preview" in result.stdout


def test_failed_digest_can_be_retried_after_the_address_is_fixed(data_dir: Path, smtp: SmtpServer) -> None:
    env = {"NETRA_SMTP__PORT": str(smtp.port)}
    smtp.handler.reject.add("sup@example.go.id")
    failed = netra("digest", "send", "--week", "2024-W47", data_dir=data_dir, env=env)
    assert failed.returncode == 1
    assert "550 5.1.1 <sup@example.go.id>: mailbox does not exist" in " ".join(failed.stderr.split())

    smtp.handler.reject.clear()  # the mailbox exists now
    plain = netra("digest", "retry", data_dir=data_dir, env=env)
    assert plain.returncode == 0 and smtp.messages == []  # a permanent failure is not retried by itself
    retried = netra("digest", "retry", "--user", "sup@example.go.id", "--week", "2024-W47", data_dir=data_dir, env=env)
    assert retried.returncode == 0, retried.stderr
    assert [m["To"] for m in smtp.messages] == ["sup@example.go.id"]

    again = netra("digest", "retry", "--user", "sup@example.go.id", "--week", "2024-W47", data_dir=data_dir, env=env)
    assert again.returncode == 2 and "has no unsent digest for 2024-W47" in again.stderr


def test_quiet_week_mail_can_be_switched_on(data_dir: Path, smtp: SmtpServer) -> None:
    env = {"NETRA_SMTP__PORT": str(smtp.port)}
    quiet = netra("digest", "send", "--week", "2024-W40", data_dir=data_dir, env=env)  # no cases that week
    assert count(quiet.stdout, "nothing new (not opted in)") == 1 and smtp.messages == []

    on = netra("digest", "when-empty", "--user", "sup@example.go.id", "--on", data_dir=data_dir)
    assert on.returncode == 0 and "will get a digest in weeks without new cases" in on.stdout
    netra("digest", "send", "--week", "2024-W40", data_dir=data_dir, env=env)
    (msg,) = smtp.messages
    assert msg["Subject"] == "Netra 2024-W40: tidak ada kasus baru"

    unknown = netra("digest", "when-empty", "--user", "x@example.go.id", "--off", data_dir=data_dir)
    assert unknown.returncode == 2 and "no user with email 'x@example.go.id'" in unknown.stderr
