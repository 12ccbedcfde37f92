"""The client's address behind a reverse proxy, believed only from proxies named in NETRA_TRUSTED_PROXIES.

The login throttle and the audit log key on this address. Behind nginx every request comes from the proxy, so
without X-Forwarded-For all clients would share one address (one attacker could lock everyone out); from
anyone else the header is whatever the client wrote, so it must be ignored (else an attacker picks a fresh
address for every try). `netra serve` turns uvicorn's own header handling off so that this is the only place
that decides.
"""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import IPv4Network, IPv6Network, ip_address

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

Networks = tuple[IPv4Network | IPv6Network, ...]
MAX_ADDRESS = 64


def is_trusted(address: str, proxies: Networks) -> bool:
    try:
        ip = ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def real_client(peer: str, forwarded_for: Iterable[str], proxies: Networks) -> str:
    """Walk the chain from the right: each trusted proxy appended the address it saw, so the first address
    that is not a trusted proxy is the client. Entries further left were written by the client itself."""
    hops = [hop.strip() for value in forwarded_for for hop in value.split(",") if hop.strip()]
    chain = [*hops, peer]
    for address in reversed(chain):
        if not is_trusted(address, proxies):
            return address[:MAX_ADDRESS]
    return chain[0][:MAX_ADDRESS]  # proxies all the way: the furthest one is the best we know


class ForwardedClient:
    """Pure ASGI middleware: a request from a trusted proxy gets the client (and scheme) that proxy saw."""

    def __init__(self, app: ASGIApp, proxies: Networks) -> None:
        self.app = app
        self.proxies = proxies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] in ("http", "websocket") and client and is_trusted(client[0], self.proxies):
            headers = [(k.lower(), v.decode("latin-1")) for k, v in scope["headers"]]
            forwarded = [v for k, v in headers if k == b"x-forwarded-for"]
            scope = dict(scope, client=(real_client(client[0], forwarded, self.proxies), 0))
            proto = next((v.strip().lower() for k, v in headers if k == b"x-forwarded-proto"), None)
            if proto in ("http", "https") and scope["type"] == "http":
                scope["scheme"] = proto
        await self.app(scope, receive, send)


def client_ip(request: Request) -> str:
    """The client as `ForwardedClient` resolved it (the TCP peer unless that is a trusted proxy)."""
    return request.client.host if request.client else "unknown"
