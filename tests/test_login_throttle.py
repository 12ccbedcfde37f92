"""E12: login throttling that every web process shares, that sees spraying, that believes X-Forwarded-For only
from trusted proxies, that an attacker cannot use to lock a user out, and whose audit rows stay bounded."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from ipaddress import ip_network
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from monitor.access.login_throttle import LoginThrottle
from monitor.auth import create_user
from monitor.config import LoginSettings
from monitor.db import make_engine
from monitor.models import AuditLog, LoginFailure
from review_ui.client_address import real_client
from review_ui.device_cookie import COOKIE as DEVICE_COOKIE
from tests.utils.live_server import free_port, serve
from tests.utils.procs import wait_for
from tests.utils.review import PASSWORD, csrf_of, make_client

ROOT = Path(__file__).resolve().parents[1]
USER = "budi@disdik.go.id"
WRONG = "bukan-kata-sandinya"
PROXY = "10.0.0.2"


def _with_user(engine: Engine) -> Engine:
    with Session(engine) as s:
        create_user(s, USER, "Budi", "admin", password=PASSWORD)
        s.commit()
    return engine


@pytest.fixture
def user_engine(engine: Engine) -> Engine:
    """A migrated database (SQLite and PostgreSQL) with one user."""
    return _with_user(engine)


@pytest.fixture
def sqlite_user(sqlite_engine: Engine) -> Engine:
    return _with_user(sqlite_engine)


def _try(client: TestClient, email: str, password: str = WRONG, forwarded_for: str | None = None) -> int:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    token = csrf_of(client)
    data = {"email": email, "password": password, "csrf_token": token}
    return client.post("/login", data=data, headers=headers).status_code


def _audit(engine: Engine, action: str | None = None) -> list[AuditLog]:
    with Session(engine) as s:
        stmt = select(AuditLog).order_by(col(AuditLog.id))
        return list(s.exec(stmt.where(AuditLog.action == action) if action else stmt))


def test_two_web_processes_see_each_others_failures(user_engine: Engine) -> None:
    """Two apps on one database (two replicas behind the proxy) count one client's failures together."""
    first = make_client(user_engine, address="203.0.113.5")
    second = make_client(user_engine, address="203.0.113.5")
    assert [_try(first, USER) for _ in range(3)] == [401] * 3
    assert [_try(second, USER) for _ in range(2)] == [401] * 2
    assert _try(first, USER, PASSWORD) == 429  # the fifth failure, on the other replica, locked the pair
    assert _try(second, USER, PASSWORD) == 429
    # ... for that client only: the user, elsewhere, logs in.
    assert _try(make_client(user_engine, address="198.51.100.20"), USER, PASSWORD) == 303


def test_spraying_one_guess_per_account_is_throttled(sqlite_user: Engine) -> None:
    accounts = [f"pegawai{i}@disdik.go.id" for i in range(30)]
    # From one address: the client limit (20) stops it, whatever the accounts.
    one = make_client(sqlite_user, address="203.0.113.7")
    assert [_try(one, a) for a in accounts] == [401] * 20 + [429] * 10
    # A browser the user has logged in with before is not held back by other people's failures...
    known = make_client(sqlite_user, address="198.51.100.1")
    assert _try(known, USER, PASSWORD) == 303
    # From 30 addresses, one guess each: the overall limit (25 failures in the window, counting the 20 above) stops it.
    spread = [_try(make_client(sqlite_user, address=f"192.0.2.{i}"), a) for i, a in enumerate(accounts)]
    assert spread == [401] * 5 + [429] * 25
    # ...even while spraying holds back every browser that never logged in to the account it tries.
    assert _try(known, USER, PASSWORD) == 303
    new_browser = make_client(sqlite_user, address="198.51.100.2")
    token = csrf_of(new_browser)
    refused = new_browser.post("/login", data={"email": USER, "password": PASSWORD, "csrf_token": token})
    assert refused.status_code == 429 and "peramban yang pernah Anda pakai" in refused.text
    assert int(refused.headers["retry-after"]) > 0


