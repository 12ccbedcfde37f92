"""E14: an admin verifies, rejects, removes and restores the registered social-media accounts of ASN, on the
admin page and with `netra accounts`, each change audited. Removing stops collection; the account's posts
and the evidence of its cases stay."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from monitor.collection.service import count_due
from monitor.config import Settings
from monitor.db import make_engine, upgrade
from monitor.models import Account, Asn, AuditLog, Case, Post
from monitor.work.due import due_accounts
from tests.conftest import sqlite_url
from tests.utils.cli import netra
from tests.utils.review import World, csrf_of, login, make_client, seed_world


@pytest.fixture
def world(engine: Engine) -> World:
    return seed_world(engine, n_cases=1)


def _account_of_case(engine: Engine, case_id: int) -> Account:
    with Session(engine) as s:
        case = s.get(Case, case_id)
        assert case is not None
        post = s.get(Post, case.post_id)
        assert post is not None
        account = s.get(Account, post.account_id)
        assert account is not None
        return account


def _state(engine: Engine, account_id: int) -> tuple[str, bool]:
    with Session(engine) as s:
        account = s.get(Account, account_id)
        assert account is not None
        return str(account.verification), account.removed_at is not None


def _audit(engine: Engine, account_id: int) -> list[AuditLog]:
    with Session(engine) as s:
        return list(
            s.exec(
                select(AuditLog)
                .where(AuditLog.object_type == "account", AuditLog.object_id == str(account_id))
                .order_by(col(AuditLog.id))
            )
        )


def _flash(client: TestClient) -> str:
    html = client.get("/admin/accounts").text
    return " ".join(re.findall(r'<div class="flash [a-z]+" role="status">([^<]*)</div>', html))


def test_admin_page_verifies_rejects_removes_and_restores(world: World) -> None:
    engine, case_id = world.engine, world.cases_a[0]
    account = _account_of_case(engine, case_id)
    assert account.id is not None
    admin = login(make_client(engine), world.emails["admin"])
    token = csrf_of(admin, "/admin/accounts")
    listing = admin.get("/admin/accounts")
    assert listing.status_code == 200 and "Akun ASN" in listing.text and account.handle in listing.text
    assert "Registered accounts" in admin.get("/admin/accounts?lang=en").text
    admin.get("/admin/accounts?lang=id")
    with Session(engine) as s:
        posts_before = s.exec(select(func.count()).select_from(Post).where(Post.account_id == account.id)).one()

    def change(what: str, reason: str = "dicek dengan surat instansi") -> str:
        """Post the change and follow the redirect, as a browser does; the message shown."""
        response = admin.post(f"/admin/accounts/{account.id}/{what}", data={"csrf_token": token, "reason": reason})
        assert response.status_code == 303 and response.headers["location"].startswith("/admin/accounts")
        return _flash(admin)

    assert "Tersimpan" in change("verify") and _state(engine, account.id) == ("verified", False)
    assert "sudah terverifikasi" in change("verify")  # nothing to change: said so, nothing recorded
    assert "Alasan wajib diisi" in change("reject", reason="") and _state(engine, account.id) == ("verified", False)
    assert "Tersimpan" in change("reject", reason="bukan akun ASN ini")
    assert _state(engine, account.id) == ("rejected", False)
    assert "Tersimpan" in change("remove", reason="akun sudah tidak dipakai")
    assert _state(engine, account.id) == ("rejected", True)
    assert "Pulihkan akun" in change("verify") and _state(engine, account.id) == ("rejected", True)
    # Removed: hidden from the default list, shown with the removed ones; its posts, case and evidence remain.
    assert account.handle not in admin.get("/admin/accounts").text
    assert account.handle in admin.get("/admin/accounts?status=removed").text
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(Post).where(Post.account_id == account.id)).one() == posts_before
    assert admin.get(f"/cases/{case_id}").status_code == 200
    pack = admin.get(f"/cases/{case_id}/evidence.zip")
    assert pack.status_code == 200 and pack.content[:2] == b"PK"
    assert "Tersimpan" in change("restore", reason="didaftarkan lagi oleh instansi")
    assert _state(engine, account.id) == ("rejected", False)
    assert "tidak dikenal" in change("bogus")
    assert admin.post("/admin/accounts/999999/verify", data={"csrf_token": token, "reason": "x"}).status_code == 303
    assert "tidak ditemukan" in _flash(admin)
    trail = _audit(engine, account.id)
    assert [e.action for e in trail] == ["account.verify", "account.reject", "account.remove", "account.restore"]
    assert all(e.actor == world.emails["admin"] for e in trail)
    assert trail[1].details["reason"] == "bukan akun ASN ini"
    assert (trail[2].details["from"], trail[2].details["to"]) == ("rejected", "removed")
    assert trail[0].details["handle"] == account.handle and trail[0].details["nip"]


def test_removing_an_account_stops_collection(world: World) -> None:
    engine = world.engine
    account = _account_of_case(engine, world.cases_a[0])
    settings = Settings(_env_file=None)
    platform = account.platform
    assert account.id in due_accounts(engine, settings, platform)
    due_before = count_due(engine, platform=platform)
    admin = login(make_client(engine), world.emails["admin"])
    token = csrf_of(admin, "/admin/accounts")
    admin.post(f"/admin/accounts/{account.id}/remove", data={"csrf_token": token, "reason": "tidak dipakai"})
    assert account.id not in due_accounts(engine, settings, platform)
    assert count_due(engine, platform=platform) == due_before - 1
    admin.post(f"/admin/accounts/{account.id}/restore", data={"csrf_token": token, "reason": "dipakai lagi"})
    assert account.id in due_accounts(engine, settings, platform)


def test_accounts_page_searches_and_pages(sqlite_engine: Engine) -> None:
    world = seed_world(sqlite_engine, n_cases=3)
    admin = login(make_client(sqlite_engine), world.emails["admin"])
    with Session(sqlite_engine) as s:
        accounts = s.exec(select(Account).order_by(col(Account.id))).all()
        asn = s.get(Asn, accounts[0].asn_id)
        assert asn is not None
    first = admin.get("/admin/accounts?limit=4")
    after = re.search(r'id="next-page" href="[^"]*after=(\d+)"', first.text)
    assert first.status_code == 200 and after
    rest = admin.get(f"/admin/accounts?limit=4&after={after.group(1)}")
    assert 'id="next-page"' not in rest.text  # the last page
    assert sorted(a.handle for a in accounts if a.handle in first.text) == sorted(a.handle for a in accounts[:4])
    assert sorted(a.handle for a in accounts if a.handle in rest.text) == sorted(a.handle for a in accounts[4:])
    for q in (asn.nip, accounts[0].handle.upper()):
        found = admin.get("/admin/accounts", params={"q": q}).text
        assert accounts[0].handle in found and accounts[1].handle not in found, q
    assert admin.get("/admin/accounts?status=nonsense").status_code == 400


def test_cli_changes_accounts_and_keeps_evidence(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path))
    upgrade(engine)
    world = seed_world(engine, n_cases=1)
    account = _account_of_case(engine, world.cases_a[0])
    engine.dispose()
    ref = f"{account.platform}:{account.handle}"
    listed = netra("accounts", "list", data_dir=tmp_path)
    assert listed.returncode == 0 and account.handle in listed.stdout
    done = netra("accounts", "verify", ref, "--reason", "dicek", data_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "verified" in done.stdout
    again = netra("accounts", "verify", str(account.id), "--reason", "dicek", data_dir=tmp_path)
    assert again.returncode == 2 and "sudah terverifikasi" in again.stderr
    no_reason = netra("accounts", "remove", ref, data_dir=tmp_path)
    assert no_reason.returncode == 2 and "--reason" in no_reason.stderr
    assert netra("accounts", "remove", ref, "--reason", "tidak dipakai", data_dir=tmp_path).returncode == 0
    removed = netra("accounts", "list", "--status", "removed", data_dir=tmp_path)
    assert account.handle in removed.stdout
    assert account.handle not in netra("accounts", "list", data_dir=tmp_path).stdout
    unknown = netra("accounts", "reject", "x:tidak-ada", "--reason", "r", data_dir=tmp_path)
    assert unknown.returncode == 2 and "tidak ditemukan" in unknown.stderr
    engine = make_engine(sqlite_url(tmp_path))
    assert [e.actor for e in _audit(engine, account.id)] == ["cli", "cli"]  # type: ignore[arg-type]
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(Post).where(Post.account_id == account.id)).one() == 1
        assert s.get(Case, world.cases_a[0]) is not None
