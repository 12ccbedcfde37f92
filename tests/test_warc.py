"""Item B5: every response is kept as received, as WARC records (ISO 28500), each post pointing at its record
and its place in the body; the evidence pack carries those records; retention expires them with the text.

Real loopback server, real SQLite and PostgreSQL, and warcio (an independent WARC reader) on the files."""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import io
import json
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup
from lxml import etree
from sqlalchemy import Engine, update
from sqlmodel import Session, col, select
from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord

from monitor.collection.manual import ImportFailed, import_zeeschuimer, report_url
from monitor.collection.service import collect_pass
from monitor.collection.warc import WarcRecorder, created_at, warc_root
from monitor.db import session_scope
from monitor.models import Account, Post, PostVersion, Role, utcnow
from monitor.privacy.retention import purge_expired_text
from monitor.privacy.warc_retention import purge_expired_warcs
from monitor.review.cases import Viewer
from monitor.review.evidence.pack import build_evidence_pack
from scrapers.base import ScrapeConfig
from scrapers.capture import capture_of
from scrapers.http import PoliteClient
from scrapers.loopback import LoopbackServer
from tests.utils.factories import make_asn, make_case
from tests.utils.scrape_support import loopback_settings, register

ADMIN = Viewer(0, "pemeriksa@bawaslu.go.id", "Pemeriksa", Role.admin, None)
WARCIO = Path(sys.executable).with_name("warcio")


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


def posts_of(engine: Engine, account_id: int | None) -> list[Post]:
    with Session(engine) as session:
        return list(session.exec(select(Post).where(Post.account_id == account_id).order_by(col(Post.id))))


def record_at(path: Path, offset: int) -> tuple[ArcWarcRecord, bytes]:
    """The record at `offset` read by warcio, digests checked, with its content-decoded body."""
    with path.open("rb") as handle:
        handle.seek(offset)
        records = ArchiveIterator(handle, check_digests="raise")
        record = next(records)
        body = record.content_stream().read()
        records.read_to_end(record)
    return record, body


def located(body: bytes, locator: str) -> Any:
    """The item a locator names in a body: a JSON value, an XML element, or an HTML element."""
    kind, _, where = locator.partition(":")
    if kind == "json":
        value: Any = json.loads(body)
        for part in where.split("/")[1:]:
            key = part.replace("~1", "/").replace("~0", "~")
            value = value[int(key)] if isinstance(value, list) else value[key]
        return value
    if kind == "xpath":
        [element] = etree.fromstring(body).xpath(where)
        return element
    soup = BeautifulSoup(body, "lxml")
    if kind == "css":
        [element] = soup.select(where)
        return element
    nth = int(kind.removeprefix("css-nth(").removesuffix(")"))
    return soup.select(where)[nth - 1]


def item_text(item: Any) -> str:
    if isinstance(item, dict):
        return json.dumps(item, ensure_ascii=False)
    if isinstance(item, etree._Element):
        return "".join(item.itertext())
    for br in item.find_all("br"):
        br.replace_with("\n")
    return str(item.get_text())


PLATFORMS = {
    "bluesky": "budi.bsky.social",
    "mastodon": "budi@mastodon.test",
    "telegram": "dinascontoh",
    "rss": "berita",
    "youtube": "UCkanal",
    "x": "budi_asn",
    "html": "berita-dinas",
}


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
def test_every_post_points_at_the_response_as_received(
    sqlite_engine: Engine, server: LoopbackServer, tmp_path: Path, platform: str
) -> None:
    fake = server.world.add_account(platform, PLATFORMS[platform], posts=7)
    registered = register(sqlite_engine, server, fake)
    before = utcnow()
    summary = collect_pass(sqlite_engine, loopback_settings(server, tmp_path))
    assert summary.accounts_ok == 1 and summary.posts_new == 7, summary.errors
    root = warc_root(tmp_path)
    auth = {"Authorization": f"Bearer {server.world.bearer_token}"}
    for post in posts_of(sqlite_engine, registered.id):
        assert post.warc_file and post.warc_offset is not None and post.warc_locator, post.platform_post_id
        record, body = record_at(root / post.warc_file, post.warc_offset)
        assert record.rec_headers.get_header("WARC-Type") == "response"
        assert record.rec_headers.get_header("WARC-Record-ID") == post.warc_record_id
        assert record.rec_headers.get_header("WARC-Target-URI") == post.request_url
        assert record.http_headers.get_statuscode() == str(post.http_status) == "200"
        assert record.http_headers.get_header("Content-Type")
        assert before.isoformat()[:10] <= record.rec_headers.get_header("WARC-Date")[:10]
        assert hashlib.sha256(body).hexdigest() == post.body_sha256
        # The very bytes the platform sends for that request, not a re-serialisation.
        assert body == httpx.get(post.request_url, headers=auth).content
        item = located(body, post.warc_locator)
        if isinstance(item, dict):
            assert json.dumps(item, ensure_ascii=False, separators=(",", ":")) == post.raw_payload
        assert " ".join((post.text or "").split()[:4]) in " ".join(item_text(item).split())


