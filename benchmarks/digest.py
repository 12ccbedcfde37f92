"""Weekly digest benchmark: render and send digests for N supervisors to a loopback SMTP server.

    .venv/bin/python benchmarks/digest.py [--supervisors 1000] [--agencies 100] [--cases-per-agency 25]

Seeds a temporary SQLite database (agencies, ASN, accounts, posts, cases of the week, overdue cases
of earlier weeks, reposts), starts an aiosmtpd server in a separate process that counts what it
accepts, then runs `send_weekly_digests` exactly as the daemon does and prints the time, mails/s,
the rendering share and the peak memory; then re-runs it to show that nothing is sent twice.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing as mp
import os
import random
import resource
import socket
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from monitor.config import Settings, SmtpSettings
from monitor.db import make_engine, upgrade
from monitor.digest import IsoWeek, send_weekly_digests
from monitor.digest.render import render_digest
from monitor.digest.service import DigestRun
from monitor.models import Account, Agency, Asn, Case, CasePost, Post, User

WEEK = IsoWeek.parse("2024-W47")
NOW = datetime(2024, 11, 25, 0, 0, tzinfo=UTC)  # Monday 07:00 WIB
UNITS = ["Sekretariat", "Bidang Umum", "Bidang P2P", "Bidang Kesmas", "UPT Puskesmas"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def smtp_server(port: int, accepted: Any, ready: Any, stop: Any) -> None:
    """A separate process, so the server's work does not count against the sender's time or memory."""
    from aiosmtpd.controller import Controller

    class Counting:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            with accepted.get_lock():
                accepted.value += len(envelope.rcpt_tos)
            return "250 OK"

    controller = Controller(Counting(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


def seed(engine: Any, *, supervisors: int, agencies: int, cases_per_agency: int) -> int:
    rng = random.Random(7)
    start, end = WEEK.bounds("Asia/Jakarta")
    prev_start, _ = WEEK.previous().bounds("Asia/Jakarta")
    n_cases = 0
    with Session(engine) as s:
        for a in range(agencies):
            agency = Agency(code=f"AG{a:04d}", name=f"Dinas Uji {a:04d}", region="Kota Uji")
            s.add(agency)
            s.flush()
            for k in range(cases_per_agency):
                asn = Asn(
                    nip=f"1985031220100110{a:04d}{k:03d}"[-18:],
                    name=f"ASN {a}-{k}",
                    agency_id=agency.id,
                    unit=rng.choice(UNITS),
                    position="Analis",
                )
                s.add(asn)
                s.flush()
                account = Account(asn_id=asn.id, platform="bluesky", handle=f"asn{a}-{k}.bsky.social")
                s.add(account)
                s.flush()
                raw = f'{{"id": "{a}-{k}"}}'
                post = Post(
                    account_id=account.id,
                    asn_id=asn.id,
                    platform="bluesky",
                    platform_post_id=f"{a}-{k}",
                    url=f"https://bsky.app/{a}-{k}",
                    text="Dukung paslon 1!",
                    raw_payload=raw,
                    payload_sha256=hashlib.sha256(raw.encode()).hexdigest(),
                )
                s.add(post)
                s.flush()
                # 80 % this week, 15 % last week, 5 % older and overdue; a few already judged
                roll = rng.random()
                if roll < 0.8:
                    detected = start + (end - start) * rng.random()
                elif roll < 0.95:
                    detected = prev_start + (start - prev_start) * rng.random()
                else:
                    detected = prev_start - timedelta(days=rng.randint(1, 14))
                status = "open" if rng.random() < 0.8 else rng.choice(["confirmed", "dismissed", "awaiting_second"])
                case = Case(
                    post_id=post.id,
                    asn_id=asn.id,
                    agency_id=agency.id,
                    original_key=f"bluesky:{a}-{k}",
                    label=rng.choice(["dukungan", "dukungan", "serangan"]),
                    score=rng.uniform(0.5, 0.99),
                    status=status,
                    detected_at=detected,
                    deadline=detected + timedelta(days=7),
                )
                s.add(case)
                s.flush()
                n_cases += 1
                if rng.random() < 0.2:  # reposts of the same original joined the case
                    repost = Post(
                        account_id=account.id,
                        asn_id=asn.id,
                        platform="bluesky",
                        kind="repost",
                        platform_post_id=f"{a}-{k}-r",
                        original_post_id=f"{a}-{k}",
                        raw_payload=raw,
                        payload_sha256=hashlib.sha256(raw.encode()).hexdigest(),
                    )
                    s.add(repost)
                    s.flush()
                    s.add(CasePost(case_id=case.id, post_id=repost.id))
        for i in range(supervisors):
            s.add(
                User(
                    email=f"pengawas{i:05d}@example.go.id",
                    name=f"Pengawas {i}",
                    role="supervisor",
                    agency_id=1 + i % agencies,
                    password_hash="x",
                )
            )
        s.add(User(email="admin@example.go.id", name="Admin", role="admin", password_hash="x"))
        s.commit()
    return n_cases


@contextmanager
def database(pg_url: str | None, tmp: Path) -> Iterator[tuple[str, str]]:
    """A temporary SQLite file, or a fresh PostgreSQL schema that is dropped afterwards."""
    if pg_url is None:
        yield f"sqlite:///{tmp / 'netra.db'}", "SQLite"
        return
    schema = f"netra_bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{pg_url}?options=-csearch_path%3D{schema}", "PostgreSQL"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--supervisors", type=int, default=1000)
    parser.add_argument("--agencies", type=int, default=100)
    parser.add_argument("--cases-per-agency", type=int, default=25)
    parser.add_argument(
        "--postgres",
        metavar="URL",
        nargs="?",
        const="postgresql+psycopg://postgres@127.0.0.1:5432/test",
        help="use a throw-away schema in this PostgreSQL database instead of a temporary SQLite file",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, database(args.postgres, Path(tmp)) as (url, backend):
        engine = make_engine(url)
        upgrade(engine)
        t = time.perf_counter()
        n_cases = seed(
            engine, supervisors=args.supervisors, agencies=args.agencies, cases_per_agency=args.cases_per_agency
        )
        print(
            f"seeded {args.agencies} agencies, {n_cases} cases, {args.supervisors} supervisors + 1 admin "
            f"in {time.perf_counter() - t:.1f} s ({backend})"
        )
        recipients = args.supervisors + 1

        port = free_port()
        accepted, ready, stop = mp.Value("i", 0), mp.Event(), mp.Event()
        server = mp.Process(target=smtp_server, args=(port, accepted, ready, stop), daemon=True)
        server.start()
        ready.wait(30)
        settings = Settings(_env_file=None, smtp=SmtpSettings(port=port), base_url="https://netra.example.id")  # type: ignore[call-arg]
        try:
            rss_before, load_before = max_rss_mib(), load()
            # Rendering alone (select + group + Jinja2, no SMTP, nothing recorded), to split the cost.
            t = time.perf_counter()
            from monitor.digest import queries

            with Session(engine) as s:
                people = queries.recipients(s)
            run = DigestRun(engine, settings, mailer=None, now=NOW)  # type: ignore[arg-type]
            size = sum(len(render_digest(run.digest(r, WEEK)).html) for r in people)
            render_s = time.perf_counter() - t

            t, cpu = time.perf_counter(), time.process_time()
            summary = send_weekly_digests(engine, settings, week=WEEK, now=NOW)
            send_s, send_cpu = time.perf_counter() - t, time.process_time() - cpu
            deadline = time.monotonic() + 30
            while accepted.value < summary.sent and time.monotonic() < deadline:
                time.sleep(0.05)  # the server process counts asynchronously; poll with a deadline
            rss_after = max_rss_mib()

            t = time.perf_counter()
            again = send_weekly_digests(engine, settings, week=WEEK, now=NOW + timedelta(hours=1))
            rerun_s = time.perf_counter() - t
        finally:
            stop.set()
            server.join(10)

    print(
        f"recipients           {recipients}   (load average before/after: {load_before} / {load()}, "
        f"{os.cpu_count()} CPUs)"
    )
    print(
        f"sent                 {summary.sent} (server accepted {accepted.value}); failed {summary.failed}, "
        f"retry later {summary.retry_later}, empty {summary.empty_not_sent}"
    )
    print(
        f"total send time      {send_s:.2f} s  ({summary.sent / send_s:.0f} mails/s, "
        f"{1000 * send_s / max(summary.sent, 1):.2f} ms/mail)"
    )
    print(
        f"sender CPU           {send_cpu:.2f} s  ({1000 * send_cpu / max(summary.sent, 1):.2f} ms/mail; the rest "
        "is waiting: SMTP round trips to the server process and database commits)"
    )
    print(
        f"render only          {render_s:.2f} s  ({render_s / send_s:.0%} of the send time; "
        f"mean HTML {size / len(people) / 1024:.1f} KiB)"
    )
    print(f"re-run               {again.sent} sent, {again.already_handled} already handled in {rerun_s:.2f} s")
    print(f"peak RSS             {rss_after:.0f} MiB (after seeding: {rss_before:.0f} MiB)")
    if summary.sent != recipients or accepted.value != recipients or again.sent != 0:
        sys.exit("FAILED: not every recipient got exactly one digest")


if __name__ == "__main__":
    main()
