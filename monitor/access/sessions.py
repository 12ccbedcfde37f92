"""Server-side login sessions: opened at login, checked on every request, revoked at logout.

A signed cookie alone stays valid until it expires, whatever happens on the server; here the cookie only
carries a random token, and the session is whatever this table says: logging out, disabling a user or
resetting their password revokes it at once, on every web process.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam, delete, update
from sqlmodel import Session, col, select

from monitor.models import LoginSession, User, utcnow

__all__ = ["SESSION_TTL_S", "SESSION_USER", "open_session", "revoke_session", "revoke_user_sessions", "token_hash"]

SESSION_TTL_S = 8 * 3600  # one working day, from login: the cookie's max age and the server's absolute end


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, user_id: int, ttl_s: float = SESSION_TTL_S) -> str:
    """A new session for this user, ending `ttl_s` from now; returns the token for the cookie."""
    now = utcnow()
    # Housekeeping on the rare write: expired records (revoked or not) serve no one any more.
    session.exec(delete(LoginSession).where(col(LoginSession.expires_at) < now))  # type: ignore[call-overload]
    token = secrets.token_urlsafe(32)
    session.add(
        LoginSession(
            token_hash=token_hash(token), user_id=user_id, created_at=now, expires_at=now + timedelta(seconds=ttl_s)
        )
    )
    session.flush()
    return token


def revoke_session(session: Session, token: str) -> int | None:
    """End this session; returns its user's id, or None when it was not open (already ended, unknown)."""
    row = session.exec(
        select(LoginSession).where(LoginSession.token_hash == token_hash(token), col(LoginSession.revoked_at).is_(None))
    ).first()
    if row is None:
        return None
    row.revoked_at = utcnow()
    session.add(row)
    return row.user_id


def revoke_user_sessions(session: Session, user_id: int) -> int:
    """End every open session of this user (disabled, password reset); returns how many."""
    result = session.exec(
        update(LoginSession)  # type: ignore[call-overload]
        .where(LoginSession.user_id == user_id, col(LoginSession.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )
    return int(result.rowcount or 0)


# The session's user as plain columns, in one statement built once: the look-up runs on every request.
SESSION_USER: Any = (
    select(User.id, User.email, User.name, User.role, User.agency_id, User.active, User.password_hash)
    .join(LoginSession, col(LoginSession.user_id) == User.id)
    .where(
        LoginSession.token_hash == bindparam("token_hash"),
        col(LoginSession.revoked_at).is_(None),
        LoginSession.expires_at > bindparam("now"),
    )
)
