"""F15: subject access. `netra asn export NIP` and the admin page's button export everything held on one NIP
(registry row, accounts, posts and versions, scores, cases, joined posts, reviewers' actions, forwarded
evidence packs, audit entries) as one ZIP with a README, Indonesian first; every export is audited; an
unknown NIP is a clear error. A table that references the ASN (or its posts, cases ...) is found from the
schema, so the export cannot forget it, and the README must describe it."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Column, Engine, ForeignKey, Integer, MetaData, Table
from sqlmodel import Session, SQLModel, col, select

from monitor.audit import record
from monitor.collection.service import collect_pass
from monitor.collection.warc import warc_root
from monitor.db import make_engine, upgrade
from monitor.models import Asn, AuditLog, Case, CasePost, ImportJob, Post, PostVersion, User
from monitor.privacy.subject_access import DESCRIPTIONS, SubjectError, export_asn, undescribed_tables
from monitor.privacy.subject_rows import tables_about_asn
from monitor.registry.accounts import change_account
from monitor.review import actions as act
from monitor.review.cases import Viewer
from monitor.review.evidence.forwarded import forward_with_pack
from scrapers.loopback import LoopbackServer
from tests.conftest import sqlite_url
from tests.utils.cli import netra
from tests.utils.factories import make_account, make_post, make_score
from tests.utils.review import World, csrf_of, login, make_client, seed_world
from tests.utils.scrape_support import loopback_settings, register


def _viewer(s: Session, email: str) -> Viewer:
    return Viewer.of(s.exec(select(User).where(User.email == email)).one())


def _enrich(world: World) -> str:
    """Give the ASN of the first DISDIK case a row in every table about an ASN; return its NIP."""
    with Session(world.engine, expire_on_commit=False) as s:
        case = s.get(Case, world.cases_a[0])
        assert case is not None
        asn = s.get(Asn, case.asn_id)
        post = s.get(Post, case.post_id)
        assert asn is not None and post is not None
        s.add(
            PostVersion(
                post_id=post.id,
                version=1,
                text="versi sebelum disunting",
                raw_payload='{"text": "versi sebelum disunting"}',
                payload_sha256="b" * 64,
                captured_at=datetime(2024, 11, 1, tzinfo=UTC),
            )
        )
        second = make_account(s, asn, platform="mastodon", handle="budi@kominfo.social")
        repost = make_post(s, second, kind="repost", text="dukung nomor 1")
        make_score(s, repost)
        s.add(CasePost(case_id=case.id, post_id=repost.id))
        s.commit()
        change_account(s, second.id, "verify", reason="dicek di kantor", actor="admin@example.go.id")
        for who in ("sup_a", "sup_a2"):
            act.confirm(s, _viewer(s, world.emails[who]), case.id, category="disiplin", reason="terbukti")  # type: ignore[arg-type]
        forward_with_pack(s, _viewer(s, world.emails["sup_a"]), case.id, target="bkn", reason="lapor")  # type: ignore[arg-type]
        s.commit()
        return asn.nip


def _files(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name.split("/", 1)[1]: archive.read(name) for name in archive.namelist()}


def test_every_table_about_an_asn_is_described() -> None:
    tables = {t.name for t in tables_about_asn(SQLModel.metadata)}
    # The tables that hold data about an ASN today; a new one is found from its foreign keys.
    assert {
        "asn",
        "account",
        "post",
        "postversion",
        "score",
        "case",
        "casepost",
        "reviewaction",
        "forwardedpack",
    } <= tables
    assert undescribed_tables() == [], "describe the new table in monitor.privacy.subject_access.DESCRIPTIONS"
    assert "loginsession" not in tables and "user" not in tables  # reviewers' data is not the ASN's


def test_a_new_table_referencing_posts_is_caught() -> None:
    """Someone adds a table pointing at posts (say, stored web-archive records): the export takes it, and the
    check fails until the README describes it."""
    metadata = MetaData()
    for table in SQLModel.metadata.sorted_tables:
        table.to_metadata(metadata)
    Table("warcrecord", metadata, Column("id", Integer, primary_key=True), Column("post_id", ForeignKey("post.id")))
    assert "warcrecord" in {t.name for t in tables_about_asn(metadata)}
    assert undescribed_tables(metadata) == ["warcrecord"]


def test_export_holds_every_row_about_the_nip_and_nothing_else(engine: Engine) -> None:
    world = seed_world(engine, n_cases=2)
    nip = _enrich(world)
    with Session(engine) as s:
        made = export_asn(s, f" {nip[:8]} {nip[8:]} ", actor="admin@example.go.id")  # spaces as people type them
        asn = s.exec(select(Asn).where(Asn.nip == nip)).one()
        other_cases = [c for c in world.cases_a[1:] + world.cases_b]
    files = _files(made.content)
    data = {name[5:-5]: json.loads(body) for name, body in files.items() if name.startswith("data/")}
    # Every table about an ASN has its file, and the world above gave each of them rows.
    for table in tables_about_asn(SQLModel.metadata):
        assert data.get(table.name), f"{table.name}: no rows exported"
    assert data["asn"][0]["nip"] == nip and data["agency"][0]["code"] == "DISDIK"
    assert {a["asn_id"] for a in data["account"]} == {asn.id} and len(data["account"]) == 2
    assert {p["asn_id"] for p in data["post"]} == {asn.id} and len(data["post"]) == 2
    assert {c["asn_id"] for c in data["case"]} == {asn.id} and world.cases_a[0] in {c["id"] for c in data["case"]}
    assert not {c["id"] for c in data["case"]} & set(other_cases)
    assert {r["case_id"] for r in data["reviewaction"]} == {world.cases_a[0]}
    assert [r["action"] for r in data["reviewaction"]] == ["confirm", "confirm", "forward"]
    assert data["postversion"][0]["text"] == "versi sebelum disunting"
    # The forwarded pack's bytes, exactly as forwarded: their SHA-256 is the one the audit log recorded.
    pack = data["forwardedpack"][0]
    attached = files[pack["content"]["file"]]
    assert hashlib.sha256(attached).hexdigest() == pack["sha256"]
    audit = data["auditlog"]
    actions = {(e["action"], e["object_type"]) for e in audit}
    assert {("case.confirm", "case"), ("case.forward", "case"), ("account.verify", "account")} <= actions
    forward = next(e for e in audit if e["action"] == "case.forward")
    assert forward["details"]["evidence_pack_sha256"] == pack["sha256"]
    assert all(e["object_id"] not in {str(c) for c in other_cases} or e["object_type"] != "case" for e in audit)
    # README: Indonesian first, then English; names every file it describes.
    readme = files["README.txt"].decode()
    assert readme.startswith("EKSPOR DATA PRIBADI ASN") and readme.index("Arsip ini") < readme.index("English")
    for table, (indonesian, english) in DESCRIPTIONS.items():
        assert f"data/{table}.json" in readme and indonesian in readme and english in readme
    # The manifest holds for every other file.
    manifest = dict(reversed(line.split("  ", 1)) for line in files["manifest.sha256"].decode().splitlines())
    assert set(manifest) == set(files) - {"manifest.sha256"}
    assert all(hashlib.sha256(files[name]).hexdigest() == digest for name, digest in manifest.items())
    assert made.sha256 == hashlib.sha256(made.content).hexdigest() and made.rows["post"] == 2


def test_unknown_or_invalid_nip_is_a_clear_error(engine: Engine) -> None:
    seed_world(engine, n_cases=1)
    with Session(engine) as s, pytest.raises(SubjectError) as unknown:
        export_asn(s, "199001012015031001", actor="t")
    assert "Tidak ada ASN terdaftar dengan NIP 199001012015031001" in str(unknown.value)
    assert unknown.value.english == "no ASN is registered with NIP 199001012015031001"
    with Session(engine) as s, pytest.raises(SubjectError) as invalid:
        export_asn(s, "12345", actor="t")
    assert "tidak sah" in invalid.value.indonesian and "18 digits" in invalid.value.english


def test_cli_exports_and_audits(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path))
    upgrade(engine)
    world = seed_world(engine, n_cases=1)
    nip = _enrich(world)
    engine.dispose()
    out = tmp_path / "asn.zip"
    done = netra("asn", "export", nip, "--output", str(out), "--reason", "permintaan no. 7/2025", data_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    assert f"{digest}  {out}" in done.stdout
    assert "README.txt" in _files(out.read_bytes())
    unknown = netra("asn", "export", "199001012015031001", "-o", str(tmp_path / "x.zip"), "--reason", "r",
                    data_dir=tmp_path)  # fmt: skip
    assert unknown.returncode == 2 and "Tidak ada ASN terdaftar dengan NIP 199001012015031001" in unknown.stderr
    assert not (tmp_path / "x.zip").exists()
    no_reason = netra("asn", "export", nip, "-o", str(tmp_path / "y.zip"), data_dir=tmp_path)
    assert no_reason.returncode == 2 and "--reason" in no_reason.stderr
    engine = make_engine(sqlite_url(tmp_path))
    with Session(engine) as s:
        entry = s.exec(select(AuditLog).where(AuditLog.action == "asn.export")).one()
    assert (entry.actor, entry.object_type, entry.object_id) == ("cli", "asn", nip)
    assert entry.details["sha256"] == digest and entry.details["reason"] == "permintaan no. 7/2025"
    assert entry.details["via"] == "cli"


def test_admin_button_downloads_and_audits(sqlite_engine: Engine) -> None:
    world = seed_world(sqlite_engine, n_cases=1)
    nip = _enrich(world)
    admin = login(make_client(sqlite_engine), world.emails["admin"])
    page = admin.get("/admin/accounts").text
    assert "Akses subjek data" in page and 'action="/admin/asn-export"' in page
    assert "Subject access" in admin.get("/admin/accounts?lang=en").text
    admin.get("/admin/accounts?lang=id")
    token = csrf_of(admin, "/admin/accounts")
    response = admin.post("/admin/asn-export", data={"csrf_token": token, "nip": nip, "reason": "permintaan ASN"})
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    assert f'filename="asn-{nip}.zip"' in response.headers["content-disposition"]
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-export-sha256"] == hashlib.sha256(response.content).hexdigest()
    assert json.loads(_files(response.content)["data/asn.json"])[0]["nip"] == nip
    missing = admin.post("/admin/asn-export", data={"csrf_token": token, "nip": "199001012015031001", "reason": "r"})
    assert missing.status_code == 303
    assert "Tidak ada ASN terdaftar dengan NIP 199001012015031001" in admin.get("/admin/accounts").text
    blank = admin.post("/admin/asn-export", data={"csrf_token": token, "nip": nip, "reason": " "})
    assert blank.status_code == 303 and "Alasan wajib diisi" in admin.get("/admin/accounts").text
    assert admin.post("/admin/asn-export", data={"nip": nip, "reason": "r"}).status_code == 403  # no CSRF token
    for role in ("sup_a", "auditor"):
        other = login(make_client(sqlite_engine), world.emails[role])
        refused = other.post(
            "/admin/asn-export", data={"csrf_token": csrf_of(other, "/cases"), "nip": nip, "reason": "r"}
        )
        assert refused.status_code == 403, role
    with Session(sqlite_engine) as s:
        entries = s.exec(select(AuditLog).where(AuditLog.action == "asn.export")).all()
    assert [(e.actor, e.object_id, e.details["via"]) for e in entries] == [(world.emails["admin"], nip, "web")]
    assert entries[0].details["sha256"] == response.headers["x-export-sha256"]


def test_export_carries_the_responses_as_received(sqlite_engine: Engine, tmp_path: Path) -> None:
    """Posts collected through the real scraper point at WARC records: the export copies them byte for byte,
    indexed per post version, and the README says what they are."""
    with LoopbackServer() as server:
        fake = server.world.add_account("bluesky", "budi", posts=3)
        account = register(sqlite_engine, server, fake)
        collect_pass(sqlite_engine, loopback_settings(server, tmp_path))
    with Session(sqlite_engine) as s:
        nip = s.exec(select(Asn.nip).where(Asn.id == account.asn_id)).one()
        posts = s.exec(select(Post).where(Post.asn_id == account.asn_id).order_by(col(Post.id))).all()
        made = export_asn(s, nip, actor="t", warc_dir=warc_root(tmp_path))
    files = _files(made.content)
    index = json.loads(files["lampiran/warc/index.json"])
    assert [(e["post_id"], e["status"]) for e in index] == [(p.id, "ok") for p in posts] and len(posts) == 3
    records = files["lampiran/warc/records.warc.gz"]
    for entry, post in zip(index, posts, strict=True):
        assert entry["record_id"] == post.warc_record_id and entry["body_sha256"] == post.body_sha256
        with gzip.open(io.BytesIO(records[entry["pack_offset"] :])) as member:
            assert member.read(8) == b"WARC/1.1"
    assert "lampiran/warc/records.warc.gz" in files["README.txt"].decode()
    assert "lampiran/warc/index.json" in files["manifest.sha256"].decode()


def test_rows_that_only_name_the_nip_are_exported_too(engine: Engine) -> None:
    """No foreign key points at the ASN, but the text names the NIP: a registry import's report of a rejected
    row, an audit entry about an upload. They are held on the NIP too."""
    world = seed_world(engine, n_cases=1)
    with Session(engine, expire_on_commit=False) as s:
        nip = s.exec(select(Asn.nip).join(Case, col(Case.asn_id) == Asn.id).where(Case.id == world.cases_a[0])).one()
        named = ImportJob(filename="register.csv", actor="admin@example.go.id", status="done",
                          result={"rejected": [f"row 7: account already registered to NIP {nip}"]})  # fmt: skip
        other = ImportJob(filename="lain.csv", actor="admin@example.go.id", status="done", result={"rejected": []})
        s.add_all([named, other])
        record(s, "admin@example.go.id", "admin.import_registry", "registry", "register.csv", {"note": f"NIP {nip}"})
        s.commit()
        made = export_asn(s, nip, actor="t")
    files = _files(made.content)
    jobs = json.loads(files["data/sebutan/importjob.json"])
    assert [j["id"] for j in jobs] == [named.id] and nip in jobs[0]["result"]["rejected"][0]
    audit = json.loads(files["data/auditlog.json"])
    assert [e["object_id"] for e in audit if e["object_type"] == "registry"] == ["register.csv"]
    assert "data/sebutan/importjob.json" in files["README.txt"].decode()
    assert not any(name.startswith("data/sebutan/user") for name in files)  # reviewers are not named by NIP
