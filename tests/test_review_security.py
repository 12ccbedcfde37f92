"""Security of the review page: the role × agency matrix over every route, CSRF on every POST,
login throttling, and hostile text rendered inert."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from monitor.access.login_throttle import LoginThrottle
from monitor.config import LoginSettings
from monitor.models import Asn, Case, ReviewAction, User
from monitor.review import actions as act
from monitor.review.cases import Viewer
from review_ui.routes import (
    actions,
    admin,
    admin_accounts,
    api,
    archive,
    audit,
    auth,
    case,
    dashboard,
    export,
    near_misses,
    queue,
    report,
)
from tests.utils.factories import make_account, make_agency, make_asn, make_case, make_post
from tests.utils.review import PASSWORD, ROLES, World, csrf_of, login, make_client, seed_world
from tests.utils.xss import PAYLOADS

PUBLIC = {
    ("GET", "/"),
    ("GET", "/healthz"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/logout"),
    ("GET", "/api/docs"),
    ("GET", "/api/openapi.json"),
}
# Every route of the app, with who may use it. "scoped": any role, but only for cases of their own agency
# (404 otherwise); "act": admins and supervisors, scoped; others name the roles allowed.
MATRIX: dict[tuple[str, str], str] = {
    ("GET", "/cases"): "list",
    ("GET", "/cases/{case_id}"): "scoped",
    ("GET", "/cases/{case_id}/evidence.zip"): "scoped",
    ("GET", "/cases/{case_id}/report"): "scoped",
    ("GET", "/cases/{case_id}/report.pdf"): "scoped",
    ("GET", "/cases/{case_id}/archive"): "scoped",
    ("GET", "/cases.csv"): "list",
    ("GET", "/near-misses"): "list",
    ("POST", "/near-misses/{score_id}/{action}"): "act",  # the score id is filled with a case id
    ("POST", "/cases/{case_id}/{action}"): "act",
    ("POST", "/bulk-dismiss"): "act-bulk",
    ("GET", "/dashboard"): "list",
    ("GET", "/audit"): "audit",
    ("GET", "/admin/users"): "admin",
    ("POST", "/admin/users"): "admin",
    ("POST", "/admin/users/{user_id}/{change}"): "admin",
    ("GET", "/admin/import"): "admin",
    ("POST", "/admin/import/registry"): "admin",
    ("POST", "/admin/import/elections"): "admin",
    ("GET", "/admin/accounts"): "admin",
    ("POST", "/admin/accounts/{account_id}/{change}"): "admin",
    ("POST", "/admin/asn-export"): "admin",
    ("GET", "/api/cases"): "list",
    ("GET", "/api/cases/{case_id}"): "scoped",
    ("GET", "/api/cases/{case_id}/evidence.zip"): "scoped",
    ("GET", "/api/cases/{case_id}/report.pdf"): "scoped",
    ("POST", "/api/cases/{case_id}/{action}"): "act",
    ("POST", "/api/bulk-dismiss"): "act-bulk",
    ("GET", "/api/audit/verify"): "audit",
    ("GET", "/api/me"): "list",
}
FOREIGN = {"sup_a": "b", "sup_b": "a", "auditor_a": "b"}  # whose cases each scoped role must never see
ACTORS = {"admin", "sup_a", "sup_a2", "sup_b"}


def app_routes() -> set[tuple[str, str]]:
    found = set()
    for module in (
        auth,
        export,
        queue,
        near_misses,
        case,
        report,
        archive,
        actions,
        dashboard,
        audit,
        admin,
        admin_accounts,
        api,
    ):
        for route in module.router.routes:
            for method in route.methods - {"HEAD"}:
                found.add((method, route.path))
    return found | {("GET", "/api/openapi.json")}


def test_matrix_covers_every_route() -> None:
    assert app_routes() == set(MATRIX) | PUBLIC


@pytest.fixture
def world(engine: Engine) -> World:
    return seed_world(engine)


@pytest.fixture
def clients(world: World) -> dict[str, TestClient]:
    return {role: login(make_client(world.engine), world.emails[role]) for role in ROLES}


def _call(client: TestClient, method: str, path: str, token: str, api_route: bool) -> int:
    if method == "GET":
        return client.get(path).status_code
    if api_route:
        body = {"reason": "coba", "case_ids": [1], "category": "disiplin"}
        return client.post(path, json=body, headers={"X-CSRF-Token": token}).status_code
    return client.post(path, data={"csrf_token": token, "reason": "coba", "case_ids": ["1"]}).status_code


def _fill(path: str, case_id: int, world: World) -> str:
    return path.format(
        case_id=case_id,
        action="dismiss",
        user_id=world.user_ids["sup_a2"],
        change="enable",
        account_id=case_id,
        score_id=case_id,
    )


def test_role_agency_matrix(world: World, clients: dict[str, TestClient]) -> None:
    anonymous = make_client(world.engine)
    anon_token = csrf_of(anonymous)
    tokens = {role: csrf_of(client, "/cases") for role, client in clients.items()}
    for (method, template), rule in MATRIX.items():
        is_api = template.startswith("/api/")
        own_case = world.cases_a[0]
        # Nobody logged in: pages send to the login form, the API answers 401.
        status = _call(anonymous, method, _fill(template, own_case, world), anon_token, is_api)
        assert status == (401 if is_api else 303), (method, template, "anonymous", status)
        for role, client in clients.items():
            token = tokens[role]
            if rule in ("scoped", "act") and role in FOREIGN:
                foreign = (world.cases_b if FOREIGN[role] == "b" else world.cases_a)[0]
                status = _call(client, method, _fill(template, foreign, world), token, is_api)
                assert status == 404, (method, template, role, status)  # 404, not 403: existence not leaked
            if rule == "admin":
                status = _call(client, method, _fill(template, own_case, world), token, is_api)
                assert (status in (200, 303, 400, 422)) if role == "admin" else status == 403, (
                    method,
                    template,
                    role,
                    status,
                )
            elif rule == "audit":
                status = _call(client, method, template, token, is_api)
                allowed = role in ("admin", "auditor")
                assert (status == 200) if allowed else status == 403, (method, template, role, status)
            elif rule in ("act", "act-bulk") and role not in ACTORS:
                case_id = world.cases_a[0]
                status = _call(client, method, _fill(template, case_id, world), token, is_api)
                assert status == 403, (method, template, role, status)
    with Session(world.engine) as s:
        b_case = s.get(Case, world.cases_b[0])
        assert b_case.status == "open"  # nothing anyone outside agency B tried changed it
        acted = s.exec(select(func.count()).select_from(ReviewAction).where(ReviewAction.case_id == world.cases_b[0]))
        assert acted.one() == 0


def test_supervisor_learns_nothing_about_other_agency(world: World, clients: dict[str, TestClient]) -> None:
    with Session(world.engine) as s:
        b_asns = s.exec(select(Asn).where(Asn.agency_id == world.agency_b)).all()
    client = clients["sup_a"]
    pages = [
        "/cases?status=all",
        f"/cases?agency={world.agency_b}",
        f"/cases?q={b_asns[0].nip}",
        "/dashboard",
        "/api/cases?status=all",
        f"/api/cases?agency={world.agency_b}",
        f"/cases/{world.cases_a[0]}",
    ]
    for path in pages:
        body = client.get(path).text
        assert "DINKES" not in body and "Dinas Kesehatan" not in body, path
        if "q=" in path:  # the search echoes what was typed; it must find nothing
            assert 'class="row"' not in body and 'data-status="open">Baru <b>0</b>' in body
            continue
        for asn in b_asns:
            assert asn.nip not in body and f">{asn.name}<" not in body, path
    counts = client.get(f"/api/cases?agency={world.agency_b}&status=all").json()
    assert counts["items"] == [] and sum(counts["counts"].values()) == 0
    b_client = clients["sup_b"]
    assert {c["id"] for c in b_client.get("/api/cases").json()["items"]} == set(world.cases_b)


def test_every_post_needs_a_valid_csrf_token(world: World, clients: dict[str, TestClient]) -> None:
    client = clients["admin"]
    posts = sorted(path for method, path in app_routes() if method == "POST")
    for template in posts:
        path = _fill(template, world.cases_a[0], world)
        for headers, data in (
            ({}, {"reason": "x"}),
            ({"X-CSRF-Token": "forged"}, {"reason": "x", "csrf_token": "forged"}),
        ):
            response = client.post(path, data=data, headers=headers)
            assert response.status_code == 403, (path, response.status_code)
            assert "CSRF" in response.text
    # A token from another session is no good either.
    other_token = csrf_of(clients["sup_a"], "/cases")
    assert (
        client.post(f"/cases/{world.cases_a[0]}/dismiss", data={"csrf_token": other_token, "reason": "x"}).status_code
        == 403
    )
    with Session(world.engine) as s:
        assert s.exec(select(func.count()).select_from(ReviewAction)).one() == 0


def test_login_throttling(world: World) -> None:
    now = [datetime(2026, 3, 2, 9, 0, tzinfo=UTC)]
    throttle = LoginThrottle(world.engine, LoginSettings(pair_failures=5, window_s=900), clock=lambda: now[0])
    client = make_client(world.engine, throttle=throttle)
    token = csrf_of(client)
    email = world.emails["sup_a"]
    for _ in range(5):
        assert (
            client.post("/login", data={"email": email, "password": "salah-salah", "csrf_token": token}).status_code
            == 401
        )
    locked = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert locked.status_code == 429 and "15 menit" in locked.text  # even the right password waits
    other = client.post("/login", data={"email": world.emails["sup_b"], "password": PASSWORD, "csrf_token": token})
    assert other.status_code == 303  # another account from the same IP is not locked out
    now[0] += timedelta(seconds=901)
    client2 = make_client(world.engine, throttle=throttle)
    assert login(client2, email).get("/cases").status_code == 200


def test_disabled_user_and_password_reset_end_sessions(world: World, clients: dict[str, TestClient]) -> None:
    admin_client = clients["admin"]
    token = csrf_of(admin_client, "/admin/users")
    assert clients["sup_a2"].get("/cases").status_code == 200
    admin_client.post(f"/admin/users/{world.user_ids['sup_a2']}/disable", data={"csrf_token": token})
    assert clients["sup_a2"].get("/cases").status_code == 303
    admin_client.post(
        f"/admin/users/{world.user_ids['sup_b']}/reset-password",
        data={"csrf_token": token, "password": "baru-sekali-123"},
    )
    assert clients["sup_b"].get("/cases").status_code == 303


def _assert_inert(html: str, where: str) -> None:
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.select("[data-xss]"), where
    scripts = [s.get("src") for s in soup.find_all("script")]
    assert scripts == ["/static/app.js"], (where, scripts)
    for tag in soup.find_all(True):
        assert not [a for a in tag.attrs if a.lower().startswith("on")], (where, tag)
        assert not str(tag.get("href", "")).lower().startswith("javascript"), (where, tag)


def test_xss_payloads_render_inert(sqlite_engine: Engine) -> None:
    world = seed_world(sqlite_engine, n_cases=1)
    with Session(sqlite_engine) as s:
        agency = make_agency(s, code="XSS", name=PAYLOADS[1])
        sup = s.exec(select(User).where(User.email == world.emails["admin"])).one()
        ids = []
        for i, payload in enumerate(PAYLOADS):
            asn = make_asn(s, agency, name=payload, unit=payload[:60], position=payload[:60])
            post = make_post(s, make_account(s, asn), text=payload, url=payload, raw_payload=payload)
            ids.append(make_case(s, post, election_id=payload[:60]).id)
            if i % 2:
                act.dismiss(s, Viewer.of(sup), ids[-1], reason=payload)
            else:
                act.request_clarification(s, Viewer.of(sup), ids[-1], reason=payload)
                act.answer_clarification(s, Viewer.of(sup), ids[-1], answer=payload, reason=payload)
        s.commit()
    client = login(make_client(sqlite_engine), world.emails["admin"])
    for path in [
        "/cases?status=all",
        "/cases?status=all&sort=date",
        "/dashboard",
        "/audit",
        "/admin/users",
        "/admin/accounts",
    ]:
        _assert_inert(client.get(path).text, path)
    for case_id, payload in zip(ids, PAYLOADS, strict=True):
        html = client.get(f"/cases/{case_id}").text
        _assert_inert(html, f"/cases/{case_id}")
        assert str(escape(payload)) in html  # shown to the reviewer, as text
    assert re.search(r"window\.__xss", client.get(f"/cases/{ids[0]}").text)  # present, but escaped
