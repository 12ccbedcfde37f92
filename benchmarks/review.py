"""Review page benchmark: p50/p95 of the queue, a filtered queue and a case page under concurrent clients.

    .venv/bin/python benchmarks/review.py [--posts 1000000] [--cases 100000] [--clients 20]
                                          [--requests 1000] [--workers 4] [--no-proxy] [--keep]

Seeds a fresh schema in the PostgreSQL database `test` (NETRA_BENCH_PG_URL overrides) with COPY:
agencies, ASN, accounts, `--posts` posts with raw payloads, and `--cases` cases with scores in every
status. Starts the real app as `--workers` single-process uvicorns behind nginx (least_conn), as
docker-compose.yml deploys it (`--no-proxy`: one uvicorn with `--workers` processes), on free loopback ports,
logs in, and from this process drives `--clients` concurrent clients (closed loop, no think time, one
kept-alive HTTP/1.1 connection each, full responses read) through three scenarios; prints p50/p95/p99,
requests/s and the CPU per request of the app and of the clients for each.
Target: p95 < 150 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import psycopg
from sqlmodel import Session

from monitor.audit import GENESIS, entry_hash
from monitor.auth import create_user
from monitor.db import make_engine, upgrade

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("NETRA_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PASSWORD = "benchmark-password-1"
SECRET_KEY = uuid.uuid4().hex  # one for every server process, so a session cookie is good at each
PLATFORMS = ["bluesky", "x", "telegram", "mastodon"]
STATUSES = (
    ["open"] * 60
    + ["awaiting_second"] * 5
    + ["clarification"] * 5
    + ["confirmed"] * 10
    + ["dismissed"] * 15
    + ["forwarded"] * 3
    + ["closed"] * 2
)
TEXTS = [
    "Ayo warga coblos nomor {n}! Pemimpin yang terbukti bekerja untuk rakyat. #{tag}",
    "Jangan pilih calon nomor {n}, programnya tidak masuk akal dan janjinya kosong.",
    "Hari ini rapat koordinasi di kantor, mohon semua hadir tepat waktu ya rekan-rekan. {tag}",
    "Hadir di deklarasi relawan pasangan nomor urut {n} tadi malam, menang satu putaran! #{tag}",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def seed(conninfo: str, posts: int, cases: int, agencies: int, asns: int) -> dict[str, int]:
    rng = random.Random(42)
    now = datetime.now(UTC)
    with psycopg.connect(conninfo, autocommit=False) as conn, conn.cursor() as cur:
        with cur.copy("COPY agency (id, code, name, region, ppk_name, ppk_email, updated_at) FROM STDIN") as cp:
            for a in range(1, agencies + 1):
                cp.write_row((a, f"AG{a:03d}", f"Dinas Uji {a}", "Kota Uji", "Drs. PPK Uji", f"ppk{a}@x.go.id", now))
        with cur.copy(
            "COPY asn (id, nip, name, agency_id, unit, position, region, province, status, updated_at) FROM STDIN"
        ) as cp:
            for i in range(1, asns + 1):
                cp.write_row(
                    (
                        i,
                        str(198001012005011000 + i),
                        f"ASN Uji {i}",
                        (i % agencies) + 1,
                        f"Bidang {i % 12}",
                        "Analis",
                        "Kota Uji",
                        "Jawa Barat",
                        "active",
                        now,
                    )
                )
        with cur.copy(
            "COPY account (id, asn_id, platform, handle, verification, last_status, updated_at) FROM STDIN"
        ) as cp:
            for i in range(1, asns + 1):
                cp.write_row((i, i, PLATFORMS[i % 4], f"asn{i}", "verified", "ok", now))
        case_every = max(1, posts // cases)
        columns = (
            "id, account_id, asn_id, platform, platform_post_id, kind, url, text, posted_at, captured_at, version, "
            "raw_payload, payload_sha256, text_sha256, request_url, http_status, scored_version"
        )
        with cur.copy(f"COPY post ({columns}) FROM STDIN") as cp:
            for p in range(1, posts + 1):
                asn = (p % asns) + 1
                text = TEXTS[p % 4].format(n=p % 3 + 1, tag=f"Pilkada{p % 50}")
                posted = now - timedelta(minutes=(posts - p) * 5)
                raw = json.dumps({"id": str(p), "text": text, "author": f"asn{asn}", "created_at": posted.isoformat()})
                cp.write_row(
                    (
                        p,
                        asn,
                        asn,
                        PLATFORMS[asn % 4],
                        str(p),
                        "post",
                        f"https://example.test/{asn}/{p}",
                        text,
                        posted,
                        posted + timedelta(minutes=30),
                        1,
                        raw,
                        hashlib.sha256(raw.encode()).hexdigest(),
                        hashlib.sha256(text.encode()).hexdigest(),
                        f"https://api.example.test/{p}",
                        200,
                        "bench-v1",
                    )
                )
        labels = ("dukungan", "serangan")
        with (
            cur.copy(
                "COPY score (id, post_id, model_version, label, probabilities, target_election_id, "
                "target_candidate_number, spans, mentions, skb_category, created_at) FROM STDIN"
            ) as cp,
            cur.connection.cursor(),
        ):
            for c in range(1, cases + 1):
                p = c * case_every if c * case_every <= posts else c
                label = labels[c % 2]
                top = round(0.5 + rng.random() * 0.49, 3)
                probs = json.dumps({"netral": round(1 - top, 3), label: top})
                cp.write_row(
                    (
                        c,
                        p,
                        "bench-v1",
                        label,
                        probs,
                        "pilkada-uji-2024",
                        c % 3 + 1,
                        json.dumps([{"start": 0, "end": 12, "weight": 0.9}]),
                        "[]",
                        "media sosial",
                        now,
                    )
                )
        acted: list[tuple[int, str]] = []
        with cur.copy(
            'COPY "case" (id, post_id, asn_id, agency_id, original_key, score_id, label, score, election_id, '
            "candidate_number, status, detected_at, deadline, updated_at) FROM STDIN"
        ) as cp:
            for c in range(1, cases + 1):
                p = c * case_every if c * case_every <= posts else c
                asn = (p % asns) + 1
                detected = now - timedelta(minutes=rng.randint(0, 60 * 24 * 60))
                status = rng.choice(STATUSES)
                if status != "open":
                    acted.append((c, status))
                cp.write_row(
                    (
                        c,
                        p,
                        asn,
                        (asn % agencies) + 1,
                        f"{PLATFORMS[asn % 4]}:{p}",
                        c,
                        labels[c % 2],
                        round(0.5 + rng.random() * 0.49, 3),
                        "pilkada-uji-2024",
                        c % 3 + 1,
                        status,
                        detected,
                        detected + timedelta(days=7),
                        detected,
                    )
                )
        seed_history(cur, acted, now)
        for table in ("agency", "asn", "account", "post", "score", "case", "user", "reviewaction", "auditlog"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT max(id) FROM \"{table}\"))"
            )
        conn.commit()
    with psycopg.connect(conninfo, autocommit=True) as conn:
        for table in (
            "agency",
            "asn",
            "account",
            "post",
            "score",
            "case",
            "reviewaction",
            "auditlog",
        ):  # as autovacuum would
            conn.execute(f'VACUUM ANALYZE "{table}"')
    return {"case_every": case_every}


def seed_history(cur: psycopg.Cursor, acted: list[tuple[int, str]], now: datetime) -> None:
    """One review action and one (correctly chained) audit entry per case that is no longer open, by a
    reviewer who cannot log in: the case page then reads a realistically large audit log."""
    cur.execute(
        'INSERT INTO "user" (id, email, name, role, password_hash, active, digest_when_empty, created_at) '
        "VALUES (1000, 'reviewer@bench.go.id', 'Peninjau', 'admin', '!', true, false, %s)",
        (now,),
    )
    with cur.copy("COPY reviewaction (id, case_id, user_id, action, reason, details, created_at) FROM STDIN") as cp:
        for i, (case_id, status) in enumerate(acted, 1):
            cp.write_row((i, case_id, 1000, status, "alasan uji", "{}", now))
    prev = GENESIS
    with cur.copy(
        "COPY auditlog (id, at, actor, action, object_type, object_id, details, prev_hash, hash) FROM STDIN"
    ) as cp:
        for i, (case_id, status) in enumerate(acted, 1):
            at = now - timedelta(seconds=len(acted) - i)
            details: dict[str, object] = {"reason": "alasan uji", "to": status}
            digest = entry_hash(prev, at, "reviewer@bench.go.id", f"case.{status}", "case", str(case_id), details)
            cp.write_row(
                (
                    i,
                    at,
                    "reviewer@bench.go.id",
                    f"case.{status}",
                    "case",
                    str(case_id),
                    json.dumps(details),
                    prev,
                    digest,
                )
            )
            prev = digest


def _uvicorn(db_url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NETRA_")}
    env |= {"NETRA_DATABASE_URL": db_url, "NETRA_SECRET_KEY": SECRET_KEY, "NETRA_LOG_LEVEL": "WARNING"}
    command = [sys.executable, "-m", "uvicorn", "review_ui.asgi:app", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers), "--log-level", "warning", "--no-access-log"]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=env)


NGINX_CONF = """worker_processes 1;
error_log {tmp}/error.log warn;
pid {tmp}/nginx.pid;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    upstream netra {{
        least_conn;  # each request to the process with the fewest in flight
{servers}
        keepalive 64;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://netra;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $remote_addr;
        }}
    }}
}}
"""


def start_server(db_url: str, workers: int, proxy: bool, tmp: Path) -> tuple[list[subprocess.Popen[bytes]], str]:
    """uvicorn with `workers` processes on one port; or, with `proxy`, `workers` single-process uvicorns on
    ports of their own behind nginx, which hands each request to the least busy one (docs/review.md)."""
    port = free_port()
    if not proxy:
        procs = [_uvicorn(db_url, port, workers)]
    else:
        ports = [free_port() for _ in range(workers)]
        procs = [_uvicorn(db_url, p, 1) for p in ports]
        servers = "\n".join(f"        server 127.0.0.1:{p};" for p in ports)
        conf = tmp / "nginx.conf"
        conf.write_text(NGINX_CONF.format(tmp=tmp, servers=servers, port=port))
        procs.append(subprocess.Popen(["nginx", "-p", str(tmp), "-c", str(conf), "-g", "daemon off;"]))
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if proxy:
                for p in ports:  # every upstream answers before the proxy is used
                    httpx.get(f"http://127.0.0.1:{p}/healthz", timeout=1).raise_for_status()
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return procs, base
        except httpx.HTTPError:
            pass
        if any(proc.poll() is not None for proc in procs):
            raise SystemExit("server exited during start")
        time.sleep(0.1)
    for proc in procs:
        proc.kill()
    raise SystemExit("server did not start in 60 s")


def page_rows(base: str, cookies: httpx.Cookies, path: str) -> int:
    """How many case rows a queue page lists."""
    with httpx.Client(base_url=base, cookies=cookies) as client:
        return client.get(path).text.count('<tr class="row"')


def login(base: str, email: str) -> httpx.Cookies:
    with httpx.Client(base_url=base) as client:
        token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/login").text).group(1)  # type: ignore[union-attr]
        response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 303, response.text
        return client.cookies


async def fetch(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> int:
    """One GET on a kept-alive HTTP/1.1 connection; reads the whole response body. Returns the status."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines if line)}
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        while size := int((await reader.readline()).strip(), 16):
            await reader.readexactly(size + 2)
        await reader.readline()
    else:
        raise RuntimeError(f"response without a length: {status_line}")
    return int(status_line.split()[1])


