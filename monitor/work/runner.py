"""Runners decide WHERE work runs; the scheduler decides when, `monitor.work.tasks` says what.

- `LocalRunner` (`NETRA_RUNNER=local`, the default): an in-process pool of threads.
- `CeleryRunner` (`NETRA_RUNNER=celery`): sends Celery tasks to the Redis broker; `netra worker`s run them.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Protocol

from sqlalchemy import Engine

from monitor.config import Settings
from monitor.work.tasks import TASKS, run_task, stored_new

__all__ = ["CeleryRunner", "LocalRunner", "Runner", "make_runner"]

log = logging.getLogger(__name__)


class Runner(Protocol):
    def submit(self, task: str, *, delay_s: float = 0.0, unique: bool = False, **kwargs: Any) -> None:
        """Run `pipeline.TASKS[task](engine, settings, **kwargs)` somewhere, `delay_s` from now;
        `unique`: not if the same task is already queued or running here."""
        ...

    def busy(self, task: str) -> bool:
        """Whether `task` is queued or running here already (to avoid piling up the same work)."""
        ...

    def shutdown(self, *, wait: bool = True) -> None: ...


class LocalRunner:
    """Threads in this process. Shutdown lets running work finish; delayed work not yet started is
    dropped, which is safe: accounts stay due (their cursor and last collection time are stored)."""

    def __init__(self, engine: Engine, settings: Settings, workers: int | None = None) -> None:
        self.engine = engine
        self.settings = settings
        self._pool = ThreadPoolExecutor(
            max_workers=workers or settings.scheduler.local_workers, thread_name_prefix="netra-work"
        )
        self._timers: set[threading.Timer] = set()
        self._active: dict[str, int] = {}
        self._lock = threading.Lock()
        self._closed = False

    def _run(self, task: str, kwargs: dict[str, Any]) -> None:
        result: dict[str, Any] = {}
        try:
            result = run_task(self.engine, self.settings, task, **kwargs)
        except Exception:
            log.exception("task failed", extra={"task": task})
        finally:
            with self._lock:
                self._active[task] -= 1
        if stored_new(task, result):
            self.submit("process_new", unique=True)  # score what was just collected, as the Celery workers do

    def _start(
        self, task: str, kwargs: dict[str, Any], timer: threading.Timer | None = None, unique: bool = False
    ) -> Future[None] | None:
        with self._lock:
            if timer is not None:
                self._timers.discard(timer)
            if self._closed or (unique and self._active.get(task, 0) > 0):
                return None
            self._active[task] = self._active.get(task, 0) + 1
            return self._pool.submit(self._run, task, kwargs)

    def submit(self, task: str, *, delay_s: float = 0.0, unique: bool = False, **kwargs: Any) -> None:
        if task not in TASKS:
            raise KeyError(f"unknown task {task!r}")
        if delay_s <= 0:
            self._start(task, kwargs, unique=unique)
            return
        timer = threading.Timer(delay_s, lambda: self._start(task, kwargs, timer))
        timer.daemon = True
        with self._lock:
            if self._closed:
                return
            self._timers.add(timer)
        timer.start()

    def busy(self, task: str) -> bool:
        with self._lock:
            return self._active.get(task, 0) > 0

    def shutdown(self, *, wait: bool = True) -> None:
        with self._lock:
            self._closed = True
            timers, self._timers = self._timers, set()
        for timer in timers:
            timer.cancel()
        self._pool.shutdown(wait=wait, cancel_futures=True)


class CeleryRunner:
    """Sends tasks to the Celery queue `settings.celery.queue`."""

    def __init__(self, settings: Settings) -> None:
        from monitor.work.celery_app import make_celery

        self.settings = settings
        self.app = make_celery(settings)

    def submit(self, task: str, *, delay_s: float = 0.0, unique: bool = False, **kwargs: Any) -> None:
        # `unique` is not enforced across machines: the tasks are idempotent, and process_new lets one
        # worker score at a time anyway.
        if task not in TASKS:
            raise KeyError(f"unknown task {task!r}")
        self.app.send_task(f"netra.{task}", kwargs=kwargs, countdown=delay_s or None, queue=self.settings.celery.queue)

    def busy(self, task: str) -> bool:
        return False  # workers are elsewhere; tasks are idempotent, so a duplicate costs only time

    def queue_length(self) -> int:
        with self.app.connection_for_write() as connection:
            # The transport's client adds `celery.key_prefix` itself.
            return int(connection.default_channel.client.llen(self.settings.celery.queue))

    def shutdown(self, *, wait: bool = True) -> None:
        self.app.close()


def make_runner(engine: Engine, settings: Settings) -> LocalRunner | CeleryRunner:
    return CeleryRunner(settings) if settings.runner == "celery" else LocalRunner(engine, settings)
