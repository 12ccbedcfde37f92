"""`netra collect`, `netra report` and `netra import-zeeschuimer` end to end, configured by environment."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from monitor.cli import app
from monitor.config import get_settings
from monitor.db import session_scope
from monitor.models import Account, Post
from scrapers.loopback import LoopbackServer
from tests.conftest import sqlite_url
from tests.utils.factories import make_account, make_asn
from tests.utils.scrape_support import FAST, register

FIXTURES = Path(__file__).parent / "fixtures" / "platforms"
runner = CliRunner()


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


@pytest.fixture
def configured(
    sqlite_engine: Engine, server: LoopbackServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Engine]:
    """The CLI reads its settings from the environment, as it would for a user."""
    monkeypatch.setenv("NETRA_DATABASE_URL", sqlite_url(tmp_path))
    monkeypatch.setenv("NETRA_DATA_DIR", str(tmp_path))  # the archive of responses goes there, not in ./netra-data
    monkeypatch.setenv("NETRA_SCRAPERS", json.dumps(server.scraper_settings() | FAST))
    get_settings.cache_clear()
    yield sqlite_engine
    get_settings.cache_clear()


def test_collect_prints_a_summary(configured: Engine, server: LoopbackServer) -> None:
    register(configured, server, server.world.add_account("bluesky", "budi.bsky.social", posts=3))
    register(configured, server, server.world.add_account("bluesky", "hilang.bsky.social", status="not_found"))
    result = runner.invoke(app, ["collect"])
    assert result.exit_code == 0, result.output
    assert "failed: not_found" in result.output and "3 new, 0 changed, 0 deleted" in result.output
    assert "bluesky hilang.bsky.social: not_found" in result.output  # stderr names the failing account
    again = runner.invoke(app, ["collect", "--platform", "bluesky"])
    assert "0 new, 0 changed, 0 deleted" in again.output


def test_collect_rejects_unknown_platform_and_bad_nip(configured: Engine) -> None:
    result = runner.invoke(app, ["collect", "--platform", "friendster"])
    assert result.exit_code == 2 and "Unknown platform" in result.output
    assert runner.invoke(app, ["collect", "--asn", "123"]).exit_code == 2


def test_report_stores_a_manual_post_with_evidence(configured: Engine, server: LoopbackServer) -> None:
    server.world.add_account("html", "berita-dinas", posts=1)
    with session_scope(configured) as session:
        nip = make_asn(session).nip
    url = f"{server.url}/pages/berita-dinas"
    result = runner.invoke(app, ["report", url, "--asn", nip])
    assert result.exit_code == 0, result.output
    assert "stored" in result.output
    with Session(configured) as session:
        post = session.exec(select(Post).where(Post.platform == "manual")).one()
        owner = session.get(Account, post.account_id)
    assert post.platform_post_id == url and post.http_status == 200 and "Kabar berita-dinas" in (post.text or "")
    assert "<article" in post.raw_payload and owner is not None and owner.handle == f"manual:{nip}"
    assert "already stored" in runner.invoke(app, ["report", url, "--asn", nip]).output


def test_report_with_unknown_nip_is_a_clear_error(configured: Engine, server: LoopbackServer) -> None:
    result = runner.invoke(app, ["report", f"{server.url}/pages/x", "--asn", "198503122010011999"])
    assert result.exit_code == 2 and "no ASN with NIP 198503122010011999" in result.output
    with Session(configured) as session:
        assert session.exec(select(Post)).all() == []


def test_import_zeeschuimer(configured: Engine) -> None:
    with session_scope(configured) as session:
        asn = make_asn(session)
        make_account(session, asn, platform="instagram", handle="budi.asn")
        make_account(session, asn, platform="tiktok", handle="siti_asn")
    result = runner.invoke(app, ["import-zeeschuimer", str(FIXTURES / "zeeschuimer/export.ndjson")])
    assert result.exit_code == 0, result.output
    assert "line 4 rejected" in result.output and "line 5 rejected" in result.output
    with Session(configured) as session:
        stored = {(p.platform, p.platform_post_id) for p in session.exec(select(Post))}
    assert stored == {("instagram", "3500000000000000001"), ("tiktok", "7400000000000000001")}
    again = runner.invoke(app, ["import-zeeschuimer", str(FIXTURES / "zeeschuimer/export.ndjson")])
    assert re.search(r"stored \(new\)\s+│\s+0\s", again.output), again.output
    with Session(configured) as session:
        assert len(session.exec(select(Post)).all()) == 2


def test_collect_names_odd_items_with_the_errors(configured: Engine, server: LoopbackServer) -> None:
    fake = server.world.add_account("bluesky", "ganjil.bsky.social", posts=2)
    server.world.add_post(fake, "Dukung\x00 nomor 2")
    register(configured, server, fake)
    result = runner.invoke(app, ["collect"])
    assert result.exit_code == 0, result.output
    assert "3 new" in result.output
    said = " ".join(result.output.split())  # the terminal wraps long lines
    assert re.search(r"bluesky ganjil\.bsky\.social: odd item post at://\S+: NUL characters removed from text", said)


def test_import_zeeschuimer_names_a_line_that_is_not_utf8(configured: Engine, tmp_path: Path) -> None:
    with session_scope(configured) as session:
        asn = make_asn(session)
        make_account(session, asn, platform="instagram", handle="budi.asn")
        make_account(session, asn, platform="tiktok", handle="siti_asn")
    lines = (FIXTURES / "zeeschuimer/export.ndjson").read_bytes().splitlines(keepends=True)
    item = json.loads(lines[2])
    item["data"]["desc"] = "Dukung Pak Dé!"
    lines[2] = json.dumps(item, ensure_ascii=False).encode("cp1252") + b"\r\n"  # an editor saved it so
    export = tmp_path / "export.ndjson"
    export.write_bytes(b"".join(lines))
    result = runner.invoke(app, ["import-zeeschuimer", str(export)])
    assert result.exit_code == 0 and result.exception is None, result.output
    said = " ".join(result.output.split())
    assert re.search(r"line 3 rejected: not UTF-8 text \(column \d+: byte 0xe9\)", said), said
    with Session(configured) as session:
        assert {p.platform_post_id for p in session.exec(select(Post))} == {"3500000000000000001"}
