"""Politeness and resilience of the shared HTTP client, against the real loopback server."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from scrapers.base import ScrapeConfig
from scrapers.errors import RateLimited, RobotsDisallowed, ScrapeError
from scrapers.http import PoliteClient
from scrapers.loopback import LoopbackServer


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


def config(**kw: Any) -> ScrapeConfig:
    base: dict[str, Any] = dict(
        requests_per_second_per_host=0,
        timeout_s=0.5,
        max_retries=2,
        backoff_base_s=0.01,
        backoff_max_s=2.0,
        user_agent="Netra/0.1 (+https://netra.example/kontak)",
    )
    return ScrapeConfig(**(base | kw))


@pytest.fixture
async def client() -> AsyncIterator[PoliteClient]:
    async with PoliteClient(config()) as c:
        yield c


def paths(server: LoopbackServer, part: str) -> list[dict[str, str]]:
    return [r for r in server.world.requests if part in r["path"]]


async def test_429_with_retry_after_is_honoured_then_succeeds(server: LoopbackServer, client: PoliteClient) -> None:
    server.world.add_fault("429", "/robots.txt", retry_after=0.3)
    started = time.monotonic()
    response = await client.get(f"{server.url}/robots.txt")
    assert response.status_code == 200
    assert time.monotonic() - started >= 0.3
    assert [r["status"] for r in paths(server, "/robots.txt")] == ["429", "200"]


async def test_500_then_success(server: LoopbackServer, client: PoliteClient) -> None:
    server.world.add_fault("500", "/robots.txt", times=2)
    assert (await client.get(f"{server.url}/robots.txt")).status_code == 200
    assert [r["status"] for r in paths(server, "/robots.txt")] == ["500", "500", "200"]


async def test_persistent_500_gives_up_after_the_retries(server: LoopbackServer, client: PoliteClient) -> None:
    server.world.add_fault("500", "/robots.txt", times=-1)
    with pytest.raises(ScrapeError, match="HTTP 500"):
        await client.get(f"{server.url}/robots.txt")
    assert len(paths(server, "/robots.txt")) == 3  # one try + max_retries


async def test_persistent_429_is_rate_limited(server: LoopbackServer, client: PoliteClient) -> None:
    server.world.add_fault("429", "/robots.txt", times=-1)
    with pytest.raises(RateLimited):
        await client.get(f"{server.url}/robots.txt")


async def test_long_retry_after_is_not_waited_for(server: LoopbackServer, client: PoliteClient) -> None:
    server.world.add_fault("429", "/robots.txt", retry_after=900)
    started = time.monotonic()
    with pytest.raises(RateLimited, match="Retry-After 900"):
        await client.get(f"{server.url}/robots.txt")
    assert time.monotonic() - started < 2
    assert len(paths(server, "/robots.txt")) == 1


async def test_slow_answer_times_out_and_is_retried(server: LoopbackServer) -> None:
    async with PoliteClient(config(timeout_s=0.2)) as client:
        server.world.add_fault("slow", "/robots.txt", delay_s=0.4)
        assert (await client.get(f"{server.url}/robots.txt")).status_code == 200
        server.world.add_fault("slow", "/robots.txt", delay_s=0.4, times=3)
        with pytest.raises(ScrapeError, match="Timeout"):
            await client.get(f"{server.url}/robots.txt")


async def test_robots_txt_disallow_is_obeyed(server: LoopbackServer, client: PoliteClient) -> None:
    server.world.robots_disallow.append("/pages/rahasia")
    server.world.add_account("html", "rahasia", posts=1)
    with pytest.raises(RobotsDisallowed):
        await client.get(f"{server.url}/pages/rahasia", check_robots=True)
    assert paths(server, "/pages/") == []
    server.world.add_account("html", "terbuka", posts=1)
    assert (await client.get(f"{server.url}/pages/terbuka", check_robots=True)).status_code == 200
    assert len(paths(server, "/robots.txt")) == 1  # cached per host


async def test_user_agent_names_netra_and_contact(server: LoopbackServer, client: PoliteClient) -> None:
    await client.get(f"{server.url}/robots.txt")
    assert server.world.requests[-1]["user_agent"] == "Netra/0.1 (+https://netra.example/kontak)"


async def test_per_host_rate_limit_spaces_requests(server: LoopbackServer) -> None:
    async with PoliteClient(config(requests_per_second_per_host=10)) as slow:
        started = time.monotonic()
        for _ in range(4):
            await slow.get(f"{server.url}/robots.txt")
        assert time.monotonic() - started >= 0.25  # 4 requests at 10/s: at least 3 gaps of 0.1 s


async def test_url_rewrites_send_a_site_to_its_stand_in(server: LoopbackServer) -> None:
    server.world.add_account("rss", "kabar", posts=1)
    rewrites = {"https://kabar.blog.example/": f"{server.url}/feeds/", "https://kabar.blog.example/x": "http://no"}
    async with PoliteClient(config(url_rewrites=rewrites)) as polite:
        response = await polite.get("https://kabar.blog.example/kabar.xml")
    assert response.status_code == 200
    assert str(response.request.url) == f"{server.url}/feeds/kabar.xml"
    assert "<rss" in response.text


def test_backoff_is_full_jitter_under_a_doubling_cap() -> None:
    """Without Retry-After, retry n waits uniformly up to base * 2^(n-1), never beyond backoff_max_s."""
    from scrapers.http import _Retryable

    polite = PoliteClient(config(backoff_base_s=0.5, backoff_max_s=3.0))
    for attempt, cap in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 3.0), (200, 3.0)]:
        waits = [polite._backoff_s(_Retryable("HTTP 500"), attempt) for _ in range(200)]
        assert all(0 <= w <= cap for w in waits) and max(waits) > cap / 2


async def test_connections_are_kept_alive(server: LoopbackServer) -> None:
    async with PoliteClient(config()) as polite:
        for _ in range(3):
            assert (await polite.get(f"{server.url}/robots.txt")).status_code == 200
    assert len({r["client_port"] for r in server.world.requests}) == 1


async def test_a_connection_the_server_closed_while_idle_is_replaced() -> None:
    """A server may close a kept-alive connection between requests; the next request opens a new one
    instead of failing on the dead socket."""
    accepted = 0

    async def answer_once(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal accepted
        accepted += 1
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        await writer.drain()
        writer.close()  # no "Connection: close": the client only learns of it from the socket

    listener = await asyncio.start_server(answer_once, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    async with listener, PoliteClient(config(max_retries=0)) as polite:
        first = await polite.get(f"http://127.0.0.1:{port}/a")
        await asyncio.sleep(0.05)
        second = await polite.get(f"http://127.0.0.1:{port}/b")
    assert (first.text, second.text, accepted) == ("ok", "ok", 2)


async def test_a_cookie_the_server_sets_is_sent_back_once() -> None:
    """Cookies still work under the aiohttp transport, and go back exactly once."""
    heads: list[bytes] = []

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while not reader.at_eof():
            try:
                heads.append(await reader.readuntil(b"\r\n\r\n"))
            except asyncio.IncompleteReadError:
                break
            writer.write(b"HTTP/1.1 200 OK\r\nSet-Cookie: sesi=abc; Path=/\r\nContent-Length: 2\r\n\r\nok")
            await writer.drain()
        writer.close()

    listener = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    async with listener, PoliteClient(config()) as polite:
        for path in ("a", "b"):
            assert (await polite.get(f"http://127.0.0.1:{port}/{path}")).text == "ok"
    cookies = [[line.lower() for line in head.split(b"\r\n") if line.lower().startswith(b"cookie:")] for head in heads]
    assert cookies == [[], [b"cookie: sesi=abc"]]
