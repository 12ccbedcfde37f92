"""A per-process counter of committed changes to one model, and a cache that empties when it moves on."""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from threading import Lock
from typing import Any, Generic, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class ChangeGeneration:
    """`value` goes up with every commit in this process that inserted, changed or deleted a `model` row.

    A cache entry remembers the value it was made under and is stale once the value moved on; changes
    made by other processes show only when the entry's own time limit runs out.
    """

    def __init__(self, model: type) -> None:
        self.model = model
        self.value = 0
        self._lock = Lock()
        self._flag = f"changed:{model.__name__}"
        event.listen(OrmSession, "after_flush", self._note)
        event.listen(OrmSession, "after_commit", self._bump)
        event.listen(OrmSession, "after_rollback", self._forget)

    def _note(self, session: Any, _flush_context: Any) -> None:
        if any(isinstance(o, self.model) for o in (*session.new, *session.dirty, *session.deleted)):
            session.info[self._flag] = True

    def _bump(self, session: Any) -> None:
        if session.info.pop(self._flag, False):
            with self._lock:
                self.value += 1

    def _forget(self, session: Any) -> None:
        session.info.pop(self._flag, None)


class GenerationCache(Generic[K, V]):
    """Values kept for `ttl_s` seconds, dropped at once when `changes` moves on (a commit in this process).

    Changes made by other processes show once an entry's `ttl_s` is over. At `max_entries` the cache
    starts afresh rather than tracking which entry is oldest.
    """

    def __init__(self, changes: ChangeGeneration, ttl_s: float, max_entries: int) -> None:
        self.changes = changes
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._entries: dict[K, tuple[int, float, V]] = {}
        self._lock = Lock()

    def get(self, key: K, load: Callable[[], V]) -> V:
        now = time.monotonic()
        hit = self._entries.get(key)
        if hit is not None and hit[0] == self.changes.value and now - hit[1] < self.ttl_s:
            return hit[2]
        generation = self.changes.value  # read before loading: a change committed meanwhile makes it stale
        value = load()
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[key] = (generation, now, value)
        return value
