"""A real HTTP server on 127.0.0.1 that plays every platform Netra reads, for tests, `netra demo` and
benchmarks/scrape.py. It serves a programmable `World` (accounts, posts, edits, deletions) in each
platform's documented shape, plus scripted faults: 429 with Retry-After, 5xx, slow and malformed answers,
robots.txt disallow. ETag / If-None-Match on pages and feeds, so conditional requests can be seen."""

from __future__ import annotations

import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from scrapers import loopback_pages as pages
from scrapers import loopback_render as render
from scrapers import loopback_x as xapi
from scrapers.loopback_state import FakeAccount, World

__all__ = ["FakeAccount", "LoopbackServer", "World"]
MASTODON_INSTANCE = "mastodon.test"
_MALFORMED = {
    "json": b'{"feed": [{"post": {"uri": ',
    "html": b"<html><body><div class=",
    "xml": b"<rss><channel><item><title>rusak",
}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read World.requests instead
        return

    def do_GET(self) -> None:
        world = self.server.world
        status, headers, body = self._answer(world)
        if status == 200 and headers.get("ETag") and self.headers.get("If-None-Match") == headers["ETag"]:
            status, body = 304, b""
        world.log(
            {
                "path": self.path,
                "status": str(status),
                "if_none_match": self.headers.get("If-None-Match", ""),
                "user_agent": self.headers.get("User-Agent", ""),
                "cookie": self.headers.get("Cookie", ""),
                "client_port": str(self.client_address[1]),  # one per connection: shows keep-alive
            }
        )
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _answer(self, world: World) -> render.Response:
        fault = world.take_fault(self.path)
        kind = _kind(self.path)
        if fault is not None:
            if fault.kind == "slow":
                time.sleep(fault.delay_s)
            elif fault.kind == "429":
                extra = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else {}
                return render.js(429, {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}, extra)
            elif fault.kind == "500":
                return 500, {"Content-Type": "text/plain"}, b"Internal Server Error"
            elif fault.kind == "malformed":
                content = {"json": "application/json", "html": "text/html", "xml": "application/rss+xml"}[kind]
                return 200, {"Content-Type": content}, _MALFORMED[kind]
            elif fault.kind.startswith("status:"):
                return int(fault.kind.split(":")[1]), {"Content-Type": "text/plain"}, b"scripted status"
        try:
            return self.server.route(self.path, self.headers.get("Authorization", ""))
        except (KeyError, ValueError) as exc:
            return render.js(400, {"error": "InvalidRequest", "message": str(exc)})


def _kind(path: str) -> str:
    if path.startswith(("/xrpc/", "/m/", "/2/")):
        return "json"
    return "xml" if path.startswith("/feeds/") else "html"