def test_attacker_cannot_lock_the_user_out(sqlite_user: Engine) -> None:
    user = make_client(sqlite_user, address="198.51.100.9")
    assert _try(user, USER, PASSWORD) == 303  # the user's browser is now known for this account
    device = user.cookies[DEVICE_COOKIE]
    attackers = [make_client(sqlite_user, address=f"203.0.113.{i}") for i in (1, 2, 3)]
    # Five failures lock the attacker's own address out of the account, not the user from hers.
    assert [_try(attackers[0], USER) for _ in range(6)] == [401] * 5 + [429]
    assert _try(make_client(sqlite_user, address="198.51.100.10"), USER, PASSWORD) == 303
    # Ten failures from several addresses reach the account limit: new browsers wait ...
    assert [_try(a, USER) for a in attackers[1:] for _ in range(3)] == [401] * 5 + [429]
    assert _try(make_client(sqlite_user, address="198.51.100.11"), USER, PASSWORD) == 429
    # ... but the user's own browser logs in, even from the attacker's address (one office, one NAT).
    same_nat = make_client(sqlite_user, address="203.0.113.1")
    same_nat.cookies.set(DEVICE_COOKIE, device)
    assert _try(same_nat, USER, PASSWORD) == 303
    # A forged or altered cookie is no known browser.
    forged = make_client(sqlite_user, address="203.0.113.1")
    forged.cookies.set(DEVICE_COOKIE, device[:-2] + ("AA" if not device.endswith("AA") else "BB"))
    assert _try(forged, USER, PASSWORD) == 429


def test_parallel_attempts_cannot_all_pass_the_check(user_engine: Engine) -> None:
    """Each attempt is reserved before its password is checked: a burst gets 5 guesses, not 20."""
    app = make_client(user_engine).app
    with serve(app) as base:  # type: ignore[arg-type]

        def attempt(_: int) -> int:
            with httpx.Client(base_url=base, timeout=60) as client:
                token = csrf_of(client)  # type: ignore[arg-type]
                data = {"email": USER, "password": WRONG, "csrf_token": token}
                return client.post("/login", data=data).status_code

        with ThreadPoolExecutor(20) as pool:
            codes = list(pool.map(attempt, range(20)))
    assert sorted(codes) == [401] * 5 + [429] * 15


def test_forwarded_for_is_believed_only_from_trusted_proxies(sqlite_user: Engine) -> None:
    # Behind the proxy, two clients are told apart by the address the proxy saw ...
    proxied = make_client(sqlite_user, address=PROXY, trusted_proxies=PROXY)
    assert [_try(proxied, USER, forwarded_for="203.0.113.1") for _ in range(6)] == [401] * 5 + [429]
    assert _try(proxied, USER, PASSWORD, forwarded_for="203.0.113.2") == 303
    assert {e.details["ip"] for e in _audit(sqlite_user, "auth.login_failed")} == {"203.0.113.1"}
    # ... and from anyone else the header is ignored: a fresh forged address per try changes nothing.
    direct = make_client(sqlite_user, address="198.51.100.50", trusted_proxies=PROXY)
    codes = [_try(direct, USER, forwarded_for=f"192.0.2.{i}") for i in range(6)]
    assert codes == [401] * 5 + [429]


