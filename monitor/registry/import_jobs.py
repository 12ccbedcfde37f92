"""Registry imports from the admin page, run in a worker thread so that the web process keeps answering.

A 10,000-row file takes several seconds of CPU and database work. Run inside the request it froze every
other request of that process; here the request only stores the upload's job row and starts a thread, and
the page follows the job's row (`ImportJob`), which the import updates after every chunk of rows in the
chunk's own transaction (`monitor.registry.csv_import.CHUNK_ROWS`). The row is in the database, so any web
replica can show it. One registry import runs at a time: two at once would fight over the same rows.

A thread dies with its process (a restart, a crash): its job then stops moving and, after `STALE_AFTER`, is
shown as interrupted; what its finished chunks stored stays, and importing the file again completes it.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from monitor.audit import record
from monitor.models import ImportJob, utcnow
from monitor.registry.csv_import import ImportReport, RegistryFileError, import_registry_bytes

__all__ = [
    "MAX_ERRORS_KEPT",
    "STALE_AFTER",
    "ImportBusy",
    "job_state",
    "recent_jobs",
    "run_registry_job",
    "start_registry_import",
]

log = logging.getLogger(__name__)
MAX_ERRORS_KEPT = 200  # rejected rows whose message the job keeps for the page (the count is always complete)
STALE_AFTER = timedelta(minutes=2)  # a running job that has not moved for this long lost its process


class ImportBusy(Exception):
    """Another registry import is running; `job` is it."""

    def __init__(self, job: ImportJob) -> None:
        super().__init__(f"registry import {job.id} by {job.actor} is still running")
        self.job = job


def job_state(job: ImportJob, now: datetime | None = None) -> str:
    """running, done, failed, or interrupted (running, but its process stopped moving it)."""
    if job.status == "running" and (now or utcnow()) - job.updated_at > STALE_AFTER:
        return "interrupted"
    return job.status


def recent_jobs(session: Session, limit: int = 10) -> list[ImportJob]:
    return list(session.exec(select(ImportJob).order_by(col(ImportJob.id).desc()).limit(limit)))


def start_registry_import(engine: Engine, data: bytes, filename: str, actor: str) -> int:
    """Store the job and start its thread; returns the job's id at once."""
    with Session(engine, expire_on_commit=False) as session:
        running = session.exec(select(ImportJob).where(ImportJob.status == "running")).all()
        busy = next((j for j in running if job_state(j) == "running"), None)
        if busy is not None:
            raise ImportBusy(busy)
        job = ImportJob(filename=filename[:255], actor=actor)
        session.add(job)
        session.commit()
    assert job.id is not None
    threading.Thread(
        target=run_registry_job, args=(engine, job.id, data), name=f"registry-import-{job.id}", daemon=True
    ).start()
    return job.id


def run_registry_job(engine: Engine, job_id: int, data: bytes) -> None:
    """The import itself, reporting into the job's row; never raises (the row says what went wrong)."""

    def progress(session: Session, done: int, total: int) -> None:
        values = {"rows_done": done, "rows_total": total, "updated_at": utcnow()}
        session.execute(update(ImportJob).where(col(ImportJob.id) == job_id).values(**values))

    try:
        report = import_registry_bytes(engine, data, progress)
    except RegistryFileError as exc:  # the file as a whole: not readable, no header, ...
        _finish(engine, job_id, "failed", error=str(exc))
    except Exception:
        log.exception("registry import failed", extra={"job": job_id})
        # Chunks already committed stay; importing the file again completes it (stored rows do not change).
        why = "internal error; rows stored before it stay, upload the file again to complete it (server log: details)"
        _finish(engine, job_id, "failed", error=why)
    else:
        _finish(engine, job_id, "done", report=report)


def _finish(
    engine: Engine, job_id: int, status: str, *, error: str | None = None, report: ImportReport | None = None
) -> None:
    with Session(engine) as session:
        job = session.get(ImportJob, job_id)
        assert job is not None
        job.status, job.error, job.finished_at = status, error, utcnow()
        job.updated_at = job.finished_at
        if report is not None:
            job.rows_done = job.rows_total = max(job.rows_total, sum(report.rows.values()))
            job.result = {
                "rows": {k: report.rows[k] for k in ("created", "updated", "unchanged", "rejected")},
                "entities": dict(report.entities),
                "unknown_columns": report.unknown_columns,
                "rejected": [r.message() for r in report.rejected[:MAX_ERRORS_KEPT]],
                "rejected_total": len(report.rejected),
            }
            details = {"summary": report.summary(), "job": job_id}
            record(session, job.actor, "admin.import_registry", "registry", job.filename or "upload", details)
        session.add(job)
        session.commit()