def _text(status: int, content_type: str, text: str) -> render.Response:
    body = text.encode()
    return status, {"Content-Type": content_type, "ETag": f'"{hashlib.sha1(body).hexdigest()[:16]}"'}, body


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512

    def __init__(self, world: World, host: str, port: int) -> None:
        super().__init__((host, port), _Handler)
        self.world = world

    @property
    def base(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def route(self, raw_path: str, authorization: str) -> render.Response:
        world, parts = self.world, urlsplit(raw_path)
        path, query = unquote(parts.path), dict(parse_qsl(parts.query))
        seg = path.strip("/").split("/")
        if path == "/robots.txt":
            rules = "\n".join(f"Disallow: {p}" for p in world.robots_disallow) or "Disallow:"
            return 200, {"Content-Type": "text/plain"}, f"User-agent: *\n{rules}\n".encode()
        if path == "/xrpc/app.bsky.actor.getProfile":
            account = world.get("bluesky", query["actor"].lower())
            return render.bluesky_profile(account or FakeAccount("bluesky", query["actor"], "0", status="not_found"))
        if path == "/xrpc/app.bsky.feed.getAuthorFeed":
            account = world.by_id.get(query["actor"].removeprefix("did:plc:"))
            if account is None:
                return render.js(400, {"error": "InvalidRequest", "message": "Profile not found"})
            return render.bluesky_feed(account, min(int(query.get("limit", 50)), 100), query.get("cursor"))
        if seg[0] == "m" and len(seg) >= 5:
            instance, base = seg[1], f"{self.base}/m/{seg[1]}"
            if seg[2:] == ["api", "v1", "accounts", "lookup"]:
                return render.mastodon_lookup(
                    world.get("mastodon", f"{query['acct'].lower()}@{instance}"), instance, base
                )
            if len(seg) == 7 and seg[6] == "statuses":
                account = world.by_id.get(seg[5])
                if account is None:
                    return render.js(404, {"error": "Record not found"})
                return render.mastodon_statuses(account, instance, base, query)
        if seg[0] == "s" and len(seg) == 2:
            account = world.get("telegram", seg[1].lower())
            if account is None or account.status != "ok":
                return 302, {"Location": f"/{seg[1]}"}, b""
            return _text(
                200,
                "text/html; charset=utf-8",
                pages.telegram_page(account, int(query["before"]) if "before" in query else None),
            )
        if path == "/feeds/videos.xml":
            account = world.get("youtube", query.get("channel_id", ""))
            if account is None:
                return 404, {"Content-Type": "text/plain"}, b"Not Found"
            return _text(200, "application/atom+xml; charset=utf-8", pages.youtube_feed(account, self.base))
        if seg[0] == "feeds" and len(seg) == 2:
            account = world.get("rss", seg[1].removesuffix(".xml"))
            if account is None:
                return 404, {"Content-Type": "text/plain"}, b"Not Found"
            return _text(200, "application/rss+xml; charset=utf-8", pages.rss_feed(account, self.base))
        if seg[0] == "2":
            if authorization != f"Bearer {world.bearer_token}":
                return render.js(
                    401, {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}
                )
            if seg[1:4] == ["users", "by", "username"] and len(seg) == 5:
                return xapi.x_user(world.get("x", seg[4].lower()), seg[4])
            if seg[1] == "users" and len(seg) == 4 and seg[3] == "tweets":
                account = world.by_id.get(seg[2])
                if account is None:
                    return render.js(200, {"errors": [{"title": "Not Found Error", "detail": "Could not find user"}]})
                return xapi.x_tweets(account, query)
        if seg[0] == "pages" and len(seg) == 2:
            account = world.get("html", seg[1])
            if account is None:
                return 404, pages.HTML, b"<html><body>Not Found</body></html>"
            return _text(200, "text/html; charset=utf-8", pages.html_page(account))
        return 404, {"Content-Type": "text/plain"}, b"Not Found"


class LoopbackServer:
    """`with LoopbackServer() as server:` starts it on a free port in a background thread."""

    def __init__(self, world: World | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.world = world or World()
        self._server = _Server(self.world, host, port)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return self._server.base

    def start(self) -> LoopbackServer:
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="netra-loopback", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def handle_for(self, account: FakeAccount) -> str:
        """The handle to register in Netra for a loopback account (feeds and pages are full URLs)."""
        if account.platform == "rss":
            return f"{self.url}/feeds/{account.name}.xml"
        if account.platform == "youtube":
            return f"{self.url}/feeds/videos.xml?channel_id={account.name}"
        if account.platform == "html":
            return f"{self.url}/pages/{account.name}"
        return account.name

    def scraper_settings(self) -> dict[str, Any]:
        """ScraperSettings fields that point every platform at this server."""
        instances = {MASTODON_INSTANCE} | {
            name.split("@", 1)[1] for (platform, name) in self.world.accounts if platform == "mastodon"
        }
        return {
            "bluesky_url": self.url,
            "x_api_url": self.url,
            "telegram_url": self.url,
            "x_bearer_token": self.world.bearer_token,
            "mastodon_urls": {instance: f"{self.url}/m/{instance}" for instance in sorted(instances)},
            "html_sources": {
                "loopback": {
                    "url_prefix": f"{self.url}/pages/",
                    "item": "article.post",
                    "text": "div.content",
                    "link": "h2 a[href]",
                    "time": "time[datetime]",
                },
            },
        }
