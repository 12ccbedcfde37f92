"""Log in, log out, and the front door."""

from __future__ import annotations

import math

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from monitor.audit import record
from monitor.auth import authenticate, password_fingerprint
from monitor.models import User
from monitor.sessions import open_session, revoke_session
from review_ui.deps import client_ip, db
from review_ui.i18n import translate
from review_ui.render import lang_of, page
from review_ui.security import csrf_protect, csrf_token

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only local paths: never redirect to another site after login."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/cases"


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/cases", status_code=303)


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None) -> Response:
    return page(request, "login.html", {"next": _safe_next(next), "error": None})


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    email: str = Form(...),
    password: str = Form(...),
    next: str = Form("/cases"),
    session: Session = Depends(db),
) -> Response:
    throttle = request.app.state.throttle
    ip = client_ip(request)
    wait = throttle.retry_after(email, ip)
    lang = lang_of(request)
    if wait > 0:
        message = translate(lang, "login_locked", minutes=max(1, math.ceil(wait / 60)))
        return page(request, "login.html", {"next": _safe_next(next), "error": message, "email": email}, 429)
    user = authenticate(session, email, password)
    if user is None:
        throttle.failure(email, ip)
        record(session, "anonymous", "auth.login_failed", "user", email.strip().lower()[:128], {"ip": ip})
        session.commit()
        message = translate(lang, "login_failed")
        return page(request, "login.html", {"next": _safe_next(next), "error": message, "email": email}, 401)
    throttle.success(email, ip)
    assert user.id is not None
    sid = open_session(session, user.id)
    record(session, user.email, "auth.login", "user", str(user.id), {"ip": ip})
    session.commit()
    request.session.clear()  # a fresh session (and CSRF token) after login: no session fixation
    request.session.update({"sid": sid, "pwf": password_fingerprint(user.password_hash)})
    csrf_token(request)  # issued with the login, not by the first page (which would re-sign the cookie)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request, session: Session = Depends(db)) -> RedirectResponse:
    """Ends the session on the server: a copy of the cookie is refused from now on."""
    sid = request.session.get("sid")
    user_id = revoke_session(session, sid) if isinstance(sid, str) else None
    user = session.get(User, user_id) if user_id is not None else None
    if user is not None:
        record(session, user.email, "auth.logout", "user", str(user.id), {"ip": client_ip(request)})
        session.commit()
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
