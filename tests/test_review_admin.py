"""Admin pages: upload the registry CSV and the election YAML through the page; manage users."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func
from sqlmodel import Session, select

from monitor.auth import authenticate
from monitor.models import Asn, Election, User
from tests.utils.imports import upload_registry
from tests.utils.review import csrf_of, login, make_client, seed_world

DEMO = Path(__file__).resolve().parents[1] / "demo"


def test_upload_registry_and_elections(sqlite_engine: Engine) -> None:
    world = seed_world(sqlite_engine, n_cases=1)
    client = login(make_client(sqlite_engine), world.emails["admin"])
    token = csrf_of(client, "/admin/import")
    csv_text = (DEMO / "registry.csv").read_text() + "DISDIK-HJ,,,,,12345,Salah NIP,,,,,active,,\n"
    done = upload_registry(client, token, csv_text.encode())
    assert done.status == 303 and done.state == "done"
    assert "ditolak 1." in done.text and "NIP harus 18 angka" in done.text
    with Session(sqlite_engine) as s:
        assert s.exec(select(func.count()).select_from(Asn)).one() > 2
    bad = client.post(
        "/admin/import/elections",
        data={"csrf_token": token},
        files={"file": ("e.yaml", b"elections: [{id: x}]", "application/yaml")},
    )
    assert bad.status_code == 400 and "voting_day" in bad.text
    good = client.post(
        "/admin/import/elections",
        data={"csrf_token": token},
        files={"file": ("elections.yaml", (DEMO / "elections.yaml").read_bytes(), "application/yaml")},
    )
    assert good.status_code == 200 and "dibuat" in good.text
    with Session(sqlite_engine) as s:
        assert s.get(Election, "pilpres-2029") is not None
    binary = upload_registry(client, token, b"\x81\x8d\x00garbage", "x.csv")  # (FF FE would be UTF-16's mark)
    assert binary.state == "failed" and "Impor gagal." in binary.text and "UTF-8" in binary.text


def test_manage_users_on_the_page(sqlite_engine: Engine) -> None:
    world = seed_world(sqlite_engine, n_cases=1)
    client = login(make_client(sqlite_engine), world.emails["admin"])
    token = csrf_of(client, "/admin/users")
    form = {
        "csrf_token": token,
        "email": "baru@example.go.id",
        "name": "Baru",
        "role": "supervisor",
        "agency_code": "DISDIK",
        "password": "kata-sandi-baru-1",
    }
    assert client.post("/admin/users", data=form).status_code == 303
    duplicate = client.post("/admin/users", data=form)
    assert duplicate.status_code == 400 and "sudah ada" in duplicate.text
    no_agency = client.post("/admin/users", data=form | {"email": "lain@example.go.id", "agency_code": ""})
    assert no_agency.status_code == 400 and "Pengawas harus terkait dengan satu instansi." in no_agency.text
    own = client.post(f"/admin/users/{world.user_ids['admin']}/disable", data={"csrf_token": token})
    assert own.status_code == 303 and "tidak dapat menonaktifkan akun Anda sendiri" in client.get("/admin/users").text
    with Session(sqlite_engine) as s:
        user = s.exec(select(User).where(User.email == "baru@example.go.id")).one()
        assert (
            authenticate(s, "baru@example.go.id", "kata-sandi-baru-1") is not None and user.agency_id == world.agency_a
        )
