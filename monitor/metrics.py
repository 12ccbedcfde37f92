"""Prometheus metrics and the `/healthz` + `/metrics` routes.

Counters count what this process did (each `netra run` / `netra worker` serves its own); gauges are
read from the database when scraped, so any process reports the same backlog, lag and open cases.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, generate_latest
from sqlalchemy import Engine, func, text
from sqlmodel import Session, col, select

from monitor.models import Case, Post, utcnow

__all__ = [
    "CASES_OPENED",
    "COLLECT_ERRORS",
    "JOBS",
    "POSTS_COLLECTED",
    "POSTS_SCORED",
    "REGISTRY",
    "bearer_matches",
    "metrics_router",
    "refresh_gauges",
    "require_bearer",
]

log = logging.getLogger(__name__)
REGISTRY = CollectorRegistry()

POSTS_COLLECTED = Counter(
    "netra_posts_collected", "New or changed posts stored, by platform", ["platform"], registry=REGISTRY
)
COLLECT_ERRORS = Counter(
    "netra_collect_errors",
    "Accounts whose collection failed, by platform and reason",
    ["platform", "reason"],
    registry=REGISTRY,
)
POSTS_SCORED = Counter("netra_posts_scored", "Posts scored by the model", registry=REGISTRY)
CASES_OPENED = Counter("netra_cases_opened", "Cases opened by the flag rules", registry=REGISTRY)
JOBS = Counter("netra_jobs", "Units of work run, by job and outcome", ["job", "outcome"], registry=REGISTRY)

BACKLOG = Gauge("netra_unscored_posts", "Posts waiting for the model", registry=REGISTRY)
QUEUE_LAG = Gauge(
    "netra_queue_lag_seconds", "Age of the oldest post waiting for the model (0 when none)", registry=REGISTRY
)
CASES_BY_STATUS = Gauge("netra_cases", "Cases by status", ["status"], registry=REGISTRY)
BROKER_QUEUE = Gauge("netra_broker_queue_length", "Tasks waiting in the Celery queue", registry=REGISTRY)


def _as_aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def refresh_gauges(engine: Engine, broker_queue_length: int | None = None) -> None:
    """Read backlog, lag and cases per status from the database."""
    with Session(engine) as session:
        backlog, oldest = session.exec(
            select(func.count(), func.min(Post.captured_at)).where(col(Post.scored_version).is_(None))
        ).one()
        by_status = dict(session.exec(select(Case.status, func.count()).group_by(Case.status)).all())
    BACKLOG.set(backlog)
    QUEUE_LAG.set((utcnow() - _as_aware(oldest)).total_seconds() if oldest else 0.0)
    CASES_BY_STATUS.clear()
    for status, count in by_status.items():
        CASES_BY_STATUS.labels(status=str(status)).set(count)
    if broker_queue_length is not None:
        BROKER_QUEUE.set(broker_queue_length)


def database_ok(engine: Engine) -> tuple[bool, str]:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True, "ok"
    except Exception as exc:  # any failure means unhealthy; the message says why
        return False, f"{type(exc).__name__}: {exc}".splitlines()[0]


def bearer_matches(authorization: str | None, token: str) -> bool:
    """`Authorization: Bearer <token>` with this token (compared in constant time)."""
    scheme, _, value = (authorization or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(), token.encode())


def require_bearer(token: str) -> Callable[[Request], None]:
    """A dependency that answers 401 unless the request carries this bearer token."""

    def check(request: Request) -> None:
        if not bearer_matches(request.headers.get("authorization"), token):
            raise HTTPException(401, "bearer token required", headers={"WWW-Authenticate": 'Bearer realm="metrics"'})

    return check


def metrics_router(
    engine: Engine, broker_queue_length: object = None, *, health: bool = True, guard: Callable[..., Any] | None = None
) -> APIRouter:
    """`/healthz` (200 when the database answers, else 503) and `/metrics` (Prometheus text).

    `broker_queue_length`: optional callable returning the Celery queue length (runner "celery").
    `health=False` leaves `/healthz` to an app that has its own. `guard`: a dependency that decides who may
    read `/metrics` (it counts cases); `/healthz` tells nothing but "up", so it stays open.
    """
    router = APIRouter()

    if health:

        @router.get("/healthz", include_in_schema=False)
        def healthz() -> JSONResponse:
            ok, detail = database_ok(engine)
            return JSONResponse({"status": "ok" if ok else "error", "database": detail}, status_code=200 if ok else 503)

    @router.get("/metrics", include_in_schema=False, dependencies=[Depends(guard)] if guard else [])
    def metrics() -> Response:
        try:
            length = broker_queue_length() if callable(broker_queue_length) else None
            refresh_gauges(engine, length)
        except Exception:  # keep serving counters when the database is briefly away
            log.warning("metrics: could not refresh gauges", exc_info=True)
        return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)

    return router
