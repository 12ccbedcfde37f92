"""httpcore's AnyIO network backend with a cheaper "is the idle connection readable" check.

httpcore asks it of every idle keep-alive connection each time a request starts or ends (a readable idle
socket means the server closed it). AnyIO answers through its typed-attribute machinery, which builds a
dict and calls getpeername() each time: about 9 µs, some 30 times per request when most of the 16
connections are idle between an account's requests. Keeping the socket at hand makes it about 2 µs; the
answer is the same poll() of the same socket.

And while the pool decides (`Pool`), one poll() answers for all the connections at once: a system call
per idle connection and decision was, on the development machine, the largest single CPU cost of a pass
(some 35 calls at ~25 µs per request)."""

from __future__ import annotations

import select
import socket
import weakref
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx


def readable(sock: socket.socket | None) -> bool:
    """httpcore's rule: a closed or unknown socket counts as readable (so the connection is dropped)."""
    if sock is None or sock.fileno() == -1:
        return True
    if not hasattr(select, "poll"):  # Windows
        return bool(select.select([sock], [], [], 0)[0])
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))


class _Stream(httpcore.AsyncNetworkStream):
    def __init__(self, inner: httpcore.AsyncNetworkStream, backend: Backend, sock: socket.socket | None = None) -> None:
        self._inner = inner
        self._backend = backend
        self._sock = sock if sock is not None else inner.get_extra_info("socket")
        backend._streams.add(self)

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        self._backend._streams.discard(self)
        await self._inner.aclose()

    async def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> _Stream:
        tls = _Stream(await self._inner.start_tls(ssl_context, server_hostname, timeout), self._backend, self._sock)
        self._backend._streams.discard(self)
        return tls

    def get_extra_info(self, info: str) -> Any:
        return self._backend.readable(self) if info == "is_readable" else self._inner.get_extra_info(info)


class Backend(httpcore.AsyncNetworkBackend):
    def __init__(self) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._streams: weakref.WeakSet[_Stream] = weakref.WeakSet()  # open streams
        self._deciding = False
        self._ready: dict[_Stream, bool] | None = None

    def begin(self) -> None:
        """The pool starts deciding: no I/O until `end`, so one poll() may answer for every stream."""
        self._deciding, self._ready = hasattr(select, "poll"), None

    def end(self) -> None:
        self._deciding, self._ready = False, None

    def readable(self, stream: _Stream) -> bool:
        if not self._deciding:
            return readable(stream._sock)
        if self._ready is None:
            self._ready = self._poll_all()
        answer = self._ready.get(stream)
        return readable(stream._sock) if answer is None else answer

    def _poll_all(self) -> dict[_Stream, bool]:
        """readable() of every open stream, with one poll(): the same rule, the same events."""
        ready: dict[_Stream, bool] = {}
        poller = select.poll()
        by_fd: dict[int, _Stream] = {}
        for stream in list(self._streams):
            sock = stream._sock
            if sock is None or sock.fileno() == -1:
                ready[stream] = True
            elif sock.fileno() not in by_fd:  # (two streams on one descriptor: the second asks alone)
                by_fd[sock.fileno()] = stream
                poller.register(sock, select.POLLIN)
        events = {fd for fd, _ in poller.poll(0)} if by_fd else set()
        for fd, stream in by_fd.items():
            ready[stream] = fd in events
        return ready

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> _Stream:
        return _Stream(await self._inner.connect_tcp(host, port, timeout, local_address, socket_options), self)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> _Stream:
        return _Stream(await self._inner.connect_unix_socket(path, timeout, socket_options), self)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class Pool(httpcore.AsyncConnectionPool):
    """httpcore 1.0.9's pool with its bookkeeping in linear time. Each time a request starts or ends the
    pool looks at every connection, and for each idle one it counted the connections with a list of
    is_idle() calls (a list of booleans, so its length is simply the number of connections): n² calls,
    some 250 with 16 connections. The same decisions, in the same order, without that list; and the
    backend answers "is it readable" for all of them with one poll() (`Backend.begin`)."""

    def _assign_requests_to_connections(self) -> list[httpcore.AsyncConnectionInterface]:
        backend = self._network_backend
        if not isinstance(backend, Backend):
            return self._assign()
        backend.begin()
        try:
            return self._assign()
        finally:
            backend.end()

    def _assign(self) -> list[httpcore.AsyncConnectionInterface]:
        closing_connections = []
        for connection in list(self._connections):
            if connection.is_closed():
                self._connections.remove(connection)
            elif connection.has_expired():  # noqa: SIM114 (kept as httpcore writes it)
                self._connections.remove(connection)
                closing_connections.append(connection)
            elif connection.is_idle() and len(self._connections) > self._max_keepalive_connections:
                self._connections.remove(connection)
                closing_connections.append(connection)

        queued_requests = [request for request in self._requests if request.is_queued()]
        for pool_request in queued_requests:
            origin = pool_request.request.url.origin
            available_connections = [
                connection
                for connection in self._connections
                if connection.can_handle_request(origin) and connection.is_available()
            ]
            idle_connections = [connection for connection in self._connections if connection.is_idle()]
            if available_connections:
                connection = available_connections[0]
                pool_request.assign_to_connection(connection)
            elif len(self._connections) < self._max_connections:
                connection = self.create_connection(origin)
                self._connections.append(connection)
                pool_request.assign_to_connection(connection)
            elif idle_connections:
                connection = idle_connections[0]
                self._connections.remove(connection)
                closing_connections.append(connection)
                connection = self.create_connection(origin)
                self._connections.append(connection)
                pool_request.assign_to_connection(connection)
        return closing_connections


# The version whose _assign_requests_to_connections Pool repeats; any other keeps httpcore's own.
POOL_FOR_HTTPCORE = "1.0.9"


def transport(limits: httpx.Limits) -> httpx.AsyncHTTPTransport:
    """httpx's own transport, its connection pool on `Backend` (and a `Pool` for httpcore 1.0.9). httpx
    offers no argument for either, so they are set on the pool it built; should a later httpx build the
    pool differently, the default stays."""
    result = httpx.AsyncHTTPTransport(limits=limits)
    pool = getattr(result, "_pool", None)
    if isinstance(pool, httpcore.AsyncConnectionPool) and hasattr(pool, "_network_backend"):
        pool._network_backend = Backend()
        if type(pool) is httpcore.AsyncConnectionPool and httpcore.__version__ == POOL_FOR_HTTPCORE:
            pool.__class__ = Pool
    return result
