"""Request dependencies: the database session, who is asking, and role checks."""

from __future__ import annotations

import base64
import binascii
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

from fastapi import Depends, HTTPException, Request
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from monitor.access.login_throttle import LoginThrottle, Refusal
from monitor.access.sessions import SESSION_USER, token_hash
from monitor.auth import authenticate, password_fingerprint
from monitor.models import Role, User, utcnow
from monitor.review.cases import Viewer
from review_ui.login_guard import attempt_of, retry_after

T = TypeVar("T")


class LoginRequired(Exception):
    """No valid session: pages redirect to the login form, the API answers 401."""


async def db(request: Request) -> AsyncIterator[Session]:
    # Opening a session does no I/O (it connects on first use), so it needs no thread-pool round trip, as a
    # plain generator dependency would take; closing it ends the transaction: that stays in the pool.
    session = Session(request.app.state.engine, expire_on_commit=False)
    try:
        yield session
    finally:
        await run_in_threadpool(session.close)


def _basic_auth(request: Request, session: Session, header: str) -> User:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        raise HTTPException(401, "use HTTP Basic (email:password) or the session cookie")
    try:
        email, _, password = base64.b64decode(value).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise HTTPException(401, "malformed Authorization header") from exc
    throttle: LoginThrottle = request.app.state.throttle
    ticket = throttle.begin(attempt_of(request, email))  # the same limits as the login form
    if isinstance(ticket, Refusal):
        raise HTTPException(429, "too many failed logins; try again later", {"Retry-After": retry_after(ticket)})
    user = authenticate(session, email, password)
    if user is None:
        throttle.failure(ticket)
        raise HTTPException(401, "wrong email or password")
    throttle.success(ticket)
    return user


def viewer(request: Request, session: Session = Depends(db)) -> Viewer:
    """Who is asking: the user of the cookie's server-side session (open, not expired, user still active,
    password unchanged since login), or on the API the HTTP Basic credentials."""
    header = request.headers.get("authorization")
    if header and request.url.path.startswith("/api/"):
        return Viewer.of(_basic_auth(request, session, header))  # never falls back to the cookie
    token = request.session.get("sid")
    user = (
        session.connection().execute(SESSION_USER, {"token_hash": token_hash(token), "now": utcnow()}).first()
        if isinstance(token, str)
        else None
    )
    if user is None or not user.active or request.session.get("pwf") != password_fingerprint(user.password_hash):
        request.session.pop("sid", None)
        raise LoginRequired
    return Viewer(user.id, user.email, user.name, Role(user.role), user.agency_id)


async def in_thread(request: Request, handler: Callable[..., T], *args: Any) -> T:
    """`handler(request, viewer, session, *args)` with a fresh session, in one thread-pool round trip,
    for pages that only read.

    Through `Depends(viewer)` a sync page takes three (look up the user, run the page, close the
    session), each ~0.1-0.2 ms of CPU with its GIL hand-offs; the busiest pages (the queue and the case
    page) use this instead. The session reads in autocommit mode on PostgreSQL (`monitor.db.autocommit_reads`:
    no BEGIN and ROLLBACK round trips), so `handler` must not write.
    """

    def call() -> T:
        with Session(request.app.state.read_engine, expire_on_commit=False) as session:
            return handler(request, viewer(request, session), session, *args)

    return await run_in_threadpool(call)


# The checks below do no I/O: as `async def` they run on the event loop instead of taking a thread-pool
# round trip each, which is a measurable share of a request's CPU.
def require_roles(*roles: Role):  # type: ignore[no-untyped-def]
    async def check(v: Viewer = Depends(viewer)) -> Viewer:
        if v.role not in roles:
            raise HTTPException(403, "not allowed for your role")
        return v

    return check


admin_only = require_roles(Role.admin)


async def audit_readers(v: Viewer = Depends(viewer)) -> Viewer:
    """The whole audit log spans every agency: admins and auditors without an agency scope."""
    if v.role == Role.admin or (v.role == Role.auditor and v.agency_id is None):
        return v
    raise HTTPException(403, "the full audit log is for admins and auditors")