async def test_a_compressed_chunked_response_is_archived_as_sent(tmp_path: Path) -> None:
    """The body as the server sent it (gzip kept), the headers as received but the hop-by-hop
    Transfer-Encoding, which the client undid and the record says so; the hash is of the decoded body."""
    document = json.dumps({"feed": [{"text": "Dukung nomor 2 ya"}]}).encode()
    compressed = gzip.compress(document)

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
            b"Transfer-Encoding: chunked\r\nX-Trace: a\r\nX-Trace: b\r\n\r\n"
            + f"{len(compressed):x}\r\n".encode()
            + compressed
            + b"\r\n0\r\n\r\n"
        )
        await writer.drain()
        writer.close()

    listener = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    config = ScrapeConfig(requests_per_second_per_host=0, max_retries=0, timeout_s=2)
    with WarcRecorder(tmp_path) as recorder:
        async with listener, PoliteClient(config, recorder=recorder) as polite:
            response = await polite.get(f"http://127.0.0.1:{port}/feed?page=1")
    assert response.json() == {"feed": [{"text": "Dukung nomor 2 ya"}]}
    ref = capture_of(response)
    assert ref is not None and ref.body_sha256 == hashlib.sha256(document).hexdigest()
    with (tmp_path / ref.warc_file).open("rb") as handle:
        handle.seek(ref.offset)
        record = next(ArchiveIterator(handle))
        assert record.raw_stream.read() == compressed  # the payload as it arrived
    decoded = record_at(tmp_path / ref.warc_file, ref.offset)[1]
    assert decoded == document
    http = record.http_headers
    assert http.get_header("Content-Encoding") == "gzip" and http.get_header("Transfer-Encoding") is None
    assert [v for k, v in http.headers if k == "X-Trace"] == ["a", "b"]
    assert record.rec_headers.get_header("Netra-Transfer-Decoded") == "chunked"
    assert record.rec_headers.get_header("WARC-Payload-Digest").startswith("sha256:")


async def test_every_response_is_archived_retried_ones_too(server: LoopbackServer, tmp_path: Path) -> None:
    server.world.add_fault("500", "/robots.txt")
    config = ScrapeConfig(requests_per_second_per_host=0, max_retries=2, backoff_base_s=0.01, timeout_s=2)
    with WarcRecorder(tmp_path) as recorder:
        async with PoliteClient(config, recorder=recorder) as polite:
            assert (await polite.get(f"{server.url}/robots.txt")).status_code == 200
    [path] = tmp_path.rglob("*.warc.gz")
    with path.open("rb") as handle:
        kinds = [
            (r.rec_type, r.http_headers.get_statuscode() if r.http_headers else None) for r in ArchiveIterator(handle)
        ]
    assert kinds == [("warcinfo", None), ("response", "500"), ("response", "200")]


