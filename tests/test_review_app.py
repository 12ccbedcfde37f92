"""The review page through the real app in-process: login, queue, case page, actions, evidence, audit."""

from __future__ import annotations

import io
import zipfile

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from monitor.audit import verify
from monitor.config import Settings
from monitor.models import Case, Post
from review_ui.app import create_app
from tests.utils.review import World, csrf_of, login, make_client, seed_world


@pytest.fixture
def world(engine: Engine) -> World:
    return seed_world(engine)


def test_login_required_and_redirects_back(world: World) -> None:
    client = make_client(world.engine)
    response = client.get("/cases?status=all")
    assert response.status_code == 303 and response.headers["location"].startswith("/login?next=/cases")
    token = csrf_of(client)
    bad = client.post("/login", data={"email": world.emails["sup_a"], "password": "salah-sekali", "csrf_token": token})
    assert bad.status_code == 401 and "salah" in bad.text
    ok = client.post(
        "/login",
        data={
            "email": world.emails["sup_a"],
            "password": "kata-sandi-uji-123",
            "csrf_token": token,
            "next": "https://evil.example/",
        },
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/cases"  # never off-site
    cookie = ok.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_queue_shows_own_agency_with_counts_and_filters(world: World) -> None:
    client = login(make_client(world.engine), world.emails["sup_a"])
    soup = BeautifulSoup(client.get("/cases").text, "html.parser")
    links = {a["href"] for a in soup.select("table.queue a")}
    assert links == {f"/cases/{i}" for i in world.cases_a}
    assert soup.select_one('a[data-status="open"] b').text == "3"
    filtered = BeautifulSoup(client.get("/cases?platform=x").text, "html.parser")
    assert len(filtered.select("table.queue tr.row")) == 1
    assert "j / k" in soup.text  # shortcuts documented on the page
    page1 = BeautifulSoup(client.get("/cases?sort=date").text, "html.parser")
    assert len(page1.select("tr.row")) == 3
    assert client.get("/cases?score_min=abc").status_code == 400


def test_english_toggle(world: World) -> None:
    client = login(make_client(world.engine), world.emails["sup_a"])
    assert "Antrean Kasus" in client.get("/cases").text
    assert "Case queue" in client.get("/cases?lang=en").text
    assert "Case queue" in client.get("/cases").text  # remembered in a cookie


def test_case_page_shows_evidence(world: World) -> None:
    client = login(make_client(world.engine), world.emails["sup_a"])
    html = client.get(f"/cases/{world.cases_a[0]}").text
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one("#post-text mark").text == "dukung"
    for expected in ("SHA-256", "kampanye di media sosial", "test-v1", "Drs. Budi Santoso", "Unggahan asli"[:8]):
        assert expected in html
    assert soup.select_one("[data-deadline]") is not None


def test_two_reviewers_confirm_then_forward_with_pack(world: World) -> None:
    case_id = world.cases_a[1]
    first = login(make_client(world.engine), world.emails["sup_a"])
    token = csrf_of(first, "/cases")
    form = {"csrf_token": token, "category": "disiplin", "reason": "mendukung paslon 1 secara terbuka"}
    assert first.post(f"/cases/{case_id}/confirm", data=form).status_code == 303
    again = first.post(f"/cases/{case_id}/confirm", data=form)
    assert again.status_code == 303
    assert "peninjau kedua" in first.get(f"/cases/{case_id}").text
    second = login(make_client(world.engine), world.emails["sup_a2"])
    token2 = csrf_of(second, "/cases")
    second.post(f"/cases/{case_id}/confirm", data=form | {"csrf_token": token2})
    with Session(world.engine) as s:
        assert s.get(Case, case_id).status == "confirmed"
    forwarded = second.post(
        f"/cases/{case_id}/forward", data={"csrf_token": token2, "target": "bkn", "reason": "lapor"}
    )
    assert forwarded.status_code == 303
    pack = second.get(f"/cases/{case_id}/evidence.zip")
    assert pack.status_code == 200 and pack.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(pack.content)).namelist()
    assert {"summary.txt", "summary.json", "manifest.sha256", "audit_trail.json"} <= {n.split("/", 1)[1] for n in names}
    with Session(world.engine) as s:
        assert verify(s) is None


