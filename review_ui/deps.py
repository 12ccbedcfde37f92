"""Request dependencies: the database session, who is asking, and role checks."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator

from fastapi import Depends, HTTPException, Request
from sqlmodel import Session

from monitor.auth import authenticate, password_fingerprint
from monitor.cases import Viewer
from monitor.models import Role, User


class LoginRequired(Exception):
    """No valid session: pages redirect to the login form, the API answers 401."""


def db(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        yield session


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _basic_auth(request: Request, session: Session, header: str) -> User:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        raise HTTPException(401, "use HTTP Basic (email:password) or the session cookie")
    try:
        email, _, password = base64.b64decode(value).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise HTTPException(401, "malformed Authorization header") from exc
    throttle = request.app.state.throttle
    ip = client_ip(request)
    if throttle.retry_after(email, ip) > 0:
        raise HTTPException(429, "too many failed logins; try again later")
    user = authenticate(session, email, password)
    if user is None:
        throttle.failure(email, ip)
        raise HTTPException(401, "wrong email or password")
    throttle.success(email, ip)
    return user


def current_user(request: Request, session: Session = Depends(db)) -> User:
    header = request.headers.get("authorization")
    if header and request.url.path.startswith("/api/"):
        return _basic_auth(request, session, header)  # never falls back to the cookie
    user_id = request.session.get("uid")
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active or request.session.get("pwf") != password_fingerprint(user):
        request.session.pop("uid", None)
        raise LoginRequired
    return user


# The checks below do no I/O: as `async def` they run on the event loop instead of taking a thread-pool
# round trip each, which is a measurable share of a request's CPU.
async def viewer(user: User = Depends(current_user)) -> Viewer:
    return Viewer.of(user)


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
