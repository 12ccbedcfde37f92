"""Many audit writers at once, as a deployment has them: several processes (web replicas, the daemon, the
CLI), each with its own engine and many request threads, all appending through `monitor.audit.record`."""

from __future__ import annotations

import multiprocessing as mp
import os
import threading
import time
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from monitor.audit import record
from monitor.db import make_engine


@dataclass(frozen=True)
class AppendRun:
    appended: int
    errors: list[str]
    seconds: float  # from the start signal until the last process finished

    @property
    def per_second(self) -> float:
        return self.appended / self.seconds if self.seconds else 0.0


def _process(url: str, index: int, threads: int, start: Any, ready: Any, results: Any) -> None:
    """One writer process: its own engine (what a separate `netra serve` has), `threads` threads."""
    errors: list[str] = []
    appended = 0
    lock = threading.Lock()
    engine = make_engine(url)

    def writer(n: int) -> None:
        nonlocal appended
        start.wait()
        try:
            with Session(engine) as session:
                record(session, f"writer{index}.{n}@x.id", "login.failed", "user", n, {"process": index})
                session.commit()
            with lock:
                appended += 1
        except Exception as exc:  # reported to the parent, which fails the run
            with lock:
                errors.append(f"{type(exc).__name__}: {exc}"[:300])

    workers = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    ready.release()
    for worker in workers:
        worker.join()
    results.put((appended, errors))
    results.close()
    results.join_thread()  # the queue's feeder thread must hand the result over before the hard exit
    # No interpreter shutdown: the forked child must not close connections it inherited from the parent.
    os._exit(0)


def append_concurrently(url: str, *, processes: int, threads: int, timeout: float = 300) -> AppendRun:
    """`processes` x `threads` writers released together, one audit entry each."""
    ctx = mp.get_context("fork")  # cheap: the children need no re-import
    start, ready, results = ctx.Event(), ctx.Semaphore(0), ctx.Queue()
    procs = [ctx.Process(target=_process, args=(url, i, threads, start, ready, results)) for i in range(processes)]
    for proc in procs:
        proc.start()
    for _ in procs:
        if not ready.acquire(timeout=timeout):
            raise TimeoutError("writer processes did not start")
    began = time.perf_counter()
    start.set()
    outcomes = [results.get(timeout=timeout) for _ in procs]
    seconds = time.perf_counter() - began
    for proc in procs:
        proc.join(timeout=timeout)
    return AppendRun(sum(a for a, _ in outcomes), [e for _, errs in outcomes for e in errs], seconds)