def test_a_response_that_cannot_be_archived_stores_nothing(
    sqlite_engine: Engine, server: LoopbackServer, tmp_path: Path
) -> None:
    """No post is stored without its record: the account fails, keeps its cursor, and the next pass
    (once the archive is writable) stores everything with its record."""
    registered = register(sqlite_engine, server, server.world.add_account("bluesky", "budi.bsky.social", posts=3))
    settings = loopback_settings(server, tmp_path)
    warc_root(tmp_path).write_text("not a directory")
    failed = collect_pass(sqlite_engine, settings)
    assert failed.accounts_failed == 1 and failed.posts_new == 0
    with Session(sqlite_engine) as session:
        account = session.get(Account, registered.id)
        assert account is not None and account.last_status == "error" and account.cursor is None
        assert "could not archive the response" in (account.last_error or "")
    assert posts_of(sqlite_engine, registered.id) == []
    warc_root(tmp_path).unlink()
    assert collect_pass(sqlite_engine, settings).posts_new == 3
    assert all(p.warc_record_id for p in posts_of(sqlite_engine, registered.id))


def test_an_edit_keeps_the_record_of_each_version(
    sqlite_engine: Engine, server: LoopbackServer, tmp_path: Path
) -> None:
    fake = server.world.add_account("mastodon", "budi@mastodon.test", posts=3)
    registered = register(sqlite_engine, server, fake)
    settings = loopback_settings(server, tmp_path)
    collect_pass(sqlite_engine, settings)
    old_text = fake.posts[1].text
    server.world.edit(fake.posts[1], "Pilih nomor 2, jangan lupa")
    assert collect_pass(sqlite_engine, settings).posts_changed == 1
    root = warc_root(tmp_path)
    with Session(sqlite_engine) as session:
        post = session.exec(select(Post).where(Post.text == "Pilih nomor 2, jangan lupa")).one()
        version = session.exec(select(PostVersion).where(PostVersion.post_id == post.id)).one()
    assert post.account_id == registered.id and post.warc_record_id != version.warc_record_id
    for row, text in ((version, old_text), (post, "Pilih nomor 2, jangan lupa")):
        assert row.warc_file and row.warc_offset is not None and row.warc_locator
        _, body = record_at(root / row.warc_file, row.warc_offset)
        assert hashlib.sha256(body).hexdigest() == row.body_sha256
        assert text in item_text(located(body, row.warc_locator))


def test_a_manual_report_points_at_the_page_as_received(
    sqlite_engine: Engine, server: LoopbackServer, tmp_path: Path
) -> None:
    server.world.add_account("html", "berita-dinas", posts=1)
    with session_scope(sqlite_engine) as session:
        nip = make_asn(session).nip
    url = f"{server.url}/pages/berita-dinas"
    _, reported = report_url(sqlite_engine, url, nip, loopback_settings(server, tmp_path))
    assert reported.capture is not None and reported.locator is None  # the whole page is the item
    with Session(sqlite_engine) as session:
        post = session.exec(select(Post).where(Post.platform == "manual")).one()
    _, body = record_at(warc_root(tmp_path) / (post.warc_file or ""), post.warc_offset or 0)
    assert body == httpx.get(url).content and hashlib.sha256(body).hexdigest() == post.body_sha256


def test_a_zeeschuimer_import_points_at_each_line_as_received(sqlite_engine: Engine, tmp_path: Path) -> None:
    """An import has no HTTP response: each stored item's line of the export is archived byte for byte as a
    WARC `resource` record naming the file, the line and the file's SHA-256; lines of people who are not
    registered are not archived."""
    export = Path(__file__).parent / "fixtures" / "platforms" / "zeeschuimer" / "export.ndjson"
    with session_scope(sqlite_engine) as session:
        asn = make_asn(session)
        for platform, handle in (("instagram", "budi.asn"), ("tiktok", "siti_asn")):
            session.add(Account(asn_id=asn.id, platform=platform, handle=handle))  # type: ignore[arg-type]
    report = import_zeeschuimer(sqlite_engine, export, warc_root(tmp_path))
    assert report.stored_new == 2 and report.lines > 2
    lines = export.read_bytes().splitlines(keepends=True)
    with Session(sqlite_engine) as session:
        posts = list(session.exec(select(Post)))
    assert len(posts) == 2
    for post in posts:
        assert post.warc_file and post.warc_offset is not None and post.warc_locator is None  # the whole line
        record, body = record_at(warc_root(tmp_path) / post.warc_file, post.warc_offset)
        headers = record.rec_headers
        line = int(headers.get_header("Netra-Source-Line"))
        assert record.rec_type == "resource" and body == lines[line - 1]  # the line as received
        assert post.platform_post_id in body.decode() and hashlib.sha256(body).hexdigest() == post.body_sha256
        assert headers.get_header("Netra-Source-Name") == "export.ndjson"
        assert headers.get_header("Netra-Source-Sha256") == hashlib.sha256(export.read_bytes()).hexdigest()
    files = {p.warc_file for p in posts}
    with (warc_root(tmp_path) / files.pop()).open("rb") as handle:  # only the two stored lines are archived
        assert [r.rec_type for r in ArchiveIterator(handle)] == ["warcinfo", "resource", "resource"]
    assert subprocess.run([WARCIO, "check", str(warc_root(tmp_path) / posts[0].warc_file)]).returncode == 0


