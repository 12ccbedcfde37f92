"""E11: sessions live on the server. Logging out, disabling a user or resetting their password ends the
session for good: a cookie captured before is refused after, even though its signature is still valid."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner
from sqlalchemy import Engine, update
from sqlmodel import Session, select

from monitor.auth import password_fingerprint
from monitor.models import AuditLog, LoginSession, User, utcnow
from review_ui.app import SESSION_COOKIE
from tests.utils.review import World, csrf_of, login, make_client, seed_world


@pytest.fixture
def world(engine: Engine) -> World:
    return seed_world(engine, n_cases=1)


def _replay(engine: Engine, cookie: str) -> TestClient:
    """A fresh client presenting a captured session cookie, as an attacker who copied it would."""
    client = make_client(engine)
    client.cookies.set(SESSION_COOKIE, cookie)
    return client


def test_cookie_captured_before_logout_is_refused_after(world: World) -> None:
    client = login(make_client(world.engine), world.emails["sup_a"])
    token = csrf_of(client, "/cases")
    captured = client.cookies[SESSION_COOKIE]
    assert _replay(world.engine, captured).get("/cases").status_code == 200  # the copy works while logged in
    other = login(make_client(world.engine), world.emails["sup_a"])  # the same person on another device
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    replayed = _replay(world.engine, captured)
    assert replayed.get("/cases").status_code == 303  # to the login form
    assert replayed.get("/api/me").status_code == 401
    case_id = world.cases_a[0]
    action = replayed.post(f"/cases/{case_id}/dismiss", data={"csrf_token": token, "reason": "x"})
    assert action.status_code == 303 and action.headers["location"].startswith("/login")
    assert other.get("/cases").status_code == 200  # logging out ends that session only
    with Session(world.engine) as s:
        assert s.exec(select(AuditLog).where(AuditLog.action == "auth.logout")).one().actor == world.emails["sup_a"]


def test_disable_then_enable_does_not_revive_old_sessions(world: World) -> None:
    victim = login(make_client(world.engine), world.emails["sup_a2"])
    captured = victim.cookies[SESSION_COOKIE]
    admin = login(make_client(world.engine), world.emails["admin"])
    token = csrf_of(admin, "/admin/users")
    user_id = world.user_ids["sup_a2"]
    admin.post(f"/admin/users/{user_id}/disable", data={"csrf_token": token})
    admin.post(f"/admin/users/{user_id}/enable", data={"csrf_token": token})
    assert _replay(world.engine, captured).get("/cases").status_code == 303
    assert login(make_client(world.engine), world.emails["sup_a2"]).get("/cases").status_code == 200  # may log in anew


def test_session_ends_on_the_server_after_eight_hours(world: World) -> None:
    client = login(make_client(world.engine), world.emails["sup_a"])
    assert client.get("/cases").status_code == 200
    with Session(world.engine) as s:  # as if the login were 8 hours and a minute ago
        s.exec(update(LoginSession).values(expires_at=utcnow() - timedelta(minutes=1)))  # type: ignore[call-overload]
        s.commit()
    assert client.get("/cases").status_code == 303
    login(make_client(world.engine), world.emails["sup_b"])  # a later login clears expired records
    with Session(world.engine) as s:
        assert len(s.exec(select(LoginSession)).all()) == 1


def test_a_cookie_of_the_old_format_is_refused(world: World) -> None:
    """Cookies signed before sessions moved to the server name a user id only: they no longer open a session."""
    with Session(world.engine) as s:
        admin = s.get(User, world.user_ids["admin"])
        assert admin is not None
        content = {"uid": admin.id, "pwf": password_fingerprint(admin.password_hash)}
    client = make_client(world.engine)
    signer = TimestampSigner(client.app.state.settings.secret_key)  # type: ignore[attr-defined]
    client.cookies.set(SESSION_COOKIE, signer.sign(base64.b64encode(json.dumps(content).encode())).decode())
    assert client.get("/admin/users").status_code == 303
