"""Politeness shared by every scraper: per-host rate and concurrency limits, timeouts, retries with
exponential backoff and jitter (honouring Retry-After), robots.txt, conditional requests, User-Agent.
And evidence: with a recorder, every response received is archived as it arrived (scrapers/capture.py)."""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import random
from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, cast
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpx
from aiolimiter import AsyncLimiter

from scrapers import http_backend
from scrapers.base import ScrapeConfig
from scrapers.capture import CaptureFailed, Exchange, Recorder, attach
from scrapers.errors import RateLimited, RobotsDisallowed, ScrapeError


class _Retryable(Exception):
    def __init__(self, message: str, response: httpx.Response | None = None) -> None:
        super().__init__(message)
        self.response = response


def retry_after_s(response: httpx.Response) -> float | None:
    """Retry-After as seconds: either a number or an HTTP date."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    from datetime import UTC, datetime

    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def conditional_headers(cursor: Mapping[str, Any]) -> dict[str, str]:
    """If-None-Match / If-Modified-Since from the validators a previous response gave."""
    headers = {}
    if cursor.get("etag"):
        headers["If-None-Match"] = str(cursor["etag"])
    if cursor.get("last_modified"):
        headers["If-Modified-Since"] = str(cursor["last_modified"])
    return headers


def validators(response: httpx.Response) -> dict[str, str]:
    out = {}
    if response.headers.get("etag"):
        out["etag"] = response.headers["etag"]
    if response.headers.get("last-modified"):
        out["last_modified"] = response.headers["last-modified"]
    return out


class _Tee(httpx.AsyncByteStream):
    """The response's stream, keeping each chunk as the transport hands it over: the body as sent (content
    coding kept), which httpx would otherwise decode and drop."""

    def __init__(self, stream: httpx.AsyncByteStream) -> None:
        self.stream = stream
        self.chunks: list[bytes] = []

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self.stream:
            self.chunks.append(chunk)
            yield chunk

    async def aclose(self) -> None:
        await self.stream.aclose()


def exchange_of(response: httpx.Response, body: bytes) -> Exchange:
    """A read response as the recorder takes it."""
    return Exchange(
        url=str(response.request.url),
        method=response.request.method,
        http_version=response.http_version,
        status=response.status_code,
        reason=response.reason_phrase,
        headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw],
        body=body,
        decoded_sha256=hashlib.sha256(response.content).hexdigest(),
        received_at=datetime.now(UTC),
    )


class PoliteClient:
    """Wraps an httpx.AsyncClient; every scraper request goes through `get`. With a `recorder`, every
    response received (retried ones and robots.txt too) is archived before a scraper sees it."""

    def __init__(
        self, config: ScrapeConfig, client: httpx.AsyncClient | None = None, *, recorder: Recorder | None = None
    ) -> None:
        self.config = config
        self.recorder = recorder
        self._own_client = client is None
        self.client = client or httpx.AsyncClient(
            timeout=httpx.Timeout(config.timeout_s),
            headers={"User-Agent": config.user_agent},
            transport=http_backend.transport(
                httpx.Limits(
                    max_connections=config.total_concurrency, max_keepalive_connections=config.total_concurrency
                )
            ),
            follow_redirects=False,
        )
        self._limiters: dict[str, AsyncLimiter] = {}
        self._semaphores: dict[str, asyncio.Semaphore] = {}
        self._robots: dict[str, RobotFileParser] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}
        self.requests = 0

    async def __aenter__(self) -> PoliteClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._own_client:
            await self.client.aclose()

    def _host_limits(self, host: str) -> tuple[AsyncLimiter | None, asyncio.Semaphore]:
        if host not in self._semaphores:
            self._semaphores[host] = asyncio.Semaphore(max(1, self.config.concurrency_per_host))
            rate = self.config.requests_per_second_per_host
            if rate > 0:
                self._limiters[host] = AsyncLimiter(1, 1.0 / rate)
        return self._limiters.get(host), self._semaphores[host]

    async def _once(
        self, url: str, params: Mapping[str, Any] | None, headers: Mapping[str, str] | None
    ) -> httpx.Response:
        host = urlsplit(url).netloc
        limiter, semaphore = self._host_limits(host)
        async with semaphore:
            if limiter is not None:
                await limiter.acquire()
            self.requests += 1
            try:
                response = await self._receive(url, params, headers)
            except httpx.TransportError as exc:  # connect errors and timeouts
                raise _Retryable(f"{type(exc).__name__} for {url}: {exc or 'no detail'}") from exc
        if response.status_code == 429 or response.status_code >= 500:
            after = retry_after_s(response)
            if after is not None and after > self.config.backoff_max_s:
                raise RateLimited(f"HTTP {response.status_code} from {host}; Retry-After {after:.0f}s")
            raise _Retryable(f"HTTP {response.status_code} from {url}", response)
        return response

    async def _receive(
        self, url: str, params: Mapping[str, Any] | None, headers: Mapping[str, str] | None
    ) -> httpx.Response:
        """GET and read the whole body, archiving the response as it arrived when there is a recorder."""
        if self.recorder is None:
            return await self.client.get(url, params=params, headers=headers)
        request = self.client.build_request("GET", url, params=params, headers=headers)
        response = await self.client.send(request, stream=True)
        tee = _Tee(cast(httpx.AsyncByteStream, response.stream))  # an AsyncClient's response streams async
        response.stream = tee
        try:
            await response.aread()  # as send() without stream=True would: decoded into response.content
        finally:
            await response.aclose()
        exchange = exchange_of(response, b"".join(tee.chunks))
        try:
            attach(response, self.recorder.record(exchange))
        except OSError as exc:
            raise CaptureFailed(f"could not archive the response of {exchange.url}: {exc}") from exc
        return response

    def _backoff_s(self, exc: _Retryable, attempt: int) -> float:
        """Retry-After where the answer gives it, else exponential backoff with full jitter."""
        after = retry_after_s(exc.response) if exc.response is not None else None
        if after is not None:
            return after
        ceiling = self.config.backoff_base_s * 2.0 ** min(attempt - 1, 60)
        return random.uniform(0, min(self.config.backoff_max_s, ceiling))

    async def get(
        self,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        check_robots: bool = False,
    ) -> httpx.Response:
        """GET with retries; 429/5xx/transport errors that outlast the retries raise a ScrapeError."""
        url = self.rewrite(url)
        if check_robots and self.config.obey_robots_txt:
            await self.ensure_allowed(url)
        # A plain loop rather than tenacity: its machinery cost ~0.1 ms CPU per request, every request.
        for attempt in itertools.count(1):
            try:
                return await self._once(url, params, headers)
            except _Retryable as exc:
                if attempt > self.config.max_retries:
                    retries = self.config.max_retries
                    if exc.response is not None and exc.response.status_code == 429:
                        raise RateLimited(f"{exc} (still rate-limited after {retries} retries)") from exc
                    raise ScrapeError(f"{exc} (after {retries} retries)") from exc
                await asyncio.sleep(self._backoff_s(exc, attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    def rewrite(self, url: str) -> str:
        """Apply the configured URL prefix rewrites (longest prefix first)."""
        for prefix in sorted(self.config.url_rewrites, key=len, reverse=True):
            if url.startswith(prefix):
                return self.config.url_rewrites[prefix] + url[len(prefix) :]
        return url

    async def ensure_allowed(self, url: str) -> None:
        parts = urlsplit(url)
        host = f"{parts.scheme}://{parts.netloc}"
        lock = self._robots_locks.setdefault(host, asyncio.Lock())
        async with lock:
            if host not in self._robots:
                self._robots[host] = await self._load_robots(host)
        if not self._robots[host].can_fetch(self.config.user_agent, url):
            raise RobotsDisallowed(f"robots.txt of {parts.netloc} disallows {url}")

    async def _load_robots(self, host: str) -> RobotFileParser:
        parser = RobotFileParser(f"{host}/robots.txt")
        try:
            response = await self.get(f"{host}/robots.txt")
        except CaptureFailed:
            raise  # not the site's answer: ours, and no reason to think the site forbids anything
        except ScrapeError:
            parser.disallow_all = True  # type: ignore[attr-defined]  # set by its __init__; typeshed omits it. RFC 9309: an unreachable robots.txt means "do not crawl"
            return parser
        if response.status_code in (401, 403):
            parser.disallow_all = True  # type: ignore[attr-defined]
        elif response.status_code >= 400:
            parser.allow_all = True  # type: ignore[attr-defined]  # no robots.txt: everything allowed
        else:
            parser.parse(response.text.splitlines())
        return parser
