"""`netra status`: last run per platform, accounts by status, backlog, cases, model, digest problems."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from typer.testing import CliRunner

from monitor.cli import app
from monitor.config import get_settings
from monitor.models import CollectionRun, DigestDelivery
from monitor.work.status import gather_status
from tests.conftest import sqlite_url
from tests.utils.factories import make_account, make_case, make_post, make_user

runner = CliRunner()


@pytest.fixture
def seeded(sqlite_engine: Engine) -> Engine:
    with Session(sqlite_engine, expire_on_commit=False) as s:
        ok = make_account(s, last_status="ok")
        make_account(s, last_status="not_found", last_error="404")
        make_account(s, last_status="rate_limited")
        make_account(s, platform="telegram", handle="kanal_a", last_status="private")
        s.add(CollectionRun(platform="bluesky", started_at=datetime(2024, 11, 1, tzinfo=UTC), accounts_ok=5))
        s.add(
            CollectionRun(
                platform="bluesky",
                started_at=datetime(2024, 11, 2, tzinfo=UTC),
                accounts_ok=1,
                accounts_failed=2,
                posts_new=7,
            )
        )
        make_post(s, ok)  # waiting for the model
        make_case(s, make_post(s, ok, scored_version="test-v1"))
        user = make_user(s, email="pengawas@example.go.id")
        s.add(
            DigestDelivery(
                user_id=user.id, week="2024-W45", status="failed", attempts=10, last_error="550 no such user"
            )
        )
        s.commit()
    return sqlite_engine


def test_gather_status(seeded: Engine, tmp_path: Path) -> None:
    assert gather_status(seeded, tmp_path / "models").active_model is None
    version = tmp_path / "models" / "versions" / "v20241101-s13"
    version.mkdir(parents=True)
    (version / "stance.json").write_text("{}")
    (tmp_path / "models" / "ACTIVE").write_text("v20241101-s13\n")
    report = gather_status(seeded, tmp_path / "models")
    assert report.active_model == "v20241101-s13"
    bluesky = next(p for p in report.platforms if p.platform == "bluesky")
    assert bluesky.last_started == datetime(2024, 11, 2, tzinfo=UTC)
    assert (bluesky.last_ok, bluesky.last_failed, bluesky.last_new) == (1, 2, 7)
    assert bluesky.accounts == {"ok": 1, "not_found": 1, "rate_limited": 1}
    assert bluesky.failing == {"not_found": 1, "rate_limited": 1}
    telegram = next(p for p in report.platforms if p.platform == "telegram")
    assert telegram.failing == {"private": 1} and telegram.last_started is None
    assert report.unscored == 1 and report.oldest_unscored is not None
    assert report.unchecked_scores == 1
    assert report.cases == {"open": 1}
    assert report.model_version == "test-v1"
    assert [(p.email, p.error) for p in report.digest_problems] == [("pengawas@example.go.id", "550 no such user")]


@pytest.fixture
def cli_env(seeded: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("NETRA_DATABASE_URL", sqlite_url(tmp_path))
    monkeypatch.setenv("NETRA_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_netra_status_cli(cli_env: None) -> None:
    result = runner.invoke(app, ["status"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "bluesky" in result.output and "not_found: 1" in result.output
    assert "Waiting for the model: 1 posts" in result.output
    assert "open: 1" in result.output and "test-v1" in result.output
    assert "active none" in result.output  # no model trained in this data dir
    assert "550 no such user" in result.output

    as_json = runner.invoke(app, ["status", "--json"])
    assert as_json.exit_code == 0, as_json.output
    data = json.loads(as_json.output)
    assert data["unscored"] == 1 and data["cases"] == {"open": 1}
    assert data["platforms"][0]["failing"] == {"not_found": 1, "rate_limited": 1}
