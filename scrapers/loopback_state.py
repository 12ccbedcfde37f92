"""The programmable world the loopback server serves: accounts, their posts, and scripted faults."""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

EPOCH = datetime(2024, 11, 1, 0, 0, tzinfo=UTC)


@dataclass
class FakePost:
    id: int  # ascending with time across the whole server
    text: str
    created_at: datetime
    kind: str = "post"  # post, repost, reply, quote, or "foreign" (someone else's post met on the way)
    other: str = "orang.lain"  # the other party: original author, replied-to or quoted author
    quoted_text: str | None = None
    edited_at: datetime | None = None
    deleted: bool = False
    guid: str | None = None  # feeds: the item's id as the feed gives it, when a test needs an odd one


@dataclass
class FakeAccount:
    platform: str
    name: str  # handle, channel or feed/page name
    user_id: str
    status: str = "ok"  # ok, not_found, private, suspended
    posts: list[FakePost] = field(default_factory=list)

    def visible(self) -> list[FakePost]:
        """Posts as the platform lists them: newest first, deleted ones gone."""
        return sorted((p for p in self.posts if not p.deleted), key=lambda p: p.id, reverse=True)


@dataclass
class Fault:
    kind: str  # "429", "500", "slow", "malformed", "status:<code>"
    match: str  # substring of the request path + query
    times: int = 1  # how many requests it hits; -1 for ever
    retry_after: float | None = None
    delay_s: float = 0.0


class World:
    """Thread-safe: the server reads it from its threads while a test edits it."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.accounts: dict[tuple[str, str], FakeAccount] = {}
        self.by_id: dict[str, FakeAccount] = {}
        self.faults: list[Fault] = []
        self.robots_disallow: list[str] = []
        self.requests: list[dict[str, str]] = []  # path, If-None-Match, status, user-agent
        self.bearer_token = "loopback-token"
        self._ids = itertools.count(1000)

    def add_account(self, platform: str, name: str, *, posts: int = 0, status: str = "ok") -> FakeAccount:
        with self.lock:
            account = FakeAccount(
                platform,
                name.lower() if platform not in ("rss", "html", "youtube") else name,
                user_id=str(next(self._ids)),
                status=status,
            )
            self.accounts[(platform, account.name)] = account
            self.by_id[account.user_id] = account
            for _ in range(posts):
                self.add_post(account)
            return account

    def add_post(self, account: FakeAccount, text: str | None = None, **kw: object) -> FakePost:
        with self.lock:
            post_id = next(self._ids)
            post = FakePost(
                id=post_id,
                text=text if text is not None else f"Kabar {account.name} nomor {post_id}",
                created_at=EPOCH + timedelta(minutes=post_id),
                **kw,  # type: ignore[arg-type]
            )
            account.posts.append(post)
            return post

    def edit(self, post: FakePost, text: str) -> None:
        with self.lock:
            post.text = text
            post.edited_at = post.created_at + timedelta(hours=1)

    def delete(self, post: FakePost) -> None:
        with self.lock:
            post.deleted = True

    def add_fault(
        self, kind: str, match: str, *, times: int = 1, retry_after: float | None = None, delay_s: float = 0.0
    ) -> Fault:
        with self.lock:
            fault = Fault(kind, match, times, retry_after, delay_s)
            self.faults.append(fault)
            return fault

    def take_fault(self, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.match in path and fault.times != 0:
                    fault.times -= 1 if fault.times > 0 else 0
                    return fault
            return None

    def get(self, platform: str, name: str) -> FakeAccount | None:
        with self.lock:
            return self.accounts.get((platform, name))

    def log(self, entry: dict[str, str]) -> None:
        with self.lock:
            self.requests.append(entry)
            if len(self.requests) > 100_000:  # the benchmark makes many; keep memory flat
                del self.requests[:50_000]
