"""The HTTP transport under the scrapers' httpx client: aiohttp's, through httpx-aiohttp.

httpx stays the API every scraper and test uses (requests, responses, errors, timeouts); only the wire
work moves. httpx's own transport (httpcore on AnyIO) spent about 40 % of a collection pass's CPU on
bookkeeping around each request; aiohttp's connection pool and C HTTP parser do the same work for a
fraction, and notice a server closing an idle keep-alive connection through the event loop instead of
polling every idle socket before each request (`benchmarks/scrape.py`, docs/benchmarks.md).
"""

from __future__ import annotations

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport


def transport(limits: httpx.Limits) -> AiohttpTransport:
    """An httpx transport on one aiohttp session, made on first use inside the running event loop."""

    def session() -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(
            limit=limits.max_connections or 0,
            keepalive_timeout=limits.keepalive_expiry or 15.0,
            ssl=httpx.create_ssl_context(),
        )
        # httpx keeps the cookies (as with its own transport); a second jar here would send them twice.
        return aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar())

    return AiohttpTransport(limits=limits, client=session)
