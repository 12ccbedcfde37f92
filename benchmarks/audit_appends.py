"""Audit appends per second under 200 concurrent writers, on SQLite and on PostgreSQL, chain verified after each.

    .venv/bin/python benchmarks/audit_appends.py [--writers 200] [--processes 2] [--rounds 3]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]

Each round releases `writers` threads at once, spread over `processes` forked processes (each with its own
engine, as separate `netra serve` replicas have), and each thread appends one entry through
`monitor.audit.record` in its own transaction, as a failed login or an evidence download does. After each
round the whole chain is walked: the run fails (exit 1) unless every append succeeded and the chain is one
unbroken line. SQLite: a temporary file; PostgreSQL: a throw-away schema, dropped afterwards.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlmodel import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest import database  # noqa: E402  (benchmarks/digest.py: a temporary SQLite file or PostgreSQL schema)

from monitor.audit import walk  # noqa: E402
from monitor.db import make_engine, upgrade  # noqa: E402
from tests.utils.audit_writers import append_concurrently  # noqa: E402


def bench(url: str, backend: str, *, writers: int, processes: int, rounds: int) -> bool:
    engine = make_engine(url)
    upgrade(engine)
    rates: list[float] = []
    intact = True
    try:
        for n in range(1, rounds + 1):
            run = append_concurrently(url, processes=processes, threads=writers // processes)
            t = time.perf_counter()
            with Session(engine) as session:
                chain = walk(session)
            verify_s = time.perf_counter() - t
            ok = not run.errors and chain.broken is None and chain.verified == n * writers
            intact &= ok
            rates.append(run.per_second)
            print(
                f"{backend} round {n}: {run.appended} appends in {run.seconds:.2f} s = {run.per_second:.0f}/s; "
                f"errors {len(run.errors)}; chain {'intact' if ok else 'BROKEN'} "
                f"({chain.verified} entries verified in {verify_s * 1000:.0f} ms)",
                flush=True,
            )
            for error in run.errors[:3]:
                print(f"  error: {error}")
            if chain.broken is not None:
                print(f"  broken at #{chain.broken.id}: {chain.broken.reason}")
    finally:
        engine.dispose()
    print(f"{backend}: median {statistics.median(rates):.0f} appends/s over {rounds} rounds of {writers} writers")
    return intact


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--writers", type=int, default=200)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    print(f"{args.writers} writers in {args.processes} processes; load average {os.getloadavg()[0]:.1f}")
    intact = True
    with tempfile.TemporaryDirectory() as tmp:
        for pg_url in (None, args.postgres):
            with database(pg_url, Path(tmp)) as (url, backend):
                intact &= bench(url, backend, writers=args.writers, processes=args.processes, rounds=args.rounds)
    sys.exit(0 if intact else 1)


if __name__ == "__main__":
    main()
