"""Politeness shared by every scraper: per-host rate and concurrency limits, timeouts, retries with
exponential backoff and jitter (honouring Retry-After), robots.txt, conditional requests, User-Agent."""

from __future__ import annotations

import asyncio
import itertools
import random
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpx
from aiolimiter import AsyncLimiter

from scrapers import http_backend
from scrapers.base import RateLimited, RobotsDisallowed, ScrapeConfig, ScrapeError


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


class PoliteClient:
    """Wraps an httpx.AsyncClient; every scraper request goes through `get`."""

    def __init__(self, config: ScrapeConfig, client: httpx.AsyncClient | None = None) -> None:
        self.config = config
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
                response = await self.client.get(url, params=params, headers=headers)
            except httpx.TransportError as exc:  # connect errors and timeouts
                raise _Retryable(f"{type(exc).__name__} for {url}: {exc or 'no detail'}") from exc
        if response.status_code == 429 or response.status_code >= 500:
            after = retry_after_s(response)
            if after is not None and after > self.config.backoff_max_s:
                raise RateLimited(f"HTTP {response.status_code} from {host}; Retry-After {after:.0f}s")
            raise _Retryable(f"HTTP {response.status_code} from {url}", response)
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
        except ScrapeError:
            parser.disallow_all = True  # RFC 9309: an unreachable robots.txt means "do not crawl"
            return parser
        if response.status_code in (401, 403):
            parser.disallow_all = True
        elif response.status_code >= 400:
            parser.allow_all = True  # no robots.txt: everything allowed
        else:
            parser.parse(response.text.splitlines())
        return parser
