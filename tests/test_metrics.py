"""/healthz and /metrics: the router `netra run` serves, and /metrics in the review web app."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from monitor.config import Settings
from monitor.db import make_engine
from monitor.metrics import metrics_router
from review_ui.app import create_app
from tests.utils.factories import make_account, make_case, make_post


def _app(engine: Engine) -> TestClient:
    api = FastAPI()
    api.include_router(metrics_router(engine, lambda: 7))
    return TestClient(api)


def test_health_and_metrics_read_the_database(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as s:
        account = make_account(s)
        make_post(s, account)
        make_post(s, account)
        make_case(s, make_post(s, account, scored_version="v1"))
        s.commit()
    client = _app(engine)
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json() == {"status": "ok", "database": "ok"}
    body = client.get("/metrics").text
    assert "netra_unscored_posts 2.0" in body
    assert 'netra_cases{status="open"} 1.0' in body
    assert "netra_broker_queue_length 7.0" in body
    assert "netra_queue_lag_seconds" in body and "netra_cases_opened_total" in body


def test_healthz_is_503_when_the_database_is_unreachable() -> None:
    client = _app(make_engine("postgresql+psycopg://postgres@127.0.0.1:1/nothing?connect_timeout=1"))
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["status"] == "error"
    assert client.get("/metrics").status_code == 200  # counters are still served


def test_review_web_app_serves_metrics(sqlite_engine: Engine) -> None:
    client = TestClient(create_app(Settings(_env_file=None, metrics_token="t" * 32), sqlite_engine))
    assert client.get("/metrics").status_code == 401  # who may read them: tests/test_metrics_access.py
    response = client.get("/metrics", headers={"Authorization": "Bearer " + "t" * 32})
    assert response.status_code == 200 and "netra_unscored_posts 0.0" in response.text
    assert client.get("/healthz").status_code == 200
