"""B6: the evidence pack exactly as forwarded stays provable: its bytes are archived when the case is
forwarded, and `?as_forwarded=1` (page and API) and `netra cases evidence --as-forwarded` return them, so
their SHA-256 equals the one the audit log recorded, however many downloads came since."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from monitor.db import make_engine, upgrade
from monitor.models import AuditLog, User
from monitor.review import actions as act
from monitor.review.cases import Viewer
from monitor.review.evidence.forwarded import forward_with_pack
from tests.conftest import sqlite_url
from tests.utils.cli import netra
from tests.utils.review import World, csrf_of, login, make_client, seed_world


@pytest.fixture
def world(engine: Engine) -> World:
    return seed_world(engine)


def _viewer(engine: Engine, email: str) -> Viewer:
    with Session(engine) as s:
        return Viewer.of(s.exec(select(User).where(User.email == email)).one())


def _confirm(world: World, case_id: int) -> None:
    with Session(world.engine) as s:
        for who in ("sup_a", "sup_a2"):
            act.confirm(s, _viewer(world.engine, world.emails[who]), case_id, category="disiplin", reason="terbukti")
        s.commit()


def _recorded(engine: Engine, case_id: int) -> list[str]:
    """The SHA-256 of each forwarded pack, as the audit log recorded it, oldest first."""
    with Session(engine) as s:
        rows = s.exec(
            select(AuditLog)
            .where(AuditLog.object_id == str(case_id), AuditLog.action == "case.forward")
            .order_by(col(AuditLog.id))
        ).all()
    return [str(r.details["evidence_pack_sha256"]) for r in rows]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_forwarded_pack_keeps_the_recorded_hash(world: World) -> None:
    case_id = world.cases_a[0]
    _confirm(world, case_id)
    client = login(make_client(world.engine), world.emails["sup_a"])
    token = csrf_of(client, "/cases")
    forwarded = client.post(f"/cases/{case_id}/forward", data={"csrf_token": token, "target": "bkn", "reason": "lapor"})
    assert forwarded.status_code == 303
    [recorded] = _recorded(world.engine, case_id)
    assert f'href="/cases/{case_id}/evidence.zip?as_forwarded=1"' in client.get(f"/cases/{case_id}").text
    # Downloads grow the trail: a fresh pack no longer matches, the archived one does, every time.
    fresh = client.get(f"/cases/{case_id}/evidence.zip")
    assert fresh.status_code == 200 and _sha(fresh.content) != recorded
    for _ in range(2):
        kept = client.get(f"/cases/{case_id}/evidence.zip?as_forwarded=1")
        assert kept.status_code == 200 and kept.headers["content-type"] == "application/zip"
        assert _sha(kept.content) == recorded == kept.headers["X-Evidence-SHA256"]
    api = login(make_client(world.engine), world.emails["sup_a2"]).get(
        f"/api/cases/{case_id}/evidence.zip?as_forwarded=1"
    )
    assert api.status_code == 200 and _sha(api.content) == recorded
    # It is the pack as it was: its trail ends before the forwarding it was sent with.
    archive = zipfile.ZipFile(io.BytesIO(kept.content))
    trail = json.loads(archive.read(f"kasus-{case_id}/audit_trail.json"))
    assert [e["action"] for e in trail][-1] == "case.confirm"
    # Forwarded again (to the other authority): that pack is archived too, the latest is returned by default
    # and each one by target.
    with Session(world.engine) as s:
        forward_with_pack(s, _viewer(world.engine, world.emails["sup_a"]), case_id, target="bawaslu", reason="juga")
        s.commit()
    first, second = _recorded(world.engine, case_id)
    assert first == recorded and second != first
    assert _sha(client.get(f"/cases/{case_id}/evidence.zip?as_forwarded=1").content) == second
    assert _sha(client.get(f"/cases/{case_id}/evidence.zip?as_forwarded=1&target=bkn").content) == first
    with Session(world.engine) as s:  # each download of the archived pack is audited too
        downloads = s.exec(
            select(AuditLog).where(AuditLog.object_id == str(case_id), AuditLog.action == "case.evidence_download")
        ).all()
        assert sum(1 for d in downloads if d.details.get("as_forwarded")) == 5


def test_a_case_not_forwarded_has_no_forwarded_pack(world: World) -> None:
    case_id = world.cases_a[0]
    client = login(make_client(world.engine), world.emails["sup_a"])
    page = client.get(f"/cases/{case_id}/evidence.zip?as_forwarded=1")
    assert page.status_code == 404 and "belum pernah diteruskan" in page.text
    english = client.get(f"/cases/{case_id}/evidence.zip?as_forwarded=1&lang=en")
    assert english.status_code == 404 and "has not been forwarded" in english.text
    api = client.get(f"/api/cases/{case_id}/evidence.zip?as_forwarded=1")
    assert api.status_code == 404 and "not been forwarded" in api.json()["detail"]
    _confirm(world, case_id)
    with Session(world.engine) as s:
        forward_with_pack(s, _viewer(world.engine, world.emails["sup_a"]), case_id, target="bkn", reason="lapor")
        s.commit()
    assert client.get(f"/cases/{case_id}/evidence.zip?as_forwarded=1&target=bawaslu").status_code == 404
    # Another agency's supervisor learns nothing: "not found", as for any case outside the scope.
    other = login(make_client(world.engine), world.emails["sup_b"])
    hidden = other.get(f"/cases/{case_id}/evidence.zip?as_forwarded=1")
    assert hidden.status_code == 404 and "diteruskan" not in hidden.text


def test_cli_writes_the_pack_as_forwarded(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path))
    upgrade(engine)
    world = seed_world(engine, n_cases=2)
    case_id, never = world.cases_a
    _confirm(world, case_id)
    with Session(engine) as s:
        forward_with_pack(s, _viewer(engine, world.emails["sup_a"]), case_id, target="bkn", reason="lapor")
        s.commit()
    login(make_client(engine), world.emails["sup_a"]).get(f"/cases/{case_id}/evidence.zip")  # the trail grows
    engine.dispose()
    [recorded] = _recorded(make_engine(sqlite_url(tmp_path)), case_id)
    out = tmp_path / "kept.zip"
    done = netra("cases", "evidence", str(case_id), "--as-forwarded", "--output", str(out), data_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    assert _sha(out.read_bytes()) == recorded and recorded in done.stdout
    fresh = tmp_path / "fresh.zip"
    assert netra("cases", "evidence", str(case_id), "--output", str(fresh), data_dir=tmp_path).returncode == 0
    assert zipfile.ZipFile(fresh).testzip() is None and _sha(fresh.read_bytes()) != recorded
    missing = netra(
        "cases", "evidence", str(never), "--as-forwarded", "--output", str(tmp_path / "x.zip"), data_dir=tmp_path
    )
    assert missing.returncode == 1 and "belum pernah diteruskan" in missing.stderr
    assert not (tmp_path / "x.zip").exists()
    unknown = netra("cases", "evidence", "999", "--output", str(tmp_path / "y.zip"), data_dir=tmp_path)
    assert unknown.returncode == 1 and "999" in unknown.stderr
