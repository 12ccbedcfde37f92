"""`netra run` (the scheduler), `netra worker` (a Celery worker) and `netra status`."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import threading
from dataclasses import asdict
from datetime import datetime
from typing import Any

import typer
from rich.table import Table

from monitor.cli._common import console, ready_engine, settings

log = logging.getLogger("monitor.cli.daemon")


def _serve_health(
    engine: Any, port: int, queue_length: Any = None, *, host: str = "127.0.0.1", token: str | None = None
) -> Any:
    """/healthz and /metrics on a small port, in a thread; returns the uvicorn server (set should_exit).

    Loopback unless told otherwise: /metrics counts cases. With `token`, /metrics wants it as a bearer token.
    """
    import uvicorn
    from fastapi import FastAPI

    from monitor.metrics import metrics_router, require_bearer

    if host not in ("127.0.0.1", "::1", "localhost") and token is None:
        log.warning("metrics served beyond loopback without NETRA_METRICS_TOKEN", extra={"host": host, "port": port})
    api = FastAPI(title="netra run", docs_url=None, redoc_url=None, openapi_url=None)
    api.include_router(metrics_router(engine, queue_length, guard=require_bearer(token) if token else None))
    server = uvicorn.Server(uvicorn.Config(api, host=host, port=port, log_level="warning", access_log=False))
    threading.Thread(target=server.run, name="netra-metrics", daemon=True).start()
    return server


def run(
    metrics_port: int = typer.Option(
        None, help="Port for /healthz and /metrics (default: NETRA_SCHEDULER__METRICS_PORT; 0 turns it off)."
    ),
    metrics_host: str | None = typer.Option(
        None, help="Address for /healthz and /metrics (default: NETRA_SCHEDULER__METRICS_HOST, 127.0.0.1)."
    ),
) -> None:
    """Run the scheduler: collect, score, open cases, send digests, purge, until SIGTERM/Ctrl-C.

    Several `netra run` may share a PostgreSQL database: one leads and schedules, the others stand by.
    With NETRA_RUNNER=local (default) the work runs in this process; with celery, `netra worker`s run it.
    """
    from monitor.logging_setup import configure_logging
    from monitor.work.daemon import Daemon
    from monitor.work.leader import make_leader
    from monitor.work.runner import CeleryRunner, make_runner

    cfg = settings()
    configure_logging(cfg, process="netra-run")
    engine = ready_engine()
    runner = make_runner(engine, cfg)
    daemon = Daemon(engine, cfg, runner, make_leader(cfg.db_url))
    stop = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        log.info("signal received; finishing in-flight work", extra={"signal": signal.Signals(signum).name})
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    port = cfg.scheduler.metrics_port if metrics_port is None else metrics_port
    server = None
    if port:
        queue_length = runner.queue_length if isinstance(runner, CeleryRunner) else None
        host = metrics_host or cfg.scheduler.metrics_host
        server = _serve_health(engine, port, queue_length, host=host, token=cfg.metrics_token)
    log.info("netra run started", extra={"runner": cfg.runner, "metrics_port": port, "pid": os.getpid()})
    try:
        daemon.run(stop)
    finally:
        if server is not None:
            server.should_exit = True


def worker(
    concurrency: int = typer.Option(
        None, "--concurrency", "-c", help="Worker processes (default NETRA_CELERY__CONCURRENCY)."
    ),
    loglevel: str = typer.Option("INFO", help="Celery log level."),
) -> None:
    """Start a Celery worker that runs collection, scoring and case opening from the Redis queue."""
    from monitor.logging_setup import configure_logging
    from monitor.work.celery_app import app as celery_app

    cfg = settings()
    processes = concurrency or cfg.celery.concurrency
    if cfg.classifier.threads == 0:
        # Each pool process scores with torch; more torch threads than cores makes them spin (measured with
        # 2 processes x 2 threads on 2 cores: 50 posts/s instead of 136). The forked processes inherit this.
        cfg.classifier.threads = worker_threads(os.cpu_count() or 1, processes)
    configure_logging(cfg, process="netra-worker")
    ready_engine()  # migrate before the first task; the engine is recreated in each worker process
    celery_app.worker_main(
        [
            "worker",
            f"--loglevel={loglevel}",
            "-Q",
            cfg.celery.queue,
            "-c",
            str(processes),
            "-n",
            f"netra-{os.getpid()}@{socket.gethostname()}",
            "--without-gossip",
            "--without-mingle",
        ]
    )


def worker_threads(cores: int, processes: int) -> int:
    """Torch threads per pool process: the host's cores shared out, at least one."""
    return max(1, cores // processes)


def _when(value: datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M %Z") if value else "-"


def status(as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables.")) -> None:
    """Show per platform the last run and failing accounts, the scoring backlog, cases and digest problems."""
    from monitor.work.status import gather_status

    report = gather_status(ready_engine(), settings().models_dir)
    if as_json:
        data = asdict(report)
        for p, platform in zip(data["platforms"], report.platforms, strict=True):
            p["failing"] = platform.failing
        console.print_json(json.dumps(data, default=str))
        return
    table = Table(title="Collection per platform")
    for column in ("platform", "last run", "accounts ok/failed", "new posts", "accounts by status"):
        table.add_column(column)
    for p in report.platforms:
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(p.accounts.items()))
        table.add_row(p.platform, _when(p.last_started), f"{p.last_ok}/{p.last_failed}", str(p.last_new), statuses)
    console.print(table)
    if not report.platforms:
        console.print("No accounts registered yet (netra registry import).")
    console.print(
        f"Waiting for the model: {report.unscored} posts (oldest captured {_when(report.oldest_unscored)}); "
        f"scores waiting for the flag rules: {report.unchecked_scores}"
    )
    cases = ", ".join(f"{k}: {v}" for k, v in sorted(report.cases.items())) or "none"
    console.print(f"Cases: {cases}")
    active = report.active_model or "[red]none[/red] (netra model train)"
    console.print(f"Model: active {active}; newest post scored with {report.model_version or '(nothing scored yet)'}")
    if report.digest_problems:
        console.print(f"[red]Digest problems ({len(report.digest_problems)}):[/red]")
        for problem in report.digest_problems[:20]:
            console.print(f"  {problem.week} {problem.email}: {problem.error} (after {problem.attempts} attempts)")
    else:
        console.print("Digest: no failed deliveries")