def test_action_without_reason_is_refused(world: World) -> None:
    client = login(make_client(world.engine), world.emails["sup_a"])
    token = csrf_of(client, "/cases")
    response = client.post(f"/cases/{world.cases_a[0]}/dismiss", data={"csrf_token": token, "reason": "  "})
    assert response.status_code == 303
    assert "Alasan wajib diisi." in client.get(response.headers["location"]).text
    english = client.post(f"/cases/{world.cases_a[0]}/dismiss?lang=en", data={"csrf_token": token, "reason": ""})
    assert "a reason is required" in client.get(english.headers["location"]).text
    with Session(world.engine) as s:
        assert s.get(Case, world.cases_a[0]).status == "open"


def test_bulk_dismiss_skips_other_agency(world: World) -> None:
    client = login(make_client(world.engine), world.emails["sup_a"])
    token = csrf_of(client, "/cases")
    data = {"csrf_token": token, "reason": "bukan kampanye", "case_ids": [*world.cases_a[:2], world.cases_b[0]]}
    assert client.post("/bulk-dismiss", data=data).status_code == 303
    with Session(world.engine) as s:
        assert [s.get(Case, i).status for i in world.cases_a[:2]] == ["dismissed", "dismissed"]
        assert s.get(Case, world.cases_b[0]).status == "open"


def test_dashboard_and_audit_pages(world: World) -> None:
    admin = login(make_client(world.engine), world.emails["admin"])
    board = admin.get("/dashboard")
    assert board.status_code == 200 and "<svg" in board.text and "DINKES" in board.text
    sup = login(make_client(world.engine), world.emails["sup_a"])
    assert "DINKES" not in sup.get("/dashboard").text
    audit = admin.get("/audit?check=1")
    assert audit.status_code == 200 and 'id="chain-result"' in audit.text and "utuh" in audit.text


def test_api_with_basic_auth(world: World) -> None:
    client = make_client(world.engine)
    auth = (world.emails["sup_a"], "kata-sandi-uji-123")
    listing = client.get("/api/cases", auth=auth).json()
    assert {c["id"] for c in listing["items"]} == set(world.cases_a)
    assert client.get(f"/api/cases/{world.cases_b[0]}", auth=auth).status_code == 404
    done = client.post(f"/api/cases/{world.cases_a[0]}/dismiss", json={"reason": "netral"}, auth=auth)
    assert done.status_code == 200 and done.json()["status"] == "dismissed"
    assert client.post(f"/api/cases/{world.cases_a[0]}/dismiss", json={"reason": "lagi"}, auth=auth).status_code == 409
    assert client.get("/api/cases", auth=(world.emails["sup_a"], "salah")).status_code == 401
    assert "/api/cases" in client.get("/api/openapi.json").json()["paths"]


def test_secure_cookie_over_https(world: World) -> None:
    settings = Settings(secret_key="test-secret-key-0123456789", base_url="https://netra.example.go.id")
    client = TestClient(create_app(settings, world.engine), base_url="https://testserver", follow_redirects=False)
    response = client.get("/login")
    assert "secure" in response.headers["set-cookie"].lower()
    assert (
        response.headers["x-frame-options"] == "DENY"
        and "script-src 'self'" in response.headers["content-security-policy"]
    )


def test_queue_pages_through_every_case_once(sqlite_engine: Engine) -> None:
    world = seed_world(sqlite_engine, n_cases=55)
    client = login(make_client(sqlite_engine), world.emails["sup_a"])
    seen: list[str] = []
    path: str | None = "/cases?sort=deadline"
    while path:
        soup = BeautifulSoup(client.get(path).text, "html.parser")
        seen += [row["data-href"] for row in soup.select("tr.row")]
        link = soup.select_one('a[rel="next"]')
        path = link["href"] if link else None
    assert len(seen) == 55 and set(seen) == {f"/cases/{i}" for i in world.cases_a}
    assert client.get("/cases?after=not-a-cursor").status_code == 400


def test_purged_text_and_missing_score_still_render(sqlite_engine: Engine) -> None:
    world = seed_world(sqlite_engine, n_cases=1)
    with Session(sqlite_engine) as s:
        case = s.get(Case, world.cases_a[0])
        post = s.get(Post, case.post_id)
        post.text, case.score_id = None, None
        s.add_all([post, case])
        s.commit()
    client = login(make_client(sqlite_engine), world.emails["admin"])
    page = client.get(f"/cases/{world.cases_a[0]}")
    assert page.status_code == 200 and "dihapus sesuai kebijakan retensi" in page.text
    assert "dihapus sesuai kebijakan retensi" in client.get("/cases").text
    assert client.get(f"/api/cases/{world.cases_a[0]}").json()["score"] is None
