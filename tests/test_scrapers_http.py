"""Politeness and resilience of the shared HTTP client, against the real loopback server."""

from __future__ import annotations

import socket
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from scrapers.base import RateLimited, RobotsDisallowed, ScrapeConfig, ScrapeError
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


def test_idle_readability_check_matches_httpcore() -> None:
    from httpcore._utils import is_socket_readable

    from scrapers.http_backend import readable

    left, right = socket.socketpair()
    with left, right:
        assert readable(left) is is_socket_readable(left) is False  # idle: keep it
        right.close()
        assert readable(left) is is_socket_readable(left) is True  # the peer closed it: drop it
    assert readable(left) is is_socket_readable(left) is True  # closed here
    assert readable(None) is True


async def test_one_poll_answers_as_each_stream_alone() -> None:
    from scrapers.http_backend import Backend, _Stream, readable

    class Inner:
        def __init__(self, sock: socket.socket) -> None:
            self.sock = sock

        def get_extra_info(self, info: str) -> Any:
            return self.sock if info == "socket" else None

        async def aclose(self) -> None:
            self.sock.close()

    backend = Backend()
    pairs = [socket.socketpair() for _ in range(6)]
    streams = [_Stream(Inner(left), backend) for left, _ in pairs]  # type: ignore[arg-type]
    pairs[1][1].close()  # the peer closed: readable
    pairs[2][1].send(b"x")  # data waiting: readable
    await streams[3].aclose()  # closed here: readable, and no longer polled with the others
    pairs[4][0].close()  # closed under the stream: readable
    alone = [readable(s._sock) for s in streams]
    backend.begin()
    together = [s.get_extra_info("is_readable") for s in streams]
    backend.end()
    assert together == alone == [False, True, True, True, True, False]
    for left, right in pairs:
        left.close()
        right.close()


async def test_pool_uses_the_cheap_backend_and_reuses_connections(server: LoopbackServer) -> None:
    from scrapers.http_backend import Backend

    async with PoliteClient(config()) as polite:
        assert isinstance(polite.client._transport._pool._network_backend, Backend)  # type: ignore[attr-defined]
        for _ in range(3):
            assert (await polite.get(f"{server.url}/robots.txt")).status_code == 200
        # Keep-alive works: one connection, and it is not taken for closed while idle.
        assert len(polite.client._transport._pool.connections) == 1  # type: ignore[attr-defined]


def test_linear_pool_repeats_httpcore_but_the_counting_list() -> None:
    """Pool is httpcore's _assign_requests_to_connections with one expression replaced by its value: the
    length of a list with an element per connection. Any other httpcore keeps its own pool."""
    import ast
    import inspect
    import textwrap

    import httpcore
    import httpx

    from scrapers import http_backend

    class Counted(ast.NodeTransformer):
        def visit_ListComp(self, node: ast.ListComp) -> ast.AST:  # the one list comprehension inside len()
            if ast.unparse(node) == "[connection.is_idle() for connection in self._connections]":
                return ast.parse("self._connections", mode="eval").body
            return self.generic_visit(node)

    def body(method: Any, transform: bool) -> str:
        tree = ast.parse(textwrap.dedent(inspect.getsource(method)))
        function = tree.body[0]
        assert isinstance(function, ast.FunctionDef)
        statements = [s for s in function.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
        module = ast.Module(body=statements, type_ignores=[])
        return ast.dump(Counted().visit(module) if transform else module)

    if httpcore.__version__ == http_backend.POOL_FOR_HTTPCORE:
        theirs = httpcore.AsyncConnectionPool._assign_requests_to_connections
        assert body(theirs, False) != body(theirs, True)  # the counting list is there
        assert body(theirs, True) == body(http_backend.Pool._assign, False)
        pool = http_backend.transport(httpx.Limits(max_connections=4))._pool  # type: ignore[attr-defined]
        assert type(pool) is http_backend.Pool
