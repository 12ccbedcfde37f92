"""Collection throughput: 10,000 registered accounts on mixed platforms against the loopback server.

    .venv/bin/python benchmarks/scrape.py [--accounts 10000] [--posts 5] [--database-url URL]

The loopback server runs in a child process (as a real platform would be elsewhere), rate limits are
relaxed; the collector runs in this process. Prints accounts/s, posts/s, peak memory and the ratio to the
target of 10,000 accounts per minute, for a first pass (everything new) and a second (incremental) pass.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import Session, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitor.collection.service import collect_pass  # noqa: E402
from monitor.config import ScraperSettings, Settings  # noqa: E402
from monitor.db import make_engine, session_scope, upgrade  # noqa: E402
from monitor.models import Account, Agency, Asn, Post  # noqa: E402
from scrapers.loopback import LoopbackServer  # noqa: E402

TARGET_PER_MIN = 10_000
MIX = ["bluesky", "mastodon", "telegram", "rss", "youtube", "x", "html"]


def name_for(platform: str, n: int) -> str:
    return {
        "bluesky": f"asn{n}.bsky.social",
        "mastodon": f"asn{n}@mastodon.test",
        "telegram": f"kanal_asn{n}",
        "x": f"asn{n}",
    }.get(platform, f"asn{n}")


def serve(accounts: int, posts: int, conn: Any) -> None:
    """Child process: build the world and serve it until the parent says stop."""
    server = LoopbackServer()
    for n in range(accounts):
        platform = MIX[n % len(MIX)]
        server.world.add_account(platform, name_for(platform, n), posts=posts)
    server.world.requests = []
    server.start()
    handles = [server.handle_for(a) for a in server.world.accounts.values()]
    platforms = [a.platform for a in server.world.accounts.values()]
    conn.send((server.scraper_settings(), list(zip(platforms, handles, strict=True))))
    while conn.recv() == "cpu":  # until "stop": answer with this process's CPU seconds so far
        times = os.times()
        conn.send(times.user + times.system)
    server.stop()


def register(engine: Engine, pairs: list[tuple[str, str]]) -> None:
    with session_scope(engine) as session:
        agency = Agency(code="BENCH", name="Benchmark")
        session.add(agency)
        session.flush()
        asns = [Asn(nip=f"1985031220100{n:05d}", name=f"ASN {n}", agency_id=agency.id) for n in range(len(pairs))]  # type: ignore[arg-type]
        session.add_all(asns)
        session.flush()
        session.add_all(
            Account(asn_id=asn.id, platform=platform, handle=handle)  # type: ignore[arg-type]
            for asn, (platform, handle) in zip(asns, pairs, strict=True)
        )


def server_cpu_s(server: Any) -> float:
    server.send("cpu")
    return float(server.recv())


def timed_pass(engine: Engine, settings: Settings, accounts: int, server: Any) -> tuple[float, Any]:
    server_before = server_cpu_s(server)
    started, before = time.perf_counter(), os.times()
    summary = collect_pass(engine, settings)
    after = os.times()
    seconds = time.perf_counter() - started
    user_s, system_s = after.user - before.user, after.system - before.system
    cpu_s = user_s + system_s
    server_s = server_cpu_s(server) - server_before
    # On a shared machine wall time includes waiting for a CPU; CPU time per account is the steadier figure.
    print(
        f"  collector CPU {cpu_s:.1f} s of {seconds:.1f} s wall: {cpu_s / accounts * 1000:.1f} ms CPU per account, "
        f"so one free core would do {accounts / cpu_s * 60:,.0f} accounts/min "
        f"(user {user_s / accounts * 1000:.1f} ms, kernel {system_s / accounts * 1000:.1f} ms per account); "
        f"loopback server CPU {server_s / accounts * 1000:.1f} ms per account"
    )
    return seconds, summary


def report(label: str, seconds: float, summary: Any, accounts: int) -> None:
    per_s = accounts / seconds
    print(
        f"{label}: {accounts} accounts in {seconds:.1f} s = {per_s:,.0f} accounts/s ({per_s * 60:,.0f}/min), "
        f"{summary.posts_new / seconds:,.0f} new posts/s; ok {summary.accounts_ok}, failed {dict(summary.failed)}; "
        f"ratio to target {per_s * 60 / TARGET_PER_MIN:.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=5, help="posts per account")
    parser.add_argument(
        "--concurrency",
        type=int,
        default=ScraperSettings().total_concurrency,
        help="accounts and connections in flight (default: Netra's default total_concurrency)",
    )
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temporary directory")
    parser.add_argument("--profile", default=None, help="write a cProfile of the first pass to this file")
    args = parser.parse_args()

    parent, child = mp.Pipe()
    proc = mp.get_context("spawn").Process(target=serve, args=(args.accounts, args.posts, child), daemon=True)
    proc.start()
    overrides, pairs = parent.recv()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(args.database_url or f"sqlite:///{tmp}/bench.db")
        upgrade(engine)
        register(engine, pairs)
        scrapers = ScraperSettings(
            **overrides,
            requests_per_second_per_host=0,
            concurrency_per_host=args.concurrency,
            total_concurrency=args.concurrency,
            timeout_s=30,
            max_retries=2,
            backoff_base_s=0.1,
            page_size=50,
        )
        settings = Settings(_env_file=None, data_dir=Path(tmp), scrapers=scrapers)  # type: ignore[call-arg]
        print(
            f"{args.accounts} accounts ({', '.join(MIX)}), {args.posts} posts each, concurrency {args.concurrency}, "
            f"database {engine.url.get_backend_name()}"
        )
        if args.profile:
            import cProfile

            with cProfile.Profile() as profiler:
                seconds, first = timed_pass(engine, settings, args.accounts, parent)
            profiler.dump_stats(args.profile)
        else:
            seconds, first = timed_pass(engine, settings, args.accounts, parent)
        report("first pass (all new)", seconds, first, args.accounts)
        seconds, second = timed_pass(engine, settings, args.accounts, parent)
        report("second pass (incremental)", seconds, second, args.accounts)
        with Session(engine) as session:
            stored = session.exec(select(func.count()).select_from(Post)).one()
        print(f"posts stored: {stored:,} (expected {args.accounts * args.posts:,})")
        archived = list((Path(tmp) / "warc").rglob("*.warc.gz"))
        size = sum(p.stat().st_size for p in archived)
        print(
            f"responses archived (WARC): {size / 2**20:,.1f} MiB in {len(archived)} files, "
            f"{size / 1024 / (2 * args.accounts):.1f} KiB per account per pass"
        )
        engine.dispose()
    parent.send("stop")
    proc.join(timeout=10)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (collector process, max RSS): {peak_mb:,.0f} MiB")


if __name__ == "__main__":
    main()
