"""Two ways in without a scraper: a manual report of one public URL, and Zeeschuimer NDJSON imports."""

from __future__ import annotations

import asyncio
import hashlib
import io
from dataclasses import dataclass, field, replace
from pathlib import Path

import httpx
from bs4 import BeautifulSoup
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from monitor.collection.service import scrape_config
from monitor.collection.store import AccountOutcome, store_result
from monitor.collection.warc import WarcRecorder, warc_root
from monitor.config import Settings
from monitor.db import session_scope
from monitor.models import Account, Asn, utcnow
from monitor.registry.accounts import collectable
from scrapers import zeeschuimer
from scrapers.base import FetchResult, ScrapedPost, parse_time
from scrapers.capture import capture_of
from scrapers.errors import BadPayload, ScrapeError
from scrapers.http import PoliteClient

MANUAL = "manual"
MAX_TEXT = 20_000


class ReportError(Exception):
    """A manual report that cannot be taken: unknown NIP, bad URL, page not reachable."""


class ImportFailed(Exception):
    """An import that stored nothing: its file could not be archived as evidence."""


def page_text(html: str) -> tuple[str, str | None]:
    """Readable text of a page (title, description, article or body) and its published time if given."""
    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "noscript", "nav", "footer", "header"]):
        tag.decompose()
    meta = {
        str(m.get("property") or m.get("name")): str(m.get("content"))
        for m in soup.find_all("meta")
        if (m.get("property") or m.get("name")) and m.get("content")
    }
    title = meta.get("og:title") or (soup.title.get_text(strip=True) if soup.title else "")
    description = meta.get("og:description") or meta.get("description") or ""
    body = soup.find("article") or soup.find("main") or soup.body or soup
    text = " ".join(body.get_text(" ").split())
    parts = [p for p in (title, description, text) if p]
    unique = list(dict.fromkeys(parts))
    return "\n\n".join(unique)[:MAX_TEXT], meta.get("article:published_time")


def _manual_account(session: Session, nip: str) -> Account:
    asn = session.exec(select(Asn).where(Asn.nip == nip)).first()
    if asn is None:
        raise ReportError(f"no ASN with NIP {nip} is registered; import the registry first")
    handle = f"manual:{nip}"
    account = session.exec(select(Account).where(Account.platform == MANUAL, Account.handle == handle)).first()
    if account is None:
        account = Account(asn_id=asn.id, platform=MANUAL, handle=handle, platform_user_id=handle)  # type: ignore[arg-type]
        session.add(account)
        session.flush()
    return account


async def _fetch(url: str, settings: Settings, recorder: WarcRecorder) -> httpx.Response:
    config = scrape_config(settings.scrapers)
    async with PoliteClient(config, recorder=recorder) as client:
        response = await client.get(url)
        hops = 0
        while response.is_redirect and hops < 5:  # follow redirects ourselves: each hop is evidence-worthy
            url = str(response.next_request.url) if response.next_request else url
            response = await client.get(url)
            hops += 1
        return response


def report_url(engine: Engine, url: str, nip: str, settings: Settings) -> tuple[AccountOutcome, ScrapedPost]:
    """Fetch one public URL now and store it, with its evidence, as a post of the ASN with this NIP."""
    if not url.startswith(("http://", "https://")):
        raise ReportError(f"{url!r} is not an http(s) URL")
    with session_scope(engine) as session:
        account = _manual_account(session, nip)
    # Every hop is archived as received; the post points at the last (the page), whose whole body it is.
    with WarcRecorder(warc_root(settings.data_dir), purpose="manual report") as recorder:
        try:
            response = asyncio.run(_fetch(url, settings, recorder))
            recorder.sync()
        except ScrapeError as exc:
            raise ReportError(f"could not fetch {url}: {exc}") from exc
        except OSError as exc:
            raise ReportError(f"could not archive the answer of {url}: {exc}; nothing stored") from exc
    if response.status_code >= 400:
        raise ReportError(f"{url} answered HTTP {response.status_code}; nothing stored")
    text, published = page_text(response.text)
    try:
        posted = parse_time(published)
    except ValueError:
        posted = None
    post = ScrapedPost(
        platform=MANUAL,
        platform_post_id=url,
        kind="post",
        url=str(response.request.url),
        text=text,
        posted_at=posted,
        author_id=account.handle,
        author_handle=account.handle,
        raw_payload=response.text,
        request_url=str(response.request.url),
        http_status=response.status_code,
        capture=capture_of(response),
    )
    result = FetchResult(posts=[post], platform_user_id=account.handle)
    return store_result(engine, account.id, result, advance_cursor=False), post  # type: ignore[arg-type]


@dataclass
class ImportReport:
    lines: int = 0
    stored_new: int = 0
    changed: int = 0
    unregistered: int = 0  # authors not registered on that platform: counted, skipped
    unsupported: int = 0  # platforms we do not map
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)


def import_zeeschuimer(engine: Engine, path: Path, warc_dir: Path) -> ImportReport:
    """Store items whose author is a registered account on instagram, tiktok or x; reject bad lines.

    Each stored item's line is its evidence: archived byte for byte as a WARC `resource` record under
    `warc_dir` before anything is stored, naming the file and the line it came from (and the file's
    SHA-256, so the export itself can be matched later). Lines of people who are not registered are not
    archived: an export holds whatever the browser saw, and Netra keeps only what it monitors. When the
    archive cannot be written nothing is stored (ImportFailed)."""
    report = ImportReport()
    with Session(engine) as session:
        accounts = {
            (a.platform, a.handle.lower()): a.id
            for a in session.exec(
                # a rejected or removed account is not collected, from an import either
                select(Account).where(col(Account.platform).in_(("instagram", "tiktok", "x")), collectable())
            )
        }
    data = path.read_bytes()
    kept: list[tuple[int, bytes, int, ScrapedPost]] = []  # line number, line as received, account, post
    # decoded line by line: one line that is not UTF-8 is that line's error
    for number, raw in enumerate(io.BytesIO(data), start=1):
        if not raw.strip():
            continue
        report.lines += 1
        try:
            line = zeeschuimer.decode_line(raw)
            item = zeeschuimer.parse_line(line)
            if zeeschuimer.platform_of(item) is None:
                report.unsupported += 1
                continue
            post = zeeschuimer.to_post(item, raw=line.rstrip("\r\n"))
        except BadPayload as exc:
            report.rejected.append((number, str(exc)))
            continue
        account_id = accounts.get((post.platform, post.author_handle))
        if account_id is None:
            report.unregistered += 1
            continue
        kept.append((number, raw, account_id, post))
    by_account: dict[int, list[ScrapedPost]] = {}
    source = {"name": path.name, "sha256": hashlib.sha256(data).hexdigest()}
    try:
        with WarcRecorder(warc_dir, purpose="Zeeschuimer import") as recorder:
            for number, raw, account_id, post in kept:
                capture = recorder.record_file(raw, "application/json", utcnow(), source | {"line": str(number)})
                by_account.setdefault(account_id, []).append(replace(post, capture=capture))
            recorder.sync()
    except OSError as exc:
        raise ImportFailed(f"could not archive {path.name}: {exc}; nothing stored") from exc
    for account_id, posts in by_account.items():
        handle_ids = {p.author_id for p in posts}
        result = FetchResult(posts=posts, platform_user_id=next(iter(handle_ids)) if len(handle_ids) == 1 else None)
        outcome = store_result(engine, account_id, result, advance_cursor=False)
        report.stored_new += outcome.new
        report.changed += outcome.changed
    return report
