"""Celery at national scale: Redis broker, tasks that call the same `monitor.work.tasks` functions.

Delivery is at-least-once: a task is acknowledged only after it finished (`acks_late`), a task whose
worker process died is handed back (`reject_on_worker_lost`), and a task held by a worker that
vanished entirely returns to the queue after the broker's visibility timeout. The pipeline's writes
are idempotent, so a task run twice stores nothing twice.

`netra worker` starts a worker; `celery -A monitor.work.celery_app worker` does the same.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Celery
from celery.signals import worker_process_init

from monitor.config import Settings, get_settings
from monitor.db import get_engine
from monitor.work.tasks import TASKS, run_task, stored_new

__all__ = ["app", "make_celery"]

log = logging.getLogger(__name__)


def _task_body(name: str, settings: Settings, celery: Celery) -> Any:
    def body(**kwargs: Any) -> dict[str, Any]:
        engine = get_engine(settings.db_url)  # one engine per worker process, created after the fork
        result = run_task(engine, settings, name, **kwargs)
        if settings.runner == "celery" and stored_new(name, result):
            # New posts: hand scoring to whichever worker is free next.
            celery.send_task("netra.process_new", kwargs={}, queue=settings.celery.queue)
        return result

    body.__name__ = name
    return body


def make_celery(settings: Settings) -> Celery:
    celery = Celery("netra", broker=settings.broker_url, set_as_current=False)
    celery.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,  # a worker holds one unacknowledged task per process, no hoarding
        task_default_queue=settings.celery.queue,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        broker_transport_options={
            "visibility_timeout": settings.celery.visibility_timeout_s,
            "global_keyprefix": settings.celery.key_prefix,
            # Look for tasks of vanished workers a few times per visibility timeout.
            "unacked_restore_interval": max(1, min(60, settings.celery.visibility_timeout_s // 4)),
            "unacked_restore_throttle": 1,
        },
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        timezone=settings.scheduler.timezone,
        enable_utc=True,
    )
    for name in TASKS:
        celery.task(name=f"netra.{name}", acks_late=True, reject_on_worker_lost=True)(
            _task_body(name, settings, celery)
        )
    return celery


@worker_process_init.connect
def _fresh_engines(**_: Any) -> None:
    """A forked worker process must not share the parent's database connections."""
    from monitor import db

    for engine in db._engines.values():
        engine.dispose(close=False)
    db._engines.clear()


app = make_celery(get_settings())