def test_netra_serve_ignores_a_forged_forwarded_for(tmp_path: Path) -> None:
    """The real server: uvicorn must not believe X-Forwarded-For from a client that is no trusted proxy
    (here the loopback client, with NETRA_TRUSTED_PROXIES naming another address)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NETRA_")} | {
        "NETRA_DATA_DIR": str(tmp_path),
        "NETRA_TRUSTED_PROXIES": "192.0.2.250",
    }
    command = [sys.executable, "-m", "monitor", "serve", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:

            def answers() -> bool:
                assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
                try:
                    return client.get("/healthz").status_code == 200
                except httpx.HTTPError:
                    return False

            wait_for(answers, 60, "netra serve")
            token = csrf_of(client)  # type: ignore[arg-type]
            codes = []
            for i in range(6):
                data = {"email": USER, "password": WRONG, "csrf_token": token}
                codes.append(client.post("/login", data=data, headers={"X-Forwarded-For": f"198.51.100.{i}"}))
        assert [r.status_code for r in codes] == [401] * 5 + [429]
        engine = make_engine(f"sqlite:///{tmp_path / 'netra.db'}")
        with Session(engine) as s:
            assert set(s.exec(select(LoginFailure.ip))) == {"127.0.0.1"}
        engine.dispose()
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_a_thousand_failed_logins_add_a_bounded_number_of_audit_rows(sqlite_user: Engine) -> None:
    """25 addresses x 40 accounts, one wrong password each: the overall limit stops the password checks and the
    audit log gets one row per account and client (plus one per limit reached), not one per try."""
    before = len(_audit(sqlite_user))
    clients = [make_client(sqlite_user, address=f"203.0.113.{i}") for i in range(25)]
    codes = [_try(client, f"pegawai{n}@disdik.go.id") for client in clients for n in range(40)]
    assert len(codes) == 1000 and set(codes) == {401, 429}
    checked = codes.count(401)
    added = _audit(sqlite_user)[before:]
    assert checked == 25 and len(added) <= 2 * checked + 4, (checked, len(added))
    assert {e.action for e in added} <= {"auth.login_failed", "auth.login_throttled", "auth.login_failed_window"}


def test_failed_logins_are_audited_once_per_account_client_and_window(user_engine: Engine) -> None:
    """With limits far away, 20 failures of one account from one client are one row at once and one total after
    the window has ended (not 20 rows)."""
    now = [datetime(2026, 3, 2, 9, 1, tzinfo=UTC)]
    roomy = LoginSettings(pair_failures=1000, client_failures=1000, account_failures=1000, overall_failures=1000)
    throttle = LoginThrottle(user_engine, roomy, clock=lambda: now[0])
    client = make_client(user_engine, throttle, address="203.0.113.40")
    assert [_try(client, USER) for _ in range(20)] == [401] * 20
    first = _audit(user_engine, "auth.login_failed")
    assert len(first) == 1 and first[0].details["ip"] == "203.0.113.40"
    assert first[0].details["window_start"] == "2026-03-02T09:00:00+00:00"
    now[0] += timedelta(minutes=15)  # the window has ended
    assert throttle.summarise() == 1 and throttle.summarise() == 0  # written once, by whoever comes first
    (total,) = _audit(user_engine, "auth.login_failed_window")
    assert total.details["failures"] == 20 and total.object_id == USER
    with Session(user_engine) as s:
        failures = s.exec(select(func.count()).select_from(LoginFailure)).one()
    assert failures == 20  # still counted for the sliding window; removed at a failure once it has passed
    now[0] += timedelta(minutes=15)
    assert _try(client, USER) == 401
    with Session(user_engine) as s:
        assert s.exec(select(func.count()).select_from(LoginFailure)).one() == 1


def test_a_right_password_clears_that_clients_failures(sqlite_user: Engine) -> None:
    client = make_client(sqlite_user, address="203.0.113.60")
    assert [_try(client, USER) for _ in range(4)] == [401] * 4
    assert _try(client, USER, PASSWORD) == 303
    client.cookies.delete(DEVICE_COOKIE)  # not as a known browser: the address's own limit again
    assert [_try(client, USER) for _ in range(5)] == [401] * 5


@pytest.mark.parametrize(
    ("peer", "header", "expected"),
    [
        ("10.0.0.2", ["203.0.113.1"], "203.0.113.1"),
        ("10.0.0.2", ["6.6.6.6, 203.0.113.1"], "203.0.113.1"),  # the client wrote the left entry itself
        ("10.0.0.2", ["203.0.113.1, 10.0.0.3"], "203.0.113.1"),  # two trusted proxies in a row
        ("10.0.0.2", ["10.0.0.3"], "10.0.0.3"),  # proxies all the way
        ("10.0.0.2", [], "10.0.0.2"),
        ("10.0.0.2", ["a", "203.0.113.1"], "203.0.113.1"),  # two header lines read as one list
    ],
)
def test_real_client_walks_the_chain_from_the_right(peer: str, header: list[str], expected: str) -> None:
    proxies = (ip_network("10.0.0.0/29"),)
    assert real_client(peer, header, proxies) == expected
