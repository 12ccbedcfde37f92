"""End-to-end pipeline throughput: loopback source -> collect -> score -> cases, on Celery workers.

    .venv/bin/python benchmarks/pipeline.py [--posts 100000] [--workers 1,2] [--model default|tiny]

The loopback server runs in a child process and serves `--posts` posts spread over accounts of
`--per-account` posts each. The texts are drawn from Netra's labelled corpus (its elections are imported):
`--partisan-share` of them labelled `dukungan`/`serangan` there (default 0.1: the timelines of civil
servants are overwhelmingly neutral, and each partisan post costs an extra occlusion pass for its spans),
the rest `netral`. For each worker count a fresh PostgreSQL schema is created, the corpus elections are
imported, the accounts registered, and that many `netra worker` processes (one task at a time each, as `netra worker -c 1`) are started on
the real Redis. One `collect_batch` task per `--batch` accounts is queued; each collect task queues a
`process_new` (score + open cases) task, exactly as under `netra run`. The clock stops when every post
is stored, scored and looked at by the flag rules. Prints posts/s end to end, when collection alone
finished, cases opened, and peak memory (max RSS) of the worker processes.

`--model default` uses the active model under the data dir (building it if needed, minutes);
`--model tiny` trains a tiny randomly initialised model (seconds) to measure the pipeline around it.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import redis
from sqlalchemy import Engine, func, text
from sqlmodel import Session, col, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classifiers.corpus.load import DEFAULT_CORPUS, DEFAULT_ELECTIONS, load_corpus  # noqa: E402
from classifiers.elections import load_registry  # noqa: E402
from monitor.config import Settings  # noqa: E402
from monitor.db import make_engine, session_scope, upgrade  # noqa: E402
from monitor.models import Account, Agency, Asn, Case, CasePost, Post, Score  # noqa: E402
from monitor.registry.elections import import_elections  # noqa: E402
from monitor.work.runner import CeleryRunner  # noqa: E402
from scrapers.loopback import LoopbackServer  # noqa: E402
from tests.utils.procs import NetraProcess, wait_for  # noqa: E402

PG_URL = os.environ.get("NETRA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = "redis://127.0.0.1:6379/0"


def serve(accounts: int, per_account: int, partisan_share: float, conn: Any) -> None:
    """Child process: the loopback platform with `accounts` Bluesky accounts, until told to stop."""
    rng = random.Random(5)
    rows = load_corpus(DEFAULT_CORPUS)
    neutral = [r.text for r in rows if r.label == "netral"]
    partisan = [r.text for r in rows if r.label != "netral"]
    server = LoopbackServer()
    for n in range(accounts):
        account = server.world.add_account("bluesky", f"pegawai{n}.bsky.social")
        for _ in range(per_account):
            server.world.add_post(account, rng.choice(partisan if rng.random() < partisan_share else neutral))
    server.start()
    handles = [server.handle_for(a) for a in server.world.accounts.values()]
    conn.send((server.scraper_settings(), handles))
    conn.recv()
    server.stop()


def fresh_schema() -> tuple[str, str]:
    schema = f"netra_bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    return schema, f"{PG_URL}?options=-csearch_path%3D{schema}"


def drop_schema(schema: str) -> None:
    admin = make_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def register(engine: Engine, handles: list[str]) -> None:
    with session_scope(engine) as session:
        registry = load_registry(DEFAULT_ELECTIONS)
        import_elections(session, registry)
        agency = Agency(code="BENCH", name="Benchmark", region="Indonesia")
        session.add(agency)
        session.flush()
        # ASN serve in the corpus elections' regions in turn, so the flag rules see concerned and unconcerned ones.
        regions = sorted({e.region for e in registry.elections})
        asns = [
            Asn(nip=f"1985031220100{n:05d}", name=f"ASN {n}", agency_id=agency.id, region=regions[n % len(regions)])  # type: ignore[arg-type]
            for n in range(len(handles))
        ]
        session.add_all(asns)
        session.flush()
        session.add_all(
            Account(asn_id=asn.id, platform="bluesky", handle=handle)  # type: ignore[arg-type]
            for asn, handle in zip(asns, handles, strict=True)
        )


def prepare_model(data_dir: Path, kind: str) -> str:
    from monitor.model.scoring import ensure_default_model, train_model

    settings = Settings(_env_file=None, data_dir=data_dir)
    if kind == "tiny":
        import torch

        from tests.utils.tiny_model import build_tiny_base

        torch.manual_seed(0)  # the tiny base is random: the same one every run
        base = build_tiny_base(data_dir / "tiny-base")
        return train_model(settings, base=base, epochs=1).version.name
    return ensure_default_model(settings).name


def counts(engine: Engine) -> tuple[int, int, int, int]:
    with Session(engine) as s:
        posts = s.exec(select(func.count()).select_from(Post)).one()
        scored = s.exec(select(func.count()).where(col(Post.scored_version).is_not(None))).one()
        unchecked = s.exec(select(func.count()).where(col(Score.flag_checked_at).is_(None))).one()
        cases = s.exec(select(func.count()).select_from(Case)).one()
    return posts, scored, unchecked, cases


def peak_rss_mib(pid: int) -> float:
    """Max RSS (VmHWM) of a process and its children, summed."""
    total = 0
    pids = [pid]
    while pids:
        p = pids.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")))
            for task in Path(f"/proc/{p}/task").iterdir():
                pids += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration):
            continue
    return total / 1024


def run_once(
    workers: int, handles: list[str], overrides: dict[str, Any], args: argparse.Namespace, data_dir: Path
) -> dict[str, Any]:
    schema, url = fresh_schema()
    run_id = uuid.uuid4().hex[:8]
    queue, prefix = f"netra-bench-{run_id}", f"netra-bench-{run_id}:"
    engine = make_engine(url)
    procs: list[NetraProcess] = []
    try:
        upgrade(engine)
        register(engine, handles)
        scrapers = overrides | {"requests_per_second_per_host": 0, "concurrency_per_host": 16, "total_concurrency": 16,
                                "max_retries": 2, "backoff_base_s": 0.1, "page_size": 100, "max_pages_per_account": 10}  # fmt: skip
        env = {
            "NETRA_DATABASE_URL": url, "NETRA_DATA_DIR": str(data_dir), "NETRA_RUNNER": "celery",
            "NETRA_BROKER_URL": REDIS_URL, "NETRA_CELERY__QUEUE": queue, "NETRA_CELERY__KEY_PREFIX": prefix,
            "NETRA_CELERY__CONCURRENCY": "1", "NETRA_SCRAPERS": json.dumps(scrapers), "NETRA_LOG_LEVEL": "INFO",
            # The machine's cores shared out between the workers: more torch threads than cores makes them spin.
            "NETRA_CLASSIFIER__THREADS": str(max(1, (os.cpu_count() or 1) // workers)),
        }  # fmt: skip
        if args.threshold is not None:
            env["NETRA_CLASSIFIER__OPERATING_THRESHOLD"] = str(args.threshold)
            env["NETRA_FLAGGING__UNTARGETED_THRESHOLD"] = str(args.threshold)
        logs = Path(tempfile.mkdtemp(prefix="netra-bench-logs-"))
        procs = [NetraProcess(["worker"], env, logs, f"worker{i}") for i in range(workers)]
        wait_for(lambda: all("ready" in p.text() for p in procs), timeout=120, what="workers ready")
        settings = Settings(_env_file=None, broker_url=REDIS_URL, celery={"queue": queue, "key_prefix": prefix})
        runner = CeleryRunner(settings)
        with Session(engine) as s:
            ids = list(s.exec(select(Account.id).order_by(col(Account.id))).all())
        started = time.perf_counter()
        for i in range(0, len(ids), args.batch):
            runner.submit("collect_batch", account_ids=ids[i : i + args.batch])
        collected_at = None
        while True:
            posts, scored, unchecked, cases = counts(engine)
            now = time.perf_counter() - started
            if collected_at is None and posts >= args.posts:
                collected_at = now
            if posts >= args.posts and scored >= args.posts and unchecked == 0 and runner.queue_length() == 0:
                break
            if now > args.timeout:
                raise SystemExit(f"timed out: posts {posts}, scored {scored}, unchecked {unchecked}")
            time.sleep(0.5)  # sampling interval of the progress poll
        elapsed = time.perf_counter() - started
        peak = [peak_rss_mib(p.pid) for p in procs]
        with Session(engine) as s:
            members = s.exec(select(func.count()).select_from(CasePost)).one()
            keys = s.exec(select(func.count(func.distinct(Post.platform_post_id)))).one()
            labels = dict(s.exec(select(Score.label, func.count()).group_by(Score.label)).all())
        runner.shutdown()
        return {
            "workers": workers, "posts": posts, "distinct": keys, "elapsed": elapsed, "collected_at": collected_at,
            "cases": cases, "members": members, "peak": peak, "labels": labels,
        }  # fmt: skip
    finally:
        for p in procs:
            if p.proc.poll() is None:
                p.terminate(timeout=60)
            p.close()
        engine.dispose()
        drop_schema(schema)
        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(match=f"{prefix}*"))
        if keys:
            client.delete(*keys)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--per-account", type=int, default=20, help="posts per account")
    parser.add_argument("--batch", type=int, default=50, help="accounts per collect task")
    parser.add_argument("--workers", default="1,2", help="worker counts to run, e.g. 1,2")
    parser.add_argument("--model", choices=["default", "tiny"], default="default")
    parser.add_argument("--data-dir", default=None, help="where the model lives (default ./netra-data)")
    parser.add_argument("--partisan-share", type=float, default=0.1, help="share of partisan texts (0 to 1)")
    parser.add_argument("--timeout", type=float, default=3 * 3600)
    parser.add_argument(
        "--threshold", type=float, default=None,
        help="operating and untargeted thresholds for the workers (default: the settings; 0.0 with --model tiny, "
        "whose untrained guesses would otherwise never open a case)",
    )  # fmt: skip
    args = parser.parse_args()
    accounts = max(1, args.posts // args.per_account)
    args.posts = accounts * args.per_account
    data_dir = Path(args.data_dir or ROOT / "netra-data").resolve()
    if args.model == "tiny":
        data_dir = Path(tempfile.mkdtemp(prefix="netra-bench-model-"))
        args.threshold = 0.0 if args.threshold is None else args.threshold
    t0 = time.perf_counter()
    version = prepare_model(data_dir, args.model)
    print(f"model {version} ({args.model}) ready in {time.perf_counter() - t0:.1f} s")

    parent, child = mp.Pipe()
    proc = mp.get_context("spawn").Process(
        target=serve, args=(accounts, args.per_account, args.partisan_share, child), daemon=True
    )
    proc.start()
    overrides, handles = parent.recv()
    print(f"{args.posts:,} posts on {accounts:,} accounts ({args.partisan_share:.0%} partisan texts); collect tasks of {args.batch} accounts; PostgreSQL + Redis; "
          f"{os.cpu_count()} CPUs on this machine (load average {os.getloadavg()[0]:.1f})")  # fmt: skip
    results = []
    try:
        for workers in [int(w) for w in args.workers.split(",")]:
            r = run_once(workers, handles, overrides, args, data_dir)
            results.append(r)
            print(
                f"{workers} worker(s): {r['posts']:,} posts ({r['distinct']:,} distinct) collected, scored and checked in "
                f"{r['elapsed']:.1f} s = {r['posts'] / r['elapsed']:,.0f} posts/s end to end "
                f"(collection alone done at {r['collected_at']:.1f} s); cases {r['cases']:,} (+{r['members']:,} reposts "
                f"joined); labels {r['labels']} (each non-netral post also gets an occlusion pass for its spans); "
                f"peak RSS per worker {', '.join(f'{m:,.0f}' for m in r['peak'])} MiB"
            )
    finally:
        parent.send("stop")
        proc.join(timeout=10)
    if len(results) >= 2:
        base = results[0]["posts"] / results[0]["elapsed"]
        for r in results[1:]:
            print(
                f"speed-up {r['workers']} vs {results[0]['workers']} worker(s): {r['posts'] / r['elapsed'] / base:.2f}x"
            )


if __name__ == "__main__":
    main()