def test_an_import_whose_file_cannot_be_archived_stores_nothing(sqlite_engine: Engine, tmp_path: Path) -> None:
    export = Path(__file__).parent / "fixtures" / "platforms" / "zeeschuimer" / "export.ndjson"
    with session_scope(sqlite_engine) as session:
        session.add(Account(asn_id=make_asn(session).id, platform="instagram", handle="budi.asn"))  # type: ignore[arg-type]
    warc_root(tmp_path).write_text("not a directory")
    with pytest.raises(ImportFailed, match=r"could not archive export\.ndjson"):
        import_zeeschuimer(sqlite_engine, export, warc_root(tmp_path))
    with Session(sqlite_engine) as session:
        assert session.exec(select(Post)).all() == []


def _pack(engine: Engine, case_id: int, root: Path) -> zipfile.ZipFile:
    with Session(engine) as session:
        pack, digest = build_evidence_pack(session, ADMIN, case_id, warc_dir=root)
    assert hashlib.sha256(pack).hexdigest() == digest
    return zipfile.ZipFile(io.BytesIO(pack))


def test_the_evidence_pack_carries_the_records_of_the_case(
    engine: Engine, server: LoopbackServer, tmp_path: Path
) -> None:
    """Read back with warcio: each record in the pack's WARC has the body SHA-256 its post recorded, and the
    post's text (current and earlier versions) is in the body where the locator says. `warcio check` and
    `warcio index` open it; the manifest lists it; the same case gives the same bytes."""
    fake = server.world.add_account("telegram", "dinascontoh", posts=4)
    register(engine, server, fake)
    settings = loopback_settings(server, tmp_path)
    collect_pass(engine, settings)
    first_text = fake.posts[2].text
    server.world.edit(fake.posts[2], "Ayo dukung paslon nomor 1!")
    collect_pass(engine, settings)
    with session_scope(engine) as session:
        post = session.exec(select(Post).where(Post.text == "Ayo dukung paslon nomor 1!")).one()
        case_id = make_case(session, post).id
        assert case_id is not None
    root = warc_root(tmp_path)
    archive = _pack(engine, case_id, root)
    prefix = f"kasus-{case_id}"
    index = json.loads(archive.read(f"{prefix}/warc/index.json"))
    post_json = json.loads(archive.read(f"{prefix}/posts/{post.id}/post.json"))
    warc_bytes = archive.read(f"{prefix}/warc/records.warc.gz")
    manifest = archive.read(f"{prefix}/manifest.sha256").decode()
    assert f"{hashlib.sha256(warc_bytes).hexdigest()}  warc/records.warc.gz" in manifest
    assert [(e["post_id"], e["version"], e["status"]) for e in index] == [(post.id, 1, "ok"), (post.id, 2, "ok")]
    pack_warc = tmp_path / "pack.warc.gz"
    pack_warc.write_bytes(warc_bytes)
    for entry, text in zip(index, (first_text, "Ayo dukung paslon nomor 1!"), strict=True):
        record, body = record_at(pack_warc, entry["pack_offset"])
        assert record.rec_headers.get_header("WARC-Record-ID") == entry["record_id"]
        assert hashlib.sha256(body).hexdigest() == entry["body_sha256"]
        assert text in item_text(located(body, entry["locator"]))
    assert (index[1]["record_id"], index[1]["body_sha256"]) == (post_json["warc_record_id"], post_json["body_sha256"])
    assert subprocess.run([WARCIO, "check", str(pack_warc)], capture_output=True).returncode == 0
    listed = subprocess.run([WARCIO, "index", str(pack_warc)], capture_output=True, text=True, check=True).stdout
    assert [json.loads(line)["offset"] for line in listed.splitlines()] == [str(e["pack_offset"]) for e in index]
    assert _pack(engine, case_id, root).read(f"{prefix}/warc/records.warc.gz") == warc_bytes


