"""E13: /metrics counts cases, so it is not for anyone: the review app's wants a login (admin, auditor) or a
bearer token; `netra run` listens on loopback unless told otherwise, and wants the token when one is set.
Production refuses short secrets; the proxy sends HSTS."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import httpx
import pytest
import yaml
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import Engine

from monitor.cli.daemon import _serve_health
from monitor.config import Settings
from review_ui.app import create_app
from tests.conftest import sqlite_url
from tests.utils.cli import ROOT, netra
from tests.utils.procs import NetraProcess, free_port, wait_for
from tests.utils.review import login, seed_world

TOKEN = "metrik-" + "x" * 40


def _client(engine: Engine, **settings: object) -> TestClient:
    cfg = Settings(_env_file=None, secret_key="test-secret-key-0123456789", base_url="http://testserver", **settings)  # type: ignore[arg-type]
    return TestClient(create_app(cfg, engine), follow_redirects=False)


def test_web_metrics_need_an_admin_login_or_the_token(sqlite_engine: Engine) -> None:
    world = seed_world(sqlite_engine, n_cases=1)
    anonymous = _client(sqlite_engine, metrics_token=TOKEN).get("/metrics")
    assert anonymous.status_code == 401 and "netra_cases" not in anonymous.text
    assert anonymous.headers["www-authenticate"].startswith("Bearer")
    scraper = _client(sqlite_engine, metrics_token=TOKEN)
    ok = scraper.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200 and 'netra_cases{status="open"} 2.0' in ok.text
    assert scraper.get("/metrics", headers={"Authorization": "Bearer salah"}).status_code == 401
    for role, status in (("admin", 200), ("auditor", 200), ("sup_a", 403), ("auditor_a", 403)):
        client = login(_client(sqlite_engine), world.emails[role])
        response = client.get("/metrics")
        assert response.status_code == status, role
        assert ("netra_cases" in response.text) == (status == 200), role
    # No token configured: a bearer header opens nothing.
    assert _client(sqlite_engine).get("/metrics", headers={"Authorization": "Bearer "}).status_code == 401
    assert _client(sqlite_engine).get("/healthz").status_code == 200  # says only "up": stays open


def _listening(port: int) -> set[str]:
    """The local addresses the kernel has a listening TCP socket on for this port (/proc/net/tcp, tcp6)."""
    found: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.partition(":")
            if state == "0A" and int(hex_port, 16) == port:
                raw = bytes.fromhex(address)
                if len(raw) == 4:
                    found.add(socket.inet_ntop(socket.AF_INET, raw[::-1]))
                else:  # four 32-bit words, each in host (little-endian) order
                    words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
                    found.add(socket.inet_ntop(socket.AF_INET6, words))
    return found


def test_netra_run_serves_metrics_on_loopback_only(tmp_path: Path) -> None:
    port = free_port()
    env = {
        "NETRA_DATA_DIR": str(tmp_path),
        "NETRA_DATABASE_URL": sqlite_url(tmp_path),
        "NETRA_SCHEDULER__METRICS_PORT": str(port),
        "NETRA_SCHEDULER__SCORE_EVERY_MIN": "600",
    }
    run = NetraProcess(["run"], env, tmp_path, "run")
    try:
        wait_for(lambda: _get(f"http://127.0.0.1:{port}/healthz"), what="/healthz of netra run")
        assert _listening(port) == {"127.0.0.1"}
        assert httpx.get(f"http://127.0.0.1:{port}/metrics").status_code == 200  # loopback: no token configured
        assert run.terminate() == 0
    finally:
        run.close()


def _get(url: str) -> httpx.Response | None:
    try:
        return httpx.get(url, timeout=2)
    except httpx.TransportError:
        return None


def test_netra_run_metrics_want_the_token_when_one_is_set(sqlite_engine: Engine) -> None:
    port = free_port()
    server = _serve_health(sqlite_engine, port, host="127.0.0.1", token=TOKEN)
    try:
        health = wait_for(lambda: _get(f"http://127.0.0.1:{port}/healthz"), what="/healthz")
        assert health.status_code == 200
        refused = httpx.get(f"http://127.0.0.1:{port}/metrics")
        assert refused.status_code == 401 and "netra_cases" not in refused.text
        wrong = httpx.get(f"http://127.0.0.1:{port}/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        ok = httpx.get(f"http://127.0.0.1:{port}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 200 and "netra_unscored_posts" in ok.text
    finally:
        server.should_exit = True


def test_production_refuses_short_secrets() -> None:
    base = {"_env_file": None, "environment": "production"}
    with pytest.raises(ValidationError, match="NETRA_SECRET_KEY terlalu pendek untuk produksi: 31 byte, minimal 32"):
        Settings(**base, secret_key="k" * 31)  # type: ignore[arg-type]
    assert Settings(**base, secret_key="k" * 32).secret_key == "k" * 32  # type: ignore[arg-type]
    assert Settings(**base, secret_key="é" * 16)  # type: ignore[arg-type]  # bytes count, not characters
    with pytest.raises(ValidationError, match="must be set to a random value"):
        Settings(**base)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="NETRA_METRICS_TOKEN terlalu pendek"):
        Settings(**base, secret_key="k" * 32, metrics_token="pendek")  # type: ignore[arg-type]
    assert Settings(**base, secret_key="k" * 32, metrics_token="").metrics_token is None  # type: ignore[arg-type]
    assert Settings(_env_file=None, secret_key="dev").secret_key == "dev"  # type: ignore[arg-type]  # development


def test_cli_names_a_short_production_key_without_a_traceback(tmp_path: Path) -> None:
    secret = "rahasia-pendek-123"
    done = netra("status", data_dir=tmp_path, env={"NETRA_ENVIRONMENT": "production", "NETRA_SECRET_KEY": secret})
    output = done.stdout + done.stderr
    assert done.returncode == 2 and "terlalu pendek untuk produksi" in output
    assert "Traceback" not in output and secret not in output


def test_proxy_sends_hsts_and_compose_publishes_metrics_on_loopback() -> None:
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    server_block = conf[conf.index("server {") :]
    match = re.search(r'add_header Strict-Transport-Security "max-age=(\d+)[^"]*" always;', server_block)
    assert match and int(match.group(1)) >= 365 * 86400
    scheduler = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["scheduler"]
    assert scheduler["ports"] == ["127.0.0.1:9464:9464"]