async def run_scenario(
    base: str, cookies: httpx.Cookies, paths: list[str], clients: int
) -> tuple[list[float], int, float]:
    """`clients` closed-loop clients, each on its own kept-alive connection, take the paths in turn.

    A small raw HTTP/1.1 client rather than httpx: httpx's own CPU per request (~1-2 ms) competed with
    the server for the same cores and inflated what was measured.
    """
    host, port = base.removeprefix("http://").split(":")
    cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())
    todo = iter(paths)
    latencies: list[float] = []
    errors = 0

    async def client() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            for path in todo:
                request = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: {cookie}\r\n\r\n".encode()
                start = time.perf_counter()
                status = await fetch(reader, writer, request)
                latencies.append((time.perf_counter() - start) * 1000)
                errors += status != 200
        finally:
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return latencies, errors, time.perf_counter() - start


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def server_cpu_s(procs: list[subprocess.Popen[bytes]]) -> float:
    """CPU seconds (user + system) used so far by the server's processes and their workers (Linux /proc)."""
    total = 0.0
    pids = []
    for proc in procs:
        try:
            pids += [str(proc.pid), *Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()]
        except OSError:
            return float("nan")
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--agencies", type=int, default=50)
    parser.add_argument("--asn", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=1000, help="per scenario")
    parser.add_argument(
        "--workers", type=int, default=4, help="uvicorn worker processes (docs/review.md: 4 on 2 cores)"
    )
    parser.add_argument(
        "--proxy",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="--workers single-process uvicorns behind nginx, least_conn, as docker-compose.yml deploys the page "
        "(default); --no-proxy: one uvicorn --workers",
    )
    parser.add_argument("--keep", action="store_true", help="keep the schema (prints its name)")
    parser.add_argument("--schema", help="measure again on a schema kept by an earlier --keep run (no seeding)")
    args = parser.parse_args()
    if args.proxy and shutil.which("nginx") is None:
        raise SystemExit(
            "the benchmark puts nginx in front (as docker-compose.yml does): install it "
            "(Debian: apt-get install -y nginx-light), or pass --no-proxy for one uvicorn --workers"
        )

    reuse = args.schema is not None
    schema = args.schema or f"bench_review_{uuid.uuid4().hex[:10]}"
    admin_engine = make_engine(PG_URL)
    if not reuse:
        with admin_engine.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    db_url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    engine = make_engine(db_url)
    server: list[subprocess.Popen[bytes]] | None = None
    tmp = tempfile.TemporaryDirectory()
    try:
        upgrade(engine)
        if not reuse:
            t0 = time.perf_counter()
            conninfo = PG_URL.replace("postgresql+psycopg://", "postgresql://")
            seed(f"{conninfo}?options=-csearch_path%3D{schema}", args.posts, args.cases, args.agencies, args.asn)
            seeded = time.perf_counter() - t0
            with Session(engine) as s:
                create_user(s, "admin@bench.go.id", "Admin", "admin", password=PASSWORD)
                create_user(s, "sup@bench.go.id", "Pengawas", "supervisor", agency_code="AG012", password=PASSWORD)
                s.commit()
            print(f"seeded {args.posts:,} posts and {args.cases:,} cases in schema {schema} in {seeded:.1f} s")
        else:
            print(f"reusing schema {schema} (seeded earlier; --posts/--cases must match that run)")
        server, base = start_server(db_url, args.workers, args.proxy, Path(tmp.name))
        admin, sup = login(base, "admin@bench.go.id"), login(base, "sup@bench.go.id")
        rng = random.Random(1)
        n = args.requests
        scenarios = [
            ("queue (admin, all agencies, by score)", admin, ["/cases"] * n),
            (
                "filtered queue (supervisor: label, platform, score >= 0.7, by deadline)",
                sup,
                # the cases are on every 10th post, so in agencies 2, 12, 22, ... (ASN i: agency i % 50 + 1);
                # AG012's accounts are on x and mastodon (platform i % 4)
                ["/cases?label=dukungan&platform=x&score_min=0.7&sort=deadline"] * n,
            ),
            (
                "filtered queue (admin: agency, status all, date range, by date)",
                admin,
                ["/cases?agency=12&status=all&from=2020-01-01&to=2100-01-01&sort=date"] * n,
            ),
            ("case page (admin, random case)", admin, [f"/cases/{rng.randint(1, args.cases)}" for _ in range(n)]),
        ]
        print(
            f"{args.clients} concurrent clients, {n} requests per scenario, {args.workers} uvicorn "
            f"{'processes behind nginx' if args.proxy else 'workers'}; "
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} before measuring"
        )
        print(
            f"{'scenario':<75} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>7} {'errors':>6} {'app CPU ms/req':>14} {'client CPU':>10}"
        )
        worst = 0.0
        with asyncio.Runner(loop_factory=loop_factory()) as runner:
            for name, cookies, paths in scenarios:
                rows = page_rows(base, cookies, paths[0])
                if name.startswith(("queue", "filtered")) and rows < 20:  # an empty page would measure nothing
                    raise SystemExit(f"{name}: {paths[0]} lists only {rows} cases; the scenario must show a full page")
                runner.run(run_scenario(base, cookies, paths[: max(20, n // 10)], args.clients))  # warm-up
                cpu, app_cpu = time.process_time(), server_cpu_s(server)
                latencies, errors, elapsed = runner.run(run_scenario(base, cookies, paths, args.clients))
                cpu_ms = (time.process_time() - cpu) * 1000 / len(latencies)
                app_ms = (server_cpu_s(server) - app_cpu) * 1000 / len(latencies)
                p95 = pct(latencies, 95)
                worst = max(worst, p95)
                print(
                    f"{name:<75} {pct(latencies, 50):8.1f} {p95:8.1f} {pct(latencies, 99):8.1f} "
                    f"{len(latencies) / elapsed:7.1f} {errors:6d} {app_ms:14.2f} {cpu_ms:10.2f}"
                )
        print(
            f"worst p95 {worst:.1f} ms: {'meets' if worst < 150 else 'MISSES'} the 150 ms target "
            f"(load average {os.getloadavg()[0]:.1f} after)"
        )
    finally:
        for proc in server or []:
            proc.terminate()
            proc.wait(timeout=30)
        tmp.cleanup()
        engine.dispose()
        if args.keep or reuse:
            print(f"kept schema {schema}")
        else:
            with admin_engine.begin() as conn:
                conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin_engine.dispose()


if __name__ == "__main__":
    main()