def test_a_pack_says_which_record_is_missing(sqlite_engine: Engine, server: LoopbackServer, tmp_path: Path) -> None:
    register(sqlite_engine, server, server.world.add_account("bluesky", "budi.bsky.social", posts=2))
    collect_pass(sqlite_engine, loopback_settings(server, tmp_path))
    with session_scope(sqlite_engine) as session:
        post = session.exec(select(Post)).first()
        assert post is not None
        case_id = make_case(session, post).id
        assert case_id is not None
    (warc_root(tmp_path) / (post.warc_file or "")).unlink()
    archive = _pack(sqlite_engine, case_id, warc_root(tmp_path))
    [entry] = json.loads(archive.read(f"kasus-{case_id}/warc/index.json"))
    assert entry["status"].startswith("missing:") and entry["record_id"] == post.warc_record_id
    assert f"kasus-{case_id}/warc/records.warc.gz" not in archive.namelist()


def test_retention_keeps_only_the_records_a_case_needs(engine: Engine, server: LoopbackServer, tmp_path: Path) -> None:
    """After the window, records no unpurged post points at go (page files compacted, empty ones deleted);
    the case's record stays, byte for byte, where its post now points; purged posts keep id and hash."""
    fake = server.world.add_account("bluesky", "budi.bsky.social", posts=12)  # 3 pages of 5, and a profile
    registered = register(engine, server, fake)
    settings = loopback_settings(server, tmp_path)
    collect_pass(engine, settings)
    root = warc_root(tmp_path)
    [original] = root.rglob("*.warc.gz")
    posts = posts_of(engine, registered.id)
    kept = posts[0]
    with session_scope(engine) as session:
        session.execute(update(Post).values(scored_version="test-v1"))
        make_case(session, session.get(Post, kept.id))
    started = created_at(original.name)
    assert started is not None
    later = started + timedelta(days=settings.retention_days, hours=1)
    assert purge_expired_warcs(engine, settings, now=utcnow()).warc_files_compacted == 0  # inside the window
    assert purge_expired_text(engine, settings, now=later).posts == 11
    member = _member(root, kept)
    summary = purge_expired_warcs(engine, settings, now=later)
    assert (summary.warc_files_compacted, summary.warc_files_deleted) == (1, 0) and summary.warc_bytes_freed > 0
    assert not original.exists()
    after = {p.id: p for p in posts_of(engine, registered.id)}
    same_page = [p for p in posts if (p.warc_offset, p.warc_file) == (kept.warc_offset, kept.warc_file)]
    assert len(same_page) == 5
    for post in posts:
        now = after[post.id]
        assert now.warc_record_id == post.warc_record_id and now.body_sha256 == post.body_sha256
        if post in same_page:
            assert _member(root, now) == member  # copied byte for byte
        else:
            assert (now.warc_file, now.warc_offset, now.warc_length) == (None, None, None)
    with (root / (after[kept.id].warc_file or "")).open("rb") as handle:
        assert [r.rec_type for r in ArchiveIterator(handle, check_digests="raise")] == ["warcinfo", "response"]
    again = purge_expired_warcs(engine, settings, now=later)
    assert (again.warc_files_compacted, again.warc_files_deleted) == (0, 0)
    with session_scope(engine) as session:  # the case's post purged too: nothing needs the file any more
        session.execute(update(Post).values(text_purged_at=later))
    assert purge_expired_warcs(engine, settings, now=later).warc_files_deleted == 1
    assert list(root.iterdir()) == []  # empty day folders go too
    assert all(p.warc_file is None and p.warc_record_id for p in posts_of(engine, registered.id))


def _member(root: Path, post: Post) -> bytes:
    with (root / (post.warc_file or "")).open("rb") as handle:
        handle.seek(post.warc_offset or 0)
        return handle.read(post.warc_length or 0)
