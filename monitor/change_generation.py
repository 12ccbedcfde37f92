"""A per-process counter of committed changes to one model, for caches that must empty when it changes."""

from __future__ import annotations

from threading import Lock
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession


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
